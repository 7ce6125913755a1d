package spec_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
	"github.com/beaconcheck/beaconcheck/spec/interop"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// Batched signature verification (Model.BatchSignatures) must decide every block as
// verification at each bls.Verify does: the same blocks valid, the same error for the
// invalid ones, the same states. These tests run both modes side by side.

// outcome is what a mode made of a sequence of blocks: the error of each block ("" for
// none) and the root of the state after them.
type outcome struct {
	errs []string
	root spec.Root
}

func replayBlocks(t *testing.T, cfg *spec.Config, pre *spec.BeaconState, blocks []*spec.SignedBeaconBlock, verify, batch bool) outcome {
	t.Helper()
	m := spec.NewModel(cfg)
	m.VerifySignatures = verify
	m.BatchSignatures = batch
	state := pre.Copy()
	var out outcome
	for _, b := range blocks {
		msg := ""
		if err := m.StateTransition(state, b, true); err != nil {
			msg = err.Error()
		}
		out.errs = append(out.errs, msg)
	}
	root, err := spec.HashTreeRoot(cfg, state)
	if err != nil {
		t.Fatal(err)
	}
	out.root = root
	return out
}

func sameOutcome(t *testing.T, name string, plain, batched outcome) {
	t.Helper()
	if !slices.Equal(plain.errs, batched.errs) {
		t.Errorf("%s: plain mode %q, batch mode %q", name, plain.errs, batched.errs)
	}
	if plain.root != batched.root {
		t.Errorf("%s: plain mode ends at state %x, batch mode at %x", name, plain.root, batched.root)
	}
}

// vectorsDir is the official v0.12.3 tests directory 'make spec-tests' extracts.
const vectorsDir = "../.cache/spec-tests/v0.12.3/tests"

