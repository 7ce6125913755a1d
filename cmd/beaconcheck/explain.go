package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

func init() {
	register(&command{
		name:    "explain",
		summary: "compare a transition's result with another implementation's, and name the steps that wrote each difference",
		usage:   "--pre STATE --block BLOCK... --expected POST [flags]",
		help: `Applies the signed blocks to the pre-state as 'transition' does, with every spec function
call traced, and compares the model's post-state with EXPECTED, a post-state from another
implementation. For each difference (as 'beaconcheck diff' prints it, model -> expected)
it names the spec steps that wrote that value during the transition, in call order, each
with the calls that led to it:

  balances[5]: 31857853058 -> 31857853059
    written by:
      state_transition(slot=520) > process_slots > process_epoch > process_rewards_and_penalties > decrease_balance(index=5, delta=2519757)
      state_transition(slot=528) > process_slots > process_epoch > process_rewards_and_penalties > increase_balance(index=5, delta=1386363)

These are the first places to look: the last one set the value the model ends with. A
difference no step wrote is a value the model left as it was in the pre-state. Writes are
known per top-level field, and per validator and balance: for a vector such as
randao_mixes every step that wrote any of its elements is named.

The blocks are applied with the spec's validate_result=False, as the expected state may
come with blocks whose state roots are the other implementation's: whether each block's
state root is the model's is reported instead. Signatures are verified (the block's own
signature too) unless --no-verify-signatures. The exit status is 1 when the states differ,
0 when they are equal.`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func([]string) error {
			var f explainFlags
			f.declare(fs)
			return func(args []string) error { return runExplain(&f, args, stdout) }
		},
	})
}

type explainFlags struct {
	pre      string
	blocks   stringList
	expected string
	cfg      configFlags
	noVerify bool
	max      int
}

func (f *explainFlags) declare(fs *pflag.FlagSet) {
	fs.StringVar(&f.pre, "pre", "", "pre-state file, a BeaconState (required)")
	fs.Var(&f.blocks, "block", "signed block file, a SignedBeaconBlock; repeat for several, applied in order (at least one)")
	fs.StringVar(&f.expected, "expected", "", "the post-state another implementation computed, a BeaconState (required)")
	f.cfg.declare(fs)
	fs.BoolVar(&f.noVerify, "no-verify-signatures", false, "do not verify BLS signatures")
	fs.IntVar(&f.max, "max", 20, "differing elements to list per list or vector (0: all)")
}

func runExplain(f *explainFlags, args []string, stdout io.Writer) error {
	switch {
	case len(args) > 0:
		return usagef("unexpected argument %q (blocks are given with --block)", args[0])
	case f.pre == "":
		return usagef("--pre STATE is required")
	case f.expected == "":
		return usagef("--expected POST is required")
	case len(f.blocks) == 0:
		return usagef("at least one --block is required")
	case f.max < 0:
		return usagef("--max must be 0 (all) or more, not %d", f.max)
	}
	cfg, err := f.cfg.load()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, configHeader(cfg))
	state, expected := new(spec.BeaconState), new(spec.BeaconState)
	if err := readObject(cfg, f.pre, "BeaconState", state); err != nil {
		return err
	}
	if err := readObject(cfg, f.expected, "BeaconState", expected); err != nil {
		return err
	}
	blocks := make([]*spec.SignedBeaconBlock, len(f.blocks))
	for i, path := range f.blocks {
		blocks[i] = new(spec.SignedBeaconBlock)
		if err := readObject(cfg, path, "SignedBeaconBlock", blocks[i]); err != nil {
			return err
		}
	}

	m := spec.NewModel(cfg)
	m.VerifySignatures = !f.noVerify
	rec := &spec.TraceRecorder{}
	m.Tracer = rec
	// The proposers' signatures are checked by a model of their own, so that the trace
	// holds the transitions alone.
	check := spec.NewModel(cfg)
	mismatches := 0
	for i, b := range blocks {
		if m.VerifySignatures {
			if err := blockSignature(check, state, b); err != nil {
				return &exitError{code: 1, err: &invalidBlockError{index: i, file: f.blocks[i], slot: b.Message.Slot, err: err}}
			}
		}
		if err := m.StateTransition(state, b, false); err != nil {
			return &exitError{code: 1, err: &invalidBlockError{index: i, file: f.blocks[i], slot: b.Message.Slot, err: err}}
		}
		root, err := spec.HashTreeRoot(cfg, state)
		if err != nil {
			return err
		}
		if root != b.Message.StateRoot {
			fmt.Fprintf(stdout, "block %d (slot %d) commits to state root 0x%x, the model computes 0x%x\n", i, b.Message.Slot, b.Message.StateRoot, root)
			mismatches++
		}
	}
	if mismatches == 0 {
		fmt.Fprintf(stdout, "the model computes the state root every block commits to (%s)\n", plural(uint64(len(blocks)), "block"))
	}
	diffs, err := ssz.Diff(cfg, state, expected, ssz.DiffOptions{MaxElems: f.max})
	if err != nil {
		return err
	}
	if len(diffs) == 0 {
		fmt.Fprintf(stdout, "the model's post-state equals %s\n", f.expected)
		return nil
	}
	fmt.Fprintf(stdout, "the model's post-state differs from %s (model -> expected):\n", f.expected)
	for _, d := range diffs {
		fmt.Fprintf(stdout, "\n%s\n", d)
		if d.Kind == ssz.DiffSummary {
			continue
		}
		writers := rec.Writers(d.Path)
		if len(writers) == 0 {
			fmt.Fprintf(stdout, "  not written by the transition: the model kept the pre-state's value\n")
			continue
		}
		fmt.Fprintf(stdout, "  written by:\n")
		for _, w := range writers {
			fmt.Fprintf(stdout, "    %s\n", callPath(w))
		}
	}
	return &exitError{code: 1, err: errors.New("the post-states differ")}
}

// blockSignature is the spec's verify_block_signature of b on state advanced to b's slot,
// as an assert.
func blockSignature(m *spec.Model, state *spec.BeaconState, b *spec.SignedBeaconBlock) error {
	work := state.Copy()
	if b.Message.Slot > work.Slot {
		if err := m.ProcessSlots(work, b.Message.Slot); err != nil {
			return err
		}
	}
	ok, err := m.VerifyBlockSignature(work, b)
	if err == nil && !ok {
		err = &spec.AssertError{Func: "state_transition", Check: spec.CheckBlockSignature, Detail: fmt.Sprintf("proposer %d's signature does not verify", b.Message.ProposerIndex)}
	}
	return err
}

// callPath is a call with its callers: the block's state_transition by its slot, the
// callers between by name, the call with its inputs.
func callPath(c *spec.Call) string {
	var chain []*spec.Call
	for p := c.Parent; p != nil; p = p.Parent {
		chain = append(chain, p)
	}
	var b strings.Builder
	for i := len(chain) - 1; i >= 0; i-- {
		p := chain[i]
		b.WriteString(p.Func)
		if p.Depth == 0 && len(p.Args) > 0 && p.Args[0].Name == "slot" {
			fmt.Fprintf(&b, "(slot=%v)", p.Args[0].Value)
		}
		b.WriteString(" > ")
	}
	b.WriteString(c.Label())
	return b.String()
}
