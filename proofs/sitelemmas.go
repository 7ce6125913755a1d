package proofs

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/beaconcheck/beaconcheck/bounds"
	"github.com/beaconcheck/beaconcheck/spec"
)

// This file turns the site encodings (sites.go) into lemmas, one or two per site of the
// bounds catalogue:
//
//   - SITE_threshold, for a site with a threshold: z3's least value of the driving
//     quantity at which the operation fails, under the threshold's assumption, must equal
//     the catalogue's threshold (bounds.Site.Evaluate), the counterexample must replay
//     through the Go code, and a second query proves that no smaller value fails;
//   - SITE_safe, for a site with invariants: the operation cannot fail under them. It is
//     expected to hold exactly when the catalogue says the site cannot fail on the config
//     (cannot_fail, or cannot_fail_under_invariants); otherwise the solver's least
//     counterexample within the invariants shows the failure is reachable;
//   - SITE_rejects_invalid_input, for a site whose failure is the spec's rejection of an
//     invalid block: not checked, with the reason.
//
// Sites of the committee arithmetic are covered by the committee lemmas (committee.go).

func siteGo(id string) string {
	if s, ok := bounds.SiteByID(id); ok {
		return s.GoFunc
	}
	return "?"
}

var kindVerb = map[bounds.Kind]string{
	bounds.Overflow:              "overflow",
	bounds.Underflow:             "underflow",
	bounds.DivisionByZero:        "divide by zero",
	bounds.IndexOutOfRange:       "read or write out of range",
	bounds.BitlistRead:           "read past its bitlist",
	bounds.ListAppendBeyondLimit: "append beyond its list's limit",
}

// siteLemmas are the lemmas of every site of the catalogue, in the catalogue's order.
func siteLemmas(cfg *spec.Config) []*Lemma {
	encs := map[string]*siteEnc{}
	for _, e := range siteEncodings(cfg) {
		encs[e.id] = e
	}
	var out []*Lemma
	for _, site := range bounds.Catalogue() {
		site := site
		e := encs[site.ID]
		if e == nil {
			out = append(out, &Lemma{Name: site.ID + "_unencoded", Statement: "The bounds catalogue has a site this package does not encode.",
				Formula: site.Expr, Hypotheses: []string{"none"}, Spec: []string{site.SpecFunc}, Go: []string{site.GoFunc}, Sites: []string{site.ID},
				Method: SMT, Split: "none",
				check: func(context.Context, *run) finding {
					return finding{err: fmt.Errorf("site %s of the bounds catalogue has no encoding in proofs/sites.go", site.ID)}
				}})
			continue
		}
		if site.Status == bounds.RejectsInvalidInput {
			out = append(out, &Lemma{
				Name:       site.ID + "_rejects_invalid_input",
				Statement:  fmt.Sprintf("`%s` in %s can %s, and that is how the spec rejects the block: %s.", site.Expr, site.SpecFunc, kindVerb[site.Kind], site.Invariant),
				Formula:    "none: the failure is the check",
				Hypotheses: []string{"none"},
				Spec:       []string{site.SpecFunc}, Go: []string{site.GoFunc}, Sites: []string{site.ID},
				Skip: "nothing to prove: an index from the block beyond the registry makes the spec raise, which rejects the block, and the model returns an IndexError there",
			})
			continue
		}
		var ev *bounds.Evaluation
		evaluate := func() (*bounds.Evaluation, error) {
			if ev == nil {
				v, err := site.Evaluate(cfg)
				if err != nil {
					return nil, err
				}
				ev = &v
			}
			return ev, nil
		}
		if site.Threshold != nil && e.thresholdBy == "" {
			out = append(out, thresholdLemma(cfg, site, e, evaluate))
		}
		if e.safeBy == "" && (e.inv != nil || e.invSkip != "") {
			out = append(out, safeLemma(cfg, site, e, evaluate))
		}
	}
	memberQs := memberQueries(cfg)
	out = append(out, &Lemma{
		Name:       "compute_committee_member_in_range",
		Statement:  "Every member compute_committee reads, indices[compute_shuffled_index(i, len(indices), seed)] for i in [start, end), is in range.",
		Formula:    "for all V in [0, L], C = S * committees_per_slot(V), i in [start(j), end(j)) with j < C: i < V and compute_shuffled_index(i, V, seed) < V",
		Hypotheses: []string{"V <= VALIDATOR_REGISTRY_LIMIT [indices_in_registry]", "index < get_committee_count_per_slot (asserted by process_attestation)"},
		Spec:       []string{"compute_committee", "compute_shuffled_index"},
		Go:         []string{"spec.Model.ComputeCommittee", "spec.Config.ComputeShuffledIndex"},
		Sites:      []string{"compute_committee_member_read"},
		Method:     Derived,
		Chain:      []string{"committee_ranges_partition", "compute_proposer_index_candidate_read_safe"},
		Argument:   "By committee_ranges_partition every position i read lies in [0, V), V = len(indices). compute_shuffled_index(i, V, seed) runs the rounds that compute_proposer_index_candidate_read_safe proves keep an index below the count (start below it, each round's flip or index below it), so the shuffled position is below V too. Checked by z3: the partition's instance at the committee read and the round step instantiated at each of the SHUFFLE_ROUND_COUNT rounds give an index below V.",
		Split:      "one query, the rounds unrolled: SHUFFLE_ROUND_COUNT instances of the round step",
		queries:    memberQs,
		check:      derivedBy(memberQs),
	})
	return out
}

