package spec

import "slices"

// IncreaseBalance is the spec's increase_balance ("Beacon state mutators"); the sum
// overflowing a uint64 is an invalid transition.
func (m *Model) IncreaseBalance(state *BeaconState, index ValidatorIndex, delta Gwei) (err error) {
	if m.hooked() {
		if err := m.requires(increaseBalanceContract, func(c *checker) {
			c.that("index_in_range", uint64(index) < uint64(len(state.Balances)), "index %d, %d balances", index, len(state.Balances))
		}, "index", index, "delta", delta); err != nil {
			return err
		}
		m.watch(state, index)
		var before Gwei
		if uint64(index) < uint64(len(state.Balances)) { // unchecked, the body reports it
			before = state.Balances[index]
		}
		n := len(state.Balances)
		defer m.ensuresState(increaseBalanceContract, &err, state, func(c *checker) {
			c.that("balance_increased", state.Balances[index] == before+delta && state.Balances[index] >= before,
				"balance %d + %d became %d", before, delta, state.Balances[index])
			c.that("length_unchanged", len(state.Balances) == n, "%d balances became %d", n, len(state.Balances))
		})
	}
	return increaseBalance(state, index, delta)
}

var increaseBalanceContract = declare(Contract{
	Func: "increase_balance", Section: "Beacon state mutators",
	Writes: []string{"balances"},
	Pre:    []Clause{{"index_in_range", "the validator index is below len(state.balances)"}},
	Post: []Clause{
		{"balance_increased", "the balance is its old value plus delta, with no wrap-around (an overflowing sum is an ArithmeticError, not a return)"},
		{"length_unchanged", "no balance is added or removed (the frame of the callers' contracts covers the other balances)"},
	},
})

// Sites of increase_balance: the read of state.balances[index] (it raises when index >=
// len(state.balances)) and the sum.
var (
	siteIncreaseBalanceRead = site("increase_balance_read", OpIndex, "index", "length")
	siteIncreaseBalance     = site("increase_balance_sum", OpAdd, "balance", "delta")
)

// increaseBalance is the body of increase_balance.
func increaseBalance(state *BeaconState, index ValidatorIndex, delta Gwei) error {
	if siteIncreaseBalanceRead.Index(uint64(index), len(state.Balances)) {
		return outOfRange(siteIncreaseBalanceRead, "state.balances", uint64(index), len(state.Balances))
	}
	var k Calc
	b := k.Add(siteIncreaseBalance, uint64(state.Balances[index]), uint64(delta))
	if err := k.Err(); err != nil {
		return err
	}
	state.SetBalance(index, Gwei(b))
	return nil
}

// DecreaseBalance is the spec's decrease_balance ("Beacon state mutators"), with its
// underflow protection: the balance floors at zero.
func (m *Model) DecreaseBalance(state *BeaconState, index ValidatorIndex, delta Gwei) (err error) {
	if m.hooked() {
		if err := m.requires(decreaseBalanceContract, func(c *checker) {
			c.that("index_in_range", uint64(index) < uint64(len(state.Balances)), "index %d, %d balances", index, len(state.Balances))
		}, "index", index, "delta", delta); err != nil {
			return err
		}
		m.watch(state, index)
		var before Gwei
		if uint64(index) < uint64(len(state.Balances)) { // unchecked, the body reports it
			before = state.Balances[index]
		}
		n := len(state.Balances)
		defer m.ensuresState(decreaseBalanceContract, &err, state, func(c *checker) {
			want := Gwei(0)
			if delta <= before {
				want = before - delta
			}
			c.that("balance_decreased", state.Balances[index] == want, "balance %d - %d became %d, want max(0, pre - delta) = %d", before, delta, state.Balances[index], want)
			c.that("length_unchanged", len(state.Balances) == n, "%d balances became %d", n, len(state.Balances))
		})
	}
	return decreaseBalance(state, index, delta)
}

