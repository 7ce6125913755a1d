package properties

import (
	"errors"
	"fmt"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The upper-bound fix (spec.Model.CapActiveValidators) at the level of states and chains.
// Each property runs a generated chain on one Variant of the state transition and
// observes every transition; the registry runs the fix properties on WithFix, where they
// hold, and again on SpecAsWritten and OffByOne, where they must fail: a fix property
// that a broken fix passes would prove nothing.

// smallCapSpace is the configs of the state-level fix properties: SmallCap and custom
// variants of minimal with a cap of at most 512 validators where the fix suffices.
var smallCapSpace = ConfigSpace{Recipes: []ConfigRecipe{SmallCap}, Variants: true, SmallCap: true, FixSufficient: true}

// lookahead is the range of epochs whose active sets a state already determines: the
// current epoch to the activation epoch of a registry update now,
// current + 1 + MAX_SEED_LOOKAHEAD.
func lookahead(cfg *spec.Config, state *spec.BeaconState) (from, to spec.Epoch) {
	current := spec.Epoch(uint64(state.Slot) / cfg.SlotsPerEpoch)
	return current, current + 1 + spec.Epoch(cfg.MaxSeedLookahead)
}

// withinCap is the cap as an invariant: no epoch the state has determined has more than
// ActiveValidatorCap active validators.
func withinCap(cfg *spec.Config) observer {
	return func(_, after *spec.BeaconState, _ *spec.SignedBeaconBlock) string {
		from, to := lookahead(cfg, after)
		for e := from; e <= to; e++ {
			if n := uint64(activeAt(after, e)); n > cfg.ActiveValidatorCap() {
				return fmt.Sprintf("at slot %d, %d validators are active at epoch %d, above the cap of %d", after.Slot, n, e, cfg.ActiveValidatorCap())
			}
		}
		return ""
	}
}

// committeesFit says every committee the state determines fits in
// MAX_VALIDATORS_PER_COMMITTEE: for the current and next epochs, the committees
// spec.Model.GetBeaconCommittee forms from the state; for the epochs after, up to the
// activation epoch, the committee lengths of their active counts (the seeds are not known
// yet, the lengths are).
func committeesFit(cfg *spec.Config) observer {
	m := spec.NewModel(cfg)
	return func(_, after *spec.BeaconState, _ *spec.SignedBeaconBlock) string {
		m.ResetCaches()
		from, to := lookahead(cfg, after)
		for e := from; e <= to; e++ {
			v := uint64(activeAt(after, e))
			if s, i, ok := FirstOversized(cfg, v); ok {
				n, _ := CommitteeLen(cfg, v, s, i)
				return fmt.Sprintf("at slot %d, epoch %d has %d active validators: committee %d of slot %d %% SLOTS_PER_EPOCH has %d members, MAX_VALIDATORS_PER_COMMITTEE is %d",
					after.Slot, e, v, i, s, n, cfg.MaxValidatorsPerCommittee)
			}
			if e > from+1 {
				continue
			}
			start := spec.Slot(uint64(e) * cfg.SlotsPerEpoch)
			count := m.GetCommitteeCountPerSlot(after, e)
			for slot := start; slot < start+spec.Slot(cfg.SlotsPerEpoch); slot++ {
				for index := spec.CommitteeIndex(0); uint64(index) < count; index++ {
					committee, err := m.GetBeaconCommittee(after, slot, index)
					if err != nil {
						return fmt.Sprintf("at slot %d, get_beacon_committee(%d, %d): %v", after.Slot, slot, index, err)
					}
					if uint64(len(committee)) > cfg.MaxValidatorsPerCommittee {
						return fmt.Sprintf("at slot %d, the committee of slot %d, index %d has %d members, MAX_VALIDATORS_PER_COMMITTEE is %d",
							after.Slot, slot, index, len(committee), cfg.MaxValidatorsPerCommittee)
					}
				}
			}
		}
		return ""
	}
}

// both runs two observers; the first objection wins.
func both(a, b observer) observer {
	return func(before, after *spec.BeaconState, block *spec.SignedBeaconBlock) string {
		if r := a(before, after, block); r != "" {
			return r
		}
		return b(before, after, block)
	}
}

// chainHolds runs c on variant v, telling obs of every transition: "" when the chain
// runs to its end without objection. A block the transition rejects, or one that cannot
// be built (an honest attester whose committee outgrows the bitlist has no valid
// attestation), is a failure too: the chain is honest.
func chainHolds(env *Env, c ChainRecipe, v Variant, obs func(cfg *spec.Config) observer) (string, error) {
	cfg, err := c.State.Config.Config()
	if err != nil {
		return "", err
	}
	tr, _ := env.transitionOf(cfg, v, c.State.signed())
	_, err = c.build(env, tr, obs(cfg))
	var f *failure
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &f):
		return f.reason, nil
	}
	return "honest chain broke down: " + err.Error(), nil
}