func hypDocs(hs ...[]hyp) []string {
	var out []string
	for _, h := range hs {
		for _, x := range h {
			out = append(out, x.doc)
		}
	}
	return out
}

func hypSMT(hs ...[]hyp) []string {
	var out []string
	for _, h := range hs {
		for _, x := range h {
			out = append(out, x.smt)
		}
	}
	return out
}

// domain asserts each variable's range: a uint64, or a non-negative integer for exact ones.
func (e *siteEnc) domain() []string {
	var out []string
	for _, v := range append(slices.Clone(e.vars), e.extra...) {
		if slices.Contains(e.exact, v) {
			out = append(out, fmt.Sprintf("(>= %s 0)", v))
		} else {
			out = append(out, inU64(v))
		}
	}
	return out
}

// operandsDoc is the hypothesis on the variables' range.
func (e *siteEnc) operandsDoc() string {
	if len(e.exact) == 0 {
		return "every quantity is a uint64"
	}
	return fmt.Sprintf("every quantity is a uint64, except %s: the exact sum the spec computed just before (which raises there first if it exceeds 2**64 - 1)", strings.Join(e.exact, ", "))
}

func (e *siteEnc) decls() []string { return append(slices.Clone(e.vars), e.extra...) }

func (e *siteEnc) failsCall() string {
	if len(e.vars) == 0 {
		return e.model()
	}
	return fmt.Sprintf("(%s %s)", e.model(), strings.Join(e.vars, " "))
}

func (e *siteEnc) allVars() string {
	return strings.Join(e.decls(), ", ")
}

func (e *siteEnc) describe(a answer) string {
	var parts []string
	for _, v := range e.vars {
		parts = append(parts, v+" = "+commas(a.values[v]))
	}
	return strings.Join(parts, ", ")
}

func thresholdLemma(cfg *spec.Config, site bounds.Site, e *siteEnc, evaluate func() (*bounds.Evaluation, error)) *Lemma {
	t := site.Threshold
	l := &Lemma{
		Name: site.ID + "_threshold",
		Statement: fmt.Sprintf("`%s` in %s can %s: the least value of %s at which it does is the catalogue's threshold, and no smaller value makes it fail.",
			site.Expr, site.SpecFunc, kindVerb[site.Kind], t.Quantity),
		Hypotheses: append([]string{e.operandsDoc()}, hypDocs(e.ctx, e.at)...),
		Spec:       []string{site.SpecFunc},
		Go:         []string{site.GoFunc},
		Sites:      []string{site.ID},
		Method:     SMT,
		Split:      fmt.Sprintf("two queries: (minimize %s) subject to the threshold's assumption and the failure, for the least counterexample, replayed %s; then unsat for any smaller %s with the assumption relaxed to bounds", e.x, e.replayedBy(), e.x),
		Expect:     Refuted,
		LeastOf:    t.Symbol,
	}
	atDocs := hypDocs(e.at)
	cond := e.failsDoc
	if len(atDocs) > 0 {
		cond = strings.Join(atDocs, ", ") + ", " + cond
	}
	l.Formula = fmt.Sprintf("min { %s in [0, 2**64 - 1] : %s } = the catalogue's threshold", e.x, cond)
	if e.x == "" {
		l.check = func(context.Context, *run) finding {
			return finding{err: fmt.Errorf("site %s has a threshold but its encoding names no driving quantity", site.ID)}
		}
		return l
	}
	ev, err := evaluate()
	switch {
	case err != nil:
		l.check = func(context.Context, *run) finding { return finding{err: err} }
		return l
	case ev.First == nil:
		l.Expect = Holds
	default:
		l.Least = ev.First
	}
	l.check = func(ctx context.Context, r *run) finding { return r.checkThreshold(ctx, e, t.Symbol) }
	return l
}

