package properties

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"slices"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// Invariants of the state transition, over generated states and chains on the spec as
// written. The chains draw from configs whose bitlists are the preset's (so the
// committee-size bug stays out of reach at the sizes drawn), with deposits, top-ups, exits,
// slashings, empty slots and varying participation.

// invariantConfigs are minimal, mainnet (for states, not chains: a slot of mainnet costs
// some twenty-five times one of minimal, its history vectors being that much longer; run
// `beaconcheck props --preset mainnet` for mainnet chains), and variants of minimal that
// keep its MAX_VALIDATORS_PER_COMMITTEE.
func invariantConfigs(chains bool) ConfigSpace {
	if chains {
		return ConfigSpace{Presets: []string{"minimal"}, Variants: true, LargeBitlist: true}
	}
	return ConfigSpace{Presets: []string{"minimal", "minimal", "mainnet"}, Variants: true, LargeBitlist: true}
}

func invariantStates(env *Env, chains bool) StateSpace {
	return StateSpace{
		Configs:       env.space(invariantConfigs(chains)),
		MinValidators: 8, MaxValidators: 400,
		MaxQueue: 8, MaxSlashed: 4, MaxWarmupEpochs: 1,
	}
}

func invariantChains(env *Env) gopter.Gen {
	return Chains(ChainSpace{
		State:     invariantStates(env, true),
		MinEpochs: 1, MaxEpochs: 3,
		MaxDeposits: 20, MaxTopUps: 3,
		EmptyPercent: 15, Operations: true,
	})
}

// chainInvariant is a property that obs holds across every transition of every chain.
func chainInvariant(obs func(cfg *spec.Config) observer) func(env *Env) gopter.Prop {
	return func(env *Env) gopter.Prop {
		return prop.ForAll(func(c ChainRecipe) (string, error) {
			return chainHolds(env, c, SpecAsWritten, obs)
		}, invariantChains(env))
	}
}

func chainInvariantVector(obs func(cfg *spec.Config) observer) func(env *Env, x any) (*Vector, error) {
	return func(env *Env, x any) (*Vector, error) {
		c := x.(ChainRecipe)
		return chainVector(env, c, SpecAsWritten, obs(c.State.Config.mustConfig()))
	}
}

// slashedNeverReverts: a slashed validator stays slashed.
func slashedNeverReverts(*spec.Config) observer {
	return func(before, after *spec.BeaconState, _ *spec.SignedBeaconBlock) string {
		for i := range before.Validators {
			if before.Validators[i].Slashed && (i >= len(after.Validators) || !after.Validators[i].Slashed) {
				return fmt.Sprintf("validator %d was slashed at slot %d and is not at slot %d", i, before.Slot, after.Slot)
			}
		}
		return ""
	}
}

// exitEpochsStay: once set, an exit epoch never changes and a withdrawable epoch never
// decreases (slash_validator may only push it later).
func exitEpochsStay(*spec.Config) observer {
	return func(before, after *spec.BeaconState, _ *spec.SignedBeaconBlock) string {
		for i := range before.Validators {
			a, b := &before.Validators[i], &after.Validators[i]
			if a.ExitEpoch != spec.FarFutureEpoch && b.ExitEpoch != a.ExitEpoch {
				return fmt.Sprintf("validator %d: exit epoch %d at slot %d became %d at slot %d", i, a.ExitEpoch, before.Slot, b.ExitEpoch, after.Slot)
			}
			if a.WithdrawableEpoch != spec.FarFutureEpoch && b.WithdrawableEpoch < a.WithdrawableEpoch {
				return fmt.Sprintf("validator %d: withdrawable epoch %d at slot %d went back to %d at slot %d", i, a.WithdrawableEpoch, before.Slot, b.WithdrawableEpoch, after.Slot)
			}
		}
		return ""
	}
}

// finalityMonotone: the finalized epoch never decreases.
func finalityMonotone(*spec.Config) observer {
	return func(before, after *spec.BeaconState, _ *spec.SignedBeaconBlock) string {
		if after.FinalizedCheckpoint.Epoch < before.FinalizedCheckpoint.Epoch {
			return fmt.Sprintf("finalized epoch went back from %d (slot %d) to %d (slot %d)", before.FinalizedCheckpoint.Epoch, before.Slot, after.FinalizedCheckpoint.Epoch, after.Slot)
		}
		return ""
	}
}

