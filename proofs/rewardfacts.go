package proofs

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The bounds of the reward and penalty sums rest on a few non-linear facts about
// get_base_reward and integer_squareroot. Each is its own query (the solver closes each
// alone at once, and all of them together only slowly), and the sites' final queries use
// their conclusions as bounds.
//
// None assumes that the attesting balance is at most the total balance: the previous
// epoch's attesters can outweigh the current total by the validators that exit at the
// epoch boundary. They use instead that the total is at least EFFECTIVE_BALANCE_INCREMENT
// (get_total_balance's max), so its square root is at least isqrt(EFFECTIVE_BALANCE_INCREMENT),
// and that the attesting balance is a uint64 (it was summed without overflow).

// rewardFacts are the facts of one config.
type rewardFacts struct {
	sqrtMin      uint64 // isqrt(EFFECTIVE_BALANCE_INCREMENT)
	baseMax      uint64 // MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // (4 * sqrtMin)
	numeratorMax uint64 // baseMax * ((2**64 - 1) // EFFECTIVE_BALANCE_INCREMENT), if it fits
	collectedMax uint64 // (2**64 - 1) * BASE_REWARD_FACTOR // (4 * sqrtMin), if it fits
	facts        map[string]rewardFact
}

type rewardFact struct {
	doc     string
	decls   []string
	asserts []string // the fact's hypotheses and its negated conclusion
}

func newRewardFacts(cfg *spec.Config) *rewardFacts {
	maxEB, inc, brf := uint64(cfg.MaxEffectiveBalance), uint64(cfg.EffectiveBalanceIncrement), cfg.BaseRewardFactor
	sqrtMin := new(big.Int).Sqrt(new(big.Int).SetUint64(inc)).Uint64()
	capped := func(v *big.Int) uint64 { // saturate: a bound that does not fit makes the final query fail, as it should
		if !v.IsUint64() {
			return 1<<64 - 1
		}
		return v.Uint64()
	}
	b := func(v uint64) *big.Int { return new(big.Int).SetUint64(v) }
	baseMax := capped(new(big.Int).Quo(new(big.Int).Mul(b(maxEB), b(brf)), b(4*sqrtMin)))
	rf := &rewardFacts{
		sqrtMin:      sqrtMin,
		baseMax:      baseMax,
		numeratorMax: capped(new(big.Int).Mul(b(baseMax), b((1<<64-1)/inc))),
		collectedMax: capped(new(big.Int).Quo(new(big.Int).Mul(b(1<<64-1), b(brf)), b(4*sqrtMin))),
	}
	rf.facts = map[string]rewardFact{
		"sqrt_at_least": {
			doc:   fmt.Sprintf("sqrt_at_least: s = integer_squareroot(total) with total >= EFFECTIVE_BALANCE_INCREMENT is at least isqrt(EFFECTIVE_BALANCE_INCREMENT) = %d", sqrtMin),
			decls: []string{"s", "total"},
			asserts: []string{"(>= s 0)", fmt.Sprintf("(<= %d total %s)", inc, u64Max), "(<= (* s s) total)", "(< total (* (+ s 1) (+ s 1)))",
				fmt.Sprintf("(< s %d)", sqrtMin)},
		},
		"base_reward_at_most": {
			doc:   "base_reward_at_most: for effective_balance <= MAX_EFFECTIVE_BALANCE and s >= isqrt(EFFECTIVE_BALANCE_INCREMENT), effective_balance * BASE_REWARD_FACTOR // s // 4 <= MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT))",
			decls: []string{"eb", "s"},
			asserts: []string{fmt.Sprintf("(<= 0 eb %d)", maxEB), fmt.Sprintf("(>= s %d)", sqrtMin),
				fmt.Sprintf("(> (div (div (* eb %d) s) 4) %d)", brf, rf.baseMax)},
		},
		"component_at_most_numerator": {
			doc:   "component_at_most_numerator: a component reward, numerator // (total_balance // increment) with total_balance >= EFFECTIVE_BALANCE_INCREMENT, is at most its numerator",
			decls: []string{"numerator", "total"},
			asserts: []string{inU64("numerator"), fmt.Sprintf("(<= %d total %s)", inc, u64Max),
				fmt.Sprintf("(> (div numerator (div total %d)) numerator)", inc)},
		},
		"proposer_rewards_collected": {
			doc:   "proposer_rewards_collected: the proposer rewards one validator collects are at most the base rewards of the attesters it included, whose effective balances sum to sum_eb <= 2**64 - 1 (collected * 4 * s <= sum_eb * BASE_REWARD_FACTOR); with s >= isqrt(EFFECTIVE_BALANCE_INCREMENT) that is at most (2**64 - 1) * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT))",
			decls: []string{"s", "sum_eb", "collected"},
			asserts: []string{fmt.Sprintf("(>= s %d)", sqrtMin), inU64("sum_eb"), "(>= collected 0)",
				fmt.Sprintf("(<= (* collected 4 s) (* sum_eb %d))", brf), fmt.Sprintf("(> collected %d)", rf.collectedMax)},
		},
	}
	return rf
}

// split describes the split of a site whose final query uses the named facts.
func (rf *rewardFacts) split(names ...string) string {
	docs := make([]string, len(names))
	for i, n := range names {
		docs[i] = rf.facts[n].doc
	}
	return fmt.Sprintf("%d queries: one per fact (%s), each closed alone; then a query that the operation cannot fail given the facts' bounds",
		len(names)+1, strings.Join(docs, "; "))
}

// queries builds the facts' queries and the site's final query.
func (rf *rewardFacts) queries(names ...string) func(r *run, e *siteEnc) []*query {
	return func(r *run, e *siteEnc) []*query {
		var qs []*query
		for _, n := range names {
			f := rf.facts[n]
			qs = append(qs, &query{label: n, decls: f.decls, asserts: f.asserts, values: f.decls})
		}
		return append(qs, e.safeQuery(r))
	}
}
