package proofs

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/beaconcheck/beaconcheck/bounds"
	"github.com/beaconcheck/beaconcheck/spec"
)

// This file holds the lemmas under the stated total-supply bound (spec.TotalSupplyBound, the
// invariant total_supply_bound): the site safety lemmas that are refuted only because the
// registry limit allows a total balance no supply of Ether can reach are checked again with
// the sums bounded by it. A lemma that holds is "proved under stated assumptions" (its
// Assumes names the bound); one that is still refuted is a finding: the site can fail within
// the bound.

// supplySites are the sites whose safety needs a bound on a sum of balances, and the
// hypothesis the bound gives each, over the site encoding's variables.
var supplySites = []struct {
	id, hyp, doc string
}{
	{"get_total_balance_sum", "(<= (+ acc term) $B)", "acc + term <= TotalSupplyBound: a sum of effective balances of distinct validators"},
	{"justification_attesting_balance_times_3", "(<= attesting_balance $B)", "attesting_balance <= TotalSupplyBound: a sum of effective balances"},
	{"justification_total_balance_times_2", "(<= total_balance $B)", "total_active_balance <= TotalSupplyBound"},
	{"process_slashings_sum", "(<= (+ acc term) $B)", "sum(state.slashings) <= TotalSupplyBound: each entry sums the effective balances of validators slashed in one epoch, each slashed once"},
	{"process_slashings_multiplier", "(<= sum $B)", "sum(state.slashings) <= TotalSupplyBound"},
	{"process_slashings_penalty_numerator", "(<= total $B)", "total_balance <= TotalSupplyBound"},
}

const supplyAssumption = "total_supply_bound"

func supplyLemmas(cfg *spec.Config) []*Lemma {
	encs := map[string]*siteEnc{}
	for _, e := range siteEncodings(cfg) {
		encs[e.id] = e
	}
	B := fmt.Sprint(uint64(spec.TotalSupplyBound))
	models := newModels(cfg)
	var out []*Lemma
	for _, s := range supplySites {
		e := encs[s.id]
		if e == nil || e.fails == "" {
			continue
		}
		h := hyp{smt: strings.ReplaceAll(s.hyp, "$B", B), doc: s.doc + " [total_supply_bound]: a stated bound, assumed, not proved; spec states it of the sum of balances, and this lemma takes it of the sums of effective balances and of state.slashings, which an effective balance set from its balance (rounded down, with a hysteresis margin) keeps close to"}
		l := &Lemma{
			Name:       s.id + "_safe_under_supply_bound",
			Statement:  fmt.Sprintf("Site %s cannot fail when the sums of balances are within the stated total-supply bound of 2**60 Gwei (the lemma %s_safe, without the bound, is refuted by totals no supply can reach).", s.id, s.id),
			Formula:    fmt.Sprintf("for all %s in [0, 2**64 - 1] satisfying the hypotheses and %s: not (%s)", e.allVars(), s.doc, e.failsDoc),
			Hypotheses: append(append([]string{e.operandsDoc()}, hypDocs(e.ctx, e.inv)...), h.doc),
			Spec:       []string{siteSpecFunc(s.id)},
			Go:         []string{siteGo(s.id)},
			Sites:      []string{s.id},
			Method:     SMT,
			Split:      "none: one query",
			Assumes:    []string{supplyAssumption},
		}
		q := &query{label: "under the supply bound", decls: e.decls(), defs: models.get(e.model()),
			asserts: append(append(e.domain(), hypSMT(e.ctx, e.proven, e.inv, []hyp{h})...), e.failsCall()),
			values:  e.decls()}
		if s.id == "process_slashings_penalty_numerator" {
			// Within the bound, the numerator effective_balance // increment * adjusted still
			// overflows once adjusted exceeds 2**64 / (MAX_EFFECTIVE_BALANCE // increment):
			// the least adjusted total slashing balance is the finding.
			k := uint64(cfg.MaxEffectiveBalance) / uint64(cfg.EffectiveBalanceIncrement)
			least := new(big.Int).Lsh(big.NewInt(1), 64)
			least.Add(least, big.NewInt(int64(k-1))).Div(least, new(big.Int).SetUint64(k))
			// adjusted is also bounded by what the slashings window can hold (the site's
			// invariant): refuted only when the least value lies within both bounds.
			S := cfg.SlotsPerEpoch
			window := min(S*(cfg.MaxAttesterSlashings*cfg.MaxValidatorsPerCommittee+cfg.MaxProposerSlashings)*cfg.EpochsPerSlashingsVector, cfg.ValidatorRegistryLimit)
			windowMax := new(big.Int).SetUint64(window)
			windowMax.Mul(windowMax, new(big.Int).SetUint64(uint64(cfg.MaxEffectiveBalance))).Mul(windowMax, new(big.Int).SetUint64(cfg.ProportionalSlashingMultiplier))
			if least.Cmp(new(big.Int).SetUint64(uint64(spec.TotalSupplyBound))) <= 0 && least.Cmp(windowMax) <= 0 {
				l.Expect, l.Least, l.LeastOf = Refuted, least, "adjusted"
				l.Statement += " Expected refuted: a finding."
				q.minimize = "adjusted"
			}
		}
		l.check = func(ctx context.Context, r *run) finding {
			as, err := r.solveAll(ctx, []*query{q})
			if err != nil {
				return finding{queries: 1, err: err}
			}
			if as[0].status != "sat" {
				return finding{holds: true, queries: 1, detail: "unsat under the stated bound"}
			}
			text, ok := e.replay(as[0])
			if !ok {
				return finding{queries: 1, err: fmt.Errorf("the solver's counterexample (%s) does not replay through the Go code", text)}
			}
			f := finding{queries: 1, counterexample: "within the supply bound: " + text}
			if q.minimize != "" {
				f.least = as[0].values[q.minimize]
				f.counterexample = fmt.Sprintf("least %s = %s within the supply bound: %s", q.minimize, commas(f.least), text)
			}
			return f
		}
		l.queries = []*query{q}
		out = append(out, l)
	}
	return out
}

func siteSpecFunc(id string) string {
	if s, ok := bounds.SiteByID(id); ok {
		return s.SpecFunc
	}
	return "?"
}
