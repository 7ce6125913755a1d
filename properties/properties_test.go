package properties

import (
	"strings"
	"testing"
)

// The quick pass: every property of the registry, QuickRuns runs each, as expected (those
// that hold pass every run, those expected to fail fail within the runs, and nothing raises
// an error). Properties run in parallel; the seeds are fixed, so the pass is reproducible.
func TestRegistryQuickPass(t *testing.T) {
	for _, p := range All() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			o := Run(p, Options{Runs: p.QuickRuns, Seed: 1})
			t.Log(o.Summary())
			if !o.AsExpected() {
				t.Fatalf("%s: %s\n%s", p.Name, o.Verdict(), o.Report())
			}
			if o.Failed && len(o.Counterexample) == 0 {
				t.Errorf("%s failed without a counterexample", p.Name)
			}
			if p.Expect == Holds && o.Runs < p.QuickRuns {
				t.Errorf("%s: %d runs of %d", p.Name, o.Runs, p.QuickRuns)
			}
		})
	}
}

func TestRegistryEntries(t *testing.T) {
	seen := map[string]bool{}
	groups := map[string]bool{"bug": true, "fix": true, "mutant": true, "invariant": true, "tiny": true}
	for _, p := range All() {
		if seen[p.Name] {
			t.Errorf("two properties named %s", p.Name)
		}
		seen[p.Name] = true
		if !groups[p.Group] || p.Description == "" || p.New == nil || p.QuickRuns <= 0 {
			t.Errorf("%s: incomplete entry (group %q)", p.Name, p.Group)
		}
		if (p.Group == "fix" || p.Group == "invariant" || p.Group == "tiny") && p.Expect == Holds && p.QuickRuns < 100 {
			t.Errorf("%s: %d quick runs, want at least 100", p.Name, p.QuickRuns)
		}
		if strings.ContainsAny(p.Name, "/ ") {
			t.Errorf("%s: names become directory names", p.Name)
		}
	}
	for _, want := range []string{"committee-bound-arith", "committee-bound-state", "fix-cap-invariant", "fix-conservative",
		"shuffle-permutation", "committees-partition", "balances-epoch", "balances-block", "slashed-never-reverts",
		"exit-epochs-stay", "finality-monotone", "contracts-hold", "invalid-blocks-rejected"} {
		if !seen[want] {
			t.Errorf("no property %s", want)
		}
	}
	sel, unmatched := Select("fix-cap-*, bug, nonesuch")
	if len(unmatched) != 1 || unmatched[0] != "nonesuch" {
		t.Errorf("unmatched = %v", unmatched)
	}
	var names []string
	for _, p := range sel {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, " "); got != "committee-bound-arith committee-bound-state fix-cap-invariant fix-cap-invariant-unfixed fix-cap-invariant-off-by-one" {
		t.Errorf("Select = %s", got)
	}
}

// A failure is reproduced by its seed alone.
func TestFailureReproducedBySeed(t *testing.T) {
	p, _ := Lookup("fix-committee-bound-any-config")
	first := Run(p, Options{Runs: 500, Seed: 1})
	if !first.Failed {
		t.Fatal("no failure in 500 runs")
	}
	again := Run(p, Options{Runs: 1, Seed: first.Seed})
	if !again.Failed || again.Seed != first.Seed || again.Report() != first.Report() {
		t.Errorf("seed %d: first\n%s\nagain\n%s", first.Seed, first.Report(), again.Report())
	}
}
