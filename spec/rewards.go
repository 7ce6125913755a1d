package spec

import (
	"math/bits"
	"slices"
)

// Deltas is a pair of per-validator reward and penalty lists, as the spec's delta functions
// return them (and as the rewards vectors store them).
type Deltas struct {
	Rewards   []Gwei
	Penalties []Gwei
}

func newDeltas(n int) *Deltas { return &Deltas{Rewards: make([]Gwei, n), Penalties: make([]Gwei, n)} }

// indexIsValidator is the precondition of the per-validator reward helpers.
func indexIsValidator(c *checker, state *BeaconState, index ValidatorIndex) {
	c.that("index_is_validator", uint64(index) < uint64(len(state.Validators)), "index %d, %d validators", index, len(state.Validators))
}

// Sites of get_base_reward: effective_balance * BASE_REWARD_FACTOR // integer_squareroot(total_balance) // BASE_REWARDS_PER_EPOCH.
var (
	siteBaseRewardProduct          = site("get_base_reward_product", OpMul, "effective_balance", "BASE_REWARD_FACTOR")
	siteBaseRewardSqrtDivision     = site("get_base_reward_sqrt_division", OpDiv, "effective_balance * BASE_REWARD_FACTOR", "s")
	siteBaseRewardConstantDivision = site("get_base_reward_constant_division", OpDiv, "effective_balance * BASE_REWARD_FACTOR // s", "BASE_REWARDS_PER_EPOCH")
)

// siteBaseRewardRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteBaseRewardRead = site("get_base_reward_validator_read", OpIndex, "index", "length")

// GetBaseReward is the spec's get_base_reward ("Rewards and penalties, helpers"). It runs
// once per validator and component, so its contract is evaluated by helpers called from
// two branches, without a deferred closure: unchecked, it costs the two branches.
func (m *Model) GetBaseReward(state *BeaconState, index ValidatorIndex) (Gwei, error) {
	if m.hooked() {
		if err := m.rewardHelperPre(getBaseRewardContract, state, index); err != nil {
			return 0, err
		}
	}
	total, err := m.GetTotalActiveBalance(state)
	if err != nil {
		return 0, err
	}
	// The read through Site.Index, which inlines, where validatorAt would be a call: it runs
	// for every validator and reward component.
	if siteBaseRewardRead.Index(uint64(index), len(state.Validators)) {
		return 0, outOfRange(siteBaseRewardRead, "state.validators", uint64(index), len(state.Validators))
	}
	v := &state.Validators[index]
	sqrt, err := m.IntegerSquareroot(uint64(total))
	if err != nil {
		return 0, err
	}
	var k Calc
	r := k.Div(siteBaseRewardConstantDivision, k.Div(siteBaseRewardSqrtDivision, k.Mul(siteBaseRewardProduct, uint64(v.EffectiveBalance), m.BaseRewardFactor), sqrt), BaseRewardsPerEpoch)
	if err := k.Err(); err != nil {
		return 0, err
	}
	if m.hooked() {
		if err := m.baseRewardPost(state, index, total, sqrt, Gwei(r)); err != nil {
			return 0, err
		}
	}
	return Gwei(r), nil
}

// rewardHelperPre evaluates the precondition of get_base_reward and get_proposer_reward.
// It and the postcondition helpers below are kept out of line (noinline): inlined, their
// closures would enlarge the hot callers' frames and cost the unchecked path.
//
//go:noinline
func (m *Model) rewardHelperPre(contract *Contract, state *BeaconState, index ValidatorIndex) error {
	return m.requires(contract, func(c *checker) { indexIsValidator(c, state, index) }, "index", index)
}

// baseRewardPost evaluates the postcondition of get_base_reward.
//
//go:noinline
func (m *Model) baseRewardPost(state *BeaconState, index ValidatorIndex, total Gwei, sqrt uint64, reward Gwei) (err error) {
	m.ensures(getBaseRewardContract, &err, func(c *checker) {
		eb := uint64(state.Validators[index].EffectiveBalance)
		x := eb * m.BaseRewardFactor // did not overflow: the call succeeded
		d := sqrt * BaseRewardsPerEpoch
		loHi, loLo := bits.Mul64(uint64(reward), d)
		upHi, upLo := bits.Mul64(uint64(reward)+1, d)
		c.that("floor_of_formula", loHi == 0 && loLo <= x && (upHi != 0 || upLo > x),
			"base reward %d for effective balance %d, total active balance %d (integer square root %d)", reward, eb, total, sqrt)
	})
	return err
}

var getBaseRewardContract = declare(Contract{
	Func: "get_base_reward", Section: "Rewards and penalties",
	// No bound on effective_balance * BASE_REWARD_FACTOR: its overflow is an
	// ArithmeticError (the registry's effective balances are not bounded by any caller).
	Pre: []Clause{
		{"index_is_validator", "the index is below len(state.validators) (callers pass eligible or attesting validators)"},
	},
	Post: []Clause{
		{"floor_of_formula", "the reward r is the floor of effective_balance * BASE_REWARD_FACTOR / (integer_squareroot(total active balance) * BASE_REWARDS_PER_EPOCH): r*d <= x < (r+1)*d in unbounded integers, so it never exceeds effective_balance * BASE_REWARD_FACTOR / BASE_REWARDS_PER_EPOCH / isqrt(EFFECTIVE_BALANCE_INCREMENT)"},
	},
})

// Sites of get_proposer_reward.
var siteProposerRewardDivision = site("get_proposer_reward_division", OpDiv, "base", "PROPOSER_REWARD_QUOTIENT")

// GetProposerReward is the spec's get_proposer_reward ("Rewards and penalties, helpers"),
// its contract evaluated like get_base_reward's.
func (m *Model) GetProposerReward(state *BeaconState, attestingIndex ValidatorIndex) (Gwei, error) {
	if m.hooked() {
		if err := m.rewardHelperPre(getProposerRewardContract, state, attestingIndex); err != nil {
			return 0, err
		}
	}
	base, err := m.GetBaseReward(state, attestingIndex)
	if err != nil {
		return 0, err
	}
	var k Calc
	reward := Gwei(k.Div(siteProposerRewardDivision, uint64(base), m.ProposerRewardQuotient))
	if err := k.Err(); err != nil {
		return 0, err
	}
	if m.hooked() {
		if err := m.proposerRewardPost(base, reward); err != nil {
			return 0, err
		}
	}
	return reward, nil
}

