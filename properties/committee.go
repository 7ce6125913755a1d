package properties

import (
	"fmt"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/beaconcheck/beaconcheck/bounds"
	"github.com/beaconcheck/beaconcheck/spec"
)

// The committee-size bound at the level of the spec's arithmetic: get_beacon_committee
// takes the committee at (slot, index) of V active validators to be the shuffled indices
// [start, end) of compute_committee, and get_attesting_indices reads one bit per member
// from a Bitlist[MAX_VALIDATORS_PER_COMMITTEE]. The property says end - start never exceeds
// MAX_VALIDATORS_PER_COMMITTEE. It is false on the spec as written (more than
// MAX_VALIDATORS_PER_COMMITTEE * SLOTS_PER_EPOCH * MAX_COMMITTEES_PER_SLOT active
// validators make some committees longer), and true, with the upper-bound fix, for every V
// up to the cap.

// CommitteeInput is one committee of the spec's arithmetic: V active validators under a
// config, and a slot and committee index valid for V (Index below
// get_committee_count_per_slot).
type CommitteeInput struct {
	Config ConfigRecipe
	V      uint64
	Slot   spec.Slot
	Index  spec.CommitteeIndex
}

func (in CommitteeInput) String() string {
	cfg := in.Config.mustConfig()
	n, _ := CommitteeLen(cfg, in.V, in.Slot, in.Index)
	return fmt.Sprintf("%s: V = %s active validators, slot %d (slot %% SLOTS_PER_EPOCH = %d), committee index %d of %d: %d members",
		in.Config, commas(in.V), in.Slot, uint64(in.Slot)%cfg.SlotsPerEpoch, in.Index, cfg.CommitteeCountPerSlot(in.V), n)
}

// CommitteeLen is the length of the committee at (slot, index) for v active validators,
// computed with the spec's own expressions: get_committee_count_per_slot
// (Config.CommitteeCountPerSlot), get_beacon_committee's arguments to compute_committee
// (Config.BeaconCommitteeArgs) and compute_committee's range (spec.ComputeCommitteeRange).
func CommitteeLen(cfg *spec.Config, v uint64, slot spec.Slot, index spec.CommitteeIndex) (uint64, error) {
	cps := cfg.CommitteeCountPerSlot(v)
	idx, count, err := cfg.BeaconCommitteeArgs(slot, index, cps)
	if err != nil {
		return 0, err
	}
	start, end, err := spec.ComputeCommitteeRange(v, idx, count)
	if err != nil {
		return 0, err
	}
	return end - start, nil
}

// FirstOversized is the first committee of v active validators, in the order (slot %
// SLOTS_PER_EPOCH, index), that is longer than MAX_VALIDATORS_PER_COMMITTEE; ok is false
// when none is.
func FirstOversized(cfg *spec.Config, v uint64) (slot spec.Slot, index spec.CommitteeIndex, ok bool) {
	r, err := bounds.FastAt(cfg, v)
	if err != nil || r.Violating == 0 {
		return 0, 0, false
	}
	cps := cfg.CommitteeCountPerSlot(v)
	for s := uint64(0); s < cfg.SlotsPerEpoch; s++ {
		for i := uint64(0); i < cps; i++ {
			if n, err := CommitteeLen(cfg, v, spec.Slot(s), spec.CommitteeIndex(i)); err == nil && n > cfg.MaxValidatorsPerCommittee {
				return spec.Slot(s), spec.CommitteeIndex(i), true
			}
		}
	}
	return 0, 0, false
}

// committeeInputs generates committees: a config from configs, V in [0, maxV(config)]
// biased towards the config's thresholds, a slot in the first 64 epochs and an index
// valid for V.
//
// Shrinking goes V first: each smaller V is paired with its first oversized committee
// (FirstOversized) when it has one, so a V stays a counterexample exactly when some
// committee of it is oversized, and V shrinks to the smallest such value whatever (slot,
// index) was drawn. Then the config shrinks towards its preset, then the slot and the
// index towards zero.
func committeeInputs(space ConfigSpace, maxV func(*spec.Config) uint64) gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		recipe := space.draw(p.Rng)
		cfg := recipe.mustConfig()
		v := drawCount(p.Rng, cfg, 0, maxV(cfg))
		in := CommitteeInput{Config: recipe, V: v}
		in.Slot = spec.Slot(between(p.Rng, 0, 64*cfg.SlotsPerEpoch-1))
		in.Index = spec.CommitteeIndex(between(p.Rng, 0, cfg.CommitteeCountPerSlot(v)-1))
		return gopter.NewGenResult(in, candidates(func(in CommitteeInput) []CommitteeInput {
			return in.simpler(space, maxV)
		}))
	}
}

