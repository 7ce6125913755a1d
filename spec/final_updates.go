package spec

// ProcessFinalUpdates is the spec's process_final_updates ("Final updates").
func (m *Model) ProcessFinalUpdates(state *BeaconState) error {
	currentEpoch := m.GetCurrentEpoch(state)
	var k Calc
	nextEpoch := k.Add(uint64(currentEpoch), 1)
	if err := k.Err("process_final_updates: current_epoch + 1"); err != nil {
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
	downwardThreshold := k.Mul(hysteresisIncrement, m.HysteresisDownwardMultiplier)
	upwardThreshold := k.Mul(hysteresisIncrement, m.HysteresisUpwardMultiplier)
	if err := k.Err("process_final_updates: HYSTERESIS_INCREMENT * multiplier"); err != nil {
		return err
	}
	changed := false
	for index := range state.Validators {
		validator := &state.Validators[index]
		balance := uint64(state.Balances[index])
		if k.Add(balance, downwardThreshold) < uint64(validator.EffectiveBalance) ||
			k.Add(uint64(validator.EffectiveBalance), upwardThreshold) < balance {
			eb := Gwei(min(balance-balance%uint64(m.EffectiveBalanceIncrement), uint64(m.MaxEffectiveBalance)))
			if eb != validator.EffectiveBalance {
				changed = true
			}
			validator.EffectiveBalance = eb
		}
		if err := k.Err("process_final_updates: balance + DOWNWARD_THRESHOLD, effective_balance + UPWARD_THRESHOLD"); err != nil {
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
		root, err := HashTreeRoot(m.Config, batch)
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
