package interop

import (
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
)

func TestLargeStateShape(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	const n = 2000
	state, err := LargeState(cfg, n, 23)
	if err != nil {
		t.Fatal(err)
	}
	lengths := []struct {
		name      string
		got, want int
	}{
		{"validators", len(state.Validators), n},
		{"balances", len(state.Balances), n},
		{"block_roots", len(state.BlockRoots), int(cfg.SlotsPerHistoricalRoot)},
		{"state_roots", len(state.StateRoots), int(cfg.SlotsPerHistoricalRoot)},
		{"randao_mixes", len(state.RandaoMixes), int(cfg.EpochsPerHistoricalVector)},
		{"slashings", len(state.Slashings), int(cfg.EpochsPerSlashingsVector)},
	}
	for _, l := range lengths {
		if l.got != l.want {
			t.Errorf("len(%s) = %d, want %d", l.name, l.got, l.want)
		}
	}
	m := spec.NewModel(cfg)
	if got := len(m.GetActiveValidatorIndices(state, m.GetCurrentEpoch(state))); got != n {
		t.Errorf("%d active validators, want %d", got, n)
	}
	seen := map[spec.BLSPubkey]bool{}
	for i, v := range state.Validators {
		if seen[v.Pubkey] {
			t.Fatalf("validator %d repeats a pubkey", i)
		}
		seen[v.Pubkey] = true
		if v.EffectiveBalance != cfg.MaxEffectiveBalance || v.ActivationEpoch != 0 || v.ExitEpoch != spec.FarFutureEpoch {
			t.Fatalf("validator %d: %+v", i, v)
		}
	}
	if bls.KeyValidate(state.Validators[0].Pubkey) {
		t.Error("a made-up pubkey decodes as a BLS key")
	}
	// Slot 23 is in epoch 2: epoch 1 justified, epoch 0 finalized.
	if state.CurrentJustifiedCheckpoint.Epoch != 1 || state.FinalizedCheckpoint.Epoch != 0 {
		t.Errorf("justified %d, finalized %d; want 1 and 0", state.CurrentJustifiedCheckpoint.Epoch, state.FinalizedCheckpoint.Epoch)
	}
}

func TestLargeStateIsDeterministic(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	root := func(n uint64, slot spec.Slot) spec.Root {
		state, err := LargeState(cfg, n, slot)
		if err != nil {
			t.Fatal(err)
		}
		r, err := spec.HashTreeRoot(cfg, state)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if a, b := root(2000, 8), root(2000, 8); a != b {
		t.Errorf("two builds of LargeState(minimal, 2000, 8) have roots %x and %x", a, b)
	}
	if a, b := root(2000, 8), root(2001, 8); a == b {
		t.Error("LargeState of 2000 and 2001 validators have the same root")
	}
}

// An epoch transition on a large state with full participation justifies the epoch just
// ended and finalizes the one before, as the spec's fourth finality rule has it.
func TestLargeStateEpochTransition(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	tests := []struct {
		participation        float64
		justified, finalized spec.Epoch
	}{
		{participation: 1, justified: 2, finalized: 1},
		{participation: 0.5, justified: 1, finalized: 0}, // nothing new: state keeps LargeState's checkpoints
	}
	for _, tt := range tests {
		state, err := LargeState(cfg, 2000, 23) // the last slot of epoch 2
		if err != nil {
			t.Fatal(err)
		}
		if err := AddPendingAttestations(m, state, tt.participation, 7); err != nil {
			t.Fatal(err)
		}
		// Epoch 1 in full (4 committees per slot of 62 or 63 members), epoch 2 up to slot 22.
		if len(state.PreviousEpochAttestations) != 32 || len(state.CurrentEpochAttestations) != 28 {
			t.Fatalf("%d previous and %d current pending attestations, want 32 and 28", len(state.PreviousEpochAttestations), len(state.CurrentEpochAttestations))
		}
		if err := m.ProcessSlots(state, 24); err != nil {
			t.Fatalf("participation %v: ProcessSlots across the boundary: %v", tt.participation, err)
		}
		if state.Slot != 24 || len(state.CurrentEpochAttestations) != 0 || len(state.PreviousEpochAttestations) != 28 {
			t.Errorf("after the transition: slot %d, %d current and %d previous pending attestations", state.Slot, len(state.CurrentEpochAttestations), len(state.PreviousEpochAttestations))
		}
		if got := state.CurrentJustifiedCheckpoint.Epoch; got != tt.justified {
			t.Errorf("participation %v: justified epoch %d, want %d", tt.participation, got, tt.justified)
		}
		if got := state.FinalizedCheckpoint.Epoch; got != tt.finalized {
			t.Errorf("participation %v: finalized epoch %d, want %d", tt.participation, got, tt.finalized)
		}
	}
}

// Blocks on a large state: no keys, no signatures, and a model that does not check them.
func TestLargeStateBlocks(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	state, err := LargeState(cfg, 2000, 23)
	if err != nil {
		t.Fatal(err)
	}
	blocks, post, err := BuildChain(m, state, nil, 3, BlockOptions{Participation: 1, NoSignatures: true})
	if err != nil {
		t.Fatal(err)
	}
	replay := state.Copy()
	for _, b := range blocks {
		if len(b.Message.Body.Attestations) != 4 {
			t.Errorf("block %d has %d attestations, want the 4 committees of its previous slot", b.Message.Slot, len(b.Message.Body.Attestations))
		}
		if err := m.StateTransition(replay, b, true); err != nil {
			t.Fatalf("block %d: %v", b.Message.Slot, err)
		}
	}
	assertSameRoot(t, cfg, replay, post)
}
