package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

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
embedded presets are those of consensus-specs v1.0.0; the v0.12.3 vectors were made with
their release's own config, whose penalty quotients differ, so replay them with
--config tests/minimal/config/phase0.yaml (or mainnet) rather than --preset.

When a block is invalid, the command says which one (its position, counting from 0, and
its file) and why: the spec's failed assert (its check name and the values that failed
it), the out-of-range index, or the uint64 overflow. Nothing is written and the exit
status is 1.

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
			return func(args []string) error { return runTransition(&f, args, stdout) }
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
}

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

func runTransition(f *transitionFlags, args []string, stdout io.Writer) error {
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
	start := time.Now()
	for i, b := range blocks {
		if err := m.StateTransition(state, b, !f.noValidate); err != nil {
			return &exitError{code: 1, err: &invalidBlockError{index: i, file: f.blocks[i], slot: b.Message.Slot, err: err, out: f.out}}
		}
	}
	if f.slots > 0 {
		target := state.Slot + spec.Slot(f.slots)
		if err := m.ProcessSlots(state, target); err != nil {
			return &exitError{code: 1, err: fmt.Errorf("processing %d empty slots from slot %d: %w", f.slots, state.Slot, err)}
		}
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
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
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
