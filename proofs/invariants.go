package proofs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// This file encodes the invariants of reachable states (spec.Invariants) in SMT-LIB, over an
// abstraction of the beacon state: the scalars the invariants read, the lengths of the lists
// and vectors they read, one arbitrary validator j (its fields, its balance) and a few
// counts over the registry. Every invariant that speaks of all validators is stated of the
// arbitrary one, so a query about it covers every validator. transitions.go gives each
// state-mutating spec function's effect on the abstraction, and preserve.go makes one
// lemma per proof obligation (spec.InvariantObligations) from them.
//
// The abstract state, one SMT-LIB Int constant per quantity, suffixed _0 before and _1
// after a function (absVars). j (the validator) and e (an epoch) are shared by both states.

// absVar is one quantity of the abstract state.
type absVar struct {
	name string
	doc  string
}

var absVars = []absVar{
	{"slot", "state.slot"},
	{"hdr", "state.latest_block_header.slot"},
	{"pj", "state.previous_justified_checkpoint.epoch"},
	{"cj", "state.current_justified_checkpoint.epoch"},
	{"fin", "state.finalized_checkpoint.epoch"},
	{"n", "len(state.validators)"},
	{"nb", "len(state.balances)"},
	{"lbr", "len(state.block_roots)"},
	{"lsr", "len(state.state_roots)"},
	{"lrm", "len(state.randao_mixes)"},
	{"lsl", "len(state.slashings)"},
	{"pmax", "1 + the largest proposer_index of the pending attestations (previous and current epoch), 0 if there are none"},
	{"X", "the number of validators whose exit_epoch is not FAR_FUTURE_EPOCH"},
	{"m", "the largest exit_epoch other than FAR_FUTURE_EPOCH, 0 if there is none"},
	{"elig", "state.validators[j].activation_eligibility_epoch"},
	{"act", "state.validators[j].activation_epoch"},
	{"exit", "state.validators[j].exit_epoch"},
	{"wd", "state.validators[j].withdrawable_epoch"},
	{"eb", "state.validators[j].effective_balance"},
	{"bal", "state.balances[j]"},
	{"ae", "the number of validators active at epoch e"},
	{"aA", "the number of validators active at epoch get_current_epoch(state) + 1 + MAX_SEED_LOOKAHEAD, the epoch process_registry_updates activates at"},
}

// absNames are the names of absVars.
func absNames() []string {
	out := make([]string, len(absVars))
	for i, v := range absVars {
		out[i] = v.name
	}
	return out
}

// sfx names the quantities of state s (0 before, 1 after).
func sfx(names []string, s int) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%s_%d", n, s)
	}
	return out
}

// absEnv writes the templates of this file: $NAME is a constant of the config, @v the
// quantity v of the state the template is instantiated for.
type absEnv struct {
	cfg    *spec.Config
	consts *strings.Replacer
}

func newAbsEnv(cfg *spec.Config) *absEnv {
	c := func(v uint64) string { return fmt.Sprint(v) }
	return &absEnv{cfg: cfg, consts: strings.NewReplacer(
		"$SPHR", c(cfg.SlotsPerHistoricalRoot),
		"$EPHV", c(cfg.EpochsPerHistoricalVector),
		"$EPSV", c(cfg.EpochsPerSlashingsVector),
		"$MSL", c(cfg.MaxSeedLookahead),
		"$MWD", c(cfg.MinValidatorWithdrawabilityDelay),
		"$MAXEB", c(uint64(cfg.MaxEffectiveBalance)),
		"$INC", c(uint64(cfg.EffectiveBalanceIncrement)),
		"$CAP", c(cfg.ActiveValidatorCap()),
		"$L", c(cfg.ValidatorRegistryLimit),
		"$DEP", c(1<<spec.DepositContractTreeDepth-1),
		"$S", c(cfg.SlotsPerEpoch),
		"$U", u64Max,
	)}
}

// at instantiates a template for state s: @v becomes v_s, $cur the state's current epoch,
// $A its activation epoch (current + 1 + MAX_SEED_LOOKAHEAD).
func (a *absEnv) at(tmpl string, s int) string {
	t := strings.NewReplacer("$cur", "(div @slot $S)", "$A", "(+ (div @slot $S) 1 $MSL)").Replace(tmpl)
	t = a.consts.Replace(t)
	// @name -> name_s, longest names first so that @aA is not read as @a.
	names := absNames()
	slices.SortFunc(names, func(x, y string) int { return len(y) - len(x) })
	pairs := make([]string, 0, 2*len(names))
	for _, n := range names {
		pairs = append(pairs, "@"+n, fmt.Sprintf("%s_%d", n, s))
	}
	return strings.NewReplacer(pairs...).Replace(t)
}

