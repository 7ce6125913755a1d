package proofs

import (
	"context"
	"fmt"
	"math/big"

	"github.com/beaconcheck/beaconcheck/spec"
)

// This file holds the lemmas about the committee arithmetic of get_beacon_committee and
// compute_committee (spec/committee_arith.go): the committee lengths of an epoch, their
// partition of the active validators, and the committee-size bound of the Consensys
// Dafny formalisation, with and without the upper-bound fix.
//
// Notation: V active validators, S = SLOTS_PER_EPOCH, M = MAX_COMMITTEES_PER_SLOT,
// T = TARGET_COMMITTEE_SIZE, K = MAX_VALIDATORS_PER_COMMITTEE, L = VALIDATOR_REGISTRY_LIMIT,
// c = get_committee_count_per_slot (a function of V), C = c * S the epoch's committee count,
// i the compute_committee index of a committee, start(i) = V*i // C, end(i) = V*(i+1) // C.
//
// The facts about V*i // C are not linear in V and i. They are split so that every solver
// query is linear: one query per value of c in [1, M] (C is then a constant), and the
// committee length is taken apart with V = q*C + r, 0 <= r < C:
//
//	V*i     = C*(q*i) + P            with P = r*i          (ring identity, one NIA query)
//	V*(i+1) = C*(q*i + q) + P + r
//	(C*(m+q) + P + r) // C - (C*m + P) // C = q + ((P + r) // C - P // C)   (linear for fixed C)
//	0 <= (P + r) // C - P // C <= 1, and = 0 when r = 0                      (linear for fixed C)
//
// so end(i) - start(i) is q or q + 1: floor(V/C) or ceil(V/C).

// perC returns one query per committees_per_slot value c in [1, M], made by mk.
func (r *run) perC(mk func(c uint64) *query) []*query {
	qs := make([]*query, 0, r.cfg.MaxCommitteesPerSlot)
	for c := uint64(1); c <= r.cfg.MaxCommitteesPerSlot; c++ {
		q := mk(c)
		q.label = fmt.Sprintf("committees_per_slot = %d", c)
		qs = append(qs, q)
	}
	return qs
}

// splitPerC describes the split of perC.
func splitPerC(why string) string {
	return "one query per committees_per_slot value c in [1, MAX_COMMITTEES_PER_SLOT], so that C = c * SLOTS_PER_EPOCH is a constant and the query is linear; complete because committees_per_slot_in_range" + why
}

