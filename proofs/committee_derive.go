package proofs

import (
	"fmt"

	"github.com/beaconcheck/beaconcheck/spec"
)

// This file holds the queries of the four committee lemmas that follow from others
// (committee.go): each query asserts the premises of its chain, instantiated at the terms of
// the derivation, and the negated conclusion; unsat for every query proves the conclusion
// from the premises. The premises are not re-proved here: the chain's lemmas are, and a
// derived lemma is checked only once they are proved (checkOne).
//
// Notation as in committee.go; s_X and e_X stand for start(X) and end(X) of the committee
// with compute_committee index X (X = i, the next index n = i + 1, a later index j, or the
// last index C - 1), q for V // C.

// floorOrCeilQueries: committee_length_floor_or_ceil, one query per committees_per_slot
// value c (C = c * S a constant, so the premises' instances are linear in everything but
// the products that name them). The products V*i, q*i and r*i are the terms the premises
// speak of; the conclusion is stated of the models compute_committee_start and
// compute_committee_end (committee_length), which the faithfulness tests hold to
// spec.ComputeCommitteeRange.
func floorOrCeilQueries(cfg *spec.Config, m *models) []*query {
	S, L := cfg.SlotsPerEpoch, cfg.ValidatorRegistryLimit
	var qs []*query
	for c := uint64(1); c <= cfg.MaxCommitteesPerSlot; c++ {
		C := c * S
		qs = append(qs, &query{label: fmt.Sprintf("committees_per_slot = %d", c),
			decls: []string{"V", "i", "q", "r", "m", "P"},
			defs:  m.get("committees_per_slot", "compute_committee_start", "compute_committee_end", "committee_length"),
			asserts: []string{
				fmt.Sprintf("(<= 0 V %d)", L),
				// committees_per_slot_in_range: c is one of [1, M], the split.
				fmt.Sprintf("(= (committees_per_slot V) %d)", c),
				// committee_args_in_range: the index is below the count.
				fmt.Sprintf("(<= 0 i %d)", C-1),
				// compute_committee_no_overflow: the uint64 products are the integer ones.
				fmt.Sprintf("(<= (* V (+ i 1)) %s)", u64Max),
				// q and r: V = q*C + r, 0 <= r < C.
				fmt.Sprintf("(= V (+ (* %d q) r))", C), fmt.Sprintf("(<= 0 r %d)", C-1), "(>= q 0)",
				// committee_length_ring_identity at (q, r, i, C), m = q*i, P = r*i, its left
				// side (q*C + r) written V.
				"(= m (* q i))", "(= P (* r i))",
				fmt.Sprintf("(and (= (* V i) (+ (* %[1]d m) P)) (= (* V (+ i 1)) (+ (* %[1]d (+ m q)) P r)))", C),
				// committee_length_decomposition at (m, q, P, r), for this C.
				fmt.Sprintf("(=> (and (>= m 0) (>= q 0) (>= P 0) (<= 0 r %[2]d)) (= (- (div (+ (* %[1]d (+ m q)) P r) %[1]d) (div (+ (* %[1]d m) P) %[1]d)) (+ q (- (div (+ P r) %[1]d) (div P %[1]d)))))", C, C-1),
				// floor_step_zero_or_one at (P, r), for this C.
				fmt.Sprintf("(=> (and (>= P 0) (<= 0 r %[2]d)) (let ((d (- (div (+ P r) %[1]d) (div P %[1]d)))) (and (<= 0 d 1) (=> (= r 0) (= d 0)))))", C, C-1),
				// the conclusion, negated
				fmt.Sprintf("(not (let ((len (committee_length V i %[1]d))) (or (= len (div V %[1]d)) (and (> (mod V %[1]d) 0) (= len (div (+ V %[2]d) %[1]d))))))", C, C-1),
			},
			values: []string{"V", "i"}})
	}
	return qs
}