var decreaseBalanceContract = declare(Contract{
	Func: "decrease_balance", Section: "Beacon state mutators",
	Writes: []string{"balances"},
	Pre:    []Clause{{"index_in_range", "the validator index is below len(state.balances)"}},
	Post: []Clause{
		{"balance_decreased", "the balance is max(0, old balance - delta): it never wraps below zero"},
		{"length_unchanged", "no balance is added or removed"},
	},
})

// Sites of decrease_balance: the read of state.balances[index] (it raises when index >=
// len(state.balances)) and the difference, evaluated only when delta <= the balance.
var (
	siteDecreaseBalanceRead       = site("decrease_balance_read", OpIndex, "index", "length")
	siteDecreaseBalanceDifference = site("decrease_balance_difference", OpSub, "balance", "delta")
)

// decreaseBalance is the body of decrease_balance.
func decreaseBalance(state *BeaconState, index ValidatorIndex, delta Gwei) error {
	if siteDecreaseBalanceRead.Index(uint64(index), len(state.Balances)) {
		return outOfRange(siteDecreaseBalanceRead, "state.balances", uint64(index), len(state.Balances))
	}
	if delta > state.Balances[index] {
		state.SetBalance(index, 0)
	} else {
		state.SetBalance(index, Gwei(siteDecreaseBalanceDifference.Value(uint64(state.Balances[index]), uint64(delta))))
	}
	return nil
}

// Sites of initiate_validator_exit.
var (
	siteExitQueueIncrement = site("initiate_validator_exit_queue_increment", OpAdd, "exit_queue_epoch", "1")
	siteExitWithdrawable   = site("initiate_validator_exit_withdrawable_sum", OpAdd, "exit_epoch", "MIN_VALIDATOR_WITHDRAWABILITY_DELAY")
)

// siteInitiateExitRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteInitiateExitRead = site("initiate_validator_exit_read", OpIndex, "index", "length")

// InitiateValidatorExit is the spec's initiate_validator_exit ("Beacon state mutators").
func (m *Model) InitiateValidatorExit(state *BeaconState, index ValidatorIndex) (err error) {
	if m.hooked() {
		if err := m.requires(initiateValidatorExitContract, func(c *checker) {
			c.that("index_in_range", uint64(index) < uint64(len(state.Validators)), "index %d, %d validators", index, len(state.Validators))
		}, "index", index); err != nil {
			return err
		}
		m.watch(state, index)
		var before Validator
		if uint64(index) < uint64(len(state.Validators)) { // unchecked, the body reports it
			before = state.Validators[index]
		}
		defer m.ensuresState(initiateValidatorExitContract, &err, state, func(c *checker) {
			earliest, _ := m.Config.ComputeActivationExitEpoch(m.GetCurrentEpoch(state)) // the slot is unchanged
			after := state.Validators[index]
			if before.ExitEpoch != FarFutureEpoch {
				c.that("already_exiting_unchanged", after == before, "validator %d already exiting at %d was changed", index, before.ExitEpoch)
				return
			}
			c.that("exit_epoch_set", after.ExitEpoch != FarFutureEpoch && after.ExitEpoch >= earliest,
				"exit epoch %d, earliest allowed %d", after.ExitEpoch, earliest)
			c.that("withdrawable_after_delay", uint64(after.WithdrawableEpoch) == uint64(after.ExitEpoch)+m.MinValidatorWithdrawabilityDelay,
				"withdrawable epoch %d for exit epoch %d", after.WithdrawableEpoch, after.ExitEpoch)
			m.exitChurn(c, state, index)
			after.ExitEpoch, after.WithdrawableEpoch = before.ExitEpoch, before.WithdrawableEpoch
			c.that("only_exit_fields", after == before, "a field other than exit_epoch and withdrawable_epoch changed")
		})
	}
	validator, err := validatorAt(siteInitiateExitRead, state, index)
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
		exitQueueEpoch = Epoch(k.Add(siteExitQueueIncrement, uint64(exitQueueEpoch), 1))
	}
	// Set validator exit epoch and withdrawable epoch
	withdrawable := k.Add(siteExitWithdrawable, uint64(exitQueueEpoch), m.MinValidatorWithdrawabilityDelay)
	if err := k.Err(); err != nil {
		return err
	}
	validator = state.validatorForWrite(index)
	validator.ExitEpoch = exitQueueEpoch
	validator.WithdrawableEpoch = Epoch(withdrawable)
	queue.record(exitQueueEpoch)
	m.activeSetChangesFrom(state, exitQueueEpoch)
	return nil
}