// balancesOfBlock: across a block (from the state at its slot before it to the state after
// it) balances change only by the deposits it carries, the slashings it makes (each
// slashed validator loses effective_balance // MIN_SLASHING_PENALTY_QUOTIENT and the
// proposer, its whistleblower, gains effective_balance // WHISTLEBLOWER_REWARD_QUOTIENT),
// and only the balances of depositors, slashed validators and the proposer change.
func balancesOfBlock(cfg *spec.Config) observer {
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	return func(before, after *spec.BeaconState, block *spec.SignedBeaconBlock) string {
		if block == nil {
			return ""
		}
		at := before.Copy()
		if at.Slot < block.Message.Slot {
			if err := m.ProcessSlots(at, block.Message.Slot); err != nil {
				return fmt.Sprintf("replaying the slots before block %d: %v", block.Message.Slot, err)
			}
		}
		body := &block.Message.Body
		var want int64
		may := map[spec.ValidatorIndex]bool{block.Message.ProposerIndex: true}
		index := map[spec.BLSPubkey]spec.ValidatorIndex{}
		for i := range after.Validators {
			index[after.Validators[i].Pubkey] = spec.ValidatorIndex(i)
		}
		for _, d := range body.Deposits {
			want += int64(d.Data.Amount)
			if i, ok := index[d.Data.Pubkey]; ok {
				may[i] = true
			}
		}
		var slashed []spec.ValidatorIndex
		for i := range at.Validators {
			if !at.Validators[i].Slashed && after.Validators[i].Slashed {
				eff := at.Validators[i].EffectiveBalance
				want += int64(eff/spec.Gwei(cfg.WhistleblowerRewardQuotient)) - int64(eff/spec.Gwei(cfg.MinSlashingPenaltyQuotient))
				may[spec.ValidatorIndex(i)] = true
				slashed = append(slashed, spec.ValidatorIndex(i))
			}
		}
		var got int64
		for i := range after.Balances {
			var was spec.Gwei
			if i < len(at.Balances) {
				was = at.Balances[i]
			}
			got += int64(after.Balances[i]) - int64(was)
			if after.Balances[i] != was && !may[spec.ValidatorIndex(i)] {
				return fmt.Sprintf("block %d: balance of validator %d changed from %d to %d, neither a depositor, slashed, nor the proposer", block.Message.Slot, i, was, after.Balances[i])
			}
		}
		if got != want {
			return fmt.Sprintf("block %d: balances changed by %d Gwei in total; its %d deposits and the slashings of %v account for %d", block.Message.Slot, got, len(body.Deposits), slashed, want)
		}
		return ""
	}
}

// EpochInput is a state at the last slot of its epoch, about to be processed: a state
// recipe advanced by empty slots to its epoch's last slot, with the pending attestations of
// Participation percent of every committee of its previous and current epochs
// (interop.AddPendingAttestations; 255 keeps the chain's own), and its finalized checkpoint
// moved StaleFinality epochs back (an inactivity leak once that exceeds
// MIN_EPOCHS_TO_INACTIVITY_PENALTY).
type EpochInput struct {
	State         StateRecipe
	Participation uint8
	StaleFinality uint64
}

func (in EpochInput) String() string {
	s := in.State.String() + ", at the end of its epoch"
	if in.Participation != 255 {
		s += fmt.Sprintf(", pending attestations of %d%% of every committee", in.Participation)
	}
	if in.StaleFinality > 0 {
		s += fmt.Sprintf(", finality %d epochs stale", in.StaleFinality)
	}
	return s
}

// build makes the state.
func (in EpochInput) build(env *Env) (*spec.BeaconState, error) {
	cfg, err := in.State.Config.Config()
	if err != nil {
		return nil, err
	}
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	state, err := in.State.build(env, m)
	if err != nil {
		return nil, err
	}
	last := spec.Slot((uint64(state.Slot)/cfg.SlotsPerEpoch+1)*cfg.SlotsPerEpoch - 1)
	if state.Slot < last {
		if err := m.ProcessSlots(state, last); err != nil {
			return nil, err
		}
	}
	if in.Participation != 255 {
		if err := interop.AddPendingAttestations(m, state, float64(in.Participation)/100, uint64(state.Slot)); err != nil {
			return nil, err
		}
	}
	if in.StaleFinality > 0 {
		f := &state.FinalizedCheckpoint
		f.Epoch -= min(f.Epoch, spec.Epoch(in.StaleFinality))
	}
	return state, nil
}

