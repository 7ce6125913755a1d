package spec

import "sort"

// Sites of process_registry_updates.
var siteRegistryEligibility = site("process_registry_updates_eligibility_epoch", OpAdd, "epoch", "1")

// ProcessRegistryUpdates is the spec's process_registry_updates ("Registry updates").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes (validators before the failing one stay updated). StateTransition,
// ProcessSlots, ProcessBlock and ProcessEpoch are atomic; call those, or work on a copy, when
// a failure must leave no trace.
func (m *Model) ProcessRegistryUpdates(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processRegistryUpdatesContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		var churn uint64
		m.quietly(func() { churn = m.GetValidatorChurnLimit(state) })
		defer m.ensuresState(processRegistryUpdatesContract, &err, state, func(c *checker) {
			activated := 0
			for i := range state.Validators {
				a, b := &before.Validators[i], &state.Validators[i]
				if a.ActivationEpoch != b.ActivationEpoch {
					activated++
					c.that("activations_eligible", a.ActivationEpoch == FarFutureEpoch && a.ActivationEligibilityEpoch <= before.FinalizedCheckpoint.Epoch,
						"validator %d activated without being eligible", i)
				}
				if a.ExitEpoch != b.ExitEpoch {
					c.that("ejections_low_balance", a.EffectiveBalance <= m.EjectionBalance, "validator %d ejected with effective balance %d", i, a.EffectiveBalance)
				}
			}
			c.that("activations_within_churn", uint64(activated) <= churn, "%d activations, churn limit %d", activated, churn)
			if m.CapActiveValidators {
				epoch := m.GetCurrentEpoch(state) + 1 + Epoch(m.MaxSeedLookahead)
				n := uint64(len(activeValidatorIndices(state, epoch)))
				c.that("active_within_cap", n <= m.ActiveValidatorCap() || activated == 0,
					"%d validators active at epoch %d, cap %d", n, epoch, m.ActiveValidatorCap())
			}
			c.frame(frame{allValidators: true, validatorFields: []string{"activation_eligibility_epoch", "activation_epoch", "exit_epoch", "withdrawable_epoch"}}, before, state)
		})
	}
	currentEpoch := m.GetCurrentEpoch(state)
	// Process activation eligibility and ejections
	for index := range state.Validators {
		validator := &state.Validators[index]
		if m.IsEligibleForActivationQueue(validator) {
			var k Calc
			e := k.Add(siteRegistryEligibility, uint64(currentEpoch), 1)
			if err := k.Err(); err != nil {
				return err
			}
			validator.ActivationEligibilityEpoch = Epoch(e)
		}
		if m.IsActiveValidator(validator, currentEpoch) && validator.EffectiveBalance <= m.EjectionBalance {
			if err := m.InitiateValidatorExit(state, ValidatorIndex(index)); err != nil {
				return err
			}
		}
	}

	// Queue validators eligible for activation and not yet dequeued for activation,
	// ordered by the sequence of activation_eligibility_epoch setting and then index.
	var queue []ValidatorIndex
	for index := range state.Validators {
		if m.IsEligibleForActivation(state, &state.Validators[index]) {
			queue = append(queue, ValidatorIndex(index))
		}
	}
	sort.SliceStable(queue, func(i, j int) bool {
		return state.Validators[queue[i]].ActivationEligibilityEpoch < state.Validators[queue[j]].ActivationEligibilityEpoch
	})
	// Dequeued validators for activation up to churn limit
	churn := m.GetValidatorChurnLimit(state)
	if uint64(len(queue)) > churn {
		queue = queue[:churn]
	}
	activation, err := m.ComputeActivationExitEpoch(currentEpoch)
	if err != nil {
		return err
	}
	if m.CapActiveValidators {
		// The upper-bound fix: activate no more than keeps the validators active at the
		// activation epoch within the cap; the rest of the queue waits. Later epochs can only
		// have fewer active validators than the activation epoch (exits), until the next
		// registry update activates more under the same rule.
		activeThen := uint64(len(activeValidatorIndices(state, activation)))
		headroom := uint64(0)
		if cap := m.ActiveValidatorCap(); activeThen < cap {
			headroom = cap - activeThen
		}
		if uint64(len(queue)) > headroom {
			queue = queue[:headroom]
		}
	}
	for _, index := range queue {
		state.Validators[index].ActivationEpoch = activation
	}
	if len(queue) > 0 {
		m.activeSetChangesFrom(state, activation)
	}
	return nil
}

var processRegistryUpdatesContract = declare(Contract{
	Func: "process_registry_updates", Section: "Registry updates",
	Writes: []string{"validators.activation_eligibility_epoch", "validators.activation_epoch", "validators.exit_epoch", "validators.withdrawable_epoch"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"activations_eligible", "every validator activated was eligible: not yet activated, and queued no later than the finalized epoch"},
		{"ejections_low_balance", "every validator whose exit was initiated had an effective balance at or below EJECTION_BALANCE"},
		{"activations_within_churn", "no more validators were activated than the churn limit"},
		{"active_within_cap", "with the upper-bound fix (CapActiveValidators), activating did not take the validators active at the activation epoch past ActiveValidatorCap"},
		{"frame", "only validators' activation eligibility, activation, exit and withdrawable epochs change"},
	},
})