// rel instantiates a template of two states: @v is v_0, ^v is v_1; $cur and $A are the
// pre-state's.
func (a *absEnv) rel(tmpl string) string {
	t := a.at(tmpl, 0)
	names := absNames()
	slices.SortFunc(names, func(x, y string) int { return len(y) - len(x) })
	pairs := make([]string, 0, 2*len(names))
	for _, n := range names {
		pairs = append(pairs, "^"+n, n+"_1")
	}
	return strings.NewReplacer(pairs...).Replace(t)
}

// invClause is an invariant's encoding: a template over one state, and what it says.
type invClause struct {
	name string // the spec invariant
	smt  string // template (absEnv.at)
	doc  string
}

// invariantClauses are the SMT encodings of the inductive and fix invariants.
var invariantClauses = []invClause{
	{"slot_bound",
		"(and (<= 0 @slot $U) (<= @pj $cur) (<= @cj $cur) (<= @fin $cur) (or (= @fin 0) (< @fin $cur)) (<= @m (+ $cur 1 $MSL @X))" +
			" (=> (< j @n) (and (or (= @elig $U) (<= @elig (+ $cur 1))) (or (= @act $U) (<= @act (+ $cur 1 $MSL)))" +
			" (or (= @exit $U) (<= @exit (+ $cur 1 $MSL @X))) (or (= @wd $U) (<= @wd (+ $cur 1 $MSL @X $MWD $EPSV))))))",
		"slot is a uint64; the checkpoints are at most the current epoch, the finalized one below it (or 0); every validator's activation eligibility epoch is FAR_FUTURE_EPOCH or at most current + 1, " +
			"its activation epoch FAR_FUTURE_EPOCH or at most current + 1 + MAX_SEED_LOOKAHEAD, its exit epoch (and the largest exit epoch) FAR_FUTURE_EPOCH or at most current + 1 + MAX_SEED_LOOKAHEAD + X (X validators have an exit epoch), " +
			"its withdrawable epoch FAR_FUTURE_EPOCH or at most that + MIN_VALIDATOR_WITHDRAWABILITY_DELAY + EPOCHS_PER_SLASHINGS_VECTOR"},
	{"effective_balance_cap", "(=> (< j @n) (and (<= 0 @eb $MAXEB) (= (mod @eb $INC) 0)))",
		"every validator's effective balance is a multiple of EFFECTIVE_BALANCE_INCREMENT, at most MAX_EFFECTIVE_BALANCE"},
	{"vector_lengths", "(and (= @lbr $SPHR) (= @lsr $SPHR) (= @lrm $EPHV) (= @lsl $EPSV) (= @nb @n))",
		"len(block_roots) = len(state_roots) = SLOTS_PER_HISTORICAL_ROOT, len(randao_mixes) = EPOCHS_PER_HISTORICAL_VECTOR, len(slashings) = EPOCHS_PER_SLASHINGS_VECTOR, len(balances) = len(validators)"},
	{"indices_in_registry", "(and (<= @n $L) (<= @pmax @n))",
		"len(validators) <= VALIDATOR_REGISTRY_LIMIT, and every pending attestation's proposer_index is below len(validators)"},
	{"one_block_per_slot", "(<= @hdr @slot)", "latest_block_header.slot <= state.slot"},
	{"active_validator_cap", "(<= @ae $CAP)",
		"for every epoch e, at most ActiveValidatorCap() validators are active at e (stronger than the spec's statement, which speaks of the current and next epoch only)"},
}

func invClauseByName(name string) (invClause, bool) {
	for _, c := range invariantClauses {
		if c.name == name {
			return c, true
		}
	}
	return invClause{}, false
}

// absFacts are what holds of the abstraction of every state, by the definitions of its
// quantities (the transition tests evaluate them on every state they build): the ranges,
// and the relations of X, m, ae and aA to the validators.
const absFacts = "(and (<= 0 @slot $U) (<= 0 @hdr $U) (<= 0 @pj $U) (<= 0 @cj $U) (<= 0 @fin $U) (<= 0 @n) (<= 0 @nb) (<= 0 @lbr) (<= 0 @lsr) (<= 0 @lrm) (<= 0 @lsl)" +
	" (<= 0 @pmax) (<= 0 @X @n) (<= 0 @m $U) (<= 0 @elig $U) (<= 0 @act $U) (<= 0 @exit $U) (<= 0 @wd $U) (<= 0 @eb $U) (<= 0 @bal $U) (<= 0 @ae @n) (<= 0 @aA @n)" +
	" (=> (and (< j @n) (distinct @exit $U)) (and (<= @exit @m) (>= @X 1))) (=> (= @X 0) (= @m 0)))"

// inductiveInvariants are the names of the inductive invariants, in spec order.
func inductiveInvariants() []string {
	var out []string
	for _, inv := range spec.Invariants() {
		if inv.Kind == spec.InductiveInvariant {
			out = append(out, inv.Name)
		}
	}
	return out
}