func epochInputs(env *Env) gopter.Gen {
	space := invariantStates(env, false)
	space.MaxSlashed = 6
	return generator(func(r *rand.Rand) EpochInput {
		in := EpochInput{State: space.draw(r), Participation: pick[uint8](r, 255, 0, 50, 67, 75, 100)}
		if r.Intn(3) == 0 {
			in.StaleFinality = between(r, 1, 8)
		}
		return in
	}, func(in EpochInput) []EpochInput {
		var out []EpochInput
		for _, f := range towards(in.StaleFinality, 0) {
			out = append(out, EpochInput{in.State, in.Participation, f})
		}
		if in.Participation != 100 {
			out = append(out, EpochInput{in.State, 100, in.StaleFinality})
		}
		for _, s := range space.simpler(in.State) {
			out = append(out, EpochInput{s, in.Participation, in.StaleFinality})
		}
		return out
	})
}

// balancesOfEpoch: across an epoch transition every validator's balance moves exactly by
// its reward and penalty from get_attestation_deltas (taken on the state after
// process_justification_and_finalization, as process_rewards_and_penalties sees it) and
// its slashings penalty (process_slashings' formula), so the total moves by
// sum(rewards) - sum(penalties) - sum(slashings penalties) (decrease_balance floors at
// zero; the per-validator check accounts for it).
func balancesOfEpoch(env *Env) gopter.Prop {
	return prop.ForAll(func(in EpochInput) (string, error) {
		pre, err := in.build(env)
		if err != nil {
			return "", err
		}
		cfg := in.State.Config.mustConfig()
		m := spec.NewModel(cfg)
		m.VerifySignatures = false
		m.Checked = env.checks()
		current := m.GetCurrentEpoch(pre)
		n := len(pre.Validators)
		rewards, penalties := make([]spec.Gwei, n), make([]spec.Gwei, n)
		if current > spec.GenesisEpoch {
			justified := pre.Copy()
			if err := m.ProcessJustificationAndFinalization(justified); err != nil {
				return fmt.Sprintf("process_justification_and_finalization: %v", err), nil
			}
			d, err := m.GetAttestationDeltas(justified)
			if err != nil {
				return fmt.Sprintf("get_attestation_deltas: %v", err), nil
			}
			rewards, penalties = d.Rewards, d.Penalties
		}
		slashing, err := slashingsPenalties(m, pre)
		if err != nil {
			return fmt.Sprintf("slashings penalties: %v", err), nil
		}
		post := pre.Copy()
		if err := m.ProcessSlots(post, pre.Slot+1); err != nil {
			return fmt.Sprintf("the epoch transition fails: %v", err), nil
		}
		// Every Gwei: the total moves by the rewards, less the penalties and slashings
		// penalties, less what decrease_balance could not take (it floors at zero).
		var sumR, sumP, sumS, floored, delta int64
		for i := 0; i < n; i++ {
			want := pre.Balances[i] + rewards[i]
			floored += int64(penalties[i] - min(want, penalties[i]))
			want -= min(want, penalties[i])
			floored += int64(slashing[i] - min(want, slashing[i]))
			want -= min(want, slashing[i])
			if post.Balances[i] != want {
				return fmt.Sprintf("validator %d: balance %d became %d; reward %d, penalty %d, slashings penalty %d make %d",
					i, pre.Balances[i], post.Balances[i], rewards[i], penalties[i], slashing[i], want), nil
			}
			sumR, sumP, sumS = sumR+int64(rewards[i]), sumP+int64(penalties[i]), sumS+int64(slashing[i])
			delta += int64(post.Balances[i]) - int64(pre.Balances[i])
		}
		if delta != sumR-sumP-sumS+floored {
			return fmt.Sprintf("balances moved by %d Gwei; rewards %d - penalties %d - slashings penalties %d + %d not taken (balances at zero) is %d",
				delta, sumR, sumP, sumS, floored, sumR-sumP-sumS+floored), nil
		}
		return "", nil
	}, epochInputs(env))
}

// slashingsPenalties is what process_slashings takes from each validator at the end of
// state's epoch, by its formula: the validators slashed EPOCHS_PER_SLASHINGS_VECTOR / 2
// epochs before their withdrawable epoch pay effective_balance // increment *
// min(sum(slashings) * PROPORTIONAL_SLASHING_MULTIPLIER, total) // total * increment.
func slashingsPenalties(m *spec.Model, state *spec.BeaconState) ([]spec.Gwei, error) {
	out := make([]spec.Gwei, len(state.Validators))
	total, err := m.GetTotalActiveBalance(state)
	if err != nil {
		return nil, err
	}
	var sum uint64
	for _, s := range state.Slashings {
		sum += uint64(s)
	}
	adjusted := min(sum*m.ProportionalSlashingMultiplier, uint64(total))
	target := spec.Epoch(uint64(m.GetCurrentEpoch(state)) + m.EpochsPerSlashingsVector/2)
	inc := uint64(m.EffectiveBalanceIncrement)
	for i := range state.Validators {
		if v := &state.Validators[i]; v.Slashed && v.WithdrawableEpoch == target {
			out[i] = spec.Gwei(uint64(v.EffectiveBalance) / inc * adjusted / uint64(total) * inc)
		}
	}
	return out, nil
}