// rangeFacts are the premises every partition query instantiates, for committees i, the
// next one n = i + 1, a later one j, and the last one: committee_range_ends (start(0) = 0,
// end(C-1) = V), committee_ranges_adjacent (end(i) = start(i + 1), also for j) and
// committee_length_floor_or_ceil (a length is q = V // C or qc = (V + C - 1) // C, both
// quotients of non-negative integers by C >= 1, so not negative; the queries keep them as
// such, which keeps them linear).
func rangeFacts(L, CMax uint64) []string {
	lenOK := func(x string) string {
		return fmt.Sprintf("(or (= (- e_%[1]s s_%[1]s) q) (= (- e_%[1]s s_%[1]s) qc))", x)
	}
	return []string{
		fmt.Sprintf("(<= 0 V %d)", L), fmt.Sprintf("(<= 1 C %d)", CMax), "(>= q 0)", "(>= qc 0)",
		"(<= 0 i)", "(<= n C)", "(= n (+ i 1))",
		"(= s_0 0)", "(= e_last V)",
		"(=> (< n C) (= e_i s_n))",
		lenOK("0"), lenOK("i"), lenOK("n"), lenOK("last"),
	}
}

// laterFacts add a later committee j, i < j < C - 1, and its successor's start.
var laterFacts = []string{"(< i j)", "(< (+ j 1) C)", "(= e_j s_jn)", "(or (= (- e_j s_j) q) (= (- e_j s_j) qc))"}

var rangeVars = []string{"V", "C", "q", "qc", "i", "n", "j", "p", "s_0", "e_0", "s_i", "e_i", "s_n", "e_n", "s_j", "e_j", "s_jn", "e_last", "s_last", "seen_i", "seen_n"}

// partitionQueries: committee_ranges_partition, an induction over the compute_committee
// index (complete for every C = c * S, c in [1, M]: every index in [0, C) is reached from 0
// by steps of one, and from C - 1 by steps of minus one):
//
//   - starts are not negative: start(0) = 0, and start(i) >= 0 gives start(i + 1) =
//     end(i) >= start(i) >= 0;
//   - ends are at most V: end(C-1) = V, and end(i + 1) <= V gives end(i) = start(i + 1) <=
//     end(i + 1) <= V;
//   - ranges do not overlap: end(i) = start(i + 1), and end(i) <= start(j) for a j > i
//     gives end(i) <= end(j) = start(j + 1);
//   - ranges cover [0, V): for a position p in [0, V), seen_X says p lies in the range of an
//     index below X; "seen_X or p >= start(X)" holds at 0 (start(0) = 0) and passes from X
//     to X + 1 (p not in [start(X), end(X)) and p >= start(X) give p >= end(X) =
//     start(X + 1)); at X = C - 1 it gives seen_C, since p < V = end(C-1).
//
// So every position compute_committee reads, start(i) <= p < end(i), is in [0, V).
func partitionQueries(cfg *spec.Config) []*query {
	L, CMax := cfg.ValidatorRegistryLimit, cfg.MaxCommitteesPerSlot*cfg.SlotsPerEpoch
	mk := func(label string, extra ...string) *query {
		return &query{label: label, decls: rangeVars,
			asserts: append(rangeFacts(L, CMax), extra...), values: []string{"V", "C", "i", "j"}}
	}
	bool01 := func(b ...string) []string {
		var out []string
		for _, x := range b {
			out = append(out, fmt.Sprintf("(<= 0 %s 1)", x))
		}
		return out
	}
	return []*query{
		mk("starts: first", "(not (>= s_0 0))"),
		mk("starts: step", "(< n C)", "(>= s_i 0)", "(not (>= s_n 0))"),
		mk("ends: last", "(not (<= e_last V))"),
		mk("ends: step", "(< n C)", "(<= e_n V)", "(not (<= e_i V))"),
		mk("no overlap: next", "(< n C)", "(not (<= e_i s_n))"),
		mk("no overlap: step", append(laterFacts, "(<= e_i s_j)", "(not (<= e_i s_jn))")...),
		mk("cover: first", append(bool01("seen_i"), "(= i 0)", "(= seen_i 0)", "(= s_i s_0)", "(<= 0 p)", "(< p V)",
			"(not (or (= seen_i 1) (>= p s_i)))")...),
		mk("cover: step", append(bool01("seen_i", "seen_n"), "(< n C)", "(<= 0 p)", "(< p V)",
			"(= seen_n (ite (or (= seen_i 1) (and (<= s_i p) (< p e_i))) 1 0))",
			"(or (= seen_i 1) (>= p s_i))",
			"(not (or (= seen_n 1) (>= p s_n)))")...),
		mk("cover: end", append(bool01("seen_i", "seen_n"), "(<= 0 p)", "(< p V)", "(= n C)",
			"(= e_i e_last)",
			"(= seen_n (ite (or (= seen_i 1) (and (<= s_i p) (< p e_i))) 1 0))",
			"(or (= seen_i 1) (>= p s_i))",
			"(not (= seen_n 1))")...),
		mk("positions read", "(<= 0 s_i)", "(<= e_i V)", "(<= s_i p)", "(< p e_i)", "(not (and (<= 0 p) (< p V)))"),
	}
}

