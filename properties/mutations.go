package properties

import (
	"errors"
	"fmt"
	"math/rand"
	"slices"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// Invalid blocks: a valid signed block with every kind of operation (attestations of the
// previous slot's committees, two deposits with their proofs, a voluntary exit, a proposer
// slashing and an attester slashing), built by interop.BuildBlock on a state with real
// keys, then changed in one way that makes it invalid and signed again by the proposer it
// names. The model must reject it with the spec's assert for that change, and leave the
// state exactly as it was.

// mutation is one way of breaking a block.
type mutation struct {
	name string
	// checks are the spec asserts that may reject it (the first to fail depends on the
	// block, e.g. a target moved out of the previous epoch or of the current one).
	checks []string
	// signatures says the change is to a signature, which only a model verifying them sees.
	signatures bool
	// resign: the block is signed again after the change (by the proposer it names).
	resign bool
	apply  func(b *spec.SignedBeaconBlock, pre *spec.BeaconState, m *spec.Model)
}

var mutations = []mutation{
	{"block-signature", []string{spec.CheckBlockSignature}, true, false, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		b.Signature[7] ^= 0x10
	}},
	{"wrong-slot", []string{spec.CheckSlotInFuture}, false, true, func(b *spec.SignedBeaconBlock, pre *spec.BeaconState, _ *spec.Model) {
		b.Message.Slot = pre.Slot
	}},
	{"wrong-proposer", []string{spec.CheckHeaderProposerIndex}, false, true, func(b *spec.SignedBeaconBlock, pre *spec.BeaconState, _ *spec.Model) {
		b.Message.ProposerIndex = (b.Message.ProposerIndex + 1) % spec.ValidatorIndex(len(pre.Validators))
	}},
	{"wrong-parent-root", []string{spec.CheckHeaderParentRoot}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		b.Message.ParentRoot[0] ^= 1
	}},
	{"randao-reveal", []string{spec.CheckRandaoReveal}, true, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		b.Message.Body.RandaoReveal = b.Signature // a valid signature, of something else
	}},
	{"state-root", []string{spec.CheckStateRoot}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		b.Message.StateRoot[31] ^= 1
	}},
	{"attestation-wrong-target", []string{spec.CheckTargetEpochRange, spec.CheckTargetEpochSlot}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		b.Message.Body.Attestations[0].Data.Target.Epoch++
	}},
	{"attestation-wrong-source", []string{spec.CheckSourceCurrent, spec.CheckSourcePrevious}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		b.Message.Body.Attestations[0].Data.Source.Epoch++
	}},
	{"attestation-committee-index", []string{spec.CheckCommitteeIndex}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, m *spec.Model) {
		b.Message.Body.Attestations[0].Data.Index = spec.CommitteeIndex(m.MaxCommitteesPerSlot)
	}},
	{"attestation-bits-length", []string{spec.CheckAggregationBitsLen}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		a := &b.Message.Body.Attestations[0]
		longer := bitfield.NewBitlist(a.AggregationBits.Len() + 1)
		for i := uint64(0); i < a.AggregationBits.Len(); i++ {
			longer.SetBitAt(i, a.AggregationBits.BitAt(i))
		}
		a.AggregationBits = longer
	}},
	{"attestation-signature", []string{spec.CheckAttestationValid}, true, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		b.Message.Body.Attestations[0].Signature = b.Signature
	}},
	{"duplicate-deposit-proof", []string{spec.CheckDepositProof}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		ds := b.Message.Body.Deposits
		ds[1] = ds[0]
	}},
	{"deposit-proof-byte", []string{spec.CheckDepositProof}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		d := &b.Message.Body.Deposits[1]
		d.Proof = slices.Clone(d.Proof)
		d.Proof[3][5] ^= 1
	}},
	{"missing-deposit", []string{spec.CheckDepositCount}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		b.Message.Body.Deposits = b.Message.Body.Deposits[:1]
	}},
	{"exit-signature", []string{spec.CheckExitSignature}, true, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		b.Message.Body.VoluntaryExits[0].Signature = b.Signature
	}},
	{"double-exit", []string{spec.CheckExitNotInitiated}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		es := b.Message.Body.VoluntaryExits
		b.Message.Body.VoluntaryExits = append(es, es[0])
	}},
	{"proposer-slashing-same-headers", []string{spec.CheckHeadersDiffer}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		ps := &b.Message.Body.ProposerSlashings[0]
		ps.SignedHeader2 = ps.SignedHeader1
	}},
	{"double-proposer-slashing", []string{spec.CheckProposerSlashable}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		ps := b.Message.Body.ProposerSlashings
		b.Message.Body.ProposerSlashings = append(ps, ps[0])
	}},
	{"attester-slashing-not-slashable", []string{spec.CheckSlashableData}, false, true, func(b *spec.SignedBeaconBlock, _ *spec.BeaconState, _ *spec.Model) {
		as := &b.Message.Body.AttesterSlashings[0]
		as.Attestation2.Data = as.Attestation1.Data
	}},
}

// MutationInput is a block and a way of breaking it: a state (real keys), the valid block
// of its next slot with every kind of operation, and the mutation's name.
type MutationInput struct {
	State    StateRecipe
	Mutation string
}

func (in MutationInput) String() string {
	return fmt.Sprintf("%s; the next block with every operation, changed by %s", in.State, in.Mutation)
}

func (in MutationInput) mutation() mutation {
	for _, mu := range mutations {
		if mu.name == in.Mutation {
			return mu
		}
	}
	panic("unknown mutation " + in.Mutation)
}

