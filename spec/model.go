package spec

import "github.com/beaconcheck/beaconcheck/spec/bls"

// Model is the Phase 0 spec under one configuration: every spec function that reads or
// writes a BeaconState is a method of Model, named after it (process_attestation is
// ProcessAttestation). Pure functions of the configuration (compute_shuffled_index, the
// committee arithmetic) are methods of the embedded *Config and so are reachable as
// m.ComputeShuffledIndex too.
//
// A Model keeps per-epoch caches (shufflings, committees, proposers, total balances) for
// the state it is working on. They are dropped at the start of every top-level call
// (StateTransition, ProcessSlots, ProcessBlock, ProcessEpoch and each Process* of an
// operation or epoch step), but for an atomic call on a state with a hash cache whose root
// is still the one the last successful call left (cacheStillValid), and invalidated by the
// model's own mutators when they change what a cache depends on. Code that edits a state directly and then calls accessors such
// as GetBeaconCommittee must call ResetCaches first. A Model is not safe for concurrent
// use; it is cheap to create one per goroutine.
type Model struct {
	*Config
	// VerifySignatures turns BLS verification on (the default) or off, for the vectors
	// whose bls_setting allows it and for fast replays of trusted data.
	VerifySignatures bool
	// Checked, when set, turns on checked mode: every spec function evaluates its
	// contract (contract.go) on every call and returns a *ContractViolation on a breach.
	// The count of evaluated clauses accumulates in it.
	Checked *Checks
	// CapActiveValidators selects the upper-bound fix of the committee-size bug: the
	// number of active validators never exceeds ActiveValidatorCap() (activations stop at
	// the cap and the queue waits), so no committee outgrows the bitlist it is read through.
	// Off, the model is the spec as written.
	CapActiveValidators bool
	// Tracer, when set, is told of every spec function call: its inputs, its outcome and
	// what it changed in the state (trace.go). Tracing and checked mode are independent.
	Tracer Tracer
	// BatchSignatures makes StateTransition verify a block's signatures at once, by a
	// random linear combination (bls.Batch), when the block has been processed, instead of
	// each where the spec calls bls.Verify. The outcome is the same: when the batch fails,
	// the block is processed again verifying each signature in turn, which names the
	// spec's failed assert. Deposit signatures are always verified on the spot: a failed
	// proof of possession skips the deposit and is no reason to reject a block.
	BatchSignatures bool
	// SlotHook, when set, is called by process_slots before each slot it processes, with
	// that slot and the slot it goes to. An error it returns stops the transition with that
	// error; StateTransition and ProcessSlots then leave the caller's state unchanged, as
	// for any error. It is not part of the spec: callers use it to show the progress of a
	// long run of empty slots and to stop it (e.g. on Ctrl-C, returning ctx.Err()).
	SlotHook func(slot, target Slot) error

	cache      modelCache
	traceCalls *traceState // calls in progress, when traced
	// invariantScope counts the calls in progress, in checked mode, whose contracts carry
	// invariant clauses (contract.go, exit).
	invariantScope int
	// plainPerms remembers the plain spec's permutations (plain.go), in checked mode.
	plainPerms map[plainPermKey][]uint64
	// ledger sums the balance moves the balance-moving functions state, in checked mode
	// (plain.go, supplyLedger).
	ledger supplyLedger
	batch  *bls.Batch // the signature checks of the block StateTransition is processing
	sqrt   sqrtMemo   // the last integer_squareroot (math.go)
}

// hooked says whether spec functions run their entry and exit hooks: in checked mode or
// when traced. Unhooked, each spec function pays this one test.
func (m *Model) hooked() bool { return m.Checked != nil || m.Tracer != nil }

// ActiveValidatorCap is the bound of the upper-bound fix:
// MAX_VALIDATORS_PER_COMMITTEE * SLOTS_PER_EPOCH * MAX_COMMITTEES_PER_SLOT, the most active
// validators for which every committee fits in a Bitlist[MAX_VALIDATORS_PER_COMMITTEE]
// (4,194,304 on mainnet). It saturates at 2**64 - 1 for configs where the product overflows.
func (c *Config) ActiveValidatorCap() uint64 {
	var k Calc
	cap := k.Mul(nil, k.Mul(nil, c.MaxValidatorsPerCommittee, c.SlotsPerEpoch), c.MaxCommitteesPerSlot)
	if k.Err() != nil {
		return 1<<64 - 1
	}
	return cap
}

// NewModel returns a Model of cfg with signature verification on.
func NewModel(cfg *Config) *Model {
	return &Model{Config: cfg, VerifySignatures: true}
}

// ResetCaches drops every cached shuffling, committee, proposer and balance total.
func (m *Model) ResetCaches() { m.cache = modelCache{} }