// committeeLemmas are the committee lemmas of cfg.
func committeeLemmas(cfg *spec.Config) []*Lemma {
	S, M, K, L := cfg.SlotsPerEpoch, cfg.MaxCommitteesPerSlot, cfg.MaxValidatorsPerCommittee, cfg.ValidatorRegistryLimit
	capV := cfg.ActiveValidatorCap()
	hypV := "V <= VALIDATOR_REGISTRY_LIMIT: the active validators are validators of the registry [indices_in_registry]"
	hypCap := "V <= ActiveValidatorCap() = MAX_VALIDATORS_PER_COMMITTEE * SLOTS_PER_EPOCH * MAX_COMMITTEES_PER_SLOT: the upper-bound fix (Model.CapActiveValidators) keeps the active validators at or below it"
	hypIndex := "index < get_committee_count_per_slot(state, epoch): process_attestation asserts it of every attestation before the committee is read, and the state keeps only attestations that passed"
	goCommittee := []string{"spec.Config.CommitteeCountPerSlot", "spec.Config.BeaconCommitteeArgs", "spec.ComputeCommitteeRange"}
	specCommittee := []string{"get_committee_count_per_slot", "get_beacon_committee", "compute_committee"}
	expectLeast, violates := leastCommitteeViolation(cfg)
	mod := newModels(cfg)
	focQs, partQs, sumQs := floorOrCeilQueries(cfg, mod), partitionQueries(cfg), sumQueries(cfg)

	ls := []*Lemma{
		{
			Name:       "committees_per_slot_in_range",
			Statement:  "get_committee_count_per_slot is between 1 and MAX_COMMITTEES_PER_SLOT for every number of active validators.",
			Formula:    "for all V in [0, 2**64 - 1]: 1 <= max(1, min(M, V // S // T)) <= M",
			Hypotheses: []string{"the config is valid (SLOTS_PER_EPOCH, TARGET_COMMITTEE_SIZE and MAX_COMMITTEES_PER_SLOT are non-zero)"},
			Spec:       []string{"get_committee_count_per_slot"},
			Go:         []string{"spec.Config.CommitteeCountPerSlot"},
			Method:     SMT,
			Split:      "none: one linear query (division by the constants S and T)",
			check: func(ctx context.Context, r *run) finding {
				q := &query{decls: []string{"V"}, defs: r.models.get("committees_per_slot"),
					asserts: []string{inU64("V"), fmt.Sprintf("(not (<= 1 (committees_per_slot V) %d))", M)}, values: []string{"V"}}
				return r.proveAll(ctx, []*query{q}, showValues)
			},
		},
		{
			Name:      "committee_index_bijection",
			Statement: "For each committees_per_slot value c, get_beacon_committee maps the combinations (slot % SLOTS_PER_EPOCH, index) with index < c one to one onto the compute_committee indices [0, c * SLOTS_PER_EPOCH), without overflow, and count = c * SLOTS_PER_EPOCH.",
			Formula:   "for all c in [1, M]: (s, j) -> s*c + j is a bijection [0, S) x [0, c) -> [0, c*S), count = c*S",
			Hypotheses: []string{"BeaconCommitteeArgs reads the slot only as slot % SLOTS_PER_EPOCH (its model beacon_committee_index says so, and the faithfulness tests hold the model to the code for arbitrary uint64 slots)",
				hypIndex},
			Spec:   []string{"get_beacon_committee"},
			Go:     []string{"spec.Config.BeaconCommitteeArgs"},
			Method: Exhaustive,
			Split:  "domain: every c in [1, M], every s in [0, S), every j in [0, c): S * M * (M + 1) / 2 combinations, each evaluated with the Go function",
			check:  checkIndexBijection,
		},
		{
			Name:       "committee_args_in_range",
			Statement:  "For every slot and every committee index below committees_per_slot, get_beacon_committee's index and count do not overflow and the index is below the count.",
			Formula:    "for all c in [1, M], slot in [0, 2**64 - 1], j in [0, c): no overflow and (slot % S)*c + j < c*S",
			Hypotheses: []string{hypIndex},
			Spec:       []string{"get_beacon_committee"},
			Go:         []string{"spec.Config.BeaconCommitteeArgs"},
			Sites:      []string{"get_beacon_committee_index_arithmetic"},
			Method:     SMT,
			Split:      splitPerC(""),
			Chain:      []string{"committees_per_slot_in_range"},
			check: func(ctx context.Context, r *run) finding {
				qs := r.perC(func(c uint64) *query {
					return &query{decls: []string{"slot", "j"}, defs: r.models.get("beacon_committee_index", "beacon_committee_count", "beacon_committee_args_fails"),
						asserts: []string{inU64("slot"), fmt.Sprintf("(<= 0 j (- %d 1))", c),
							fmt.Sprintf("(or (beacon_committee_args_fails slot j %[1]d) (not (< (beacon_committee_index slot j %[1]d) (beacon_committee_count %[1]d))))", c)},
						values: []string{"slot", "j"}}
				})
				return r.proveAll(ctx, qs, showValues)
			},
		},
		{
			Name:       "compute_committee_no_overflow",
			Statement:  "compute_committee's start and end do not overflow for any number of active validators the registry can hold, any committee count and any index below it.",
			Formula:    "for all V in [0, L], c in [1, M], i in [0, c*S): V*i, i + 1 and V*(i+1) are at most 2**64 - 1",
			Hypotheses: []string{hypV},
			Spec:       []string{"compute_committee"},
			Go:         []string{"spec.ComputeCommitteeRange"},
			Sites:      []string{"compute_committee_start_end"},
			Method:     SMT,
			Split:      "none: one non-linear query (QF_NIA: V*i with both bounded), which z3 closes at once",
			Chain:      []string{"committee_args_in_range"},
			check: func(ctx context.Context, r *run) finding {
				q := &query{decls: []string{"V", "c", "i"}, defs: r.models.get("beacon_committee_count", "compute_committee_fails"),
					asserts: []string{fmt.Sprintf("(<= 0 V %d)", L), fmt.Sprintf("(<= 1 c %d)", M), "(<= 0 i)", "(< i (beacon_committee_count c))",
						"(compute_committee_fails V i (beacon_committee_count c))"},
					values: []string{"V", "c", "i"}}
				return r.proveAll(ctx, []*query{q}, showValues)
			},
		},
		{
			Name:       "committee_length_ring_identity",
			Statement:  "Writing V = q*C + r, the products of compute_committee split into a multiple of C and a remainder part.",
			Formula:    "for all integers q, r, i, C: (q*C + r)*i = C*(q*i) + r*i and (q*C + r)*(i+1) = C*(q*i + q) + r*i + r",
			Hypotheses: []string{"none (an identity of the integers)"},
			Spec:       []string{"compute_committee"},
			Method:     SMT,
			Split:      "none: one non-linear query (QF_NIA), a polynomial identity",
			check: func(ctx context.Context, r *run) finding {
				q := &query{decls: []string{"q", "r", "i", "C"},
					asserts: []string{"(not (and (= (* (+ (* q C) r) i) (+ (* C (* q i)) (* r i))) (= (* (+ (* q C) r) (+ i 1)) (+ (* C (+ (* q i) q)) (* r i) r))))"},
					values:  []string{"q", "r", "i", "C"}}
				return r.proveAll(ctx, []*query{q}, showValues)
			},
		},
		{
			Name:       "committee_length_decomposition",
			Statement:  "For each committee count C, the difference of two floor divisions by C whose numerators differ by C*q + r is q plus the difference contributed by r alone.",
			Formula:    "for all c in [1, M], C = c*S, m, q, P >= 0, 0 <= r < C: (C*(m+q) + P + r) // C - (C*m + P) // C = q + ((P + r) // C - P // C)",
			Hypotheses: []string{"none"},
			Spec:       []string{"compute_committee"},
			Method:     SMT,
			Split:      splitPerC(" (C ranges over every committee count an epoch can have)"),
			Chain:      []string{"committees_per_slot_in_range"},
			check: func(ctx context.Context, r *run) finding {
				qs := r.perC(func(c uint64) *query {
					C := c * S
					return &query{decls: []string{"m", "q", "P", "r"},
						asserts: []string{"(>= m 0)", "(>= q 0)", "(>= P 0)", fmt.Sprintf("(<= 0 r (- %d 1))", C),
							fmt.Sprintf("(not (= (- (div (+ (* %[1]d (+ m q)) P r) %[1]d) (div (+ (* %[1]d m) P) %[1]d)) (+ q (- (div (+ P r) %[1]d) (div P %[1]d)))))", C)},
						values: []string{"m", "q", "P", "r"}}
				})
				return r.proveAll(ctx, qs, showValues)
			},
		},
		{
			Name:       "floor_step_zero_or_one",
			Statement:  "Adding less than C to a numerator raises its floor division by C by 0 or 1, and by 0 when nothing is added.",
			Formula:    "for all c in [1, M], C = c*S, P >= 0, 0 <= r < C: 0 <= (P + r) // C - P // C <= 1, and r = 0 implies it is 0",
			Hypotheses: []string{"none"},
			Spec:       []string{"compute_committee"},
			Method:     SMT,
			Split:      splitPerC(""),
			Chain:      []string{"committees_per_slot_in_range"},
			check: func(ctx context.Context, r *run) finding {
				qs := r.perC(func(c uint64) *query {
					C := c * S
					return &query{decls: []string{"P", "r"},
						asserts: []string{"(>= P 0)", fmt.Sprintf("(<= 0 r (- %d 1))", C),
							fmt.Sprintf("(not (let ((d (- (div (+ P r) %[1]d) (div P %[1]d)))) (and (<= 0 d 1) (=> (= r 0) (= d 0)))))", C)},
						values: []string{"P", "r"}}
				})
				return r.proveAll(ctx, qs, showValues)
			},
		},
		{
			Name:      "committee_length_floor_or_ceil",
			Statement: "Every committee of an epoch has floor(V/C) or ceil(V/C) members, where C is the epoch's committee count; the ceiling only when C does not divide V.",
			Formula:   "for all V in [0, L], C = S * committees_per_slot(V), i in [0, C): end(i) - start(i) in {V // C, (V + C - 1) // C}",
			Hypotheses: []string{hypV, hypIndex,
				"the uint64 evaluation equals the integer one (compute_committee_no_overflow)"},
			Spec:   specCommittee,
			Go:     goCommittee,
			Method: Derived,
			Chain: []string{"committees_per_slot_in_range", "committee_args_in_range", "compute_committee_no_overflow",
				"committee_length_ring_identity", "committee_length_decomposition", "floor_step_zero_or_one"},
			Argument: "Let c = committees_per_slot(V), in [1, M] (committees_per_slot_in_range), C = c*S, and i the committee's compute_committee index, below C (committee_args_in_range); the spec's uint64 values are the integer ones (compute_committee_no_overflow). " +
				"Write q = V // C, r = V % C, so V = q*C + r with 0 <= r < C. By committee_length_ring_identity, V*i = C*m + P and V*(i+1) = C*(m+q) + P + r with m = q*i >= 0 and P = r*i >= 0. " +
				"By committee_length_decomposition (for this C), end(i) - start(i) = q + d with d = (P + r) // C - P // C, and by floor_step_zero_or_one d is 0 or 1, and 0 when r = 0. " +
				"So the length is q = floor(V/C), or q + 1 = ceil(V/C) when r > 0. " +
				"Checked by z3: per c, the premises instantiated at these terms and the negated conclusion, stated of the models compute_committee_start and compute_committee_end, are unsat.",
			Split:   splitPerC(": in each query C is a constant, so the premises' instances are linear in all but the products they name"),
			queries: focQs,
			check:   derivedBy(focQs),
		},
		{
			Name:       "last_committee_length_is_ceil",
			Statement:  "The last committee of the epoch (slot % SLOTS_PER_EPOCH = SLOTS_PER_EPOCH - 1, index = committees_per_slot - 1) has exactly ceil(V/C) members: the most any committee of the epoch has.",
			Formula:    "for all V in [0, L], C = S * committees_per_slot(V): end(C-1) - start(C-1) = (V + C - 1) // C",
			Hypotheses: []string{hypV},
			Spec:       specCommittee,
			Go:         goCommittee,
			Method:     SMT,
			Split:      splitPerC("; with i = C - 1 fixed, V*i is linear"),
			Chain:      []string{"committees_per_slot_in_range"},
			check: func(ctx context.Context, r *run) finding {
				qs := r.perC(func(c uint64) *query {
					C := c * S
					return &query{decls: []string{"V"}, defs: r.models.get("committees_per_slot", "compute_committee_start", "compute_committee_end", "committee_length"),
						asserts: []string{fmt.Sprintf("(<= 0 V %d)", L), fmt.Sprintf("(= (committees_per_slot V) %d)", c),
							fmt.Sprintf("(not (= (committee_length V %d %d) (div (+ V %d) %d)))", C-1, C, C-1, C)},
						values: []string{"V"}}
				})
				return r.proveAll(ctx, qs, showValues)
			},
		},
		{
			Name:       "committee_range_ends",
			Statement:  "The first committee of the epoch starts at position 0 of the shuffled active indices and the last one ends at V.",
			Formula:    "for all V in [0, L], C = S * committees_per_slot(V): start(0) = 0 and end(C-1) = V",
			Hypotheses: []string{hypV},
			Spec:       []string{"compute_committee"},
			Go:         []string{"spec.ComputeCommitteeRange"},
			Method:     SMT,
			Split:      splitPerC(""),
			Chain:      []string{"committees_per_slot_in_range"},
			check: func(ctx context.Context, r *run) finding {
				qs := r.perC(func(c uint64) *query {
					C := c * S
					return &query{decls: []string{"V"}, defs: r.models.get("committees_per_slot", "compute_committee_start", "compute_committee_end"),
						asserts: []string{fmt.Sprintf("(<= 0 V %d)", L), fmt.Sprintf("(= (committees_per_slot V) %d)", c),
							fmt.Sprintf("(not (and (= (compute_committee_start V 0 %[1]d) 0) (= (compute_committee_end V (- %[1]d 1) %[1]d) V)))", C)},
						values: []string{"V"}}
				})
				return r.proveAll(ctx, qs, showValues)
			},
		},
		{
			Name:       "committee_ranges_adjacent",
			Statement:  "Each committee ends where the next one starts.",
			Formula:    "for all V >= 0, i >= 0, C > 0: end(i) = start(i + 1)",
			Hypotheses: []string{"none"},
			Spec:       []string{"compute_committee"},
			Go:         []string{"spec.ComputeCommitteeRange"},
			Method:     SMT,
			Split:      "none: one query (QF_NIA; both sides are V*(i+1) // C once the models are unfolded)",
			check: func(ctx context.Context, r *run) finding {
				q := &query{decls: []string{"V", "i", "C"}, defs: r.models.get("compute_committee_start", "compute_committee_end"),
					asserts: []string{"(>= V 0)", "(>= i 0)", "(> C 0)", "(not (= (compute_committee_end V i C) (compute_committee_start V (+ i 1) C)))"},
					values:  []string{"V", "i", "C"}}
				return r.proveAll(ctx, []*query{q}, showValues)
			},
		},
		{
			Name:       "committee_ranges_partition",
			Statement:  "The committees of an epoch, one per (slot % SLOTS_PER_EPOCH, index) combination, are consecutive ranges [start, end) of the shuffled active indices that together cover [0, V) exactly once; so every position compute_committee reads is below len(indices).",
			Formula:    "for all V in [0, L], C = S * committees_per_slot(V): start(0) = 0 <= end(0) = start(1) <= ... <= end(C-1) = V, and the combinations are in bijection with i in [0, C)",
			Hypotheses: []string{hypV, hypIndex},
			Spec:       specCommittee,
			Go:         goCommittee,
			Method:     Derived,
			Chain:      []string{"committee_index_bijection", "committee_range_ends", "committee_ranges_adjacent", "committee_length_floor_or_ceil"},
			Argument: "committee_index_bijection makes the combinations of an epoch the compute_committee indices i in [0, C), each once. " +
				"committee_ranges_adjacent gives end(i) = start(i+1), committee_length_floor_or_ceil gives end(i) - start(i) >= 0, and committee_range_ends gives start(0) = 0 and end(C-1) = V. " +
				"So the ranges [start(i), end(i)) follow each other without gap or overlap from 0 to V: they partition [0, V), and every position read lies in [0, V). " +
				"Checked by z3 as an induction over the compute_committee index, with the premises instantiated at an index i, its successor, a later index j and the last index: starts are not negative (up from start(0) = 0), ends are at most V (down from end(C-1) = V), end(i) <= start(j) for i < j, every p in [0, V) lies in some range, and a position read is in [0, V).",
			Split:   "ten queries, the base cases and steps of an induction over the committee index i in [0, C) (complete: every index is reached from 0, or from C - 1, by steps of one); C is a variable in [1, MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH]",
			queries: partQs,
			check:   derivedBy(partQs),
		},
		{
			Name:       "committee_lengths_sum_to_v",
			Statement:  "The committee lengths of an epoch sum to the number of active validators: every active validator is in exactly one committee of the epoch.",
			Formula:    "for all V in [0, L], C = S * committees_per_slot(V): sum over i in [0, C) of (end(i) - start(i)) = V",
			Hypotheses: []string{hypV, hypIndex},
			Spec:       specCommittee,
			Go:         goCommittee,
			Method:     Derived,
			Chain:      []string{"committee_ranges_partition"},
			Argument:   "The sum telescopes: sum (end(i) - start(i)) = end(C-1) - start(0) + sum over i < C-1 of (end(i) - start(i+1)) = V - 0 + 0, by committee_ranges_partition (adjacent ranges, first start 0, last end V). Checked by z3 as an induction: the sum of the lengths below index X is start(X).",
			Split:      "three queries, an induction over the committee index: no committee below 0 sums to start(0); one more committee keeps the sum at start(X + 1); all C committees sum to end(C-1) = V",
			queries:    sumQs,
			check:      derivedBy(sumQs),
		},
		{
			Name:       "committee_fits_bitlist_with_cap",
			Statement:  "With the upper-bound fix, no committee has more than MAX_VALIDATORS_PER_COMMITTEE members, for every number of active validators up to the registry limit: get_attesting_indices never reads past its Bitlist[MAX_VALIDATORS_PER_COMMITTEE].",
			Formula:    "for all V in [0, min(L, cap)], C = S * committees_per_slot(V): ceil(V / C) <= K, hence every end(i) - start(i) <= K",
			Hypotheses: []string{hypV, hypCap, hypIndex},
			Spec:       []string{"get_beacon_committee", "compute_committee", "get_attesting_indices"},
			Go:         []string{"spec.Model.GetAttestingIndices", "spec.ComputeCommitteeRange"},
			Sites:      []string{"get_attesting_indices_bit_read"},
			Method:     SMT,
			Split:      splitPerC(""),
			Chain:      []string{"committees_per_slot_in_range", "committee_length_floor_or_ceil"},
			check: func(ctx context.Context, r *run) finding {
				qs := r.perC(func(c uint64) *query {
					C := c * S
					return &query{decls: []string{"V"}, defs: r.models.get("committees_per_slot"),
						asserts: []string{fmt.Sprintf("(<= 0 V %d)", L), fmt.Sprintf("(<= V %d)", capV), fmt.Sprintf("(= (committees_per_slot V) %d)", c),
							fmt.Sprintf("(> (div (+ V %d) %d) %d)", C-1, C, K)},
						values: []string{"V"}}
				})
				return r.proveAll(ctx, qs, showValues)
			},
		},
		{
			Name: "committee_exceeds_bitlist_without_fix",
			Statement: "Without the fix, some committee has more than MAX_VALIDATORS_PER_COMMITTEE members for some number of active validators within the registry limit; the least such V is the solver's minimum, " +
				"and no V below it has a committee that long.",
			Formula:    "exists V in [0, L], C = S * committees_per_slot(V), i in [0, C): end(i) - start(i) > K; least V = min over c of the least V with committees_per_slot(V) = c and end(C-1) - start(C-1) > K",
			Hypotheses: []string{hypV, hypIndex},
			Spec:       []string{"get_beacon_committee", "compute_committee", "get_attesting_indices"},
			Go:         []string{"spec.Config.CommitteeCountPerSlot", "spec.Config.BeaconCommitteeArgs", "spec.ComputeCommitteeRange"},
			Sites:      []string{"get_attesting_indices_bit_read"},
			Method:     SMT,
			Split: splitPerC("") + ". Search: per c, (minimize V) subject to the last committee (i = C - 1, the longest: last_committee_length_is_ceil) being longer than K, with the spec's own expression; the least V is the least of the per-c optima, replayed through the Go functions. " +
				"Leastness: per c, a second query shows no V below it has ceil(V/C) > K, which bounds every committee (committee_length_floor_or_ceil)",
			Chain:   []string{"committees_per_slot_in_range", "committee_length_floor_or_ceil", "last_committee_length_is_ceil"},
			Expect:  Refuted,
			Least:   expectLeast,
			LeastOf: "V",
			check:   checkCommitteeWithoutFix,
		},
	}
	if !violates {
		l := ls[len(ls)-1]
		l.Expect, l.Least = Holds, nil
	}
	return ls
}

