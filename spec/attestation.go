package spec

import (
	"bytes"
	"slices"
)

// Sites of process_attestation.
var (
	// The inclusion window's sums.
	siteAttestationEarliest = site("process_attestation_earliest_sum", OpAdd, "data_slot", "MIN_ATTESTATION_INCLUSION_DELAY")
	siteAttestationLatest   = site("process_attestation_latest_sum", OpAdd, "data_slot", "SLOTS_PER_EPOCH")

	// The inclusion delay, state.slot - data.slot.
	siteAttestationInclusionDelay = site("process_attestation_inclusion_delay", OpSub, "state_slot", "data_slot")

	// The lists' limit, and the appends to the pending attestation lists: each list's
	// length after the append.
	siteAttestationListLimit      = site("process_attestation_list_limit", OpMul, "MAX_ATTESTATIONS", "SLOTS_PER_EPOCH")
	siteAttestationCurrentAppend  = site("process_attestation_current_append", OpAppend, "pending", "MAX_ATTESTATIONS * SLOTS_PER_EPOCH")
	siteAttestationPreviousAppend = site("process_attestation_previous_append", OpAppend, "pending", "MAX_ATTESTATIONS * SLOTS_PER_EPOCH")
)

// ProcessAttestation is the spec's process_attestation ("Attestations").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes (the pending attestation is appended before its signature is
// verified). StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are atomic; call
// those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessAttestation(state *BeaconState, attestation *Attestation) (err error) {
	if m.hooked() {
		if err := m.requires(processAttestationContract, func(c *checker) { c.wellFormed(m, state) },
			"slot", attestation.Data.Slot, "index", attestation.Data.Index, "target_epoch", attestation.Data.Target.Epoch); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processAttestationContract, &err, state, func(c *checker) {
			list, field := state.PreviousEpochAttestations, "previous_epoch_attestations"
			old := before.PreviousEpochAttestations
			if attestation.Data.Target.Epoch == m.GetCurrentEpoch(state) {
				list, field, old = state.CurrentEpochAttestations, "current_epoch_attestations", before.CurrentEpochAttestations
			}
			appended := len(list) == len(old)+1 && list[len(list)-1].Data == attestation.Data &&
				bytes.Equal(list[len(list)-1].AggregationBits, attestation.AggregationBits)
			c.that("pending_appended", appended, "%s did not get this attestation appended", field)
			if appended {
				p := list[len(list)-1]
				c.that("inclusion_delay_in_window", uint64(p.InclusionDelay) >= m.MinAttestationInclusionDelay && uint64(p.InclusionDelay) <= m.SlotsPerEpoch,
					"inclusion delay %d outside [MIN_ATTESTATION_INCLUSION_DELAY, SLOTS_PER_EPOCH]", p.InclusionDelay)
			}
			c.frame(frame{fields: []string{field}}, before, state)
		})
	}
	const fn = "process_attestation"
	data := &attestation.Data
	previous, current := m.GetPreviousEpoch(state), m.GetCurrentEpoch(state)
	if data.Target.Epoch != previous && data.Target.Epoch != current {
		return assertf(fn, CheckTargetEpochRange, "target epoch %d, previous %d, current %d", data.Target.Epoch, previous, current)
	}
	if data.Target.Epoch != m.ComputeEpochAtSlot(data.Slot) {
		return assertf(fn, CheckTargetEpochSlot, "target epoch %d, slot %d is in epoch %d", data.Target.Epoch, data.Slot, m.ComputeEpochAtSlot(data.Slot))
	}
	// assert data.slot + MIN_ATTESTATION_INCLUSION_DELAY <= state.slot <= data.slot + SLOTS_PER_EPOCH,
	// evaluated as Python's chained comparison is: the second sum only when the first
	// comparison holds.
	var k Calc
	earliest := k.Add(siteAttestationEarliest, uint64(data.Slot), m.MinAttestationInclusionDelay)
	if err := k.Err(); err != nil {
		return err
	}
	if !(earliest <= uint64(state.Slot)) {
		return assertf(fn, CheckInclusionWindow, "attestation slot %d included at slot %d, before slot %d", data.Slot, state.Slot, earliest)
	}
	latest := k.Add(siteAttestationLatest, uint64(data.Slot), m.SlotsPerEpoch)
	if err := k.Err(); err != nil {
		return err
	}
	if !(uint64(state.Slot) <= latest) {
		return assertf(fn, CheckInclusionWindow, "attestation slot %d included at slot %d, after slot %d", data.Slot, state.Slot, latest)
	}
	if count := m.GetCommitteeCountPerSlot(state, data.Target.Epoch); !(uint64(data.Index) < count) {
		return assertf(fn, CheckCommitteeIndex, "committee index %d, %d committees per slot", data.Index, count)
	}
	committee, err := m.GetBeaconCommittee(state, data.Slot, data.Index)
	if err != nil {
		return err
	}
	if attestation.AggregationBits.Len() != uint64(len(committee)) {
		return assertf(fn, CheckAggregationBitsLen, "%d aggregation bits for a committee of %d", attestation.AggregationBits.Len(), len(committee))
	}
	proposerIndex, err := m.GetBeaconProposerIndex(state)
	if err != nil {
		return err
	}
	inclusionDelay := k.Sub(siteAttestationInclusionDelay, uint64(state.Slot), uint64(data.Slot)) // no underflow: checked by the inclusion window
	limit := k.Mul(siteAttestationListLimit, m.MaxAttestations, m.SlotsPerEpoch)
	if err := k.Err(); err != nil {
		return err
	}
	pending := PendingAttestation{
		Data:            *data,
		AggregationBits: slices.Clone(attestation.AggregationBits),
		InclusionDelay:  Slot(inclusionDelay),
		ProposerIndex:   proposerIndex,
	}
	if data.Target.Epoch == current {
		if data.Source != state.CurrentJustifiedCheckpoint {
			return assertf(fn, CheckSourceCurrent, "source %d/%x, current justified %d/%x", data.Source.Epoch, data.Source.Root, state.CurrentJustifiedCheckpoint.Epoch, state.CurrentJustifiedCheckpoint.Root)
		}
		if siteAttestationCurrentAppend.Fails(uint64(len(state.CurrentEpochAttestations))+1, limit) {
			return appendBeyondLimit(siteAttestationCurrentAppend, "state.current_epoch_attestations (append beyond MAX_ATTESTATIONS * SLOTS_PER_EPOCH)", len(state.CurrentEpochAttestations))
		}
		state.AppendPendingAttestation(true, pending)
	} else {
		if data.Source != state.PreviousJustifiedCheckpoint {
			return assertf(fn, CheckSourcePrevious, "source %d/%x, previous justified %d/%x", data.Source.Epoch, data.Source.Root, state.PreviousJustifiedCheckpoint.Epoch, state.PreviousJustifiedCheckpoint.Root)
		}
		if siteAttestationPreviousAppend.Fails(uint64(len(state.PreviousEpochAttestations))+1, limit) {
			return appendBeyondLimit(siteAttestationPreviousAppend, "state.previous_epoch_attestations (append beyond MAX_ATTESTATIONS * SLOTS_PER_EPOCH)", len(state.PreviousEpochAttestations))
		}
		state.AppendPendingAttestation(false, pending)
	}
	// Verify signature
	indexed, err := m.GetIndexedAttestation(state, attestation)
	if err != nil {
		return err
	}
	ok, err := m.IsValidIndexedAttestation(state, indexed)
	if err != nil {
		return err
	}
	if !ok {
		return assertf(fn, CheckAttestationValid, "indexed attestation of %d attesters is not valid", len(indexed.AttestingIndices))
	}
	return nil
}

var processAttestationContract = declare(Contract{
	Func: "process_attestation", Section: "Attestations",
	Writes: []string{"previous_epoch_attestations", "current_epoch_attestations"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"pending_appended", "a pending attestation with the attestation's data and bits was appended to the list of its target epoch"},
		{"inclusion_delay_in_window", "its inclusion delay is between MIN_ATTESTATION_INCLUSION_DELAY and SLOTS_PER_EPOCH"},
		{"frame", "nothing else changes: only that one list"},
	},
})
