package proofs

import (
	"context"
	"errors"
	"math/big"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beaconcheck/beaconcheck/bounds"
	"github.com/beaconcheck/beaconcheck/spec"
)

// needZ3 returns the z3 binary, or skips the test when z3 is missing; in CI (the CI
// environment variable set) a missing z3 fails the test instead.
func needZ3(t *testing.T) string {
	t.Helper()
	p, err := Z3Path()
	if err == nil {
		_, err = Z3Version(p)
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("z3 is required in CI: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	return p
}

// checkPreset runs every lemma of a preset once per test binary.
var presetResults = map[string][]Result{}

func checkPreset(t *testing.T, name string) []Result {
	t.Helper()
	needZ3(t)
	if rs, ok := presetResults[name]; ok {
		return rs
	}
	rs, err := Check(context.Background(), spec.MustPreset(name), Options{})
	if err != nil {
		t.Fatal(err)
	}
	presetResults[name] = rs
	return rs
}

func resultOf(t *testing.T, rs []Result, name string) Result {
	t.Helper()
	for _, r := range rs {
		if r.Lemma.Name == name {
			return r
		}
	}
	t.Fatalf("no result for lemma %s", name)
	return Result{}
}

// Every lemma comes out as expected on both presets: 0 failed.
func TestPresetsProveAsExpected(t *testing.T) {
	for _, name := range spec.PresetNames() {
		t.Run(name, func(t *testing.T) {
			rs := checkPreset(t, name)
			for _, r := range rs {
				if r.Status == Failed {
					t.Errorf("%s: %s", r.Lemma.Name, r.Detail)
				}
			}
			p, ref, f, nc := Summary(rs)
			t.Logf("%d proved, %d refuted, %d failed, %d not checked", p, ref, f, nc)
		})
	}
}

// The committee bound without the fix: the solver's least counterexample is the article's
// 2**22 + 1 on mainnet and, for minimal, the closed form's and the bounds scan's first
// violating V.
func TestLeastCommitteeCounterexample(t *testing.T) {
	for _, tc := range []struct {
		preset string
		want   uint64
	}{
		{"mainnet", 4_194_305},
		{"minimal", 65_537},
	} {
		t.Run(tc.preset, func(t *testing.T) {
			cfg := spec.MustPreset(tc.preset)
			closed, ok := leastCommitteeViolation(cfg)
			if !ok || closed.Uint64() != tc.want {
				t.Errorf("closed form: %v, want %d", closed, tc.want)
			}
			from, to := bounds.DefaultRange(cfg)
			sum, err := bounds.Scan(context.Background(), cfg, from, to, bounds.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if sum.FirstViolating.Status != bounds.Exact || sum.FirstViolating.V != tc.want {
				t.Errorf("bounds scan: first violating %+v, want %d", sum.FirstViolating, tc.want)
			}
			r := resultOf(t, checkPreset(t, tc.preset), "committee_exceeds_bitlist_without_fix")
			if r.Status != Counterexample {
				t.Fatalf("status %s: %s", r.Status, r.Detail)
			}
			if !strings.HasPrefix(r.Counterexample, "V = "+commasU(tc.want)+":") {
				t.Errorf("counterexample %q, want V = %s", r.Counterexample, commasU(tc.want))
			}
		})
	}
}

// The catalogue is well formed: unique snake_case names, the same names in the same order
// for every config, chains that name earlier lemmas (so they are acyclic), the texts a
// reader needs, and a check for every lemma.
func TestCatalogueWellFormed(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	mainnet := Lemmas(spec.MustPreset("mainnet"))
	minimal := Lemmas(spec.MustPreset("minimal"))
	if len(mainnet) != len(minimal) {
		t.Fatalf("%d lemmas on mainnet, %d on minimal", len(mainnet), len(minimal))
	}
	seen := map[string]bool{}
	for i, l := range mainnet {
		if minimal[i].Name != l.Name {
			t.Errorf("lemma %d is %s on mainnet, %s on minimal", i, l.Name, minimal[i].Name)
		}
		if !snake.MatchString(l.Name) {
			t.Errorf("%s: not a snake_case name", l.Name)
		}
		if seen[l.Name] {
			t.Errorf("%s: defined twice", l.Name)
		}
		for _, c := range l.Chain {
			if !seen[c] {
				t.Errorf("%s: chain names %s, which is not an earlier lemma", l.Name, c)
			}
		}
		seen[l.Name] = true
		if l.Statement == "" || l.Formula == "" || len(l.Hypotheses) == 0 {
			t.Errorf("%s: statement, formula and hypotheses are required", l.Name)
		}
		if l.Skip != "" {
			continue // not checked: no method
		}
		if l.check == nil {
			t.Errorf("%s: no check", l.Name)
		}
		switch l.Method {
		case SMT, Exhaustive:
			if l.Split == "" {
				t.Errorf("%s: an %s lemma says how it is split or what its domain is", l.Name, l.Method)
			}
		case Derived:
			if len(l.Chain) == 0 || l.Argument == "" {
				t.Errorf("%s: a derived lemma needs a chain and an argument", l.Name)
			}
		default:
			t.Errorf("%s: unknown method %q", l.Name, l.Method)
		}
		if l.Expect == Refuted && l.LeastOf == "" && l.Least != nil {
			t.Errorf("%s: a least counterexample needs the variable it is a value of", l.Name)
		}
	}
}

// runLemma checks one lemma outside the catalogue, as Check does.
func runLemma(t *testing.T, cfg *spec.Config, l *Lemma, timeout time.Duration) Result {
	t.Helper()
	path := needZ3(t)
	s := newSolver(path, 1, timeout)
	defer s.close()
	r := &run{cfg: cfg, models: newModels(cfg), solver: s, results: map[string]*pending{}}
	return r.checkOne(context.Background(), l)
}

// A result other than the expected one is a failure, in every direction; and the solver
// does refute a false statement, with its counterexample.
func TestUnexpectedResultsFail(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	falseQuery := func(ctx context.Context, r *run) finding {
		// "every V <= 100 has committees_per_slot 1" is false on minimal from V = 64.
		q := &query{decls: []string{"V"}, defs: r.models.get("committees_per_slot"),
			asserts: []string{"(<= 0 V 100)", "(not (= (committees_per_slot V) 1))"}, minimize: "V", values: []string{"V"}}
		return r.proveAll(ctx, []*query{q}, showValues)
	}
	trueQuery := func(ctx context.Context, r *run) finding {
		q := &query{decls: []string{"V"}, defs: r.models.get("committees_per_slot"),
			asserts: []string{"(<= 0 V 63)", "(not (= (committees_per_slot V) 1))"}, values: []string{"V"}}
		return r.proveAll(ctx, []*query{q}, showValues)
	}
	for _, tc := range []struct {
		name   string
		expect Outcome
		check  func(context.Context, *run) finding
		want   Status
		detail string
	}{
		{"false lemma expected to hold", Holds, falseQuery, Failed, "expected to hold, but refuted: V = 64"},
		{"true lemma expected to be refuted", Refuted, trueQuery, Failed, "expected a counterexample, but the lemma holds"},
		{"true lemma expected to hold", Holds, trueQuery, Proved, "unsat"},
		{"false lemma expected to be refuted", Refuted, falseQuery, Counterexample, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &Lemma{Name: "test", Method: SMT, Expect: tc.expect, check: tc.check}
			r := runLemma(t, cfg, l, time.Minute)
			if r.Status != tc.want || !strings.Contains(r.Detail, tc.detail) {
				t.Errorf("status %s, detail %q; want %s with %q", r.Status, r.Detail, tc.want, tc.detail)
			}
		})
	}
}

// A refutation whose least counterexample is not the expected one fails.
func TestWrongLeastFails(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	for _, tc := range []struct {
		least uint64
		want  Status
	}{{65_537, Counterexample}, {65_536, Failed}, {65_538, Failed}} {
		l := *Lemmas(cfg)[len(committeeLemmas(cfg))-1]
		if l.Name != "committee_exceeds_bitlist_without_fix" {
			t.Fatalf("unexpected lemma %s", l.Name)
		}
		l.Chain = nil // checked on its own here
		l.Least = new(big.Int).SetUint64(tc.least)
		r := runLemma(t, cfg, &l, time.Minute)
		if r.Status != tc.want {
			t.Errorf("expected least %d: status %s (%s), want %s", tc.least, r.Status, r.Detail, tc.want)
		}
	}
}

// A lemma fails when a premise of its chain does.
func TestFailedPremiseFailsChain(t *testing.T) {
	needZ3(t)
	cfg := spec.MustPreset("minimal")
	r := &run{cfg: cfg, results: map[string]*pending{"p": {done: make(chan struct{})}}}
	r.results["p"].res = Result{Status: Failed}
	close(r.results["p"].done)
	res := r.checkOne(context.Background(), &Lemma{Name: "d", Method: Derived, Chain: []string{"p"}, check: derived})
	if res.Status != Failed || !strings.Contains(res.Detail, "premise p is FAILED") {
		t.Errorf("status %s (%s), want failed on premise p", res.Status, res.Detail)
	}
}

// A query that reaches the time limit fails its lemma with a timeout, and the solver
// recovers for the next query.
func TestTimeoutFails(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	hard := func(ctx context.Context, r *run) finding {
		// Factor a 62-bit semiprime: x * y = N with 1 < x <= y.
		q := &query{decls: []string{"x", "y"},
			asserts: []string{"(< 1 x)", "(<= x y)", "(= (* x y) 4611686014132420609)"}, values: []string{"x", "y"}}
		return r.proveAll(ctx, []*query{q}, showValues)
	}
	r := runLemma(t, cfg, &Lemma{Name: "hard", Method: SMT, check: hard}, 200*time.Millisecond)
	if r.Status != Failed || !(strings.Contains(r.Detail, "timeout") || strings.Contains(r.Detail, "unknown")) {
		t.Errorf("status %s (%s), want a failed lemma on timeout", r.Status, r.Detail)
	}
}

// Check names an unknown lemma of --only, and without z3 says how to install it.
func TestCheckErrors(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	if _, err := Check(context.Background(), cfg, Options{Only: []string{"no_such_lemma"}, Z3: "z3"}); err == nil || !strings.Contains(err.Error(), "unknown lemma no_such_lemma") {
		t.Errorf("unknown lemma: %v", err)
	}
	t.Setenv("BEACONCHECK_Z3", "/nonexistent/z3")
	_, err := Check(context.Background(), cfg, Options{})
	var nse *NoSolverError
	if !errors.As(err, &nse) {
		t.Fatalf("missing z3: %v, want a NoSolverError", err)
	}
	for _, want := range []string{"apt-get install z3", "brew install z3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing z3: %q does not say %q", err, want)
		}
	}
}

