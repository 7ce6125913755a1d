package proofs

import (
	"slices"
	"strings"
)

// This file holds the effect of every state-mutating spec function on the abstract state of
// invariants.go, as an SMT-LIB transition relation: a template over the quantities before
// (@v) and after (^v) the call, for a call that returned without error (a call that fails
// leaves the caller's state unchanged). Quantities a relation does not list as written are
// unchanged. TestTransitionsMatchCode runs each function on real states and evaluates its
// relation on the values before and after; TestProgramsMatchCalls holds the composite
// functions' programs to the calls in their Go bodies.

// transition is the effect of one spec function on the abstract state.
type transition struct {
	fn     string   // the spec function
	writes []string // the quantities that may change
	rel    string   // the relation, a template of two states (absEnv.rel)
	// relFix is what holds only with the upper-bound fix (Model.CapActiveValidators); it
	// is assumed only in the proofs of fix invariants, and tested on the fixed model.
	relFix string
	doc    string
}

// Relations shared by the functions that initiate exits.
const (
	// exitsRel: exits only go from FAR_FUTURE_EPOCH to an epoch no earlier than
	// compute_activation_exit_epoch(current epoch) and at most the largest exit epoch
	// after the call; the largest exit epoch grows by at most one per exit (the exit queue:
	// max(largest, earliest), plus one when that epoch's churn is full); exits only lower
	// the active counts, and nothing else of the validator changes.
	exitsRel = "(>= ^X @X) (>= ^m @m) (<= ^m (+ (ite (> @m $A) @m $A) (- ^X @X)))" +
		" (=> (distinct @exit $U) (= ^exit @exit))" +
		" (=> (distinct ^exit @exit) (and (= @exit $U) (<= $A ^exit ^m)))" +
		" (<= ^ae @ae) (<= ^aA @aA)"
	// initiateWd: withdrawable_epoch = exit_epoch + MIN_VALIDATOR_WITHDRAWABILITY_DELAY for a
	// new exit, and unchanged otherwise.
	initiateWd = " (ite (distinct ^exit @exit) (= ^wd (+ ^exit $MWD)) (= ^wd @wd))"
	// slashWd: slash_validator's withdrawable_epoch = max(withdrawable_epoch,
	// epoch + EPOCHS_PER_SLASHINGS_VECTOR) after initiate_validator_exit: when it changes,
	// it is at most the larger of the new exit's and epoch + EPOCHS_PER_SLASHINGS_VECTOR.
	slashWd = " (=> (distinct ^wd @wd) (<= ^wd (ite (> (+ ^exit $MWD) (+ $cur $EPSV)) (+ ^exit $MWD) (+ $cur $EPSV))))" +
		" (=> (= ^exit @exit) (=> (distinct ^wd @wd) (= ^wd (+ $cur $EPSV))))"
)

