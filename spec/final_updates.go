package spec

import "slices"

// ProcessFinalUpdates is the spec's process_final_updates ("Final updates", spec v1.0.0):
// the six updates that spec v1.1 made functions of their own, in order. The v0.12.3 and
// v1.0 vectors test it as one step (epoch_processing/final_updates); v1.1's test each.
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes (eth1_data_votes may be reset before a later step fails).
// StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are atomic; call those, or work
// on a copy, when a failure must leave no trace.
func (m *Model) ProcessFinalUpdates(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processFinalUpdatesContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresFrom(processFinalUpdatesContract, &err, before, state, func(c *checker) {
			next := uint64(m.GetCurrentEpoch(state)) + 1
			c.that("slashings_reset", state.Slashings[next%m.EpochsPerSlashingsVector] == 0, "slashings of the next epoch not reset")
			m.slashingsKept(c, before, state)
			c.that("mix_carried", state.RandaoMixes[next%m.EpochsPerHistoricalVector] == before.RandaoMixes[(next-1)%m.EpochsPerHistoricalVector],
				"the next epoch's mix is not the current one")
			ok := true
			for i := range state.Validators {
				eb := state.Validators[i].EffectiveBalance
				if eb != before.Validators[i].EffectiveBalance && (eb > m.MaxEffectiveBalance || eb%m.EffectiveBalanceIncrement != 0) {
					ok = false
				}
			}
			c.that("effective_balances_rounded", ok, "an updated effective balance is not a multiple of EFFECTIVE_BALANCE_INCREMENT below MAX_EFFECTIVE_BALANCE")
			grew := len(state.HistoricalRoots) - len(before.HistoricalRoots)
			boundary := next%(m.SlotsPerHistoricalRoot/m.SlotsPerEpoch) == 0
			c.that("historical_root_on_boundary", (boundary && grew == 1) || (!boundary && grew == 0), "historical_roots grew by %d", grew)
			c.that("attestations_rotated", len(state.CurrentEpochAttestations) == 0 && samePending(state.PreviousEpochAttestations, before.CurrentEpochAttestations),
				"current epoch attestations were not moved to previous")
			c.frame(frame{fields: []string{"eth1_data_votes", "slashings", "randao_mixes", "historical_roots", "previous_epoch_attestations", "current_epoch_attestations"},
				allValidators: true, validatorFields: []string{"effective_balance"}}, before, state)
		})
	}
	// The six updates of spec v1.0.0's process_final_updates, in its order; spec v1.1 made
	// each a function of its own (process_epoch calls them in this order).
	for _, update := range []func(*BeaconState) error{
		m.ProcessEth1DataReset,
		m.ProcessEffectiveBalanceUpdates,
		m.ProcessSlashingsReset,
		m.ProcessRandaoMixesReset,
		m.ProcessHistoricalRootsUpdate,
		m.ProcessParticipationRecordUpdates,
	} {
		if err := update(state); err != nil {
			return err
		}
	}
	return nil
}

// Sites of process_historical_roots_update: the append of the batch's root (the list's
// length after it).
var siteHistoricalRootsAppend = site("process_final_updates_historical_roots_append", OpAppend, "roots", "HISTORICAL_ROOTS_LIMIT")

// Sites of process_historical_roots_update: the period, SLOTS_PER_HISTORICAL_ROOT //
// SLOTS_PER_EPOCH, and next_epoch modulo it.
var (
	siteHistoricalPeriod       = site("process_final_updates_historical_period", OpDiv, "SLOTS_PER_HISTORICAL_ROOT", "SLOTS_PER_EPOCH")
	siteHistoricalPeriodModulo = site("process_final_updates_historical_period", OpMod, "next_epoch", "SLOTS_PER_HISTORICAL_ROOT // SLOTS_PER_EPOCH")
)

// Sites of the final updates' next_epoch.
var siteFinalNextEpoch = site("process_final_updates_next_epoch", OpAdd, "epoch", "1")

// nextEpoch is get_current_epoch(state) + 1, the next_epoch of the final updates.
func (m *Model) nextEpoch(state *BeaconState) (uint64, error) {
	var k Calc
	nextEpoch := k.Add(siteFinalNextEpoch, uint64(m.GetCurrentEpoch(state)), 1)
	if err := k.Err(); err != nil {
		return 0, err
	}
	return nextEpoch, nil
}

// Sites of process_eth1_data_reset: the test for the end of a voting period.
var siteFinalEth1PeriodModulo = site("process_final_updates_eth1_period_modulo", OpMod, "next_epoch", "EPOCHS_PER_ETH1_VOTING_PERIOD")

