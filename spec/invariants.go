package spec

import (
	"slices"
	"sort"
)

// Invariants of reachable states: what every state the transition reaches from a valid
// genesis satisfies, and what the bounds catalogue's and the proofs' site lemmas rely on
// when they say a site cannot fail (they cite them as [name]). Each has a stable name, the
// fields of BeaconState it reads, and how it is established:
//
//   - inductive: every spec function that writes a field it reads preserves it (one proof
//     obligation per such function: InvariantObligations; the proofs package discharges
//     each with z3), and genesis establishes it;
//   - fix: inductive under the upper-bound fix (Model.CapActiveValidators) only;
//   - environment: it holds by an assumption about the world outside the state transition
//     (the Eth1 chain and its deposit contract), not by the transition;
//   - stated_bound: a bound the analysis assumes of reachable states because no valid
//     transition alone implies it (issuance has no upper bound over unbounded time); checked
//     mode reports a state outside it;
//   - config: a rule on the config (Config.Validate), not on states.
//
// Field names are the spec's: a top-level field of BeaconState ("balances", "slot"),
// "validators.<field>" for a field of existing validators, and "validators.append" for the
// registry growing (a new validator and its balance).

// InvariantKind says how an invariant is established.
type InvariantKind string

const (
	InductiveInvariant   InvariantKind = "inductive"
	FixInvariant         InvariantKind = "fix"
	EnvironmentInvariant InvariantKind = "environment"
	StatedBoundInvariant InvariantKind = "stated_bound"
	ConfigInvariant      InvariantKind = "config"
)

// Invariant is a named invariant of reachable states.
type Invariant struct {
	Name  string
	Doc   string
	Kind  InvariantKind
	Reads []string // the fields it reads, in the vocabulary above
}

// Field names of the vocabulary that are not top-level fields.
const (
	fieldValidatorsAppend = "validators.append"
)

var invariants = []Invariant{
	{Name: "config_valid", Kind: ConfigInvariant,
		Doc: "the config passes Config.Validate: every divisor and SSZ length is non-zero, SLOTS_PER_EPOCH and the history lengths are powers of two, SLOTS_PER_HISTORICAL_ROOT >= SLOTS_PER_EPOCH, SHUFFLE_ROUND_COUNT <= 256, EPOCHS_PER_HISTORICAL_VECTOR > MIN_SEED_LOOKAHEAD + 1, MAX_EFFECTIVE_BALANCE >= EFFECTIVE_BALANCE_INCREMENT"},
	{Name: "slot_bound", Kind: InductiveInvariant,
		Doc: "state.slot is a uint64, so the current epoch is at most (2**64 - 1) // SLOTS_PER_EPOCH; every epoch the transition stores (checkpoints, activation eligibility, activation) is at most the current epoch plus 1 + MAX_SEED_LOOKAHEAD, and exit epochs at most that plus one per exit",
		Reads: []string{"slot", "latest_block_header", "previous_justified_checkpoint", "current_justified_checkpoint", "finalized_checkpoint",
			"validators.activation_eligibility_epoch", "validators.activation_epoch", "validators.exit_epoch", "validators.withdrawable_epoch", fieldValidatorsAppend}},
	{Name: "effective_balance_cap", Kind: InductiveInvariant,
		Doc:   "every effective balance is a multiple of EFFECTIVE_BALANCE_INCREMENT and at most MAX_EFFECTIVE_BALANCE: get_validator_from_deposit, process_final_updates and genesis set it only as min(balance - balance % EFFECTIVE_BALANCE_INCREMENT, MAX_EFFECTIVE_BALANCE)",
		Reads: []string{"validators.effective_balance", fieldValidatorsAppend}},
	{Name: "vector_lengths", Kind: InductiveInvariant,
		Doc:   "block_roots and state_roots hold SLOTS_PER_HISTORICAL_ROOT roots, randao_mixes EPOCHS_PER_HISTORICAL_VECTOR, slashings EPOCHS_PER_SLASHINGS_VECTOR (SSZ Vectors), and balances has one entry per validator (they are appended together)",
		Reads: []string{"block_roots", "state_roots", "randao_mixes", "slashings", "balances", fieldValidatorsAppend}},
	{Name: "indices_in_registry", Kind: InductiveInvariant,
		Doc:   "every validator index the transition computes (active, committee, eligible, proposer indices) is below len(state.validators), which never shrinks; the registry holds at most VALIDATOR_REGISTRY_LIMIT validators, and every pending attestation's proposer_index is a validator",
		Reads: []string{fieldValidatorsAppend, "previous_epoch_attestations", "current_epoch_attestations"}},
	{Name: "deposit_contract", Kind: EnvironmentInvariant,
		Doc:   "the deposit contract accepts at most 2**DEPOSIT_CONTRACT_TREE_DEPTH - 1 deposits, and eth1_data changes only by an honest majority vote for the canonical Eth1 chain, whose deposit count never decreases, so eth1_deposit_index <= eth1_data.deposit_count <= 2**32 - 1",
		Reads: []string{"eth1_deposit_index", "eth1_data"}},
	{Name: "one_block_per_slot", Kind: InductiveInvariant,
		Doc:   "each slot has at most one block (process_block_header asserts block.slot > latest_block_header.slot), and the genesis slot none: latest_block_header.slot <= state.slot",
		Reads: []string{"slot", "latest_block_header"}},
	{Name: "active_validator_cap", Kind: FixInvariant,
		Doc:   "with the upper-bound fix (Model.CapActiveValidators), at most ActiveValidatorCap() = MAX_VALIDATORS_PER_COMMITTEE * SLOTS_PER_EPOCH * MAX_COMMITTEES_PER_SLOT validators are active in any epoch the state can compute committees for (the current epoch and the next)",
		Reads: []string{"slot", "validators.activation_epoch", "validators.exit_epoch", fieldValidatorsAppend}},
	{Name: "total_supply_bound", Kind: StatedBoundInvariant,
		Doc:   "the sum of all balances is at most TotalSupplyBound Gwei: far above any supply Ether can have, and assumed rather than implied, since issuance grows the supply without an upper bound over unbounded time",
		Reads: []string{"balances", fieldValidatorsAppend}},
}

