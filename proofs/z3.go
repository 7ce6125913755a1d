package proofs

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// This file runs SMT-LIB queries on z3. A solver keeps a pool of z3 processes in interactive
// mode (z3 -smt2 -in) that answers many queries without restarting: a linear query inside
// (push 1) ... (pop 1), a non-linear one after (reset), as if alone (see z3Process.query).
// The pool runs as many queries at a time as it has processes.

// InstallHint says how to get z3.
const InstallHint = "install z3 (Debian/Ubuntu: apt-get install z3; macOS: brew install z3), or run scripts/ensure-z3.sh"

// NoSolverError reports that z3 cannot be run.
type NoSolverError struct {
	Path string // what was looked for
	Err  error
}

func (e *NoSolverError) Error() string {
	return fmt.Sprintf("z3 not found (%s: %v): %s", e.Path, e.Err, InstallHint)
}

func (e *NoSolverError) Unwrap() error { return e.Err }

// Z3Path is the z3 binary to run: $BEACONCHECK_Z3 if set, else z3 from $PATH.
func Z3Path() (string, error) {
	name := os.Getenv("BEACONCHECK_Z3")
	if name == "" {
		name = "z3"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", &NoSolverError{Path: name, Err: err}
	}
	return p, nil
}

// Z3Version returns z3's version line (e.g. "Z3 version 4.8.12 - 64 bit").
func Z3Version(path string) (string, error) {
	out, err := exec.Command(path, "-version").Output()
	if err != nil {
		return "", &NoSolverError{Path: path, Err: err}
	}
	return strings.TrimSpace(string(out)), nil
}

// query is one satisfiability question: the declarations, models and assertions of a
// lemma's negation (or of a search for a counterexample). unsat means the lemma (or that
// split of it) holds.
type query struct {
	label    string   // the split this query covers, e.g. "committees_per_slot = 17"; "" if unsplit
	decls    []string // Int constants
	defs     []Def    // models of spec expressions, in dependency order
	asserts  []string // Bool terms
	minimize string   // if set, ask for the least value of this Int term (z3's optimisation)
	values   []string // Int terms whose values a sat answer reports
}

// script is the query as SMT-LIB commands, without push, pop, reset or check-sat.
func (q *query) script() string {
	var b strings.Builder
	for _, d := range q.decls {
		fmt.Fprintf(&b, "(declare-const %s Int)\n", d)
	}
	for _, d := range q.defs {
		b.WriteString(d.SMT())
		b.WriteByte('\n')
	}
	for _, a := range q.asserts {
		fmt.Fprintf(&b, "(assert %s)\n", a)
	}
	if q.minimize != "" {
		fmt.Fprintf(&b, "(minimize %s)\n", q.minimize)
	}
	return b.String()
}

// Text is the query as a standalone SMT-LIB script, for z3 -smt2 FILE (used to show a query
// and by the docs).
func (q *query) Text() string {
	var b strings.Builder
	b.WriteString(q.script())
	b.WriteString("(check-sat)\n")
	if len(q.values) > 0 {
		fmt.Fprintf(&b, "(get-value (%s))\n", strings.Join(q.values, " "))
	}
	return b.String()
}

// answer is z3's verdict on a query.
type answer struct {
	status string              // sat, unsat or unknown
	values map[string]*big.Int // the values of query.values when sat
	reason string              // why unknown
	took   time.Duration
}

// solver runs queries on a pool of z3 processes.
type solver struct {
	path    string
	timeout time.Duration // per query
	idle    chan *z3Process
	mu      sync.Mutex
	all     []*z3Process
}

func newSolver(path string, processes int, timeout time.Duration) *solver {
	s := &solver{path: path, timeout: timeout, idle: make(chan *z3Process, processes)}
	for range processes {
		s.idle <- nil // started on first use
	}
	return s
}

// close stops every z3 process.
func (s *solver) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.all {
		p.stop()
	}
	s.all = nil
}

// check runs q on an idle process, waiting for one if all are busy.
func (s *solver) check(ctx context.Context, q *query) (answer, error) {
	var p *z3Process
	select {
	case p = <-s.idle:
	case <-ctx.Done():
		return answer{}, ctx.Err()
	}
	defer func() { s.idle <- p }()
	if p == nil || p.dead {
		var err error
		if p, err = s.start(); err != nil {
			p = nil
			return answer{}, err
		}
	}
	logic, err := q.logic()
	if err != nil {
		return answer{}, err
	}
	qctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	start := time.Now()
	a, err := p.query(qctx, q, s.timeout, logic != "QF_LIA")
	a.took = time.Since(start)
	if st, ok := ctx.Value(lemmaStatsKey{}).(*lemmaStats); ok {
		st.add(a.took, logic)
		st.record(q)
	}
	if err != nil && qctx.Err() != nil {
		if ctx.Err() != nil {
			return a, ctx.Err()
		}
		return a, fmt.Errorf("timeout after %v", s.timeout)
	}
	if err == nil && a.status == "unknown" {
		return a, fmt.Errorf("z3 answered unknown (%s)", a.reason)
	}
	return a, err
}

func (s *solver) start() (*z3Process, error) {
	cmd := exec.Command(s.path, "-smt2", "-in")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, &NoSolverError{Path: s.path, Err: err}
	}
	p := &z3Process{cmd: cmd, in: in, out: bufio.NewReader(out), stderr: &stderr}
	if _, err := io.WriteString(in, "(set-option :print-success false)\n"); err != nil {
		p.stop()
		return nil, err
	}
	s.mu.Lock()
	s.all = append(s.all, p)
	s.mu.Unlock()
	return p, nil
}