// ProcessEth1DataReset is the spec's process_eth1_data_reset ("Eth1 data votes updates",
// spec v1.1; the first step of v1.0.0's process_final_updates): the votes are cleared at
// the end of each voting period.
//
// Not atomic: its only write comes after its only check, so a failure leaves the state as
// it was; it is listed with the other non-atomic steps all the same.
func (m *Model) ProcessEth1DataReset(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processEth1DataResetContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresFrom(processEth1DataResetContract, &err, before, state, func(c *checker) {
			boundary := (uint64(m.GetCurrentEpoch(state))+1)%m.EpochsPerEth1VotingPeriod == 0
			c.that("votes_reset_at_period_end", (boundary && len(state.Eth1DataVotes) == 0) || (!boundary && slices.Equal(state.Eth1DataVotes, before.Eth1DataVotes)),
				"%d votes left (%d before) at a period boundary: %v", len(state.Eth1DataVotes), len(before.Eth1DataVotes), boundary)
			c.frame(frame{fields: []string{"eth1_data_votes"}}, before, state)
		})
	}
	nextEpoch, err := m.nextEpoch(state)
	if err != nil {
		return err
	}
	// Reset eth1 data votes
	var k Calc
	periodEnd := k.Mod(siteFinalEth1PeriodModulo, nextEpoch, m.EpochsPerEth1VotingPeriod) == 0
	if err := k.Err(); err != nil {
		return err
	}
	if periodEnd {
		state.ResetEth1DataVotes()
	}
	return nil
}

var processEth1DataResetContract = declare(Contract{
	Func: "process_eth1_data_reset", Section: "Eth1 data votes updates",
	Writes: []string{"eth1_data_votes"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"votes_reset_at_period_end", "eth1_data_votes is empty when the next epoch starts a voting period, unchanged otherwise"},
		{"frame", "only eth1_data_votes changes"},
	},
})

// Sites of process_effective_balance_updates (process_final_updates in spec v1.0.0).
var (
	siteFinalDownwardThreshold = site("process_final_updates_hysteresis_thresholds", OpMul, "HYSTERESIS_INCREMENT", "HYSTERESIS_DOWNWARD_MULTIPLIER")
	siteFinalUpwardThreshold   = site("process_final_updates_hysteresis_thresholds", OpMul, "HYSTERESIS_INCREMENT", "HYSTERESIS_UPWARD_MULTIPLIER")
	siteFinalDownwardSum       = site("process_final_updates_downward_sum", OpAdd, "balance", "DOWNWARD_THRESHOLD")
	siteFinalUpwardSum         = site("process_final_updates_upward_sum", OpAdd, "effective_balance", "UPWARD_THRESHOLD")

	siteFinalHysteresisDivision = site("process_final_updates_hysteresis_division", OpDiv, "EFFECTIVE_BALANCE_INCREMENT", "HYSTERESIS_QUOTIENT")
	// The read of state.balances[index] for each validator: it raises when index >= len(state.balances).
	siteFinalBalanceRead = site("process_final_updates_balance_read", OpIndex, "index", "length")
	// balance - balance % EFFECTIVE_BALANCE_INCREMENT, the new effective balance before its cap.
	siteFinalEffectiveBalanceModulo     = site("process_final_updates_effective_balance_modulo", OpMod, "balance", "EFFECTIVE_BALANCE_INCREMENT")
	siteFinalEffectiveBalanceDifference = site("process_final_updates_effective_balance_difference", OpSub, "balance", "balance % EFFECTIVE_BALANCE_INCREMENT")
)

