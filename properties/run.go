package properties

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leanovate/gopter"

	"github.com/beaconcheck/beaconcheck/spec"
)

// Env is what a run asks of every property: which configs to draw and whether the models
// run in checked mode.
type Env struct {
	// Preset, when set ("mainnet" or "minimal"), replaces the configs a property draws by
	// that preset alone (properties whose subject is a custom config draw variants of it).
	Preset string
	// ConfigFiles, when set, are the config files Preset was loaded from (RegisterBase),
	// for the command line that reproduces a failure.
	ConfigFiles []string
	// Checked runs every model in checked mode (spec.Model.Checked): each spec function
	// evaluates its contract, and a breach fails the run it happens in.
	Checked bool
	// PresetOnly makes Preset the one config drawn by the properties whose configs are
	// small-cap variants too (otherwise they draw variants of Preset): for a run that must
	// know the config every input ran on (the operand recording test of package proofs).
	PresetOnly bool
}

// space returns space, or the run's preset in its place.
func (e *Env) space(space ConfigSpace) ConfigSpace {
	if e != nil && e.Preset != "" {
		space.Presets = []string{e.Preset}
		space.Recipes = nil
		space.VariantBase = e.Preset
		if !space.SmallCap || e.PresetOnly {
			space.Variants = false
		}
	}
	return space
}

// checks returns a fresh *spec.Checks in checked mode, nil otherwise.
func (e *Env) checks() *spec.Checks {
	if e != nil && e.Checked {
		return &spec.Checks{}
	}
	return nil
}

// Options says how Run runs a property.
type Options struct {
	// Runs is the number of inputs to try; the run stops at the first failure.
	Runs int
	// Seed is the seed of the first run; run i uses Seed + i, so a failure is reproduced by
	// Run with its Outcome.Seed and one run.
	Seed int64
	Env  Env
	// MaxShrinks bounds the shrinking steps of a counterexample (0: gopter's 1000).
	MaxShrinks int
	// Progress, when set, is called after every run with the number done.
	Progress func(done int)
	// Context, when set, stops the runs early once it is done (Outcome.Stopped).
	Context context.Context
}

// Outcome is what Run found.
type Outcome struct {
	Property *Property
	Env      Env
	Runs     int // inputs tried
	Passed   int // of which the property held
	// Discarded counts inputs a property declined (gopter's undecided); they are not runs.
	Discarded int
	Failed    bool
	// Seed reproduces the failure: Run with Options{Seed: Seed, Runs: 1}.
	Seed int64
	// Reason is the property's account of the failure, for the shrunk counterexample.
	Reason string
	// Err is set when the property raised an error or panicked rather than failed: a fault
	// of the harness (a generator that could not build its input), not a counterexample.
	Err error
	// Counterexample holds the shrunk inputs, Original the inputs as first drawn.
	Counterexample []any
	Original       []any
	Shrinks        int
	Elapsed        time.Duration
	// Stopped says the runs were cut short by Options.Context.
	Stopped bool
}

// AsExpected says whether the outcome is what the property's expectation predicts: no
// failure for a property that holds, a failure (not an error) for one expected to fail.
func (o *Outcome) AsExpected() bool {
	if o.Err != nil {
		return false
	}
	if o.Property.Expect == Holds {
		return !o.Failed
	}
	return o.Failed
}

// Verdict is a word for the summary: "passed", "FAILED", "failed (expected)", ...
func (o *Outcome) Verdict() string {
	switch {
	case o.Err != nil:
		return "ERROR"
	case o.Failed && o.Property.Expect == Fails:
		return "failed, as expected"
	case o.Failed:
		return "FAILED"
	case o.Property.Expect == Fails:
		return "NOT REPRODUCED"
	case o.Stopped:
		return "passed (stopped)"
	}
	return "passed"
}

// Run tries p on opts.Runs inputs, run i drawing its input from a generator seeded with
// opts.Seed + i, and stops at the first failure, which gopter shrinks.
func Run(p *Property, opts Options) *Outcome {
	out := &Outcome{Property: p, Env: opts.Env}
	start := time.Now()
	defer func() { out.Elapsed = time.Since(start) }()
	env := opts.Env
	check := p.New(&env)
	for i := 0; i < opts.Runs; i++ {
		if opts.Context != nil && opts.Context.Err() != nil {
			out.Stopped = true
			return out
		}
		seed := opts.Seed + int64(i)
		params := gopter.DefaultTestParametersWithSeed(seed)
		params.MinSuccessfulTests = 1
		params.MaxDiscardRatio = 1000 // one run: a discarded input is counted, not fatal
		if opts.MaxShrinks > 0 {
			params.MaxShrinkCount = opts.MaxShrinks
		}
		res := check.Check(params)
		out.Discarded += res.Discarded
		switch res.Status {
		case gopter.TestPassed, gopter.TestProved:
			out.Runs++
			out.Passed++
		case gopter.TestExhausted:
			// every input drawn was declined: not a run
		case gopter.TestFailed, gopter.TestError:
			out.Runs++
			out.Failed = res.Status == gopter.TestFailed
			out.Seed = seed
			out.Reason = strings.Join(res.Labels, "; ")
			for _, a := range res.Args {
				out.Counterexample = append(out.Counterexample, a.Arg)
				out.Original = append(out.Original, a.OrigArg)
				out.Shrinks += a.Shrinks
			}
			if res.Status == gopter.TestError {
				out.Err = res.Error
				if out.Err == nil {
					out.Err = errors.New("property raised an error")
				}
			}
			if opts.Progress != nil {
				opts.Progress(i + 1)
			}
			return out
		}
		if opts.Progress != nil {
			opts.Progress(i + 1)
		}
	}
	return out
}

// Summary is the one line the command prints per property.
func (o *Outcome) Summary() string {
	return fmt.Sprintf("%-38s %6d runs  %6d passed  %-20s %v", o.Property.Name, o.Runs, o.Passed, o.Verdict(), o.Elapsed.Round(time.Millisecond))
}

// Report describes a failure: the seed, the counterexample before and after shrinking, and
// the reason; "" when there was none.
func (o *Outcome) Report() string {
	if !o.Failed && o.Err == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: falsified by the run of seed %d (reproduce: beaconcheck props --only %s --seed %d --runs 1%s)\n",
		o.Property.Name, o.Seed, o.Property.Name, o.Seed, o.envFlags())
	if o.Err != nil {
		fmt.Fprintf(&b, "  error: %v\n", o.Err)
	}
	for i, a := range o.Counterexample {
		fmt.Fprintf(&b, "  counterexample: %v\n", a)
		if i < len(o.Original) && fmt.Sprint(o.Original[i]) != fmt.Sprint(a) {
			fmt.Fprintf(&b, "  (as first drawn: %v; %d shrinking steps)\n", o.Original[i], o.Shrinks)
		}
	}
	if o.Reason != "" {
		fmt.Fprintf(&b, "  reason: %s\n", o.Reason)
	}
	return b.String()
}

func (o *Outcome) envFlags() string {
	s := ""
	switch {
	case len(o.Env.ConfigFiles) > 0:
		for _, f := range o.Env.ConfigFiles {
			s += " --config " + f
		}
	case o.Env.Preset != "":
		s += " --preset " + o.Env.Preset
	}
	if o.Env.Checked {
		s += " --checked"
	}
	return s
}