// z3Process is one interactive z3.
type z3Process struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr *strings.Builder
	dead   bool
	dirty  bool // a query ran without push: reset before the next
}

// stop kills the process and reaps it; the process is dead afterwards.
func (p *z3Process) stop() {
	if p.dead {
		return
	}
	p.dead = true
	p.in.Close()
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

// query sends q and reads the answer. The process is killed if ctx ends first (it is then
// dead and restarted on next use). A fresh query (a non-linear one) runs alone in a reset
// solver.
func (p *z3Process) query(ctx context.Context, q *query, timeout time.Duration, fresh bool) (a answer, err error) {
	stopWatch := context.AfterFunc(ctx, func() { p.cmd.Process.Kill() })
	defer func() {
		if !stopWatch() || err != nil {
			p.stop() // its state is unknown: the next query starts a new one
		}
	}()
	ms := timeout.Milliseconds()
	if ms <= 0 || ms > 1<<31-1 {
		ms = 1<<31 - 1
	}
	var b strings.Builder
	if fresh || p.dirty {
		b.WriteString("(reset)\n(set-option :print-success false)\n")
		p.dirty = false
	}
	if fresh {
		// A non-linear query runs alone in a reset solver, without push: push would switch
		// z3 to its incremental solver, which is much weaker on non-linear arithmetic than
		// the non-linear tactic it picks for a one-shot query (ten times slower on the
		// reward facts, from seconds to timeouts on larger queries). Running each alone
		// also makes its answer and time independent of the queries before it. The next
		// query resets first.
		p.dirty = true
	} else {
		// A linear query runs inside (push 1) ... (pop 1), which leaves the process as it
		// found it at a fraction of reset's cost.
		b.WriteString("(push 1)\n")
	}
	fmt.Fprintf(&b, "(set-option :timeout %d)\n", ms)
	b.WriteString(q.script())
	b.WriteString("(check-sat)\n")
	if _, err := io.WriteString(p.in, b.String()); err != nil {
		return a, p.failure(err)
	}
	var errs []string
	for a.status == "" {
		e, err := p.read()
		if err != nil {
			return a, p.failure(err)
		}
		switch {
		case !e.isList && (e.atom == "sat" || e.atom == "unsat" || e.atom == "unknown"):
			a.status = e.atom
		case e.isList && len(e.list) == 2 && e.list[0].atom == "error":
			errs = append(errs, e.list[1].atom)
		default:
			return a, fmt.Errorf("z3: unexpected output %s", e)
		}
	}
	if len(errs) > 0 {
		return a, fmt.Errorf("z3 rejected the query: %s", strings.Join(errs, "; "))
	}
	var tail strings.Builder
	switch {
	case a.status == "sat" && len(q.values) > 0:
		fmt.Fprintf(&tail, "(get-value (%s))\n", strings.Join(q.values, " "))
	case a.status == "unknown":
		tail.WriteString("(get-info :reason-unknown)\n")
	}
	if tail.Len() > 0 {
		if _, err := io.WriteString(p.in, tail.String()); err != nil {
			return a, p.failure(err)
		}
		e, err := p.read()
		if err != nil {
			return a, p.failure(err)
		}
		if a.status == "unknown" {
			a.reason = strings.Trim(e.String(), "()")
		} else if a.values, err = parseValues(e, q.values); err != nil {
			return a, err
		}
	}
	if !fresh {
		if _, err := io.WriteString(p.in, "(pop 1)\n"); err != nil {
			return a, p.failure(err)
		}
	}
	return a, nil
}

// failure adds what z3 wrote on stderr to an I/O error.
func (p *z3Process) failure(err error) error {
	if s := strings.TrimSpace(p.stderr.String()); s != "" {
		return fmt.Errorf("z3: %v (%s)", err, s)
	}
	return fmt.Errorf("z3: %w", err)
}

// read reads one S-expression of z3's output.
func (p *z3Process) read() (*sexpr, error) {
	var b strings.Builder
	depth, started, inString := 0, false, false
	for {
		c, err := p.out.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if !started && (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			continue
		}
		started = true
		b.WriteByte(c)
		switch {
		case inString:
			if c == '"' {
				inString = false // a "" escape reopens it on the next byte
			}
			continue
		case c == '"':
			inString = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		}
		if depth == 0 && !inString {
			if c == ')' || c == '"' {
				return parseSexpr(b.String())
			}
			if next, err := p.out.Peek(1); err != nil || strings.ContainsRune(" \n\r\t()", rune(next[0])) {
				return parseSexpr(b.String())
			}
		}
	}
}

// parseValues reads z3's answer to (get-value (t1 t2 ...)): ((t1 v1) (t2 v2) ...), with
// negative values written (- n).
func parseValues(e *sexpr, terms []string) (map[string]*big.Int, error) {
	if !e.isList || len(e.list) != len(terms) {
		return nil, fmt.Errorf("z3: unexpected get-value answer %s", e)
	}
	p := &program{funs: map[string]*fun{}}
	out := make(map[string]*big.Int, len(terms))
	for i, pair := range e.list {
		if !pair.isList || len(pair.list) != 2 {
			return nil, fmt.Errorf("z3: unexpected get-value pair %s", pair)
		}
		v, err := p.eval(pair.list[1], nil)
		if err != nil || v.isBool {
			return nil, fmt.Errorf("z3: value of %s is not an integer: %s", terms[i], pair.list[1])
		}
		out[terms[i]] = v.n
	}
	return out, nil
}
