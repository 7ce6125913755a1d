package spec

// IncreaseBalance is the spec's increase_balance ("Beacon state mutators"); the sum
// overflowing a uint64 is an invalid transition.
func IncreaseBalance(state *BeaconState, index ValidatorIndex, delta Gwei) error {
	if uint64(index) >= uint64(len(state.Balances)) {
		return &IndexError{List: "state.balances", Index: uint64(index), Len: len(state.Balances)}
	}
	var k Calc
	b := k.Add(uint64(state.Balances[index]), uint64(delta))
	if err := k.Err("increase_balance: state.balances[index] + delta"); err != nil {
		return err
	}
	state.Balances[index] = Gwei(b)
	return nil
}

// DecreaseBalance is the spec's decrease_balance ("Beacon state mutators"), with its
// underflow protection: the balance floors at zero.
func DecreaseBalance(state *BeaconState, index ValidatorIndex, delta Gwei) error {
	if uint64(index) >= uint64(len(state.Balances)) {
		return &IndexError{List: "state.balances", Index: uint64(index), Len: len(state.Balances)}
	}
	if delta > state.Balances[index] {
		state.Balances[index] = 0
	} else {
		state.Balances[index] -= delta
	}
	return nil
}

// InitiateValidatorExit is the spec's initiate_validator_exit ("Beacon state mutators").
func (m *Model) InitiateValidatorExit(state *BeaconState, index ValidatorIndex) error {
	validator, err := validatorAt(state, index)
	if err != nil {
		return err
	}
	// Return if validator already initiated exit
	if validator.ExitEpoch != FarFutureEpoch {
		return nil
	}
	// Compute exit queue epoch: the latest exit epoch in use, or the earliest allowed now.
	// (exit_queue_epoch and exit_queue_churn come from the cached exit queue, which one pass
	// over the registry built and every exit since has updated.)
	earliest, err := m.ComputeActivationExitEpoch(m.GetCurrentEpoch(state))
	if err != nil {
		return err
	}
	queue := m.exitQueue(state)
	exitQueueEpoch := max(queue.maxEpoch, earliest)
	var exitQueueChurn uint64
	if exitQueueEpoch == queue.maxEpoch {
		exitQueueChurn = queue.churn
	}
	var k Calc
	if exitQueueChurn >= m.GetValidatorChurnLimit(state) {
		exitQueueEpoch = Epoch(k.Add(uint64(exitQueueEpoch), 1))
	}
	// Set validator exit epoch and withdrawable epoch
	withdrawable := k.Add(uint64(exitQueueEpoch), m.MinValidatorWithdrawabilityDelay)
	if err := k.Err("initiate_validator_exit: exit_queue_epoch + 1, exit_epoch + MIN_VALIDATOR_WITHDRAWABILITY_DELAY"); err != nil {
		return err
	}
	validator.ExitEpoch = exitQueueEpoch
	validator.WithdrawableEpoch = Epoch(withdrawable)
	queue.record(exitQueueEpoch)
	m.activeSetChangesFrom(state, exitQueueEpoch)
	return nil
}

// SlashValidator is the spec's slash_validator ("Beacon state mutators"). A nil
// whistleblower means the block's proposer, as the spec's default.
func (m *Model) SlashValidator(state *BeaconState, slashedIndex ValidatorIndex, whistleblowerIndex *ValidatorIndex) error {
	epoch := m.GetCurrentEpoch(state)
	if err := m.InitiateValidatorExit(state, slashedIndex); err != nil {
		return err
	}
	validator := &state.Validators[slashedIndex] // in range: InitiateValidatorExit read it
	validator.Slashed = true
	var k Calc
	withdrawable := Epoch(k.Add(uint64(epoch), m.EpochsPerSlashingsVector))
	if err := k.Err("slash_validator: epoch + EPOCHS_PER_SLASHINGS_VECTOR"); err != nil {
		return err
	}
	validator.WithdrawableEpoch = max(validator.WithdrawableEpoch, withdrawable)
	slot := uint64(epoch) % m.EpochsPerSlashingsVector
	if slot >= uint64(len(state.Slashings)) {
		return &IndexError{List: "state.slashings", Index: slot, Len: len(state.Slashings)}
	}
	sum := k.Add(uint64(state.Slashings[slot]), uint64(validator.EffectiveBalance))
	if err := k.Err("slash_validator: state.slashings[epoch % EPOCHS_PER_SLASHINGS_VECTOR] + effective_balance"); err != nil {
		return err
	}
	state.Slashings[slot] = Gwei(sum)
	if err := DecreaseBalance(state, slashedIndex, validator.EffectiveBalance/Gwei(m.MinSlashingPenaltyQuotient)); err != nil {
		return err
	}

	// Apply proposer and whistleblower rewards
	proposerIndex, err := m.GetBeaconProposerIndex(state)
	if err != nil {
		return err
	}
	whistleblower := proposerIndex
	if whistleblowerIndex != nil {
		whistleblower = *whistleblowerIndex
	}
	whistleblowerReward := validator.EffectiveBalance / Gwei(m.WhistleblowerRewardQuotient)
	proposerReward := whistleblowerReward / Gwei(m.ProposerRewardQuotient)
	if err := IncreaseBalance(state, proposerIndex, proposerReward); err != nil {
		return err
	}
	return IncreaseBalance(state, whistleblower, whistleblowerReward-proposerReward)
}