// capChains are chains on small-cap configs starting within the cap, with an activation
// queue, deposits of new validators, exits and slashings.
func capChains(env *Env, nearCap bool) gopter.Gen {
	return Chains(ChainSpace{
		State: StateSpace{
			Configs:       env.space(smallCapSpace),
			MinValidators: 1, MaxValidators: 1 << 20, NearCap: nearCap, WithinCap: true,
			MaxQueue: 24, MaxWarmupEpochs: 1,
			Bases: []string{"large", "large", "genesis"},
		},
		MinEpochs: 1, MaxEpochs: 3,
		MaxDeposits: 20, MaxTopUps: 3,
		EmptyPercent: 15, Operations: true,
	})
}

// boundChains are chains on small-cap configs whose active count starts near the cap,
// with a queue that can reach it, and attestations from every committee.
func boundChains(env *Env) gopter.Gen {
	return Chains(ChainSpace{
		State: StateSpace{
			Configs:       env.space(smallCapSpace),
			MinValidators: 1, MaxValidators: 1 << 20, NearCap: true, WithinCap: true,
			MaxQueue: 24, Bases: []string{"large"},
		},
		MinEpochs: 1, MaxEpochs: 3,
		MaxDeposits: 8, EmptyPercent: 10,
	})
}

func capInvariant(v Variant) func(env *Env) gopter.Prop {
	return func(env *Env) gopter.Prop {
		return prop.ForAll(func(c ChainRecipe) (string, error) {
			return chainHolds(env, c, v, withinCap)
		}, capChains(env, true))
	}
}

func capInvariantVector(v Variant) func(env *Env, x any) (*Vector, error) {
	return func(env *Env, x any) (*Vector, error) {
		c := x.(ChainRecipe)
		return chainVector(env, c, v, withinCap(c.State.Config.mustConfig()))
	}
}

func committeeBoundChain(v Variant) func(env *Env) gopter.Prop {
	return func(env *Env) gopter.Prop {
		return prop.ForAll(func(c ChainRecipe) (string, error) {
			return chainHolds(env, c, v, func(cfg *spec.Config) observer { return both(committeesFit(cfg), withinCap(cfg)) })
		}, boundChains(env))
	}
}

func committeeBoundChainVector(v Variant) func(env *Env, x any) (*Vector, error) {
	return func(env *Env, x any) (*Vector, error) {
		c := x.(ChainRecipe)
		cfg := c.State.Config.mustConfig()
		return chainVector(env, c, v, both(committeesFit(cfg), withinCap(cfg)))
	}
}

// conservative: until the spec as written has more validators active at some epoch than
// the cap (the cap binds), the fixed transition accepts the same blocks and reaches the
// same state roots. The chain is built on the spec as written; its blocks, whose state
// roots are the spec's, are replayed with the fix, each checked against its state root.
func conservative(env *Env) gopter.Prop {
	return prop.ForAll(func(c ChainRecipe) (string, error) {
		cfg, err := c.State.Config.Config()
		if err != nil {
			return "", err
		}
		plain, _ := env.transitionOf(cfg, SpecAsWritten, c.State.signed())
		fixed, _ := env.transitionOf(cfg, WithFix, c.State.signed())
		// Build on the spec as written until the cap binds (then the two may differ, and
		// the spec's chain soon cannot be built honestly: its committees outgrow the
		// bitlist); replay the blocks built with the fix.
		over := withinCap(cfg)
		b, err := c.build(env, plain, over)
		var f *failure
		if err != nil && !errors.As(err, &f) {
			return "", err
		}
		bound := f != nil
		if bound && len(b.blocks) > 0 && b.blocks[len(b.blocks)-1].Message.Slot == b.state.Slot {
			b.blocks = b.blocks[:len(b.blocks)-1] // the block whose transition the cap bound in
		}
		state := b.pre.Copy()
		for _, block := range b.blocks {
			if err := fixed.StateTransition(state, block, true); err != nil {
				return fmt.Sprintf("the fix rejects the block of slot %d, which the spec as written accepts and where the cap does not bind: %v", block.Message.Slot, err), nil
			}
		}
		if bound || state.Slot == b.state.Slot {
			return "", nil // each block's state root was checked: equal up to the cap
		}
		if err := fixed.ProcessSlots(state, b.state.Slot); err != nil {
			return fmt.Sprintf("the fix fails the empty slots after the last block: %v", err), nil
		}
		return sameRoot(cfg, state, b.state, "after the empty slots that end the chain")
	}, capChains(env, false))
}

func sameRoot(cfg *spec.Config, fixed, plain *spec.BeaconState, where string) (string, error) {
	a, err := spec.HashTreeRoot(cfg, fixed)
	if err != nil {
		return "", err
	}
	b, err := spec.HashTreeRoot(cfg, plain)
	if err != nil {
		return "", err
	}
	if a != b && fixed.Slot == plain.Slot {
		return fmt.Sprintf("%s (slot %d), the fix reaches state root %x, the spec as written %x, and the cap did not bind", where, plain.Slot, a, b), nil
	}
	return "", nil
}
