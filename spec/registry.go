package spec

import (
	"slices"
	"sort"
)

// Sites of process_registry_updates: the eligibility epoch, and the read of
// state.validators[index] for each index dequeued for activation (it raises when index >=
// len(state.validators)).
var (
	siteRegistryEligibility = site("process_registry_updates_eligibility_epoch", OpAdd, "epoch", "1")
	siteRegistryQueueRead   = site("process_registry_updates_queue_reads", OpIndex, "index", "length")
)

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
		churn := m.plainChurnLimit(state)
		defer m.ensuresState(processRegistryUpdatesContract, &err, state, func(c *checker) {
			activated := 0
			for i := range state.Validators {
				a, b := &before.Validators[i], &state.Validators[i]
				if a.ActivationEpoch != b.ActivationEpoch {
					activated++
					c.that("activations_eligible", a.ActivationEpoch == FarFutureEpoch && a.ActivationEligibilityEpoch <= before.FinalizedCheckpoint.Epoch,
						"validator %d activated without being eligible", i)
				}
			}
			m.registryEjections(c, before, state)
			c.that("activations_within_churn", uint64(activated) <= churn, "%d activations, churn limit %d", activated, churn)
			m.registryChurn(c, before, state, churn)
			m.activationQueueHead(c, before, state, churn)
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
			state.validatorForWrite(ValidatorIndex(index)).ActivationEligibilityEpoch = Epoch(e)
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
	for n, index := range queue {
		if siteRegistryQueueRead.Index(uint64(index), len(state.Validators)) {
			if n > 0 {
				m.activeSetChangesFrom(state, activation)
			}
			return outOfRange(siteRegistryQueueRead, "state.validators", uint64(index), len(state.Validators))
		}
		state.validatorForWrite(index).ActivationEpoch = activation
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
		{"ejections_active", "every validator whose exit was initiated was active at the current epoch: a validator never activated (or already exited) is not ejected"},
		{"low_balances_ejected", "every validator active at the current epoch, not yet exiting, with an effective balance at or below EJECTION_BALANCE now has an exit epoch"},
		{"activated_head_of_queue", "the validators activated are exactly the first min(churn limit, queue length) of the activation queue, computed plainly from the state before the call (plainActivationQueue: eligibility epochs as the call's first loop sets them, eligible validators ordered by (activation_eligibility_epoch, index)); with the upper-bound fix (CapActiveValidators) a prefix of them"},
		{"activations_within_churn", "no more validators were activated than the churn limit"},
		{"activation_queue_order", "the validators activated are the first of the activation queue: every eligible validator left waiting comes after every one activated in the order (activation_eligibility_epoch, index)"},
		{"activations_up_to_churn", "as many are activated as the churn limit allows: min(churn limit, queue length), or fewer only with the upper-bound fix (CapActiveValidators)"},
		{"activation_epoch_per_spec", "every activated validator gets compute_activation_exit_epoch(current epoch)"},
		{"exit_churn_per_epoch", "at no exit epoch that gained exits in the call do more than the churn limit of validators exit"},
		{"active_within_cap", "with the upper-bound fix (CapActiveValidators), activating did not take the validators active at the activation epoch past ActiveValidatorCap"},
		{"frame", "only validators' activation eligibility, activation, exit and withdrawable epochs change"},
	},
})

