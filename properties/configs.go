package properties

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"

	"github.com/leanovate/gopter"

	"github.com/beaconcheck/beaconcheck/spec"
)

// ConfigRecipe is a configuration: an embedded preset and the few values, all of them
// about committees and the churn, that a custom variant changes. A zero field keeps the
// preset's value, so a recipe shrinks towards its preset by zeroing fields.
type ConfigRecipe struct {
	Preset                    string // "mainnet" or "minimal"
	MaxValidatorsPerCommittee uint64 // MAX_VALIDATORS_PER_COMMITTEE
	TargetCommitteeSize       uint64 // TARGET_COMMITTEE_SIZE
	MaxCommitteesPerSlot      uint64 // MAX_COMMITTEES_PER_SLOT
	SlotsPerEpoch             uint64 // SLOTS_PER_EPOCH
	MinPerEpochChurnLimit     uint64 // MIN_PER_EPOCH_CHURN_LIMIT
	ShuffleRoundCount         uint64 // SHUFFLE_ROUND_COUNT
}

// Preset is the recipe of an embedded preset, unchanged.
func Preset(name string) ConfigRecipe { return ConfigRecipe{Preset: name} }

// SmallCap is the custom config the state-level fix properties use by default: minimal
// with MAX_VALIDATORS_PER_COMMITTEE = 4, so the cap of the upper-bound fix is
// 4 * 8 * 4 = 128 validators and reachable in a few epochs of a small chain.
// TARGET_COMMITTEE_SIZE is lowered to 2 with it: with minimal's 4, committees of up to
// 2 * 4 - 1 = 7 members form below the cap already (at 33 active validators, one committee
// per slot of 5), which no cap on the active set can prevent. See FixSuffices.
var SmallCap = ConfigRecipe{Preset: "minimal", MaxValidatorsPerCommittee: 4, TargetCommitteeSize: 2}

// field is one changeable value of a recipe: its YAML key, a short name for config names,
// and where it lives in the recipe and in the config.
type field struct {
	key, short string
	recipe     func(r *ConfigRecipe) *uint64
	config     func(c *spec.Config) *uint64
}

var recipeFields = []field{
	{"MAX_VALIDATORS_PER_COMMITTEE", "m", func(r *ConfigRecipe) *uint64 { return &r.MaxValidatorsPerCommittee }, func(c *spec.Config) *uint64 { return &c.MaxValidatorsPerCommittee }},
	{"TARGET_COMMITTEE_SIZE", "t", func(r *ConfigRecipe) *uint64 { return &r.TargetCommitteeSize }, func(c *spec.Config) *uint64 { return &c.TargetCommitteeSize }},
	{"MAX_COMMITTEES_PER_SLOT", "c", func(r *ConfigRecipe) *uint64 { return &r.MaxCommitteesPerSlot }, func(c *spec.Config) *uint64 { return &c.MaxCommitteesPerSlot }},
	{"SLOTS_PER_EPOCH", "s", func(r *ConfigRecipe) *uint64 { return &r.SlotsPerEpoch }, func(c *spec.Config) *uint64 { return &c.SlotsPerEpoch }},
	{"MIN_PER_EPOCH_CHURN_LIMIT", "churn", func(r *ConfigRecipe) *uint64 { return &r.MinPerEpochChurnLimit }, func(c *spec.Config) *uint64 { return &c.MinPerEpochChurnLimit }},
	{"SHUFFLE_ROUND_COUNT", "rounds", func(r *ConfigRecipe) *uint64 { return &r.ShuffleRoundCount }, func(c *spec.Config) *uint64 { return &c.ShuffleRoundCount }},
}

// Custom says whether the recipe changes anything of its preset.
func (r ConfigRecipe) Custom() bool {
	for _, f := range recipeFields {
		if *f.recipe(&r) != 0 {
			return true
		}
	}
	return false
}

// String is the preset's name, then the changed values: "minimal{MAX_VALIDATORS_PER_COMMITTEE: 4}".
func (r ConfigRecipe) String() string {
	var changed []string
	for _, f := range recipeFields {
		if v := *f.recipe(&r); v != 0 {
			changed = append(changed, fmt.Sprintf("%s: %d", f.key, v))
		}
	}
	if len(changed) == 0 {
		return r.Preset
	}
	return r.Preset + "{" + strings.Join(changed, ", ") + "}"
}

