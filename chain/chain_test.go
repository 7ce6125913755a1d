package chain

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/beaconcheck/beaconcheck/conformance"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
	"github.com/beaconcheck/beaconcheck/spec/interop"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// richOptions ask for every kind of operation on the minimal preset.
func richOptions(seed uint64) Options {
	return Options{Config: spec.MustPreset("minimal"), Validators: 64, Epochs: 4, Participation: 0.75,
		Deposits: true, Exits: true, Slashings: true, Seed: seed}
}

var (
	richOnce  sync.Once
	richChain *Chain
	richErr   error
)

// rich is the chain of richOptions(1), generated once for the tests that only read it.
func rich(t *testing.T) *Chain {
	t.Helper()
	richOnce.Do(func() { richChain, richErr = Generate(richOptions(1)) })
	if richErr != nil {
		t.Fatal(richErr)
	}
	return richChain
}

func writeChain(t *testing.T, c *Chain, cfg *spec.Config) string {
	t.Helper()
	dir := t.TempDir()
	if err := c.Write(cfg, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Two generations with one seed are the same bytes; another seed gives other blocks.
func TestGenerateIsDeterministic(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	a := writeChain(t, rich(t), cfg)
	again, err := Generate(richOptions(1))
	if err != nil {
		t.Fatal(err)
	}
	b := writeChain(t, again, cfg)
	files, _ := os.ReadDir(a)
	if len(files) < 3+len(again.Blocks) {
		t.Fatalf("%d files for %d blocks", len(files), len(again.Blocks))
	}
	for _, f := range files {
		x, _ := os.ReadFile(filepath.Join(a, f.Name()))
		y, err := os.ReadFile(filepath.Join(b, f.Name()))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two generations with seed 1 (%v)", f.Name(), err)
		}
	}
	other, err := Generate(richOptions(2))
	if err != nil {
		t.Fatal(err)
	}
	if r1, r2 := root(t, cfg, rich(t).Post), root(t, cfg, other.Post); r1 == r2 {
		t.Error("seeds 1 and 2 give the same chain")
	}
}

func root(t *testing.T, cfg *spec.Config, s *spec.BeaconState) spec.Root {
	t.Helper()
	r, err := spec.HashTreeRoot(cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The rich chain carries every operation asked for and keeps finalizing.
func TestGenerateOperations(t *testing.T) {
	c := rich(t)
	s := c.Stats
	if s.Attestations == 0 || s.Deposits == 0 || s.VoluntaryExits == 0 || s.ProposerSlashings == 0 || s.AttesterSlashings == 0 {
		t.Errorf("stats %+v: an operation is missing", s)
	}
	cfg := spec.MustPreset("minimal")
	if got, want := c.Pre.Slot, spec.Slot(cfg.ShardCommitteePeriod*cfg.SlotsPerEpoch); got != want {
		t.Errorf("pre-state at slot %d, want %d (exits need SHARD_COMMITTEE_PERIOD)", got, want)
	}
	if len(c.Blocks)+s.SkippedSlots != int(4*cfg.SlotsPerEpoch) {
		t.Errorf("%d blocks and %d skipped slots in 4 epochs", len(c.Blocks), s.SkippedSlots)
	}
	if c.Post.FinalizedCheckpoint.Epoch <= c.Pre.FinalizedCheckpoint.Epoch {
		t.Errorf("finalized epoch %d -> %d: the chain does not finalize at 75%% participation", c.Pre.FinalizedCheckpoint.Epoch, c.Post.FinalizedCheckpoint.Epoch)
	}
	if len(c.Post.Validators) <= len(c.Pre.Validators) {
		t.Errorf("%d validators, %d before: no deposit added one", len(c.Post.Validators), len(c.Pre.Validators))
	}
}

func TestOptionsErrors(t *testing.T) {
	minimal, mainnet := spec.MustPreset("minimal"), spec.MustPreset("mainnet")
	for _, c := range []struct {
		opts   Options
		option string
		says   string
	}{
		{Options{Config: minimal, Validators: 7, Epochs: 1, Participation: 1}, "Validators", "SLOTS_PER_EPOCH (8)"},
		{Options{Config: minimal, Validators: 64, Epochs: 0, Participation: 1}, "Epochs", "at least one epoch"},
		{Options{Config: minimal, Validators: 64, Epochs: 1, Participation: 1.5}, "Participation", "[0, 1]"},
		{Options{Config: minimal, Validators: 64, Epochs: 2, Participation: 1, Deposits: true}, "Deposits", "at least 3 epochs"},
		{Options{Config: mainnet, Validators: 64, Epochs: 4, Participation: 1, Deposits: true}, "Deposits", "at least 33 epochs"},
	} {
		_, err := Generate(c.opts)
		var oe *OptionsError
		if !errors.As(err, &oe) || oe.Option != c.option || !strings.Contains(oe.Reason, c.says) {
			t.Errorf("%+v: %v, want an OptionsError about %s saying %q", c.opts, err, c.option, c.says)
		}
	}
}

// A generated chain replays cleanly, with signatures verified in batches and one by one.
func TestGeneratedChainReplays(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	dir := writeChain(t, rich(t), cfg)
	v, err := ReadVector(cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	if v.BLSSetting != 1 || len(v.Blocks) != len(rich(t).Blocks) || v.Post == nil {
		t.Fatalf("read back bls_setting %d, %d blocks, post %v", v.BLSSetting, len(v.Blocks), v.Post != nil)
	}
	for _, batch := range []bool{true, false} {
		m := spec.NewModel(cfg)
		m.BatchSignatures = batch
		res, err := Replay(m, v, 20, nil)
		if err != nil {
			t.Fatalf("batch %v: %v", batch, err)
		}
		if !res.PostChecked || res.Blocks != len(v.Blocks) {
			t.Errorf("batch %v: %+v", batch, res)
		}
	}
}

// The generated directory is a sanity vector the official runner passes: laid out as
// tests/minimal/phase0/sanity/blocks/pyspec_tests/CASE with the config beside it.
func TestGeneratedChainIsASanityVector(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	root := t.TempDir()
	caseDir := filepath.Join(root, "tests", "minimal", "phase0", "sanity", "blocks", "pyspec_tests", "generated_chain")
	if err := rich(t).Write(cfg, caseDir); err != nil {
		t.Fatal(err)
	}
	configDir := filepath.Join(root, "tests", "minimal", "config")
	if err := os.MkdirAll(configDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(configDir, "phase0.yaml"), []byte(cfg.YAML()), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := conformance.Run(conformance.Options{Dir: filepath.Join(root, "tests"), Presets: []string{"minimal"}})
	if err != nil {
		t.Fatal(err)
	}
	passed, failed, skipped := rep.Totals()
	if passed != 1 || failed != 0 || skipped != 0 {
		for _, r := range rep.Results {
			for _, f := range r.Failures {
				t.Logf("%s: %v", f.Case, f.Err)
			}
		}
		t.Fatalf("%d passed, %d failed, %d skipped; want 1 passed", passed, failed, skipped)
	}
}

// resign signs a genesis validator's block again after a change (interop key i is
// validator i's).
func resign(t *testing.T, cfg *spec.Config, state *spec.BeaconState, b *spec.SignedBeaconBlock) {
	t.Helper()
	m := spec.NewModel(cfg)
	epoch := m.ComputeEpochAtSlot(b.Message.Slot)
	r, err := m.ComputeSigningRoot(&b.Message, m.GetDomain(state, m.DomainBeaconProposer, &epoch))
	if err != nil {
		t.Fatal(err)
	}
	b.Signature = bls.Sign(interop.SecretKey(uint64(b.Message.ProposerIndex)), r[:])
}

func copyVector(t *testing.T, cfg *spec.Config, v *Vector) *Vector {
	t.Helper()
	out := &Vector{Pre: v.Pre.Copy(), Post: v.Post.Copy(), BLSSetting: v.BLSSetting, Files: v.Files}
	for _, b := range v.Blocks {
		data, err := spec.Marshal(cfg, b)
		if err != nil {
			t.Fatal(err)
		}
		c := new(spec.SignedBeaconBlock)
		if err := spec.Unmarshal(cfg, data, c); err != nil {
			t.Fatal(err)
		}
		out.Blocks = append(out.Blocks, c)
	}
	return out
}

// A wrong state root stops the replay at that block, with both roots; for the last block,
// the state the model computes is compared with post.
func TestReplayStopsAtWrongStateRoot(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	c := rich(t)
	v := &Vector{Pre: c.Pre, Blocks: c.Blocks, Post: c.Post}
	for _, k := range []int{5, len(c.Blocks) - 1} {
		bad := copyVector(t, cfg, v)
		b := bad.Blocks[k]
		good := b.Message.StateRoot
		b.Message.StateRoot[31] ^= 0xff
		resign(t, cfg, c.Pre, b)
		m := spec.NewModel(cfg)
		m.BatchSignatures = true
		res, err := Replay(m, bad, 20, nil)
		var be *BlockError
		if !errors.As(err, &be) {
			t.Fatalf("block %d: %v, want a *BlockError", k, err)
		}
		if be.Index != k || res.Blocks != k || be.StateRoot == nil || be.StateRoot.Computed != good || be.StateRoot.Block != b.Message.StateRoot {
			t.Fatalf("block %d: stopped at %d after %d blocks, roots %+v; want the block's and 0x%x", k, be.Index, res.Blocks, be.StateRoot, good)
		}
		last := k == len(c.Blocks)-1
		if be.PostCompared != last || len(be.PostDiff) != 0 {
			t.Errorf("block %d: post compared %v with %d differences; want compared only for the last block, and equal", k, be.PostCompared, len(be.PostDiff))
		}
	}
}

// A post-state that differs in one balance is named with that balance.
func TestReplayNamesTheDifferenceFromPost(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	c := rich(t)
	v := &Vector{Pre: c.Pre, Blocks: c.Blocks, Post: c.Post.Copy()}
	v.Post.Balances[17] += 5
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	_, err := Replay(m, v, 20, nil)
	var pe *PostError
	if !errors.As(err, &pe) {
		t.Fatalf("%v, want a *PostError", err)
	}
	want := ssz.Difference{Kind: ssz.DiffChanged, Path: "balances[17]"}
	if len(pe.Diff) != 1 || pe.Diff[0].Path != want.Path || pe.Diff[0].Kind != want.Kind {
		t.Fatalf("diff %v, want one change at balances[17]", pe.Diff)
	}
	if !strings.HasSuffix(pe.Diff[0].String(), " -> "+strconv.FormatUint(uint64(v.Post.Balances[17]), 10)) {
		t.Errorf("diff line %q does not end with post's value %d", pe.Diff[0], v.Post.Balances[17])
	}
}

func TestReadVectorErrors(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	dir := t.TempDir()
	if _, err := ReadVector(cfg, dir); err == nil || !strings.Contains(err.Error(), "no pre.ssz_snappy") {
		t.Errorf("empty directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := rich(t).Write(cfg, dir); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("writing into a directory with other files: %v", err)
	}
}