// leastCommitteeViolation is the least V <= VALIDATOR_REGISTRY_LIMIT with a committee longer
// than MAX_VALIDATORS_PER_COMMITTEE, in closed form, independently of the solver: for each
// c, committees_per_slot(V) = c on [lo_c, hi_c] (lo_1 = 0, lo_c = c*S*T; hi_c = (c+1)*S*T - 1,
// hi_M = L), and there the longest committee, ceil(V/(c*S)), exceeds K from
// V = K*c*S + 1 on. false if there is none.
func leastCommitteeViolation(cfg *spec.Config) (*big.Int, bool) {
	b := func(v uint64) *big.Int { return new(big.Int).SetUint64(v) }
	S, T, M, K, L := b(cfg.SlotsPerEpoch), b(cfg.TargetCommitteeSize), cfg.MaxCommitteesPerSlot, b(cfg.MaxValidatorsPerCommittee), b(cfg.ValidatorRegistryLimit)
	ST := new(big.Int).Mul(S, T)
	var best *big.Int
	for c := uint64(1); c <= M; c++ {
		bc := b(c)
		lo := new(big.Int)
		if c > 1 {
			lo.Mul(bc, ST)
		}
		hi := new(big.Int).Set(L)
		if c < M {
			hi.Mul(b(c+1), ST).Sub(hi, big.NewInt(1))
			if hi.Cmp(L) > 0 {
				hi.Set(L)
			}
		}
		v := new(big.Int).Mul(K, bc)
		v.Mul(v, S).Add(v, big.NewInt(1))
		if v.Cmp(lo) < 0 {
			v.Set(lo)
		}
		if v.Cmp(hi) <= 0 && (best == nil || v.Cmp(best) < 0) {
			best = v
		}
	}
	return best, best != nil
}