// Name is the config's CONFIG_NAME: the preset's name, or for a variant the preset's name
// and its changes in short form ("minimal-m4-t2"), usable as a directory name.
func (r ConfigRecipe) Name() string {
	name := r.Preset
	for _, f := range recipeFields {
		if v := *f.recipe(&r); v != 0 {
			name += fmt.Sprintf("-%s%d", f.short, v)
		}
	}
	return name
}

var configCache sync.Map // recipe name -> *spec.Config

// bases are configs loaded from files, usable as the Preset of recipes (RegisterBase).
var bases sync.Map // name -> *spec.Config

// RegisterBase makes cfg usable under name wherever an embedded preset's name is: as the
// Preset of a recipe and as Env.Preset (props --config). name must not be a preset's.
func RegisterBase(name string, cfg *spec.Config) {
	c := *cfg
	c.ConfigName = name
	bases.Store(name, &c)
}

// baseConfig is a copy of the embedded preset or registered base called name.
func baseConfig(name string) (*spec.Config, error) {
	if c, ok := bases.Load(name); ok {
		cp := *c.(*spec.Config)
		return &cp, nil
	}
	return spec.Preset(name)
}

// Config returns the recipe's config, validated; the same recipe always gives the same
// *spec.Config, which callers must not modify.
func (r ConfigRecipe) Config() (*spec.Config, error) {
	if c, ok := configCache.Load(r.Name()); ok {
		return c.(*spec.Config), nil
	}
	c, err := baseConfig(r.Preset)
	if err != nil {
		return nil, err
	}
	for _, f := range recipeFields {
		if v := *f.recipe(&r); v != 0 {
			*f.config(c) = v
		}
	}
	c.ConfigName = r.Name()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", r, err)
	}
	actual, _ := configCache.LoadOrStore(r.Name(), c)
	return actual.(*spec.Config), nil
}

// mustConfig is Config for recipes the generators made, which are valid by construction.
func (r ConfigRecipe) mustConfig() *spec.Config {
	c, err := r.Config()
	if err != nil {
		panic(err)
	}
	return c
}

// FixSuffices says whether the upper-bound fix keeps every committee of the config within
// MAX_VALIDATORS_PER_COMMITTEE: the cap bounds the committees once get_committee_count_per_slot
// is at MAX_COMMITTEES_PER_SLOT, and below that a committee has fewer than
// 2 * TARGET_COMMITTEE_SIZE members (with c = V // SLOTS_PER_EPOCH // TARGET_COMMITTEE_SIZE
// committees per slot, V < (c + 1) * SLOTS_PER_EPOCH * TARGET_COMMITTEE_SIZE, so a committee
// has at most ceil(V / (c * SLOTS_PER_EPOCH)) <= 2 * TARGET_COMMITTEE_SIZE members). So it
// suffices that 2 * TARGET_COMMITTEE_SIZE <= MAX_VALIDATORS_PER_COMMITTEE, or that there is
// only ever one committee per slot. Both presets satisfy it; minimal with
// MAX_VALIDATORS_PER_COMMITTEE = 4 and its TARGET_COMMITTEE_SIZE of 4 does not.
func FixSuffices(cfg *spec.Config) bool {
	return cfg.MaxCommitteesPerSlot == 1 || 2*cfg.TargetCommitteeSize <= cfg.MaxValidatorsPerCommittee
}

// simpler lists the recipes one step closer to the preset: each changed value back to the
// preset's, then halfway there.
func (r ConfigRecipe) simpler() []ConfigRecipe {
	var out []ConfigRecipe
	base, err := Preset(r.Preset).Config()
	if err != nil {
		return nil
	}
	for _, f := range recipeFields {
		v := *f.recipe(&r)
		if v == 0 {
			continue
		}
		c := r
		*f.recipe(&c) = 0
		out = append(out, c)
		if p := *f.config(base); v != p {
			// halfway to the preset's value, kept a power of two where the key needs one
			mid := (v + p) / 2
			if f.key == "MAX_VALIDATORS_PER_COMMITTEE" || f.key == "SLOTS_PER_EPOCH" {
				mid = powerOfTwoBetween(v, p)
			}
			if mid != v && mid != p && mid != 0 {
				c := r
				*f.recipe(&c) = mid
				out = append(out, c)
			}
		}
	}
	valid := out[:0]
	for _, c := range out {
		if _, err := c.Config(); err == nil {
			valid = append(valid, c)
		}
	}
	return valid
}

