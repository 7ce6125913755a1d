// Package proofs holds machine-checked lemmas about the Phase 0 spec's arithmetic: the
// committee lengths of an epoch, the committee-size bound with and without the upper-bound
// fix, and the absence (under stated invariants) or the exact threshold of every uint64
// overflow, underflow and division by zero of the state transition.
//
// Each lemma (Lemmas) is checked by one of three methods: SMT (its negation, written in
// SMT-LIB 2 over the integers, is sent to z3; non-linear facts are split into linear
// queries), exhaustive enumeration of a finite domain, or derivation from other lemmas.
// Check runs them and compares each result with the lemma's expected outcome. The SMT-LIB
// models of the spec's expressions (Def) are held to the Go code they model by the tests,
// which evaluate them with a small SMT-LIB evaluator (smtlib.go) on generated inputs.
//
// Imports: among this module's packages, spec and bounds; its tests also chain, conformance,
// properties and spec/interop, to record the sites' operands. Nothing in spec, bounds or
// properties may import proofs. z3 (https://github.com/Z3Prover/z3) must be installed to check the SMT
// lemmas; scripts/ensure-z3.sh installs it.
package proofs

//go:generate go run ../internal/gendocs proofs ../docs/proofs.md
