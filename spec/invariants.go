package spec

import (
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"
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
//   - config: a rule on the config (Config.Validate), not on states;
//   - block_inductive: kept by a whole block (process_block) and by each slot's step of
//     process_slots, but not by each function that writes its fields: the operations that
//     append to a list (Invariant.AppendedBy) rely on process_block_header having raised
//     the list's bound first. Its inductiveness is a lemma of its own in the proofs
//     package (proofs/appendbound.go), not one obligation per function, and checked mode
//     evaluates it as preservation (see below).
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
	BlockInvariant       InvariantKind = "block_inductive"
)

// Invariant is a named invariant of reachable states.
type Invariant struct {
	Name  string
	Doc   string
	Kind  InvariantKind
	Reads []string // the fields it reads, in the vocabulary above
	// AppendedBy, for a block_inductive invariant, are the functions that write its fields
	// but keep it only as part of a block: they carry no clause of it (process_block does).
	AppendedBy []string
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
	{Name: "eth1_data_votes_bounded_by_blocks", Kind: BlockInvariant,
		Doc: "with Q = EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH, eth1_data_votes is empty, or latest_block_header.slot is in the state's voting period (latest_block_header.slot // Q = state.slot // Q) and len(eth1_data_votes) <= latest_block_header.slot % Q + 1: " +
			"process_eth1_data appends one vote per block after process_block_header set the header's slot to the block's, and process_eth1_data_reset empties the list at the end of the period's last slot",
		Reads: []string{"slot", "latest_block_header", "eth1_data_votes"}, AppendedBy: []string{"process_eth1_data"}},
	{Name: "current_epoch_attestations_bounded_by_blocks", Kind: BlockInvariant,
		Doc: "current_epoch_attestations is empty, or latest_block_header.slot is in the state's epoch (latest_block_header.slot // SLOTS_PER_EPOCH = state.slot // SLOTS_PER_EPOCH) and len(current_epoch_attestations) <= MAX_ATTESTATIONS * (latest_block_header.slot % SLOTS_PER_EPOCH + 1): " +
			"process_attestation appends at most one per attestation of a block, whose body holds at most MAX_ATTESTATIONS, after process_block_header set the header's slot to the block's, and process_participation_record_updates empties the list at the end of every epoch",
		Reads: []string{"slot", "latest_block_header", "current_epoch_attestations"}, AppendedBy: []string{"process_attestation", "process_operations"}},
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
		out[i].AppendedBy = slices.Clone(inv.AppendedBy)
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

// Checked mode evaluates the invariants as contract clauses. Every function whose contract
// declares what it writes gets, after its own postcondition, one clause per inductive, fix
// or stated-bound invariant that reads a field it writes, named "inv_" + the invariant's
// name (inv_effective_balance_cap) and evaluated on the state the call returns. The clauses
// are added to the contract at initialisation from Contract.Writes and the declarations
// above, so docs/contracts.md lists them and no function's list is kept by hand. A fix
// invariant holds vacuously unless the model runs with the fix; the environment and config
// invariants are not properties of the transition and get no clause.
//
// A block_inductive invariant is a clause on every function that writes a field it reads,
// except those of its AppendedBy, and it is evaluated as preservation: if the state before
// the call satisfies it, the state after must. A state built by hand or by a test vector
// may not satisfy it (votes cast in another period, a header from an earlier epoch); on
// such a state the clause holds vacuously, as the transition promises nothing there.
//
// The Beacon state mutators (increase_balance, decrease_balance, initiate_validator_exit,
// slash_validator) run once per validator inside the epoch and block functions: nested in
// a call that carries invariant clauses, they leave theirs to it (its clauses are evaluated
// on a state that includes their writes), so a mass ejection stays linear. Called on their
// own, they evaluate them.

// InvariantClause names the checked-mode clause of an invariant.
func InvariantClause(invariant string) string { return "inv_" + invariant }

// invariantChecks are the predicates of the checked invariants on a state: "" when the
// state satisfies it, otherwise what breaks it. They read the state directly (no spec
// function, so no contract, is called from them).
var invariantChecks = map[string]func(m *Model, s *BeaconState) string{
	"slot_bound":            slotBoundBroken,
	"effective_balance_cap": effectiveBalanceCapBroken,
	"vector_lengths":        vectorLengthsBroken,
	"indices_in_registry":   indicesInRegistryBroken,
	"one_block_per_slot":    oneBlockPerSlotBroken,
	"active_validator_cap":  activeValidatorCapBroken,
	"total_supply_bound":    totalSupplyBroken,
	"eth1_data_votes_bounded_by_blocks": func(m *Model, s *BeaconState) string {
		return blockBoundBroken("eth1_data_votes", len(s.Eth1DataVotes), m.EpochsPerEth1VotingPeriod, m.SlotsPerEpoch, 1, s)
	},
	"current_epoch_attestations_bounded_by_blocks": func(m *Model, s *BeaconState) string {
		return blockBoundBroken("current_epoch_attestations", len(s.CurrentEpochAttestations), 1, m.SlotsPerEpoch, m.MaxAttestations, s)
	},
}

// preservedInvariants are the invariants checked as preservation (block_inductive).
var preservedInvariants = map[string]bool{}

// checkedInvariants lists the invariants the contract of fn, with these writes, carries as
// clauses.
func checkedInvariants(fn string, writes []string) []string {
	var out []string
	for _, inv := range invariants {
		if inv.Kind != InductiveInvariant && inv.Kind != FixInvariant && inv.Kind != StatedBoundInvariant && inv.Kind != BlockInvariant {
			continue
		}
		if invariantChecks[inv.Name] == nil || slices.Contains(inv.AppendedBy, fn) {
			continue
		}
		for _, w := range writes {
			if slices.Contains(inv.Reads, w) {
				out = append(out, inv.Name)
				break
			}
		}
	}
	return out
}

// init adds the invariant clauses to the contracts (after every contract is declared).
func init() {
	for _, inv := range invariants {
		if inv.Kind == BlockInvariant {
			preservedInvariants[inv.Name] = true
		}
	}
	for _, c := range contracts {
		c.invariants = checkedInvariants(c.Func, c.Writes)
		for _, name := range c.invariants {
			inv, _ := InvariantByName(name)
			doc := "the state returned satisfies the invariant " + name + " (" + string(inv.Kind) + "): " + inv.Doc
			if inv.Kind == FixInvariant {
				doc += " (vacuous unless the model runs with the fix)"
			}
			if inv.Kind == BlockInvariant {
				doc = "if the state before the call satisfies the invariant " + name + " (" + string(inv.Kind) + "), the state returned does: " + inv.Doc
			}
			c.Post = append(c.Post, Clause{Name: InvariantClause(name), Doc: doc})
		}
	}
}

// InvariantClauses lists every (function, invariant) pair checked mode evaluates: the
// obligations of InvariantObligations and the stated bounds. Sorted by function.
func InvariantClauses() []InvariantObligation {
	var out []InvariantObligation
	for _, c := range Contracts() {
		for _, name := range c.invariants {
			inv, _ := InvariantByName(name)
			var shared []string
			for _, w := range c.Writes {
				if slices.Contains(inv.Reads, w) {
					shared = append(shared, w)
				}
			}
			sort.Strings(shared)
			out = append(out, InvariantObligation{Func: c.Func, Invariant: name, Writes: shared})
		}
	}
	return out
}

// invariants evaluates a contract's invariant clauses on the state a call returns; before
// is the state as the call found it (nil where the exit hook does not pass it), which the
// block_inductive clauses need.
func (c *checker) invariants(m *Model, before, state *BeaconState) {
	for _, name := range c.contract.invariants {
		if state == nil {
			c.that(InvariantClause(name), false, "not evaluated: the exit hook of %s does not pass the state", c.contract.Func)
			continue
		}
		check := invariantChecks[name]
		if preservedInvariants[name] {
			if before == nil {
				c.that(InvariantClause(name), false, "not evaluated: the exit hook of %s does not pass the state before the call", c.contract.Func)
				continue
			}
			if check(m, before) != "" {
				c.that(InvariantClause(name), true, "") // it did not hold before: nothing to preserve
				continue
			}
			broken := check(m, state)
			c.that(InvariantClause(name), broken == "", "it held before the call, but %s", broken)
			continue
		}
		broken := check(m, state)
		c.that(InvariantClause(name), broken == "", "%s", broken)
	}
}

// satAdd is a + b saturating at 2**64 - 1.
func satAdd(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return 1<<64 - 1
}

func slotBoundBroken(m *Model, s *BeaconState) string {
	current := uint64(s.Slot) / m.SlotsPerEpoch
	if s.LatestBlockHeader.Slot > s.Slot {
		return fmt.Sprintf("latest_block_header.slot %d is after state.slot %d", s.LatestBlockHeader.Slot, s.Slot)
	}
	for _, cp := range []struct {
		name  string
		epoch Epoch
	}{{"previous_justified_checkpoint", s.PreviousJustifiedCheckpoint.Epoch}, {"current_justified_checkpoint", s.CurrentJustifiedCheckpoint.Epoch}, {"finalized_checkpoint", s.FinalizedCheckpoint.Epoch}} {
		if uint64(cp.epoch) > current {
			return fmt.Sprintf("%s.epoch %d is after the current epoch %d", cp.name, cp.epoch, current)
		}
	}
	lookahead := satAdd(current, 1+m.MaxSeedLookahead) // compute_activation_exit_epoch(current)
	exiting := uint64(0)
	for i := range s.Validators {
		if s.Validators[i].ExitEpoch != FarFutureEpoch {
			exiting++
		}
	}
	for i := range s.Validators {
		v := &s.Validators[i]
		switch {
		case v.ActivationEligibilityEpoch != FarFutureEpoch && uint64(v.ActivationEligibilityEpoch) > satAdd(current, 1):
			return fmt.Sprintf("validators[%d].activation_eligibility_epoch %d is after the current epoch %d + 1", i, v.ActivationEligibilityEpoch, current)
		case v.ActivationEpoch != FarFutureEpoch && uint64(v.ActivationEpoch) > lookahead:
			return fmt.Sprintf("validators[%d].activation_epoch %d is after compute_activation_exit_epoch(%d) = %d", i, v.ActivationEpoch, current, lookahead)
		case v.ExitEpoch != FarFutureEpoch && uint64(v.ExitEpoch) > satAdd(lookahead, exiting):
			return fmt.Sprintf("validators[%d].exit_epoch %d is after compute_activation_exit_epoch(%d) = %d plus one per exit (%d)", i, v.ExitEpoch, current, lookahead, exiting)
		case v.WithdrawableEpoch != FarFutureEpoch && uint64(v.WithdrawableEpoch) > max(satAdd(uint64(v.ExitEpoch), m.MinValidatorWithdrawabilityDelay), satAdd(current, m.EpochsPerSlashingsVector)):
			return fmt.Sprintf("validators[%d].withdrawable_epoch %d is after both exit_epoch %d + MIN_VALIDATOR_WITHDRAWABILITY_DELAY and the current epoch %d + EPOCHS_PER_SLASHINGS_VECTOR", i, v.WithdrawableEpoch, v.ExitEpoch, current)
		}
	}
	return ""
}

func effectiveBalanceCapBroken(m *Model, s *BeaconState) string {
	for i := range s.Validators {
		eb := s.Validators[i].EffectiveBalance
		if eb > m.MaxEffectiveBalance || eb%m.EffectiveBalanceIncrement != 0 {
			return fmt.Sprintf("validators[%d].effective_balance %d is above MAX_EFFECTIVE_BALANCE %d or not a multiple of EFFECTIVE_BALANCE_INCREMENT %d", i, eb, m.MaxEffectiveBalance, m.EffectiveBalanceIncrement)
		}
	}
	return ""
}

func vectorLengthsBroken(m *Model, s *BeaconState) string {
	if w := m.wellFormed(s); w != "" && !strings.HasPrefix(w, "justification_bits") { // the bits are not this invariant's
		return w
	}
	return ""
}

func indicesInRegistryBroken(m *Model, s *BeaconState) string {
	if uint64(len(s.Validators)) > m.ValidatorRegistryLimit {
		return fmt.Sprintf("%d validators, VALIDATOR_REGISTRY_LIMIT is %d", len(s.Validators), m.ValidatorRegistryLimit)
	}
	for _, list := range []struct {
		name string
		a    []PendingAttestation
	}{{"previous_epoch_attestations", s.PreviousEpochAttestations}, {"current_epoch_attestations", s.CurrentEpochAttestations}} {
		for i := range list.a {
			if p := list.a[i].ProposerIndex; uint64(p) >= uint64(len(s.Validators)) {
				return fmt.Sprintf("%s[%d].proposer_index %d is not one of the %d validators", list.name, i, p, len(s.Validators))
			}
		}
	}
	return ""
}

func oneBlockPerSlotBroken(m *Model, s *BeaconState) string {
	if s.LatestBlockHeader.Slot > s.Slot {
		return fmt.Sprintf("latest_block_header.slot %d is after state.slot %d", s.LatestBlockHeader.Slot, s.Slot)
	}
	return ""
}

func activeValidatorCapBroken(m *Model, s *BeaconState) string {
	if !m.CapActiveValidators {
		return ""
	}
	current := m.Config.ComputeEpochAtSlot(s.Slot)
	for _, e := range []Epoch{current, Epoch(satAdd(uint64(current), 1))} {
		n := uint64(0)
		for i := range s.Validators {
			if IsActiveValidator(&s.Validators[i], e) {
				n++
			}
		}
		if n > m.ActiveValidatorCap() {
			return fmt.Sprintf("%d validators active at epoch %d, above the cap of %d", n, e, m.ActiveValidatorCap())
		}
	}
	return ""
}

func totalSupplyBroken(m *Model, s *BeaconState) string {
	var sum, carry uint64
	for _, b := range s.Balances {
		var c uint64
		sum, c = bits.Add64(sum, uint64(b), 0)
		carry += c
	}
	if carry != 0 || sum > uint64(TotalSupplyBound) {
		return fmt.Sprintf("the balances sum to %d * 2**64 + %d Gwei, above the bound of %d", carry, sum, TotalSupplyBound)
	}
	return ""
}

// blockBoundBroken is the block-counting bound of a list of length n, emptied every
// epochs * slotsPerEpoch = Q slots, to which a block appends at most k: the list is empty,
// or the latest block header's slot hdr is in the state's period (hdr // Q = slot // Q)
// and n <= k * (hdr % Q + 1). Q and the bound are computed without wrapping: a Q beyond
// 2**64 - 1 puts every slot in period 0.
func blockBoundBroken(list string, n int, epochs, slotsPerEpoch, k uint64, s *BeaconState) string {
	if n == 0 {
		return ""
	}
	hdr, slot := uint64(s.LatestBlockHeader.Slot), uint64(s.Slot)
	hi, q := bits.Mul64(epochs, slotsPerEpoch)
	hdrPeriod, slotPeriod, hdrIn := uint64(0), uint64(0), hdr
	if hi == 0 {
		hdrPeriod, slotPeriod, hdrIn = hdr/q, slot/q, hdr%q
	}
	if hdrPeriod != slotPeriod {
		return fmt.Sprintf("%s holds %d entries, but latest_block_header.slot %d is not in the period of %d slots of state.slot %d", list, n, hdr, q, slot)
	}
	bhi, bound := bits.Mul64(k, satAdd(hdrIn, 1))
	if bhi == 0 && uint64(n) > bound {
		return fmt.Sprintf("%s holds %d entries, more than %d * (latest_block_header.slot %d %% %d + 1) = %d", list, n, k, hdr, q, bound)
	}
	return ""
}
