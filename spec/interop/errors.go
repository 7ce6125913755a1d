package interop

import (
	"fmt"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The builders fail in a few named ways, each a type with the numbers that made it fail,
// for errors.As; KeyError (keys.go) is the fifth. A block the builder assembled but the
// model rejects is a BlockError wrapping the model's own error (spec.AssertError,
// spec.OperationError, ...).

// OptionsError is a request the builders cannot honour as given.
type OptionsError struct {
	Field  string // the option, e.g. "Participation"
	Reason string
}

func (e *OptionsError) Error() string {
	return fmt.Sprintf("interop: option %s: %s", e.Field, e.Reason)
}

// DepositsError says that a block must carry deposits the deposit log cannot supply:
// process_operations requires min(MAX_DEPOSITS, outstanding) of them in every block while
// state.eth1_data.deposit_count exceeds state.eth1_deposit_index.
type DepositsError struct {
	Slot        spec.Slot
	First       uint64 // state.eth1_deposit_index
	Count       uint64 // eth1_data.deposit_count the block's deposits are proven against
	LogLen      uint64 // deposits in the log (0 when there is none)
	RootInState spec.Root
	RootOfLog   spec.Root // the log's root for Count deposits, when it has that many
}

func (e *DepositsError) Error() string {
	if e.LogLen < e.Count {
		return fmt.Sprintf("interop: block for slot %d must include deposits %d..%d of %d outstanding, but the deposit log holds %d",
			e.Slot, e.First, e.Count-1, e.Count, e.LogLen)
	}
	return fmt.Sprintf("interop: block for slot %d: deposit log's root for %d deposits is %x, eth1_data says %x",
		e.Slot, e.Count, e.RootOfLog, e.RootInState)
}

// BlockError is a block the builder assembled that the model does not accept, or a state
// it cannot advance to the block's slot. Err is the model's error.
type BlockError struct {
	Slot spec.Slot
	Step string // "process_slots" or "process_block"
	Err  error
}

func (e *BlockError) Error() string {
	return fmt.Sprintf("interop: block for slot %d: %s failed: %v", e.Slot, e.Step, e.Err)
}

func (e *BlockError) Unwrap() error { return e.Err }
