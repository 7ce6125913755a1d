package proofs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// This file makes the invariant lemmas: for every proof obligation (spec.InvariantObligations:
// a state-mutating function whose frame touches an invariant's fields) a lemma that the
// function preserves the invariant; a lemma per invariant that genesis establishes it; and
// for the active-validator cap (the fix), its inductiveness and the committee bound it gives
// for every reachable state.
//
// A direct function's lemma is one query: the abstraction's facts on both states, every
// inductive invariant on the state before (all of them are proved preserved together: a
// simultaneous induction), the active-validator cap too for the fix invariant, the function's
// transition relation (transitions.go) and the equalities of what it does not write, and the
// negated invariant on the state after; unsat proves it. A composite function's lemma
// follows from its callees' lemmas, one for each invariant assumed, by composition: the
// query chains the callees' instantiated lemmas as implications between the states they
// leave, any number of times each, and asks for the invariant to fail at the end.

// slotIncrement is the step of process_slots's loop that is not a spec function call:
// state.slot += 1.
const slotIncrement = "process_slots_slot_increment"

// preserveName is the name of the lemma that fn preserves inv.
func preserveName(fn, inv string) string { return fn + "_preserves_" + inv }

// genesisName is the name of the lemma that genesis establishes inv.
func genesisName(inv string) string { return "genesis_establishes_" + inv }

// obligationsOf lists the invariants fn has an obligation for (spec.InvariantObligations),
// and, for a program step that is not a spec function (process_slots's increment), every
// inductive and fix invariant.
func obligationsOf(fn string) []string {
	if fn == slotIncrement {
		return append(inductiveInvariants(), "active_validator_cap")
	}
	var out []string
	for _, o := range spec.InvariantObligations() {
		if o.Func == fn {
			out = append(out, o.Invariant)
		}
	}
	return out
}

// assumedFor are the invariants assumed on the state before, in the proof of inv: the
// inductive ones, and the active-validator cap for itself.
func assumedFor(inv string) []string {
	out := inductiveInvariants()
	if inv == "active_validator_cap" {
		out = append(out, inv)
	}
	return out
}

// invariantLemmas are the lemmas of this file for cfg.
func invariantLemmas(cfg *spec.Config) []*Lemma {
	a := newAbsEnv(cfg)
	var out []*Lemma
	out = append(out, monotoneLemma(a))
	targets := append(inductiveInvariants(), "active_validator_cap")
	for _, inv := range targets {
		out = append(out, genesisLemma(a, inv))
	}
	// Every function with an obligation, the program steps that are not spec functions, in
	// obligation order.
	var fns []string
	for _, o := range spec.InvariantObligations() {
		if !slices.Contains(fns, o.Func) {
			fns = append(fns, o.Func)
		}
	}
	fns = append(fns, slotIncrement)
	// Direct functions first, then the composites in the order of composites (callees
	// before callers), so that every chain names earlier lemmas.
	for _, fn := range fns {
		if _, ok := programOf(fn); !ok {
			for _, inv := range obligationsOf(fn) {
				out = append(out, preservationLemma(a, fn, inv))
			}
		}
	}
	for _, p := range composites {
		for _, inv := range obligationsOf(p.fn) {
			out = append(out, compositionLemma(a, p.fn, inv))
		}
	}
	out = append(out, capInductiveLemma(fns), fixReachableLemma(cfg))
	return out
}

func invStatement(inv string) string {
	c, _ := invClauseByName(inv)
	return c.doc
}

// preservationLemma is the lemma that the direct function fn preserves inv.
func preservationLemma(a *absEnv, fn, inv string) *Lemma {
	t, ok := transitionOf(fn)
	c, cok := invClauseByName(inv)
	l := &Lemma{
		Name:       preserveName(fn, inv),
		Statement:  fmt.Sprintf("%s preserves %s: %s.", fn, inv, invStatement(inv)),
		Formula:    fmt.Sprintf("facts(s) and facts(s') and %s(s) and R_%s(s, s') and not %s(s'): unsat, for an arbitrary validator j and epoch e", strings.Join(assumedFor(inv), "(s) and "), fn, inv),
		Hypotheses: []string{"every inductive invariant on the state before (a simultaneous induction: each is proved preserved)", "the transition relation of " + fn + ": " + t.doc},
		Spec:       []string{fn},
		Method:     SMT,
		Split:      "none: one query; every validator is covered by the arbitrary index j",
	}
	if inv == "active_validator_cap" {
		l.Hypotheses = append(l.Hypotheses, "the upper-bound fix (Model.CapActiveValidators)", "after the call, the count at an epoch at or beyond the activation epoch is at most the count at the activation epoch (active_count_monotone_beyond_lookahead, with slot_bound after the call)")
		l.Chain = []string{"active_count_monotone_beyond_lookahead"}
	}
	if !ok || !cok {
		l.check = func(context.Context, *run) finding {
			return finding{err: fmt.Errorf("no transition relation for %s or no encoding of %s (proofs/transitions.go, proofs/invariants.go)", fn, inv)}
		}
		return l
	}
	q := preservationQuery(a, t, inv)
	l.check = func(ctx context.Context, r *run) finding { return r.proveAll(ctx, []*query{q}, showValues) }
	l.queries = []*query{q}
	_ = c
	return l
}

