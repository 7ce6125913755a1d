package spec

import "math/bits"

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
		defer m.ensuresState(processJustificationAndFinalizationContract, &err, state, func(c *checker) {
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
			m.justificationRules(c, before, state)
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
		{"nothing_in_first_two_epochs", "in GENESIS_EPOCH and the epoch after it, justification_bits and the three checkpoints stay as they were"},
		{"justified_iff_two_thirds", "past them, bit 0 of the new justification_bits is set iff the unslashed validators attesting to the current epoch's target hold at least 2/3 of the total active balance (3 * attesting >= 2 * total), and bit 1 iff the same holds for the previous epoch or bit 0 was set before; the balances computed per validator from the pending attestations with plain committees"},
		{"bits_shifted", "bits 2 and 3 are the old bits 1 and 2: one epoch older"},
		{"current_justified_is_latest", "current_justified_checkpoint is (current epoch, its block root) if the current epoch was justified, else (previous epoch, its block root) if that was, else unchanged"},
		{"finalized_by_rule_1", "if bits 1, 2, 3 are set and the old previous_justified_checkpoint is 3 epochs before the current one (2nd, 3rd, 4th most recent justified, the 4th as source), and no later rule applies, it is finalized"},
		{"finalized_by_rule_2", "if bits 1, 2 are set and the old previous_justified_checkpoint is 2 epochs before the current one, and rules 3 and 4 do not apply, it is finalized"},
		{"finalized_by_rule_3", "if bits 0, 1, 2 are set and the old current_justified_checkpoint is 2 epochs before the current one, and rule 4 does not apply, it is finalized"},
		{"finalized_by_rule_4", "if bits 0, 1 are set and the old current_justified_checkpoint is the previous epoch, it is finalized"},
		{"finalized_only_by_a_rule", "when none of the four rules applies, finalized_checkpoint is unchanged"},
		{"frame", "only justification_bits and the three checkpoints change"},
	},
})

// justificationRules evaluates the clauses that state the 2/3 rule and the four
// finalization rules over the checkpoints and bits before and after the call, with the
// attesting and total balances computed by the plain spec (plain.go), not by the body.
func (m *Model) justificationRules(c *checker, before, after *BeaconState) {
	current := m.Config.ComputeEpochAtSlot(before.Slot)
	oldBits, newBits := justificationBits(before), justificationBits(after)
	if current <= GenesisEpoch+1 {
		c.that("nothing_in_first_two_epochs", oldBits == newBits && before.PreviousJustifiedCheckpoint == after.PreviousJustifiedCheckpoint &&
			before.CurrentJustifiedCheckpoint == after.CurrentJustifiedCheckpoint && before.FinalizedCheckpoint == after.FinalizedCheckpoint,
			"epoch %d: justification or finality changed", current)
		return
	}
	previous := current - 1
	justified := func(epoch Epoch) (bool, Root, error) {
		total, err := m.plainTotalActiveBalance(before)
		if err != nil {
			return false, Root{}, err
		}
		p, err := m.plainParticipation(before, epoch)
		if err == nil {
			err = p.targetErr
		}
		if err != nil {
			return false, Root{}, err
		}
		root, err := m.plainBlockRootAtSlot(before, Slot(uint64(epoch)*m.SlotsPerEpoch))
		aHi, aLo := bits.Mul64(uint64(p.targetBalance), 3)
		tHi, tLo := bits.Mul64(uint64(total), 2)
		return aHi > tHi || (aHi == tHi && aLo >= tLo), root, err
	}
	jCur, curRoot, err1 := justified(current)
	jPrev, prevRoot, err2 := justified(previous)
	bit := func(b uint8, i uint) bool { return b&(1<<i) != 0 }
	c.that("justified_iff_two_thirds", err1 == nil && err2 == nil && bit(newBits, 0) == jCur && bit(newBits, 1) == (jPrev || bit(oldBits, 0)),
		"bits %04b (were %04b): current epoch %d justified by 2/3: %v, previous epoch: %v (%v, %v)", newBits, oldBits, current, jCur, jPrev, err1, err2)
	c.that("bits_shifted", bit(newBits, 2) == bit(oldBits, 1) && bit(newBits, 3) == bit(oldBits, 2) && newBits < 16,
		"bits %04b, were %04b", newBits, oldBits)
	want := before.CurrentJustifiedCheckpoint
	switch {
	case jCur:
		want = Checkpoint{Epoch: current, Root: curRoot}
	case jPrev:
		want = Checkpoint{Epoch: previous, Root: prevRoot}
	}
	c.that("current_justified_is_latest", after.CurrentJustifiedCheckpoint == want,
		"current_justified_checkpoint %d/%x, want %d/%x", after.CurrentJustifiedCheckpoint.Epoch, after.CurrentJustifiedCheckpoint.Root, want.Epoch, want.Root)
	// The rules over the new bits, in the spec's order; a later rule that applies overrides.
	all := func(from, to uint) bool {
		for i := from; i < to; i++ {
			if !bit(newBits, i) {
				return false
			}
		}
		return true
	}
	oldPrev, oldCur := before.PreviousJustifiedCheckpoint, before.CurrentJustifiedCheckpoint
	rules := []struct {
		clause     string
		applies    bool
		checkpoint Checkpoint
	}{
		{"finalized_by_rule_1", all(1, 4) && uint64(oldPrev.Epoch)+3 == uint64(current), oldPrev},
		{"finalized_by_rule_2", all(1, 3) && uint64(oldPrev.Epoch)+2 == uint64(current), oldPrev},
		{"finalized_by_rule_3", all(0, 3) && uint64(oldCur.Epoch)+2 == uint64(current), oldCur},
		{"finalized_by_rule_4", all(0, 2) && uint64(oldCur.Epoch)+1 == uint64(current), oldCur},
	}
	last := -1
	for i, r := range rules {
		if r.applies {
			last = i
		}
	}
	for i, r := range rules {
		if i == last {
			c.that(r.clause, after.FinalizedCheckpoint == r.checkpoint, "the rule applies (bits %04b, epoch %d) but finalized_checkpoint is %d, not %d",
				newBits, current, after.FinalizedCheckpoint.Epoch, r.checkpoint.Epoch)
		}
	}
	if last < 0 {
		c.that("finalized_only_by_a_rule", after.FinalizedCheckpoint == before.FinalizedCheckpoint,
			"no rule applies (bits %04b, epoch %d), but finalized_checkpoint went from %d to %d", newBits, current, before.FinalizedCheckpoint.Epoch, after.FinalizedCheckpoint.Epoch)
	}
}
