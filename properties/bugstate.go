package properties

import (
	"fmt"
	"sync"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// The committee-size bound on real states: a BeaconState with V active validators (made
// by interop.LargeState, so V can exceed 2**22 on mainnet) at the last slot of epoch 2, with
// one pending attestation of epoch 1 in previous_epoch_attestations: for the first
// oversized committee of V when it has one, with aggregation bits of
// MAX_VALIDATORS_PER_COMMITTEE bits (the most a Bitlist[MAX_VALIDATORS_PER_COMMITTEE] can
// hold, all set), otherwise an honest one of a full committee. The property: the epoch
// transition processes it. On the spec as written it fails for the V with an oversized
// committee: get_attesting_indices reads past the end of the bits (a *spec.BitlistIndexError;
// in checked mode its precondition committee_fits_bits is breached first, a
// *spec.ContractViolation).
//
// No honest chain reaches such a state: process_attestation cannot include an attestation
// of an oversized committee at all (its aggregation bits would have to be longer than the
// bitlist type allows; see TestOversizedCommitteeCannotAttest), so those committees simply
// cannot attest. The state is the spec's domain nonetheless, and the Python spec's epoch
// processing raises on it.

// BoundStateInput is a state of the committee-size bound: V active validators under a
// config.
type BoundStateInput struct {
	Config ConfigRecipe
	V      uint64
}

func (in BoundStateInput) String() string {
	cfg := in.Config.mustConfig()
	s := fmt.Sprintf("LargeState of %s active validators, %s, at slot %d with a pending attestation of ", commas(in.V), in.Config, boundSlot(cfg))
	if slot, index, ok := FirstOversized(cfg, in.V); ok {
		n, _ := CommitteeLen(cfg, in.V, slot, index)
		return s + fmt.Sprintf("the oversized committee (slot %d, index %d) of %d members, %d bits set", uint64(slot)+cfg.SlotsPerEpoch, index, n, cfg.MaxValidatorsPerCommittee)
	}
	return s + "a full committee"
}

// boundSlot is the slot of the state: the last of epoch 2, so that epoch 1 is the previous
// epoch and process_justification_and_finalization does its work.
func boundSlot(cfg *spec.Config) spec.Slot { return spec.Slot(3*cfg.SlotsPerEpoch - 1) }

// BoundState makes the state of in: a LargeState with the pending attestation described
// above. clean is the same state without it.
func BoundState(in BoundStateInput) (state, clean *spec.BeaconState, err error) {
	cfg, err := in.Config.Config()
	if err != nil {
		return nil, nil, err
	}
	clean, err = interop.LargeState(cfg, in.V, boundSlot(cfg))
	if err != nil {
		return nil, nil, err
	}
	m := spec.NewModel(cfg)
	slot, index, ok := FirstOversized(cfg, in.V)
	if ok {
		slot += spec.Slot(cfg.SlotsPerEpoch) // into epoch 1
	} else {
		slot, index = spec.Slot(2*cfg.SlotsPerEpoch-1), spec.CommitteeIndex(cfg.CommitteeCountPerSlot(in.V)-1)
	}
	pending, err := PendingAttestationFor(m, clean, slot, index)
	if err != nil {
		return nil, nil, err
	}
	state = clean.Copy()
	state.PreviousEpochAttestations = append(state.PreviousEpochAttestations, pending)
	return state, clean, nil
}

// PendingAttestationFor is a PendingAttestation of the committee at (slot, index), read from
// state (which must be past slot and within its previous or current epoch), as the honest
// validator guide makes the data: head the block root at slot, target the block at the
// start of slot's epoch, source the justified checkpoint the attestation would have been
// checked against. Every bit is set, and there are as many as the committee has members, or
// MAX_VALIDATORS_PER_COMMITTEE when it has more: the longest aggregation bits the
// Bitlist[MAX_VALIDATORS_PER_COMMITTEE] type admits. It was included one slot after slot by
// validator 0.
func PendingAttestationFor(m *spec.Model, state *spec.BeaconState, slot spec.Slot, index spec.CommitteeIndex) (spec.PendingAttestation, error) {
	m.ResetCaches()
	committee, err := m.GetBeaconCommittee(state, slot, index)
	if err != nil {
		return spec.PendingAttestation{}, err
	}
	epoch := m.ComputeEpochAtSlot(slot)
	head, err := m.GetBlockRootAtSlot(state, slot)
	if err != nil {
		return spec.PendingAttestation{}, err
	}
	target, err := m.GetBlockRoot(state, epoch)
	if err != nil {
		return spec.PendingAttestation{}, err
	}
	source := state.CurrentJustifiedCheckpoint
	if epoch != m.GetCurrentEpoch(state) {
		source = state.PreviousJustifiedCheckpoint
	}
	n := min(uint64(len(committee)), m.MaxValidatorsPerCommittee)
	bits := bitfield.NewBitlist(n)
	for i := uint64(0); i < n; i++ {
		bits.SetBitAt(i, true)
	}
	return spec.PendingAttestation{
		AggregationBits: bits,
		Data: spec.AttestationData{
			Slot: slot, Index: index, BeaconBlockRoot: head, Source: source,
			Target: spec.Checkpoint{Epoch: epoch, Root: target},
		},
		InclusionDelay: 1,
	}, nil
}

// boundStateHolds is the property's check: the epoch transition of the state succeeds.
// Passing values are recorded in safe.
func boundStateHolds(env *Env, safe *safeCounts) func(in BoundStateInput) (string, error) {
	return func(in BoundStateInput) (string, error) {
		state, _, err := BoundState(in)
		if err != nil {
			return "", err
		}
		cfg := in.Config.mustConfig()
		m := spec.NewModel(cfg)
		m.VerifySignatures = false
		m.Checked = env.checks()
		if err := m.ProcessSlots(state, state.Slot+1); err != nil {
			return fmt.Sprintf("the epoch transition from slot %d fails: %T: %v", state.Slot, err, err), nil
		}
		safe.passed(in)
		return "", nil
	}
}

// safeCounts remembers, per config, the largest V a property held for. On the configs the
// state-level property draws, a V fails exactly when it exceeds the config's threshold, so
// shrinking need not try values at or below a V known to hold: with it, shrinking is a
// bisection, some 2 log2(V) checks rather than log2(V)**2 (on mainnet, where a check
// builds and processes a state of millions of validators, minutes rather than hours). The
// counterexample stays one: every candidate is checked.
type safeCounts struct {
	sync.Mutex
	max map[string]uint64
}

func (s *safeCounts) passed(in BoundStateInput) {
	s.Lock()
	defer s.Unlock()
	if s.max == nil {
		s.max = map[string]uint64{}
	}
	s.max[in.Config.Name()] = max(s.max[in.Config.Name()], in.V)
}

// floor is the smallest V worth trying under a config: one above the largest known to hold.
func (s *safeCounts) floor(c ConfigRecipe, lo uint64) uint64 {
	s.Lock()
	defer s.Unlock()
	if v, ok := s.max[c.Name()]; ok {
		return max(lo, v+1)
	}
	return lo
}

// boundStates generates the inputs: a config (SmallCap by default, so states are small),
// V in [1, twice the all-violating threshold] biased towards the thresholds, shrinking V
// towards 1 (above the values known to hold) and the config towards its preset.
func boundStates(env *Env, safe *safeCounts) gopter.Gen {
	space := env.space(ConfigSpace{Recipes: []ConfigRecipe{SmallCap}})
	hi := func(cfg *spec.Config) uint64 { return 2 * mustThresholds(cfg).AllViolatingFrom }
	return func(p *gopter.GenParameters) *gopter.GenResult {
		recipe := space.draw(p.Rng)
		cfg := recipe.mustConfig()
		in := BoundStateInput{Config: recipe, V: drawCount(p.Rng, cfg, 1, hi(cfg))}
		return gopter.NewGenResult(in, candidates(func(in BoundStateInput) []BoundStateInput {
			var out []BoundStateInput
			for _, v := range towards(in.V, safe.floor(in.Config, 1)) {
				out = append(out, BoundStateInput{in.Config, v})
			}
			for _, c := range space.simpler(in.Config) {
				out = append(out, BoundStateInput{c, min(in.V, hi(c.mustConfig()))})
			}
			return out
		}))
	}
}

func committeeBoundState(env *Env) gopter.Prop {
	safe := &safeCounts{}
	return prop.ForAll(boundStateHolds(env, safe), boundStates(env, safe))
}

// boundStateVector is the failing state as a sanity/blocks case: the state and an empty
// block at the first slot of epoch 3 (built on the state without the pending attestation),
// which the spec must reject because the epoch transition before it fails.
func boundStateVector(env *Env, x any) (*Vector, error) {
	in := x.(BoundStateInput)
	state, clean, err := BoundState(in)
	if err != nil {
		return nil, err
	}
	cfg := in.Config.mustConfig()
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	block, err := interop.BuildBlock(m, clean, nil, interop.BlockOptions{NoSignatures: true})
	if err != nil {
		return nil, err
	}
	v := &Vector{Config: cfg, Pre: state, Blocks: []*spec.SignedBeaconBlock{block}, BLSSetting: 2}
	post := state.Copy()
	if err := m.StateTransition(post, block, true); err == nil {
		v.Post = post
	}
	return v, nil
}
