package properties

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// readCase reads a written sanity/blocks case back: its config (the case's own for a
// custom config), pre-state, blocks and post-state if any.
func readCase(t *testing.T, root string, v *Vector, dir string) (*spec.Config, *spec.BeaconState, []*spec.SignedBeaconBlock, *spec.BeaconState, string) {
	t.Helper()
	cfg := v.Config
	if p := filepath.Join(root, "tests", cfg.ConfigName, "config", "phase0.yaml"); !isPreset(cfg) {
		loaded, err := spec.LoadConfig(p)
		if err != nil {
			t.Fatal(err)
		}
		// Source only says where the values came from (a file here, a preset there).
		same := *loaded
		same.Source = cfg.Source
		if same != *cfg {
			t.Fatalf("%s does not load as the config it was written from", p)
		}
		cfg = loaded
	}
	meta, err := os.ReadFile(filepath.Join(dir, "meta.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string, obj ssz.Object) bool {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, err := ssz.DecodeSnappy(data, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if err := spec.Unmarshal(cfg, raw, obj); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return true
	}
	pre := new(spec.BeaconState)
	if !read("pre.ssz_snappy", pre) {
		t.Fatal("no pre.ssz_snappy")
	}
	var blocks []*spec.SignedBeaconBlock
	for i := 0; ; i++ {
		b := new(spec.SignedBeaconBlock)
		if !read(fmt.Sprintf("blocks_%d.ssz_snappy", i), b) {
			break
		}
		blocks = append(blocks, b)
	}
	var post *spec.BeaconState
	if p := new(spec.BeaconState); read("post.ssz_snappy", p) {
		post = p
	}
	return cfg, pre, blocks, post, string(meta)
}

// replay runs the case as a client's sanity/blocks runner does.
func replay(cfg *spec.Config, pre *spec.BeaconState, blocks []*spec.SignedBeaconBlock, bls int) (*spec.BeaconState, error) {
	m := spec.NewModel(cfg)
	m.VerifySignatures = bls != 2
	state := pre.Copy()
	for i, b := range blocks {
		if err := m.StateTransition(state, b, true); err != nil {
			return nil, fmt.Errorf("block %d: %w", i, err)
		}
	}
	return state, nil
}

// The failing input of the state-level bug, written as a test vector: the state with the
// oversized committee's pending attestation and a block the spec must reject (no post).
func TestBugVectorWritten(t *testing.T) {
	p, _ := Lookup("committee-bound-state")
	o := Run(p, Options{Runs: 100, Seed: 3})
	if !o.Failed {
		t.Fatal("the bug was not reproduced")
	}
	root := t.TempDir()
	dir, err := o.WriteVector(root)
	if err != nil {
		t.Fatal(err)
	}
	in := o.Counterexample[0].(BoundStateInput)
	want := filepath.Join(root, p.Name, fmt.Sprint(o.Seed), "tests", in.Config.Name(), "phase0", "sanity", "blocks", "pyspec_tests", fmt.Sprintf("%s_%d", p.Name, o.Seed))
	if dir != want {
		t.Errorf("case written to %s, want %s", dir, want)
	}
	v, _ := p.Vector(&o.Env, in)
	cfg, pre, blocks, post, meta := readCase(t, filepath.Join(root, p.Name, fmt.Sprint(o.Seed)), v, dir)
	if meta != "{blocks_count: 1, bls_setting: 2}\n" || len(blocks) != 1 || post != nil {
		t.Fatalf("meta %q, %d blocks, post %v", meta, len(blocks), post != nil)
	}
	_, err = replay(cfg, pre, blocks, 2)
	var be *spec.BitlistIndexError
	if !errors.As(err, &be) {
		t.Errorf("replaying the vector: %v, want the BitlistIndexError", err)
	}
}

// A deliberately false property (a block never changes the total of the balances) fails on
// the first chain with a deposit; its counterexample is written as a vector whose blocks
// are valid and whose post-state is the model's.
func TestFalsePropertyVectorWritten(t *testing.T) {
	unchanged := func(*spec.Config) observer {
		return func(before, after *spec.BeaconState, block *spec.SignedBeaconBlock) string {
			var a, b spec.Gwei
			for _, x := range before.Balances {
				a += x
			}
			for _, x := range after.Balances {
				b += x
			}
			if block != nil && a != b {
				return fmt.Sprintf("block %d moved the balances' total from %d to %d", block.Message.Slot, a, b)
			}
			return ""
		}
	}
	space := ChainSpace{
		State:     StateSpace{Configs: ConfigSpace{Presets: []string{"minimal"}}, MinValidators: 16, MaxValidators: 64, Bases: []string{"genesis", "keyed"}, Signed: true},
		MinEpochs: 1, MaxEpochs: 1, MaxDeposits: 4,
	}
	p := &Property{
		Name: "deliberately-false", Group: "invariant", Expect: Fails, QuickRuns: 20,
		Description: "no block changes the sum of the balances (false: deposits do)",
		New: func(env *Env) gopter.Prop {
			return prop.ForAll(func(c ChainRecipe) (string, error) { return chainHolds(env, c, SpecAsWritten, unchanged) }, Chains(space))
		},
		Vector: func(env *Env, x any) (*Vector, error) {
			c := x.(ChainRecipe)
			return chainVector(env, c, SpecAsWritten, unchanged(nil))
		},
	}
	o := Run(p, Options{Runs: p.QuickRuns, Seed: 5})
	if !o.AsExpected() {
		t.Fatalf("%s\n%s", o.Verdict(), o.Report())
	}
	c := o.Counterexample[0].(ChainRecipe)
	if c.Deposits != 1 || c.TopUps != 0 {
		t.Errorf("shrunk to %v, want one deposit", c)
	}
	t.Log(o.Report())
	root := t.TempDir()
	dir, err := o.WriteVector(root)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := p.Vector(&o.Env, c)
	cfg, pre, blocks, post, meta := readCase(t, filepath.Join(root, p.Name, fmt.Sprint(o.Seed)), v, dir)
	if meta != fmt.Sprintf("{blocks_count: %d, bls_setting: 1}\n", len(blocks)) || len(blocks) == 0 || post == nil {
		t.Fatalf("meta %q, %d blocks, post %v", meta, len(blocks), post != nil)
	}
	got, err := replay(cfg, pre, blocks, 1)
	if err != nil {
		t.Fatalf("replaying the vector, signatures checked: %v", err)
	}
	a, _ := spec.HashTreeRoot(cfg, got)
	b, _ := spec.HashTreeRoot(cfg, post)
	if a != b {
		t.Error("the replayed post-state differs from the vector's")
	}
	if _, err := os.Stat(filepath.Join(root, p.Name, fmt.Sprint(o.Seed), "tests", "minimal", "config")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a preset's vector carries a config directory (%v)", err)
	}
}
