package proofs

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/beaconcheck/beaconcheck/spec"
)

// Method is how a lemma is established.
type Method string

const (
	// SMT: the lemma's negation is sent to z3 (one query, or one per case of a split); unsat
	// for every query proves it, a sat answer is a counterexample.
	SMT Method = "smt"
	// Exhaustive: every element of a finite domain is evaluated, with the model's Go code;
	// the domain is covered completely and its size is part of the lemma.
	Exhaustive Method = "exhaustive"
	// Derived: the lemma follows from others (its Chain) by the argument recorded with it;
	// it is proved when all of them are.
	Derived Method = "derived"
)

// Outcome is what a lemma is expected to come to.
type Outcome uint8

const (
	// Holds: the lemma is expected to be proved.
	Holds Outcome = iota
	// Refuted: the lemma is expected to be refuted, with a counterexample (the least one,
	// when the lemma names a Least value).
	Refuted
)

func (o Outcome) String() string {
	if o == Refuted {
		return "refuted"
	}
	return "holds"
}

// Status is the result of checking a lemma.
type Status uint8

const (
	// Proved: the lemma holds and was expected to.
	Proved Status = iota
	// Counterexample: the lemma was refuted with a concrete counterexample, as expected
	// (printed "refuted").
	Counterexample
	// Failed: the result is not the expected one, or the check could not finish (solver
	// error, timeout, a premise that failed).
	Failed
	// NotChecked: the lemma was not checked, for the reason given (it does not apply to
	// this config).
	NotChecked
)

// NotRunInterrupted is the detail of a lemma whose check was stopped, or never started,
// because Check's context was cancelled (Ctrl-C): it is NotChecked, not Failed.
const NotRunInterrupted = "not run: interrupted"

var statusNames = [...]string{Proved: "proved", Counterexample: "refuted", Failed: "FAILED", NotChecked: "not checked"}

func (s Status) String() string { return statusNames[s] }

// Lemma is one statement about the spec's arithmetic under one config.
type Lemma struct {
	Name       string   // stable snake_case name
	Statement  string   // in plain words
	Formula    string   // the statement as a formula, with the config's constant names
	Hypotheses []string // what it assumes: invariants of valid states, the config's rules
	Spec       []string // the spec functions it is about
	Go         []string // the Go functions that model them
	Sites      []string // the runtime-error sites (k.Err labels of the model) it covers
	Method     Method
	Split      string   // how the statement is split into solver queries, and why that is complete
	Chain      []string // the lemmas it relies on
	Argument   string   // for a derived lemma: how the Chain gives the statement
	Expect     Outcome
	// Least, for a refutation, is the expected least counterexample, as the value of the
	// variable LeastOf (the threshold of a runtime-error site).
	Least   *big.Int
	LeastOf string
	// Skip, if set, is why the lemma is not checked under this config.
	Skip string
	// Assumes names the stated bounds (spec.Invariants of kind stated_bound) the lemma
	// assumes: proved, it is proved under stated assumptions.
	Assumes []string

	check func(ctx context.Context, r *run) finding
	// queries are the lemma's solver queries when they do not depend on the run (the
	// vacuity and tautology checks read them); nil otherwise.
	queries []*query
}

// finding is what a check found, before it is compared with the expectation.
type finding struct {
	holds          bool
	counterexample string   // when refuted: the concrete values
	least          *big.Int // when refuted with a least counterexample: the value of LeastOf
	queries        int      // solver queries sent, or elements enumerated
	detail         string   // what was shown, e.g. "64 queries unsat"
	err            error    // the check could not finish
	// unchecked, when set, is why the check proves nothing although its queries are
	// unsat (a hypothesis equivalent to the conclusion): the lemma is reported not checked.
	unchecked string
}

// Result is the checked lemma.
type Result struct {
	Lemma          *Lemma
	Status         Status
	Counterexample string   // when refuted
	Least          *big.Int // when refuted with a least counterexample: the value found
	Detail         string   // what the check did, or why it failed or was not checked
	Queries        int
	Logic          string // the SMT-LIB logics of the lemma's queries: QF_LIA, QF_NIA or both
	// Elapsed is the time the check took: for a lemma checked by the solver, the solver's
	// time on its queries (which share the z3 processes with other lemmas' queries, so
	// the wall time of a run is less than the sum); otherwise the wall time of the check.
	Elapsed time.Duration
	// queries are the solver queries the check sent (the vacuity test reads them).
	queries []*query
}