// Every sanity/blocks and finality case of both presets: batch mode passes and fails
// exactly the cases plain mode does, with the same errors and states, and both agree with
// the vectors. (-short leaves out the mainnet finality cases, most of the time.)
func TestBatchModeOnOfficialVectors(t *testing.T) {
	if _, err := os.Stat(vectorsDir); err != nil {
		t.Skip("official vectors not fetched (make spec-tests)")
	}
	cases := 0
	for _, preset := range []string{"minimal", "mainnet"} {
		cfg, err := spec.LoadConfig(filepath.Join(vectorsDir, preset, "config", "phase0.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, suite := range []string{"sanity/blocks", "finality/finality"} {
			dirs, _ := filepath.Glob(filepath.Join(vectorsDir, preset, "phase0", suite, "pyspec_tests", "*"))
			for _, dir := range dirs {
				name := preset + "/" + suite + "/" + filepath.Base(dir)
				cases++
				t.Run(name, func(t *testing.T) {
					if testing.Short() && preset == "mainnet" && suite == "finality/finality" {
						t.Skip("-short: the mainnet finality cases take a minute")
					}
					t.Parallel()
					pre, blocks, hasPost, bls := readVector(t, cfg, dir)
					verify := bls != 2
					plain := replayBlocks(t, cfg, pre, blocks, verify, false)
					batched := replayBlocks(t, cfg, pre, blocks, verify, true)
					sameOutcome(t, name, plain, batched)
					failed := slices.ContainsFunc(plain.errs, func(e string) bool { return e != "" })
					if failed == hasPost {
						t.Errorf("post state present %v, but the blocks failed: %q", hasPost, plain.errs)
					}
				})
			}
		}
	}
	if cases < 70 {
		t.Errorf("only %d cases found", cases)
	}
}

func readVector(t *testing.T, cfg *spec.Config, dir string) (*spec.BeaconState, []*spec.SignedBeaconBlock, bool, int) {
	t.Helper()
	var meta struct {
		BlocksCount int `yaml:"blocks_count"`
		BLSSetting  int `yaml:"bls_setting"`
	}
	if data, err := os.ReadFile(filepath.Join(dir, "meta.yaml")); err == nil {
		if err := yaml.Unmarshal(data, &meta); err != nil {
			t.Fatal(err)
		}
	}
	load := func(name string, obj ssz.Object) {
		data, err := os.ReadFile(filepath.Join(dir, name+".ssz"))
		if err != nil {
			t.Fatal(err)
		}
		if err := spec.Unmarshal(cfg, data, obj); err != nil {
			t.Fatalf("%s/%s: %v", dir, name, err)
		}
	}
	pre := new(spec.BeaconState)
	load("pre", pre)
	blocks := make([]*spec.SignedBeaconBlock, meta.BlocksCount)
	for i := range blocks {
		blocks[i] = new(spec.SignedBeaconBlock)
		load(fmt.Sprintf("blocks_%d", i), blocks[i])
	}
	_, err := os.Stat(filepath.Join(dir, "post.ssz"))
	return pre, blocks, err == nil, meta.BLSSetting
}

// richBlock is a minimal-preset block on a state old enough for exits, carrying every
// kind of signature: two attestations, a proposer slashing, an attester slashing, a
// deposit of a new validator and a voluntary exit.
type richBlock struct {
	cfg   *spec.Config
	keys  *interop.Keys
	pre   *spec.BeaconState
	block *spec.SignedBeaconBlock
}

func buildRichBlock(t *testing.T, badProofOfPossession bool) *richBlock {
	t.Helper()
	cfg := spec.MustPreset("minimal")
	const n = 64
	keys := interop.NewKeys(n)
	slot := spec.Slot(cfg.ShardCommitteePeriod*cfg.SlotsPerEpoch + 3)
	state, err := interop.KeyedState(cfg, keys, slot)
	if err != nil {
		t.Fatal(err)
	}
	log := interop.NewDepositLog(cfg)
	if err := log.AppendKeys(keys, 0, slices.Repeat([]spec.Gwei{cfg.MaxEffectiveBalance}, n)); err != nil {
		t.Fatal(err)
	}
	keys.Grow(n + 1)
	deposit, err := interop.DepositData(cfg, keys.SecretKey(n), cfg.MaxEffectiveBalance)
	if err != nil {
		t.Fatal(err)
	}
	if badProofOfPossession {
		deposit.Signature = bls.Sign(keys.SecretKey(n), []byte("not the deposit message"))
	}
	if err := log.Append(deposit); err != nil {
		t.Fatal(err)
	}
	if err := interop.SetEth1Data(state, log.Eth1Data()); err != nil {
		t.Fatal(err)
	}
	m := spec.NewModel(cfg)
	next := state.Copy()
	if err := m.ProcessSlots(next, slot+1); err != nil {
		t.Fatal(err)
	}
	proposer, err := m.GetBeaconProposerIndex(next)
	if err != nil {
		t.Fatal(err)
	}
	// Validators for the operations: none of them the proposer.
	var pick []spec.ValidatorIndex
	for _, v := range interop.ExitCandidates(m, state, m.ComputeEpochAtSlot(slot+1)) {
		if v != proposer {
			pick = append(pick, v)
		}
	}
	block, err := interop.BuildBlock(m, state, keys, interop.BlockOptions{
		Participation:     1,
		Deposits:          log,
		VoluntaryExits:    []spec.ValidatorIndex{pick[0]},
		ProposerSlashings: []spec.ValidatorIndex{pick[1]},
		AttesterSlashings: [][]spec.ValidatorIndex{{pick[2], pick[3]}},
	})
	if err != nil {
		t.Fatal(err)
	}
	body := &block.Message.Body
	if len(body.Attestations) < 2 || len(body.Deposits) != 1 || len(body.VoluntaryExits) != 1 ||
		len(body.ProposerSlashings) != 1 || len(body.AttesterSlashings) != 1 {
		t.Fatalf("block has %d attestations, %d deposits, %d exits, %d proposer and %d attester slashings",
			len(body.Attestations), len(body.Deposits), len(body.VoluntaryExits), len(body.ProposerSlashings), len(body.AttesterSlashings))
	}
	r := &richBlock{cfg: cfg, keys: keys, pre: state, block: block}
	if badProofOfPossession {
		// BuildBlock processed the block without verifying signatures, so its state root
		// counts the new validator: commit to the state the spec reaches, which does not.
		post := state.Copy()
		if err := m.StateTransition(post, block, false); err != nil {
			t.Fatal(err)
		}
		if block.Message.StateRoot, err = spec.HashTreeRoot(cfg, post); err != nil {
			t.Fatal(err)
		}
		r.resign(t, block)
	}
	return r
}

// resign signs the block again with its proposer's key, after a change to its body.
func (r *richBlock) resign(t *testing.T, b *spec.SignedBeaconBlock) {
	t.Helper()
	m := spec.NewModel(r.cfg)
	epoch := m.ComputeEpochAtSlot(b.Message.Slot)
	root, err := m.ComputeSigningRoot(&b.Message, m.GetDomain(r.pre, m.DomainBeaconProposer, &epoch))
	if err != nil {
		t.Fatal(err)
	}
	b.Signature = bls.Sign(r.keys.SecretKey(uint64(b.Message.ProposerIndex)), root[:])
}

func copyBlock(t *testing.T, cfg *spec.Config, b *spec.SignedBeaconBlock) *spec.SignedBeaconBlock {
	t.Helper()
	data, err := spec.Marshal(cfg, b)
	if err != nil {
		t.Fatal(err)
	}
	out := new(spec.SignedBeaconBlock)
	if err := spec.Unmarshal(cfg, data, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// Tampered blocks: each signature of the block made invalid in turn, and invalid
// signatures combined with later failures of other kinds. Both modes must give the same
// error, naming the same assert; the untampered block is valid in both.
func TestBatchModeOnTamperedBlocks(t *testing.T) {
	r := buildRichBlock(t, false)
	corrupt := func(sig *spec.BLSSignature) { sig[10] ^= 0x01 } // still a valid encoding? often not: either way invalid
	swap := func(a, b *spec.BLSSignature) { *a, *b = *b, *a }
	cases := []struct {
		name    string
		tamper  func(b *spec.SignedBeaconBlock)
		resign  bool
		wantErr string // the check named by plain mode's error; "" for a valid block
	}{
		{"untampered", func(*spec.SignedBeaconBlock) {}, false, ""},
		{"block signature", func(b *spec.SignedBeaconBlock) { corrupt(&b.Signature) }, false, spec.CheckBlockSignature},
		{"block signature of another proposer's key", func(b *spec.SignedBeaconBlock) {
			b.Signature = b.Message.Body.VoluntaryExits[0].Signature
		}, false, spec.CheckBlockSignature},
		{"randao reveal", func(b *spec.SignedBeaconBlock) { corrupt(&b.Message.Body.RandaoReveal) }, true, spec.CheckRandaoReveal},
		{"first attestation", func(b *spec.SignedBeaconBlock) { corrupt(&b.Message.Body.Attestations[0].Signature) }, true, spec.CheckAttestationValid},
		{"attestation signatures swapped", func(b *spec.SignedBeaconBlock) {
			atts := b.Message.Body.Attestations
			swap(&atts[0].Signature, &atts[len(atts)-1].Signature)
		}, true, spec.CheckAttestationValid},
		{"proposer slashing header 2", func(b *spec.SignedBeaconBlock) {
			corrupt(&b.Message.Body.ProposerSlashings[0].SignedHeader2.Signature)
		}, true, spec.CheckHeaderSignature},
		{"attester slashing attestation 2", func(b *spec.SignedBeaconBlock) {
			as := &b.Message.Body.AttesterSlashings[0]
			swap(&as.Attestation1.Signature, &as.Attestation2.Signature)
		}, true, spec.CheckIndexedAttestation},
		{"voluntary exit", func(b *spec.SignedBeaconBlock) { corrupt(&b.Message.Body.VoluntaryExits[0].Signature) }, true, spec.CheckExitSignature},
		// The deposit's signature is part of the leaf its proof proves.
		{"deposit signature, in the proven data", func(b *spec.SignedBeaconBlock) { corrupt(&b.Message.Body.Deposits[0].Data.Signature) }, true, spec.CheckDepositProof},
		{"bad attestation signature, then an exit from the future", func(b *spec.SignedBeaconBlock) {
			corrupt(&b.Message.Body.Attestations[1].Signature)
			b.Message.Body.VoluntaryExits[0].Message.Epoch += 1000
		}, true, spec.CheckAttestationValid},
		{"bad exit signature, then a wrong state root", func(b *spec.SignedBeaconBlock) {
			corrupt(&b.Message.Body.VoluntaryExits[0].Signature)
			b.Message.StateRoot[0] ^= 1
		}, true, spec.CheckExitSignature},
		{"valid signatures, wrong state root", func(b *spec.SignedBeaconBlock) { b.Message.StateRoot[0] ^= 1 }, true, spec.CheckStateRoot},
		{"valid signatures, bad attestation committee index after them", func(b *spec.SignedBeaconBlock) {
			b.Message.Body.Attestations[1].Data.Index = 60
		}, true, spec.CheckCommitteeIndex},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := copyBlock(t, r.cfg, r.block)
			c.tamper(b)
			if c.resign {
				r.resign(t, b)
			}
			blocks := []*spec.SignedBeaconBlock{b}
			plain := replayBlocks(t, r.cfg, r.pre, blocks, true, false)
			batched := replayBlocks(t, r.cfg, r.pre, blocks, true, true)
			sameOutcome(t, c.name, plain, batched)
			m := spec.NewModel(r.cfg)
			m.BatchSignatures = true
			err := m.StateTransition(r.pre.Copy(), b, true)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("batch mode rejects the untampered block: %v", err)
				}
				return
			}
			var ae *spec.AssertError
			if !errors.As(err, &ae) {
				t.Fatalf("batch mode: %v, want an AssertError %s", err, c.wantErr)
			}
			if want := c.wantErr; ae.Check != want && !slices.Contains(splitAlternatives(want), ae.Check) {
				t.Errorf("batch mode: failed check %s, want %s (%v)", ae.Check, want, err)
			}
		})
	}
}

// A deposit whose proof of possession does not verify is skipped, and the block stays
// valid: batch mode must verify it on the spot rather than fail the block.
func TestBatchModeSkipsBadProofOfPossession(t *testing.T) {
	r := buildRichBlock(t, true)
	blocks := []*spec.SignedBeaconBlock{r.block}
	plain := replayBlocks(t, r.cfg, r.pre, blocks, true, false)
	batched := replayBlocks(t, r.cfg, r.pre, blocks, true, true)
	sameOutcome(t, "bad proof of possession", plain, batched)
	if batched.errs[0] != "" {
		t.Fatalf("the block is rejected: %s", batched.errs[0])
	}
	m := spec.NewModel(r.cfg)
	m.BatchSignatures = true
	post := r.pre.Copy()
	if err := m.StateTransition(post, r.block, true); err != nil {
		t.Fatal(err)
	}
	if len(post.Validators) != len(r.pre.Validators) || post.Eth1DepositIndex != r.pre.Eth1DepositIndex+1 {
		t.Errorf("%d validators (from %d), deposit index %d: the deposit was not skipped", len(post.Validators), len(r.pre.Validators), post.Eth1DepositIndex)
	}
}

func splitAlternatives(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '|' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
