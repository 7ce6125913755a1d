package interop

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/beaconcheck/beaconcheck/spec"
)

// checkParticipation rejects a participation that is not a fraction.
func checkParticipation(p float64) error {
	if math.IsNaN(p) || p < 0 || p > 1 {
		return &OptionsError{Field: "Participation", Reason: fmt.Sprintf("%v is not in [0, 1]", p)}
	}
	return nil
}

// attesters picks the positions in a committee of size n that attest: round(p * n) of
// them, ascending. Below full participation the members are ranked by
// sha256(seed ++ slot ++ index ++ position) and the first ones attest, so the choice is
// fixed by the seed and differs from committee to committee.
func attesters(n int, p float64, seed uint64, slot spec.Slot, index spec.CommitteeIndex) []int {
	k := int(math.Round(p * float64(n)))
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	if k >= n {
		return all
	}
	if k <= 0 {
		return nil
	}
	rank := make([][32]byte, n)
	var buf [32]byte
	binary.LittleEndian.PutUint64(buf[0:], seed)
	binary.LittleEndian.PutUint64(buf[8:], uint64(slot))
	binary.LittleEndian.PutUint64(buf[16:], uint64(index))
	for i := range rank {
		binary.LittleEndian.PutUint64(buf[24:], uint64(i))
		rank[i] = sha256.Sum256(buf[:])
	}
	slices.SortFunc(all, func(a, b int) int {
		if c := cmp.Compare(string(rank[a][:]), string(rank[b][:])); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	chosen := all[:k]
	slices.Sort(chosen)
	return chosen
}

// attestationData is the honest validator's AttestationData ("Attestation data") for
// committee index at slot, read from state, which must be past slot: the head is the
// latest block at or before slot, the target the block at the start of slot's epoch, and
// the source the justified checkpoint process_attestation will compare it with (current
// for a current-epoch target, previous for a previous-epoch one; the attester saw the
// latter as its current justified checkpoint, before the epoch transition moved it).
func attestationData(m *spec.Model, state *spec.BeaconState, slot spec.Slot, index spec.CommitteeIndex) (spec.AttestationData, error) {
	epoch := m.ComputeEpochAtSlot(slot)
	head, err := m.GetBlockRootAtSlot(state, slot)
	if err != nil {
		return spec.AttestationData{}, err
	}
	target, err := m.GetBlockRoot(state, epoch)
	if err != nil {
		return spec.AttestationData{}, err
	}
	source := state.CurrentJustifiedCheckpoint
	if epoch != m.GetCurrentEpoch(state) {
		source = state.PreviousJustifiedCheckpoint
	}
	return spec.AttestationData{
		Slot:            slot,
		Index:           index,
		BeaconBlockRoot: head,
		Source:          source,
		Target:          spec.Checkpoint{Epoch: epoch, Root: target},
	}, nil
}