// checkIndexBijection enumerates every combination of every committees_per_slot value
// through spec.Config.BeaconCommitteeArgs.
func checkIndexBijection(ctx context.Context, r *run) finding {
	cfg := r.cfg
	var n int
	for c := uint64(1); c <= cfg.MaxCommitteesPerSlot; c++ {
		if ctx.Err() != nil {
			return finding{err: ctx.Err(), queries: n}
		}
		seen := make([]bool, c*cfg.SlotsPerEpoch)
		for s := uint64(0); s < cfg.SlotsPerEpoch; s++ {
			for j := uint64(0); j < c; j++ {
				n++
				idx, count, err := cfg.BeaconCommitteeArgs(spec.Slot(s), spec.CommitteeIndex(j), c)
				switch {
				case err != nil:
					return finding{queries: n, counterexample: fmt.Sprintf("c = %d, slot %% S = %d, index = %d: %v", c, s, j, err)}
				case count != c*cfg.SlotsPerEpoch:
					return finding{queries: n, counterexample: fmt.Sprintf("c = %d: count %d, not c * SLOTS_PER_EPOCH", c, count)}
				case idx >= count:
					return finding{queries: n, counterexample: fmt.Sprintf("c = %d, slot %% S = %d, index = %d: committee index %d >= count %d", c, s, j, idx, count)}
				case seen[idx]:
					return finding{queries: n, counterexample: fmt.Sprintf("c = %d, slot %% S = %d, index = %d: committee index %d reached twice", c, s, j, idx)}
				}
				seen[idx] = true
			}
		}
		// c*S distinct values below c*S: every index is reached.
	}
	return finding{holds: true, queries: n, detail: fmt.Sprintf("%s combinations enumerated", commasU(uint64(n)))}
}

