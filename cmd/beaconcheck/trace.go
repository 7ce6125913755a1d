package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/spec"
)

func init() {
	register(&command{
		name:    "trace",
		summary: "show a trace of spec function calls as an indented tree (trace show)",
		usage:   "",
	})
	register(&command{
		name:    "trace show",
		summary: "show a trace of spec function calls as an indented tree",
		usage:   "[flags] FILE",
		help: `Reads a trace written by --trace FILE (of 'transition' or 'replay'): one
JSON line per spec function call, in call order, with its name, depth, small inputs,
contract results in checked mode, the state fields it changed, and the state root after
each top-level step (state_transition, process_slots, process_block, process_epoch). It
prints one line per call, indented by depth:

  state_transition(slot=9, proposer_index=29, validate_result=True)  changed: slot, latest_block_header, ...  root 0xbd77...
    process_slots(slot=9)  changed: slot, block_roots, state_roots  root 0x0a18...
      process_slot(state.slot=8)  changed: block_roots, state_roots

--depth N shows calls up to depth N only (0: all); --hide names functions whose calls,
and everything under them, are left out (e.g. --hide hash,hash_tree_root,is_active_validator).

A trace line's fields: seq (order of entry), depth, func, args, changed (top-level fields,
with the indices of validators and balances), clauses (contract clauses evaluated),
violation or err, root, unwound (the call ended by an error returned past it).`,
		setup: func(fs *pflag.FlagSet, stdout, _ io.Writer) func([]string) error {
			var f traceFlags
			f.declare(fs)
			return func(args []string) error { return runTraceShow(&f, args, stdout) }
		},
	})
}

type traceFlags struct {
	depth int
	hide  string
}

func (f *traceFlags) declare(fs *pflag.FlagSet) {
	fs.IntVar(&f.depth, "depth", 0, "show calls up to this depth only (0: all)")
	fs.StringVar(&f.hide, "hide", "", "comma-separated functions to leave out, with everything they call")
}

func runTraceShow(f *traceFlags, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return usagef("expected one trace file, got %d arguments", len(args))
	}
	if f.depth < 0 {
		return usagef("--depth must be 0 (all) or more, not %d", f.depth)
	}
	file, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer file.Close()
	var hide []string
	for _, h := range strings.Split(f.hide, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hide = append(hide, h)
		}
	}
	hiddenBelow := -1 // the depth of a hidden call whose subtree is being skipped
	err = spec.ScanTrace(file, func(l spec.TraceLine) error {
		if hiddenBelow >= 0 && l.Depth > hiddenBelow {
			return nil
		}
		hiddenBelow = -1
		if slices.Contains(hide, l.Func) {
			hiddenBelow = l.Depth
			return nil
		}
		if f.depth > 0 && l.Depth >= f.depth {
			return nil
		}
		_, err := fmt.Fprintln(stdout, traceLine(l))
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	return nil
}

// traceLine renders one call of a trace, indented by its depth.
func traceLine(l spec.TraceLine) string {
	var b strings.Builder
	b.WriteString(strings.Repeat("  ", l.Depth))
	b.WriteString(l.Func)
	b.WriteByte('(')
	for i, a := range l.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Name + "=" + traceValue(a.Value))
	}
	b.WriteByte(')')
	if len(l.Changed) > 0 {
		b.WriteString("  changed: " + strings.Join(l.Changed, ", "))
	}
	if l.Clauses > 0 {
		fmt.Fprintf(&b, "  [%s]", plural(uint64(l.Clauses), "clause"))
	}
	if l.Violation != "" {
		b.WriteString("  VIOLATION: " + l.Violation)
	}
	if l.Err != "" {
		b.WriteString("  error: " + l.Err)
	}
	if l.Unwound {
		b.WriteString("  (unwound)")
	}
	if l.Root != "" {
		b.WriteString("  root " + l.Root)
	}
	return b.String()
}

// traceValue writes an input as the spec would: True, False, None, numbers, hex.
func traceValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = traceValue(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// attachTrace sets m's tracer to write the JSON trace to path (nothing when path is
// empty) and returns the function that finishes the file.
func attachTrace(m *spec.Model, path string) (func() error, error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	file, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	t := spec.NewJSONTracer(file)
	m.Tracer = t
	return func() error {
		m.Tracer = nil
		err := t.Close()
		if cerr := file.Close(); err == nil {
			err = cerr
		}
		return err
	}, nil
}