var transitions = []transition{
	{fn: "increase_balance", writes: []string{"bal"}, rel: "true",
		doc: "only balances[index] changes; len(balances) does not"},
	{fn: "decrease_balance", writes: []string{"bal"}, rel: "true",
		doc: "only balances[index] changes; len(balances) does not"},
	{fn: "initiate_validator_exit", writes: []string{"exit", "wd", "X", "m", "ae", "aA"},
		rel: "(and (<= ^X (+ @X 1)) " + exitsRel + initiateWd + ")",
		doc: "at most one exit (the index's); the exit queue rule"},
	{fn: "slash_validator", writes: []string{"exit", "wd", "X", "m", "ae", "aA", "bal"},
		rel: "(and (<= ^X (+ @X 1)) " + exitsRel + slashWd + ")",
		doc: "initiate_validator_exit, then withdrawable_epoch = max(withdrawable_epoch, epoch + EPOCHS_PER_SLASHINGS_VECTOR), slashings[epoch % EPOCHS_PER_SLASHINGS_VECTOR] grows (not its length), and balances change"},
	{fn: "process_proposer_slashing", writes: []string{"exit", "wd", "X", "m", "ae", "aA", "bal"},
		rel: "(and (<= ^X (+ @X 1)) " + exitsRel + slashWd + ")",
		doc: "slash_validator of the proposer"},
	{fn: "process_attester_slashing", writes: []string{"exit", "wd", "X", "m", "ae", "aA", "bal"},
		rel: "(and " + exitsRel + slashWd + ")",
		doc: "slash_validator of each slashable index"},
	{fn: "process_voluntary_exit", writes: []string{"exit", "wd", "X", "m", "ae", "aA"},
		rel: "(and (<= ^X (+ @X 1)) " + exitsRel + initiateWd + ")",
		doc: "initiate_validator_exit of the exiting validator"},
	{fn: "process_registry_updates", writes: []string{"elig", "act", "exit", "wd", "X", "m", "ae", "aA"},
		rel: "(and (=> (distinct ^elig @elig) (and (= @elig $U) (= ^elig (+ $cur 1))))" +
			" (=> (distinct ^act @act) (and (= @act $U) (= ^act $A)))" +
			" (>= ^X @X) (>= ^m @m) (<= ^m (+ (ite (> @m $A) @m $A) (- ^X @X)))" +
			" (=> (distinct @exit $U) (= ^exit @exit))" +
			" (=> (distinct ^exit @exit) (and (= @exit $U) (<= $A ^exit ^m)))" +
			initiateWd + " (=> (< e $A) (<= ^ae @ae)))",
		relFix: "(or (<= ^aA $CAP) (and (<= ^ae @ae) (<= ^aA @aA)))",
		doc: "eligibility set to current + 1 and activation to current + 1 + MAX_SEED_LOOKAHEAD, each only from FAR_FUTURE_EPOCH; ejections by the exit queue rule; activations happen at $A only, so the counts of earlier epochs only fall. " +
			"With the fix, either validators were activated and the count at the activation epoch is within the cap (the headroom rule), or none were and no count rose"},
	{fn: "process_deposit", writes: []string{"n", "nb", "bal", "elig", "act", "exit", "wd", "eb"},
		rel: "(and (<= @n ^n (+ @n 1)) (= (- ^nb @nb) (- ^n @n)) (<= ^n $L)" +
			" (=> (< j @n) (and (= ^elig @elig) (= ^act @act) (= ^exit @exit) (= ^wd @wd) (= ^eb @eb)))" +
			" (=> (and (<= @n j) (< j ^n)) (and (= ^elig $U) (= ^act $U) (= ^exit $U) (= ^wd $U)" +
			" (= ^eb (ite (< (- ^bal (mod ^bal $INC)) $MAXEB) (- ^bal (mod ^bal $INC)) $MAXEB)))))",
		doc: "a top-up changes a balance; a new validator is appended with its balance, every epoch FAR_FUTURE_EPOCH and effective balance min(amount - amount % EFFECTIVE_BALANCE_INCREMENT, MAX_EFFECTIVE_BALANCE), the registry refusing to grow past VALIDATOR_REGISTRY_LIMIT; a validator not yet activated is active at no epoch, so no count changes"},
	{fn: "process_effective_balance_updates", writes: []string{"eb"},
		rel: "(or (= ^eb @eb) (= ^eb (ite (< (- @bal (mod @bal $INC)) $MAXEB) (- @bal (mod @bal $INC)) $MAXEB)))",
		doc: "effective balances are left or reset to min(balance - balance % EFFECTIVE_BALANCE_INCREMENT, MAX_EFFECTIVE_BALANCE)"},
	{fn: "process_slashings_reset", writes: nil, rel: "true", doc: "slashings[next_epoch % EPOCHS_PER_SLASHINGS_VECTOR] is written, not the length"},
	{fn: "process_randao_mixes_reset", writes: nil, rel: "true", doc: "randao_mixes[next_epoch % EPOCHS_PER_HISTORICAL_VECTOR] is written, not the length"},
	{fn: "process_participation_record_updates", writes: []string{"pmax"}, rel: "(<= ^pmax @pmax)",
		doc: "the current epoch's attestations become the previous epoch's and the current list is emptied"},
	{fn: "process_justification_and_finalization", writes: []string{"pj", "cj", "fin"},
		rel: "(and (or (= ^pj @pj) (= ^pj @cj)) (or (= ^cj @cj) (= ^cj $cur) (and (>= $cur 1) (= ^cj (- $cur 1)))) (or (= ^fin @fin) (= ^fin @pj) (= ^fin @cj)) (=> (distinct ^fin @fin) (< ^fin $cur)))",
		doc: "the previous justified checkpoint becomes the current one, the current one the previous or current epoch's, and the finalized one one of the old justified ones, whose epoch + 1, 2 or 3 is the current epoch"},
	{fn: "process_rewards_and_penalties", writes: []string{"bal"}, rel: "true", doc: "balances change, not their number"},
	{fn: "process_slashings", writes: []string{"bal"}, rel: "true", doc: "balances change, not their number"},
	{fn: "process_slot", writes: nil, rel: "true",
		doc: "state_roots[slot % SLOTS_PER_HISTORICAL_ROOT] and block_roots[...] are written (not their lengths), and latest_block_header.state_root (not its slot)"},
	{fn: "process_block_header", writes: []string{"hdr"}, rel: "(= ^hdr @slot)",
		doc: "latest_block_header becomes the block's header, whose slot is asserted to be state.slot"},
	{fn: "process_randao", writes: nil, rel: "true", doc: "randao_mixes[epoch % EPOCHS_PER_HISTORICAL_VECTOR] is written, not the length"},
	{fn: "process_attestation", writes: []string{"pmax"},
		rel: "(and (<= @pmax ^pmax) (<= ^pmax (ite (> @pmax @n) @pmax @n)))",
		doc: "a pending attestation is appended whose proposer_index is get_beacon_proposer_index(state), an active validator's index"},
	// The slot's increment in process_slots's loop, a step of its program.
	{fn: "process_slots_slot_increment", writes: []string{"slot", "ae", "aA"},
		rel: "(and (= ^slot (+ @slot 1)) (= ^ae @ae))",
		doc: "state.slot += 1 (the loop runs while state.slot < slot, so it does not overflow); the validators do not change, so the count at each epoch does not (the count at the activation epoch, which moves with the slot, may)"},
}

