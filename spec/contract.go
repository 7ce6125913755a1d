package spec

import (
	"fmt"
	"sort"
	"sync/atomic"
)

// Contracts, in the Hoare style of the Dafny formalization of Phase 0: every spec function
// has a precondition (what its caller must guarantee) and a postcondition (what it
// guarantees when it returns without error), each a list of named clauses. The contract
// of a function is declared right after it, in its file; the checks themselves are
// functions beside the declaration.
//
// In checked mode (Model.Checked) every call evaluates its function's contract. A breach
// is returned as a *ContractViolation naming the function, the clause, pre or post, and
// the values involved. Unchecked and untraced, a call pays one test (Model.hooked).
//
// What the clauses mean:
//
//   - Preconditions are obligations of the caller, not input validation. The spec's
//     asserts on untrusted input (a block's slot, an attestation's target) are behaviour,
//     reported as AssertErrors, and a transition that fails them is invalid, not a breach.
//     A precondition breach means a caller inside the model (or the spec itself, as with
//     the committee-size bound) called a function outside its domain.
//   - Postconditions relate the result and the state after the call to the arguments and
//     a copy of the state before it; frame clauses say that nothing but the listed fields
//     changed.

// ContractViolation is a breach of a spec function's contract found in checked mode.
type ContractViolation struct {
	Func   string // the spec function, e.g. "get_attesting_indices"
	Clause string // the clause's stable name, e.g. "committee_fits_bits"
	Phase  string // "pre" or "post"
	Detail string // the offending values
}

func (e *ContractViolation) Error() string {
	cond := "precondition"
	if e.Phase == "post" {
		cond = "postcondition"
	}
	return fmt.Sprintf("contract violation: %s %s %s: %s", e.Func, cond, e.Clause, e.Detail)
}

// Clause is one named condition of a contract, with its meaning in plain words.
type Clause struct {
	Name string
	Doc  string
}

// Contract is a spec function's contract as documented (docs/contracts.md is generated
// from these).
type Contract struct {
	Func    string // the spec's name, e.g. "process_voluntary_exit"
	Section string // the spec section it is defined in
	Pre     []Clause
	Post    []Clause
	// Writes, for a function that changes the state, is what it may change, in the
	// vocabulary of invariants.go: top-level fields by spec name, "validators.<field>" and
	// "validators.append". InvariantObligations reads it.
	Writes []string

	invariants []string // the invariants checked as "inv_" clauses (invariants.go)
}

var contracts = map[string]*Contract{}

// declare registers a function's contract; it runs at package initialisation.
func declare(c Contract) *Contract {
	if _, dup := contracts[c.Func]; dup {
		panic("spec: two contracts for " + c.Func)
	}
	cc := c
	contracts[c.Func] = &cc
	return &cc
}

// Contracts returns every declared contract, sorted by function name.
func Contracts() []Contract {
	out := make([]Contract, 0, len(contracts))
	for _, c := range contracts {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Func < out[j].Func })
	return out
}

// ContractOf returns the contract of a spec function, by its spec name.
func ContractOf(fn string) (Contract, bool) {
	c, ok := contracts[fn]
	if !ok {
		return Contract{}, false
	}
	return *c, true
}

// Checks holds the state of checked mode: how many clauses were evaluated.
type Checks struct {
	evaluations atomic.Uint64
}

// Evaluations is the number of contract clauses evaluated so far.
func (k *Checks) Evaluations() uint64 { return k.evaluations.Load() }

// checker evaluates the clauses of one phase of one contract.
type checker struct {
	k        *Checks
	contract *Contract
	phase    string
	failed   *ContractViolation
	n        int // clauses evaluated
}

// that evaluates one clause. The clause must be declared in the function's contract (a
// check that names an undeclared clause is itself reported, so the documentation cannot
// fall behind the checks).
func (c *checker) that(clause string, ok bool, format string, a ...any) {
	c.k.evaluations.Add(1)
	c.n++
	if c.failed != nil {
		return
	}
	if !c.declared(clause) {
		c.failed = &ContractViolation{Func: c.contract.Func, Clause: clause, Phase: c.phase, Detail: "clause not declared in the contract"}
		return
	}
	if !ok {
		c.failed = &ContractViolation{Func: c.contract.Func, Clause: clause, Phase: c.phase, Detail: fmt.Sprintf(format, a...)}
	}
}

func (c *checker) declared(clause string) bool {
	list := c.contract.Pre
	if c.phase == "post" {
		list = c.contract.Post
	}
	for _, cl := range list {
		if cl.Name == clause {
			return true
		}
	}
	return false
}

