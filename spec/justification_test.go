package spec

import (
	"errors"
	"testing"

	"github.com/prysmaticlabs/go-bitfield"
)

// fullAttestations returns, for every committee of epoch, a pending attestation with every
// member's bit set and the epoch's target: full support, by the plain committees.
func fullAttestations(t *testing.T, m *Model, s *BeaconState, epoch Epoch) []PendingAttestation {
	t.Helper()
	start := Slot(uint64(epoch) * m.SlotsPerEpoch)
	target := s.BlockRoots[uint64(start)%m.SlotsPerHistoricalRoot]
	active := uint64(len(activeValidatorIndices(s, epoch)))
	perSlot := max(1, min(m.MaxCommitteesPerSlot, active/m.SlotsPerEpoch/m.TargetCommitteeSize))
	var out []PendingAttestation
	for slot := start; slot < start+Slot(m.SlotsPerEpoch); slot++ {
		for index := CommitteeIndex(0); uint64(index) < perSlot; index++ {
			committee, err := m.plainCommittee(s, slot, index)
			if err != nil {
				t.Fatal(err)
			}
			bl := bitfield.NewBitlist(uint64(len(committee)))
			for i := range committee {
				bl.SetBitAt(uint64(i), true)
			}
			out = append(out, PendingAttestation{AggregationBits: bl, InclusionDelay: 1,
				Data: AttestationData{Slot: slot, Index: index, Target: Checkpoint{Epoch: epoch, Root: target}}})
		}
	}
	return out
}

// justificationState is the test state at the last slot of epoch 3, with full support for
// the previous epoch (and, if current, for the current one), the given old bits and the
// epochs of the old justified checkpoints.
func justificationState(t *testing.T, m *Model, current bool, oldBits uint8, prevEpoch, curEpoch Epoch) *BeaconState {
	s := testState(m.Config, 64)
	s.Slot = Slot(4*m.SlotsPerEpoch - 1)
	s.PreviousEpochAttestations = fullAttestations(t, m, s, 2)
	s.CurrentEpochAttestations = nil
	if current {
		s.CurrentEpochAttestations = fullAttestations(t, m, s, 3)
	}
	setJustificationBits(s, oldBits)
	s.PreviousJustifiedCheckpoint = Checkpoint{Epoch: prevEpoch, Root: Root{1}}
	s.CurrentJustifiedCheckpoint = Checkpoint{Epoch: curEpoch, Root: Root{2}}
	return s
}

// The justification and finality clauses hold on what process_justification_and_finalization
// does, and each catches a post-state broken on purpose.
func TestJustificationRules(t *testing.T) {
	tests := []struct {
		name           string
		current        bool // full support for the current epoch too
		oldBits        uint8
		prevEpoch, cur Epoch
		wantFinal      Epoch // what the real function finalizes (the rule's checkpoint)
		tamper         func(s *BeaconState)
		clause         string
	}{
		{"2/3 rule: a bit set without support", false, 0b0000, 0, 0, 0,
			func(s *BeaconState) { setJustificationBits(s, justificationBits(s)|1) }, "justified_iff_two_thirds"},
		{"2/3 rule: full support not counted", true, 0b0000, 0, 2, 2,
			func(s *BeaconState) { setJustificationBits(s, justificationBits(s)&^1) }, "justified_iff_two_thirds"},
		{"bits not shifted", true, 0b0010, 0, 1, 1,
			func(s *BeaconState) { setJustificationBits(s, justificationBits(s)^0b1000) }, "bits_shifted"},
		{"current justified left behind", true, 0b0000, 0, 2, 2,
			func(s *BeaconState) { s.CurrentJustifiedCheckpoint.Epoch = 2 }, "current_justified_is_latest"},
		{"rule 1 ignored", false, 0b0111, 0, 2, 0,
			func(s *BeaconState) { s.FinalizedCheckpoint = Checkpoint{Epoch: 1} }, "finalized_by_rule_1"},
		{"rule 2 ignored", false, 0b0011, 1, 2, 1,
			func(s *BeaconState) { s.FinalizedCheckpoint = Checkpoint{} }, "finalized_by_rule_2"},
		{"rule 3 ignored", true, 0b0010, 0, 1, 1,
			func(s *BeaconState) { s.FinalizedCheckpoint = Checkpoint{Root: Root{1}} }, "finalized_by_rule_3"},
		{"rule 4 ignored", true, 0b0000, 0, 2, 2,
			func(s *BeaconState) { s.FinalizedCheckpoint = Checkpoint{} }, "finalized_by_rule_4"},
		{"finalized without a rule", false, 0b0000, 0, 0, 0,
			func(s *BeaconState) { s.FinalizedCheckpoint = Checkpoint{Epoch: 1} }, "finalized_only_by_a_rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := checkedModel()
			before := justificationState(t, m, tt.current, tt.oldBits, tt.prevEpoch, tt.cur)
			after := before.Copy()
			if err := m.ProcessJustificationAndFinalization(after); err != nil {
				t.Fatalf("the function's own run: %v", err)
			}
			if after.FinalizedCheckpoint.Epoch != tt.wantFinal {
				t.Fatalf("finalized epoch %d, want %d: the case does not exercise its rule", after.FinalizedCheckpoint.Epoch, tt.wantFinal)
			}
			tt.tamper(after)
			c := &checker{k: m.Checked, contract: processJustificationAndFinalizationContract, phase: "post"}
			m.justificationRules(c, before, after)
			if c.failed == nil || c.failed.Clause != tt.clause {
				t.Fatalf("got %v, want a violation of %s", c.failed, tt.clause)
			}
		})
	}
	t.Run("nothing in the first two epochs", func(t *testing.T) {
		m := checkedModel()
		before := testState(m.Config, 64)
		before.Slot = Slot(2*m.SlotsPerEpoch - 1)
		after := before.Copy()
		if err := m.ProcessJustificationAndFinalization(after); err != nil {
			t.Fatal(err)
		}
		after.CurrentJustifiedCheckpoint.Epoch = 1
		c := &checker{k: m.Checked, contract: processJustificationAndFinalizationContract, phase: "post"}
		m.justificationRules(c, before, after)
		var cv *ContractViolation
		if err := error(c.failed); !errors.As(err, &cv) || cv.Clause != "nothing_in_first_two_epochs" {
			t.Fatalf("got %v", c.failed)
		}
	})
}