// TotalSupplyBound is the bound of the total_supply_bound invariant, in Gwei: 2**60 Gwei,
// about 1.15 billion Ether (the supply is some 120 million).
const TotalSupplyBound Gwei = 1 << 60

// Invariants returns the named invariants of reachable states, in a fixed order.
func Invariants() []Invariant {
	out := make([]Invariant, len(invariants))
	for i, inv := range invariants {
		out[i] = inv
		out[i].Reads = slices.Clone(inv.Reads)
	}
	return out
}

// InvariantByName returns the invariant with the name.
func InvariantByName(name string) (Invariant, bool) {
	for _, inv := range Invariants() {
		if inv.Name == name {
			return inv, true
		}
	}
	return Invariant{}, false
}

// InvariantObligation is one thing to prove: that the spec function Func preserves the
// invariant, because it writes fields (Writes) the invariant reads.
type InvariantObligation struct {
	Func      string   // the spec function, e.g. "process_final_updates"
	Invariant string   // the invariant's name
	Writes    []string // the fields of Func's frame that the invariant reads
}

// InvariantObligations lists, for every spec function whose contract declares what it may
// write (Contract.Writes), each inductive or fix invariant that reads one of those fields:
// the function must preserve it. Sorted by function, then invariant.
func InvariantObligations() []InvariantObligation {
	var out []InvariantObligation
	for _, c := range Contracts() {
		if len(c.Writes) == 0 {
			continue
		}
		for _, inv := range invariants {
			if inv.Kind != InductiveInvariant && inv.Kind != FixInvariant {
				continue
			}
			var shared []string
			for _, w := range c.Writes {
				if slices.Contains(inv.Reads, w) {
					shared = append(shared, w)
				}
			}
			if len(shared) > 0 {
				sort.Strings(shared)
				out = append(out, InvariantObligation{Func: c.Func, Invariant: inv.Name, Writes: shared})
			}
		}
	}
	return out
}
