package proofs

import (
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// This file encodes every runtime-error site of the bounds catalogue (bounds.Catalogue) in
// SMT-LIB: the operation's operands, the condition under which the spec's uint64 (or list)
// operation raises, what holds wherever the spec evaluates it, the assumption of the
// catalogue's threshold, and the invariants under which it cannot fail. sitelemmas.go turns
// each encoding into lemmas.
//
// The encodings are written from the spec's expressions, not from the catalogue's threshold
// functions, so that the solver's least counterexample checks the catalogue's threshold
// rather than repeating it.

// hyp is one hypothesis of a site lemma: an SMT-LIB Bool term and what it says.
type hyp struct{ smt, doc string }

// siteEnc is the encoding of one site.
type siteEnc struct {
	id string // the catalogue's site ID

	// vars are the operands of the operation, the parameters of its fails model; extra are
	// other quantities the hypotheses speak of. All are uint64 values.
	vars, extra []string
	// exact are variables standing for exact sums that the spec computes (and checks) before
	// the operation: non-negative integers, not bounded to a uint64, as in the catalogue's
	// threshold (where a sum that already overflowed counts too).
	exact    []string
	fails    string // SMT-LIB Bool over vars: the operation raises
	failsDoc string // the same, in words and arithmetic
	ctx      []hyp  // what holds wherever the spec evaluates the operation (its guards)

	// x is the driving quantity of the catalogue's threshold; at fixes the other
	// quantities as the threshold's assumption says, and atMax relaxes that assumption to
	// bounds for the proof that nothing below the threshold fails (nil: at).
	x         string
	at, atMax []hyp

	// inv are the invariants under which the operation cannot fail; the safety lemma is made
	// when inv is non-nil (it may be empty: the operation cannot fail at all) or skipped with
	// invSkip's reason.
	inv     []hyp
	invSkip string
	// safeBy and thresholdBy name the committee lemmas that establish the site's safety or
	// threshold instead of a generic lemma.
	safeBy, thresholdBy string
	// split describes a safety proof that takes more than one query; queries builds them
	// (nil: one query).
	split   string
	queries func(r *run, e *siteEnc) []*query

	// goFails is the Go code's verdict on the operands of a site the model does not
	// evaluate through spec.Calc (an index, an append, an unchecked conversion): true when
	// the model's code returns an error, or when the spec's operation would raise. The
	// faithfulness tests hold the fails model to it. A site the model evaluates through
	// spec.Calc has none: its verdict is its declaration's (ops, goVerdict).
	goFails func(a []uint64) bool
	// ops are the site's operations as the model declares them (spec.Site), for a site it
	// evaluates through spec.Calc; cfg is the config of the encoding.
	ops []declOp
	cfg *spec.Config
	// around are values near which the faithfulness tests generate operands.
	around []uint64

	// Set by a re-derivation (rederive.go): proven are instances of proved invariants,
	// assumed with inv but not examined by the tautology check; chain the lemmas they rest
	// on; replaced the hypotheses the re-derivation replaced; refutedBy why the safety lemma
	// is expected refuted.
	proven    []hyp
	chain     []string
	replaced  []string
	refutedBy string
}

func (e *siteEnc) model() string { return e.id + "_fails" }

// Hypothesis helpers.

func le(x string, bound string, doc string) hyp {
	return hyp{fmt.Sprintf("(<= %s %s)", x, bound), doc}
}

func eq(x, v, doc string) hyp { return hyp{fmt.Sprintf("(= %s %s)", x, v), doc} }

// maxEpochTerm is the last epoch, (2**64 - 1) // SLOTS_PER_EPOCH.
func maxEpochTerm(cfg *spec.Config) string {
	return fmt.Sprintf("(div %s %d)", u64Max, cfg.SlotsPerEpoch)
}

func epochBound(cfg *spec.Config, x, what string) hyp {
	return le(x, maxEpochTerm(cfg), fmt.Sprintf("%s <= (2**64 - 1) // SLOTS_PER_EPOCH: %s [slot_bound]", x, what))
}

// addOverflows is the spec's uint64 + raising, for sites the model computes without
// spec.Calc.
func addOverflows(a, b uint64) bool { _, c := bits.Add64(a, b, 0); return c != 0 }

// Encoding builders for the common shapes. The sites of sumEnc, appendEnc and modSubEnc
// are all declared in spec, so their Go verdict is their declaration's (goVerdict); the
// others still serve undeclared sites too, with a goFails.

// sumEnc: x + c, c a config value or literal named cName.
func sumEnc(id, x string, c uint64, cName string) *siteEnc {
	return &siteEnc{id: id, vars: []string{x}, x: x,
		fails:    over(fmt.Sprintf("(+ %s %d)", x, c)),
		failsDoc: fmt.Sprintf("%s + %s > 2**64 - 1", x, cName),
		around:   []uint64{1<<64 - 1 - c},
	}
}

// prodEnc: x * k, k a config value or literal named kName.
func prodEnc(id, x string, k uint64, kName string) *siteEnc {
	return &siteEnc{id: id, vars: []string{x}, x: x,
		fails:    over(fmt.Sprintf("(* %s %d)", x, k)),
		failsDoc: fmt.Sprintf("%s * %s > 2**64 - 1", x, kName),
		around:   []uint64{(1<<64 - 1) / max(k, 1)},
	}
}

// accEnc: a running sum acc (of n - 1 terms, each at most each) plus the next term; x = n.
func accEnc(id, n string, each uint64, eachName string) *siteEnc {
	return &siteEnc{id: id, vars: []string{"acc", "term"}, extra: []string{n}, x: n,
		fails:    over("(+ acc term)"),
		failsDoc: "acc + term > 2**64 - 1, acc the sum of the terms before",
		ctx: []hyp{
			{fmt.Sprintf("(>= %s 1)", n), n + " >= 1 terms"},
			{fmt.Sprintf("(<= acc (* (- %s 1) %d))", n, each), fmt.Sprintf("acc <= (%s - 1) * %s: each term before is at most %s", n, eachName, eachName)},
			le("term", num(each), "term <= "+eachName),
		},
		at: []hyp{
			eq("acc", fmt.Sprintf("(* (- %s 1) %d)", n, each), "every term before at "+eachName),
			eq("term", num(each), "the term at "+eachName),
		},
		atMax:  []hyp{},
		around: []uint64{1 << 63, 1<<64 - 1 - each},
	}
}

// appendEnc: an append to a list with the limit named limitName; x is the length after
// the append.
func appendEnc(id, x string, limit uint64, limitName string) *siteEnc {
	return &siteEnc{id: id, vars: []string{x}, x: x,
		fails:    fmt.Sprintf("(> %s %d)", x, limit),
		failsDoc: fmt.Sprintf("%s > %s, the list's limit", x, limitName),
		ctx:      []hyp{{fmt.Sprintf("(>= %s 1)", x), x + " >= 1: the length after an append"}},
		around:   []uint64{limit},
	}
}

// divEnc: divisions by config values or literals, which raise only on zero.
func divEnc(id string, divisors map[string]uint64) *siteEnc {
	var terms, docs []string
	for _, name := range slices.Sorted(maps.Keys(divisors)) {
		terms = append(terms, fmt.Sprintf("(= %d 0)", divisors[name]))
		docs = append(docs, name+" = 0")
	}
	e := &siteEnc{id: id, fails: "(or false " + strings.Join(terms, " ") + ")", failsDoc: strings.Join(docs, " or "), inv: []hyp{}}
	e.goFails = func([]uint64) bool {
		for _, v := range divisors {
			if v == 0 {
				return true
			}
		}
		return false
	}
	return e
}

// modIndexEnc: a read or write of a vector at x % n, the vector holding length entries.
func modIndexEnc(id, x string, n uint64, vector, nName string) *siteEnc {
	return &siteEnc{id: id, vars: []string{x, "length"},
		fails:    fmt.Sprintf("(>= (mod %s %d) length)", x, n),
		failsDoc: fmt.Sprintf("%s %% %s >= len(%s)", x, nName, vector),
		inv:      []hyp{eq("length", num(n), fmt.Sprintf("len(%s) = %s [vector_lengths]", vector, nName))},
		goFails:  func(a []uint64) bool { return a[0]%n >= a[1] },
		around:   []uint64{n},
	}
}

// indexEnc: a read of list[index] where an invariant keeps index below the length.
func indexEnc(id, list, why string) *siteEnc {
	return &siteEnc{id: id, vars: []string{"index", "length"},
		fails:    "(>= index length)",
		failsDoc: fmt.Sprintf("index >= len(%s)", list),
		inv:      []hyp{{"(< index length)", why}},
		goFails:  func(a []uint64) bool { return a[0] >= a[1] },
	}
}

// blockIndexEnc: a read of list[index] with an index taken from the block, where an index
// out of range is how the spec rejects the block: a fails model (the recording test holds
// it to the code) and no safety lemma.
func blockIndexEnc(id, list string) *siteEnc {
	return &siteEnc{id: id, vars: []string{"index", "length"},
		fails:    "(>= index length)",
		failsDoc: fmt.Sprintf("index >= len(%s)", list),
	}
}

// literalEnc: an operation on literals or config values only, given as fails.
func literalEnc(id, fails, doc string, goFails bool) *siteEnc {
	return &siteEnc{id: id, fails: fails, failsDoc: doc, inv: []hyp{}, goFails: func([]uint64) bool { return goFails }}
}

func (e *siteEnc) withInv(h ...hyp) *siteEnc       { e.inv = append([]hyp{}, h...); return e }
func (e *siteEnc) withCtx(h ...hyp) *siteEnc       { e.ctx = append(e.ctx, h...); return e }
func (e *siteEnc) withAt(h ...hyp) *siteEnc        { e.at = append(e.at, h...); return e }
func (e *siteEnc) withAtMax(h ...hyp) *siteEnc     { e.atMax = append(e.atMax, h...); return e }
func (e *siteEnc) withAround(v ...uint64) *siteEnc { e.around = append(e.around, v...); return e }

const (
	whyRegistry  = "index < len(state.validators): the index is a validator index the transition computed or already read [indices_in_registry]"
	whyBalances  = "index < len(state.validators) = len(state.balances) [indices_in_registry] [vector_lengths]"
	whyDeltas    = "index < len(state.validators) = len(rewards) = len(penalties): eligible and attesting indices are validator indices, and the delta lists have one entry per validator [indices_in_registry]"
	whyRangeLoop = "index < length: the loop runs over range(len(state.validators)), and every list read has that length"
)

// siteEncodings are the encodings of every site of the catalogue, for cfg.
func siteEncodings(cfg *spec.Config) []*siteEnc {
	S, SPHR, EPHV, EPSV := cfg.SlotsPerEpoch, cfg.SlotsPerHistoricalRoot, cfg.EpochsPerHistoricalVector, cfg.EpochsPerSlashingsVector
	maxEB, inc := uint64(cfg.MaxEffectiveBalance), uint64(cfg.EffectiveBalanceIncrement)
	brf, prq, ipq := cfg.BaseRewardFactor, cfg.ProposerRewardQuotient, cfg.InactivityPenaltyQuotient
	U := uint64(1<<64 - 1)
	maxEpoch := U / S
	L := cfg.ValidatorRegistryLimit
	maxDeposits := uint64(1)<<spec.DepositContractTreeDepth - 1
	hystInc := inc / cfg.HysteresisQuotient
	down, up := hystInc*cfg.HysteresisDownwardMultiplier, hystInc*cfg.HysteresisUpwardMultiplier
	attestLimit := cfg.MaxAttestations * S
	votesLimit := cfg.EpochsPerEth1VotingPeriod * S
	slashedPerEpoch := S * (cfg.MaxAttesterSlashings*cfg.MaxValidatorsPerCommittee + cfg.MaxProposerSlashings)
	slashedInWindow := min(slashedPerEpoch*EPSV, L)
	ebHyp := func(x string) hyp {
		return le(x, num(maxEB), x+" <= MAX_EFFECTIVE_BALANCE [effective_balance_cap]")
	}
	totalHyps := []hyp{
		{fmt.Sprintf("(<= %d total %s)", inc, u64Max), "EFFECTIVE_BALANCE_INCREMENT <= total <= 2**64 - 1: get_total_balance returned (max(EFFECTIVE_BALANCE_INCREMENT, sum))"},
	}
	rf := newRewardFacts(cfg)

	encs := []*siteEnc{
		// Math
		sumEnc("integer_squareroot_first_step", "n", 1, "1").
			withInv(hyp{fmt.Sprintf("(= (mod n %d) 0)", inc), "n is a multiple of EFFECTIVE_BALANCE_INCREMENT: a sum of effective balances [effective_balance_cap]"}).
			withAround(0, 1, 2),
		{
			id: "integer_squareroot_newton_step", vars: []string{"n", "x"},
			fails: fmt.Sprintf("(and (> x 0) %s)", over("(+ x (div n x))")), failsDoc: "x + n // x > 2**64 - 1 (x > 0: n // x raises first at 0)",
			ctx: isqrtLoop(), inv: []hyp{},
			split: "three queries: the loop invariant 1 <= x <= (n + 1) // 2 holds on entry (n >= 2, x = (n + 1) // 2) and is kept by every iteration that continues (y < x), and under it the step does not overflow",
			queries: func(r *run, e *siteEnc) []*query {
				return isqrtQueries(r, e)
			},
			around: []uint64{U - 1, 1 << 63},
		},
		{
			id: "integer_squareroot_divisions", vars: []string{"n", "x"},
			fails: "(= x 0)", failsDoc: "x = 0 (n // x; the // 2 is by a literal)",
			ctx: isqrtLoop(), inv: []hyp{},
			split: "three queries: the loop invariant 1 <= x <= (n + 1) // 2 holds on entry and is kept by every iteration that continues, and under it x is not 0",
			queries: func(r *run, e *siteEnc) []*query {
				return isqrtQueries(r, e)
			},
		},
		{
			// Declared by its width (spec.BytesToUint64): int.from_bytes of at most 8 bytes is
			// below 256**8 = 2**64, so uint64() can raise only on wider data. The model never
			// holds the wider value; on 8 bytes it reads the spec's (the faithfulness test
			// checks the value too).
			id: "bytes_to_uint64_width", vars: []string{"length"},
			fails: "(> length 8)", failsDoc: "len(data) > 8: only then can int.from_bytes(data) exceed 2**64 - 1 (it does when a byte beyond the eighth is non-zero)",
			inv: []hyp{eq("length", "8", "len(data) = 8: every call passes hash(...)[0:8]")},
		},
		// Predicates
		blockIndexEnc("is_valid_indexed_attestation_validator_read", "state.validators"),
		{
			id: "is_valid_merkle_branch_branch_read", vars: []string{"i", "length"},
			fails: "(>= i length)", failsDoc: "i >= len(branch)",
			ctx: []hyp{{fmt.Sprintf("(< i %d)", spec.DepositContractTreeDepth+1), "i < depth = DEPOSIT_CONTRACT_TREE_DEPTH + 1 (range(depth))"}},
			inv: []hyp{eq("length", num(spec.DepositContractTreeDepth+1), "len(branch) = DEPOSIT_CONTRACT_TREE_DEPTH + 1: deposit.proof is an SSZ Vector of that length")},
		},
		// Misc: compute_shuffled_index
		{
			id: "compute_shuffled_index_modulo", vars: []string{"index_count"}, extra: []string{"index"},
			fails: "(= index_count 0)", failsDoc: "index_count = 0",
			ctx: []hyp{{"(< index index_count)", "assert index < index_count"}},
			inv: []hyp{},
		},
		{
			id: "compute_shuffled_index_flip_sum", vars: []string{"pivot", "index_count"}, x: "index_count",
			fails: over("(+ pivot index_count)"), failsDoc: "pivot + index_count > 2**64 - 1",
			ctx:    []hyp{{"(< pivot index_count)", "pivot = bytes_to_uint64(...) % index_count < index_count"}},
			at:     []hyp{eq("pivot", "(- index_count 1)", "pivot at its largest, index_count - 1")},
			atMax:  []hyp{},
			inv:    []hyp{le("index_count", num(L), "index_count <= VALIDATOR_REGISTRY_LIMIT: it counts active validators [indices_in_registry]")},
			around: []uint64{1 << 63},
		},
		{
			// sum is pivot + index_count, computed (and checked: flip_sum) before; an operand
			// of its own, as the recording binds the operands of one site.
			id: "compute_shuffled_index_flip_difference", vars: []string{"sum", "index"}, extra: []string{"pivot", "index_count"},
			fails: "(< sum index)", failsDoc: "pivot + index_count - index < 0 (sum = pivot + index_count)",
			ctx: []hyp{
				{"(< index index_count)", "assert index < index_count"},
				{"(= sum (+ pivot index_count))", "sum = pivot + index_count"},
			},
			inv: []hyp{},
		},
		{
			id: "compute_shuffled_index_round_byte", vars: []string{"round"},
			fails: "(> round 255)", failsDoc: "current_round > 255 (uint8)",
			ctx: []hyp{{fmt.Sprintf("(< round %d)", cfg.ShuffleRoundCount), "current_round < SHUFFLE_ROUND_COUNT (range)"}},
			inv: []hyp{le(num(cfg.ShuffleRoundCount), "256", "SHUFFLE_ROUND_COUNT <= 256 [config_valid]")},
		},
		{
			id: "compute_shuffled_index_position_uint32", vars: []string{"position"}, extra: []string{"index_count"}, x: "index_count",
			fails: "(>= (div position 256) 4294967296)", failsDoc: "position // 256 >= 2**32 (uint32)",
			ctx:    []hyp{{"(< position index_count)", "position = max(index, flip) < index_count"}},
			at:     []hyp{eq("position", "(- index_count 1)", "position at its largest, index_count - 1")},
			atMax:  []hyp{},
			inv:    []hyp{le("index_count", num(L), "index_count <= VALIDATOR_REGISTRY_LIMIT [indices_in_registry]")},
			around: []uint64{1 << 40},
		},
		{
			id: "compute_shuffled_index_source_read", vars: []string{"position"},
			fails: "(>= (div (mod position 256) 8) 32)", failsDoc: "(position % 256) // 8 >= 32, the length of a hash",
			inv: []hyp{},
		},
		literalEnc("compute_shuffled_index_literal_divisors", "(or (= 256 0) (= 8 0) (= 2 0))", "256 = 0 or 8 = 0 or 2 = 0", false),
		// Misc: compute_proposer_index
		{
			id: "compute_proposer_index_modulo", vars: []string{"total"},
			fails: "(= total 0)", failsDoc: "total = len(indices) = 0",
			ctx: []hyp{{"(> total 0)", "assert len(indices) > 0"}},
			inv: []hyp{},
		},
		{
			id: "compute_proposer_index_candidate_read", vars: []string{"shuffled", "total"}, extra: []string{"i", "index", "pivot", "bit"},
			fails: "(>= shuffled total)", failsDoc: "compute_shuffled_index(i % total, total, seed) >= len(indices)",
			ctx:   []hyp{{"(> total 0)", "assert len(indices) > 0"}},
			inv:   []hyp{},
			split: "two queries, an induction over the shuffle's rounds: the start index i % total is below total, and a round (flip = (pivot + total - index) % total with pivot < total; the next index is flip or index) keeps it below total",
			queries: func(r *run, e *siteEnc) []*query {
				return shuffleRangeQueries(r, e, "total")
			},
		},
		{
			id: "compute_proposer_index_random_byte", vars: []string{"i"},
			fails: "(>= (mod i 32) 32)", failsDoc: "i % 32 >= 32, the length of a hash",
			inv: []hyp{},
		},
		indexEnc("compute_proposer_index_validator_read", "state.validators", "candidate_index < len(state.validators): candidates are active validator indices [indices_in_registry]"),
		prodEnc("compute_proposer_index_balance_product", "effective_balance", 255, "MAX_RANDOM_BYTE").
			withInv(ebHyp("effective_balance")),
		{
			id: "compute_proposer_index_random_product", vars: []string{"random_byte"},
			fails: over(fmt.Sprintf("(* %d random_byte)", maxEB)), failsDoc: "MAX_EFFECTIVE_BALANCE * random_byte > 2**64 - 1",
			ctx: []hyp{le("random_byte", "255", "random_byte <= 255: a byte of a hash")},
			inv: []hyp{},
		},
		func() *siteEnc {
			e := sumEnc("compute_proposer_index_counter", "i", 1, "1")
			e.invSkip = "the invariant is a probability (2**64 - 1 rejected candidates in a row would take more hashes than can be computed), not a bound the solver can use"
			return e
		}(),
		// Misc: compute_committee
		{
			id: "compute_committee_start_end", vars: []string{"V", "index"}, x: "V",
			fails:    fmt.Sprintf("(or %s %s %s)", over("(* V index)"), over("(+ index 1)"), over("(* V (+ index 1))")),
			failsDoc: "len(indices) * index, index + 1 or len(indices) * (index + 1) > 2**64 - 1",
			at:       []hyp{eq("index", num(cfg.MaxCommitteesPerSlot*S-1), "index + 1 = count = MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH, the last committee of a full epoch")},
			atMax:    []hyp{le("index", num(cfg.MaxCommitteesPerSlot*S-1), "index < count <= MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH")},
			safeBy:   "compute_committee_no_overflow",
			around:   []uint64{U / (cfg.MaxCommitteesPerSlot * S)},
		},
		{
			id: "compute_committee_division", vars: []string{"count"}, extra: []string{"cps"},
			fails: "(= count 0)", failsDoc: "count = committees_per_slot * SLOTS_PER_EPOCH = 0",
			ctx: []hyp{eq("count", fmt.Sprintf("(* cps %d)", S), "count = committees_per_slot * SLOTS_PER_EPOCH")},
			inv: []hyp{{fmt.Sprintf("(<= 1 cps %d)", cfg.MaxCommitteesPerSlot), "1 <= committees_per_slot <= MAX_COMMITTEES_PER_SLOT (committees_per_slot_in_range)"}},
		},
		{
			id: "compute_committee_member_read", vars: []string{"shuffled", "length"},
			fails: "(>= shuffled length)", failsDoc: "compute_shuffled_index(i, len(indices), seed) >= len(indices)",
			safeBy: "compute_committee_member_in_range",
		},
		divEnc("compute_epoch_at_slot_division", map[string]uint64{"SLOTS_PER_EPOCH": S}),
		{
			id: "compute_start_slot_at_epoch_product", vars: []string{"epoch"}, x: "epoch",
			fails: over(fmt.Sprintf("(* epoch %d)", S)), failsDoc: "epoch * SLOTS_PER_EPOCH > 2**64 - 1",
			inv:    []hyp{epochBound(cfg, "epoch", "get_block_root passes the previous or current epoch")},
			around: []uint64{maxEpoch},
		},
		{
			id: "compute_activation_exit_epoch_sum", vars: []string{"epoch"}, x: "epoch",
			fails: over(fmt.Sprintf("(+ epoch 1 %d)", cfg.MaxSeedLookahead)), failsDoc: "epoch + 1 + MAX_SEED_LOOKAHEAD > 2**64 - 1",
			inv:    []hyp{epochBound(cfg, "epoch", "the caller passes the current epoch")},
			around: []uint64{U - 1 - cfg.MaxSeedLookahead, maxEpoch},
		},
		// Beacon state accessors
		{
			id: "get_previous_epoch_decrement", vars: []string{"current_epoch"},
			fails: "(< current_epoch 1)", failsDoc: "current_epoch - 1 < 0",
			ctx: []hyp{{"(distinct current_epoch 0)", "evaluated only when current_epoch != GENESIS_EPOCH"}},
			inv: []hyp{},
		},
		sumEnc("get_block_root_at_slot_sum", "slot", SPHR, "SLOTS_PER_HISTORICAL_ROOT").
			withInv(le("slot", fmt.Sprintf("(- %s 1)", u64Max), "slot < state.slot <= 2**64 - 1: the assert's first comparison")),
		modIndexEnc("get_block_root_at_slot_read", "slot", SPHR, "state.block_roots", "SLOTS_PER_HISTORICAL_ROOT"),
		divEnc("get_block_root_at_slot_modulo", map[string]uint64{"SLOTS_PER_HISTORICAL_ROOT": SPHR}),
		modIndexEnc("get_randao_mix_read", "epoch", EPHV, "state.randao_mixes", "EPOCHS_PER_HISTORICAL_VECTOR"),
		divEnc("get_randao_mix_modulo", map[string]uint64{"EPOCHS_PER_HISTORICAL_VECTOR": EPHV}),
		divEnc("get_validator_churn_limit_division", map[string]uint64{"CHURN_LIMIT_QUOTIENT": cfg.ChurnLimitQuotient}),
		sumEnc("get_seed_sum", "epoch", EPHV, "EPOCHS_PER_HISTORICAL_VECTOR").
			withInv(epochBound(cfg, "epoch", "the epoch of a committee or proposer, the previous or current epoch")),
		{
			id: "get_seed_difference", vars: []string{"epoch"},
			fails:    fmt.Sprintf("(and %s (or (< (+ epoch %[2]d) %[3]d) (< (- (+ epoch %[2]d) %[3]d) 1)))", le(fmt.Sprintf("(+ epoch %d)", EPHV), u64Max, "").smt, EPHV, cfg.MinSeedLookahead),
			failsDoc: "epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD < 0 or (that) - 1 < 0, the sum before not overflowing",
			ctx:      []hyp{le(fmt.Sprintf("(+ epoch %d)", EPHV), u64Max, "epoch + EPOCHS_PER_HISTORICAL_VECTOR did not overflow (get_seed_sum)")},
			inv:      []hyp{{fmt.Sprintf("(> %d (+ %d 1))", EPHV, cfg.MinSeedLookahead), "EPOCHS_PER_HISTORICAL_VECTOR > MIN_SEED_LOOKAHEAD + 1 [config_valid]"}},
			around:   []uint64{0, U - EPHV},
		},
		divEnc("get_committee_count_per_slot_divisions", map[string]uint64{"SLOTS_PER_EPOCH": S, "TARGET_COMMITTEE_SIZE": cfg.TargetCommitteeSize}),
		{id: "get_beacon_committee_index_arithmetic", safeBy: "committee_args_in_range"},
		divEnc("get_beacon_committee_modulo", map[string]uint64{"SLOTS_PER_EPOCH": S}),
		accEnc("get_total_balance_sum", "V", maxEB, "MAX_EFFECTIVE_BALANCE").
			withInv(le("V", num(L), "V <= VALIDATOR_REGISTRY_LIMIT [indices_in_registry]")),
		indexEnc("get_total_balance_validator_read", "state.validators", "index < len(state.validators): active or attesting validator indices [indices_in_registry]"),
		{
			id: "get_attesting_indices_bit_read", vars: []string{"index", "length"},
			fails: "(>= index length)", failsDoc: "i >= len(bits), i the committee member's position",
			safeBy: "committee_fits_bitlist_with_cap", thresholdBy: "committee_exceeds_bitlist_without_fix",
		},
		// Beacon state mutators
		indexEnc("increase_balance_read", "state.balances", whyBalances),
		{
			id: "increase_balance_sum", vars: []string{"balance", "delta"}, x: "balance",
			fails: over("(+ balance delta)"), failsDoc: "balance + delta > 2**64 - 1",
			at:     []hyp{eq("delta", num(maxEB), "delta = MAX_EFFECTIVE_BALANCE, a top-up deposit")},
			atMax:  []hyp{le("delta", num(maxEB), "delta <= MAX_EFFECTIVE_BALANCE")},
			around: []uint64{U - maxEB, maxEB},
		},
		indexEnc("decrease_balance_read", "state.balances", whyBalances),
		{
			id: "decrease_balance_difference", vars: []string{"balance", "delta"},
			fails: "(< balance delta)", failsDoc: "balance - delta < 0",
			ctx: []hyp{{"(<= delta balance)", "evaluated only when delta <= balance (the spec's underflow protection takes the other branch)"}},
			inv: []hyp{},
		},
		indexEnc("initiate_validator_exit_read", "state.validators", whyRegistry),
		sumEnc("initiate_validator_exit_queue_increment", "exit_queue_epoch", 1, "1").
			withInv(le("exit_queue_epoch", fmt.Sprintf("(+ %s 1 %d %d)", maxEpochTerm(cfg), cfg.MaxSeedLookahead, L),
				"exit_queue_epoch <= (2**64 - 1) // SLOTS_PER_EPOCH + 1 + MAX_SEED_LOOKAHEAD + VALIDATOR_REGISTRY_LIMIT: exits start at compute_activation_exit_epoch(current epoch) and each raises the queue by at most one [slot_bound]")),
		sumEnc("initiate_validator_exit_withdrawable_sum", "exit_epoch", cfg.MinValidatorWithdrawabilityDelay, "MIN_VALIDATOR_WITHDRAWABILITY_DELAY").
			withInv(le("exit_epoch", fmt.Sprintf("(+ %s 2 %d %d)", maxEpochTerm(cfg), cfg.MaxSeedLookahead, L),
				"exit_epoch <= the exit queue's bound + 1 [slot_bound]")),
		indexEnc("slash_validator_validator_read", "state.validators", "slashed_index < len(state.validators): initiate_validator_exit has just read it"),
		sumEnc("slash_validator_withdrawable_sum", "epoch", EPSV, "EPOCHS_PER_SLASHINGS_VECTOR").
			withInv(epochBound(cfg, "epoch", "the current epoch")),
		modIndexEnc("slash_validator_slashings_read", "epoch", EPSV, "state.slashings", "EPOCHS_PER_SLASHINGS_VECTOR"),
		divEnc("slash_validator_slashings_modulo", map[string]uint64{"EPOCHS_PER_SLASHINGS_VECTOR": EPSV}),
		accEnc("slash_validator_slashings_sum", "slashed", maxEB, "MAX_EFFECTIVE_BALANCE").
			withInv(le("slashed", num(slashedPerEpoch), "slashed <= SLOTS_PER_EPOCH * (MAX_ATTESTER_SLASHINGS * MAX_VALIDATORS_PER_COMMITTEE + MAX_PROPOSER_SLASHINGS): one epoch's blocks [one_block_per_slot]; the entry is reset every epoch")),
		divEnc("slash_validator_penalty_division", map[string]uint64{"MIN_SLASHING_PENALTY_QUOTIENT": cfg.MinSlashingPenaltyQuotient}),
		divEnc("slash_validator_whistleblower_division", map[string]uint64{"WHISTLEBLOWER_REWARD_QUOTIENT": cfg.WhistleblowerRewardQuotient}),
		divEnc("slash_validator_proposer_division", map[string]uint64{"PROPOSER_REWARD_QUOTIENT": prq}),
		{
			id: "slash_validator_reward_difference", vars: []string{"whistleblower_reward"},
			fails:    fmt.Sprintf("(< whistleblower_reward (div whistleblower_reward %d))", prq),
			failsDoc: "whistleblower_reward - whistleblower_reward // PROPOSER_REWARD_QUOTIENT < 0",
			inv:      []hyp{},
		},
		// Genesis
		sumEnc("initialize_genesis_time_sum", "eth1_timestamp", cfg.GenesisDelay, "GENESIS_DELAY"),
		appendEnc("initialize_deposit_list_limit", "deposits", 1<<spec.DepositContractTreeDepth, "2**DEPOSIT_CONTRACT_TREE_DEPTH").
			withInv(le("deposits", num(maxDeposits), "deposits <= 2**32 - 1: the deposit contract's limit [deposit_contract]")),
		indexEnc("initialize_balance_read", "state.balances", "index < len(state.validators) = len(state.balances): process_deposit appends both [vector_lengths]"),
		divEnc("initialize_effective_balance_modulo", map[string]uint64{"EFFECTIVE_BALANCE_INCREMENT": inc}),
		modSubEnc("initialize_effective_balance_difference", "balance", inc),
		blockIndexEnc("verify_block_signature_proposer_read", "state.validators"),
		sumEnc("process_slots_next_slot", "slot", 1, "1").
			withInv(le("slot", fmt.Sprintf("(- %s 1)", u64Max), "state.slot < slot <= 2**64 - 1: the loop's condition")),
		divEnc("process_slots_modulo", map[string]uint64{"SLOTS_PER_EPOCH": S}),
		modIndexEnc("process_slot_state_roots_write", "slot", SPHR, "state.state_roots", "SLOTS_PER_HISTORICAL_ROOT"),
		modIndexEnc("process_slot_block_roots_write", "slot", SPHR, "state.block_roots", "SLOTS_PER_HISTORICAL_ROOT"),
		divEnc("process_slot_modulo", map[string]uint64{"SLOTS_PER_HISTORICAL_ROOT": SPHR}),
		indexEnc("get_unslashed_attesting_indices_read", "state.validators", "index < len(state.validators): committee members [indices_in_registry]"),
		// Justification and finalization
		{
			id: "justification_attesting_balance_times_3", vars: []string{"attesting_balance"}, extra: []string{"V"}, x: "V",
			fails: over("(* attesting_balance 3)"), failsDoc: "attesting_balance * 3 > 2**64 - 1",
			ctx:    []hyp{le("attesting_balance", fmt.Sprintf("(* V %d)", maxEB), "attesting_balance <= V * MAX_EFFECTIVE_BALANCE: a sum of at most V effective balances [effective_balance_cap]")},
			at:     []hyp{eq("attesting_balance", fmt.Sprintf("(* V %d)", maxEB), "all V attest, each at MAX_EFFECTIVE_BALANCE")},
			atMax:  []hyp{},
			inv:    []hyp{le("V", num(L), "V <= VALIDATOR_REGISTRY_LIMIT [indices_in_registry]")},
			around: []uint64{U / 3},
		},
		{
			id: "justification_total_balance_times_2", vars: []string{"total_balance"}, extra: []string{"V"}, x: "V",
			fails: over("(* total_balance 2)"), failsDoc: "total_active_balance * 2 > 2**64 - 1",
			ctx:    []hyp{le("total_balance", fmt.Sprintf("(* V %d)", maxEB), "total_active_balance <= V * MAX_EFFECTIVE_BALANCE [effective_balance_cap]")},
			at:     []hyp{eq("total_balance", fmt.Sprintf("(* V %d)", maxEB), "all V at MAX_EFFECTIVE_BALANCE")},
			atMax:  []hyp{},
			inv:    []hyp{le("V", num(L), "V <= VALIDATOR_REGISTRY_LIMIT [indices_in_registry]")},
			around: []uint64{U / 2},
		},
		{
			id: "justification_checkpoint_distance", vars: []string{"checkpoint_epoch", "distance"}, x: "checkpoint_epoch",
			fails: over("(+ checkpoint_epoch distance)"), failsDoc: "checkpoint.epoch + distance > 2**64 - 1",
			ctx:    []hyp{{"(<= 1 distance 3)", "distance is 1, 2 or 3"}},
			at:     []hyp{eq("distance", "3", "distance 3, the largest")},
			atMax:  []hyp{},
			inv:    []hyp{epochBound(cfg, "checkpoint_epoch", "justified checkpoints are at most the current epoch")},
			around: []uint64{U - 3},
		},
		// Rewards and penalties
		prodEnc("get_base_reward_product", "effective_balance", brf, "BASE_REWARD_FACTOR").
			withInv(ebHyp("effective_balance")),
		{
			id: "get_base_reward_sqrt_division", vars: []string{"s"}, extra: []string{"total"},
			fails: "(= s 0)", failsDoc: "integer_squareroot(total_balance) = 0",
			ctx: []hyp{
				{"(<= (* s s) total)", "s*s <= total"},
				{"(< total (* (+ s 1) (+ s 1)))", "total < (s+1)*(s+1): s = integer_squareroot(total), the model's postcondition largest_root"},
			},
			inv: totalHyps,
		},
		literalEnc("get_base_reward_constant_division", fmt.Sprintf("(= %d 0)", spec.BaseRewardsPerEpoch), "BASE_REWARDS_PER_EPOCH = 0", false),
		indexEnc("get_base_reward_validator_read", "state.validators", "index < len(state.validators): eligible or attesting validator indices [indices_in_registry]"),
		divEnc("get_proposer_reward_division", map[string]uint64{"PROPOSER_REWARD_QUOTIENT": prq}),
		{
			id: "get_finality_delay_difference", vars: []string{"previous_epoch", "finalized_epoch"},
			fails: "(< previous_epoch finalized_epoch)", failsDoc: "previous_epoch - finalized_checkpoint.epoch < 0",
			inv: []hyp{{"(<= finalized_epoch previous_epoch)", "the finalized epoch is at most the previous epoch (finalization takes a checkpoint whose epoch + 1, 2 or 3 is the current epoch; both are 0 at genesis)"}},
		},
		sumEnc("get_eligible_validator_indices_next_epoch", "previous_epoch", 1, "1").
			withInv(epochBound(cfg, "previous_epoch", "the previous epoch is at most the current")),
		divEnc("get_attestation_component_deltas_increment_divisions", map[string]uint64{"EFFECTIVE_BALANCE_INCREMENT": inc}),
		{
			id: "get_attestation_component_deltas_numerator", vars: []string{"base", "attesting_balance"},
			fails:    over(fmt.Sprintf("(* base (div attesting_balance %d))", inc)),
			failsDoc: "base_reward * (attesting_balance // EFFECTIVE_BALANCE_INCREMENT) > 2**64 - 1",
			inv: []hyp{
				le("base", num(rf.baseMax), "base_reward <= MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) (facts sqrt_at_least, base_reward_at_most) [effective_balance_cap]"),
				le("attesting_balance", u64Max, "attesting_balance is a uint64: get_total_balance summed it without overflow (it may exceed the total balance: the previous epoch's attesters can outweigh the current total)"),
			},
			split:   rf.split("sqrt_at_least", "base_reward_at_most"),
			queries: rf.queries("sqrt_at_least", "base_reward_at_most"),
			around:  []uint64{rf.baseMax},
		},
		{
			id: "get_attestation_component_deltas_division", vars: []string{"total"},
			fails: fmt.Sprintf("(= (div total %d) 0)", inc), failsDoc: "total_balance // EFFECTIVE_BALANCE_INCREMENT = 0",
			inv: totalHyps,
		},
		{
			id: "get_attestation_component_deltas_accumulate", vars: []string{"entry", "reward"},
			fails: over("(+ entry reward)"), failsDoc: "rewards[index] + reward > 2**64 - 1",
			ctx: []hyp{eq("entry", "0", "rewards[index] = 0: the lists are fresh and eligible indices distinct, so each entry gets one addition")},
			inv: []hyp{},
		},
		indexEnc("get_attestation_component_deltas_reads", "rewards", whyDeltas),
		{
			id: "get_inclusion_delay_deltas_min", vars: []string{"candidates"},
			fails: "(= candidates 0)", failsDoc: "min() of an empty list: no matching attestation includes index",
			ctx: []hyp{{"(>= candidates 1)", "index is an unslashed attester of the matching source attestations, so at least one includes it"}},
			inv: []hyp{},
		},
		indexEnc("get_inclusion_delay_deltas_attester_read", "state.validators", "index < len(state.validators): an attester, a member of a committee of active validators [indices_in_registry]"),
		indexEnc("get_inclusion_delay_deltas_proposer_read", "rewards", "proposer_index < len(state.validators) = len(rewards): get_beacon_proposer_index at inclusion, and the registry never shrinks [indices_in_registry]"),
		{
			id: "get_inclusion_delay_deltas_rewards_sum", vars: []string{"collected", "own"},
			fails: over("(+ collected own)"), failsDoc: "the proposer rewards a validator collects + its own attester reward > 2**64 - 1",
			inv: []hyp{
				le("collected", num(rf.collectedMax), "collected <= (2**64 - 1) * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) (facts sqrt_at_least, proposer_rewards_collected)"),
				le("own", num(rf.baseMax), "own <= its base reward <= MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) (facts sqrt_at_least, base_reward_at_most)"),
			},
			split:   rf.split("sqrt_at_least", "base_reward_at_most", "proposer_rewards_collected"),
			queries: rf.queries("sqrt_at_least", "base_reward_at_most", "proposer_rewards_collected"),
		},
		{
			id: "get_inclusion_delay_deltas_difference", vars: []string{"base"},
			fails: fmt.Sprintf("(< base (div base %d))", prq), failsDoc: "base_reward - base_reward // PROPOSER_REWARD_QUOTIENT < 0",
			inv: []hyp{},
		},
		{
			id: "get_inclusion_delay_deltas_delay_division", vars: []string{"inclusion_delay"},
			fails: "(= inclusion_delay 0)", failsDoc: "inclusion_delay = 0",
			inv: []hyp{le(num(cfg.MinAttestationInclusionDelay), "inclusion_delay", "inclusion_delay >= MIN_ATTESTATION_INCLUSION_DELAY: process_attestation's inclusion window")},
		},
		{
			id: "get_inactivity_penalty_deltas_base_product", vars: []string{"base"},
			fails: over("(* 4 base)"), failsDoc: "BASE_REWARDS_PER_EPOCH * base_reward > 2**64 - 1",
			inv:     []hyp{le("base", num(rf.baseMax), "base_reward <= MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) (facts sqrt_at_least, base_reward_at_most)")},
			split:   rf.split("sqrt_at_least", "base_reward_at_most"),
			queries: rf.queries("sqrt_at_least", "base_reward_at_most"),
		},
		{
			id: "get_inactivity_penalty_deltas_difference", vars: []string{"base"},
			fails:    fmt.Sprintf("(and %s (< (* 4 base) (div base %d)))", le("(* 4 base)", u64Max, "").smt, prq),
			failsDoc: "BASE_REWARDS_PER_EPOCH * base_reward - base_reward // PROPOSER_REWARD_QUOTIENT < 0, the product before not overflowing",
			ctx:      []hyp{le("(* 4 base)", u64Max, "4 * base_reward did not overflow (get_inactivity_penalty_deltas_base_product)")},
			inv:      []hyp{},
		},
		{
			id: "get_inactivity_penalty_deltas_leak_product", vars: []string{"effective_balance", "finality_delay"}, x: "finality_delay",
			fails: over("(* effective_balance finality_delay)"), failsDoc: "effective_balance * finality_delay > 2**64 - 1",
			at:     []hyp{eq("effective_balance", num(maxEB), "effective_balance = MAX_EFFECTIVE_BALANCE")},
			atMax:  []hyp{ebHyp("effective_balance")},
			inv:    []hyp{ebHyp("effective_balance"), epochBound(cfg, "finality_delay", "the finality delay is at most the previous epoch")},
			around: []uint64{U / maxEB},
		},
		divEnc("get_inactivity_penalty_deltas_division", map[string]uint64{"INACTIVITY_PENALTY_QUOTIENT": ipq}),
		{
			id: "get_inactivity_penalty_deltas_sum", vars: []string{"base", "effective_balance", "finality_delay"},
			fails: fmt.Sprintf("(and (<= (div base %[1]d) (* 4 base) %[3]s) (<= (* effective_balance finality_delay) %[3]s) %[4]s)", prq, ipq, u64Max,
				over(fmt.Sprintf("(+ (- (* 4 base) (div base %d)) (div (* effective_balance finality_delay) %d))", prq, ipq))),
			failsDoc: "(BASE_REWARDS_PER_EPOCH * base_reward - proposer_reward) + effective_balance * finality_delay // INACTIVITY_PENALTY_QUOTIENT > 2**64 - 1, the operations before not raising",
			ctx: []hyp{
				le("(* effective_balance finality_delay)", u64Max, "effective_balance * finality_delay did not overflow (get_inactivity_penalty_deltas_leak_product)"),
			},
			inv:     []hyp{le("base", num(rf.baseMax), "base_reward <= MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) (facts sqrt_at_least, base_reward_at_most)")},
			split:   rf.split("sqrt_at_least", "base_reward_at_most"),
			queries: rf.queries("sqrt_at_least", "base_reward_at_most"),
		},
		indexEnc("get_inactivity_penalty_deltas_reads", "penalties", whyDeltas),
		{
			id: "get_attestation_deltas_rewards_sum", vars: []string{"source", "target", "head", "inclusion"},
			fails:    over("(+ source target head inclusion)"),
			failsDoc: "source_rewards[i] + target_rewards[i] + head_rewards[i] + inclusion_delay_rewards[i] > 2**64 - 1",
			inv: []hyp{
				{fmt.Sprintf("(and (<= source %[1]d) (<= target %[1]d) (<= head %[1]d))", rf.numeratorMax), "each of the source, target and head rewards is at most its numerator (fact component_at_most_numerator), or the base reward itself in a leak, so at most baseRewardMax * ((2**64 - 1) // EFFECTIVE_BALANCE_INCREMENT) with baseRewardMax = MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) (facts sqrt_at_least, base_reward_at_most; get_attestation_component_deltas_numerator)"},
				le("inclusion", fmt.Sprintf("(+ %d %d)", rf.collectedMax, rf.baseMax), "inclusion_delay_rewards[i] <= the proposer rewards collected + its own attester reward (fact proposer_rewards_collected, and baseRewardMax)"),
			},
			split:   rf.split("sqrt_at_least", "base_reward_at_most", "component_at_most_numerator", "proposer_rewards_collected"),
			queries: rf.queries("sqrt_at_least", "base_reward_at_most", "component_at_most_numerator", "proposer_rewards_collected"),
		},
		{
			id: "get_attestation_deltas_penalties_sum", vars: []string{"source", "target", "head", "inactivity"}, extra: []string{"base", "product"},
			fails:    over("(+ source target head inactivity)"),
			failsDoc: "source_penalties[i] + target_penalties[i] + head_penalties[i] + inactivity_penalties[i] > 2**64 - 1",
			inv: []hyp{
				le("base", num(rf.baseMax), "base_reward <= MAX_EFFECTIVE_BALANCE * BASE_REWARD_FACTOR // (4 * isqrt(EFFECTIVE_BALANCE_INCREMENT)) (facts sqrt_at_least, base_reward_at_most)"),
				{"(and (<= source base) (<= target base) (<= head base))", "each of the source, target and head penalties is 0 or the base reward"},
				le("product", u64Max, "product = effective_balance * finality_delay fits (get_inactivity_penalty_deltas_leak_product)"),
				le("inactivity", fmt.Sprintf("(+ (- (* 4 base) (div base %d)) (div product %d))", prq, ipq), "inactivity_penalties[i] <= 4 * base_reward - proposer_reward + product // INACTIVITY_PENALTY_QUOTIENT"),
			},
			split:   rf.split("sqrt_at_least", "base_reward_at_most"),
			queries: rf.queries("sqrt_at_least", "base_reward_at_most"),
		},
		{
			id: "get_attestation_deltas_reads", vars: []string{"index", "length"},
			fails: "(>= index length)", failsDoc: "i >= len(component list)",
			ctx: []hyp{{"(< index length)", whyRangeLoop}}, inv: []hyp{},
		},
		{
			id: "process_rewards_and_penalties_reads", vars: []string{"index", "length"},
			fails: "(>= index length)", failsDoc: "index >= len(rewards)",
			ctx: []hyp{{"(< index length)", whyRangeLoop}}, inv: []hyp{},
		},
		// Registry updates
		sumEnc("process_registry_updates_eligibility_epoch", "epoch", 1, "1").
			withInv(epochBound(cfg, "epoch", "the current epoch")),
		{
			id: "process_registry_updates_queue_reads", vars: []string{"index", "length"},
			fails: "(>= index length)", failsDoc: "index >= len(state.validators)",
			ctx: []hyp{{"(< index length)", "the queue holds indices from enumerate(state.validators)"}}, inv: []hyp{},
		},
		// Slashings
		// Not accEnc: an entry of state.slashings is the effective balances of every
		// validator slashed in its epoch, not one (the operand recording test found the
		// entries above MAX_EFFECTIVE_BALANCE in the official vectors); what is bounded is the
		// sum so far.
		(&siteEnc{id: "process_slashings_sum", vars: []string{"acc", "term"}, extra: []string{"slashed"}, x: "slashed",
			fails:    over("(+ acc term)"),
			failsDoc: "acc + term > 2**64 - 1, acc the sum of the entries before",
			ctx: []hyp{
				{fmt.Sprintf("(<= (+ acc term) (* slashed %d))", maxEB), "acc + term <= slashed * MAX_EFFECTIVE_BALANCE: the entries summed so far hold the effective balances of slashed validators, at most MAX_EFFECTIVE_BALANCE each [effective_balance_cap]"},
			},
			at: []hyp{
				{"(>= slashed 1)", "at least one slashed validator"},
				eq("acc", fmt.Sprintf("(* (- slashed 1) %d)", maxEB), "the entries before hold slashed - 1 validators at MAX_EFFECTIVE_BALANCE"),
				eq("term", num(maxEB), "the entry holds one more at MAX_EFFECTIVE_BALANCE"),
			},
			atMax: []hyp{},
		}).
			withInv(le("slashed", num(slashedInWindow), "slashed <= min(EPOCHS_PER_SLASHINGS_VECTOR * SLOTS_PER_EPOCH * (MAX_ATTESTER_SLASHINGS * MAX_VALIDATORS_PER_COMMITTEE + MAX_PROPOSER_SLASHINGS), VALIDATOR_REGISTRY_LIMIT): the window's blocks [one_block_per_slot]")),
		{
			id: "process_slashings_multiplier", vars: []string{"sum"}, extra: []string{"slashed"}, x: "slashed", exact: []string{"sum"},
			fails: over(fmt.Sprintf("(* sum %d)", cfg.ProportionalSlashingMultiplier)), failsDoc: "sum(state.slashings) * PROPORTIONAL_SLASHING_MULTIPLIER > 2**64 - 1",
			ctx:    []hyp{le("sum", fmt.Sprintf("(* slashed %d)", maxEB), "sum <= slashed * MAX_EFFECTIVE_BALANCE [effective_balance_cap]")},
			at:     []hyp{eq("sum", fmt.Sprintf("(* slashed %d)", maxEB), "each slashed validator at MAX_EFFECTIVE_BALANCE")},
			atMax:  []hyp{},
			inv:    []hyp{le("slashed", num(slashedInWindow), "slashed <= what the window's blocks can slash, and no more than the registry [one_block_per_slot]")},
			around: []uint64{U / max(cfg.ProportionalSlashingMultiplier, 1)},
		},
		sumEnc("process_slashings_withdrawable_target", "epoch", EPSV/2, "EPOCHS_PER_SLASHINGS_VECTOR // 2").
			withInv(epochBound(cfg, "epoch", "the current epoch")),
		literalEnc("process_slashings_half_vector", "(= 2 0)", "2 = 0", false),
		divEnc("process_slashings_increment_division", map[string]uint64{"EFFECTIVE_BALANCE_INCREMENT": inc}),
		{
			id: "process_slashings_penalty_numerator", vars: []string{"effective_balance", "adjusted"}, extra: []string{"V", "total"}, x: "V",
			fails:    over(fmt.Sprintf("(* (div effective_balance %d) adjusted)", inc)),
			failsDoc: "effective_balance // increment * adjusted_total_slashing_balance > 2**64 - 1",
			ctx: []hyp{
				{"(<= adjusted total)", "adjusted_total_slashing_balance = min(sum(slashings) * PROPORTIONAL_SLASHING_MULTIPLIER, total_balance) <= total_balance"},
				le("total", fmt.Sprintf("(* V %d)", maxEB), "total_balance <= V * MAX_EFFECTIVE_BALANCE [effective_balance_cap]"),
				ebHyp("effective_balance"),
			},
			at: []hyp{
				eq("effective_balance", num(maxEB), "a slashed validator at MAX_EFFECTIVE_BALANCE"),
				eq("total", fmt.Sprintf("(* V %d)", maxEB), "every active validator at MAX_EFFECTIVE_BALANCE"),
				eq("adjusted", "total", "the adjusted slashing balance at its cap, total_balance"),
			},
			atMax: []hyp{},
			inv: []hyp{
				le("adjusted", fmt.Sprintf("(* %d %d %d)", slashedInWindow, maxEB, cfg.ProportionalSlashingMultiplier), "adjusted <= sum(slashings) * PROPORTIONAL_SLASHING_MULTIPLIER <= (what the window can slash) * MAX_EFFECTIVE_BALANCE * PROPORTIONAL_SLASHING_MULTIPLIER [one_block_per_slot]"),
				le("V", num(L), "V <= VALIDATOR_REGISTRY_LIMIT [indices_in_registry]"),
			},
			around: []uint64{U / (maxEB / inc), maxEB},
		},
		{
			id: "process_slashings_penalty_division", vars: []string{"total"},
			fails: "(= total 0)", failsDoc: "total_balance = 0",
			inv: totalHyps,
		},
		{
			id: "process_slashings_penalty_increment", vars: []string{"numerator", "total"}, extra: []string{"effective_balance", "adjusted"},
			fails:    fmt.Sprintf("(and (> total 0) %s)", over(fmt.Sprintf("(* (div numerator total) %d)", inc))),
			failsDoc: "penalty_numerator // total_balance * increment > 2**64 - 1 (total_balance > 0: the division raises first at 0)",
			ctx: []hyp{
				{"(<= 1 total)", "total_balance >= EFFECTIVE_BALANCE_INCREMENT >= 1"},
				{"(<= adjusted total)", "adjusted_total_slashing_balance <= total_balance"},
				eq("numerator", fmt.Sprintf("(* (div effective_balance %d) adjusted)", inc), "penalty_numerator = effective_balance // increment * adjusted"),
				le("numerator", u64Max, "the numerator did not overflow"),
			},
			inv: []hyp{},
		},
		// Final updates
		sumEnc("process_final_updates_next_epoch", "epoch", 1, "1").withInv(epochBound(cfg, "epoch", "the current epoch")),
		divEnc("process_final_updates_eth1_period_modulo", map[string]uint64{"EPOCHS_PER_ETH1_VOTING_PERIOD": cfg.EpochsPerEth1VotingPeriod}),
		indexEnc("process_final_updates_balance_read", "state.balances", "index < len(state.validators) = len(state.balances) [vector_lengths]"),
		divEnc("process_final_updates_hysteresis_division", map[string]uint64{"HYSTERESIS_QUOTIENT": cfg.HysteresisQuotient}),
		literalEnc("process_final_updates_hysteresis_thresholds",
			fmt.Sprintf("(or %s %s)", over(fmt.Sprintf("(* (div %d %d) %d)", inc, cfg.HysteresisQuotient, cfg.HysteresisDownwardMultiplier)), over(fmt.Sprintf("(* (div %d %d) %d)", inc, cfg.HysteresisQuotient, cfg.HysteresisUpwardMultiplier))),
			"HYSTERESIS_INCREMENT * HYSTERESIS_DOWNWARD_MULTIPLIER or HYSTERESIS_INCREMENT * HYSTERESIS_UPWARD_MULTIPLIER > 2**64 - 1",
			false), // the model evaluates both products through spec.Calc: its declaration replaces this

		sumEnc("process_final_updates_downward_sum", "balance", down, "DOWNWARD_THRESHOLD"),
		sumEnc("process_final_updates_upward_sum", "effective_balance", up, "UPWARD_THRESHOLD").withInv(ebHyp("effective_balance")),
		divEnc("process_final_updates_effective_balance_modulo", map[string]uint64{"EFFECTIVE_BALANCE_INCREMENT": inc}),
		modSubEnc("process_final_updates_effective_balance_difference", "balance", inc),
		modIndexEnc("process_final_updates_slashings_write", "next_epoch", EPSV, "state.slashings", "EPOCHS_PER_SLASHINGS_VECTOR"),
		divEnc("process_final_updates_slashings_modulo", map[string]uint64{"EPOCHS_PER_SLASHINGS_VECTOR": EPSV}),
		modIndexEnc("process_final_updates_randao_write", "next_epoch", EPHV, "state.randao_mixes", "EPOCHS_PER_HISTORICAL_VECTOR"),
		divEnc("process_final_updates_randao_modulo", map[string]uint64{"EPOCHS_PER_HISTORICAL_VECTOR": EPHV}),
		literalEnc("process_final_updates_historical_period", fmt.Sprintf("(or (= %[2]d 0) (= (div %[1]d %[2]d) 0))", SPHR, S),
			"SLOTS_PER_EPOCH = 0 or SLOTS_PER_HISTORICAL_ROOT // SLOTS_PER_EPOCH = 0", false), // declared: the division and the modulo by the quotient
		{
			id: "process_final_updates_historical_roots_append", vars: []string{"roots"}, extra: []string{"epoch"}, x: "epoch",
			fails: fmt.Sprintf("(> roots %d)", cfg.HistoricalRootsLimit), failsDoc: "len(state.historical_roots) after the append > HISTORICAL_ROOTS_LIMIT",
			ctx:    []hyp{le("roots", fmt.Sprintf("(div (+ epoch 1) %d)", SPHR/S), "roots <= (epoch + 1) // (SLOTS_PER_HISTORICAL_ROOT // SLOTS_PER_EPOCH): one root per period since genesis, none at genesis")},
			at:     []hyp{eq("roots", fmt.Sprintf("(div (+ epoch 1) %d)", SPHR/S), "a root appended at every period boundary since GENESIS_EPOCH")},
			atMax:  []hyp{},
			inv:    []hyp{epochBound(cfg, "epoch", "the current epoch")},
			around: []uint64{cfg.HistoricalRootsLimit},
		},
		// Block processing
		indexEnc("process_block_header_proposer_read", "state.validators", "block.proposer_index = get_beacon_proposer_index(state) < len(state.validators): asserted, an active validator [indices_in_registry]"),
		indexEnc("process_randao_proposer_read", "state.validators", "get_beacon_proposer_index(state) < len(state.validators): an active validator [indices_in_registry]"),
		modIndexEnc("process_randao_mix_write", "epoch", EPHV, "state.randao_mixes", "EPOCHS_PER_HISTORICAL_VECTOR"),
		divEnc("process_randao_modulo", map[string]uint64{"EPOCHS_PER_HISTORICAL_VECTOR": EPHV}),
		appendEnc("process_eth1_data_votes_append", "votes", votesLimit, "EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH").
			withInv(le("votes", num(votesLimit), "votes <= EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH: one block per slot of the period, and the list is emptied between periods [one_block_per_slot]")),
		literalEnc("process_eth1_data_votes_limit", over(fmt.Sprintf("(* %d %d)", cfg.EpochsPerEth1VotingPeriod, S)), "EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH > 2**64 - 1", false), // declared
		{
			id: "process_eth1_data_majority", vars: []string{"count"},
			fails: over("(* count 2)"), failsDoc: "count * 2 > 2**64 - 1",
			inv: []hyp{le("count", num(votesLimit), "count <= len(state.eth1_data_votes) <= EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH")},
		},
		{
			id: "process_operations_outstanding_deposits", vars: []string{"deposit_count", "deposit_index"},
			fails: "(< deposit_count deposit_index)", failsDoc: "eth1_data.deposit_count - eth1_deposit_index < 0",
			inv: []hyp{{"(<= deposit_index deposit_count)", "eth1_deposit_index <= eth1_data.deposit_count: an honest majority of Eth1 votes never lowers the deposit count [deposit_contract]"}},
		},
		blockIndexEnc("process_proposer_slashing_proposer_read", "state.validators"),
		indexEnc("process_attester_slashing_validator_read", "state.validators", "index < len(state.validators): is_valid_indexed_attestation has read every index"),
		sumEnc("process_attestation_earliest_sum", "data_slot", cfg.MinAttestationInclusionDelay, "MIN_ATTESTATION_INCLUSION_DELAY"),
		sumEnc("process_attestation_latest_sum", "data_slot", S, "SLOTS_PER_EPOCH").
			withInv(le(fmt.Sprintf("(+ data_slot %d)", cfg.MinAttestationInclusionDelay), u64Max, "data.slot + MIN_ATTESTATION_INCLUSION_DELAY <= state.slot <= 2**64 - 1: the window's first comparison")),
		{
			id: "process_attestation_inclusion_delay", vars: []string{"state_slot", "data_slot"},
			fails: "(< state_slot data_slot)", failsDoc: "state.slot - data.slot < 0",
			ctx: []hyp{le(fmt.Sprintf("(+ data_slot %d)", cfg.MinAttestationInclusionDelay), "state_slot", "data.slot + MIN_ATTESTATION_INCLUSION_DELAY <= state.slot: the inclusion window, asserted first")},
			inv: []hyp{},
		},
		literalEnc("process_attestation_list_limit", over(fmt.Sprintf("(* %d %d)", cfg.MaxAttestations, S)), "MAX_ATTESTATIONS * SLOTS_PER_EPOCH > 2**64 - 1", false), // declared
		appendEnc("process_attestation_current_append", "pending", attestLimit, "MAX_ATTESTATIONS * SLOTS_PER_EPOCH").
			withInv(le("pending", num(attestLimit), "pending <= MAX_ATTESTATIONS * SLOTS_PER_EPOCH: only this epoch's blocks append, MAX_ATTESTATIONS each [one_block_per_slot]")),
		appendEnc("process_attestation_previous_append", "pending", attestLimit, "MAX_ATTESTATIONS * SLOTS_PER_EPOCH").
			withInv(le("pending", num(2*attestLimit), "pending <= 2 * MAX_ATTESTATIONS * SLOTS_PER_EPOCH: the previous epoch's list plus this epoch's blocks [one_block_per_slot]")),
		divEnc("get_validator_from_deposit_modulo", map[string]uint64{"EFFECTIVE_BALANCE_INCREMENT": inc}),
		modSubEnc("get_validator_from_deposit_difference", "amount", inc),
		sumEnc("process_deposit_index_increment", "eth1_deposit_index", 1, "1").
			withInv(le("eth1_deposit_index", num(maxDeposits), "eth1_deposit_index <= 2**32 - 1 [deposit_contract]")),
		appendEnc("process_deposit_validators_append", "validators", L, "VALIDATOR_REGISTRY_LIMIT").
			withInv(le("validators", num(maxDeposits), "len(state.validators) <= 2**32 - 1: every validator comes from a deposit [deposit_contract]")),
		appendEnc("process_deposit_balances_append", "validators", L, "VALIDATOR_REGISTRY_LIMIT").
			withInv(le("validators", num(maxDeposits), "len(state.balances) = len(state.validators) <= 2**32 - 1 [vector_lengths] [deposit_contract]")),
		blockIndexEnc("process_voluntary_exit_validator_read", "state.validators"),
		sumEnc("process_voluntary_exit_shard_period_sum", "activation_epoch", cfg.ShardCommitteePeriod, "SHARD_COMMITTEE_PERIOD").
			withInv(epochBound(cfg, "activation_epoch", "the validator was asserted active, so activation_epoch <= current epoch")),
	}
	rederive(cfg, encs)
	for _, e := range encs {
		e.cfg = cfg
		if e.ops = declaredOps(e.id); len(e.ops) > 0 {
			e.goFails = nil
		}
	}
	return encs
}

// goFailsOn is the Go code's verdict on values of the model's variables: the declared
// operations' (goVerdict) for a site evaluated through spec.Calc, else goFails.
func (e *siteEnc) goFailsOn(a []uint64) bool {
	if len(e.ops) > 0 {
		fails, _, _ := e.goVerdict(bigs(a...))
		return fails
	}
	return e.goFails(a)
}

// modSubEnc: x - x % inc, which cannot underflow.
func modSubEnc(id, x string, inc uint64) *siteEnc {
	return &siteEnc{id: id, vars: []string{x},
		fails:    fmt.Sprintf("(< %s (mod %s %d))", x, x, inc),
		failsDoc: fmt.Sprintf("%[1]s - %[1]s %% EFFECTIVE_BALANCE_INCREMENT < 0", x),
		inv:      []hyp{},
	}
}

// isqrtLoop is what holds inside integer_squareroot's loop body: the first step passed
// (n <= 2**64 - 2) and the loop was entered (n >= 2).
func isqrtLoop() []hyp {
	return []hyp{{fmt.Sprintf("(<= 2 n (- %s 1))", u64Max), "2 <= n <= 2**64 - 2: the first step x + 1 did not overflow, and the loop runs only when (n + 1) // 2 < n"}}
}

// isqrtQueries are the three queries of an integer_squareroot loop lemma: the invariant
// I(x) = 1 <= x <= (n + 1) // 2 holds on entry, is kept by a continuing iteration, and
// implies the site's safety.
func isqrtQueries(r *run, e *siteEnc) []*query {
	inv := "(<= 1 x (div (+ n 1) 2))"
	base := []string{fmt.Sprintf("(<= 2 n (- %s 1))", u64Max), inU64("x")}
	entry := &query{label: "invariant on entry", decls: []string{"n", "x"},
		asserts: append(append([]string{}, base...), "(= x (div (+ n 1) 2))", fmt.Sprintf("(not %s)", inv)), values: []string{"n", "x"}}
	kept := &query{label: "invariant kept", decls: []string{"n", "x", "y"},
		asserts: append(append([]string{}, base...), inv, "(= y (div (+ x (div n x)) 2))", "(< y x)", "(not (<= 1 y (div (+ n 1) 2)))"), values: []string{"n", "x"}}
	safe := &query{label: "step safe under the invariant", decls: []string{"n", "x"}, defs: r.models.get(e.model()),
		asserts: append(append([]string{}, base...), inv, fmt.Sprintf("(%s n x)", e.model())), values: []string{"n", "x"}}
	return []*query{entry, kept, safe}
}

// shuffleRangeQueries are the two queries of the induction that compute_shuffled_index
// stays below its index count: the start, and one round.
func shuffleRangeQueries(r *run, e *siteEnc, count string) []*query {
	start := &query{label: "start index", decls: []string{"i", count},
		asserts: []string{inU64("i"), inU64(count), fmt.Sprintf("(> %s 0)", count), fmt.Sprintf("(>= (mod i %s) %s)", count, count)}, values: []string{"i", count}}
	round := &query{label: "one round", decls: []string{"index", "pivot", "bit", count},
		asserts: []string{inU64(count), fmt.Sprintf("(<= 0 index (- %s 1))", count), fmt.Sprintf("(<= 0 pivot (- %s 1))", count), "(<= 0 bit 1)",
			fmt.Sprintf("(let ((flip (mod (+ pivot (- %[1]s index)) %[1]s))) (>= (ite (= bit 1) flip index) %[1]s))", count)},
		values: []string{"index", "pivot", count}}
	return []*query{start, round}
}

// sites adds the fails model of every site encoding.
func (m *models) sites() {
	for _, e := range siteEncodings(m.cfg) {
		if e.fails == "" {
			continue
		}
		m.add(Def{Name: e.model(), Params: e.vars, Sort: "Bool", Body: e.fails,
			Spec: "site " + e.id + ": " + e.failsDoc, Go: siteGo(e.id)})
	}
}