// preservationQuery is the query of preservationLemma.
func preservationQuery(a *absEnv, t transition, inv string) *query {
	c, _ := invClauseByName(inv)
	decls := append(append(sfx(absNames(), 0), sfx(absNames(), 1)...), "j", "e")
	asserts := []string{"(<= 0 j)", fmt.Sprintf("(<= 0 e %s)", u64Max), a.at(absFacts, 0), a.at(absFacts, 1)}
	for _, h := range assumedFor(inv) {
		hc, _ := invClauseByName(h)
		asserts = append(asserts, a.at(hc.smt, 0))
	}
	asserts = append(asserts, a.rel(t.rel), t.frameEqs(a))
	if inv == "active_validator_cap" {
		if t.relFix != "" {
			asserts = append(asserts, a.rel(t.relFix))
		}
		asserts = append(asserts, a.at("(=> (>= e $A) (<= @ae @aA))", 1))
	}
	asserts = append(asserts, a.at("(< j @n)", 1), "(not "+a.at(c.smt, 1)+")")
	return &query{label: t.fn + " / " + inv, decls: decls, asserts: asserts, values: []string{"j", "e", "slot_0", "n_0", "n_1"}}
}

// compositionLemma is the lemma that the program fn preserves inv, from its callees'.
func compositionLemma(a *absEnv, fn, inv string) *Lemma {
	p, _ := programOf(fn)
	var chain, steps []string
	for _, c := range p.callees {
		var used []string
		for _, h := range assumedFor(inv) {
			if slices.Contains(obligationsOf(c), h) {
				chain = append(chain, preserveName(c, h))
				used = append(used, h)
			}
		}
		if len(used) == 0 {
			steps = append(steps, c+" (writes none of their fields: its frame)")
		} else {
			steps = append(steps, c+" ("+strings.Join(used, ", ")+")")
		}
	}
	l := &Lemma{
		Name:       preserveName(fn, inv),
		Statement:  fmt.Sprintf("%s preserves %s, because every function it calls preserves the invariants assumed (%s).", fn, inv, strings.Join(assumedFor(inv), ", ")),
		Formula:    fmt.Sprintf("I(s_0) and (I(s_i) => I(s_i+1)) for each call of %s => %s(s_n), I the conjunction of the assumed invariants", strings.Join(p.callees, ", "), inv),
		Hypotheses: []string{"the callees' preservation lemmas (the chain)", "the calls in the Go body are the program's (TestProgramsMatchCalls)"},
		Spec:       append([]string{fn}, p.callees...),
		Method:     Derived,
		Chain:      chain,
		Argument:   "Each call, in any number and order, goes from a state satisfying the assumed invariants to one satisfying them: " + strings.Join(steps, "; ") + ". The query instantiates those premises along a run of the program and asks for the invariant to fail at its end.",
	}
	q := compositionQuery(len(p.callees), inv)
	l.queries = []*query{q}
	l.check = derivedBy([]*query{q})
	return l
}

// compositionQuery: a run of k steps (each step any of the callees, whose lemmas say that a
// state satisfying the assumed invariants leads to one satisfying them), with the
// invariants as Bool constants per state; unsat when the end state must satisfy inv. A loop
// repeats steps: three rounds of the program stand for any number (the argument is the
// same at every step).
func compositionQuery(k int, inv string) *query {
	n := 3 * k
	var decls, asserts []string
	for i := 0; i <= n; i++ {
		decls = append(decls, fmt.Sprintf("I_%d", i))
	}
	asserts = append(asserts, "(= I_0 1)")
	for i := 0; i < n; i++ {
		// The premise of step i: I(s_i) => I(s_i+1); I is 0 or 1.
		asserts = append(asserts, fmt.Sprintf("(<= 0 I_%d 1)", i+1), fmt.Sprintf("(=> (= I_%d 1) (= I_%d 1))", i, i+1))
	}
	asserts = append(asserts, fmt.Sprintf("(not (= I_%d 1))", n))
	return &query{label: "composition", decls: decls, asserts: asserts, values: []string{fmt.Sprintf("I_%d", n)}}
}

