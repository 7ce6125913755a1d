package spec

import "fmt"

// The spec says a state transition that fails an assert, reads a list out of range or
// overflows a uint64 is invalid. Each failure is a typed error here, carrying the numbers
// that made the check fail and a stable check name for tests and tools (errors.As and
// Check, never string matching). ArithmeticError (safemath.go) covers uint64 failures.

// IndexError is a list or vector read out of range: the spec's IndexError.
type IndexError struct {
	List  string // e.g. "state.validators"
	Index uint64
	Len   int
	Site  string // the ID of the declared Site (an append, OpAppend); "" for none
}

func (e *IndexError) Error() string {
	if e.Site != "" {
		return fmt.Sprintf("index %d out of range for %s of length %d at site %s", e.Index, e.List, e.Len, e.Site)
	}
	return fmt.Sprintf("index %d out of range for %s of length %d", e.Index, e.List, e.Len)
}

// BitlistIndexError is a bitlist read past its length, e.g. a committee member beyond
// the attestation's aggregation bits. go-bitfield would answer false; the spec raises.
type BitlistIndexError struct {
	Func  string
	Index uint64
	Len   uint64
	Site  string // the ID of the declared Site (OpBit); "" for none
}

func (e *BitlistIndexError) Error() string {
	if e.Site != "" {
		return fmt.Sprintf("%s: bit %d read from a bitlist of length %d at site %s", e.Func, e.Index, e.Len, e.Site)
	}
	return fmt.Sprintf("%s: bit %d read from a bitlist of length %d", e.Func, e.Index, e.Len)
}

// AssertError is a failed assert of the spec. Func is the spec function, Check a stable
// name for the assert (see the Check* constants), Detail the values that failed it.
type AssertError struct {
	Func   string
	Check  string
	Detail string
}

func (e *AssertError) Error() string {
	return fmt.Sprintf("%s: %s (%s)", e.Func, e.Check, e.Detail)
}

func assertf(fn, check, format string, a ...any) *AssertError {
	return &AssertError{Func: fn, Check: check, Detail: fmt.Sprintf(format, a...)}
}

// OperationError says which operation of a block failed and why: "attestation 3 rejected:
// ...". Err is the underlying AssertError, IndexError, ArithmeticError, ...
type OperationError struct {
	Kind  string // "proposer_slashing", "attester_slashing", "attestation", "deposit", "voluntary_exit"
	Index int    // position in the block body
	Err   error
}

func (e *OperationError) Error() string {
	return fmt.Sprintf("%s %d rejected: %v", e.Kind, e.Index, e.Err)
}

func (e *OperationError) Unwrap() error { return e.Err }

// Check names of the spec's asserts, by function.
const (
	// process_slots
	CheckSlotInFuture = "slot_in_future" // assert state.slot < slot
	// state_transition
	CheckBlockSignature = "block_signature"
	CheckStateRoot      = "state_root"
	// process_block_header
	CheckHeaderSlot          = "slot_matches"
	CheckHeaderNewer         = "newer_than_latest_header"
	CheckHeaderProposerIndex = "proposer_index"
	CheckHeaderParentRoot    = "parent_root"
	CheckProposerNotSlashed  = "proposer_not_slashed"
	// process_randao
	CheckRandaoReveal = "randao_reveal"
	// process_operations
	CheckDepositCount = "deposit_count"
	// process_proposer_slashing
	CheckHeaderSlotsMatch     = "header_slots_match"
	CheckHeaderProposersMatch = "header_proposers_match"
	CheckHeadersDiffer        = "headers_differ"
	CheckProposerSlashable    = "proposer_slashable"
	CheckHeaderSignature      = "header_signature"
	// process_attester_slashing
	CheckSlashableData      = "slashable_attestation_data"
	CheckIndexedAttestation = "valid_indexed_attestation"
	CheckSlashedAny         = "slashed_any"
	// process_attestation
	CheckTargetEpochRange   = "target_epoch_previous_or_current"
	CheckTargetEpochSlot    = "target_epoch_matches_slot"
	CheckInclusionWindow    = "inclusion_window"
	CheckCommitteeIndex     = "committee_index"
	CheckAggregationBitsLen = "aggregation_bits_length"
	CheckSourceCurrent      = "source_is_current_justified"
	CheckSourcePrevious     = "source_is_previous_justified"
	CheckAttestationValid   = "indexed_attestation_valid"
	// process_deposit
	CheckDepositProof = "deposit_merkle_branch"
	// process_voluntary_exit
	CheckExitActive       = "validator_active"
	CheckExitNotInitiated = "exit_not_initiated"
	CheckExitEpoch        = "exit_epoch_reached"
	CheckExitTooYoung     = "active_long_enough"
	CheckExitSignature    = "exit_signature"
	// accessors
	CheckBlockRootRange    = "block_root_slot_in_range"  // get_block_root_at_slot
	CheckMatchingEpoch     = "epoch_previous_or_current" // get_matching_source_attestations
	CheckProposerCandidate = "indices_not_empty"         // compute_proposer_index
	CheckCommitteeCount    = "committee_count_positive"  // compute_committee
)