// ProcessEffectiveBalanceUpdates is the spec's process_effective_balance_updates
// ("Effective balances updates", spec v1.1; the second step of v1.0.0's
// process_final_updates): each effective balance follows its balance, with hysteresis.
//
// Not atomic: a failure part way through the registry leaves the effective balances
// updated so far.
func (m *Model) ProcessEffectiveBalanceUpdates(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processEffectiveBalanceUpdatesContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processEffectiveBalanceUpdatesContract, &err, state, func(c *checker) {
			rounded, hysteresis := true, true
			inc := uint64(m.EffectiveBalanceIncrement)
			down := inc / m.HysteresisQuotient * m.HysteresisDownwardMultiplier
			up := inc / m.HysteresisQuotient * m.HysteresisUpwardMultiplier
			for i := range state.Validators {
				eb, old, bal := uint64(state.Validators[i].EffectiveBalance), uint64(before.Validators[i].EffectiveBalance), uint64(state.Balances[i])
				if eb != old && (eb > uint64(m.MaxEffectiveBalance) || eb%inc != 0) {
					rounded = false
				}
				// Within the band [eb - DOWNWARD, eb + UPWARD] around the old effective
				// balance nothing moves; outside it the effective balance moves.
				inBand := bal+down >= old && old+up >= bal
				if inBand && eb != old {
					hysteresis = false
				}
			}
			c.that("effective_balances_rounded", rounded, "an updated effective balance is not a multiple of EFFECTIVE_BALANCE_INCREMENT below MAX_EFFECTIVE_BALANCE")
			c.that("hysteresis_band", hysteresis, "an effective balance moved while its balance stayed within the hysteresis band")
			c.frame(frame{allValidators: true, validatorFields: []string{"effective_balance"}}, before, state)
		})
	}
	// Update effective balances with hysteresis
	var k Calc
	increment := uint64(m.EffectiveBalanceIncrement)
	hysteresisIncrement := k.Div(siteFinalHysteresisDivision, increment, m.HysteresisQuotient)
	downwardThreshold := k.Mul(siteFinalDownwardThreshold, hysteresisIncrement, m.HysteresisDownwardMultiplier)
	upwardThreshold := k.Mul(siteFinalUpwardThreshold, hysteresisIncrement, m.HysteresisUpwardMultiplier)
	if err := k.Err(); err != nil {
		return err
	}
	changed := false
	for index := range state.Validators {
		if siteFinalBalanceRead.Index(uint64(index), len(state.Balances)) {
			if changed {
				m.effectiveBalancesChanged(state)
			}
			return outOfRange(siteFinalBalanceRead, "state.balances", uint64(index), len(state.Balances))
		}
		validator := &state.Validators[index]
		balance := uint64(state.Balances[index])
		if k.Add(siteFinalDownwardSum, balance, downwardThreshold) < uint64(validator.EffectiveBalance) ||
			k.Add(siteFinalUpwardSum, uint64(validator.EffectiveBalance), upwardThreshold) < balance {
			eb := Gwei(min(k.Sub(siteFinalEffectiveBalanceDifference, balance, k.Mod(siteFinalEffectiveBalanceModulo, balance, increment)), uint64(m.MaxEffectiveBalance)))
			if eb != validator.EffectiveBalance { // else the assignment would change nothing
				changed = true
				state.validatorForWrite(ValidatorIndex(index)).EffectiveBalance = eb
			}
		}
		if err := k.Err(); err != nil {
			if changed {
				m.effectiveBalancesChanged(state)
			}
			return err
		}
	}
	if changed {
		m.effectiveBalancesChanged(state)
	}
	return nil
}

var processEffectiveBalanceUpdatesContract = declare(Contract{
	Func: "process_effective_balance_updates", Section: "Effective balances updates",
	Writes: []string{"validators.effective_balance"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"effective_balances_rounded", "every updated effective balance is a multiple of EFFECTIVE_BALANCE_INCREMENT, at most MAX_EFFECTIVE_BALANCE"},
		{"hysteresis_band", "an effective balance whose balance lies within [effective_balance - DOWNWARD_THRESHOLD, effective_balance + UPWARD_THRESHOLD] does not change"},
		{"frame", "only effective balances change"},
	},
})

// Sites of process_slashings_reset: the write of state.slashings[next_epoch %
// EPOCHS_PER_SLASHINGS_VECTOR] and its index.
var (
	siteFinalSlashingsModulo = site("process_final_updates_slashings_modulo", OpMod, "next_epoch", "EPOCHS_PER_SLASHINGS_VECTOR")
	siteFinalSlashingsWrite  = site("process_final_updates_slashings_write", OpIndex, "next_epoch % EPOCHS_PER_SLASHINGS_VECTOR", "length")
)

// ProcessSlashingsReset is the spec's process_slashings_reset ("Slashings balances
// updates", spec v1.1; the third step of v1.0.0's process_final_updates): the next epoch's
// entry of the slashings vector starts at zero.
//
// Not atomic: its only write comes after its checks, so a failure leaves the state as it
// was; it is listed with the other non-atomic steps all the same.
func (m *Model) ProcessSlashingsReset(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processSlashingsResetContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processSlashingsResetContract, &err, state, func(c *checker) {
			next := uint64(m.GetCurrentEpoch(state)) + 1
			c.that("slashings_reset", state.Slashings[next%m.EpochsPerSlashingsVector] == 0, "slashings of the next epoch not reset")
			m.slashingsKept(c, before, state)
			c.frame(frame{fields: []string{"slashings"}}, before, state)
		})
	}
	nextEpoch, err := m.nextEpoch(state)
	if err != nil {
		return err
	}
	// Reset slashings
	i, err := vectorAt(siteFinalSlashingsModulo, siteFinalSlashingsWrite, nextEpoch, m.EpochsPerSlashingsVector, "state.slashings", len(state.Slashings))
	if err != nil {
		return err
	}
	state.SetSlashing(i, 0)
	return nil
}

