package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/internal/atomicdir"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

func init() {
	register(&command{
		name:    "transition",
		summary: "apply signed blocks and empty slots to a BeaconState",
		usage:   "--pre STATE [--block BLOCK]... [--slots N] [flags]",
		help: `Reads the pre-state STATE (a BeaconState) and applies each signed block BLOCK (a
SignedBeaconBlock) in the order given, with the spec's state_transition: the empty slots
up to the block's slot, the proposer's signature, the block, and the state root the block
commits to. Then it advances N more empty slots (process_slots); with no blocks, that is
all it does.

Files are SSZ, or SSZ compressed with snappy when their name ends in .ssz_snappy. The
config gives the sizes of lists and vectors and every constant of the transition. The
embedded presets are those of consensus-specs v1.0.0 unless a release is named
(--preset minimal@v1.1.10); the v0.12.3 vectors were made with their release's own config
and rules, so replay them with --preset minimal@v0.12.3 (or mainnet@v0.12.3), or with
--config tests/minimal/config/phase0.yaml --rules v0.12.3.

When a block is invalid, the command says which one (its position, counting from 0, and
its file) and why: the spec's failed assert (its check name and the values that failed
it), the out-of-range index, or the uint64 overflow. Nothing is written and the exit
status is 1.

Before it starts it says how many slots it will process in all (up to each block's slot,
then --slots): more than --max-slots (default 1048576) is refused, as a block at slot 10^12
would mean years of empty slots. On a terminal a progress bar shows the slots; Ctrl-C
stops the transition before the next slot, leaves the state as it was, writes nothing and
exits 1.

On success it prints the post-state's slot and hash_tree_root, what was processed and how
long it took, and writes the post-state to POST if --out is given (snappy-compressed when
POST ends in .ssz_snappy, raw SSZ otherwise).

--no-verify-signatures skips BLS verification of every signature (block, RANDAO reveal,
operations); --no-validate is the spec's validate_result=False, which skips the block
signature and state root checks only. --trace FILE writes the trace of every spec
function call, an invalid block's included (see 'beaconcheck trace show').

Example, on an official vector:

  T=.cache/spec-tests/v0.12.3/tests/minimal
  beaconcheck transition --config $T/config/phase0.yaml \
    --pre $T/phase0/sanity/blocks/pyspec_tests/attestation/pre.ssz \
    --block $T/phase0/sanity/blocks/pyspec_tests/attestation/blocks_0.ssz \
    --block $T/phase0/sanity/blocks/pyspec_tests/attestation/blocks_1.ssz \
    --out post.ssz`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func([]string) error {
			var f transitionFlags
			f.declare(fs)
			return func(args []string) error {
				ctx, stop := interruptContext()
				defer stop()
				return runTransition(ctx, &f, args, stdout, stderr)
			}
		},
	})
}

// transitionFlags are the flags of the transition command.
type transitionFlags struct {
	pre        string
	blocks     stringList
	slots      uint64
	out        string
	cfg        configFlags
	noVerify   bool
	noValidate bool
	checked    bool
	trace      string
	maxSlots   uint64
	noProgress bool
}

// defaultMaxSlots is the most slots transition processes unless --max-slots allows more:
// about 145 days of mainnet slots, minutes of work. A block at slot 10^12 would otherwise
// mean years of empty slots.
const defaultMaxSlots = 1 << 20

func (f *transitionFlags) declare(fs *pflag.FlagSet) {
	fs.StringVar(&f.pre, "pre", "", "pre-state file, a BeaconState (required)")
	fs.Var(&f.blocks, "block", "signed block file, a SignedBeaconBlock; repeat for several, applied in order")
	fs.Uint64Var(&f.slots, "slots", 0, "empty slots to process after the blocks")
	fs.StringVar(&f.out, "out", "", "write the post-state here (.ssz_snappy: snappy-compressed; otherwise raw SSZ)")
	f.cfg.declare(fs)
	fs.BoolVar(&f.noVerify, "no-verify-signatures", false, "do not verify BLS signatures")
	fs.BoolVar(&f.noValidate, "no-validate", false, "skip the block signature and state root checks (the spec's validate_result=False)")
	fs.BoolVar(&f.checked, "checked", false, "checked mode: evaluate every spec function's contract on every call; a breach is reported like an invalid block")
	fs.StringVar(&f.trace, "trace", "", "write the trace of every spec function call to FILE, as JSON lines")
	fs.Uint64Var(&f.maxSlots, "max-slots", defaultMaxSlots, "refuse to process more slots than this in all (blocks' slots and --slots)")
	fs.BoolVar(&f.noProgress, "no-progress", false, "no progress bar even when stderr is a terminal")
}

// invalidBlockError says which block of the command line failed its transition and why.
type invalidBlockError struct {
	index int
	file  string
	slot  spec.Slot
	err   error
	out   string // the --out file, not written
}

func (e *invalidBlockError) Error() string {
	msg := fmt.Sprintf("block %d (%s, slot %d) is invalid: %v", e.index, e.file, e.slot, e.err)
	var ae *spec.AssertError
	if errors.As(e.err, &ae) {
		msg += fmt.Sprintf("\nfailed check: %s in %s", ae.Check, ae.Func)
	}
	if e.out != "" {
		msg += fmt.Sprintf("\n%s not written", e.out)
	}
	return msg
}

func (e *invalidBlockError) Unwrap() error { return e.err }

// interruptedError is a transition stopped by Ctrl-C (its context cancelled) before slot.
type interruptedError struct {
	slot        spec.Slot
	done, total uint64
	out         string // the --out file, not written
}