// proposerRewardPost evaluates the postcondition of get_proposer_reward.
//
//go:noinline
func (m *Model) proposerRewardPost(base, reward Gwei) (err error) {
	m.ensures(getProposerRewardContract, &err, func(c *checker) {
		c.that("share_of_base_reward", reward == base/Gwei(m.ProposerRewardQuotient) && reward <= base,
			"proposer reward %d of base reward %d (PROPOSER_REWARD_QUOTIENT %d)", reward, base, m.ProposerRewardQuotient)
	})
	return err
}

var getProposerRewardContract = declare(Contract{
	Func: "get_proposer_reward", Section: "Rewards and penalties",
	Pre: []Clause{
		{"index_is_validator", "the attesting index is below len(state.validators)"},
	},
	Post: []Clause{
		{"share_of_base_reward", "the reward is get_base_reward // PROPOSER_REWARD_QUOTIENT, so at most the base reward: max_attester_reward = base - proposer reward cannot underflow"},
	},
})

// Sites of get_finality_delay.
var siteFinalityDelay = site("get_finality_delay_difference", OpSub, "previous_epoch", "finalized_epoch")

// GetFinalityDelay is the spec's get_finality_delay ("Rewards and penalties, helpers").
func (m *Model) GetFinalityDelay(state *BeaconState) (delay uint64, err error) {
	if m.hooked() {
		m.enter(getFinalityDelayContract)
		defer m.ensures(getFinalityDelayContract, &err, func(c *checker) {
			previous := m.GetPreviousEpoch(state)
			c.that("previous_minus_finalized", state.FinalizedCheckpoint.Epoch <= previous && delay == uint64(previous-state.FinalizedCheckpoint.Epoch),
				"delay %d, previous epoch %d, finalized epoch %d", delay, previous, state.FinalizedCheckpoint.Epoch)
		})
	}
	var k Calc
	d := k.Sub(siteFinalityDelay, uint64(m.GetPreviousEpoch(state)), uint64(state.FinalizedCheckpoint.Epoch))
	return d, k.Err()
}

var getFinalityDelayContract = declare(Contract{
	Func: "get_finality_delay", Section: "Rewards and penalties",
	// A finalized epoch after the previous epoch underflows: an ArithmeticError, as the
	// spec's uint64 (no caller checks the state's checkpoints first).
	Post: []Clause{
		{"previous_minus_finalized", "the delay is previous epoch - finalized epoch, the finalized epoch not after the previous one"},
	},
})

// IsInInactivityLeak is the spec's is_in_inactivity_leak ("Rewards and penalties, helpers").
func (m *Model) IsInInactivityLeak(state *BeaconState) (leak bool, err error) {
	if m.hooked() {
		m.enter(isInInactivityLeakContract)
		defer m.ensures(isInInactivityLeakContract, &err, func(c *checker) {
			delay, _ := m.GetFinalityDelay(state) // succeeded in the body
			c.that("leak_iff_delay_exceeds", leak == (delay > m.MinEpochsToInactivityPenalty),
				"leak %v with finality delay %d (MIN_EPOCHS_TO_INACTIVITY_PENALTY %d)", leak, delay, m.MinEpochsToInactivityPenalty)
		})
	}
	d, err := m.GetFinalityDelay(state)
	return d > m.MinEpochsToInactivityPenalty, err
}

var isInInactivityLeakContract = declare(Contract{
	Func: "is_in_inactivity_leak", Section: "Rewards and penalties",
	Post: []Clause{
		{"leak_iff_delay_exceeds", "in a leak exactly when the finality delay exceeds MIN_EPOCHS_TO_INACTIVITY_PENALTY"},
	},
})

// Sites of get_eligible_validator_indices.
var siteEligibleNextEpoch = site("get_eligible_validator_indices_next_epoch", OpAdd, "previous_epoch", "1")

// GetEligibleValidatorIndices is the spec's get_eligible_validator_indices ("Rewards and
// penalties, helpers").
func (m *Model) GetEligibleValidatorIndices(state *BeaconState) (out []ValidatorIndex, err error) {
	if m.hooked() {
		m.enter(getEligibleValidatorIndicesContract)
		defer m.ensures(getEligibleValidatorIndicesContract, &err, func(c *checker) {
			c.that("sorted_unique", strictlySorted(out), "indices are not strictly increasing")
			previous := m.GetPreviousEpoch(state)
			j, exact := 0, true
			for i := range state.Validators {
				v := &state.Validators[i]
				// previous + 1 did not overflow: the call succeeded
				if IsActiveValidator(v, previous) || (v.Slashed && previous+1 < v.WithdrawableEpoch) {
					exact = exact && j < len(out) && out[j] == ValidatorIndex(i)
					j++
				}
			}
			c.that("exactly_the_eligible", exact && j == len(out),
				"%d indices, %d validators active in epoch %d or slashed and not yet withdrawable", len(out), j, previous)
		})
	}
	previousEpoch := m.GetPreviousEpoch(state)
	for i := range state.Validators {
		v := &state.Validators[i]
		if m.IsActiveValidator(v, previousEpoch) {
			out = append(out, ValidatorIndex(i))
			continue
		}
		if v.Slashed {
			var k Calc
			next := k.Add(siteEligibleNextEpoch, uint64(previousEpoch), 1)
			if err := k.Err(); err != nil {
				return nil, err
			}
			if next < uint64(v.WithdrawableEpoch) {
				out = append(out, ValidatorIndex(i))
			}
		}
	}
	return out, nil
}

var getEligibleValidatorIndicesContract = declare(Contract{
	Func: "get_eligible_validator_indices", Section: "Rewards and penalties",
	Post: []Clause{
		{"sorted_unique", "the indices are strictly increasing"},
		{"exactly_the_eligible", "they are exactly the validators active in the previous epoch or slashed and not yet withdrawable (previous_epoch + 1 < withdrawable_epoch)"},
	},
})