// build makes the pre-state (deposits voted in), the valid block and the mutated one.
func (in MutationInput) build(env *Env) (pre *spec.BeaconState, good, bad *spec.SignedBeaconBlock, err error) {
	cfg := in.State.Config.mustConfig()
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	state, err := in.State.build(env, m)
	if err != nil {
		return nil, nil, nil, err
	}
	// One step asking for every operation; two deposits outstanding.
	c := ChainRecipe{State: in.State, Deposits: 2, Steps: []Step{{Participation: 100, Exits: 1, ProposerSlashings: 1, AttesterSlashing: 3}}}
	b, err := c.builder(env, m, state)
	if err != nil {
		return nil, nil, nil, err
	}
	slot := state.Slot + 1
	opts := interop.BlockOptions{Slot: slot, Participation: 1, Seed: uint64(slot), Deposits: b.log}
	if err := b.operations(slot, c.Steps[0], &opts); err != nil {
		return nil, nil, nil, err
	}
	good, err = interop.BuildBlock(m, b.pre, b.keys, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	body := &good.Message.Body
	if len(body.Attestations) == 0 || len(body.Deposits) < 2 || len(body.VoluntaryExits) == 0 || len(body.ProposerSlashings) == 0 || len(body.AttesterSlashings) == 0 {
		return nil, nil, nil, fmt.Errorf("the block lacks an operation: %d attestations, %d deposits, %d exits, %d proposer slashings, %d attester slashings",
			len(body.Attestations), len(body.Deposits), len(body.VoluntaryExits), len(body.ProposerSlashings), len(body.AttesterSlashings))
	}
	bad, err = copyBlock(cfg, good)
	if err != nil {
		return nil, nil, nil, err
	}
	mu := in.mutation()
	mu.apply(bad, b.pre, m)
	if mu.resign {
		at := b.pre.Copy()
		if err := m.ProcessSlots(at, max(slot, at.Slot+1)); err != nil {
			return nil, nil, nil, err
		}
		if uint64(bad.Message.ProposerIndex) < uint64(len(at.Validators)) {
			if bad.Signature, err = signBlock(cfg, b.keys, at, &bad.Message, bad.Message.ProposerIndex); err != nil {
				return nil, nil, nil, err
			}
		}
	}
	return b.pre, good, bad, nil
}

func copyBlock(cfg *spec.Config, b *spec.SignedBeaconBlock) (*spec.SignedBeaconBlock, error) {
	data, err := spec.Marshal(cfg, b)
	if err != nil {
		return nil, err
	}
	var c spec.SignedBeaconBlock
	return &c, spec.Unmarshal(cfg, data, &c)
}

// invalidBlocksRejected is the property: the mutated block is rejected with one of the
// mutation's asserts, and the state keeps its root; the unmutated block is accepted.
func invalidBlocksRejected(env *Env) gopter.Prop {
	space := StateSpace{
		Configs:       env.space(ConfigSpace{Presets: []string{"minimal"}}),
		MinValidators: 16, MaxValidators: 160,
		MaxWarmupEpochs: 0, Bases: []string{"keyed"}, Signed: true,
	}
	gen := generator(func(r *rand.Rand) MutationInput {
		return MutationInput{State: space.draw(r), Mutation: mutations[r.Intn(len(mutations))].name}
	}, func(in MutationInput) []MutationInput {
		var out []MutationInput
		for _, s := range space.simpler(in.State) {
			if s.Keyed {
				out = append(out, MutationInput{s, in.Mutation})
			}
		}
		return out
	})
	return prop.ForAll(func(in MutationInput) (string, error) {
		pre, good, bad, err := in.build(env)
		if err != nil {
			return "", err
		}
		cfg := in.State.Config.mustConfig()
		mu := in.mutation()
		m := spec.NewModel(cfg)
		m.VerifySignatures = mu.signatures
		m.Checked = env.checks()
		before, err := spec.HashTreeRoot(cfg, pre)
		if err != nil {
			return "", err
		}
		state := pre.Copy()
		rejection := m.StateTransition(state, bad, true)
		after, err := spec.HashTreeRoot(cfg, state)
		if err != nil {
			return "", err
		}
		var ae *spec.AssertError
		switch {
		case rejection == nil:
			return fmt.Sprintf("%s: the model accepted the block", mu.name), nil
		case !errors.As(rejection, &ae) || !slices.Contains(mu.checks, ae.Check):
			return fmt.Sprintf("%s: rejected for another reason than %v: %v", mu.name, mu.checks, rejection), nil
		case before != after:
			return fmt.Sprintf("%s: the rejected block changed the state's root from %x to %x", mu.name, before, after), nil
		}
		if err := m.StateTransition(state, good, true); err != nil {
			return "", fmt.Errorf("the unchanged block is not valid: %w", err)
		}
		return "", nil
	}, gen)
}

// invalidBlockVector is the mutated block on its pre-state, which must be rejected.
func invalidBlockVector(env *Env, x any) (*Vector, error) {
	in := x.(MutationInput)
	pre, _, bad, err := in.build(env)
	if err != nil {
		return nil, err
	}
	cfg := in.State.Config.mustConfig()
	v := &Vector{Config: cfg, Pre: pre, Blocks: []*spec.SignedBeaconBlock{bad}, BLSSetting: 1}
	m := spec.NewModel(cfg)
	post := pre.Copy()
	if err := m.StateTransition(post, bad, true); err == nil {
		v.Post = post
	}
	return v, nil
}
