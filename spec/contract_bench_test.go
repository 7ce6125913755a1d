package spec

import (
	"testing"

	"github.com/prysmaticlabs/go-bitfield"
)

// epochBenchState is testState at the last slot of epoch 3 (where process_slots runs
// process_epoch), with every committee of the previous epoch attesting to the right
// source, target and head, included with delay 1: the rewards see full participation.
func epochBenchState(tb testing.TB, cfg *Config, n int) *BeaconState {
	s := testState(cfg, n)
	s.Slot = Slot(cfg.SlotsPerEpoch*4 - 1)
	s.CurrentEpochAttestations = nil
	s.FinalizedCheckpoint = Checkpoint{Epoch: 1}
	m := NewModel(cfg)
	previous := m.GetPreviousEpoch(s)
	target, err := m.GetBlockRoot(s, previous)
	if err != nil {
		tb.Fatal(err)
	}
	start, _ := m.ComputeStartSlotAtEpoch(previous)
	source := s.PreviousJustifiedCheckpoint
	for slot := start; slot < start+Slot(cfg.SlotsPerEpoch); slot++ {
		head, err := m.GetBlockRootAtSlot(s, slot)
		if err != nil {
			tb.Fatal(err)
		}
		for index := CommitteeIndex(0); uint64(index) < m.GetCommitteeCountPerSlot(s, previous); index++ {
			committee, err := m.GetBeaconCommittee(s, slot, index)
			if err != nil {
				tb.Fatal(err)
			}
			bits := bitfield.NewBitlist(uint64(len(committee)))
			for i := range committee {
				bits.SetBitAt(uint64(i), true)
			}
			s.PreviousEpochAttestations = append(s.PreviousEpochAttestations, PendingAttestation{
				AggregationBits: bits,
				Data: AttestationData{Slot: slot, Index: index, BeaconBlockRoot: head,
					Source: source, Target: Checkpoint{Epoch: previous, Root: target}},
				InclusionDelay: 1,
			})
		}
	}
	return s
}

// BenchmarkProcessEpochMinimal measures process_epoch unchecked, on the minimal preset with
// 8192 validators and full participation: the cost contracts add to the unchecked path
// must stay within noise (one nil-pointer branch per call).
func BenchmarkProcessEpochMinimal(b *testing.B) {
	benchmarkProcessEpoch(b, nil)
}

// BenchmarkProcessEpochMinimalChecked is the same in checked mode, for scale.
func BenchmarkProcessEpochMinimalChecked(b *testing.B) {
	benchmarkProcessEpoch(b, &Checks{})
}

func benchmarkProcessEpoch(b *testing.B, checks *Checks) {
	cfg := MustPreset("minimal")
	pre := epochBenchState(b, cfg, 8192)
	m := NewModel(cfg)
	m.Checked = checks
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := pre.Copy()
		b.StartTimer()
		if err := m.ProcessEpoch(s); err != nil {
			b.Fatal(err)
		}
	}
}