func (r *run) checkThreshold(ctx context.Context, e *siteEnc, symbol string) finding {
	defs := r.models.get(e.model())
	base := append(e.domain(), hypSMT(e.ctx)...)
	search := &query{label: "least counterexample", decls: e.decls(), defs: defs,
		asserts:  append(append(slices.Clone(base), hypSMT(e.at)...), e.failsCall()),
		minimize: e.x, values: e.decls()}
	answers, err := r.solveAll(ctx, []*query{search})
	if err != nil {
		return finding{queries: 1, err: err}
	}
	a := answers[0]
	if a.status != "sat" {
		return finding{holds: true, queries: 1, detail: fmt.Sprintf("unsat: no %s in [0, 2**64 - 1] makes it fail", symbol)}
	}
	least := a.values[e.x]
	replayed, ok := e.replay(a)
	if !ok {
		return finding{queries: 1, err: fmt.Errorf("the solver's counterexample (%s) does not replay through the Go code", e.describe(a))}
	}
	relaxed := e.atMax
	if relaxed == nil {
		relaxed = e.at
	}
	below := &query{label: "nothing below", decls: e.decls(), defs: defs,
		asserts: append(append(slices.Clone(base), hypSMT(relaxed)...), fmt.Sprintf("(< %s %s)", e.x, least), e.failsCall()),
		values:  e.decls()}
	lower := r.proveAll(ctx, []*query{below}, showValues)
	if lower.err != nil {
		return finding{queries: 2, err: lower.err}
	}
	if !lower.holds {
		return finding{queries: 2, err: fmt.Errorf("the solver's minimum %s = %s is not least: %s", symbol, commas(least), lower.counterexample)}
	}
	return finding{queries: 2, least: least,
		counterexample: fmt.Sprintf("least %s = %s (%s); nothing below fails", symbol, commas(least), replayed)}
}

func safeLemma(cfg *spec.Config, site bounds.Site, e *siteEnc, evaluate func() (*bounds.Evaluation, error)) *Lemma {
	under := "for any operands"
	if len(e.inv) > 0 {
		under = "under the invariants"
	}
	why := site.Invariant
	if why == "" {
		why = "see the hypotheses"
	}
	l := &Lemma{
		Name:       site.ID + "_safe",
		Statement:  fmt.Sprintf("`%s` in %s cannot %s %s: %s.", site.Expr, site.SpecFunc, kindVerb[site.Kind], under, strings.TrimSuffix(why, ".")),
		Hypotheses: append([]string{e.operandsDoc()}, hypDocs(e.ctx, e.inv, e.proven)...),
		Spec:       []string{site.SpecFunc},
		Go:         []string{site.GoFunc},
		Sites:      []string{site.ID},
		Method:     SMT,
		Split:      e.split,
		Skip:       e.invSkip,
		Chain:      e.chain,
	}
	if len(e.replaced) > 0 {
		l.Statement += fmt.Sprintf(" Re-derived: the hypothesis %q, which the tautology check found equivalent to the conclusion, is replaced by where the operands come from and the proved invariants.", strings.Join(e.replaced, "; "))
	}
	if l.Split == "" {
		l.Split = "none: one query"
	}
	switch vars := e.allVars(); {
	case vars == "":
		l.Formula = fmt.Sprintf("not (%s)", e.failsDoc)
	case len(e.ctx)+len(e.inv) == 0:
		l.Formula = fmt.Sprintf("for all %s in [0, 2**64 - 1]: not (%s)", vars, e.failsDoc)
	default:
		l.Formula = fmt.Sprintf("for all %s in [0, 2**64 - 1] satisfying the hypotheses: not (%s)", vars, e.failsDoc)
	}
	if l.Skip != "" {
		return l
	}
	ev, err := evaluate()
	if err != nil {
		l.check = func(context.Context, *run) finding { return finding{err: err} }
		return l
	}
	var threshold *big.Int
	if e.refutedBy != "" {
		l.Expect = Refuted
		l.Statement += " Expected refuted: " + e.refutedBy + "."
	}
	if ev.Status == bounds.CanFailAtThreshold {
		// The catalogue says the invariants do not keep the site from failing on this
		// config: the lemma is expected to be refuted, and where the site has a threshold
		// the counterexample shown is the threshold's, found within the invariants.
		l.Expect = Refuted
		if e.x != "" {
			threshold = ev.First
		}
	}
	l.check = func(ctx context.Context, r *run) finding {
		return r.tautology(ctx, e, r.checkSafe(ctx, e, site, threshold))
	}
	return l
}

