package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/properties"
	"github.com/beaconcheck/beaconcheck/spec"
)

func init() {
	register(&command{
		name:    "props",
		summary: "run the property suites: the committee-size bug, the upper-bound fix, invariants",
		usage:   "[flags]",
		help: `
Runs the properties of the registry (package properties), each on N generated inputs, and
prints one line per property: its name, the runs made, how many passed, the verdict and the
time taken. A property either holds (every input satisfies it) or is expected to fail: the
committee-size bug on the spec as written ("bug"), and the fix properties run on the
unfixed spec or on a deliberately broken fix ("mutant"), which they must catch. The verdict
says whether the outcome is the expected one; the exit status is 1 when any is not.

Run i of a property draws its input from a generator seeded with S + i and stops the
property at the first failure, which gopter shrinks to a small counterexample. The failure
report gives the seed of that run: --seed it with --runs 1 (and the same --only, --preset
and --checked) reproduces it alone. Without --seed, S is taken from the clock and printed.

A failing input that is a state and blocks is written as an official sanity/blocks test
vector (meta.yaml with blocks_count and bls_setting, pre.ssz_snappy, blocks_N.ssz_snappy,
post.ssz_snappy when the blocks are valid) under DIR/<property>/<seed>/, in the release
layout tests/<config>/phase0/sanity/blocks/pyspec_tests/<property>_<seed>/, with
tests/<config>/config/phase0.yaml for a custom config: 'beaconcheck spectest --vectors
DIR/<property>/<seed>' replays it, as any client's runner can.

--only selects properties by name, glob (fix-cap-*) or group (bug, fix, mutant, invariant),
comma-separated. --preset replaces the configs the properties draw by one preset, --config
by the config of a file (the
state-level bug on mainnet builds states of over 4,194,304 validators: seconds per run).
--checked runs every model in checked mode: each spec function evaluates its contract, and a
breach fails the run. On a terminal a progress line shows the runs; Ctrl-C stops the
campaign after the current run and prints what was found.`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func([]string) error {
			var f propsFlags
			f.declare(fs)
			return func(args []string) error { return runProps(&f, args, stdout, stderr) }
		},
	})
}

// propsFlags are the flags of the props command.
type propsFlags struct {
	runs       int
	seed       int64Flag
	only       string
	preset     string
	configs    stringList
	out        string
	checked    bool
	list       bool
	noProgress bool
	now        func() time.Time
}

func (f *propsFlags) declare(fs *pflag.FlagSet) {
	fs.IntVar(&f.runs, "runs", 100, "inputs to try per property")
	fs.Var(&f.seed, "seed", "seed of the first run (default: from the clock)")
	fs.StringVar(&f.only, "only", "", "properties to run: names, globs or groups, comma-separated (default all)")
	fs.StringVar(&f.preset, "preset", "", "draw every config from this preset: mainnet or minimal (default: each property's own)")
	fs.Var(&f.configs, "config", "draw every config from this config `FILE` instead (repeat for the split format)")
	fs.StringVar(&f.out, "out", "props-failures", "write failing inputs as test vectors under `DIR`")
	fs.BoolVar(&f.checked, "checked", false, "checked mode: every spec function evaluates its contract")
	fs.BoolVar(&f.list, "list", false, "list the properties and exit")
	fs.BoolVar(&f.noProgress, "no-progress", false, "no progress line even when stderr is a terminal")
}

// int64Flag is an int64 flag that knows whether it was given.
type int64Flag struct {
	v   int64
	set bool
}

func (s *int64Flag) String() string {
	if s == nil || !s.set {
		return ""
	}
	return strconv.FormatInt(s.v, 10)
}

func (s *int64Flag) Type() string { return "int" }

func (s *int64Flag) Set(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a decimal integer", v)
	}
	s.v, s.set = n, true
	return nil
}

func runProps(f *propsFlags, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	if f.runs < 1 {
		return usagef("--runs must be at least 1")
	}
	env := properties.Env{Preset: f.preset, Checked: f.checked}
	switch {
	case f.preset != "" && len(f.configs) > 0:
		return usagef("give either --preset or --config, not both")
	case f.preset != "":
		if _, err := spec.Preset(f.preset); err != nil {
			return usagef("--preset: %v", err)
		}
	case len(f.configs) > 0:
		cfg, err := spec.LoadConfig(f.configs...)
		if err != nil {
			return err
		}
		// The file's config is the base of every config drawn, under a name no preset has.
		name := cfg.ConfigName
		if _, err := spec.Preset(name); err == nil || name == "" {
			name += "-file"
		}
		properties.RegisterBase(name, cfg)
		env.Preset, env.ConfigFiles = name, f.configs
	}
	selected, unmatched := properties.Select(f.only)
	if len(unmatched) > 0 {
		return usagef("no property matches %s (see --list)", strings.Join(unmatched, ", "))
	}
	if f.list {
		for _, p := range selected {
			fmt.Fprintf(stdout, "%-38s %-9s %-6s %s\n", p.Name, p.Group, p.Expect, p.Description)
		}
		return nil
	}
	seed := f.seed.v
	if !f.seed.set {
		now := time.Now
		if f.now != nil {
			now = f.now
		}
		seed = now().UnixNano() % 1_000_000_000
	}
	showProgress := !f.noProgress && isTerminal(stderr)

	ctx, stop := interruptContext()
	defer stop()

	fmt.Fprintf(stdout, "%d properties, %d runs each, seed %d%s\n", len(selected), f.runs, seed, envNote(env))
	unexpected, notWritten := 0, 0
	start := time.Now()
	for _, p := range selected {
		opts := properties.Options{Runs: f.runs, Seed: seed, Env: env, Context: ctx}
		var bar *progress
		if showProgress {
			bar = drawProgress(stderr, p.Name, uint64(f.runs))
			opts.Progress = func(done int) { bar.set(uint64(done), uint64(f.runs)) }
		}
		o := properties.Run(p, opts)
		bar.finish()
		fmt.Fprintln(stdout, o.Summary())
		if !o.AsExpected() {
			unexpected++
		}
		if r := o.Report(); r != "" {
			fmt.Fprint(stdout, indent(r))
			dir, err := o.WriteVector(f.out)
			switch {
			case err != nil:
				fmt.Fprintf(stdout, "    test vector not written (--out %s): %v\n", f.out, err)
				notWritten++
			case dir != "":
				fmt.Fprintf(stdout, "    test vector: %s\n", dir)
			}
		}
		if o.Stopped {
			fmt.Fprintln(stdout, "interrupted")
			break
		}
	}
	fmt.Fprintf(stdout, "%d of %d properties as expected in %v\n", len(selected)-unexpected, len(selected), time.Since(start).Round(time.Millisecond))
	if unexpected > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d properties not as expected", unexpected)}
	}
	if notWritten > 0 {
		return &exitError{code: 1, err: fmt.Errorf("--out %s: %s not written", f.out, plural(uint64(notWritten), "test vector"))}
	}
	return nil
}

func envNote(env properties.Env) string {
	var parts []string
	switch {
	case len(env.ConfigFiles) > 0:
		parts = append(parts, "config "+env.Preset+" from "+strings.Join(env.ConfigFiles, ", "))
	case env.Preset != "":
		parts = append(parts, "preset "+env.Preset)
	}
	if env.Checked {
		parts = append(parts, "checked mode")
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n") + "\n"
}
