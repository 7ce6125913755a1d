package proofs

import (
	"context"
	"fmt"

	"github.com/beaconcheck/beaconcheck/spec"
)

// This file proves the bounds on the two lists blocks append to and epoch processing
// empties, which the abstract state of invariants.go does not track: state.eth1_data_votes
// (process_eth1_data appends one vote per block; process_final_updates empties it when
// next_epoch % EPOCHS_PER_ETH1_VOTING_PERIOD == 0) and state.current_epoch_attestations
// (process_attestation appends at most one per attestation of the block, whose body holds
// at most MAX_ATTESTATIONS; process_final_updates' participation record rotation empties it
// every epoch). For such a list, with Q the slots of its period and k the appends per block:
//
//	len = 0, or the latest block header's slot hdr is in the state's period
//	(hdr // Q = slot // Q) and len <= k * (hdr % Q + 1)
//
// holds at genesis and is kept by a block (process_block_header asserts block.slot =
// state.slot > hdr and sets hdr to it; the block appends at most k) and by a slot's step of
// process_slots (the list is emptied exactly when (slot + 1) % Q = 0, at the end of the
// period's last slot; otherwise slot + 1 stays in the period). Where a block appends, the
// length after the append is then at most k * Q: the site lemma re-derives the list's
// limit from it. The invariant speaks of three quantities (slot, hdr, len) and is its own
// lemma, not one obligation per function (process_eth1_data alone does not keep it): in
// spec.Invariants it is of kind block_inductive, which checked mode evaluates as a
// preservation clause (inv_<name>) on the functions that keep it on their own;
// TestAppendBoundsOnChains evaluates it on every state of generated chains.

// appendBound is one such list.
type appendBound struct {
	inv    string // the invariant's name in spec.Invariants
	list   string // the list, e.g. "state.eth1_data_votes"
	site   string // the site ID of its append
	x      string // the site's variable: the length after the append
	epochs uint64 // the period in epochs (Q = epochs * SLOTS_PER_EPOCH)
	k      uint64 // appends per block
	reset  string // where and when the list is emptied
	kDoc   string // why a block appends at most k
	fn     string // the spec function that appends
}

func appendBounds(cfg *spec.Config) []appendBound {
	return []appendBound{
		{inv: "eth1_data_votes_bounded_by_blocks", list: "state.eth1_data_votes", site: "process_eth1_data_votes_append", x: "votes", epochs: cfg.EpochsPerEth1VotingPeriod, k: 1,
			reset: "process_final_updates: if next_epoch % EPOCHS_PER_ETH1_VOTING_PERIOD == 0, state.eth1_data_votes = []",
			kDoc:  "process_eth1_data appends the block's vote, once per block", fn: "process_eth1_data"},
		{inv: "current_epoch_attestations_bounded_by_blocks", list: "state.current_epoch_attestations", site: "process_attestation_current_append", x: "pending", epochs: 1, k: cfg.MaxAttestations,
			reset: "process_final_updates: state.current_epoch_attestations = [] every epoch (the participation record rotation)",
			kDoc:  "process_attestation appends at most one per attestation, and a block body holds at most MAX_ATTESTATIONS", fn: "process_attestation"},
	}
}

// name is the lemma's name: the invariant's, proved inductive.
func (b appendBound) name() string { return b.inv + "_inductive" }

// holds is the invariant on (length, header slot, slot).
func (b appendBound) holds(cfg *spec.Config, l, hdr, slot string) string {
	q := b.epochs * cfg.SlotsPerEpoch
	return fmt.Sprintf("(or (= %[1]s 0) (and (= (div %[2]s %[4]d) (div %[3]s %[4]d)) (<= %[1]s (* %[5]d (+ (mod %[2]s %[4]d) 1)))))", l, hdr, slot, q, b.k)
}

func (b appendBound) doc(cfg *spec.Config) string {
	return fmt.Sprintf("len(%s) = 0, or latest_block_header.slot // %d = state.slot // %d and len(%s) <= %d * (latest_block_header.slot %% %d + 1)",
		b.list, b.epochs*cfg.SlotsPerEpoch, b.epochs*cfg.SlotsPerEpoch, b.list, b.k, b.epochs*cfg.SlotsPerEpoch)
}

// The steps of the induction, as relations between the quantities before (len0, hdr0,
// slot0) and after (len1, hdr1, slot1) a step, each a list of conjuncts: the lemma's
// queries assume them, and TestAppendBoundStepsMatchCode evaluates them on the real spec
// functions (a genesis state, process_block on the blocks of generated chains, process_slots
// one slot at a time), so that a step written wrong fails there.
const (
	stepGenesis = "genesis"
	stepBlock   = "block"
	stepSlot    = "slot"
)

// appendStepVars are the quantities of a step: before (0) and after (1).
var appendStepVars = []string{"len0", "hdr0", "slot0", "len1", "hdr1", "slot1"}