// composite is a composite function: the callees it runs, in order, each any number of times
// (a loop, or a conditional call); it preserves an invariant if each callee does.
type composite struct {
	fn      string
	callees []string
}

var composites = []composite{
	{"process_operations", []string{"process_proposer_slashing", "process_attester_slashing", "process_attestation", "process_deposit", "process_voluntary_exit"}},
	{"process_block", []string{"process_block_header", "process_randao", "process_eth1_data", "process_operations"}},
	// spec v1.0.0's process_final_updates is the six updates spec v1.1 made functions of
	// their own (process_eth1_data_reset and process_historical_roots_update write no
	// invariant's field).
	{"process_final_updates", []string{"process_eth1_data_reset", "process_effective_balance_updates", "process_slashings_reset",
		"process_randao_mixes_reset", "process_historical_roots_update", "process_participation_record_updates"}},
	{"process_epoch", []string{"process_justification_and_finalization", "process_rewards_and_penalties", "process_registry_updates", "process_slashings", "process_final_updates"}},
	{"process_slots", []string{"process_slot", "process_epoch", "process_slots_slot_increment"}},
	{"state_transition", []string{"process_slots", "process_block"}},
}

func transitionOf(fn string) (transition, bool) {
	i := slices.IndexFunc(transitions, func(t transition) bool { return t.fn == fn })
	if i < 0 {
		return transition{}, false
	}
	return transitions[i], true
}

func programOf(fn string) (composite, bool) {
	i := slices.IndexFunc(composites, func(p composite) bool { return p.fn == fn })
	if i < 0 {
		return composite{}, false
	}
	return composites[i], true
}

// frameEqs are the equalities of the quantities t does not write.
func (t transition) frameEqs(a *absEnv) string {
	var eqs []string
	for _, v := range absNames() {
		if !slices.Contains(t.writes, v) {
			eqs = append(eqs, "(= ^"+v+" @"+v+")")
		}
	}
	return a.rel("(and " + strings.Join(eqs, " ") + ")")
}