var processSlashingsResetContract = declare(Contract{
	Func: "process_slashings_reset", Section: "Slashings balances updates",
	Writes: []string{"slashings"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"slashings_reset", "the next epoch's slashings entry is zero"},
		{"slashings_kept", "every other slashings entry is as before: the slashings of the current epoch and the EPOCHS_PER_SLASHINGS_VECTOR - 2 before it still count in process_slashings"},
		{"frame", "only slashings changes"},
	},
})

// Sites of process_randao_mixes_reset: the write of state.randao_mixes[next_epoch %
// EPOCHS_PER_HISTORICAL_VECTOR] and its index.
var (
	siteFinalRandaoModulo = site("process_final_updates_randao_modulo", OpMod, "next_epoch", "EPOCHS_PER_HISTORICAL_VECTOR")
	siteFinalRandaoWrite  = site("process_final_updates_randao_write", OpIndex, "next_epoch % EPOCHS_PER_HISTORICAL_VECTOR", "length")
)

// ProcessRandaoMixesReset is the spec's process_randao_mixes_reset ("Randao mixes
// updates", spec v1.1; the fourth step of v1.0.0's process_final_updates): the next
// epoch's mix starts as the current epoch's.
//
// Not atomic: its only write comes after its checks, so a failure leaves the state as it
// was; it is listed with the other non-atomic steps all the same.
func (m *Model) ProcessRandaoMixesReset(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processRandaoMixesResetContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processRandaoMixesResetContract, &err, state, func(c *checker) {
			next := uint64(m.GetCurrentEpoch(state)) + 1
			c.that("mix_carried", state.RandaoMixes[next%m.EpochsPerHistoricalVector] == before.RandaoMixes[(next-1)%m.EpochsPerHistoricalVector],
				"the next epoch's mix is not the current one")
			c.frame(frame{fields: []string{"randao_mixes"}}, before, state)
		})
	}
	currentEpoch := m.GetCurrentEpoch(state)
	nextEpoch, err := m.nextEpoch(state)
	if err != nil {
		return err
	}
	// Set randao mix
	mix, err := m.GetRandaoMix(state, currentEpoch)
	if err != nil {
		return err
	}
	j, err := vectorAt(siteFinalRandaoModulo, siteFinalRandaoWrite, nextEpoch, m.EpochsPerHistoricalVector, "state.randao_mixes", len(state.RandaoMixes))
	if err != nil {
		return err
	}
	state.SetRandaoMix(j, mix)
	return nil
}

var processRandaoMixesResetContract = declare(Contract{
	Func: "process_randao_mixes_reset", Section: "Randao mixes updates",
	Writes: []string{"randao_mixes"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"mix_carried", "the next epoch's randao mix is the current epoch's"},
		{"frame", "only randao_mixes changes"},
	},
})

// ProcessHistoricalRootsUpdate is the spec's process_historical_roots_update ("Historical
// roots updates", spec v1.1; the fifth step of v1.0.0's process_final_updates): at each
// SLOTS_PER_HISTORICAL_ROOT boundary the root of the block and state roots is appended.
//
// Not atomic: its only write comes after its checks, so a failure leaves the state as it
// was; it is listed with the other non-atomic steps all the same.
func (m *Model) ProcessHistoricalRootsUpdate(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processHistoricalRootsUpdateContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processHistoricalRootsUpdateContract, &err, state, func(c *checker) {
			next := uint64(m.GetCurrentEpoch(state)) + 1
			grew := len(state.HistoricalRoots) - len(before.HistoricalRoots)
			boundary := next%(m.SlotsPerHistoricalRoot/m.SlotsPerEpoch) == 0
			c.that("historical_root_on_boundary", (boundary && grew == 1) || (!boundary && grew == 0), "historical_roots grew by %d", grew)
			c.frame(frame{fields: []string{"historical_roots"}}, before, state)
		})
	}
	nextEpoch, err := m.nextEpoch(state)
	if err != nil {
		return err
	}
	// Set historical root accumulator
	var k Calc
	boundary := k.Mod(siteHistoricalPeriodModulo, nextEpoch, k.Div(siteHistoricalPeriod, m.SlotsPerHistoricalRoot, m.SlotsPerEpoch)) == 0
	if err := k.Err(); err != nil {
		return err
	}
	if boundary {
		batch := &HistoricalBatch{BlockRoots: state.BlockRoots, StateRoots: state.StateRoots}
		root, err := m.HashTreeRoot(batch)
		if err != nil {
			return err
		}
		if siteHistoricalRootsAppend.Fails(uint64(len(state.HistoricalRoots))+1, m.HistoricalRootsLimit) {
			return appendBeyondLimit(siteHistoricalRootsAppend, "state.historical_roots (append beyond HISTORICAL_ROOTS_LIMIT)", len(state.HistoricalRoots))
		}
		state.AppendHistoricalRoot(root)
	}
	return nil
}