var initiateValidatorExitContract = declare(Contract{
	Func: "initiate_validator_exit", Section: "Beacon state mutators",
	Writes: []string{"validators.exit_epoch", "validators.withdrawable_epoch"},
	Pre:    []Clause{{"index_in_range", "the validator index is below len(state.validators)"}},
	Post: []Clause{
		{"already_exiting_unchanged", "a validator whose exit was already initiated is left exactly as it was"},
		{"exit_epoch_set", "otherwise its exit_epoch is set, to no earlier than compute_activation_exit_epoch(current epoch)"},
		{"withdrawable_after_delay", "and withdrawable_epoch = exit_epoch + MIN_VALIDATOR_WITHDRAWABILITY_DELAY"},
		{"exit_churn_respected", "at most get_validator_churn_limit validators, this one included, exit at its exit epoch"},
		{"exit_queue_per_spec", "the exit epoch is what the spec's scan of the registry gives (the latest exit epoch in use or compute_activation_exit_epoch, whichever is later, plus one if get_validator_churn_limit validators already exit then), computed by the plain spec past the model's cached exit queue"},
		{"only_exit_fields", "no other field of the validator changes (other validators are the callers' frames' concern: checking them here would make a mass ejection quadratic)"},
	},
})

// Sites of slash_validator.
var (
	siteSlashValidatorRead       = site("slash_validator_validator_read", OpIndex, "index", "length")
	siteSlashWithdrawable        = site("slash_validator_withdrawable_sum", OpAdd, "epoch", "EPOCHS_PER_SLASHINGS_VECTOR")
	siteSlashSlashingsModulo     = site("slash_validator_slashings_modulo", OpMod, "epoch", "EPOCHS_PER_SLASHINGS_VECTOR")
	siteSlashSlashingsRead       = site("slash_validator_slashings_read", OpIndex, "epoch % EPOCHS_PER_SLASHINGS_VECTOR", "length")
	siteSlashSlashingsSum        = site("slash_validator_slashings_sum", OpAdd, "acc", "term")
	siteSlashPenaltyDivision     = site("slash_validator_penalty_division", OpDiv, "effective_balance", "MIN_SLASHING_PENALTY_QUOTIENT")
	siteSlashWhistleblowerReward = site("slash_validator_whistleblower_division", OpDiv, "effective_balance", "WHISTLEBLOWER_REWARD_QUOTIENT")
	siteSlashProposerReward      = site("slash_validator_proposer_division", OpDiv, "whistleblower_reward", "PROPOSER_REWARD_QUOTIENT")
	siteSlashRewardDifference    = site("slash_validator_reward_difference", OpSub, "whistleblower_reward", "whistleblower_reward // PROPOSER_REWARD_QUOTIENT")
)

