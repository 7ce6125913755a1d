package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/proofs"
)

func init() {
	register(&command{
		name:    "prove",
		summary: "check the machine-checked lemmas about the spec's arithmetic (needs z3)",
		usage:   "[flags]",
		help: `
Checks every lemma of the proofs catalogue (docs/proofs.md) under the config: the committee
lemmas (committee lengths, their partition of the active validators, the committee-size
bound with and without the upper-bound fix) and, for every runtime-error site of the bounds
catalogue, its threshold (the least failing value, which must be the catalogue's) and its
safety under the invariants; for every invariant of reachable states and every function
that writes its fields, that the function preserves it (and genesis establishes it); and
the safety lemmas that need a bound on the total supply, under the stated bound. SMT lemmas
are sent to z3, exhaustive ones enumerate their domain, derived ones send z3 their
conclusion over their instantiated premises. Each line gives the lemma, its method (for
SMT, the logic of its queries: LIA linear, NIA non-linear), its result, the time it took
(for SMT, the solver's time on its queries) and what was found; the last line counts them:
proved; proved under stated assumptions (the total-supply bound); refuted as expected
(thresholds: the least value at which a site fails); refuted unexpectedly (safety lemmas
of sites that can fail within the invariants: findings); unchecked; failed.

A lemma fails when its result is not the expected one (a lemma expected to hold is refuted,
a refutation finds no counterexample or not the expected least one), or when the solver
errs or reaches --timeout on a query. The exit status is 1 when any lemma fails. Ctrl-C
stops the run: the lemmas not finished are listed as not checked ("not run:
interrupted"), not as failed, and the exit status is 130.

--only runs the named lemmas and the lemmas their chains rely on. --timeout is the time
limit of each solver query (default 1m).

z3 must be on $PATH (or named by $BEACONCHECK_Z3): Debian/Ubuntu apt-get install z3,
macOS brew install z3, or scripts/ensure-z3.sh.`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func(args []string) error {
			var f proveFlags
			f.declare(fs)
			return func(args []string) error { return runProve(&f, args, stdout) }
		},
	})
}

type proveFlags struct {
	config  configFlags
	only    stringList
	timeout time.Duration
}

func (f *proveFlags) declare(fs *pflag.FlagSet) {
	f.config.declare(fs)
	fs.Var(&f.only, "only", "check only the lemma `NAME` (and its chain); repeat or separate with commas")
	fs.DurationVar(&f.timeout, "timeout", time.Minute, "time limit of each solver query")
}

func runProve(f *proveFlags, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	if f.timeout <= 0 {
		return usagef("--timeout must be positive")
	}
	cfg, err := f.config.load()
	if err != nil {
		return err
	}
	var only []string
	for _, o := range f.only {
		for _, n := range strings.Split(o, ",") {
			if n = strings.TrimSpace(n); n != "" {
				only = append(only, n)
			}
		}
	}
	z3, err := proofs.Z3Path()
	if err != nil {
		return err
	}
	version, err := proofs.Z3Version(z3)
	if err != nil {
		return err
	}
	ctx, stop := interruptContext()
	defer stop()

	start := time.Now()
	results, err := proofs.Check(ctx, cfg, proofs.Options{Only: only, Timeout: f.timeout, Z3: z3})
	if err != nil && results == nil {
		var ue *proofs.UnknownLemmaError
		if errors.As(err, &ue) {
			return usagef("--only: %v", err)
		}
		return err
	}
	fmt.Fprintf(stdout, "Lemmas about the spec's arithmetic, config %s (%s)\n%s\n\n", cfg.ConfigName, version, configHeader(cfg))
	width := 0
	for _, r := range results {
		width = max(width, len(r.Lemma.Name))
	}
	for _, r := range results {
		fmt.Fprintln(stdout, proofs.FormatResult(r, width))
	}
	counts := proofs.Count(results)
	failed := counts.Failed
	fmt.Fprintf(stdout, "\n%d lemmas in %.1fs", len(results), time.Since(start).Seconds())
	if counts.NotChecked > 0 {
		fmt.Fprintf(stdout, "; %d not checked, for the reasons given", counts.NotChecked)
	}
	fmt.Fprintf(stdout, "\n%s\n", counts)
	if err != nil && ctx.Err() != nil {
		notRun := 0
		for _, r := range results {
			if r.Detail == proofs.NotRunInterrupted {
				notRun++
			}
		}
		return &exitError{code: 1, err: fmt.Errorf("interrupted: %s not run", plural(uint64(notRun), "lemma"))}
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{code: 1, err: errors.New(plural(uint64(failed), "lemma") + " failed")}
	}
	return nil
}
