package properties

import (
	"path"
	"strings"

	"github.com/leanovate/gopter"
)

// Expectation is what a property is expected to do on the model it is run against.
type Expectation int

const (
	// Holds: every input satisfies it.
	Holds Expectation = iota
	// Fails: some input falsifies it, by design: the committee-size bug of the spec as
	// written, or a deliberately broken model the fix properties must catch.
	Fails
)

func (e Expectation) String() string {
	if e == Fails {
		return "fails"
	}
	return "holds"
}

// Property is one entry of the registry: a named gopter property with what it is expected
// to do. The command line (beaconcheck props) and the tests run the same entries.
type Property struct {
	Name string
	// Group is "bug" (the committee-size bug of the spec as written), "fix" (the
	// upper-bound fix, CapActiveValidators), "mutant" (a fix property run against a
	// deliberately broken model or the unfixed spec, which it must catch) or "invariant"
	// (properties of the state transition that hold with and without the fix) or "tiny"
	// (invariants too, run on chains of the tiny config, TinyConfig, whatever Env.Preset:
	// they reach in a few epochs states the presets reach only after hundreds).
	Group       string
	Description string
	Expect      Expectation
	// QuickRuns is the number of runs of the quick pass (go test).
	QuickRuns int
	// New makes the gopter property for a run's environment.
	New func(env *Env) gopter.Prop
	// Vector, when set, turns a counterexample (the property's first input) into a test
	// vector (Outcome.WriteVector); a nil Vector means there is none.
	Vector func(env *Env, counterexample any) (*Vector, error)
}

// All returns the registry, in the order the command runs it: the bug, the fix, the
// mutants, the invariants, the invariants on the tiny config.
func All() []*Property { return registry }

// Lookup returns the property of that name.
func Lookup(name string) (*Property, bool) {
	for _, p := range registry {
		if p.Name == name {
			return p, true
		}
	}
	return nil, false
}

// Select returns the properties matching any of the comma-separated patterns (exact names,
// path.Match globs such as "cap-*", or a group name), in registry order; an empty list
// selects all. It reports the patterns that matched nothing.
func Select(patterns string) (selected []*Property, unmatched []string) {
	var pats []string
	for _, p := range strings.Split(patterns, ",") {
		if p = strings.TrimSpace(p); p != "" {
			pats = append(pats, p)
		}
	}
	if len(pats) == 0 {
		return All(), nil
	}
	hit := make([]bool, len(pats))
	for _, p := range registry {
		match := false
		for i, pat := range pats {
			ok, _ := path.Match(pat, p.Name)
			if ok || pat == p.Group {
				hit[i], match = true, true
			}
		}
		if match {
			selected = append(selected, p)
		}
	}
	for i, pat := range pats {
		if !hit[i] {
			unmatched = append(unmatched, pat)
		}
	}
	return selected, unmatched
}

