package spec

import (
	"errors"
	"testing"
)

// The cached whole-list shuffle is held to the plain compute_committee on every call: the
// real cache passes, a cache with two members swapped (still active, still the right
// length) is caught.
func TestPlainCommitteeAgrees(t *testing.T) {
	for _, stale := range []bool{false, true} {
		m := checkedModel()
		s := testState(m.Config, 64)
		epoch := m.GetCurrentEpoch(s)
		if _, err := m.shuffling(s, epoch); err != nil {
			t.Fatal(err)
		}
		if stale {
			sh := m.epochEntry(s, epoch).shuffled
			sh[0], sh[len(sh)-1] = sh[len(sh)-1], sh[0]
		}
		_, err := m.GetBeaconCommittee(s, s.Slot-s.Slot%Slot(m.SlotsPerEpoch), 0)
		var cv *ContractViolation
		switch {
		case !stale && err != nil:
			t.Fatalf("the real cache: %v", err)
		case stale && (!errors.As(err, &cv) || cv.Clause != "plain_committee_agrees"):
			t.Fatalf("a stale shuffle: %v, want a violation of plain_committee_agrees", err)
		}
	}
}
