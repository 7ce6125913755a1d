package spec

// Sites of process_voluntary_exit.
var siteVoluntaryExitEarliest = site("process_voluntary_exit_shard_period_sum", OpAdd, "activation_epoch", "SHARD_COMMITTEE_PERIOD")

// siteVoluntaryExitRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteVoluntaryExitRead = site("process_voluntary_exit_validator_read", OpIndex, "index", "length")

// ProcessVoluntaryExit is the spec's process_voluntary_exit ("Voluntary exits").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes. StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are
// atomic; call those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessVoluntaryExit(state *BeaconState, signed *SignedVoluntaryExit) (err error) {
	if m.hooked() {
		if err := m.requires(processVoluntaryExitContract, func(c *checker) { c.wellFormed(m, state) },
			"validator_index", signed.Message.ValidatorIndex, "epoch", signed.Message.Epoch); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processVoluntaryExitContract, &err, state, func(c *checker) {
			i := signed.Message.ValidatorIndex
			c.that("exit_initiated", state.Validators[i].ExitEpoch != FarFutureEpoch, "validator %d has no exit epoch", i)
			c.frame(frame{validators: []ValidatorIndex{i}, validatorFields: []string{"exit_epoch", "withdrawable_epoch"}}, before, state)
		})
	}
	const fn = "process_voluntary_exit"
	exit := &signed.Message
	validator, err := validatorAt(siteVoluntaryExitRead, state, exit.ValidatorIndex)
	if err != nil {
		return err
	}
	current := m.GetCurrentEpoch(state)
	// Verify the validator is active
	if !m.IsActiveValidator(validator, current) {
		return assertf(fn, CheckExitActive, "validator %d is not active at epoch %d", exit.ValidatorIndex, current)
	}
	// Verify exit has not been initiated
	if validator.ExitEpoch != FarFutureEpoch {
		return assertf(fn, CheckExitNotInitiated, "validator %d already exits at epoch %d", exit.ValidatorIndex, validator.ExitEpoch)
	}
	// Exits must specify an epoch when they become valid; they are not valid before then
	if !(current >= exit.Epoch) {
		return assertf(fn, CheckExitEpoch, "exit of validator %d valid from epoch %d, current epoch %d", exit.ValidatorIndex, exit.Epoch, current)
	}
	// Verify the validator has been active long enough
	var k Calc
	earliest := k.Add(siteVoluntaryExitEarliest, uint64(validator.ActivationEpoch), m.ShardCommitteePeriod)
	if err := k.Err(); err != nil {
		return err
	}
	if !(uint64(current) >= earliest) {
		return assertf(fn, CheckExitTooYoung, "validator %d too young to exit (epoch %d < earliest %d)", exit.ValidatorIndex, current, earliest)
	}
	// Verify signature
	if m.VerifySignatures {
		domain := m.GetDomain(state, m.DomainVoluntaryExit, &exit.Epoch)
		root, err := m.ComputeSigningRoot(exit, domain)
		if err != nil {
			return err
		}
		if !m.blsVerify("voluntary exit", validator.Pubkey, root[:], signed.Signature) {
			return assertf(fn, CheckExitSignature, "signature of validator %d does not verify", exit.ValidatorIndex)
		}
	}
	// Initiate exit
	return m.InitiateValidatorExit(state, exit.ValidatorIndex)
}

var processVoluntaryExitContract = declare(Contract{
	Func: "process_voluntary_exit", Section: "Voluntary exits",
	Writes: []string{"validators.exit_epoch", "validators.withdrawable_epoch"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"exit_initiated", "the exiting validator's exit_epoch is set"},
		{"frame", "only that validator's exit_epoch and withdrawable_epoch change"},
	},
})
