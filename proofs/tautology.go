package proofs

import (
	"context"
	"fmt"
	"slices"
)

// tautology checks a proved site safety lemma for a hypothesis that states its conclusion:
// an invariant hypothesis h that restricts the operands (not h is satisfiable: h is not a
// rule of the config the context already implies) and that, under the operation's context,
// holds exactly when the operation does not fail (h and fails is unsat, and so is not h and
// not fails). Such a
// lemma's query is unsat whatever the code does; it proves nothing beyond the hypothesis,
// and is reported not checked, naming the hypothesis. Lemmas proved by several queries (an
// induction) are not examined.
func (r *run) tautology(ctx context.Context, e *siteEnc, f finding) finding {
	if !f.holds || e.queries != nil || len(e.inv) == 0 {
		return f
	}
	defs := r.models.get(e.model())
	// The proved invariants a re-derivation instantiates (e.proven) are part of the
	// context: they are not assumed, so they are not examined.
	base := append(e.domain(), hypSMT(e.ctx, e.proven)...)
	for _, h := range e.inv {
		implies := &query{label: "hypothesis implies the conclusion", decls: e.decls(), defs: defs,
			asserts: append(slices.Clone(base), h.smt, e.failsCall())}
		converse := &query{label: "the conclusion implies the hypothesis", decls: e.decls(), defs: defs,
			asserts: append(slices.Clone(base), "(not "+h.smt+")", "(not "+e.failsCall()+")")}
		// A hypothesis the context already implies (a rule of the config: a ground term) is
		// not an assumption about the operands, and not a tautology of the lemma.
		restricts := &query{label: "the hypothesis restricts the operands", decls: e.decls(), defs: defs,
			asserts: append(slices.Clone(base), "(not "+h.smt+")")}
		as, err := r.solveAll(ctx, []*query{implies, converse, restricts})
		f.queries += 3
		if err != nil {
			// The check could not decide (a solver timeout): the lemma stays as proved,
			// saying so.
			f.detail += "; tautology check undecided: " + err.Error()
			return f
		}
		if as[0].status == "unsat" && as[1].status == "unsat" && as[2].status == "sat" {
			f.unchecked = fmt.Sprintf("assumes its conclusion: the hypothesis %q is equivalent to the site not failing (tautology check: both implications unsat), so the proof rests on that hypothesis alone", h.doc)
			return f
		}
	}
	return f
}