// checkSafe proves the site cannot fail under its invariants. If it can, the
// counterexample is the catalogue's threshold when that lies within the invariants (so the
// report does not depend on which counterexample the solver happens to find), else the
// solver's; either way it is replayed (replayedBy).
func (r *run) checkSafe(ctx context.Context, e *siteEnc, site bounds.Site, threshold *big.Int) finding {
	qs := []*query{e.safeQuery(r)}
	if e.queries != nil {
		qs = e.queries(r, e)
	}
	answers, err := r.solveAll(ctx, qs)
	n := len(qs)
	if err != nil {
		return finding{queries: n, err: err}
	}
	for i, a := range answers {
		if a.status != "sat" {
			continue
		}
		if e.queries != nil {
			return finding{queries: n, counterexample: showValues(qs[i], a)}
		}
		what := "a counterexample within the invariants"
		if threshold != nil {
			at := &query{label: "the threshold within the invariants", decls: e.decls(), defs: r.models.get(e.model()),
				asserts: append(append(append(e.domain(), hypSMT(e.ctx, e.proven, e.inv, e.at)...), fmt.Sprintf("(= %s %s)", e.x, threshold)), e.failsCall()),
				values:  e.decls()}
			n++
			as, err := r.solveAll(ctx, []*query{at})
			if err != nil {
				return finding{queries: n, err: err}
			}
			if as[0].status == "sat" {
				a = as[0]
				what = fmt.Sprintf("the threshold %s = %s lies within the invariants", site.Threshold.Symbol, commas(threshold))
			}
		}
		text, ok := e.replay(a)
		if !ok {
			return finding{queries: n, err: fmt.Errorf("the solver's counterexample (%s) does not replay through the Go code", text)}
		}
		return finding{queries: n, counterexample: what + ": " + text}
	}
	d := fmt.Sprintf("%d queries unsat", n)
	if n == 1 {
		d = "unsat"
	}
	return finding{holds: true, queries: n, detail: d}
}

// safeQuery is the query of the safety lemma: the operation fails although its context and
// invariants hold.
func (e *siteEnc) safeQuery(r *run) *query {
	return &query{label: "the operation under the invariants", decls: e.decls(), defs: r.models.get(e.model()),
		asserts: append(append(e.domain(), hypSMT(e.ctx, e.proven, e.inv)...), e.failsCall()),
		values:  e.decls()}
}

// replay describes a counterexample and runs it through the Go code: the site's declared
// operations (spec.Site.Eval, the arithmetic the model's code runs at the site), on the
// operands the declaration gives the counterexample's values. An operand that does not fit
// a uint64 (an exact sum) cannot be replayed, and the text says where the spec raises
// first. ok is false when the declared operations do not fail on the counterexample (the
// encoding or the model is wrong, and the lemma fails), or when the site has no
// declaration.
func (e *siteEnc) replay(a answer) (text string, ok bool) {
	if len(e.ops) == 0 {
		return e.describe(a) + ": the site has no declaration (spec.Site) to replay it through", false
	}
	args := make([]*big.Int, len(e.vars))
	for i, v := range e.vars {
		if args[i] = a.values[v]; args[i] == nil {
			return e.describe(a), false
		}
	}
	fails, why, fits := e.goVerdict(args)
	switch {
	case !fits:
		return e.describe(a) + ": " + why + ": an exact sum beyond 2**64 - 1, where the spec's arithmetic raises first", true
	case !fails:
		return e.describe(a), false
	}
	return e.describe(a) + "; replayed " + e.replayedBy() + ": " + why, true
}

// replayedBy says what a counterexample is replayed through.
func (e *siteEnc) replayedBy() string {
	return "through the site's declared operations (spec.Site.Eval)"
}
