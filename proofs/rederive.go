package proofs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// This file re-derives site safety lemmas whose hypothesis the tautology check found
// equivalent to their conclusion (an index below its list's length, an epoch below the last
// one, ...). Each re-derivation replaces that hypothesis by what the conclusion follows
// from:
//
//   - sources: where the operands come from in the code (the list read is state.balances;
//     the index was a validator index when it was computed; the loop's condition; the
//     expression that computed a divisor). They are the lemma's invariant hypotheses, and
//     the tautology check examines each: a source equivalent to the conclusion on its own
//     leaves the lemma not checked, as before;
//   - proved invariants: the clauses of invariants.go (the very templates the preservation
//     lemmas prove), instantiated on the abstract state the site reads (suffix _0) with its
//     facts; the lemma's chain names their genesis and state_transition lemmas, so it is
//     proved only once they are. The tautology check does not examine them: they are not
//     assumed.
//
// A site with no such derivation keeps its encoding's hypothesis (and stays not checked).

// rederivation is the derivation of one site's safety.
type rederivation struct {
	extra   []string // the variables the sources speak of, besides the abstract state
	sources []hyp    // replace the encoding's inv
	uses    []string // the proved invariants instantiated on the state read
	chain   []string // other proved lemmas the sources rest on
	proven  []hyp    // instances of proved lemmas other than invariants.go's (appendbound.go)
	// refutedBy, if set, says why the conclusion does not follow from the transition's
	// invariants: the lemma is expected refuted, with the solver's counterexample.
	refutedBy string
}

const (
	srcBalances   = "length = len(state.balances): the list read"
	srcValidators = "length = len(state.validators): the list read"
	srcEnumerated = "index < n_src <= 2**64 - 1: the index was an element of enumerate(state.validators) (or range(len(state.validators))) of a state with n_src validators, when the caller computed or read it"
	srcNoShrink   = "n_src <= n_0: no function removes a validator, so the registry at the read is at least as long (registry_never_shrinks)"
	srcDeltas     = "length = n_0: the delta lists are [Gwei(0) for _ in range(len(state.validators))], built from the state read"
)

// enumerated: an index computed from a registry of n_src validators, read at s_0.
func enumerated(length string) []hyp {
	return []hyp{
		{"(< index n_src)", srcEnumerated},
		{"(<= n_src n_0)", srcNoShrink},
		{length, map[string]string{"(= length nb_0)": srcBalances, "(= length n_0)": srcValidators}[length]},
	}
}

// rederivations are the re-derived sites, by ID.
func rederivations(cfg *spec.Config) map[string]rederivation {
	S := cfg.SlotsPerEpoch
	inc := uint64(cfg.EffectiveBalanceIncrement)
	balanceRead := rederivation{extra: []string{"n_src"}, sources: enumerated("(= length nb_0)"), uses: []string{"vector_lengths"}, chain: []string{"registry_never_shrinks"}}
	deltasRead := rederivation{extra: []string{"n_src"}, sources: append(enumerated("(= length n_0)")[:2], hyp{"(= length n_0)", srcDeltas}), chain: []string{"registry_never_shrinks"}}
	validatorRead := rederivation{extra: []string{"n_src"}, sources: enumerated("(= length n_0)"), chain: []string{"registry_never_shrinks"}}
	return map[string]rederivation{
		"increase_balance_read":                    balanceRead,
		"decrease_balance_read":                    balanceRead,
		"process_final_updates_balance_read":       balanceRead,
		"initialize_balance_read":                  balanceRead,
		"get_attestation_component_deltas_reads":   deltasRead,
		"get_inactivity_penalty_deltas_reads":      deltasRead,
		"compute_proposer_index_validator_read":    validatorRead,
		"get_total_balance_validator_read":         validatorRead,
		"get_unslashed_attesting_indices_read":     validatorRead,
		"get_base_reward_validator_read":           validatorRead,
		"get_inclusion_delay_deltas_attester_read": validatorRead,
		"initiate_validator_exit_read":             validatorRead,
		"slash_validator_validator_read":           validatorRead,
		"process_attester_slashing_validator_read": validatorRead,
		"process_block_header_proposer_read":       validatorRead,
		"process_randao_proposer_read":             validatorRead,
		"get_inclusion_delay_deltas_proposer_read": {
			sources: []hyp{
				{"(< index pmax_0)", "index < pmax_0: the proposer_index of a pending attestation of the state read, below 1 + the largest one (the abstract quantity pmax)"},
				{"(= length n_0)", srcDeltas},
			},
			uses: []string{"indices_in_registry"},
		},
		"compute_start_slot_at_epoch_product": {
			sources: []hyp{{fmt.Sprintf("(<= epoch (div slot_0 %d))", S), "epoch <= state.slot // SLOTS_PER_EPOCH: get_block_root, the only caller, passes the previous or current epoch of the state read"}},
			uses:    []string{"slot_bound"},
		},
		"process_slots_next_slot": {
			extra: []string{"target"},
			sources: []hyp{
				{"(< slot target)", "state.slot < slot: the loop's condition"},
				{inU64("target"), "slot, process_slots' target, is a uint64 (the block's slot)"},
			},
		},
		"get_attestation_component_deltas_division": {
			extra:   []string{"sum"},
			sources: []hyp{{fmt.Sprintf("(= total (ite (> sum %[1]d) sum %[1]d))", inc), "total = max(EFFECTIVE_BALANCE_INCREMENT, sum): get_total_balance's return, via get_total_active_balance"}},
		},
		"get_inclusion_delay_deltas_delay_division": {
			extra: []string{"state_slot", "data_slot"},
			sources: []hyp{
				{"(= inclusion_delay (- state_slot data_slot))", "inclusion_delay = state.slot - data.slot: the PendingAttestation process_attestation appended"},
				{fmt.Sprintf("(<= (+ data_slot %d) state_slot)", cfg.MinAttestationInclusionDelay), "data.slot + MIN_ATTESTATION_INCLUSION_DELAY <= state.slot: process_attestation's assert, before the append"},
			},
		},
		"get_finality_delay_difference": {
			sources: []hyp{
				{fmt.Sprintf("(= previous_epoch (ite (> (div slot_0 %[1]d) 0) (- (div slot_0 %[1]d) 1) 0))", S), "previous_epoch = get_previous_epoch(state) of the state read"},
				{"(= finalized_epoch fin_0)", "finalized_epoch = state.finalized_checkpoint.epoch of the state read"},
			},
			uses: []string{"slot_bound"},
		},
		appendBounds(cfg)[0].site: appendBounds(cfg)[0].rederivation(cfg),
		appendBounds(cfg)[1].site: appendBounds(cfg)[1].rederivation(cfg),
		"process_operations_outstanding_deposits": {
			sources:   []hyp{},
			refutedBy: "no invariant of the transition keeps eth1_deposit_index <= eth1_data.deposit_count: process_eth1_data adopts whatever deposit_count a majority of a period's blocks votes for, lower than the deposits already processed too; only the environment assumption deposit_contract (an honest majority of Eth1 votes) excludes it",
		},
	}
}

