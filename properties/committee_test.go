package properties

import (
	"errors"
	"testing"
	"time"

	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The arithmetic property fails on the spec as written, and shrinking takes any
// counterexample to the smallest V with an oversized committee, paired with that V's only
// oversized committee: 4,194,305 on mainnet (slot % 32 = 31, index 63, 2,049 members), and
// on minimal the threshold bounds derives.
func TestCommitteeBoundShrinksToThreshold(t *testing.T) {
	p, _ := Lookup("committee-bound-arith")
	minimal, err := ThresholdsOf(spec.MustPreset("minimal"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		preset       string
		v            uint64
		slot, index  uint64
		members, max uint64
	}{
		{"mainnet", 4_194_305, 31, 63, 2049, 2048},
		{"minimal", minimal.FirstViolating, 7, 3, 2049, 2048},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			for seed := int64(1); seed <= 3; seed++ {
				o := Run(p, Options{Runs: 100, Seed: seed * 1000, Env: Env{Preset: tt.preset}})
				if !o.Failed {
					t.Fatalf("seed %d: the property held in %d runs", seed, o.Runs)
				}
				in := o.Counterexample[0].(CommitteeInput)
				cfg := in.Config.mustConfig()
				n, _ := CommitteeLen(cfg, in.V, in.Slot, in.Index)
				if in.V != tt.v || uint64(in.Slot) != tt.slot || uint64(in.Index) != tt.index || n != tt.members {
					t.Errorf("seed %d: shrunk to %v, want V = %d, slot %d, index %d, %d members", seed, in, tt.v, tt.slot, tt.index, tt.members)
				}
				t.Logf("%s", o.Report())
			}
		})
	}
	if minimal.FirstViolating != minimal.LastSafe+1 || minimal.LastSafe != spec.MustPreset("minimal").ActiveValidatorCap() {
		t.Errorf("minimal thresholds %+v: the first violation should be just above the cap", minimal)
	}
}

// The state-level property on the small-cap config fails for a state just beyond its
// threshold, with the out-of-range read; shrinking finds the threshold.
func TestCommitteeBoundStateShrinks(t *testing.T) {
	p, _ := Lookup("committee-bound-state")
	th, err := ThresholdsOf(SmallCap.mustConfig())
	if err != nil {
		t.Fatal(err)
	}
	o := Run(p, Options{Runs: 100, Seed: 7})
	if !o.Failed {
		t.Fatalf("held in %d runs", o.Runs)
	}
	in := o.Counterexample[0].(BoundStateInput)
	if in.Config != SmallCap || in.V != th.FirstViolating || in.V != SmallCap.mustConfig().ActiveValidatorCap()+1 {
		t.Errorf("shrunk to %v, want V = %d on %v", in, th.FirstViolating, SmallCap)
	}
	t.Log(o.Report())
}