// powerOfTwoBetween is the next power of two from a towards b (a and b powers of two).
func powerOfTwoBetween(a, b uint64) uint64 {
	if a < b {
		return a * 2
	}
	return a / 2
}

// ConfigSpace says which configs a config generator draws.
type ConfigSpace struct {
	// Presets and Recipes are drawn as they are; Variants are custom variants of minimal,
	// drawn as often as those together.
	Presets  []string
	Recipes  []ConfigRecipe
	Variants bool
	// FixSufficient restricts the variants to configs where the upper-bound fix suffices
	// (FixSuffices), SmallCap to variants whose cap is at most 512 validators, for states
	// that reach it cheaply.
	FixSufficient, SmallCap bool
	// LargeBitlist keeps the variants' MAX_VALIDATORS_PER_COMMITTEE at the preset's, so that
	// small states stay far from the committee-size bug.
	LargeBitlist bool
	// VariantBase is the preset the variants start from; "" means minimal.
	VariantBase string
}

// Configs generates config recipes from space, shrinking within it.
func Configs(space ConfigSpace) gopter.Gen {
	return generator(space.draw, space.simpler)
}

// allows says whether the space holds the recipe: shrinking must not leave the space a
// property quantifies over.
func (s ConfigSpace) allows(c ConfigRecipe) bool {
	for _, p := range s.Presets {
		if c == Preset(p) {
			return true
		}
	}
	for _, r := range s.Recipes {
		if c == r {
			return true
		}
	}
	base := s.VariantBase
	if base == "" {
		base = "minimal"
	}
	if !s.Variants || c.Preset != base {
		return false
	}
	cfg, err := c.Config()
	if err != nil {
		return false
	}
	return (!s.FixSufficient || FixSuffices(cfg)) && (!s.SmallCap || cfg.ActiveValidatorCap() <= 512) &&
		(!s.LargeBitlist || c.MaxValidatorsPerCommittee == 0)
}

// simpler lists the recipes of the space one step closer to the preset.
func (s ConfigSpace) simpler(c ConfigRecipe) []ConfigRecipe {
	var out []ConfigRecipe
	for _, d := range c.simpler() {
		if s.allows(d) {
			out = append(out, d)
		}
	}
	return out
}

func (s ConfigSpace) draw(r *rand.Rand) ConfigRecipe {
	fixed := s.Recipes
	for _, p := range s.Presets {
		fixed = append(fixed, Preset(p))
	}
	if len(fixed) > 0 && (!s.Variants || r.Intn(2) == 0) {
		return pick(r, fixed...)
	}
	for {
		base := s.VariantBase
		if base == "" {
			base = "minimal"
		}
		c := ConfigRecipe{
			Preset:                    base,
			MaxValidatorsPerCommittee: pick[uint64](r, 2, 4, 8, 16, 2048),
			TargetCommitteeSize:       pick[uint64](r, 1, 2, 3, 4, 8),
			MaxCommitteesPerSlot:      pick[uint64](r, 1, 2, 4, 8),
			SlotsPerEpoch:             pick[uint64](r, 4, 8, 16),
		}
		if s.SmallCap {
			c.MaxValidatorsPerCommittee = pick[uint64](r, 2, 4, 8)
			c.MinPerEpochChurnLimit = pick[uint64](r, 0, 8, 16)
		}
		if s.LargeBitlist {
			c.MaxValidatorsPerCommittee = 0
		}
		c = c.normalized()
		cfg, err := c.Config()
		if err != nil {
			continue
		}
		if s.FixSufficient && !FixSuffices(cfg) {
			continue
		}
		if s.SmallCap && cfg.ActiveValidatorCap() > 512 {
			continue
		}
		return c
	}
}

// normalized zeroes the fields equal to the preset's, so that equal configs have equal
// recipes.
func (r ConfigRecipe) normalized() ConfigRecipe {
	base, err := Preset(r.Preset).Config()
	if err != nil {
		return r
	}
	for _, f := range recipeFields {
		if *f.recipe(&r) == *f.config(base) {
			*f.recipe(&r) = 0
		}
	}
	return r
}
