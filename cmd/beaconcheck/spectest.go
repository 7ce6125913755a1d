package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/conformance"
	"github.com/beaconcheck/beaconcheck/spec"
)

// vectorsCache is where `make spec-tests` (scripts/fetch-spec-tests.sh) extracts the
// official vectors, relative to the repository root.
const vectorsCache = ".cache/spec-tests/v0.12.3"

func init() {
	register(&command{
		name:    "spectest",
		summary: "run the official consensus-spec test vectors against the model",
		usage:   "[flags]",
		help: `Runs every Phase 0 case of an official consensus-spec-tests release and prints one
line per preset/fork/runner/handler, e.g.

  minimal/phase0/ssz_static/BeaconState: 123 passed, 0 failed, 0 skipped

then a total line "N passed, N failed, N skipped". The exit status is 1 when any case
failed. Nothing is skipped: a runner, handler, case layout or file the model does not know
is a failure, and is listed.

--vectors takes the tests directory of a release (or its parent): v0.12.x (.ssz files,
one config/phase0.yaml per preset) or v1.x (.ssz_snappy files). Without it, the cache
filled by 'make spec-tests' is used (found by searching upwards from the current
directory for ` + vectorsCache + `, or $BEACONCHECK_VECTORS).

Runners: ` + strings.Join(conformance.RunnerNames(), ", ") + `.`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func([]string) error {
			vectors := fs.String("vectors", "", "vectors directory (default: the 'make spec-tests' cache)")
			preset := fs.String("preset", "all", "preset to run: minimal, mainnet or all (general tests always run)")
			runnerList := fs.String("runner", "", "comma-separated runners to run (default: all found)")
			var cf configFlags
			release := fs.String("release", "", "the release the vectors were made with: v0.12.3, v1.0.0 or v1.1.10 (default: read off the tree's configs and layout)")
			cf.declareRules(fs)
			fs.Var(&cf.configs, "config", "config YAML replacing each preset's own (for vectors made with a custom config); repeat for the split format")
			verbose := fs.BoolP("verbose", "v", false, "list every failed case with its reason (default: the first 5 per line)")
			checked := fs.Bool("checked", false, "checked mode: evaluate every spec function's contract on every call; a breach fails the case")
			hashCache := fs.Bool("hash-cache", true, "give each pre-state a hash cache (the roots the transition reads come from it); false: every root from scratch")
			return func(args []string) error {
				if len(args) > 0 {
					return usagef("unexpected argument %q", args[0])
				}
				return runSpectest(stdout, stderr, *vectors, *preset, *runnerList, *release, cf, *verbose, *checked, *hashCache)
			}
		},
	})
}

func runSpectest(stdout, stderr io.Writer, vectors, preset, runnerList, release string, cf configFlags, verbose, checked, hashCache bool) error {
	opts := conformance.Options{Dir: vectors, Checked: checked, HashCache: hashCache, Release: release}
	if release != "" {
		if _, err := spec.ParseRelease(release); err != nil {
			return usagef("--release: %v", err)
		}
	}
	if cf.rules != "" {
		r, err := spec.ParseRules(cf.rules)
		if err != nil {
			return usagef("--rules: %v", err)
		}
		opts.Rules = &r
	}
	if opts.Dir == "" {
		dir, err := findVectorsCache()
		if err != nil {
			return err
		}
		opts.Dir = dir
	}
	switch preset {
	case "all", "":
	case "minimal", "mainnet":
		opts.Presets = []string{preset}
	default:
		return usagef("--preset must be minimal, mainnet or all, not %q", preset)
	}
	if runnerList != "" {
		for _, r := range strings.Split(runnerList, ",") {
			if r = strings.TrimSpace(r); r != "" {
				opts.Runners = append(opts.Runners, r)
			}
		}
	}
	if len(cf.configs) > 0 {
		cfg, err := cf.load()
		if err != nil {
			return err
		}
		opts.Config = cfg
	}
	bar := newProgress(stderr, false, "cases", 0)
	if bar != nil {
		opts.Progress = func(done, total int) { bar.set(uint64(done), uint64(total)) }
	}
	rep, err := conformance.Run(opts)
	bar.finish()
	if err != nil {
		return err
	}
	rel := rep.Release
	fmt.Fprintf(stdout, "release: %s (%s), layout %s, rules %s\n", rel.Name, rel.Reason, rel.Layout, rep.Rules)
	if opts.Config != nil {
		fmt.Fprintf(stdout, "config: %s, for every preset\n", opts.Config.Source)
	} else {
		for _, p := range rep.Configs() {
			fmt.Fprintf(stdout, "config: %s\n", p)
		}
	}
	for _, ig := range rep.Ignored {
		fmt.Fprintf(stdout, "%s: not Phase 0, not run\n", ig)
	}
	for _, res := range rep.Results {
		fmt.Fprintf(stdout, "%s: %d passed, %d failed, %d skipped\n", res.Name(), res.Passed, res.Failed, res.Skipped)
		for i, f := range res.Failures {
			if !verbose && i == 5 {
				fmt.Fprintf(stdout, "    ... %d more (use -v to list all)\n", len(res.Failures)-5)
				break
			}
			fmt.Fprintf(stdout, "    FAIL %s: %v\n", f.Case, f.Err)
		}
	}
	if rep.Checks != nil {
		fmt.Fprintf(stdout, "checked mode: %d contract clauses evaluated\n", rep.Checks.Evaluations())
	}
	p, f, s := rep.Totals()
	fmt.Fprintf(stdout, "%d passed, %d failed, %d skipped\n", p, f, s)
	if f > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d cases failed", f, p+f+s)}
	}
	return nil
}

// findVectorsCache locates the vectors 'make spec-tests' extracted.
func findVectorsCache() (string, error) {
	if env := os.Getenv("BEACONCHECK_VECTORS"); env != "" {
		return env, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		cand := filepath.Join(dir, vectorsCache)
		if _, err := os.Stat(filepath.Join(cand, ".complete")); err == nil {
			return filepath.Join(cand, "tests"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", errors.New("no test vectors: run 'make spec-tests' in the beaconcheck repository to download them, or pass --vectors DIR")
}