// genesisRel is what initialize_beacon_state_from_eth1 leaves, over the state after (^v).
const genesisRel = "(and (= ^slot 0) (= ^hdr 0) (= ^pj 0) (= ^cj 0) (= ^fin 0) (= ^lbr $SPHR) (= ^lsr $SPHR) (= ^lrm $EPHV) (= ^lsl $EPSV)" +
	" (= ^nb ^n) (<= ^n $DEP) (= ^pmax 0) (= ^X 0) (= ^m 0)" +
	" (=> (< j ^n) (and (or (= ^elig $U) (= ^elig 0)) (or (= ^act $U) (= ^act 0)) (= ^exit $U) (= ^wd $U)" +
	" (= ^eb (ite (< (- ^bal (mod ^bal $INC)) $MAXEB) (- ^bal (mod ^bal $INC)) $MAXEB)))))"

// genesisRelFix is what genesis leaves with the fix: it activates at most the cap, all at
// GENESIS_EPOCH, so no epoch has more active validators.
const genesisRelFix = "(<= ^ae $CAP)"

func genesisLemma(a *absEnv, inv string) *Lemma {
	c, _ := invClauseByName(inv)
	l := &Lemma{
		Name:      genesisName(inv),
		Statement: fmt.Sprintf("The genesis state (initialize_beacon_state_from_eth1) satisfies %s: %s.", inv, c.doc),
		Formula:   fmt.Sprintf("facts(s) and G(s) and not %s(s): unsat", inv),
		Hypotheses: []string{"G: slot 0, zero checkpoints and header slot, the vectors at their lengths, one balance per validator, at most 2**32 - 1 validators (one per deposit, [deposit_contract]), no pending attestations, no exits, " +
			"every validator eligible and active at GENESIS_EPOCH or not at all, its effective balance min(balance - balance % EFFECTIVE_BALANCE_INCREMENT, MAX_EFFECTIVE_BALANCE) (TestTransitionsMatchCode evaluates G on genesis states)"},
		Spec:   []string{"initialize_beacon_state_from_eth1"},
		Method: SMT,
		Split:  "none: one query",
	}
	asserts := []string{"(<= 0 j)", fmt.Sprintf("(<= 0 e %s)", u64Max), a.at(absFacts, 1), a.rel(genesisRel)}
	if inv == "active_validator_cap" {
		l.Hypotheses = append(l.Hypotheses, "with the fix, genesis activates at most ActiveValidatorCap() validators, all at GENESIS_EPOCH")
		asserts = append(asserts, a.rel(genesisRelFix))
	}
	asserts = append(asserts, a.at("(< j @n)", 1), "(not "+a.at(c.smt, 1)+")")
	q := &query{label: "genesis / " + inv, decls: append(sfx(absNames(), 1), "j", "e"), asserts: asserts, values: []string{"j", "n_1"}}
	l.queries = []*query{q}
	l.check = func(ctx context.Context, r *run) finding { return r.proveAll(ctx, []*query{q}, showValues) }
	return l
}

// monotoneLemma: once every activation epoch is at most the activation epoch A of the
// state (slot_bound), a validator active at an epoch e >= A is active at A; so the count
// at e is at most the count at A.
func monotoneLemma(a *absEnv) *Lemma {
	q := &query{label: "one validator", decls: []string{"slot", "act", "exit", "e"},
		asserts: []string{inU64("slot"), inU64("act"), inU64("exit"), inU64("e"),
			a.consts.Replace("(let ((A (+ (div slot $S) 1 $MSL))) (and (or (= act $U) (<= act A)) (>= e A) (<= act e) (< e exit) (not (and (<= act A) (< A exit)))))")},
		values: []string{"slot", "act", "exit", "e"}}
	l := &Lemma{
		Name:       "active_count_monotone_beyond_lookahead",
		Statement:  "In a state satisfying slot_bound, every validator active at an epoch e at or beyond A = current epoch + 1 + MAX_SEED_LOOKAHEAD is active at A; so no epoch from A on has more active validators than A.",
		Formula:    "for all slot, act, exit, e in [0, 2**64 - 1], A = slot // S + 1 + MAX_SEED_LOOKAHEAD: (act = FAR or act <= A) and e >= A and act <= e < exit => act <= A < exit",
		Hypotheses: []string{"slot_bound: every activation epoch is FAR_FUTURE_EPOCH or at most A"},
		Spec:       []string{"is_active_validator", "get_active_validator_indices"},
		Method:     SMT,
		Split:      "one query about one validator; the count follows because the validators active at e are then a subset of those active at A",
		queries:    []*query{q},
	}
	l.check = func(ctx context.Context, r *run) finding { return r.proveAll(ctx, []*query{q}, showValues) }
	return l
}

