package properties

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"sync"

	"github.com/leanovate/gopter"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// StateRecipe is a valid BeaconState, described by how it is made:
//
//   - the base: interop.Genesis of Validators validators (slot 0, deposits processed by
//     the model, real keys), or interop.LargeState / interop.KeyedState (Keyed) of that
//     many at a slot one past the start of epoch SHARD_COMMITTEE_PERIOD + 2, so every
//     validator has been active long enough to exit; LargeState builds millions of
//     validators in seconds (more than 2**22 on mainnet is the committee-size bug's
//     ground), with made-up keys;
//   - Signed: blocks on the state carry real signatures and the model verifies them (only
//     with real keys: a genesis or Keyed); otherwise blocks carry none and verification
//     is off, which makes a chain some fifty times cheaper;
//   - Queue validators appended as if their deposits had been processed long ago: full
//     balance, eligible for activation, not yet activated (the activation queue, which
//     pushes the active count towards the fix's cap);
//   - Slashed validators marked as slashed EPOCHS_PER_SLASHINGS_VECTOR / 2 epochs ago (as
//     slash_validator leaves them, their effective balance in state.slashings), so the
//     coming epoch end applies their slashings penalty (only once the base's epoch is at
//     least EPOCHS_PER_SLASHINGS_VECTOR / 2, which excludes mainnet);
//   - then Warmup slots of honest blocks (Participation percent of each committee
//     attesting), built and processed by the state transition under test.
type StateRecipe struct {
	Config        ConfigRecipe
	Validators    uint64
	Genesis       bool
	Keyed         bool
	Signed        bool
	Queue         uint64
	Slashed       uint64
	Warmup        uint64
	Participation uint8
}

func (r StateRecipe) String() string {
	var b strings.Builder
	base := "LargeState"
	switch {
	case r.Genesis:
		base = "Genesis"
	case r.Keyed:
		base = "KeyedState"
	}
	fmt.Fprintf(&b, "%s of %s, %s", base, count(r.Validators, "validator"), r.Config)
	if r.signed() {
		b.WriteString(", signed blocks")
	}
	if r.Queue > 0 {
		fmt.Fprintf(&b, ", %d queued for activation", r.Queue)
	}
	if r.Slashed > 0 {
		fmt.Fprintf(&b, ", %d slashed", r.Slashed)
	}
	if r.Warmup > 0 {
		fmt.Fprintf(&b, ", then %s of blocks with %d%% participation", count(r.Warmup, "slot"), r.Participation)
	}
	return b.String()
}

// keyed says whether the state's validators have real interop keys.
func (r StateRecipe) keyed() bool { return r.Genesis || r.Keyed }

// signed says whether blocks on the state carry real signatures, verified.
func (r StateRecipe) signed() bool { return r.Signed && r.keyed() }

// baseSlot is the slot of a LargeState or KeyedState base.
func baseSlot(cfg *spec.Config) spec.Slot {
	return spec.Slot((cfg.ShardCommitteePeriod+2)*cfg.SlotsPerEpoch + 1)
}

// keyPool is the interop keys every recipe draws from: keys 0 .. keyPoolSize-1, derived
// once and never changed after (interop.Keys may not grow while others read it), so
// properties can run in parallel.
var keyPool = sync.OnceValue(func() *interop.Keys { return interop.NewKeys(keyPoolSize) })

const keyPoolSize = 2048

// keysUpTo returns interop keys holding at least 0 .. n-1: the pool, or for more a set of
// their own (cached; never changed after).
func keysUpTo(n uint64) *interop.Keys {
	if n <= keyPoolSize {
		return keyPool()
	}
	return keysExactly(n)
}

// baseCache holds recently made bases (before the warmup), by recipe, small ones only.
var baseCache = struct {
	sync.Mutex
	m map[StateRecipe]*spec.BeaconState
}{m: map[StateRecipe]*spec.BeaconState{}}

const cachedValidatorsMax = 1 << 16