// --only runs the lemma and its chain, nothing else.
func TestOnlyRunsChain(t *testing.T) {
	needZ3(t)
	rs, err := Check(context.Background(), spec.MustPreset("minimal"), Options{Only: []string{"committee_lengths_sum_to_v"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range rs {
		got[r.Lemma.Name] = true
		if r.Status != Proved {
			t.Errorf("%s: %s %s", r.Lemma.Name, r.Status, r.Detail)
		}
	}
	for _, want := range []string{"committee_lengths_sum_to_v", "committee_ranges_partition", "committee_length_floor_or_ceil", "committees_per_slot_in_range"} {
		if !got[want] {
			t.Errorf("%s not run", want)
		}
	}
	if got["committee_fits_bitlist_with_cap"] {
		t.Error("committee_fits_bitlist_with_cap run, but it is not in the chain")
	}
}

// A run stopped by its context (Ctrl-C) reports the lemmas it did not finish as not run,
// interrupted, never as FAILED, and returns the context's error.
func TestCheckInterrupted(t *testing.T) {
	needZ3(t)
	for _, after := range []time.Duration{0, 300 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		if after == 0 {
			cancel()
		} else {
			time.AfterFunc(after, cancel)
		}
		rs, err := Check(ctx, spec.MustPreset("mainnet"), Options{})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled after %v: error %v, want context.Canceled", after, err)
		}
		interrupted := 0
		for _, r := range rs {
			if r.Status == Failed {
				t.Errorf("cancelled after %v: %s", after, FormatResult(r, 0))
			}
			if r.Status == NotChecked && r.Detail == NotRunInterrupted {
				interrupted++
			}
		}
		if interrupted == 0 {
			t.Errorf("cancelled after %v: no lemma reported %q", after, NotRunInterrupted)
		}
	}
}

// TestEveryFindingExplained: every safety lemma refuted on a preset (a site that can fail
// within the invariants) has its reading in findingNotes, so docs/proofs.md states what each
// refutation is; and no note names a lemma that is not refuted on some preset.
func TestEveryFindingExplained(t *testing.T) {
	refuted := map[string]bool{}
	for _, name := range spec.PresetNames() {
		cfg := spec.MustPreset(name)
		for _, r := range checkPreset(t, name) {
			if r.Status != Counterexample || !strings.Contains(r.Lemma.Name, "_safe") {
				continue
			}
			refuted[r.Lemma.Name] = true
			if findingText(cfg, r) == "" {
				t.Errorf("%s: %s is refuted (%s) but findingNotes does not explain it", name, r.Lemma.Name, r.Counterexample)
			}
			if n := findingNotes[r.Lemma.Name]; n.epochs != nil && strings.Contains(findingText(cfg, r), "an unknown time") {
				t.Errorf("%s: %s: the time its counterexample takes could not be read from %q", name, r.Lemma.Name, r.Counterexample)
			}
		}
	}
	for n := range findingNotes {
		if !refuted[n] {
			t.Errorf("findingNotes explains %s, which no preset refutes", n)
		}
	}
}