// registryChurn evaluates the churn clauses of process_registry_updates: which validators
// it activated and when, and how many exit per epoch, against the churn limit computed by
// the plain spec before the call (the active set of the current epoch does not change).
func (m *Model) registryChurn(c *checker, before, after *BeaconState, churn uint64) {
	current := uint64(m.Config.ComputeEpochAtSlot(before.Slot))
	activation := Epoch(current + 1 + m.MaxSeedLookahead) // did not overflow: the call succeeded
	type key struct {
		eligibility Epoch
		index       int
	}
	less := func(a, b key) bool {
		return a.eligibility < b.eligibility || (a.eligibility == b.eligibility && a.index < b.index)
	}
	var lastActivated, firstWaiting *key
	activated, queued := uint64(0), uint64(0)
	badEpoch := -1
	exitsAt := map[Epoch]uint64{}
	for i := range after.Validators {
		a, b := &before.Validators[i], &after.Validators[i]
		if b.ExitEpoch != a.ExitEpoch {
			exitsAt[b.ExitEpoch] = 0
		}
		// is_eligible_for_activation, over the eligibility epochs set in the call
		if b.ActivationEligibilityEpoch > after.FinalizedCheckpoint.Epoch || a.ActivationEpoch != FarFutureEpoch {
			continue
		}
		queued++
		k := key{b.ActivationEligibilityEpoch, i}
		if b.ActivationEpoch != a.ActivationEpoch {
			activated++
			if b.ActivationEpoch != activation && badEpoch < 0 {
				badEpoch = i
			}
			if lastActivated == nil || less(*lastActivated, k) {
				lastActivated = &k
			}
		} else if firstWaiting == nil || less(k, *firstWaiting) {
			firstWaiting = &k
		}
	}
	c.that("activation_queue_order", lastActivated == nil || firstWaiting == nil || less(*lastActivated, *firstWaiting),
		"validator %v activated although validator %v is ahead of it in the queue (eligibility epoch, index)", lastActivated, firstWaiting)
	want := min(churn, queued)
	c.that("activations_up_to_churn", activated == want || (m.CapActiveValidators && activated < want),
		"%d activated, %d in the queue, churn limit %d", activated, queued, churn)
	c.that("activation_epoch_per_spec", badEpoch < 0, "validator %d activated at %d, not compute_activation_exit_epoch(%d) = %d",
		badEpoch, after.Validators[max(badEpoch, 0)].ActivationEpoch, current, activation)
	if len(exitsAt) > 0 {
		for i := range after.Validators {
			if e := after.Validators[i].ExitEpoch; e != FarFutureEpoch {
				if _, ok := exitsAt[e]; ok {
					exitsAt[e]++
				}
			}
		}
	}
	for e, n := range exitsAt {
		c.that("exit_churn_per_epoch", n <= churn, "%d validators exit at epoch %d, churn limit %d", n, e, churn)
	}
}

// registryEjections evaluates the ejection clauses of process_registry_updates from the
// spec's rule, on the state before the call: a validator is ejected exactly when it is
// active at the current epoch, its exit not yet initiated, and its effective balance is at
// or below EJECTION_BALANCE.
func (m *Model) registryEjections(c *checker, before, after *BeaconState) {
	current := m.Config.ComputeEpochAtSlot(before.Slot)
	for i := range after.Validators {
		a, b := &before.Validators[i], &after.Validators[i]
		low := a.EffectiveBalance <= m.EjectionBalance
		active := a.ActivationEpoch <= current && current < a.ExitEpoch
		if a.ExitEpoch != b.ExitEpoch {
			c.that("ejections_low_balance", low, "validator %d ejected with effective balance %d", i, a.EffectiveBalance)
			c.that("ejections_active", active, "validator %d ejected although not active at epoch %d (activation %d, exit %d)", i, current, a.ActivationEpoch, a.ExitEpoch)
		}
		if low && active && a.ExitEpoch == FarFutureEpoch {
			c.that("low_balances_ejected", b.ExitEpoch != FarFutureEpoch, "validator %d active with effective balance %d (EJECTION_BALANCE %d) was not ejected", i, a.EffectiveBalance, m.EjectionBalance)
		}
	}
}

// activationQueueHead evaluates "activated_head_of_queue": the set activated is the head of
// the activation queue computed plainly on the state before the call.
func (m *Model) activationQueueHead(c *checker, before, after *BeaconState, churn uint64) {
	queue := m.plainActivationQueue(before)
	head := queue[:min(uint64(len(queue)), churn)]
	var activated []ValidatorIndex
	for i := range after.Validators {
		if after.Validators[i].ActivationEpoch != before.Validators[i].ActivationEpoch {
			activated = append(activated, ValidatorIndex(i))
		}
	}
	want := head
	if m.CapActiveValidators && len(activated) < len(head) {
		want = head[:len(activated)]
	}
	sorted := slices.Clone(want)
	slices.Sort(sorted)
	c.that("activated_head_of_queue", slices.Equal(activated, sorted),
		"activated %v; the head of the activation queue (churn limit %d, queue of %d) is %v", activated, churn, len(queue), want)
}