// deltasShape evaluates the clause every delta function has: one entry per validator.
func deltasShape(c *checker, state *BeaconState, d *Deltas) {
	c.that("one_entry_per_validator", len(d.Rewards) == len(state.Validators) && len(d.Penalties) == len(state.Validators),
		"%d rewards and %d penalties for %d validators", len(d.Rewards), len(d.Penalties), len(state.Validators))
}

// firstFailing returns the first index i below n with ok(i) false, or -1.
func firstFailing(n int, ok func(i int) bool) int {
	for i := 0; i < n; i++ {
		if !ok(i) {
			return i
		}
	}
	return -1
}

// Sites of get_attestation_component_deltas: the reads of rewards[index] and
// penalties[index] (one per eligible validator, of the list its branch adds to), the two
// divisions by the increment and the reward's arithmetic.
var (
	siteComponentRead               = site("get_attestation_component_deltas_reads", OpIndex, "index", "length")
	siteComponentIncrementAttesting = site("get_attestation_component_deltas_increment_divisions", OpDiv, "attesting_balance", "EFFECTIVE_BALANCE_INCREMENT")
	siteComponentIncrementTotal     = site("get_attestation_component_deltas_increment_divisions", OpDiv, "total", "EFFECTIVE_BALANCE_INCREMENT")
	siteComponentNumerator          = site("get_attestation_component_deltas_numerator", OpMul, "base", "attesting_balance // EFFECTIVE_BALANCE_INCREMENT")
	siteComponentDivision           = site("get_attestation_component_deltas_division", OpDiv, "reward_numerator", "total // EFFECTIVE_BALANCE_INCREMENT")
	siteComponentAccumulate         = site("get_attestation_component_deltas_accumulate", OpAdd, "entry", "reward")
)