// step is the relation of one step of the induction.
func (b appendBound) step(cfg *spec.Config, which string) []string {
	switch which {
	case stepGenesis: // initialize_beacon_state_from_eth1: both lists empty, slot 0, header slot 0
		return []string{"(= len1 0)", "(= hdr1 0)", "(= slot1 0)"}
	case stepBlock: // process_block, from the state process_slots left at the block's slot
		return []string{"(< hdr0 slot0)", fmt.Sprintf("(<= len0 len1 (+ len0 %d))", b.k), "(= hdr1 slot0)", "(= slot1 slot0)"}
	case stepSlot: // one iteration of process_slots' loop: process_slot, process_epoch at an epoch's last slot, slot += 1
		return []string{fmt.Sprintf("(< slot0 %s)", u64Max), "(= slot1 (+ slot0 1))", "(= hdr1 hdr0)",
			fmt.Sprintf("(= len1 (ite (and (= (mod (+ slot0 1) %[1]d) 0) (= (mod (div (+ slot0 1) %[1]d) %[2]d) 0)) 0 len0))", cfg.SlotsPerEpoch, b.epochs)}
	}
	panic("proofs: no append-bound step " + which)
}

// lemma proves the invariant inductive: genesis, a block, a slot's step.
func (b appendBound) lemma(cfg *spec.Config) *Lemma {
	dom := func(vs ...string) []string {
		var out []string
		for _, v := range vs {
			out = append(out, inU64(v))
		}
		return out
	}
	vars := appendStepVars
	after := "(not " + b.holds(cfg, "len1", "hdr1", "slot1") + ")"
	before := b.holds(cfg, "len0", "hdr0", "slot0")
	qs := []*query{
		{label: "genesis: both lists empty, slot 0, header slot 0", decls: vars,
			asserts: append(append(dom(vars...), b.step(cfg, stepGenesis)...), after)},
		{label: "a block: process_block_header asserts state.slot > hdr and sets hdr = state.slot; the block appends at most " + fmt.Sprint(b.k), decls: vars,
			asserts: append(append(append(dom(vars...), before), b.step(cfg, stepBlock)...), after)},
		{label: "a slot's step of process_slots: process_epoch when (slot + 1) % SLOTS_PER_EPOCH = 0, emptying the list in its period's last epoch; slot += 1", decls: vars,
			asserts: append(append(append(dom(vars...), before), b.step(cfg, stepSlot)...), after)},
	}
	l := &Lemma{
		Name: b.name(),
		Statement: fmt.Sprintf("In every reachable state, %s. It bounds the appends of %s by the blocks of the current period of %d slots: %s; %s.",
			b.doc(cfg), b.list, b.epochs*cfg.SlotsPerEpoch, b.kDoc, b.reset),
		Formula: "genesis gives it; a block and a slot's step of process_slots keep it: each query is the step with the invariant before and its negation after (unsat)",
		Hypotheses: []string{"the spec's effect on (len, latest_block_header.slot, state.slot): state_transition is process_slots (a step per slot) then process_block; nothing else writes the list (the model writes it only through spec's AppendEth1DataVote and ResetEth1DataVotes, or AppendPendingAttestation and the participation record rotation); " +
			"each step's relation is evaluated on the real spec functions by TestAppendBoundStepsMatchCode (a genesis state, process_block on every block and process_slots on every slot of generated tiny and minimal chains), and the invariant on every state of those chains by TestAppendBoundsOnChains",
			"checked mode evaluates the invariant as the clause " + spec.InvariantClause(b.inv) + " on the functions that keep it on their own (preservation: if it held before the call, it holds after)"},
		Spec:    []string{"state_transition", "process_block_header", "process_final_updates", b.fn},
		Method:  SMT,
		Split:   "three queries: genesis, a block, a slot's step",
		queries: qs,
	}
	l.check = func(ctx context.Context, r *run) finding { return r.proveAll(ctx, qs, showValues) }
	return l
}

// rederivation re-derives the append site's safety from the invariant at the block's
// start: at the append, the list holds what it held then plus at most k - 1 earlier appends
// of this block.
func (b appendBound) rederivation(cfg *spec.Config) rederivation {
	earlier := int64(b.k) - 1
	return rederivation{
		extra: []string{"len_b", "hdr_b", "slot_b", "before"},
		sources: []hyp{
			{fmt.Sprintf("(= %s (+ before 1))", b.x), b.x + " = before + 1: the length after the append"},
			{fmt.Sprintf("(<= len_b before (+ len_b %d))", earlier), fmt.Sprintf("len_b <= before <= len_b + %d: before this append the block appended at most %d to the list it started with (%s)", earlier, earlier, b.kDoc)},
			{"(< hdr_b slot_b)", "hdr_b < slot_b: process_block_header, which runs first in process_block, asserted block.slot = state.slot > latest_block_header.slot"},
		},
		proven: []hyp{{b.holds(cfg, "len_b", "hdr_b", "slot_b"), fmt.Sprintf("at the block's start, %s (lemma %s)", b.doc(cfg), b.name())}},
		chain:  []string{b.name()},
	}
}

func appendBoundLemmas(cfg *spec.Config) []*Lemma {
	var out []*Lemma
	for _, b := range appendBounds(cfg) {
		out = append(out, b.lemma(cfg))
	}
	return out
}