// ShuffleInput is a shuffle of n positions under a config (its SHUFFLE_ROUND_COUNT) with
// the seed sha256(Seed).
type ShuffleInput struct {
	Config ConfigRecipe
	N      uint64
	Seed   uint64
}

func (in ShuffleInput) String() string {
	return fmt.Sprintf("%s, %d positions, seed sha256(%d)", in.Config, in.N, in.Seed)
}

func (in ShuffleInput) seed() spec.Root {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], in.Seed)
	return sha256.Sum256(b[:])
}

// shufflePermutation: compute_shuffled_index over [0, n) is a permutation of [0, n), and the
// whole-list shuffle the committees read (ShuffleList) equals it position by position:
// ShuffleList(indices)[i] == indices[compute_shuffled_index(i, n, seed)].
func shufflePermutation(env *Env) gopter.Prop {
	configs := ConfigSpace{Presets: []string{"minimal", "mainnet"}, Variants: true}
	if env.Preset != "" {
		configs = ConfigSpace{Presets: []string{env.Preset}}
	}
	gen := generator(func(r *rand.Rand) ShuffleInput {
		c := configs.draw(r)
		if r.Intn(3) == 0 {
			c.ShuffleRoundCount = pick[uint64](r, 1, 2, 3, 17)
		}
		return ShuffleInput{Config: c.normalized(), N: pick(r, between(r, 0, 16), between(r, 0, 300), between(r, 250, 700)), Seed: r.Uint64()}
	}, func(in ShuffleInput) []ShuffleInput {
		var out []ShuffleInput
		for _, n := range towards(in.N, 0) {
			out = append(out, ShuffleInput{in.Config, n, in.Seed})
		}
		for _, s := range towards(in.Seed, 0) {
			out = append(out, ShuffleInput{in.Config, in.N, s})
		}
		if in.Config.ShuffleRoundCount != 0 {
			c := in.Config
			c.ShuffleRoundCount = 0
			out = append(out, ShuffleInput{c, in.N, in.Seed})
		}
		return out
	})
	return prop.ForAll(func(in ShuffleInput) (string, error) {
		cfg, err := in.Config.Config()
		if err != nil {
			return "", err
		}
		m := spec.NewModel(cfg)
		m.Checked = env.checks()
		seed := in.seed()
		seen := make([]bool, in.N)
		indices := make([]spec.ValidatorIndex, in.N)
		for i := range indices {
			indices[i] = spec.ValidatorIndex(3*i + 1) // not the positions themselves
		}
		whole := cfg.ShuffleList(indices, seed)
		for i := uint64(0); i < in.N; i++ {
			j, err := m.ComputeShuffledIndex(i, in.N, seed)
			if err != nil {
				return fmt.Sprintf("compute_shuffled_index(%d, %d): %v", i, in.N, err), nil
			}
			if j >= in.N || seen[j] {
				return fmt.Sprintf("compute_shuffled_index(%d, %d) = %d, out of range or taken twice: not a permutation", i, in.N, j), nil
			}
			seen[j] = true
			if whole[i] != indices[j] {
				return fmt.Sprintf("position %d: ShuffleList gives %d, compute_shuffled_index gives indices[%d] = %d", i, whole[i], j, indices[j]), nil
			}
		}
		return "", nil
	}, gen)
}