// SlashValidator is the spec's slash_validator ("Beacon state mutators"). A nil
// whistleblower means the block's proposer, as the spec's default.
func (m *Model) SlashValidator(state *BeaconState, slashedIndex ValidatorIndex, whistleblowerIndex *ValidatorIndex) (err error) {
	if m.hooked() {
		if err := m.requires(slashValidatorContract, func(c *checker) {
			c.that("index_in_range", uint64(slashedIndex) < uint64(len(state.Validators)), "index %d, %d validators", slashedIndex, len(state.Validators))
			c.wellFormed(m, state)
		}, "slashed_index", slashedIndex, "whistleblower_index", whistleblowerIndex); err != nil {
			return err
		}
		m.watchAll(state)
		epoch := m.Config.ComputeEpochAtSlot(state.Slot) // get_current_epoch, untraced here
		var before Validator
		var slashingsBefore Gwei
		var balancesBefore []Gwei
		if m.Checked != nil {
			balancesBefore = slices.Clone(state.Balances)
		}
		slot := uint64(epoch) % m.EpochsPerSlashingsVector
		if uint64(slashedIndex) < uint64(len(state.Validators)) && slot < uint64(len(state.Slashings)) { // unchecked, the body reports it
			before, slashingsBefore = state.Validators[slashedIndex], state.Slashings[slot]
		}
		defer m.ensuresState(slashValidatorContract, &err, state, func(c *checker) {
			after := state.Validators[slashedIndex]
			c.that("slashed", after.Slashed, "validator %d not marked slashed", slashedIndex)
			c.that("exiting", after.ExitEpoch != FarFutureEpoch, "validator %d has no exit epoch", slashedIndex)
			c.that("withdrawable_after_slashings_period", uint64(after.WithdrawableEpoch) >= uint64(epoch)+m.EpochsPerSlashingsVector,
				"withdrawable epoch %d before epoch %d + EPOCHS_PER_SLASHINGS_VECTOR", after.WithdrawableEpoch, epoch)
			c.that("slashings_recorded", state.Slashings[slot] == slashingsBefore+before.EffectiveBalance,
				"slashings[%d] went from %d to %d for an effective balance of %d", slot, slashingsBefore, state.Slashings[slot], before.EffectiveBalance)
			m.slashingAmounts(c, balancesBefore, state, slashedIndex, whistleblowerIndex, before.EffectiveBalance)
		})
	}
	epoch := m.GetCurrentEpoch(state)
	if err := m.InitiateValidatorExit(state, slashedIndex); err != nil {
		return err
	}
	if siteSlashValidatorRead.Index(uint64(slashedIndex), len(state.Validators)) { // in range: InitiateValidatorExit read it
		return outOfRange(siteSlashValidatorRead, "state.validators", uint64(slashedIndex), len(state.Validators))
	}
	validator := state.validatorForWrite(slashedIndex)
	validator.Slashed = true
	var k Calc
	withdrawable := Epoch(k.Add(siteSlashWithdrawable, uint64(epoch), m.EpochsPerSlashingsVector))
	if err := k.Err(); err != nil {
		return err
	}
	validator.WithdrawableEpoch = max(validator.WithdrawableEpoch, withdrawable)
	slot, err := vectorAt(siteSlashSlashingsModulo, siteSlashSlashingsRead, uint64(epoch), m.EpochsPerSlashingsVector, "state.slashings", len(state.Slashings))
	if err != nil {
		return err
	}
	sum := k.Add(siteSlashSlashingsSum, uint64(state.Slashings[slot]), uint64(validator.EffectiveBalance))
	penalty := k.Div(siteSlashPenaltyDivision, uint64(validator.EffectiveBalance), m.MinSlashingPenaltyQuotient)
	if err := k.Err(); err != nil {
		return err
	}
	state.SetSlashing(slot, Gwei(sum))
	if err := m.DecreaseBalance(state, slashedIndex, Gwei(penalty)); err != nil {
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
	whistleblowerReward := k.Div(siteSlashWhistleblowerReward, uint64(validator.EffectiveBalance), m.WhistleblowerRewardQuotient)
	proposerReward := k.Div(siteSlashProposerReward, whistleblowerReward, m.ProposerRewardQuotient)
	rest := k.Sub(siteSlashRewardDifference, whistleblowerReward, proposerReward)
	if err := k.Err(); err != nil {
		return err
	}
	if err := m.IncreaseBalance(state, proposerIndex, Gwei(proposerReward)); err != nil {
		return err
	}
	return m.IncreaseBalance(state, whistleblower, Gwei(rest))
}

var slashValidatorContract = declare(Contract{
	Func: "slash_validator", Section: "Beacon state mutators",
	Writes: []string{"balances", "slashings", "validators.slashed", "validators.exit_epoch", "validators.withdrawable_epoch"},
	Pre: []Clause{
		{"index_in_range", "the slashed index is below len(state.validators)"},
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
	},
	Post: []Clause{
		{"slashed", "the validator is marked slashed"},
		{"exiting", "its exit has been initiated"},
		{"withdrawable_after_slashings_period", "its withdrawable epoch is at least the current epoch + EPOCHS_PER_SLASHINGS_VECTOR"},
		{"slashings_recorded", "state.slashings[epoch % EPOCHS_PER_SLASHINGS_VECTOR] grew by exactly its effective balance"},
		{"balances_per_spec", "the slashed validator loses effective_balance // MIN_SLASHING_PENALTY_QUOTIENT (its balance floored at zero), the proposer gains whistleblower_reward // PROPOSER_REWARD_QUOTIENT and the whistleblower (the proposer by default) the rest of whistleblower_reward = effective_balance // WHISTLEBLOWER_REWARD_QUOTIENT; no other balance changes"},
		{"supply_conserved", "the balances' sum moves by exactly whistleblower_reward minus the penalty actually taken (after the zero floor)"},
	},
})

// slashingAmounts evaluates the amount clauses of slash_validator: balances before the
// call, the state after, and the slashed validator's effective balance (which slashing does
// not change).
func (m *Model) slashingAmounts(c *checker, before []Gwei, after *BeaconState, slashed ValidatorIndex, whistleblower *ValidatorIndex, eb Gwei) {
	var proposer ValidatorIndex
	var perr error
	m.quietly(func() { proposer, perr = m.GetBeaconProposerIndex(after) })
	w := proposer
	if whistleblower != nil {
		w = *whistleblower
	}
	want := slices.Clone(before)
	penalty := min(want[slashed], eb/Gwei(m.MinSlashingPenaltyQuotient))
	want[slashed] -= penalty
	reward := eb / Gwei(m.WhistleblowerRewardQuotient)
	proposerReward := reward / Gwei(m.ProposerRewardQuotient)
	want[proposer] += proposerReward
	want[w] += reward - proposerReward
	bad := firstFailing(len(want), func(i int) bool { return i < len(after.Balances) && after.Balances[i] == want[i] })
	c.that("balances_per_spec", perr == nil && len(after.Balances) == len(want) && bad < 0,
		"balance %d is %d, want %d (slashed %d, proposer %d, whistleblower %d, effective balance %d; %v)",
		bad, after.Balances[max(bad, 0)], want[max(bad, 0)], slashed, proposer, w, eb, perr)
	m.ledgerMove(uint64(reward), uint64(penalty))
	c.that("supply_conserved", supplyMovedBy(before, after.Balances, uint64(reward), uint64(penalty)),
		"the balances did not move by the whistleblower reward %d minus the penalty %d", reward, penalty)
}

// exitChurn evaluates the churn clauses of initiate_validator_exit for the validator at
// index, whose exit it has just initiated. The other validators are as before the call.
func (m *Model) exitChurn(c *checker, state *BeaconState, index ValidatorIndex) {
	exit := state.Validators[index].ExitEpoch
	limit, n := m.plainChurnLimit(state), uint64(0)
	for i := range state.Validators {
		if state.Validators[i].ExitEpoch == exit {
			n++
		}
	}
	c.that("exit_churn_respected", n <= limit, "%d validators exit at epoch %d, churn limit %d", n, exit, limit)
	want, err := m.plainExitEpoch(state, index)
	c.that("exit_queue_per_spec", err == nil && exit == want, "exit epoch %d, the spec's exit queue gives %d (%v)", exit, want, err)
}