// base makes the state of the recipe without its warmup.
func (r StateRecipe) baseState() (*spec.BeaconState, error) {
	key := r
	key.Warmup, key.Participation, key.Signed = 0, 0, false
	if r.Validators+r.Queue <= cachedValidatorsMax {
		baseCache.Lock()
		s, ok := baseCache.m[key]
		baseCache.Unlock()
		if ok {
			return s.Copy(), nil
		}
	}
	cfg, err := r.Config.Config()
	if err != nil {
		return nil, err
	}
	var state *spec.BeaconState
	switch {
	case r.Genesis:
		log := interop.NewDepositLog(cfg)
		amounts := make([]spec.Gwei, r.Validators)
		for i := range amounts {
			amounts[i] = cfg.MaxEffectiveBalance
		}
		if err := log.AppendKeys(keysUpTo(r.Validators), 0, amounts); err != nil {
			return nil, err
		}
		state, err = interop.GenesisFrom(cfg, log)
	case r.Keyed:
		state, err = interop.KeyedState(cfg, keysExactly(r.Validators), baseSlot(cfg))
	default:
		state, err = interop.LargeState(cfg, r.Validators, baseSlot(cfg))
	}
	if err != nil {
		return nil, err
	}
	r.addQueue(cfg, state)
	r.addSlashed(cfg, state)
	if r.Validators+r.Queue <= cachedValidatorsMax {
		baseCache.Lock()
		if len(baseCache.m) > 256 {
			clear(baseCache.m)
		}
		baseCache.m[key] = state.Copy()
		baseCache.Unlock()
	}
	return state, nil
}

// keysExactly returns interop keys 0 .. n-1 and no more (KeyedState makes one validator
// per key held), cached; never changed after.
func keysExactly(n uint64) *interop.Keys {
	if n == keyPoolSize {
		return keyPool()
	}
	exactKeys.Lock()
	defer exactKeys.Unlock()
	if k, ok := exactKeys.m[n]; ok {
		return k
	}
	k := interop.NewKeys(n)
	if len(exactKeys.m) > 64 {
		clear(exactKeys.m)
	}
	exactKeys.m[n] = k
	return k
}

var exactKeys = struct {
	sync.Mutex
	m map[uint64]*interop.Keys
}{m: map[uint64]*interop.Keys{}}

// pubkeyOf is the public key of the recipe's validator (or queued validator, or later
// depositor) number i: the interop key when the state has real keys, a made-up one
// otherwise.
func (r StateRecipe) pubkeyOf(i uint64) spec.BLSPubkey {
	if r.keyed() {
		return keysUpTo(i + 1).Pubkey(i)
	}
	return interop.FakePubkey(i)
}

// addQueue appends the activation queue: validators deposited and queued, eligible since
// the finalized epoch, not yet activated.
func (r StateRecipe) addQueue(cfg *spec.Config, state *spec.BeaconState) {
	for k := uint64(0); k < r.Queue; k++ {
		pk := r.pubkeyOf(uint64(len(state.Validators)))
		state.Validators = append(state.Validators, spec.Validator{
			Pubkey:                     pk,
			WithdrawalCredentials:      interop.WithdrawalCredentials(cfg, pk),
			EffectiveBalance:           cfg.MaxEffectiveBalance,
			ActivationEligibilityEpoch: state.FinalizedCheckpoint.Epoch,
			ActivationEpoch:            spec.FarFutureEpoch,
			ExitEpoch:                  spec.FarFutureEpoch,
			WithdrawableEpoch:          spec.FarFutureEpoch,
		})
		state.Balances = append(state.Balances, cfg.MaxEffectiveBalance)
		state.Eth1DepositIndex++
		state.Eth1Data.DepositCount++
	}
}

// addSlashed marks validators as slashed at epoch current - EPOCHS_PER_SLASHINGS_VECTOR / 2,
// spread over the registry, as slash_validator would have left them then (their exit
// long initiated, the slashing penalty of 1/MIN_SLASHING_PENALTY_QUOTIENT taken).
func (r StateRecipe) addSlashed(cfg *spec.Config, state *spec.BeaconState) {
	current := uint64(state.Slot) / cfg.SlotsPerEpoch
	half := cfg.EpochsPerSlashingsVector / 2
	if current < half || r.Slashed == 0 || r.Validators == 0 {
		return
	}
	at := current - half
	for k := uint64(0); k < r.Slashed && k < r.Validators; k++ {
		i := (k * 7919) % r.Validators
		v := &state.Validators[i]
		if v.Slashed {
			continue
		}
		v.Slashed = true
		v.ExitEpoch = spec.Epoch(at + 1 + cfg.MaxSeedLookahead)
		v.WithdrawableEpoch = spec.Epoch(at + cfg.EpochsPerSlashingsVector)
		state.Slashings[at%cfg.EpochsPerSlashingsVector] += v.EffectiveBalance
		state.Balances[i] -= v.EffectiveBalance / spec.Gwei(cfg.MinSlashingPenaltyQuotient)
	}
}