var registry = []*Property{
	{
		Name: "committee-bound-arith", Group: "bug", Expect: Fails, QuickRuns: 200,
		Description: "for all V, slot and committee index, the beacon committee computed with the spec's own expressions has at most " +
			"MAX_VALIDATORS_PER_COMMITTEE members (mainnet by default; shrinks to the smallest V with an oversized committee)",
		New: committeeBoundArith,
	},
	{
		Name: "fix-committee-bound-arith", Group: "fix", Expect: Holds, QuickRuns: 2000,
		Description: "with the upper-bound fix, every committee of every V up to ActiveValidatorCap fits in MAX_VALIDATORS_PER_COMMITTEE, " +
			"for the presets and every custom config where the fix suffices (2 * TARGET_COMMITTEE_SIZE <= MAX_VALIDATORS_PER_COMMITTEE)",
		New: fixCommitteeBoundArith,
	},
	{
		Name: "fix-committee-bound-any-config", Group: "fix", Expect: Fails, QuickRuns: 500,
		Description: "the same over every custom config: false where TARGET_COMMITTEE_SIZE is large for MAX_VALIDATORS_PER_COMMITTEE, " +
			"since committees below the cap outgrow the bitlist (the cap alone is not a fix for such configs)",
		New: fixCommitteeBoundAnyConfig,
	},
	{
		Name: "committee-bound-state", Group: "bug", Expect: Fails, QuickRuns: 100,
		Description: "the epoch transition of a real state with V active validators and a pending attestation of its first oversized committee " +
			"(MAX_VALIDATORS_PER_COMMITTEE bits, the bitlist's most) succeeds; the spec as written fails with an out-of-range read " +
			"(BitlistIndexError; in checked mode the get_attesting_indices precondition committee_fits_bits). Small-cap config by default",
		New: committeeBoundState, Vector: boundStateVector,
	},
	{
		Name: "fix-committee-bound-state", Group: "fix", Expect: Holds, QuickRuns: 100,
		Description: "with the fix, honest chains from states near the cap with an activation queue and deposits never have an epoch " +
			"whose committees outgrow MAX_VALIDATORS_PER_COMMITTEE, nor more active validators than the cap (small-cap configs)",
		New: committeeBoundChain(WithFix), Vector: committeeBoundChainVector(WithFix),
	},
	{
		Name: "fix-cap-invariant", Group: "fix", Expect: Holds, QuickRuns: 100,
		Description: "with the fix, from any state within the cap, chains of valid blocks with deposits of new validators, top-ups, exits, " +
			"slashings and empty slots never have more than ActiveValidatorCap validators active at any epoch the state has determined",
		New: capInvariant(WithFix), Vector: capInvariantVector(WithFix),
	},
	{
		Name: "fix-conservative", Group: "fix", Expect: Holds, QuickRuns: 100,
		Description: "until the cap binds (the spec as written has more validators active at some epoch than the cap), the fixed " +
			"transition accepts the same blocks and reaches the same state roots as the spec as written",
		New: conservative,
	},
	{
		Name: "fix-committee-bound-state-unfixed", Group: "mutant", Expect: Fails, QuickRuns: 100,
		Description: "fix-committee-bound-state on the spec as written: the activation queue takes the active count past the cap and the committees past the bitlist",
		New:         committeeBoundChain(SpecAsWritten), Vector: committeeBoundChainVector(SpecAsWritten),
	},
	{
		Name: "fix-cap-invariant-unfixed", Group: "mutant", Expect: Fails, QuickRuns: 100,
		Description: "fix-cap-invariant on the spec as written, which activates past the cap",
		New:         capInvariant(SpecAsWritten), Vector: capInvariantVector(SpecAsWritten),
	},
	{
		Name: "fix-committee-bound-state-off-by-one", Group: "mutant", Expect: Fails, QuickRuns: 100,
		Description: "fix-committee-bound-state on a broken fix whose cap is one too high (ActiveValidatorCap + 1)",
		New:         committeeBoundChain(OffByOne), Vector: committeeBoundChainVector(OffByOne),
	},
	{
		Name: "fix-cap-invariant-off-by-one", Group: "mutant", Expect: Fails, QuickRuns: 100,
		Description: "fix-cap-invariant on a broken fix whose cap is one too high (ActiveValidatorCap + 1)",
		New:         capInvariant(OffByOne), Vector: capInvariantVector(OffByOne),
	},
	{
		Name: "shuffle-permutation", Group: "invariant", Expect: Holds, QuickRuns: 300,
		Description: "compute_shuffled_index over [0, n) is a permutation, and the whole-list shuffle the committees read equals it position by position",
		New:         shufflePermutation,
	},
	{
		Name: "committees-partition", Group: "invariant", Expect: Holds, QuickRuns: 150,
		Description: "the committees of the previous, current and next epochs of a state hold every active validator exactly once and no other; " +
			"a committee picked at random equals compute_committee's, one compute_shuffled_index at a time",
		New: committeesPartition,
	},
	{
		Name: "balances-epoch", Group: "invariant", Expect: Holds, QuickRuns: 150,
		Description: "across an epoch transition every balance moves by exactly its get_attestation_deltas reward and penalty and its slashings penalty",
		New:         balancesOfEpoch,
	},
	{
		Name: "balances-block", Group: "invariant", Expect: Holds, QuickRuns: 100,
		Description: "across a block, balances change by its deposits plus whistleblower and proposer rewards minus slashing penalties, and only the depositors', the slashed validators' and the proposer's",
		New:         chainInvariant(balancesOfBlock), Vector: chainInvariantVector(balancesOfBlock),
	},
	{
		Name: "slashed-never-reverts", Group: "invariant", Expect: Holds, QuickRuns: 100,
		Description: "a slashed validator stays slashed",
		New:         chainInvariant(slashedNeverReverts), Vector: chainInvariantVector(slashedNeverReverts),
	},
	{
		Name: "exit-epochs-stay", Group: "invariant", Expect: Holds, QuickRuns: 100,
		Description: "once set, a validator's exit epoch never changes and its withdrawable epoch never decreases",
		New:         chainInvariant(exitEpochsStay), Vector: chainInvariantVector(exitEpochsStay),
	},
	{
		Name: "finality-monotone", Group: "invariant", Expect: Holds, QuickRuns: 100,
		Description: "the finalized epoch never decreases",
		New:         chainInvariant(finalityMonotone), Vector: chainInvariantVector(finalityMonotone),
	},
	{
		Name: "contracts-hold", Group: "invariant", Expect: Holds, QuickRuns: 100,
		Description: "in checked mode no spec function's contract is breached anywhere in a chain, on the spec as written and with the fix",
		New:         contractsHold, Vector: contractsHoldVector,
	},
	{
		Name: "invalid-blocks-rejected", Group: "invariant", Expect: Holds, QuickRuns: 100,
		Description: "a valid signed block changed in one way (a signature byte, the slot, the proposer, an attestation's target or source, " +
			"a duplicated deposit proof, a double exit, ...) is rejected by the spec's assert for it, and the state is left unchanged",
		New: invalidBlocksRejected, Vector: invalidBlockVector,
	},
	{
		Name: "tiny-epoch-balances", Group: "tiny", Expect: Holds, QuickRuns: 100,
		Description: "on tiny chains with slashings, exits and deposits run past the slashed validators' withdrawable epochs: every epoch transition " +
			"has get_eligible_validator_indices equal to its definition recomputed from the registry, penalises no one outside it, and " +
			"moves each balance b to max(0, b + reward - penalty) less process_slashings' penalty, which only slashed validators pay",
		New: tinyChainProperty(tinyEpochBalances),
	},
	{
		Name: "tiny-registry-updates", Group: "tiny", Expect: Holds, QuickRuns: 100,
		Description: "on tiny chains with activation queues of two eligibility epochs longer than the churn limit, at least 16 active validators " +
			"and deposits below the ejection balance: every epoch transition marks, ejects (active validators only) and activates " +
			"(the first churn-limit of the queue in (eligibility epoch, index) order) as process_registry_updates recomputed plainly; " +
			"no validator ever has an exit epoch without an activation epoch",
		New: tinyChainProperty(tinyRegistryUpdates),
	},
	{
		Name: "tiny-slashings-vector", Group: "tiny", Expect: Holds, QuickRuns: 100,
		Description: "on tiny chains with slashings: after every block and epoch transition each entry of state.slashings of the last " +
			"EPOCHS_PER_SLASHINGS_VECTOR epochs is the effective balance slashed in its epoch (the reset clears the next epoch's entry only)",
		New: tinyChainProperty(tinySlashingsVector),
	},
	{
		Name: "tiny-slashing-operations", Group: "tiny", Expect: Holds, QuickRuns: 100,
		Description: "on tiny chains, at every epoch's first slot: a proposer slashing is accepted iff its validator is slashable (validators " +
			"at their withdrawable epoch, not yet activated, exited, slashed are tried) and slashes it alone; headers naming two validators " +
			"are rejected; a double vote slashes exactly the slashable validators of its set and is rejected when none is; a rejection leaves the state unchanged",
		New: tinyChainProperty(tinySlashingOperations),
	},
	{
		Name: "tiny-justification-two-thirds", Group: "tiny", Expect: Holds, QuickRuns: 100,
		Description: "on tiny chains of 12 or 24 validators where one, two or three thirds of every committee attest (two thirds: the " +
			"target-attesting balance is exactly 2/3 of the total): the justification bits of every epoch transition follow the 2/3 rule " +
			"recomputed from the pending attestations, and a justified epoch becomes the current justified checkpoint",
		New: tinyJustificationTwoThirds,
	},
	{
		Name: "tiny-registry-limit", Group: "tiny", Expect: Holds, QuickRuns: 100,
		Description: "on tiny chains whose deposits fill the registry to VALIDATOR_REGISTRY_LIMIT (64) and top it up: the registry never " +
			"exceeds the limit, and the block that makes one more new validator's deposit due is rejected by process_deposit's append, the state unchanged",
		New: tinyRegistryLimitProperty,
	},
}