func (e *interruptedError) Error() string {
	msg := fmt.Sprintf("interrupted before slot %d, after %d of %d slots: the state is left as it was", e.slot, e.done, e.total)
	if e.out != "" {
		msg += fmt.Sprintf("\n%s not written", e.out)
	}
	return msg
}

func runTransition(ctx context.Context, f *transitionFlags, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q (blocks are given with --block)", args[0])
	}
	if f.pre == "" {
		return usagef("--pre STATE is required")
	}
	if len(f.blocks) == 0 && f.slots == 0 {
		return usagef("nothing to do: give at least one --block or --slots N above 0")
	}
	cfg, err := f.cfg.load()
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, configHeader(cfg))
	state := new(spec.BeaconState)
	if err := readObject(cfg, f.pre, "BeaconState", state); err != nil {
		return err
	}
	blocks := make([]*spec.SignedBeaconBlock, len(f.blocks))
	for i, path := range f.blocks {
		blocks[i] = new(spec.SignedBeaconBlock)
		if err := readObject(cfg, path, "SignedBeaconBlock", blocks[i]); err != nil {
			return err
		}
	}
	// The empty slots start where the blocks leave the state: at the last block's slot.
	base := state.Slot
	if len(blocks) > 0 {
		base = blocks[len(blocks)-1].Message.Slot
	}
	if f.slots > math.MaxUint64-uint64(base) {
		return usagef("--slots %d would take the state past the largest slot (it starts from slot %d)", f.slots, base)
	}
	// The slots to process: up to each block's slot (a block at or before the state's slot
	// is invalid, and fails without processing any), then --slots more.
	total, at := uint64(0), state.Slot
	for _, b := range blocks {
		if b.Message.Slot > at {
			total += uint64(b.Message.Slot - at)
			at = b.Message.Slot
		}
	}
	total += f.slots
	if total > f.maxSlots {
		return usagef("that is %d slots to process (from slot %d to %d), above --max-slots %d: give --max-slots %d to run them anyway",
			total, state.Slot, uint64(at)+f.slots, f.maxSlots, total)
	}
	fmt.Fprintf(stderr, "processing %s and %s in all, from slot %d to %d\n", plural(uint64(len(blocks)), "block"), plural(total, "slot"), state.Slot, uint64(at)+f.slots)

	m := spec.NewModel(cfg)
	m.VerifySignatures = !f.noVerify
	if f.checked {
		m.Checked = &spec.Checks{}
	}
	closeTrace, err := attachTrace(m, f.trace)
	if err != nil {
		return err
	}
	defer closeTrace()
	// Each slot is counted for the progress bar and checks for Ctrl-C: an interrupted
	// transition returns an error, so the state is left as it was and nothing is written.
	bar := newProgress(stderr, f.noProgress, "slots", total)
	done := uint64(0)
	m.SlotHook = func(slot, target spec.Slot) error {
		if err := ctx.Err(); err != nil {
			return &interruptedError{slot: slot, done: done, total: total}
		}
		done++
		bar.set(done, total)
		return nil
	}
	start := time.Now()
	err = func() error {
		defer bar.finish()
		for i, b := range blocks {
			if err := m.StateTransition(state, b, !f.noValidate); err != nil {
				var ie *interruptedError
				if errors.As(err, &ie) {
					return err
				}
				return &invalidBlockError{index: i, file: f.blocks[i], slot: b.Message.Slot, err: err, out: f.out}
			}
		}
		if f.slots > 0 {
			target := state.Slot + spec.Slot(f.slots)
			if err := m.ProcessSlots(state, target); err != nil {
				var ie *interruptedError
				if errors.As(err, &ie) {
					return err
				}
				return fmt.Errorf("processing %d empty slots from slot %d: %w", f.slots, state.Slot, err)
			}
		}
		return nil
	}()
	if err != nil {
		var ie *interruptedError
		if errors.As(err, &ie) {
			ie.out = f.out
		}
		return &exitError{code: 1, err: err}
	}
	elapsed := time.Since(start)

	root, err := spec.HashTreeRoot(cfg, state)
	if err != nil {
		return err
	}
	if f.out != "" {
		if err := writeObject(cfg, f.out, state); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "post-state slot %d, root 0x%x\n", state.Slot, root)
	fmt.Fprintf(stdout, "processed %s and %s in %v\n", plural(uint64(len(blocks)), "block"), plural(f.slots, "empty slot"), roundDuration(elapsed))
	if m.Checked != nil {
		fmt.Fprintf(stdout, "checked mode: %d contract clauses evaluated, no violation\n", m.Checked.Evaluations())
	}
	if f.out != "" {
		fmt.Fprintf(stdout, "wrote %s\n", f.out)
	}
	return nil
}

// readObject decodes the SSZ or SSZ-snappy file path into obj, a typeName.
func readObject(cfg *spec.Config, path, typeName string, obj ssz.Object) error {
	return readSSZFile(cfg, path, "auto", typeName, obj)
}

// writeObject writes obj to path as SSZ, snappy-compressed if path ends in .ssz_snappy.
// It writes a temporary file beside path and renames it, so path is either the whole
// object or untouched.
func writeObject(cfg *spec.Config, path string, obj ssz.Object) error {
	data, err := spec.Marshal(cfg, obj)
	if err != nil {
		return err
	}
	if strings.HasSuffix(path, ".ssz_snappy") {
		data = ssz.EncodeSnappy(data)
	}
	return atomicdir.WriteFile(path, data)
}

func plural(n uint64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// roundDuration keeps three or so significant digits of a duration.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