// lemmaStats adds up the solver time of one lemma's queries and the logics they lie in.
type lemmaStats struct {
	mu     sync.Mutex
	d      time.Duration
	logics map[string]bool
	sent   []*query
}

func (st *lemmaStats) record(q *query) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sent = append(st.sent, q)
}

func (st *lemmaStats) sentQueries() []*query {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sent
}

type lemmaStatsKey struct{}

func (st *lemmaStats) add(d time.Duration, logic string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.d += d
	if st.logics == nil {
		st.logics = map[string]bool{}
	}
	st.logics[logic] = true
}

func (st *lemmaStats) total() (time.Duration, string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var ls []string
	for _, l := range []string{"QF_LIA", "QF_NIA"} {
		if st.logics[l] {
			ls = append(ls, l)
		}
	}
	return st.d, strings.Join(ls, " and ")
}

// Options tunes Check.
type Options struct {
	// Only restricts the run to these lemmas (and the lemmas their chains rely on).
	Only []string
	// Timeout is the time limit of each solver query; 0 means 60 s.
	Timeout time.Duration
	// Processes is the number of z3 processes run at once; 0 means GOMAXPROCS.
	Processes int
	// Z3 is the z3 binary; "" means Z3Path().
	Z3 string
}

// Check checks the lemmas of cfg (Lemmas(cfg), or those named in opts.Only with their
// chains) and returns their results in catalogue order. It fails with a *NoSolverError if z3
// cannot be run, and with an error naming unknown lemmas in opts.Only.
func Check(ctx context.Context, cfg *spec.Config, opts Options) ([]Result, error) {
	lemmas := Lemmas(cfg)
	selected, err := selectLemmas(lemmas, opts.Only)
	if err != nil {
		return nil, err
	}
	path := opts.Z3
	if path == "" {
		if path, err = Z3Path(); err != nil {
			return nil, err
		}
	}
	if _, err := Z3Version(path); err != nil {
		return nil, err
	}
	procs := opts.Processes
	if procs <= 0 {
		procs = runtime.GOMAXPROCS(0)
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	s := newSolver(path, procs, timeout)
	defer s.close()
	r := &run{cfg: cfg, models: newModels(cfg), solver: s, results: map[string]*pending{}}
	for _, l := range selected {
		r.results[l.Name] = &pending{done: make(chan struct{})}
	}
	var wg sync.WaitGroup
	for _, l := range selected {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := r.checkOne(ctx, l)
			p := r.results[l.Name]
			p.res = res
			close(p.done)
		}()
	}
	wg.Wait()
	out := make([]Result, len(selected))
	for i, l := range selected {
		out[i] = r.results[l.Name].res
	}
	return out, ctx.Err()
}

// selectLemmas returns the lemmas named in only and, transitively, those their chains rely
// on, in catalogue order; every lemma if only is empty.
func selectLemmas(lemmas []*Lemma, only []string) ([]*Lemma, error) {
	if len(only) == 0 {
		return lemmas, nil
	}
	byName := map[string]*Lemma{}
	for _, l := range lemmas {
		byName[l.Name] = l
	}
	want := map[string]bool{}
	var unknown []string
	var add func(string)
	add = func(n string) {
		if want[n] {
			return
		}
		l, ok := byName[n]
		if !ok {
			unknown = append(unknown, n)
			return
		}
		want[n] = true
		for _, c := range l.Chain {
			add(c)
		}
	}
	for _, n := range only {
		add(n)
	}
	if len(unknown) > 0 {
		return nil, &UnknownLemmaError{Names: unknown}
	}
	var out []*Lemma
	for _, l := range lemmas {
		if want[l.Name] {
			out = append(out, l)
		}
	}
	return out, nil
}

// UnknownLemmaError reports names in Options.Only that are not lemmas of the catalogue.
type UnknownLemmaError struct{ Names []string }

func (e *UnknownLemmaError) Error() string {
	return fmt.Sprintf("unknown lemma %s (see docs/proofs.md for the list)", strings.Join(e.Names, ", "))
}

