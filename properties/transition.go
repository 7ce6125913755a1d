package properties

import (
	"fmt"
	"sort"

	"github.com/beaconcheck/beaconcheck/spec"
)

// Variant says which state transition a property runs: the spec as written, the spec with
// the upper-bound fix, or a deliberately broken fix that the fix properties must catch.
type Variant int

const (
	// SpecAsWritten is spec.Model with CapActiveValidators off.
	SpecAsWritten Variant = iota
	// WithFix is spec.Model with CapActiveValidators on.
	WithFix
	// OffByOne is the fix with its cap one too high: activations stop at
	// ActiveValidatorCap() + 1. It is emulated here (the spec package is not changed for
	// it): the state transition is assembled from the model's own epoch steps, with
	// process_registry_updates re-implemented around the wrong cap.
	OffByOne
)

var variantNames = [...]string{SpecAsWritten: "spec as written", WithFix: "with the upper-bound fix", OffByOne: "with the fix's cap off by one"}

func (v Variant) String() string { return variantNames[v] }

// transition is the state transition a property drives: spec.Model, or offByOne.
type transition interface {
	ProcessSlots(state *spec.BeaconState, slot spec.Slot) error
	StateTransition(state *spec.BeaconState, signedBlock *spec.SignedBeaconBlock, validateResult bool) error
}

// transitionOf returns the variant's transition for cfg, and the model it is built on
// (for accessors). Signatures are verified when verify is set; checked mode follows env.
func (e *Env) transitionOf(cfg *spec.Config, v Variant, verify bool) (transition, *spec.Model) {
	m := spec.NewModel(cfg)
	m.VerifySignatures = verify
	m.Checked = e.checks()
	switch v {
	case WithFix:
		m.CapActiveValidators = true
	case OffByOne:
		return &offByOne{m: m}, m
	}
	return m, m
}

// offByOne is the broken fix: the spec's state transition with the upper-bound fix's cap
// taken as ActiveValidatorCap() + 1.
type offByOne struct{ m *spec.Model }

// ProcessSlots is process_slots over the model's process_slot and epoch steps, atomic.
func (o *offByOne) ProcessSlots(state *spec.BeaconState, slot spec.Slot) error {
	if !(state.Slot < slot) {
		return &spec.AssertError{Func: "process_slots", Check: spec.CheckSlotInFuture, Detail: fmt.Sprintf("state slot %d, target slot %d", state.Slot, slot)}
	}
	work := state.Copy()
	if err := o.processSlots(work, slot); err != nil {
		return err
	}
	*state = *work
	return nil
}

func (o *offByOne) processSlots(state *spec.BeaconState, slot spec.Slot) error {
	m := o.m
	m.ResetCaches()
	defer m.ResetCaches()
	for state.Slot < slot {
		if err := m.ProcessSlot(state); err != nil {
			return err
		}
		if (uint64(state.Slot)+1)%m.SlotsPerEpoch == 0 {
			for _, step := range []func(*spec.BeaconState) error{
				m.ProcessJustificationAndFinalization,
				m.ProcessRewardsAndPenalties,
				o.processRegistryUpdates,
				m.ProcessSlashings,
				m.ProcessFinalUpdates,
			} {
				if err := step(state); err != nil {
					return err
				}
			}
		}
		state.Slot++
	}
	return nil
}

// processRegistryUpdates is process_registry_updates with the upper-bound fix as
// spec.Model has it, except that the cap is ActiveValidatorCap() + 1.
func (o *offByOne) processRegistryUpdates(state *spec.BeaconState) error {
	m := o.m
	m.ResetCaches()
	defer m.ResetCaches()
	current := m.GetCurrentEpoch(state)
	for i := range state.Validators {
		v := &state.Validators[i]
		if m.IsEligibleForActivationQueue(v) {
			v.ActivationEligibilityEpoch = current + 1
		}
		if spec.IsActiveValidator(v, current) && v.EffectiveBalance <= m.EjectionBalance {
			if err := m.InitiateValidatorExit(state, spec.ValidatorIndex(i)); err != nil {
				return err
			}
		}
	}
	var queue []spec.ValidatorIndex
	for i := range state.Validators {
		if spec.IsEligibleForActivation(state, &state.Validators[i]) {
			queue = append(queue, spec.ValidatorIndex(i))
		}
	}
	sort.SliceStable(queue, func(a, b int) bool {
		return state.Validators[queue[a]].ActivationEligibilityEpoch < state.Validators[queue[b]].ActivationEligibilityEpoch
	})
	m.ResetCaches() // exits above changed the active sets the churn limit reads
	churn := m.GetValidatorChurnLimit(state)
	if uint64(len(queue)) > churn {
		queue = queue[:churn]
	}
	activation, err := m.ComputeActivationExitEpoch(current)
	if err != nil {
		return err
	}
	cap := m.ActiveValidatorCap() + 1 // the deliberate mistake
	activeThen := uint64(activeAt(state, activation))
	headroom := uint64(0)
	if activeThen < cap {
		headroom = cap - activeThen
	}
	if uint64(len(queue)) > headroom {
		queue = queue[:headroom]
	}
	for _, i := range queue {
		state.Validators[i].ActivationEpoch = activation
	}
	return nil
}

// StateTransition is state_transition over ProcessSlots above and the model's block
// processing (which the cap does not touch), atomic.
func (o *offByOne) StateTransition(state *spec.BeaconState, signedBlock *spec.SignedBeaconBlock, validateResult bool) error {
	m := o.m
	block := &signedBlock.Message
	if !(state.Slot < block.Slot) {
		return &spec.AssertError{Func: "process_slots", Check: spec.CheckSlotInFuture, Detail: fmt.Sprintf("state slot %d, block slot %d", state.Slot, block.Slot)}
	}
	work := state.Copy()
	if err := o.processSlots(work, block.Slot); err != nil {
		return err
	}
	if validateResult {
		ok, err := m.VerifyBlockSignature(work, signedBlock)
		if err != nil {
			return err
		}
		if !ok {
			return &spec.AssertError{Func: "state_transition", Check: spec.CheckBlockSignature, Detail: "proposer signature does not verify"}
		}
	}
	if err := m.ProcessBlock(work, block); err != nil {
		return err
	}
	if validateResult {
		root, err := spec.HashTreeRoot(m.Config, work)
		if err != nil {
			return err
		}
		if root != block.StateRoot {
			return &spec.AssertError{Func: "state_transition", Check: spec.CheckStateRoot, Detail: fmt.Sprintf("block says %x, post-state root is %x", block.StateRoot, root)}
		}
	}
	*state = *work
	return nil
}

// activeAt counts the validators of state active at epoch, by a plain scan.
func activeAt(state *spec.BeaconState, epoch spec.Epoch) int {
	n := 0
	for i := range state.Validators {
		if spec.IsActiveValidator(&state.Validators[i], epoch) {
			n++
		}
	}
	return n
}
