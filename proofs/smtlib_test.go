package proofs

import (
	"math/big"
	"strings"
	"testing"
)

// The evaluator follows SMT-LIB's Ints theory: hand-checked values, including the
// Euclidean div and mod on negative operands, where they differ from Go's / and %.
func TestEvalTerms(t *testing.T) {
	p, err := newProgram(
		"(define-fun sq ((x Int)) Int (* x x))",
		"(define-fun between ((x Int) (lo Int) (hi Int)) Bool (<= lo x hi))",
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		term string
		want string
	}{
		{"(+ 1 2 3)", "6"},
		{"(- 5)", "-5"},
		{"(- 10 3 2)", "5"},
		{"(* 4294967296 4294967296)", "18446744073709551616"},
		{"(div 7 2)", "3"},
		{"(div (- 7) 2)", "-4"}, // floor for a positive divisor
		{"(div 7 (- 2))", "-3"}, // Euclidean: 7 = (-2)(-3) + 1
		{"(mod (- 7) 2)", "1"},  // never negative
		{"(mod 7 (- 2))", "1"},
		{"(abs (- 3))", "3"},
		{"(ite (< 1 2) 10 20)", "10"},
		{"(let ((a 2) (b 3)) (* a b))", "6"},
		{"(let ((a 2)) (let ((a 5) (b a)) (+ a b)))", "7"}, // parallel let: b sees the outer a
		{"(sq 12)", "144"},
		{"(between 5 1 9)", "true"},
		{"(between 0 1 9)", "false"},
		{"(<= 1 2 2 3)", "true"},
		{"(< 1 2 2)", "false"},
		{"(= 3 3 3)", "true"},
		{"(distinct 1 2 1)", "false"},
		{"(and true (or false (not false)))", "true"},
		{"(=> false (div 1 0))", "true"}, // short-circuit: the division is never evaluated
		{"(or true (= (div 1 0) 0))", "true"},
		{"; comment\n(+ 1 ; inline\n 1)", "2"},
	} {
		v, err := p.evalTerm(tc.term, nil)
		if err != nil {
			t.Errorf("%s: %v", tc.term, err)
			continue
		}
		if v.String() != tc.want {
			t.Errorf("%s = %s, want %s", tc.term, v, tc.want)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	p, err := newProgram("(define-fun f ((x Int)) Int (+ x 1))")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ term, want string }{
		{"(div 1 0)", "div by zero"},
		{"(mod 1 0)", "mod by zero"},
		{"(+ x 1)", "unbound symbol x"},
		{"(f 1 2)", "takes 1 arguments"},
		{"(bvadd 1 2)", "unsupported function bvadd"},
		{"(+ true 1)", "is Bool"},
		{"(ite 1 2 3)", "is Int where Bool is needed"},
		{"(+ 1", "unclosed"},
		{"1 2", "want one expression"},
	} {
		_, err := p.evalTerm(tc.term, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.term, err, tc.want)
		}
	}
	if _, err := newProgram("(assert (= 1 1))"); err == nil {
		t.Error("newProgram accepted a command other than define-fun")
	}
	if _, err := newProgram("(define-fun f () Int 1)", "(define-fun f () Int 2)"); err == nil {
		t.Error("newProgram accepted a function defined twice")
	}
}

// parseValues reads z3's get-value answers, negative numbers included.
func TestParseValues(t *testing.T) {
	e, err := parseSexpr("((V 4194305) ((committee_length V 2047 2048) 2049) (x (- 3)))")
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseValues(e, []string{"V", "(committee_length V 2047 2048)", "x"})
	if err != nil {
		t.Fatal(err)
	}
	for term, want := range map[string]int64{"V": 4194305, "(committee_length V 2047 2048)": 2049, "x": -3} {
		if got[term].Cmp(big.NewInt(want)) != 0 {
			t.Errorf("%s = %v, want %d", term, got[term], want)
		}
	}
}

// The logic of a query: non-linear exactly when two factors, or a divisor, depend on a
// variable once the defined functions are unfolded.
func TestQueryLogic(t *testing.T) {
	length := Def{Name: "len", Params: []string{"n", "i", "c"}, Sort: "Int", Body: "(- (div (* n (+ i 1)) c) (div (* n i) c))"}
	for _, tc := range []struct {
		q    query
		want string
	}{
		{query{decls: []string{"V"}, defs: []Def{length}, asserts: []string{"(> (len V 2047 2048) 5)"}}, "QF_LIA"},
		{query{decls: []string{"V", "i"}, defs: []Def{length}, asserts: []string{"(> (len V i 2048) 5)"}}, "QF_NIA"},
		{query{decls: []string{"V", "c"}, defs: []Def{length}, asserts: []string{"(> (len V 3 c) 5)"}}, "QF_NIA"},
		{query{decls: []string{"x"}, asserts: []string{"(let ((y (* 3 4))) (> (* x y) 1))"}}, "QF_LIA"},
		{query{decls: []string{"x"}, asserts: []string{"(let ((y (* x 4))) (> (* x y) 1))"}}, "QF_NIA"},
		{query{decls: []string{"x"}, asserts: []string{"(> (mod 7 x) 1)"}}, "QF_NIA"},
		{query{decls: []string{"x"}, asserts: []string{"(> x 1)"}, minimize: "(* x x)"}, "QF_NIA"},
	} {
		got, err := tc.q.logic()
		if err != nil || got != tc.want {
			t.Errorf("%v: %s, %v; want %s", tc.q.asserts, got, err, tc.want)
		}
	}
}
