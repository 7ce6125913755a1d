package proofs

import (
	"context"
	"fmt"
	"slices"
	"time"
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
		// The three answers are needed only while they say tautology: implies is sent
		// first, converse only if it is unsat, restricts only if both are. The last two
		// are satisfiable unless the lemma is a tautology, so they go to smallFirst.
		unsat := true
		for i, q := range []*query{implies, converse, restricts} {
			solve := r.solve
			if i > 0 {
				solve = r.smallFirst
			}
			a, err := solve(ctx, q)
			f.queries++
			if err != nil {
				// The check could not decide (a solver timeout): the lemma stays as proved,
				// saying so.
				f.detail += "; tautology check undecided: " + err.Error()
				return f
			}
			if want := map[bool]string{true: "unsat", false: "sat"}[i < 2]; a.status != want {
				unsat = false
				break
			}
		}
		if unsat {
			f.unchecked = fmt.Sprintf("assumes its conclusion: the hypothesis %q is equivalent to the site not failing (tautology check: both implications unsat), so the proof rests on that hypothesis alone", h.doc)
			return f
		}
	}
	return f
}

func (r *run) solve(ctx context.Context, q *query) (answer, error) { return r.solver.check(ctx, q) }

// smallFirst answers q, first trying it with every variable at most smallBound, for at most
// smallTimeout: a model of that query is a model of q. A non-linear query that is
// satisfiable with small values can take z3 seconds over the whole 64-bit range (the
// tautology check of get_base_reward_sqrt_division_safe, s*s <= total < (s+1)*(s+1): about
// 6 s per query, 0.2 s bounded). On anything but sat, q itself is solved.
func (r *run) smallFirst(ctx context.Context, q *query) (answer, error) {
	small := *q
	small.asserts = slices.Clone(q.asserts)
	for _, d := range q.decls {
		small.asserts = append(small.asserts, fmt.Sprintf("(<= %s %d)", d, smallBound))
	}
	sctx, cancel := context.WithTimeout(ctx, smallTimeout)
	a, err := r.solver.check(sctx, &small)
	cancel()
	if err == nil && a.status == "sat" {
		return a, nil
	}
	if ctx.Err() != nil {
		return a, ctx.Err()
	}
	return r.solver.check(ctx, q)
}

const (
	smallBound   = 1 << 16
	smallTimeout = 5 * time.Second
)