// checkCommitteeWithoutFix finds the least V with an over-long committee, replays it
// through the Go functions, and proves no smaller V has one.
func checkCommitteeWithoutFix(ctx context.Context, r *run) finding {
	cfg := r.cfg
	S, K, L := cfg.SlotsPerEpoch, cfg.MaxValidatorsPerCommittee, cfg.ValidatorRegistryLimit
	search := r.perC(func(c uint64) *query {
		C := c * S
		length := fmt.Sprintf("(committee_length V %d %d)", C-1, C)
		return &query{decls: []string{"V"}, defs: r.models.get("committees_per_slot", "compute_committee_start", "compute_committee_end", "committee_length"),
			asserts:  []string{fmt.Sprintf("(<= 0 V %d)", L), fmt.Sprintf("(= (committees_per_slot V) %d)", c), fmt.Sprintf("(> %s %d)", length, K)},
			minimize: "V", values: []string{"V", length}}
	})
	best, _, ok, err := r.minimizeAll(ctx, search, "V")
	n := len(search)
	if err != nil {
		return finding{queries: n, err: err}
	}
	if !ok {
		return finding{holds: true, queries: n, detail: fmt.Sprintf("%d queries unsat: no committee longer than %d for any V <= %s", n, K, commasU(L))}
	}
	// Leastness: below best, no committee of any index is longer than K.
	below := r.perC(func(c uint64) *query {
		C := c * S
		return &query{decls: []string{"V"}, defs: r.models.get("committees_per_slot"),
			asserts: []string{fmt.Sprintf("(<= 0 V (- %s 1))", best), fmt.Sprintf("(= (committees_per_slot V) %d)", c), fmt.Sprintf("(> (div (+ V %d) %d) %d)", C-1, C, K)},
			values:  []string{"V"}}
	})
	lower := r.proveAll(ctx, below, showValues)
	n += lower.queries
	if lower.err != nil {
		return finding{queries: n, err: lower.err}
	}
	if !lower.holds {
		return finding{queries: n, err: fmt.Errorf("the solver's minimum V = %s is not least: %s", commas(best), lower.counterexample)}
	}
	// Replay the counterexample through the model's Go functions.
	v := best.Uint64()
	cps := cfg.CommitteeCountPerSlot(v)
	idx, count, err := cfg.BeaconCommitteeArgs(spec.Slot(S-1), spec.CommitteeIndex(cps-1), cps)
	if err != nil {
		return finding{queries: n, err: fmt.Errorf("replaying V = %d: %w", v, err)}
	}
	start, end, err := spec.ComputeCommitteeRange(v, idx, count)
	if err != nil {
		return finding{queries: n, err: fmt.Errorf("replaying V = %d: %w", v, err)}
	}
	if end-start <= K {
		return finding{queries: n, err: fmt.Errorf("the solver's counterexample V = %d does not replay: the Go functions give a committee of %d", v, end-start)}
	}
	return finding{queries: n, least: best,
		counterexample: fmt.Sprintf("V = %s: committees_per_slot %d, slot %% %d = %d, index %d has %s members > %s (replayed through the Go functions); no V below has a committee that long",
			commas(best), cps, S, S-1, cps-1, commasU(end-start), commasU(K))}
}

// showValues describes a sat answer by the values it reports.
func showValues(q *query, a answer) string {
	s := ""
	for i, t := range q.values {
		if i > 0 {
			s += ", "
		}
		s += t + " = " + commas(a.values[t])
	}
	if q.label != "" {
		s = q.label + ": " + s
	}
	return s
}