// committeesPartition: the committees of an epoch (every slot, every index below
// get_committee_count_per_slot) hold every validator active at the epoch exactly once and
// no other, for the previous, current and next epochs of the state; and a committee picked
// at random is the one compute_committee computes from the epoch's active indices, one
// compute_shuffled_index at a time (the plain path the cached whole-list shuffle stands in
// for).
func committeesPartition(env *Env) gopter.Prop {
	space := invariantStates(env, false)
	space.MaxValidators = 3000
	return prop.ForAll(func(r StateRecipe, pick SlotIndex) (string, error) {
		cfg := r.Config.mustConfig()
		m := spec.NewModel(cfg)
		m.VerifySignatures = false
		m.Checked = env.checks()
		state, err := r.build(env, m)
		if err != nil {
			return "", err
		}
		m.ResetCaches()
		current := m.GetCurrentEpoch(state)
		for _, e := range []spec.Epoch{m.GetPreviousEpoch(state), current, current + 1} {
			active := m.GetActiveValidatorIndices(state, e)
			times := map[spec.ValidatorIndex]int{}
			start := spec.Slot(uint64(e) * cfg.SlotsPerEpoch)
			count := m.GetCommitteeCountPerSlot(state, e)
			for slot := start; slot < start+spec.Slot(cfg.SlotsPerEpoch); slot++ {
				for index := spec.CommitteeIndex(0); uint64(index) < count; index++ {
					committee, err := m.GetBeaconCommittee(state, slot, index)
					if err != nil {
						return fmt.Sprintf("get_beacon_committee(%d, %d): %v", slot, index, err), nil
					}
					for _, v := range committee {
						times[v]++
					}
				}
			}
			for _, v := range active {
				if times[v] != 1 {
					return fmt.Sprintf("epoch %d: active validator %d is in %d committees", e, v, times[v]), nil
				}
				delete(times, v)
			}
			for v := range times {
				return fmt.Sprintf("epoch %d: validator %d is in a committee but not active", e, v), nil
			}
		}
		slot, index := pick.At(m, state)
		epoch := m.ComputeEpochAtSlot(slot)
		committee, err := m.GetBeaconCommittee(state, slot, index)
		if err != nil {
			return fmt.Sprintf("get_beacon_committee(%d, %d): %v", slot, index, err), nil
		}
		seed, err := m.GetSeed(state, epoch, cfg.DomainBeaconAttester)
		if err != nil {
			return "", err
		}
		perSlot := m.GetCommitteeCountPerSlot(state, epoch)
		idx, count, err := cfg.BeaconCommitteeArgs(slot, index, perSlot)
		if err != nil {
			return "", err
		}
		plain, err := m.ComputeCommittee(m.GetActiveValidatorIndices(state, epoch), seed, idx, count)
		if err != nil {
			return fmt.Sprintf("compute_committee for (%d, %d): %v", slot, index, err), nil
		}
		if !slices.Equal(committee, plain) {
			return fmt.Sprintf("committee (%d, %d): get_beacon_committee gives %v, compute_committee %v", slot, index, committee, plain), nil
		}
		return "", nil
	}, States(space), SlotIndices())
}

// ContractsInput is a chain and the transition it runs on in checked mode.
type ContractsInput struct {
	Chain ChainRecipe
	Fix   bool // the upper-bound fix, or the spec as written
}

func (in ContractsInput) String() string {
	return fmt.Sprintf("%s; %s", in.Chain, in.variant())
}

func (in ContractsInput) variant() Variant {
	if in.Fix {
		return WithFix
	}
	return SpecAsWritten
}

// contractsHold: in checked mode, no spec function's contract is breached anywhere in a
// chain, on the spec as written or with the fix (drawn alike).
func contractsHold(env *Env) gopter.Prop {
	checked := *env
	checked.Checked = true
	chains := invariantChains(&checked)
	gen := func(p *gopter.GenParameters) *gopter.GenResult {
		res := chains(p)
		in := ContractsInput{Chain: res.Result.(ChainRecipe), Fix: p.Rng.Intn(2) == 0}
		return gopter.NewGenResult(in, func(v any) gopter.Shrink {
			in := v.(ContractsInput)
			return res.Shrinker(in.Chain).Map(func(c ChainRecipe) ContractsInput { return ContractsInput{c, in.Fix} })
		})
	}
	return prop.ForAll(func(in ContractsInput) (string, error) {
		cfg := in.Chain.State.Config.mustConfig()
		tr, _ := checked.transitionOf(cfg, in.variant(), in.Chain.State.signed())
		_, err := in.Chain.build(&checked, tr, nil)
		var cv *spec.ContractViolation
		switch {
		case errors.As(err, &cv):
			return cv.Error(), nil
		case err != nil:
			return "honest chain broke down: " + err.Error(), nil
		}
		return "", nil
	}, gen)
}

func contractsHoldVector(env *Env, x any) (*Vector, error) {
	checked := *env
	checked.Checked = true
	in := x.(ContractsInput)
	return chainVector(&checked, in.Chain, in.variant(), nil)
}
