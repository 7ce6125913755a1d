package spec

// Sites of process_final_updates.
var (
	siteFinalNextEpoch         = site("process_final_updates_next_epoch", OpAdd, "epoch", "1")
	siteFinalDownwardThreshold = site("process_final_updates_hysteresis_thresholds", OpMul, "HYSTERESIS_INCREMENT", "HYSTERESIS_DOWNWARD_MULTIPLIER")
	siteFinalUpwardThreshold   = site("process_final_updates_hysteresis_thresholds", OpMul, "HYSTERESIS_INCREMENT", "HYSTERESIS_UPWARD_MULTIPLIER")
	siteFinalDownwardSum       = site("process_final_updates_downward_sum", OpAdd, "balance", "DOWNWARD_THRESHOLD")
	siteFinalUpwardSum         = site("process_final_updates_upward_sum", OpAdd, "effective_balance", "UPWARD_THRESHOLD")
)

// ProcessFinalUpdates is the spec's process_final_updates ("Final updates").
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
		defer m.ensuresState(processFinalUpdatesContract, &err, state, func(c *checker) {
			next := uint64(m.GetCurrentEpoch(state)) + 1
			c.that("slashings_reset", state.Slashings[next%m.EpochsPerSlashingsVector] == 0, "slashings of the next epoch not reset")
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
	currentEpoch := m.GetCurrentEpoch(state)
	var k Calc
	nextEpoch := k.Add(siteFinalNextEpoch, uint64(currentEpoch), 1)
	if err := k.Err(); err != nil {
		return err
	}
	// Reset eth1 data votes
	if nextEpoch%m.EpochsPerEth1VotingPeriod == 0 {
		state.Eth1DataVotes = []Eth1Data{}
	}
	// Update effective balances with hysteresis
	if len(state.Balances) < len(state.Validators) {
		return &IndexError{List: "state.balances", Index: uint64(len(state.Balances)), Len: len(state.Balances)}
	}
	hysteresisIncrement := uint64(m.EffectiveBalanceIncrement) / m.HysteresisQuotient
	downwardThreshold := k.Mul(siteFinalDownwardThreshold, hysteresisIncrement, m.HysteresisDownwardMultiplier)
	upwardThreshold := k.Mul(siteFinalUpwardThreshold, hysteresisIncrement, m.HysteresisUpwardMultiplier)
	if err := k.Err(); err != nil {
		return err
	}
	changed := false
	for index := range state.Validators {
		validator := &state.Validators[index]
		balance := uint64(state.Balances[index])
		if k.Add(siteFinalDownwardSum, balance, downwardThreshold) < uint64(validator.EffectiveBalance) ||
			k.Add(siteFinalUpwardSum, uint64(validator.EffectiveBalance), upwardThreshold) < balance {
			eb := Gwei(min(balance-balance%uint64(m.EffectiveBalanceIncrement), uint64(m.MaxEffectiveBalance)))
			if eb != validator.EffectiveBalance {
				changed = true
			}
			validator.EffectiveBalance = eb
		}
		if err := k.Err(); err != nil {
			return err
		}
	}
	if changed {
		m.effectiveBalancesChanged(state)
	}
	// Reset slashings
	i := nextEpoch % m.EpochsPerSlashingsVector
	if i >= uint64(len(state.Slashings)) {
		return &IndexError{List: "state.slashings", Index: i, Len: len(state.Slashings)}
	}
	state.Slashings[i] = 0
	// Set randao mix
	mix, err := m.GetRandaoMix(state, currentEpoch)
	if err != nil {
		return err
	}
	j := nextEpoch % m.EpochsPerHistoricalVector
	if j >= uint64(len(state.RandaoMixes)) {
		return &IndexError{List: "state.randao_mixes", Index: j, Len: len(state.RandaoMixes)}
	}
	state.RandaoMixes[j] = mix
	// Set historical root accumulator
	if nextEpoch%(m.SlotsPerHistoricalRoot/m.SlotsPerEpoch) == 0 {
		batch := &HistoricalBatch{BlockRoots: state.BlockRoots, StateRoots: state.StateRoots}
		root, err := m.HashTreeRoot(batch)
		if err != nil {
			return err
		}
		if uint64(len(state.HistoricalRoots)) >= m.HistoricalRootsLimit {
			return &IndexError{List: "state.historical_roots (append beyond HISTORICAL_ROOTS_LIMIT)", Index: uint64(len(state.HistoricalRoots)), Len: len(state.HistoricalRoots)}
		}
		state.HistoricalRoots = append(state.HistoricalRoots, root)
	}
	// Rotate current/previous epoch attestations
	state.PreviousEpochAttestations = state.CurrentEpochAttestations
	state.CurrentEpochAttestations = []PendingAttestation{}
	return nil
}

var processFinalUpdatesContract = declare(Contract{
	Func: "process_final_updates", Section: "Final updates",
	Writes: []string{"eth1_data_votes", "slashings", "randao_mixes", "historical_roots", "previous_epoch_attestations", "current_epoch_attestations", "validators.effective_balance"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"slashings_reset", "the next epoch's slashings entry is zero"},
		{"mix_carried", "the next epoch's randao mix is the current epoch's"},
		{"effective_balances_rounded", "every updated effective balance is a multiple of EFFECTIVE_BALANCE_INCREMENT, at most MAX_EFFECTIVE_BALANCE"},
		{"historical_root_on_boundary", "historical_roots grows by one exactly at a SLOTS_PER_HISTORICAL_ROOT boundary"},
		{"attestations_rotated", "the current epoch's pending attestations became the previous epoch's; the current list is empty"},
		{"frame", "only eth1_data_votes, slashings, randao_mixes, historical_roots, the attestation lists and effective balances change"},
	},
})