// at is the input for v under the same config: the first oversized committee of v if it
// has one, otherwise the same slot and the index clamped to v's committees.
func (in CommitteeInput) at(recipe ConfigRecipe, v uint64) CommitteeInput {
	cfg := recipe.mustConfig()
	out := CommitteeInput{Config: recipe, V: v, Slot: in.Slot, Index: in.Index}
	if s, i, ok := FirstOversized(cfg, v); ok {
		out.Slot, out.Index = s, i
		return out
	}
	out.Index = min(out.Index, spec.CommitteeIndex(cfg.CommitteeCountPerSlot(v)-1))
	return out
}

func (in CommitteeInput) simpler(space ConfigSpace, maxV func(*spec.Config) uint64) []CommitteeInput {
	var out []CommitteeInput
	for _, v := range towards(in.V, 0) {
		out = append(out, in.at(in.Config, v))
	}
	for _, c := range space.simpler(in.Config) {
		out = append(out, in.at(c, min(in.V, maxV(c.mustConfig()))))
	}
	for _, s := range towards(uint64(in.Slot), 0) {
		c := in
		c.Slot = spec.Slot(s)
		out = append(out, c)
	}
	for _, i := range towards(uint64(in.Index), 0) {
		c := in
		c.Index = spec.CommitteeIndex(i)
		out = append(out, c)
	}
	return out
}

// committeeFits is the property's check: "" when the committee has at most
// MAX_VALIDATORS_PER_COMMITTEE members, the reason otherwise.
func committeeFits(in CommitteeInput) (string, error) {
	cfg, err := in.Config.Config()
	if err != nil {
		return "", err
	}
	n, err := CommitteeLen(cfg, in.V, in.Slot, in.Index)
	if err != nil {
		return "", err
	}
	if n > cfg.MaxValidatorsPerCommittee {
		return fmt.Sprintf("committee of %d members, MAX_VALIDATORS_PER_COMMITTEE is %d: get_attesting_indices would read bit %d of a Bitlist[%d]",
			n, cfg.MaxValidatorsPerCommittee, cfg.MaxValidatorsPerCommittee, cfg.MaxValidatorsPerCommittee), nil
	}
	return "", nil
}

// registryLimitV is the largest V the spec's arithmetic is evaluated at: every validator
// the registry can hold (bounds.MaxV).
func registryLimitV(cfg *spec.Config) uint64 { return bounds.MaxV(cfg) }

// capV is the largest V the upper-bound fix lets be active.
func capV(cfg *spec.Config) uint64 { return min(cfg.ActiveValidatorCap(), bounds.MaxV(cfg)) }

// committeeBoundArith: the bug, at the level of the arithmetic.
func committeeBoundArith(env *Env) gopter.Prop {
	return prop.ForAll(committeeFits, committeeInputs(env.space(ConfigSpace{Presets: []string{"mainnet"}}), registryLimitV))
}

// fixCommitteeBoundArith: with the fix, every committee of every V up to the cap fits, for
// every config where the fix suffices.
func fixCommitteeBoundArith(env *Env) gopter.Prop {
	space := ConfigSpace{Presets: []string{"mainnet", "minimal"}, Variants: true, FixSufficient: true}
	return prop.ForAll(committeeFits, committeeInputs(env.space(space), capV))
}

// fixCommitteeBoundAnyConfig: the same over every config, including those where committees
// below the cap already outgrow the bitlist.
func fixCommitteeBoundAnyConfig(env *Env) gopter.Prop {
	space := ConfigSpace{Variants: true}
	return prop.ForAll(committeeFits, committeeInputs(env.space(space), capV))
}

// commas writes n with thousands separators.
func commas(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