// requires is a spec function's entry hook: traced, it reports the call with args (the
// function's small inputs, as name and value pairs); in checked mode it evaluates the
// precondition check (nil when the function has none) and returns a breach.
func (m *Model) requires(contract *Contract, check func(c *checker), args ...any) error {
	if m.Tracer != nil {
		m.traceEnter(contract, args)
	}
	if m.Checked == nil || check == nil {
		m.enterInvariantScope(contract)
		return nil
	}
	c := &checker{k: m.Checked, contract: contract, phase: "pre"}
	if m.Tracer != nil {
		m.quietly(func() { check(c) })
	} else {
		check(c)
	}
	if m.Tracer != nil {
		m.traceClauses(contract, c.n)
		if c.failed != nil {
			m.traceExit(contract, c.failed, 0) // the call ends here
		}
	}
	if c.failed != nil {
		return c.failed
	}
	m.enterInvariantScope(contract)
	return nil
}

// enter is the entry hook of a spec function without a precondition.
func (m *Model) enter(contract *Contract, args ...any) {
	if m.Tracer != nil {
		m.traceEnter(contract, args)
	}
}

// ensures is a spec function's exit hook: in checked mode it evaluates a postcondition,
// replacing *err when it is nil and a clause fails; traced, it reports the call's end.
// Postconditions are checked on success only: a failed call's guarantee (for the atomic
// entry points, an unchanged state) is a clause of its own where it applies.
//
// ensures is always deferred, so it also recovers the *ContractViolation panics by which
// spec functions without an error result (predicates, small accessors) report a breach, and
// returns them as the error of the enclosing call.
func (m *Model) ensures(contract *Contract, err *error, check func(c *checker)) {
	m.exit(contract, err, nil, nil, recover(), check)
}

// ensuresState is ensures for a function that writes the state: after check it evaluates
// the contract's invariant clauses on state.
func (m *Model) ensuresState(contract *Contract, err *error, state *BeaconState, check func(c *checker)) {
	m.exit(contract, err, nil, state, recover(), check)
}

// ensuresFrom is ensuresState for a function whose contract carries a block_inductive
// invariant clause, which needs the state as the call found it: before, the function's
// snapshot.
func (m *Model) ensuresFrom(contract *Contract, err *error, before, state *BeaconState, check func(c *checker)) {
	m.exit(contract, err, before, state, recover(), check)
}

// exit is the body of the exit hooks; r is what the deferred hook recovered.
func (m *Model) exit(contract *Contract, err *error, before, state *BeaconState, r any, check func(c *checker)) {
	nested := m.leaveInvariantScope(contract)
	if r != nil {
		cv, ok := r.(*ContractViolation)
		if !ok {
			panic(r)
		}
		*err = cv
		if m.Tracer != nil {
			m.traceExit(contract, *err, 0)
		}
		return
	}
	n := 0
	if *err == nil && m.Checked != nil {
		c := &checker{k: m.Checked, contract: contract, phase: "post"}
		run := func() {
			check(c)
			if !nested {
				c.invariants(m, before, state)
			}
		}
		if m.Tracer != nil {
			m.quietly(run)
		} else {
			run()
		}
		if c.failed != nil {
			*err = c.failed
		}
		n = c.n
	}
	if m.Tracer != nil {
		m.traceExit(contract, *err, n)
	}
}

// enterInvariantScope notes, in checked mode, that a call whose contract carries invariant
// clauses has passed its precondition; leaveInvariantScope undoes it at the call's exit and
// says whether the call is a Beacon state mutator nested in another such call, which then
// leaves the invariant clauses to its caller.
func (m *Model) enterInvariantScope(contract *Contract) {
	if m.Checked != nil && len(contract.invariants) > 0 {
		m.invariantScope++
	}
}

func (m *Model) leaveInvariantScope(contract *Contract) (nested bool) {
	if m.Checked == nil || len(contract.invariants) == 0 || m.invariantScope == 0 {
		return false
	}
	m.invariantScope--
	return m.invariantScope > 0 && contract.Section == "Beacon state mutators"
}

// ensuresAtomic is ensuresState for the atomic entry points: on success it evaluates check
// and the invariant clauses; on failure it evaluates the clause "unchanged_on_error" (the
// state equals before).
func (m *Model) ensuresAtomic(contract *Contract, err *error, before, state *BeaconState, check func(c *checker)) {
	r := recover()
	if r != nil || *err == nil {
		m.exit(contract, err, before, state, r, check)
		return
	}
	m.leaveInvariantScope(contract)
	n := 0
	if _, isViolation := (*err).(*ContractViolation); !isViolation && m.Checked != nil {
		c := &checker{k: m.Checked, contract: contract, phase: "post"}
		p := frame{}.changedOutside(before, state)
		c.that("unchanged_on_error", p == "", "%s changed although the transition failed (%v)", p, *err)
		if c.failed != nil {
			*err = c.failed
		}
		n = c.n
	}
	if m.Tracer != nil {
		m.traceExit(contract, *err, n)
	}
}