// Summary counts results: proved, refuted as expected, failed, not checked.
func Summary(results []Result) (proved, refuted, failed, notChecked int) {
	for _, r := range results {
		switch r.Status {
		case Proved:
			proved++
		case Counterexample:
			refuted++
		case Failed:
			failed++
		case NotChecked:
			notChecked++
		}
	}
	return
}

// run is one Check.
type run struct {
	cfg     *spec.Config
	models  *models
	solver  *solver
	results map[string]*pending
}

type pending struct {
	done chan struct{}
	res  Result
}

// premise waits for the result of a lemma of the chain.
func (r *run) premise(ctx context.Context, name string) (Result, error) {
	p, ok := r.results[name]
	if !ok {
		return Result{}, fmt.Errorf("internal: premise %s is not part of this run", name)
	}
	select {
	case <-p.done:
		return p.res, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// checkOne checks l once its chain is checked. The time it reports is its own: from the
// moment its premises are known.
func (r *run) checkOne(ctx context.Context, l *Lemma) (res Result) {
	res.Lemma = l
	if l.Skip != "" {
		res.Status, res.Detail = NotChecked, l.Skip
		return res
	}
	// A lemma is only as good as its chain: wait for every premise and fail if one did not
	// come out as expected.
	for _, c := range l.Chain {
		p, err := r.premise(ctx, c)
		if ctx.Err() != nil && (err != nil || p.Status != Proved) {
			res.Status, res.Detail = NotChecked, NotRunInterrupted
			return res
		}
		if err != nil {
			res.Status, res.Detail = Failed, err.Error()
			return res
		}
		if p.Status != Proved {
			res.Status, res.Detail = Failed, fmt.Sprintf("premise %s is %s", c, p.Status)
			return res
		}
	}
	stats := &lemmaStats{}
	start := time.Now()
	f := l.check(context.WithValue(ctx, lemmaStatsKey{}, stats), r)
	res.queries = stats.sentQueries()
	if res.Elapsed, res.Logic = stats.total(); res.Elapsed == 0 {
		res.Elapsed = time.Since(start)
	}
	res.Queries, res.Counterexample, res.Least = f.queries, f.counterexample, f.least
	res.Detail = f.detail
	switch {
	case f.err != nil && ctx.Err() != nil:
		// Stopped by the caller (Ctrl-C): not a failure of the lemma.
		res.Status, res.Detail = NotChecked, NotRunInterrupted
	case f.err != nil:
		res.Status, res.Detail = Failed, f.err.Error()
	case f.unchecked != "":
		res.Status, res.Detail = NotChecked, f.unchecked
	case f.holds && l.Expect == Holds:
		res.Status = Proved
	case !f.holds && l.Expect == Refuted:
		res.Status = Counterexample
		if l.Least != nil && (f.least == nil || f.least.Cmp(l.Least) != 0) {
			res.Status = Failed
			res.Detail = fmt.Sprintf("least counterexample %s = %s, expected %s", l.LeastOf, bigString(f.least), commas(l.Least))
		}
	case f.holds:
		res.Status, res.Detail = Failed, "expected a counterexample, but the lemma holds: "+f.detail
	default:
		res.Status, res.Detail = Failed, "expected to hold, but refuted: "+f.counterexample
	}
	if res.Status == Failed && res.Detail == "" {
		res.Detail = "failed"
	}
	return res
}

// proveAll sends every query (a split) and finds the lemma proved if all are unsat; the
// first sat answer, in split order, is the counterexample, described by show.
func (r *run) proveAll(ctx context.Context, qs []*query, show func(q *query, a answer) string) finding {
	answers, err := r.solveAll(ctx, qs)
	if err != nil {
		return finding{queries: len(qs), err: err}
	}
	for i, a := range answers {
		if a.status == "sat" {
			return finding{queries: len(qs), counterexample: show(qs[i], a)}
		}
	}
	d := fmt.Sprintf("%d queries unsat", len(qs))
	if len(qs) == 1 {
		d = "unsat"
	}
	return finding{holds: true, queries: len(qs), detail: d}
}

// solveAll sends the queries at once (the solver's pool bounds how many run together) and
// returns the answers in order; the first error, by order, stops it.
func (r *run) solveAll(ctx context.Context, qs []*query) ([]answer, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	answers := make([]answer, len(qs))
	errs := make([]error, len(qs))
	var wg sync.WaitGroup
	for i, q := range qs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i], errs[i] = r.solver.check(ctx, q)
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			if qs[i].label != "" {
				return nil, fmt.Errorf("%s: %w", qs[i].label, err)
			}
			return nil, err
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return answers, nil
}

// minimizeAll finds the least value of term over the queries of a split (each with
// minimize set): each query's optimum, then the least of them. ok is false if every query
// is unsat.
func (r *run) minimizeAll(ctx context.Context, qs []*query, term string) (best *big.Int, at int, ok bool, err error) {
	answers, err := r.solveAll(ctx, qs)
	if err != nil {
		return nil, 0, false, err
	}
	for i, a := range answers {
		if a.status != "sat" {
			continue
		}
		v := a.values[term]
		if v == nil {
			return nil, 0, false, fmt.Errorf("internal: query %q reports no value for %s", qs[i].label, term)
		}
		if best == nil || v.Cmp(best) < 0 {
			best, at, ok = v, i, true
		}
	}
	return best, at, ok, nil
}

// derived checks a derived lemma: its chain has been checked (checkOne waits for it), so it
// holds by the recorded argument.
func derived(ctx context.Context, r *run) finding {
	return finding{holds: true, detail: "follows from its chain"}
}

// commas writes an integer with thousands separators.
func commas(v *big.Int) string {
	s := v.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func commasU(v uint64) string { return commas(new(big.Int).SetUint64(v)) }

func bigString(v *big.Int) string {
	if v == nil {
		return "none"
	}
	return commas(v)
}

// FormatResult is one line of the prove command: the lemma (its name padded to width), its
// method, its result, the time it took, and what was found.
func FormatResult(r Result, width int) string {
	what := r.Detail
	if r.Status == Counterexample {
		what = r.Counterexample
	}
	if r.Status == Failed && r.Counterexample != "" && !strings.Contains(what, r.Counterexample) {
		what += " (" + r.Counterexample + ")"
	}
	method := string(r.Lemma.Method)
	if r.Lemma.Skip != "" {
		method = "-"
	}
	if r.Logic != "" {
		method += " " + strings.NewReplacer("QF_", "", " and ", "+").Replace(r.Logic)
	}
	return fmt.Sprintf("%-*s  %-14s  %-11s  %6.2fs  %s", width, r.Lemma.Name, method, r.Status, r.Elapsed.Seconds(), what)
}

// Counts are the results of a run by what they establish.
type Counts struct {
	Proved int // proved outright (from the config's rules and the invariants, themselves proved)
	// ProvedUnderAssumptions are proved from a stated bound (Lemma.Assumes) the transition
	// does not imply.
	ProvedUnderAssumptions int
	// RefutedThresholds are the expected refutations of threshold lemmas (and of the
	// committee bound without the fix): each finds the least value at which a site fails.
	RefutedThresholds int
	// RefutedFindings are safety lemmas refuted: a site that can fail within the
	// invariants (and the stated bounds), as the catalogue expects; each is a finding.
	RefutedFindings int
	NotChecked      int
	Failed          int
}

// Count sorts results into Counts.
func Count(results []Result) Counts {
	var c Counts
	for _, r := range results {
		switch r.Status {
		case Proved:
			if len(r.Lemma.Assumes) > 0 {
				c.ProvedUnderAssumptions++
			} else {
				c.Proved++
			}
		case Counterexample:
			if strings.Contains(r.Lemma.Name, "_safe") {
				c.RefutedFindings++
			} else {
				c.RefutedThresholds++
			}
		case Failed:
			c.Failed++
		case NotChecked:
			c.NotChecked++
		}
	}
	return c
}

// String is the counts as prove prints them.
func (c Counts) String() string {
	return fmt.Sprintf("%d proved, %d proved under stated assumptions, %d refuted (expected: thresholds), %d refuted (unexpected: sites that can fail within the invariants), %d unchecked, %d failed",
		c.Proved, c.ProvedUnderAssumptions, c.RefutedThresholds, c.RefutedFindings, c.NotChecked, c.Failed)
}
