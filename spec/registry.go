package spec

import "sort"

// ProcessRegistryUpdates is the spec's process_registry_updates ("Registry updates").
func (m *Model) ProcessRegistryUpdates(state *BeaconState) error {
	currentEpoch := m.GetCurrentEpoch(state)
	// Process activation eligibility and ejections
	for index := range state.Validators {
		validator := &state.Validators[index]
		if m.IsEligibleForActivationQueue(validator) {
			var k Calc
			e := k.Add(uint64(currentEpoch), 1)
			if err := k.Err("process_registry_updates: get_current_epoch(state) + 1"); err != nil {
				return err
			}
			validator.ActivationEligibilityEpoch = Epoch(e)
		}
		if IsActiveValidator(validator, currentEpoch) && validator.EffectiveBalance <= m.EjectionBalance {
			if err := m.InitiateValidatorExit(state, ValidatorIndex(index)); err != nil {
				return err
			}
		}
	}

	// Queue validators eligible for activation and not yet dequeued for activation,
	// ordered by the sequence of activation_eligibility_epoch setting and then index.
	var queue []ValidatorIndex
	for index := range state.Validators {
		if IsEligibleForActivation(state, &state.Validators[index]) {
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
	for _, index := range queue {
		state.Validators[index].ActivationEpoch = activation
	}
	if len(queue) > 0 {
		m.activeSetChangesFrom(state, activation)
	}
	return nil
}