// The committee-size bug on a real mainnet state: 4,194,305 active validators (2**22 + 1,
// the smallest V with an oversized committee), made by interop.LargeState, and a pending
// attestation of epoch 1 for its one oversized committee (slot 63, index 63: 2,049
// members) with the 2,048 aggregation bits a Bitlist[MAX_VALIDATORS_PER_COMMITTEE] holds at
// most. The epoch transition reads bit 2,048: a *spec.BitlistIndexError on the spec as
// written (the Python spec's IndexError, never a silent false), and in checked mode the
// precondition committee_fits_bits of get_attesting_indices. process_attestation cannot
// include such an attestation at all: no aggregation bits are long enough.
func TestLargeStateCommitteeBound(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and hashes a 4,194,305-validator state; skipped in -short")
	}
	in := BoundStateInput{Config: Preset("mainnet"), V: 4_194_305}
	cfg := in.Config.mustConfig()
	start := time.Now()
	state, clean, err := BoundState(in)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("state of %d validators built in %v", len(state.Validators), time.Since(start))
	if n := activeAt(state, 2); uint64(n) != in.V || n <= 1<<22 {
		t.Fatalf("%d active validators", n)
	}
	pending := state.PreviousEpochAttestations[0]
	if pending.Data.Slot != 63 || pending.Data.Index != 63 || pending.AggregationBits.Len() != cfg.MaxValidatorsPerCommittee {
		t.Fatalf("pending attestation of slot %d, index %d, %d bits", pending.Data.Slot, pending.Data.Index, pending.AggregationBits.Len())
	}

	// Plain mode: the out-of-range read, and the state left as it was.
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	before := state.Slot
	err = m.ProcessSlots(state, state.Slot+1)
	var be *spec.BitlistIndexError
	if !errors.As(err, &be) || be.Func != "get_attesting_indices" || be.Index != cfg.MaxValidatorsPerCommittee || be.Len != cfg.MaxValidatorsPerCommittee {
		t.Fatalf("plain epoch transition: err = %v (%T), want a BitlistIndexError reading bit 2048 of 2048", err, err)
	}
	if state.Slot != before {
		t.Fatal("the failed transition moved the state")
	}
	t.Logf("plain: %v (%v)", err, time.Since(start))

	// Checked mode: the precondition names the breach first. The justification step alone
	// (the first to read the attestation) keeps the test's time down: process_slots'
	// checked contract hashes the state before and after.
	m.Checked = &spec.Checks{}
	work := state.Copy()
	m.ResetCaches()
	err = m.ProcessJustificationAndFinalization(work)
	var cv *spec.ContractViolation
	if !errors.As(err, &cv) || cv.Func != "get_attesting_indices" || cv.Clause != "committee_fits_bits" || cv.Phase != "pre" {
		t.Fatalf("checked: err = %v (%T), want the committee_fits_bits precondition of get_attesting_indices", err, err)
	}
	t.Logf("checked: %v", err)

	// The same read through get_attesting_indices itself, in both modes.
	m.ResetCaches()
	if _, err := m.GetAttestingIndices(state, &pending.Data, pending.AggregationBits); !errors.As(err, &cv) {
		t.Errorf("checked get_attesting_indices: %v", err)
	}
	plain := spec.NewModel(cfg)
	if _, err := plain.GetAttestingIndices(state, &pending.Data, pending.AggregationBits); !errors.As(err, &be) {
		t.Errorf("plain get_attesting_indices: %v", err)
	}

	// process_attestation rejects an attestation of the oversized committee: its bits can
	// have at most 2,048 members' worth, the committee has 2,049.
	at := clean // slot 95: the last slot an attestation of slot 63 can be included at
	att := &spec.Attestation{AggregationBits: pending.AggregationBits, Data: pending.Data}
	att.Data.Source = at.CurrentJustifiedCheckpoint
	for _, mode := range []*spec.Checks{nil, {}} {
		plain.Checked = mode
		plain.ResetCaches()
		err := plain.ProcessAttestation(at, att)
		var ae *spec.AssertError
		if !errors.As(err, &ae) || ae.Check != spec.CheckAggregationBitsLen {
			t.Errorf("process_attestation (checked %v): err = %v, want the aggregation_bits_length assert", mode != nil, err)
		}
	}
	longest := bitfield.NewBitlist(cfg.MaxValidatorsPerCommittee + 1)
	if _, err := spec.Marshal(cfg, &spec.Attestation{AggregationBits: longest}); err == nil {
		t.Error("an attestation with 2,049 aggregation bits serializes")
	}

	// A real, hashable state.
	root, err := spec.HashTreeRoot(cfg, state)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("hash_tree_root %x; %v in all", root, time.Since(start))
}

// A state of minimal with more than 2**16 validators shows the same: the arithmetic's
// threshold is the state's.
func TestMinimalStateCommitteeBound(t *testing.T) {
	th, err := ThresholdsOf(spec.MustPreset("minimal"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []uint64{th.LastSafe, th.FirstViolating} {
		msg, err := boundStateHolds(&Env{}, &safeCounts{})(BoundStateInput{Config: Preset("minimal"), V: v})
		if err != nil {
			t.Fatal(err)
		}
		if (msg != "") != (v == th.FirstViolating) {
			t.Errorf("V = %d: %q", v, msg)
		}
	}
}