// build makes the recipe's state, the warmup processed by tr.
func (r StateRecipe) build(env *Env, tr transition) (*spec.BeaconState, error) {
	state, err := r.baseState()
	if err != nil {
		return nil, err
	}
	if r.Warmup == 0 {
		return state, nil
	}
	c := ChainRecipe{State: r}
	steps := make([]Step, r.Warmup)
	for i := range steps {
		steps[i] = Step{Participation: r.Participation}
	}
	c.Steps = steps
	b, err := c.builder(env, tr, state)
	if err != nil {
		return nil, err
	}
	if err := b.run(nil); err != nil {
		return nil, err
	}
	return b.state, nil
}

// StateSpace says which states a state generator draws.
type StateSpace struct {
	Configs ConfigSpace
	// MinValidators, MaxValidators bound the base's validators; the count is drawn biased
	// towards the config's thresholds (drawCount). WithinCap keeps it at most the fix's cap;
	// NearCap draws it within two epochs' activations (2 * MIN_PER_EPOCH_CHURN_LIMIT) below
	// the cap, or at it.
	MinValidators, MaxValidators uint64
	WithinCap, NearCap           bool
	// MaxQueue, MaxSlashed, MaxWarmup bound the queue, the slashed validators and the
	// warmup slots (in epochs for MaxWarmup).
	MaxQueue, MaxSlashed, MaxWarmupEpochs uint64
	// Bases: which bases may be drawn ("genesis", "large", "keyed"); empty means all three
	// (genesis only for up to 256 validators, keyed for up to 1024). Signed asks for
	// signed blocks on the bases with keys.
	Bases  []string
	Signed bool
}

// validatorRange is the range of the base's validators under cfg.
func (s StateSpace) validatorRange(cfg *spec.Config) (lo, hi uint64) {
	lo, hi = max(s.MinValidators, 1), max(s.MaxValidators, 1)
	if s.WithinCap || s.NearCap {
		hi = min(hi, cfg.ActiveValidatorCap())
	}
	return min(lo, hi), hi
}

func (s StateSpace) draw(r *rand.Rand) StateRecipe {
	recipe := s.Configs.draw(r)
	cfg := recipe.mustConfig()
	out := StateRecipe{Config: recipe}
	lo, hi := s.validatorRange(cfg)
	if s.NearCap {
		c := cfg.ActiveValidatorCap()
		out.Validators = between(r, max(lo, c-min(c, 2*cfg.MinPerEpochChurnLimit)), hi)
	} else {
		out.Validators = drawCount(r, cfg, lo, hi)
	}
	bases := s.Bases
	if len(bases) == 0 {
		bases = []string{"genesis", "large", "keyed"}
	}
	switch pick(r, bases...) {
	case "genesis":
		if out.Validators <= 256 {
			out.Genesis = true
		}
	case "keyed":
		if out.Validators <= 1024 {
			out.Keyed = true
		}
	}
	out.Signed = s.Signed && out.keyed()
	if s.MaxQueue > 0 {
		out.Queue = between(r, 0, s.MaxQueue)
	}
	if s.MaxSlashed > 0 && r.Intn(2) == 0 {
		out.Slashed = between(r, 1, s.MaxSlashed)
	}
	if s.MaxWarmupEpochs > 0 && recipe.Preset == "minimal" { // mainnet slots cost 25 times more

		out.Warmup = between(r, 0, s.MaxWarmupEpochs*cfg.SlotsPerEpoch)
		out.Participation = pick[uint8](r, 0, 50, 75, 100, 100)
	}
	return out
}

// allows says whether the space holds the recipe.
func (s StateSpace) allows(r StateRecipe) bool {
	if !s.Configs.allows(r.Config) {
		return false
	}
	lo, hi := s.validatorRange(r.Config.mustConfig())
	return r.Validators >= lo && r.Validators <= hi && (!r.Genesis || r.Validators <= 256) && (!r.Keyed || r.Validators <= 1024) &&
		(len(s.Bases) == 0 || slices.Contains(s.Bases, r.base())) && r.Signed == (s.Signed && r.keyed())
}

// base names the recipe's base as StateSpace.Bases does.
func (r StateRecipe) base() string {
	switch {
	case r.Genesis:
		return "genesis"
	case r.Keyed:
		return "keyed"
	}
	return "large"
}

