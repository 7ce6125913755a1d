package spec

// Sites of process_justification_and_finalization.
var (
	siteJustificationAttesting = site("justification_attesting_balance_times_3", OpMul, "attesting_balance", "3")
	siteJustificationTotal     = site("justification_total_balance_times_2", OpMul, "total_balance", "2")
	siteJustificationDistance  = site("justification_checkpoint_distance", OpAdd, "checkpoint_epoch", "distance")
)

// ProcessJustificationAndFinalization is the spec's process_justification_and_finalization
// ("Justification and finalization").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes. StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are
// atomic; call those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessJustificationAndFinalization(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processJustificationAndFinalizationContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensures(processJustificationAndFinalizationContract, &err, func(c *checker) {
			current := m.GetCurrentEpoch(state)
			c.that("finality_monotone", state.FinalizedCheckpoint.Epoch >= before.FinalizedCheckpoint.Epoch,
				"finalized epoch went back from %d to %d", before.FinalizedCheckpoint.Epoch, state.FinalizedCheckpoint.Epoch)
			c.that("justified_monotone", state.CurrentJustifiedCheckpoint.Epoch >= before.CurrentJustifiedCheckpoint.Epoch,
				"justified epoch went back from %d to %d", before.CurrentJustifiedCheckpoint.Epoch, state.CurrentJustifiedCheckpoint.Epoch)
			c.that("justified_not_future", state.CurrentJustifiedCheckpoint.Epoch <= current, "justified epoch %d after current epoch %d", state.CurrentJustifiedCheckpoint.Epoch, current)
			c.that("finalized_was_justified", state.FinalizedCheckpoint == before.FinalizedCheckpoint ||
				state.FinalizedCheckpoint == before.PreviousJustifiedCheckpoint || state.FinalizedCheckpoint == before.CurrentJustifiedCheckpoint,
				"the new finalized checkpoint was not a justified checkpoint")
			if current > GenesisEpoch+1 {
				c.that("previous_is_old_current", state.PreviousJustifiedCheckpoint == before.CurrentJustifiedCheckpoint,
					"previous_justified_checkpoint is not the old current one")
			}
			c.frame(frame{fields: []string{"justification_bits", "previous_justified_checkpoint", "current_justified_checkpoint", "finalized_checkpoint"}}, before, state)
		})
	}
	// Initial FFG checkpoint values have a 0x00 stub for root: skip FFG updates in the first
	// two epochs to avoid corner cases that might result in modifying this stub.
	if m.GetCurrentEpoch(state) <= GenesisEpoch+1 {
		return nil
	}
	previousEpoch := m.GetPreviousEpoch(state)
	currentEpoch := m.GetCurrentEpoch(state)
	oldPreviousJustified := state.PreviousJustifiedCheckpoint
	oldCurrentJustified := state.CurrentJustifiedCheckpoint

	// Process justifications
	state.PreviousJustifiedCheckpoint = state.CurrentJustifiedCheckpoint
	bits := justificationBits(state)
	bits = bits << 1 & (1<<JustificationBitsLength - 1) // justification_bits[1:] = justification_bits[:3]; [0] = 0

	total, err := m.GetTotalActiveBalance(state)
	if err != nil {
		return err
	}
	for _, step := range []struct {
		epoch Epoch
		bit   uint
	}{{previousEpoch, 1}, {currentEpoch, 0}} {
		matching, err := m.GetMatchingTargetAttestations(state, step.epoch)
		if err != nil {
			return err
		}
		attesting, err := m.GetAttestingBalance(state, matching)
		if err != nil {
			return err
		}
		var k Calc
		justified := k.Mul(siteJustificationAttesting, uint64(attesting), 3) >= k.Mul(siteJustificationTotal, uint64(total), 2)
		if err := k.Err(); err != nil {
			return err
		}
		if justified {
			root, err := m.GetBlockRoot(state, step.epoch)
			if err != nil {
				return err
			}
			state.CurrentJustifiedCheckpoint = Checkpoint{Epoch: step.epoch, Root: root}
			bits |= 1 << step.bit
		}
	}
	setJustificationBits(state, bits)

	// Process finalizations
	all := func(from, to uint) bool { // all(bits[from:to])
		for i := from; i < to; i++ {
			if bits&(1<<i) == 0 {
				return false
			}
		}
		return true
	}
	// Each rule is checked in the spec's order, and its epoch sum evaluated only when its bits
	// are all set (Python's `and` short-circuits, so an overflow counts only then).
	rules := []struct {
		from, to   uint
		checkpoint Checkpoint
		distance   uint64
	}{
		{1, 4, oldPreviousJustified, 3}, // 2nd/3rd/4th most recent justified, the 2nd using the 4th as source
		{1, 3, oldPreviousJustified, 2}, // 2nd/3rd most recent justified, the 2nd using the 3rd as source
		{0, 3, oldCurrentJustified, 2},  // 1st/2nd/3rd most recent justified, the 1st using the 3rd as source
		{0, 2, oldCurrentJustified, 1},  // 1st/2nd most recent justified, the 1st using the 2nd as source
	}
	for _, r := range rules {
		if !all(r.from, r.to) {
			continue
		}
		var k Calc
		sum := k.Add(siteJustificationDistance, uint64(r.checkpoint.Epoch), r.distance)
		if err := k.Err(); err != nil {
			return err
		}
		if sum == uint64(currentEpoch) {
			state.FinalizedCheckpoint = r.checkpoint
		}
	}
	return nil
}

// justificationBits reads the Bitvector[4] as a number: bit i is justification_bits[i].
func justificationBits(state *BeaconState) uint8 {
	if len(state.JustificationBits) == 0 {
		return 0
	}
	return state.JustificationBits[0] & (1<<JustificationBitsLength - 1)
}

func setJustificationBits(state *BeaconState, bits uint8) {
	if len(state.JustificationBits) == 0 {
		state.JustificationBits = make([]byte, 1)
	}
	state.JustificationBits[0] = bits
}

var processJustificationAndFinalizationContract = declare(Contract{
	Func: "process_justification_and_finalization", Section: "Justification and finalization",
	Writes: []string{"justification_bits", "previous_justified_checkpoint", "current_justified_checkpoint", "finalized_checkpoint"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"finality_monotone", "the finalized epoch never decreases"},
		{"justified_monotone", "the current justified epoch never decreases"},
		{"justified_not_future", "the current justified epoch is not after the current epoch"},
		{"finalized_was_justified", "a new finalized checkpoint is one of the previously justified checkpoints"},
		{"previous_is_old_current", "past the first two epochs, previous_justified_checkpoint becomes the old current_justified_checkpoint"},
		{"frame", "only justification_bits and the three checkpoints change"},
	},
})