// capInductiveLemma: the cap holds in every reachable state of the fixed model.
func capInductiveLemma(fns []string) *Lemma {
	chain := []string{genesisName("active_validator_cap")}
	for _, fn := range fns {
		if slices.Contains(obligationsOf(fn), "active_validator_cap") {
			chain = append(chain, preserveName(fn, "active_validator_cap"))
		}
	}
	q := &query{label: "induction", decls: []string{"G", "P", "I_s", "I_t"},
		asserts: []string{"(<= 0 G 1)", "(<= 0 P 1)", "(<= 0 I_s 1)", "(<= 0 I_t 1)",
			// the premises: genesis establishes it, state_transition preserves it
			"(= G 1)", "(= P 1)",
			// base case and step, instantiated: a state reached from genesis in k + 1 steps
			"(=> (= G 1) (= I_s 1))", "(=> (and (= P 1) (= I_s 1)) (= I_t 1))",
			"(not (= I_t 1))"},
		values: []string{"I_t"}}
	l := &Lemma{
		Name:       "active_validator_cap_inductive",
		Statement:  "With the upper-bound fix, every state reachable from genesis has at most ActiveValidatorCap() validators active at every epoch: genesis establishes it, and every state-mutating function (hence state_transition) preserves it.",
		Formula:    "G establishes cap and for all s, block: cap(s) => cap(state_transition(s, block)), hence cap holds in every reachable state",
		Hypotheses: []string{"the upper-bound fix (Model.CapActiveValidators)", "the inductive invariants (the induction is simultaneous)"},
		Spec:       []string{"state_transition", "initialize_beacon_state_from_eth1", "process_registry_updates"},
		Method:     Derived,
		Chain:      chain,
		Argument:   "Induction on the number of state transitions from genesis: the base case is genesis_establishes_active_validator_cap, the step state_transition_preserves_active_validator_cap (itself composed from its callees' lemmas). The query instantiates both for a state reached in k steps and its successor.",
		queries:    []*query{q},
	}
	l.check = derivedBy([]*query{q})
	return l
}

// fixReachableLemma: with the fix, no committee of a reachable state is longer than its
// bitlist, for every registry size up to VALIDATOR_REGISTRY_LIMIT.
func fixReachableLemma(cfg *spec.Config) *Lemma {
	S, K, L := cfg.SlotsPerEpoch, cfg.MaxValidatorsPerCommittee, cfg.ValidatorRegistryLimit
	capV := cfg.ActiveValidatorCap()
	l := &Lemma{
		Name:      "committee_fits_bitlist_in_reachable_states_with_fix",
		Statement: "With the upper-bound fix, in every state reachable from genesis, for every registry of up to VALIDATOR_REGISTRY_LIMIT validators, no committee has more than MAX_VALIDATORS_PER_COMMITTEE members: the active-validator cap is an invariant, so the V of any epoch a state computes committees for is within it.",
		Formula: "for all reachable s, epoch e, V = |active(s, e)| <= len(s.validators) <= L, C = S * committees_per_slot(V): " +
			"cap(s) (active_validator_cap_inductive) => ceil(V / C) <= K, hence every committee length <= K",
		Hypotheses: []string{"the upper-bound fix (Model.CapActiveValidators)", "index < get_committee_count_per_slot (asserted by process_attestation)"},
		Spec:       []string{"get_beacon_committee", "compute_committee", "get_attesting_indices"},
		Go:         []string{"spec.Model.GetAttestingIndices", "spec.ComputeCommitteeRange"},
		Sites:      []string{"get_attesting_indices_bit_read"},
		Method:     SMT,
		Split:      splitPerC("; V ranges over [0, VALIDATOR_REGISTRY_LIMIT] and the cap is the invariant's instance at the epoch, a premise (active_validator_cap_inductive), not an assumption"),
		Chain:      []string{"active_validator_cap_inductive", "committees_per_slot_in_range", "committee_length_floor_or_ceil"},
	}
	l.check = func(ctx context.Context, r *run) finding {
		qs := r.perC(func(c uint64) *query {
			C := c * S
			return &query{decls: []string{"V", "capped"}, defs: r.models.get("committees_per_slot"),
				asserts: []string{fmt.Sprintf("(<= 0 V %d)", L),
					// the invariant's instance: capped = 1 says V <= cap, and the premise says it holds
					fmt.Sprintf("(= capped (ite (<= V %d) 1 0))", capV), "(= capped 1)",
					fmt.Sprintf("(= (committees_per_slot V) %d)", c),
					fmt.Sprintf("(> (div (+ V %d) %d) %d)", C-1, C, K)},
				values: []string{"V"}}
		})
		return r.proveAll(ctx, qs, showValues)
	}
	return l
}

// derivedBy checks a derived lemma by its queries: unsat for each proves the conclusion
// from the instantiated premises.
func derivedBy(qs []*query) func(ctx context.Context, r *run) finding {
	return func(ctx context.Context, r *run) finding {
		f := r.proveAll(ctx, qs, showValues)
		if f.holds {
			f.detail = "conclusion from the instantiated premises: " + f.detail
		}
		return f
	}
}
