package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

func init() {
	register(&command{
		name:    "diff",
		summary: "show where two SSZ objects of one type differ, field by field",
		usage:   "[flags] A B",
		help: `Decodes the files A and B as the same Phase 0 container (a BeaconState unless --type
says otherwise) and prints each difference on its own line, with the path of the value in
the spec's field names and the old and new values in the test vectors' YAML format:

  slot: 40 -> 41
  validators[17].effective_balance: 32000000000 -> 31000000000

A list or vector with several differing elements gets a summary line first
("balances: 3 of 64 differ"), and one whose length changed says so
("validators: length 64 -> 65") and shows the elements only one side has as
"validators[64]: added {...}" or "... removed {...}". At most --max differing elements
are listed per list or vector (0: all); a last line says how many more there were.
Bitfields and byte strings are compared as one value each.

Only subtrees whose hash_tree_roots differ are visited, so two large states that differ
in a few places are compared in about the time it takes to hash them.

Like diff(1), it prints nothing and exits 0 when the objects are equal, exits 1 when they
differ (saying so on stderr), and exits 2 on trouble (a file that cannot be read or
decoded, a bad flag).

Types: ` + strings.Join(spec.TypeNames(), ", ") + `.`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func([]string) error {
			var f diffFlags
			f.declare(fs)
			return func(args []string) error { return runDiff(&f, args, stdout) }
		},
	})
}

// diffFlags are the flags of the diff command.
type diffFlags struct {
	typeName string
	format   string
	max      int
	cfg      configFlags
}

func (f *diffFlags) declare(fs *pflag.FlagSet) {
	fs.StringVar(&f.typeName, "type", "BeaconState", "container type of both files")
	fs.StringVar(&f.format, "format", "auto", "file format: ssz, ssz_snappy, or auto (by extension: .ssz_snappy is snappy)")
	fs.IntVar(&f.max, "max", 20, "differing elements to list per list or vector (0: all)")
	f.cfg.declare(fs)
}

func runDiff(f *diffFlags, args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return usagef("expected two files A and B, got %d arguments", len(args))
	}
	if f.max < 0 {
		return usagef("--max must be 0 (all) or more, not %d", f.max)
	}
	if _, err := spec.NewObject(f.typeName); err != nil {
		return usagef("%v", err)
	}
	switch f.format {
	case "auto", "ssz", "ssz_snappy":
	default:
		return usagef("--format must be ssz, ssz_snappy or auto, not %q", f.format)
	}
	// Errors from here on are trouble: exit 2, as diff(1) does, not 1 ("they differ").
	trouble := func(err error) error { return &exitError{code: 2, err: err} }
	cfg, err := f.cfg.load()
	if err != nil {
		return trouble(err)
	}
	objs := make([]ssz.Object, 2)
	for i, path := range args {
		objs[i], _ = spec.NewObject(f.typeName)
		if err := readSSZFile(cfg, path, f.format, f.typeName, objs[i]); err != nil {
			return trouble(err)
		}
	}
	diffs, err := ssz.Diff(cfg, objs[0], objs[1], ssz.DiffOptions{MaxElems: f.max})
	if err != nil {
		return trouble(err)
	}
	for _, d := range diffs {
		if _, err := fmt.Fprintln(stdout, d); err != nil {
			return trouble(err)
		}
	}
	if len(diffs) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%s and %s differ", args[0], args[1])}
	}
	return nil
}