// rederive applies the re-derivations to the encodings.
func rederive(cfg *spec.Config, encs []*siteEnc) {
	rs := rederivations(cfg)
	a := newAbsEnv(cfg)
	for _, e := range encs {
		r, ok := rs[e.id]
		if !ok {
			continue
		}
		e.replaced = hypDocs(e.inv)
		e.inv = slices.Clone(r.sources)
		e.extra = append(e.extra, r.extra...)
		e.chain = slices.Clone(r.chain)
		e.refutedBy = r.refutedBy
		e.proven = append(e.proven, r.proven...)
		if usesAbs(r) {
			e.extra = append(e.extra, sfx(absNames(), 0)...)
			e.extra = append(e.extra, "j", "e")
			e.proven = append(e.proven, hyp{a.at(absFacts, 0), "the abstract state read: the ranges of its quantities and their definitions (invariants.go)"})
		}
		for _, inv := range r.uses {
			c, _ := invClauseByName(inv)
			e.proven = append(e.proven, hyp{a.at(c.smt, 0), fmt.Sprintf("%s on the state read, proved inductive: %s", inv, c.doc)})
			e.chain = append(e.chain, genesisName(inv), preserveName("state_transition", inv))
		}
	}
}

// usesAbs reports whether a re-derivation speaks of the abstract state.
func usesAbs(r rederivation) bool {
	if len(r.uses) > 0 {
		return true
	}
	for _, h := range r.sources {
		for _, v := range absNames() {
			if mentions(h.smt, v+"_0") {
				return true
			}
		}
	}
	return false
}

// mentions reports whether the SMT term has the symbol name.
func mentions(term, name string) bool {
	return slices.Contains(strings.FieldsFunc(term, func(r rune) bool { return r == '(' || r == ')' || r == ' ' }), name)
}

// registryNeverShrinksLemma: no state-mutating function shortens the registry.
func registryNeverShrinksLemma(cfg *spec.Config) *Lemma {
	a := newAbsEnv(cfg)
	var qs []*query
	for _, t := range transitions {
		decls := append(append(sfx(absNames(), 0), sfx(absNames(), 1)...), "j", "e")
		qs = append(qs, &query{label: t.fn, decls: decls,
			asserts: []string{"(<= 0 j)", fmt.Sprintf("(<= 0 e %s)", u64Max), a.at(absFacts, 0), a.at(absFacts, 1), a.rel(t.rel), t.frameEqs(a), "(< n_1 n_0)"},
			values:  []string{"n_0", "n_1"}})
	}
	l := &Lemma{
		Name:       "registry_never_shrinks",
		Statement:  "No state-mutating function removes a validator: len(state.validators) after each is at least what it was before; so an index that was a validator index stays one.",
		Formula:    "for every direct function f: facts(s) and facts(s') and R_f(s, s') and n(s') < n(s): unsat; the composites are sequences of them",
		Hypotheses: []string{"the transition relations of transitions.go, held to the code by TestTransitionsMatchCode"},
		Spec:       []string{"state_transition"},
		Method:     SMT,
		Split:      "one query per direct function's transition relation",
		queries:    qs,
	}
	l.check = func(ctx context.Context, r *run) finding { return r.proveAll(ctx, qs, showValues) }
	return l
}