// GetAttestationComponentDeltas is the spec's get_attestation_component_deltas ("Rewards
// and penalties, components"): the shared logic of the source, target and head deltas.
func (m *Model) GetAttestationComponentDeltas(state *BeaconState, attestations []PendingAttestation) (d *Deltas, err error) {
	if m.hooked() {
		m.enter(getAttestationComponentDeltasContract, "attestations", len(attestations))
		defer m.ensures(getAttestationComponentDeltasContract, &err, func(c *checker) {
			deltasShape(c, state, d)
			n := len(state.Validators)
			eligible, eerr := m.GetEligibleValidatorIndices(state)
			attesting, aerr := m.GetUnslashedAttestingIndices(state, attestations)
			c.that("inputs_recomputed", eerr == nil && aerr == nil, "eligible: %v, attesting: %v", eerr, aerr)
			isEligible, isAttesting := membership(n, eligible), membership(n, attesting)
			bad := firstFailing(n, func(i int) bool { return isEligible[i] || (d.Rewards[i] == 0 && d.Penalties[i] == 0) })
			c.that("only_eligible", bad < 0, "validator %d is not eligible but has a delta", bad)
			bad = firstFailing(n, func(i int) bool { return d.Rewards[i] == 0 || d.Penalties[i] == 0 })
			c.that("never_both", bad < 0, "validator %d is both rewarded and penalised", bad)
			bad = firstFailing(n, func(i int) bool { return d.Rewards[i] == 0 || isAttesting[i] })
			c.that("rewards_only_attesters", bad < 0, "validator %d is rewarded without attesting", bad)
			bad = firstFailing(n, func(i int) bool {
				if !isEligible[i] {
					return true
				}
				if isAttesting[i] {
					return d.Penalties[i] == 0
				}
				base, err := m.GetBaseReward(state, ValidatorIndex(i))
				return err == nil && d.Penalties[i] == base
			})
			c.that("penalty_is_base_reward", bad < 0, "validator %d: penalty %d is not its base reward (or 0 for an attester)", bad, d.Penalties[max(bad, 0)])
		})
	}
	d = newDeltas(len(state.Validators))
	totalBalance, err := m.GetTotalActiveBalance(state)
	if err != nil {
		return nil, err
	}
	unslashed, err := m.GetUnslashedAttestingIndices(state, attestations)
	if err != nil {
		return nil, err
	}
	attestingBalance, err := m.GetTotalBalance(state, unslashed)
	if err != nil {
		return nil, err
	}
	attesting := membership(len(state.Validators), unslashed)
	eligible, err := m.GetEligibleValidatorIndices(state)
	if err != nil {
		return nil, err
	}
	leak, err := m.IsInInactivityLeak(state)
	if err != nil {
		return nil, err
	}
	increment := uint64(m.EffectiveBalanceIncrement) // factored out from balance totals to avoid uint64 overflow
	for _, index := range eligible {
		base, err := m.GetBaseReward(state, index)
		if err != nil {
			return nil, err
		}
		var k Calc
		if attesting[index] {
			if siteComponentRead.Index(uint64(index), len(d.Rewards)) {
				return nil, outOfRange(siteComponentRead, "rewards", uint64(index), len(d.Rewards))
			}
			if leak {
				// Since full base reward will be canceled out by inactivity penalty deltas,
				// optimal participation receives full base reward compensation here.
				d.Rewards[index] = Gwei(k.Add(siteComponentAccumulate, uint64(d.Rewards[index]), uint64(base)))
			} else {
				rewardNumerator := k.Mul(siteComponentNumerator, uint64(base), k.Div(siteComponentIncrementAttesting, uint64(attestingBalance), increment))
				d.Rewards[index] = Gwei(k.Add(siteComponentAccumulate, uint64(d.Rewards[index]), k.Div(siteComponentDivision, rewardNumerator, k.Div(siteComponentIncrementTotal, uint64(totalBalance), increment))))
			}
		} else {
			if siteComponentRead.Index(uint64(index), len(d.Penalties)) {
				return nil, outOfRange(siteComponentRead, "penalties", uint64(index), len(d.Penalties))
			}
			d.Penalties[index] = Gwei(k.Add(siteComponentAccumulate, uint64(d.Penalties[index]), uint64(base)))
		}
		if err := k.Err(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

var getAttestationComponentDeltasContract = declare(Contract{
	Func: "get_attestation_component_deltas", Section: "Rewards and penalties",
	Post: []Clause{
		{"one_entry_per_validator", "rewards and penalties have len(state.validators) entries"},
		{"inputs_recomputed", "the eligible and unslashed attesting indices the other clauses use are recomputed without error"},
		{"only_eligible", "only eligible validators get a reward or a penalty"},
		{"never_both", "no validator is both rewarded and penalised by one component"},
		{"rewards_only_attesters", "only unslashed attesters of the attestations are rewarded"},
		{"penalty_is_base_reward", "an eligible validator that did not attest is penalised exactly its base reward; an attester is not penalised"},
	},
})

// membership marks the given indices in a slice of n flags.
func membership(n int, indices []ValidatorIndex) []bool {
	in := make([]bool, n)
	for _, i := range indices {
		if uint64(i) < uint64(n) {
			in[i] = true
		}
	}
	return in
}

// componentPost evaluates the clauses of get_source_deltas, get_target_deltas and
// get_head_deltas: the deltas reward only the unslashed attesters of the matching
// attestations of the previous epoch, and penalise only the others.
func (m *Model) componentPost(c *checker, state *BeaconState, d *Deltas, matching func(*BeaconState, Epoch) ([]PendingAttestation, error), component int) {
	deltasShape(c, state, d)
	m.amountsPerSpec(c, state, d, component)
	n := len(state.Validators)
	a, err := matching(state, m.GetPreviousEpoch(state))
	var attesting []ValidatorIndex
	if err == nil {
		attesting, err = m.GetUnslashedAttestingIndices(state, a)
	}
	isAttesting := membership(n, attesting)
	bad := firstFailing(n, func(i int) bool { return err == nil && (d.Rewards[i] == 0 || isAttesting[i]) })
	c.that("rewards_for_matching_attesters", bad < 0, "validator %d rewarded but not an unslashed attester of the matching attestations (%v)", bad, err)
	bad = firstFailing(n, func(i int) bool { return err == nil && (d.Penalties[i] == 0 || !isAttesting[i]) })
	c.that("penalties_for_the_rest", bad < 0, "validator %d penalised although an unslashed attester of the matching attestations (%v)", bad, err)
}

func componentContract(fn, what string) *Contract {
	return declare(Contract{
		Func: fn, Section: "Rewards and penalties",
		Post: []Clause{
			{"one_entry_per_validator", "rewards and penalties have len(state.validators) entries"},
			{"rewards_for_matching_attesters", "only unslashed validators attesting in the previous epoch's matching " + what + " attestations are rewarded"},
			{"penalties_for_the_rest", "none of them is penalised"},
			{"amounts_per_spec", "each eligible validator's " + what + " reward or penalty is what the spec's formula gives it (base reward, scaled by the attesting share of the total active balance outside a leak), computed per validator by the plain spec (plain.go) from the pending attestations"},
		},
	})
}

// GetSourceDeltas is the spec's get_source_deltas ("Rewards and penalties, components").
func (m *Model) GetSourceDeltas(state *BeaconState) (d *Deltas, err error) {
	if m.hooked() {
		m.enter(getSourceDeltasContract)
		defer m.ensures(getSourceDeltasContract, &err, func(c *checker) { m.componentPost(c, state, d, m.GetMatchingSourceAttestations, componentSource) })
	}
	a, err := m.GetMatchingSourceAttestations(state, m.GetPreviousEpoch(state))
	if err != nil {
		return nil, err
	}
	return m.GetAttestationComponentDeltas(state, a)
}

var getSourceDeltasContract = componentContract("get_source_deltas", "source")

// GetTargetDeltas is the spec's get_target_deltas ("Rewards and penalties, components").
func (m *Model) GetTargetDeltas(state *BeaconState) (d *Deltas, err error) {
	if m.hooked() {
		m.enter(getTargetDeltasContract)
		defer m.ensures(getTargetDeltasContract, &err, func(c *checker) { m.componentPost(c, state, d, m.GetMatchingTargetAttestations, componentTarget) })
	}
	a, err := m.GetMatchingTargetAttestations(state, m.GetPreviousEpoch(state))
	if err != nil {
		return nil, err
	}
	return m.GetAttestationComponentDeltas(state, a)
}

var getTargetDeltasContract = componentContract("get_target_deltas", "target")

// GetHeadDeltas is the spec's get_head_deltas ("Rewards and penalties, components").
func (m *Model) GetHeadDeltas(state *BeaconState) (d *Deltas, err error) {
	if m.hooked() {
		m.enter(getHeadDeltasContract)
		defer m.ensures(getHeadDeltasContract, &err, func(c *checker) { m.componentPost(c, state, d, m.GetMatchingHeadAttestations, componentHead) })
	}
	a, err := m.GetMatchingHeadAttestations(state, m.GetPreviousEpoch(state))
	if err != nil {
		return nil, err
	}
	return m.GetAttestationComponentDeltas(state, a)
}

var getHeadDeltasContract = componentContract("get_head_deltas", "head")

// Sites of get_inclusion_delay_deltas.
var (
	siteInclusionRewardsSum    = site("get_inclusion_delay_deltas_rewards_sum", OpAdd, "collected", "own")
	siteInclusionDifference    = site("get_inclusion_delay_deltas_difference", OpSub, "base", "base // PROPOSER_REWARD_QUOTIENT")
	siteInclusionDelayDivision = site("get_inclusion_delay_deltas_delay_division", OpDiv, "max_attester_reward", "inclusion_delay")
)

// siteInclusionDelayAttesterRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteInclusionDelayAttesterRead = site("get_inclusion_delay_deltas_attester_read", OpIndex, "index", "length")

// siteInclusionMin is min() over the attestations that include an attester, as the read of
// the first of its candidates (index 0 of a list of that many): it raises when there is
// none. siteInclusionProposerRead is the read of rewards[attestation.proposer_index].
var (
	siteInclusionMin          = site("get_inclusion_delay_deltas_min", OpIndex, "0", "candidates")
	siteInclusionProposerRead = site("get_inclusion_delay_deltas_proposer_read", OpIndex, "index", "length")
)

// inclusionPick is, for one validator, the attestation min() picks among the matching
// attestations that include it (one more than its position, 0 while there is none) and the
// number of those attestations.
type inclusionPick struct{ best, candidates uint32 }

// GetInclusionDelayDeltas is the spec's get_inclusion_delay_deltas ("Rewards and
// penalties, components"): proposer and inclusion delay micro-rewards. For each attester
// the attestation used is the first, in list order, of those with the smallest inclusion
// delay (Python's min keeps the first).
func (m *Model) GetInclusionDelayDeltas(state *BeaconState) (d *Deltas, err error) {
	if m.hooked() {
		m.enter(getInclusionDelayDeltasContract)
		defer m.ensures(getInclusionDelayDeltasContract, &err, func(c *checker) {
			deltasShape(c, state, d)
			n := len(state.Validators)
			c.that("no_penalties", firstFailing(n, func(i int) bool { return d.Penalties[i] == 0 }) < 0, "a penalty for inclusion delay")
			m.amountsPerSpec(c, state, d, componentInclusion)
			matching, _ := m.GetMatchingSourceAttestations(state, m.GetPreviousEpoch(state)) // succeeded in the body
			attesting, aerr := m.GetUnslashedAttestingIndices(state, matching)
			isAttesting := membership(n, attesting)
			proposer := make([]bool, n)
			for i := range matching {
				if p := matching[i].ProposerIndex; uint64(p) < uint64(n) {
					proposer[p] = true
				}
			}
			bad := firstFailing(n, func(i int) bool { return d.Rewards[i] == 0 || isAttesting[i] || proposer[i] })
			c.that("rewards_only_attesters_or_proposers", aerr == nil && bad < 0, "validator %d rewarded but neither an attester nor an including proposer (%v)", bad, aerr)
			// Each attester's reward is split into the proposer's share and its own, at most
			// base - proposer share: together no more than its base reward.
			var paidHi, paidLo, baseHi, baseLo, carry uint64
			for i := range d.Rewards {
				paidLo, carry = bits.Add64(paidLo, uint64(d.Rewards[i]), 0)
				paidHi += carry
			}
			berr := aerr
			for _, i := range attesting {
				base, err := m.GetBaseReward(state, i)
				if err != nil {
					berr = err
				}
				baseLo, carry = bits.Add64(baseLo, uint64(base), 0)
				baseHi += carry
			}
			c.that("total_at_most_base_rewards", berr == nil && (paidHi < baseHi || (paidHi == baseHi && paidLo <= baseLo)),
				"rewards total %d:%d, the attesters' base rewards %d:%d (%v)", paidHi, paidLo, baseHi, baseLo, berr)
		})
	}
	d = newDeltas(len(state.Validators))
	matching, err := m.GetMatchingSourceAttestations(state, m.GetPreviousEpoch(state))
	if err != nil {
		return nil, err
	}
	unslashed, err := m.GetUnslashedAttestingIndices(state, matching)
	if err != nil {
		return nil, err
	}
	// pick[index] is the attestation min() picks for index and the number of its
	// candidates: a slice over the registry, where a map would hash every attester of every
	// attestation.
	pick := make([]inclusionPick, len(state.Validators))
	for pos := range matching {
		a := &matching[pos]
		indices, err := m.GetAttestingIndices(state, &a.Data, a.AggregationBits)
		if err != nil {
			return nil, err
		}
		for _, index := range indices {
			if siteInclusionDelayAttesterRead.Index(uint64(index), len(state.Validators)) { // len(pick) = len(state.validators)
				return nil, outOfRange(siteInclusionDelayAttesterRead, "state.validators", uint64(index), len(state.Validators))
			}
			p := &pick[index]
			p.candidates++
			if prev := p.best; prev == 0 || a.InclusionDelay < matching[prev-1].InclusionDelay {
				p.best = uint32(pos + 1)
			}
		}
	}
	for _, index := range unslashed {
		p := pick[index] // in range: index is an attester of matching, read above
		if siteInclusionMin.Index(0, int(p.candidates)) {
			return nil, outOfRange(siteInclusionMin, "the attestations including the attester (min() of an empty list)", 0, int(p.candidates))
		}
		attestation := &matching[p.best-1]
		proposerReward, err := m.GetProposerReward(state, index)
		if err != nil {
			return nil, err
		}
		if siteInclusionProposerRead.Index(uint64(attestation.ProposerIndex), len(d.Rewards)) {
			return nil, outOfRange(siteInclusionProposerRead, "rewards", uint64(attestation.ProposerIndex), len(d.Rewards))
		}
		base, err := m.GetBaseReward(state, index)
		if err != nil {
			return nil, err
		}
		var k Calc
		d.Rewards[attestation.ProposerIndex] = Gwei(k.Add(siteInclusionRewardsSum, uint64(d.Rewards[attestation.ProposerIndex]), uint64(proposerReward)))
		maxAttesterReward := k.Sub(siteInclusionDifference, uint64(base), uint64(proposerReward))
		d.Rewards[index] = Gwei(k.Add(siteInclusionRewardsSum, uint64(d.Rewards[index]), k.Div(siteInclusionDelayDivision, maxAttesterReward, uint64(attestation.InclusionDelay))))
		if err := k.Err(); err != nil {
			return nil, err
		}
	}
	// No penalties associated with inclusion delay
	return d, nil
}

var getInclusionDelayDeltasContract = declare(Contract{
	Func: "get_inclusion_delay_deltas", Section: "Rewards and penalties",
	Post: []Clause{
		{"one_entry_per_validator", "rewards and penalties have len(state.validators) entries"},
		{"no_penalties", "every penalty is zero: there is no penalty for inclusion delay"},
		{"amounts_per_spec", "each validator's reward is what the spec gives: base // PROPOSER_REWARD_QUOTIENT for every unslashed attester whose earliest-included attestation its block carried, and (base - that) // inclusion_delay for its own attestation, computed per validator by the plain spec"},
		{"rewards_only_attesters_or_proposers", "only unslashed attesters of the previous epoch's matching source attestations and the proposers that included those attestations are rewarded"},
		{"total_at_most_base_rewards", "the rewards sum to at most the attesters' summed base rewards: each attester's base reward is split between its including proposer (base // PROPOSER_REWARD_QUOTIENT) and itself (the rest, // inclusion_delay)"},
	},
})

// Sites of get_inactivity_penalty_deltas.
var (
	siteInactivityBaseProduct = site("get_inactivity_penalty_deltas_base_product", OpMul, "BASE_REWARDS_PER_EPOCH", "base")
	siteInactivityDifference  = site("get_inactivity_penalty_deltas_difference", OpSub, "BASE_REWARDS_PER_EPOCH * base", "base // PROPOSER_REWARD_QUOTIENT")
	siteInactivityBaseSum     = site("get_inactivity_penalty_deltas_sum", OpAdd, "0", "BASE_REWARDS_PER_EPOCH * base - base // PROPOSER_REWARD_QUOTIENT")
	siteInactivityLeakProduct = site("get_inactivity_penalty_deltas_leak_product", OpMul, "effective_balance", "finality_delay")
	siteInactivityDivision    = site("get_inactivity_penalty_deltas_division", OpDiv, "effective_balance * finality_delay", "INACTIVITY_PENALTY_QUOTIENT")
	siteInactivityLeakSum     = site("get_inactivity_penalty_deltas_sum", OpAdd, "BASE_REWARDS_PER_EPOCH * base - base // PROPOSER_REWARD_QUOTIENT", "effective_balance * finality_delay // INACTIVITY_PENALTY_QUOTIENT")
	// the reads of penalties[index] and, for a validator that missed the target,
	// state.validators[index]: each raises when index is not below its list's length
	siteInactivityRead = site("get_inactivity_penalty_deltas_reads", OpIndex, "index", "length")
)

// GetInactivityPenaltyDeltas is the spec's get_inactivity_penalty_deltas ("Rewards and
// penalties, components").
func (m *Model) GetInactivityPenaltyDeltas(state *BeaconState) (d *Deltas, err error) {
	if m.hooked() {
		m.enter(getInactivityPenaltyDeltasContract)
		defer m.ensures(getInactivityPenaltyDeltasContract, &err, func(c *checker) {
			deltasShape(c, state, d)
			n := len(state.Validators)
			c.that("no_rewards", firstFailing(n, func(i int) bool { return d.Rewards[i] == 0 }) < 0, "a reward for inactivity")
			m.amountsPerSpec(c, state, d, componentInactivity)
			leak, _ := m.IsInInactivityLeak(state) // succeeded in the body
			if !leak {
				c.that("none_without_leak", firstFailing(n, func(i int) bool { return d.Penalties[i] == 0 }) < 0, "an inactivity penalty outside a leak")
				return
			}
			eligible, eerr := m.GetEligibleValidatorIndices(state)
			isEligible := membership(n, eligible)
			bad := firstFailing(n, func(i int) bool { return eerr == nil && (d.Penalties[i] == 0 || isEligible[i]) })
			c.that("only_eligible", bad < 0, "validator %d penalised but not eligible (%v)", bad, eerr)
			bad = firstFailing(n, func(i int) bool {
				if !isEligible[i] {
					return true
				}
				base, err1 := m.GetBaseReward(state, ValidatorIndex(i))
				proposer, err2 := m.GetProposerReward(state, ValidatorIndex(i))
				return err1 == nil && err2 == nil && uint64(d.Penalties[i]) >= BaseRewardsPerEpoch*uint64(base)-uint64(proposer)
			})
			c.that("cancels_optimal_rewards", bad < 0, "validator %d pays less than BASE_REWARDS_PER_EPOCH * base_reward - proposer_reward", bad)
		})
	}
	d = newDeltas(len(state.Validators))
	leak, err := m.IsInInactivityLeak(state)
	if err != nil || !leak {
		return d, err
	}
	matching, err := m.GetMatchingTargetAttestations(state, m.GetPreviousEpoch(state))
	if err != nil {
		return nil, err
	}
	targetIndices, err := m.GetUnslashedAttestingIndices(state, matching)
	if err != nil {
		return nil, err
	}
	isTarget := membership(len(state.Validators), targetIndices)
	eligible, err := m.GetEligibleValidatorIndices(state)
	if err != nil {
		return nil, err
	}
	delay, err := m.GetFinalityDelay(state)
	if err != nil {
		return nil, err
	}
	for _, index := range eligible {
		// If validator is performing optimally this cancels all rewards for a neutral balance
		base, err := m.GetBaseReward(state, index)
		if err != nil {
			return nil, err
		}
		proposerReward, err := m.GetProposerReward(state, index)
		if err != nil {
			return nil, err
		}
		if siteInactivityRead.Index(uint64(index), len(d.Penalties)) {
			return nil, outOfRange(siteInactivityRead, "penalties", uint64(index), len(d.Penalties))
		}
		var k Calc
		p := k.Add(siteInactivityBaseSum, uint64(d.Penalties[index]), k.Sub(siteInactivityDifference, k.Mul(siteInactivityBaseProduct, BaseRewardsPerEpoch, uint64(base)), uint64(proposerReward)))
		if !isTarget[index] {
			if siteInactivityRead.Index(uint64(index), len(state.Validators)) {
				return nil, outOfRange(siteInactivityRead, "state.validators", uint64(index), len(state.Validators))
			}
			eb := uint64(state.Validators[index].EffectiveBalance)
			p = k.Add(siteInactivityLeakSum, p, k.Div(siteInactivityDivision, k.Mul(siteInactivityLeakProduct, eb, delay), m.InactivityPenaltyQuotient))
		}
		if err := k.Err(); err != nil {
			return nil, err
		}
		d.Penalties[index] = Gwei(p)
	}
	// No rewards associated with inactivity penalties
	return d, nil
}

var getInactivityPenaltyDeltasContract = declare(Contract{
	Func: "get_inactivity_penalty_deltas", Section: "Rewards and penalties",
	Post: []Clause{
		{"one_entry_per_validator", "rewards and penalties have len(state.validators) entries"},
		{"no_rewards", "every reward is zero: inactivity only costs"},
		{"amounts_per_spec", "each validator's penalty is what the spec gives: in a leak, BASE_REWARDS_PER_EPOCH * base - base // PROPOSER_REWARD_QUOTIENT for every eligible validator, plus effective_balance * finality_delay // INACTIVITY_PENALTY_QUOTIENT for those that missed the target; nothing outside a leak; computed per validator by the plain spec"},
		{"none_without_leak", "outside an inactivity leak every penalty is zero"},
		{"only_eligible", "in a leak, only eligible validators are penalised"},
		{"cancels_optimal_rewards", "in a leak, every eligible validator pays at least BASE_REWARDS_PER_EPOCH * base_reward - proposer_reward, what optimal participation earns, for a neutral balance at best"},
	},
})

// Sites of get_attestation_deltas: the four components summed, rewards and penalties.
var (
	siteDeltasRewardsTarget       = site("get_attestation_deltas_rewards_sum", OpAdd, "source", "target")
	siteDeltasRewardsHead         = site("get_attestation_deltas_rewards_sum", OpAdd, "source + target", "head")
	siteDeltasRewardsInclusion    = site("get_attestation_deltas_rewards_sum", OpAdd, "source + target + head", "inclusion")
	siteDeltasPenaltiesTarget     = site("get_attestation_deltas_penalties_sum", OpAdd, "source", "target")
	siteDeltasPenaltiesHead       = site("get_attestation_deltas_penalties_sum", OpAdd, "source + target", "head")
	siteDeltasPenaltiesInactivity = site("get_attestation_deltas_penalties_sum", OpAdd, "source + target + head", "inactivity")
	// the reads of the eight component lists at i: each raises when i is not below its
	// list's length
	siteDeltasRead = site("get_attestation_deltas_reads", OpIndex, "index", "length")
)

// GetAttestationDeltas is the spec's get_attestation_deltas ("Rewards and penalties"): the
// sum of the components.
func (m *Model) GetAttestationDeltas(state *BeaconState) (out *Deltas, err error) {
	if m.hooked() {
		m.enter(getAttestationDeltasContract)
		defer m.ensures(getAttestationDeltasContract, &err, func(c *checker) {
			deltasShape(c, state, out)
			m.amountsPerSpec(c, state, out, -1)
			var parts [5]*Deltas
			var perr error
			for i, f := range []func(*BeaconState) (*Deltas, error){m.GetSourceDeltas, m.GetTargetDeltas, m.GetHeadDeltas, m.GetInclusionDelayDeltas, m.GetInactivityPenaltyDeltas} {
				if parts[i], perr = f(state); perr != nil {
					break
				}
			}
			bad := firstFailing(len(out.Rewards), func(i int) bool {
				if perr != nil {
					return false
				}
				src, tgt, head, incl, inact := parts[0], parts[1], parts[2], parts[3], parts[4]
				// No wrap-around: the body summed the same values with checks.
				r := src.Rewards[i] + tgt.Rewards[i] + head.Rewards[i] + incl.Rewards[i]
				p := src.Penalties[i] + tgt.Penalties[i] + head.Penalties[i] + inact.Penalties[i]
				return out.Rewards[i] == r && out.Penalties[i] == p
			})
			c.that("sum_of_components", bad < 0, "validator %d: deltas are not the sum of the source, target, head, inclusion delay and inactivity components (%v)", bad, perr)
		})
	}
	source, err := m.GetSourceDeltas(state)
	if err != nil {
		return nil, err
	}
	target, err := m.GetTargetDeltas(state)
	if err != nil {
		return nil, err
	}
	head, err := m.GetHeadDeltas(state)
	if err != nil {
		return nil, err
	}
	inclusion, err := m.GetInclusionDelayDeltas(state)
	if err != nil {
		return nil, err
	}
	inactivity, err := m.GetInactivityPenaltyDeltas(state)
	if err != nil {
		return nil, err
	}
	out = newDeltas(len(state.Validators))
	var k Calc
	for i := range out.Rewards {
		x := uint64(i)
		if siteDeltasRead.Index(x, len(source.Rewards)) || siteDeltasRead.Index(x, len(target.Rewards)) || siteDeltasRead.Index(x, len(head.Rewards)) || siteDeltasRead.Index(x, len(inclusion.Rewards)) ||
			siteDeltasRead.Index(x, len(source.Penalties)) || siteDeltasRead.Index(x, len(target.Penalties)) || siteDeltasRead.Index(x, len(head.Penalties)) || siteDeltasRead.Index(x, len(inactivity.Penalties)) {
			return nil, componentOutOfRange(siteDeltasRead, i, source, target, head, inclusion, inactivity)
		}
		out.Rewards[i] = Gwei(k.Add(siteDeltasRewardsInclusion, k.Add(siteDeltasRewardsHead, k.Add(siteDeltasRewardsTarget, uint64(source.Rewards[i]), uint64(target.Rewards[i])), uint64(head.Rewards[i])), uint64(inclusion.Rewards[i])))
		out.Penalties[i] = Gwei(k.Add(siteDeltasPenaltiesInactivity, k.Add(siteDeltasPenaltiesHead, k.Add(siteDeltasPenaltiesTarget, uint64(source.Penalties[i]), uint64(target.Penalties[i])), uint64(head.Penalties[i])), uint64(inactivity.Penalties[i])))
	}
	return out, k.Err()
}

// componentOutOfRange is the error of the first read of entry i that is beyond its
// component list, in get_attestation_deltas' order, at the OpIndex site s.
func componentOutOfRange(s *Site, i int, source, target, head, inclusion, inactivity *Deltas) error {
	for _, l := range []struct {
		name string
		list []Gwei
	}{
		{"source_rewards", source.Rewards}, {"target_rewards", target.Rewards}, {"head_rewards", head.Rewards}, {"inclusion_delay_rewards", inclusion.Rewards},
		{"source_penalties", source.Penalties}, {"target_penalties", target.Penalties}, {"head_penalties", head.Penalties}, {"inactivity_penalties", inactivity.Penalties},
	} {
		if i >= len(l.list) {
			return outOfRange(s, l.name, uint64(i), len(l.list))
		}
	}
	return nil
}

var getAttestationDeltasContract = declare(Contract{
	Func: "get_attestation_deltas", Section: "Rewards and penalties",
	Post: []Clause{
		{"one_entry_per_validator", "rewards and penalties have len(state.validators) entries"},
		{"amounts_per_spec", "each validator's reward and penalty are the sums of the five components as the plain spec computes them per validator (plain.go), independently of the component functions"},
		{"sum_of_components", "each validator's reward is the sum of its source, target, head and inclusion delay rewards, its penalty the sum of its source, target, head and inactivity penalties (the components recomputed)"},
	},
})

// siteRewardsRead is the reads of rewards[index] and penalties[index] below: each raises
// when index is not below its list's length.
var siteRewardsRead = site("process_rewards_and_penalties_reads", OpIndex, "index", "length")

// ProcessRewardsAndPenalties is the spec's process_rewards_and_penalties ("Rewards and
// penalties").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes (balances are updated validator by validator). StateTransition,
// ProcessSlots, ProcessBlock and ProcessEpoch are atomic; call those, or work on a copy, when
// a failure must leave no trace.
func (m *Model) ProcessRewardsAndPenalties(state *BeaconState) (err error) {
	var d *Deltas // the deltas applied, for the postcondition
	if m.hooked() {
		if err := m.requires(processRewardsAndPenaltiesContract, func(c *checker) {
			w := m.wellFormed(state)
			c.that("state_well_formed", w == "", "%s", w)
		}); err != nil {
			return err
		}
		pre := m.snapshot(state)
		defer m.ensuresState(processRewardsAndPenaltiesContract, &err, state, func(c *checker) {
			p := frame{fields: []string{"balances"}}.changedOutside(pre, state)
			c.that("frame", p == "", "%s changed, which process_rewards_and_penalties may not change", p)
			if d == nil { // the end of GENESIS_EPOCH
				c.that("no_rewards_at_genesis", slices.Equal(pre.Balances, state.Balances), "balances changed at the end of GENESIS_EPOCH")
				return
			}
			m.balancesPerSpec(c, pre, state)
		})
	}
	// No rewards are applied at the end of GENESIS_EPOCH because rewards are for work done
	// in the previous epoch
	if m.GetCurrentEpoch(state) == GenesisEpoch {
		return nil
	}
	d, err = m.GetAttestationDeltas(state)
	if err != nil {
		return err
	}
	for index := range state.Validators {
		if siteRewardsRead.Index(uint64(index), len(d.Rewards)) {
			return outOfRange(siteRewardsRead, "rewards", uint64(index), len(d.Rewards))
		}
		if err := m.IncreaseBalance(state, ValidatorIndex(index), d.Rewards[index]); err != nil {
			return err
		}
		if siteRewardsRead.Index(uint64(index), len(d.Penalties)) {
			return outOfRange(siteRewardsRead, "penalties", uint64(index), len(d.Penalties))
		}
		if err := m.DecreaseBalance(state, ValidatorIndex(index), d.Penalties[index]); err != nil {
			return err
		}
	}
	return nil
}

var processRewardsAndPenaltiesContract = declare(Contract{
	Func: "process_rewards_and_penalties", Section: "Rewards and penalties",
	Writes: []string{"balances"},
	Pre: []Clause{
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
	},
	Post: []Clause{
		{"frame", "nothing but balances changes"},
		{"no_rewards_at_genesis", "at the end of GENESIS_EPOCH no balance changes: rewards are for work in the previous epoch"},
		{"supply_conserved", "otherwise the balances' sum moves by exactly the total of the rewards minus the total of the penalties actually taken: each penalty counted only up to the balance it meets (decrease_balance's zero floor), rewards and penalties from the plain spec"},
		{"balances_per_spec", "otherwise every balance is max(0, pre + reward - penalty), the reward applied first (increase_balance, then decrease_balance, which floors at zero), with the reward and penalty computed per validator by the plain spec (plain.go) on the state before the call, not taken from the body's get_attestation_deltas"},
	},
})

// amountsPerSpec evaluates the "amounts_per_spec" clause of a delta function: its deltas
// equal the component (or, for -1, the sum) the plain spec computes per validator.
func (m *Model) amountsPerSpec(c *checker, state *BeaconState, d *Deltas, component int) {
	plain, err := m.plainAttestationDeltas(state)
	var want *Deltas
	if err == nil {
		if component < 0 {
			want, err = plain.sum()
		} else {
			want, err = &plain.component[component], plain.errs[component]
		}
	}
	bad := -1
	if err == nil {
		bad = deltasDiffer(d, want)
	}
	at := func(d *Deltas, i int) (Gwei, Gwei) {
		if d == nil || i < 0 || i >= len(d.Rewards) || i >= len(d.Penalties) {
			return 0, 0
		}
		return d.Rewards[i], d.Penalties[i]
	}
	r, p := at(d, bad)
	wr, wp := at(want, bad)
	c.that("amounts_per_spec", err == nil && bad < 0, "validator %d: reward %d, penalty %d; the plain spec gives %d, %d (%v)", bad, r, p, wr, wp, err)
}

// balancesPerSpec evaluates the "balances_per_spec" clause of process_rewards_and_penalties.
func (m *Model) balancesPerSpec(c *checker, pre, post *BeaconState) {
	// The deltas from the plain spec, per validator, on the state before the call:
	// not those the body computed.
	var want *Deltas
	plain, perr := m.plainAttestationDeltas(pre)
	if perr == nil {
		want, perr = plain.sum()
	}
	bad := firstFailing(len(post.Balances), func(i int) bool {
		if perr != nil {
			return false
		}
		var a plainArith
		b := a.add(uint64(pre.Balances[i]), uint64(want.Rewards[i]))
		b = a.sub(b, min(b, uint64(want.Penalties[i]))) // decrease_balance floors at zero
		return !a.bad && post.Balances[i] == Gwei(b)
	})
	var up, down uint64
	var a plainArith
	for i := range pre.Balances {
		if perr != nil {
			break
		}
		up = a.add(up, uint64(want.Rewards[i]))
		down = a.add(down, min(a.add(uint64(pre.Balances[i]), uint64(want.Rewards[i])), uint64(want.Penalties[i])))
	}
	m.ledgerMove(up, down)
	c.that("supply_conserved", perr == nil && !a.bad && supplyMovedBy(pre.Balances, post.Balances, up, down),
		"the balances did not move by the %d Gwei of rewards minus the %d Gwei of penalties taken (after the zero floor) (%v)", up, down, perr)
	c.that("balances_per_spec", perr == nil && bad < 0, "balance %d: %d + reward - penalty (per the plain spec) became %d (%v)", bad, pre.Balances[max(bad, 0)], post.Balances[max(bad, 0)], perr)
}