// simpler lists the simpler states of the space.
func (s StateSpace) simpler(r StateRecipe) []StateRecipe {
	var out []StateRecipe
	lo, _ := s.validatorRange(r.Config.mustConfig())
	for _, c := range r.simpler(lo, s.Configs) {
		if s.allows(c) {
			out = append(out, c)
		}
	}
	return out
}

// simpler lists the simpler states: no warmup or a shorter one, fewer validators (towards
// lo), a shorter queue, fewer slashed, LargeState rather than a genesis or keys, then a
// simpler config.
func (r StateRecipe) simpler(lo uint64, configs ConfigSpace) []StateRecipe {
	var out []StateRecipe
	add := func(f func(c *StateRecipe)) {
		c := r
		f(&c)
		out = append(out, c)
	}
	for _, w := range towards(r.Warmup, 0) {
		add(func(c *StateRecipe) { c.Warmup = w })
	}
	if r.Participation != 0 && r.Participation != 100 {
		add(func(c *StateRecipe) { c.Participation = 100 })
	}
	for _, v := range towards(r.Validators, lo) {
		add(func(c *StateRecipe) { c.Validators = v })
	}
	for _, q := range towards(r.Queue, 0) {
		add(func(c *StateRecipe) { c.Queue = q })
	}
	for _, s := range towards(r.Slashed, 0) {
		add(func(c *StateRecipe) { c.Slashed = s })
	}
	if r.Signed {
		add(func(c *StateRecipe) { c.Signed = false })
	}
	if r.Genesis {
		add(func(c *StateRecipe) { c.Genesis, c.Keyed = false, true })
	}
	if r.Genesis || r.Keyed {
		add(func(c *StateRecipe) { c.Genesis, c.Keyed, c.Signed = false, false, false })
	}
	for _, cr := range configs.simpler(r.Config) {
		add(func(c *StateRecipe) {
			c.Config = cr
			_, hi := StateSpace{MaxValidators: c.Validators}.validatorRange(cr.mustConfig())
			c.Validators = min(c.Validators, hi)
		})
	}
	return out
}

// States generates state recipes from space, shrinking within it.
func States(space StateSpace) gopter.Gen {
	return generator(space.draw, space.simpler)
}

// SlotIndex picks a committee of a state: the previous epoch's (Previous) or the current
// one's, the slot within it and the committee index, as small numbers that At maps onto a
// committee valid for the state (a slot before the state's, an index below that epoch's
// committee count), so a pick shrinks towards the first committee of the epoch.
type SlotIndex struct {
	Previous    bool
	SlotInEpoch uint64
	Index       uint64
}

// At is the (slot, index) the pick names in state: the slot clamped below state.Slot (and
// to the previous epoch when the current one has no slot before it), the index taken
// modulo the epoch's committees per slot.
func (p SlotIndex) At(m *spec.Model, state *spec.BeaconState) (spec.Slot, spec.CommitteeIndex) {
	current := m.GetCurrentEpoch(state)
	epoch := current
	if p.Previous || uint64(state.Slot)%m.SlotsPerEpoch == 0 {
		epoch = m.GetPreviousEpoch(state)
	}
	slot := spec.Slot(uint64(epoch)*m.SlotsPerEpoch + p.SlotInEpoch%m.SlotsPerEpoch)
	if slot >= state.Slot {
		slot = state.Slot - 1
	}
	count := m.GetCommitteeCountPerSlot(state, m.ComputeEpochAtSlot(slot))
	return slot, spec.CommitteeIndex(p.Index % count)
}

// SlotIndices generates committee picks, shrinking towards the first committee.
func SlotIndices() gopter.Gen {
	return generator(func(r *rand.Rand) SlotIndex {
		return SlotIndex{Previous: r.Intn(2) == 0, SlotInEpoch: between(r, 0, 63), Index: between(r, 0, 63)}
	}, func(p SlotIndex) []SlotIndex {
		var out []SlotIndex
		if p.Previous {
			out = append(out, SlotIndex{false, p.SlotInEpoch, p.Index})
		}
		for _, s := range towards(p.SlotInEpoch, 0) {
			out = append(out, SlotIndex{p.Previous, s, p.Index})
		}
		for _, i := range towards(p.Index, 0) {
			out = append(out, SlotIndex{p.Previous, p.SlotInEpoch, i})
		}
		return out
	})
}