// sumQueries: committee_lengths_sum_to_v, an induction over the committee index: the sum
// of the lengths of the committees below X is start(X) (0 = start(0); adding end(X) -
// start(X) gives end(X) = start(X + 1)), so the sum over all C committees is end(C-1) = V.
func sumQueries(cfg *spec.Config) []*query {
	L, CMax := cfg.ValidatorRegistryLimit, cfg.MaxCommitteesPerSlot*cfg.SlotsPerEpoch
	mk := func(label string, extra ...string) *query {
		return &query{label: label, decls: append(rangeVars, "sum_i", "sum_n"),
			asserts: append(rangeFacts(L, CMax), extra...), values: []string{"V", "C", "i"}}
	}
	return []*query{
		mk("no committee below 0", "(= sum_i 0)", "(not (= sum_i s_0))"),
		mk("one more committee", "(< n C)", "(= sum_i s_i)", "(= sum_n (+ sum_i (- e_i s_i)))", "(not (= sum_n s_n))"),
		mk("all C committees", "(= n C)", "(= e_i e_last)", "(= sum_i s_i)", "(= sum_n (+ sum_i (- e_i s_i)))", "(not (= sum_n V))"),
	}
}

// memberQueries: compute_committee_member_in_range, one query: the position read, p in
// [start(i), end(i)), is in [0, V) (committee_ranges_partition), and each of the
// SHUFFLE_ROUND_COUNT rounds of compute_shuffled_index(p, V, seed) keeps an index below V
// (the round step of compute_proposer_index_candidate_read_safe, instantiated at every
// round), so indices[compute_shuffled_index(p, V, seed)] is in range.
func memberQueries(cfg *spec.Config) []*query {
	R := cfg.ShuffleRoundCount
	decls := []string{"V", "s_i", "e_i", "p"}
	asserts := []string{fmt.Sprintf("(<= 0 V %d)", cfg.ValidatorRegistryLimit),
		// committee_ranges_partition at i: 0 <= start(i) <= end(i) <= V, and p in the range
		"(<= 0 s_i e_i V)", "(<= s_i p)", "(< p e_i)",
		"(= x_0 p)"}
	for k := uint64(0); k <= R; k++ {
		decls = append(decls, fmt.Sprintf("x_%d", k))
	}
	for k := uint64(0); k < R; k++ {
		// the round step: an index below the count stays below it
		asserts = append(asserts, fmt.Sprintf("(<= 0 x_%d)", k+1), fmt.Sprintf("(=> (and (> V 0) (<= 0 x_%d) (< x_%d V)) (< x_%d V))", k, k, k+1))
	}
	asserts = append(asserts, fmt.Sprintf("(not (and (<= 0 p) (< p V) (< x_%d V)))", R))
	return []*query{{label: "every round", decls: decls, asserts: asserts, values: []string{"V", "p"}}}
}
