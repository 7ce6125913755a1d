package interop

import (
	"fmt"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The transition benchmarks live here because they need the builders.

// One mainnet epoch transition on a large state: process_slots from the last slot of epoch
// 3 into epoch 4, with the pending attestations of full participation (every committee of
// epoch 2, and of epoch 3 up to its last slot), so justification, rewards over every
// validator and finality all do their full work. Signatures play no part in epoch
// processing. The copy of the state each iteration starts from is not timed; the copy
// process_slots makes to stay atomic is.
func BenchmarkEpochTransitionMainnet16k(b *testing.B)  { benchEpochTransition(b, 16_384) }
func BenchmarkEpochTransitionMainnet100k(b *testing.B) { benchEpochTransition(b, 100_000) }
func BenchmarkEpochTransitionMainnet400k(b *testing.B) { benchEpochTransition(b, 400_000) }

func benchEpochTransition(b *testing.B, n uint64) {
	benchAttestedState(b, n, 1, 0, func(m *spec.Model, s *spec.BeaconState) error {
		last := s.Slot
		if err := m.ProcessSlots(s, last+1); err != nil {
			return err
		}
		if s.CurrentJustifiedCheckpoint.Epoch != 3 || s.FinalizedCheckpoint.Epoch != 2 {
			return fmt.Errorf("justified %d, finalized %d after the transition", s.CurrentJustifiedCheckpoint.Epoch, s.FinalizedCheckpoint.Epoch)
		}
		return nil
	})
}

// benchAttestedState times step on a mainnet state of n validators at the last slot of
// epoch 3 with the pending attestations of the given participation (AddPendingAttestations,
// seed), each iteration on a copy of it whose making is not timed.
func benchAttestedState(b *testing.B, n uint64, participation float64, seed uint64, step func(*spec.Model, *spec.BeaconState) error) {
	cfg := spec.MustPreset("mainnet")
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	state, err := LargeState(cfg, n, spec.Slot(4*cfg.SlotsPerEpoch-1))
	if err != nil {
		b.Fatal(err)
	}
	if err := AddPendingAttestations(m, state, participation, seed); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s := state.Copy()
		b.StartTimer()
		if err := step(m, s); err != nil {
			b.Fatal(err)
		}
	}
}

// A mainnet block with 128 attestations, each the aggregate of a full committee, through
// state_transition with every signature checked.
//
// 16,384 validators (MIN_GENESIS_ACTIVE_VALIDATOR_COUNT) make 4 committees of 128 per slot:
// the block at slot 33 includes the committees of slots 1..32, 4 x 32 = 128 attestations of
// realistic size, 16,384 signatures aggregated. The validators are a KeyedState of the real
// interop keys rather than a genesis from deposits, which would sign 16,384 proofs of
// possession more; deriving the keys and signing the attestations is set-up (about ten
// seconds on two cores) and not timed.
func BenchmarkBlockWith128Attestations(b *testing.B) {
	cfg := spec.MustPreset("mainnet")
	keys := NewKeys(16_384)
	state, err := KeyedState(cfg, keys, 32)
	if err != nil {
		b.Fatal(err)
	}
	m := spec.NewModel(cfg)
	block, err := BuildBlock(m, state, keys, BlockOptions{Participation: 1, AttestationSlots: 32})
	if err != nil {
		b.Fatal(err)
	}
	if n := len(block.Message.Body.Attestations); n != 128 {
		b.Fatalf("%d attestations, want 128", n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s := state.Copy()
		b.StartTimer()
		if err := m.StateTransition(s, block, true); err != nil {
			b.Fatal(err)
		}
	}
}

// Building the states themselves.
func BenchmarkLargeState(b *testing.B) {
	cfg := spec.MustPreset("mainnet")
	for _, n := range []uint64{400_000, 5_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := LargeState(cfg, n, 127); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// process_rewards_and_penalties alone on a mainnet state of 100,000 validators at the last
// slot of epoch 3, with the pending attestations of 90% participation (so both the
// attesters' rewards and the others' penalties are computed): the per-validator loops of
// the delta functions and the balance updates, the committees and shufflings cached after
// the first iteration. The copy of the state each iteration starts from is not timed.
func BenchmarkRewardsAndPenaltiesMainnet100k(b *testing.B) {
	benchAttestedState(b, 100_000, 0.9, 1, (*spec.Model).ProcessRewardsAndPenalties)
}