var processHistoricalRootsUpdateContract = declare(Contract{
	Func: "process_historical_roots_update", Section: "Historical roots updates",
	Writes: []string{"historical_roots"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"historical_root_on_boundary", "historical_roots grows by one exactly at a SLOTS_PER_HISTORICAL_ROOT boundary"},
		{"frame", "only historical_roots changes"},
	},
})

// ProcessParticipationRecordUpdates is the spec's process_participation_record_updates
// ("Participation records rotation", spec v1.1; the last step of v1.0.0's
// process_final_updates): the current epoch's pending attestations become the previous
// epoch's.
//
// Not atomic: it cannot fail, so this says nothing more than that it is not among the
// atomic entry points.
func (m *Model) ProcessParticipationRecordUpdates(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processParticipationRecordUpdatesContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresFrom(processParticipationRecordUpdatesContract, &err, before, state, func(c *checker) {
			c.that("attestations_rotated", len(state.CurrentEpochAttestations) == 0 && samePending(state.PreviousEpochAttestations, before.CurrentEpochAttestations),
				"current epoch attestations were not moved to previous")
			c.frame(frame{fields: []string{"previous_epoch_attestations", "current_epoch_attestations"}}, before, state)
		})
	}
	// Rotate current/previous epoch attestations
	state.RotateEpochAttestations()
	return nil
}

var processParticipationRecordUpdatesContract = declare(Contract{
	Func: "process_participation_record_updates", Section: "Participation records rotation",
	Writes: []string{"previous_epoch_attestations", "current_epoch_attestations"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"attestations_rotated", "the current epoch's pending attestations became the previous epoch's; the current list is empty"},
		{"frame", "only the two pending attestation lists change"},
	},
})

var processFinalUpdatesContract = declare(Contract{
	Func: "process_final_updates", Section: "Final updates",
	Writes: []string{"eth1_data_votes", "slashings", "randao_mixes", "historical_roots", "previous_epoch_attestations", "current_epoch_attestations", "validators.effective_balance"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"slashings_reset", "the next epoch's slashings entry is zero"},
		{"slashings_kept", "every other slashings entry is as before"},
		{"mix_carried", "the next epoch's randao mix is the current epoch's"},
		{"effective_balances_rounded", "every updated effective balance is a multiple of EFFECTIVE_BALANCE_INCREMENT, at most MAX_EFFECTIVE_BALANCE"},
		{"historical_root_on_boundary", "historical_roots grows by one exactly at a SLOTS_PER_HISTORICAL_ROOT boundary"},
		{"attestations_rotated", "the current epoch's pending attestations became the previous epoch's; the current list is empty"},
		{"frame", "only eth1_data_votes, slashings, randao_mixes, historical_roots, the attestation lists and effective balances change"},
	},
})

// slashingsKept evaluates "slashings_kept": no slashings entry but the next epoch's changes.
func (m *Model) slashingsKept(c *checker, before, after *BeaconState) {
	next := (uint64(m.Config.ComputeEpochAtSlot(before.Slot)) + 1) % m.EpochsPerSlashingsVector
	bad := firstFailing(len(after.Slashings), func(i int) bool {
		return uint64(i) == next || i >= len(before.Slashings) || after.Slashings[i] == before.Slashings[i]
	})
	c.that("slashings_kept", bad < 0, "slashings[%d] changed from %d to %d; only the next epoch's entry (%d) may be reset",
		bad, before.Slashings[max(bad, 0)], after.Slashings[max(bad, 0)], next)
}
