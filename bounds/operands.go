package bounds

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/beaconcheck/beaconcheck/spec"
)

// A declared site's operands (spec.Site.Operands) name what the operation's operands are, as
// expressions over the variables of the site's model and the config's constants. This file
// parses them and evaluates a site's declared operations on values of those variables
// through spec.Site.Eval, the model's own arithmetic: the catalogue's thresholds
// (SiteThreshold.First), the replay of the lemmas' counterexamples and the faithfulness
// tests (package proofs) all decide through EvalDeclared whether a site fails.

// Operand is an operand of a declared site (spec.Site.Operands), parsed: an expression over
// the variables of the site's model and the config's constants (spec.Config.SiteConstant).
type Operand struct {
	op   byte // 0: a leaf; '+', '-', '*', '/', '%'
	name string
	num  *big.Int
	l, r *Operand
}

// ParseOperand parses an operand name: + - * // % over identifiers and decimal literals,
// with parentheses. It returns nil for a name that is not such an expression (a free
// operand).
func ParseOperand(s string) *Operand {
	p := &operandParser{s: s}
	e := p.expr()
	p.space()
	if e == nil || p.i != len(p.s) {
		return nil
	}
	return e
}

type operandParser struct {
	s string
	i int
}

func (p *operandParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *operandParser) expr() *Operand {
	l := p.term()
	for l != nil {
		p.space()
		if p.i >= len(p.s) || (p.s[p.i] != '+' && p.s[p.i] != '-') {
			return l
		}
		op := p.s[p.i]
		p.i++
		r := p.term()
		if r == nil {
			return nil
		}
		l = &Operand{op: op, l: l, r: r}
	}
	return nil
}

func (p *operandParser) term() *Operand {
	l := p.factor()
	for l != nil {
		p.space()
		var op byte
		switch {
		case strings.HasPrefix(p.s[p.i:], "//"):
			op = '/'
			p.i += 2
		case strings.HasPrefix(p.s[p.i:], "*"), strings.HasPrefix(p.s[p.i:], "%"):
			op = p.s[p.i]
			p.i++
		default:
			return l
		}
		r := p.factor()
		if r == nil {
			return nil
		}
		l = &Operand{op: op, l: l, r: r}
	}
	return nil
}

func (p *operandParser) factor() *Operand {
	p.space()
	if p.i >= len(p.s) {
		return nil
	}
	if p.s[p.i] == '(' {
		p.i++
		e := p.expr()
		p.space()
		if e == nil || p.i >= len(p.s) || p.s[p.i] != ')' {
			return nil
		}
		p.i++
		return e
	}
	j := p.i
	for j < len(p.s) && (p.s[j] == '_' || unicode.IsLetter(rune(p.s[j])) || unicode.IsDigit(rune(p.s[j]))) {
		j++
	}
	if j == p.i {
		return nil
	}
	tok := p.s[p.i:j]
	p.i = j
	if unicode.IsDigit(rune(tok[0])) {
		n, err := strconv.ParseUint(tok, 10, 64)
		if err != nil {
			return nil
		}
		return &Operand{num: new(big.Int).SetUint64(n)}
	}
	return &Operand{name: tok}
}

// idents lists the identifiers of e, in order of occurrence.
func (e *Operand) idents(out []string) []string {
	switch {
	case e.op != 0:
		return e.r.idents(e.l.idents(out))
	case e.name != "":
		return append(out, e.name)
	}
	return out
}

// Eval evaluates e exactly (Python's non-negative integers); false for a name without a
// value, a negative difference or a division by zero.
func (e *Operand) Eval(env map[string]*big.Int) (*big.Int, bool) {
	if e.op == 0 {
		if e.num != nil {
			return e.num, true
		}
		v, ok := env[e.name]
		return v, ok
	}
	l, ok := e.l.Eval(env)
	if !ok {
		return nil, false
	}
	r, ok := e.r.Eval(env)
	if !ok {
		return nil, false
	}
	out := new(big.Int)
	switch e.op {
	case '+':
		out.Add(l, r)
	case '-':
		if out.Sub(l, r).Sign() < 0 {
			return nil, false
		}
	case '*':
		out.Mul(l, r)
	case '/', '%':
		if r.Sign() == 0 {
			return nil, false
		}
		if e.op == '/' {
			out.Quo(l, r)
		} else {
			out.Rem(l, r)
		}
	}
	return out, true
}

// Idents lists the identifiers of e, in order of occurrence.
func (e *Operand) Idents() []string { return e.idents(nil) }

// Declared is what evaluating a site's declared operations found (EvalDeclared).
type Declared struct {
	// Fails: an operation raises (spec.Site.Eval).
	Fails bool
	// Fits is false when an operand is not a uint64 (a sum beyond 2**64 - 1, a negative
	// difference): an operation before it, an earlier step of the same quantity or another
	// site, already raised. Nothing after it is evaluated.
	Fits bool
	// Why describes the operation that raises, or the operand that does not fit.
	Why string
}

// declaredOps are the model's declared operations by site ID, in declaration order.
var declaredOps = sync.OnceValue(func() map[string][]*spec.Site {
	out := map[string][]*spec.Site{}
	for _, s := range spec.Sites() {
		out[s.ID] = append(out[s.ID], s)
	}
	return out
})

// parsedOperands caches the parsed operands of each declared operation.
var parsedOperands sync.Map // *spec.Site -> [2]*Operand

// Operands returns the parsed operands of a declared operation (nil: free, a quantity the
// site's model does not speak of).
func Operands(s *spec.Site) [2]*Operand {
	if v, ok := parsedOperands.Load(s); ok {
		return v.([2]*Operand)
	}
	ops := [2]*Operand{ParseOperand(s.Operands[0]), ParseOperand(s.Operands[1])}
	parsedOperands.Store(s, ops)
	return ops
}

// SiteConstants are the values on cfg of the config's constants the declared operands of
// the site id name.
func SiteConstants(cfg *spec.Config, id string) map[string]*big.Int {
	env := map[string]*big.Int{}
	for _, s := range declaredOps()[id] {
		for _, x := range Operands(s) {
			if x == nil {
				continue
			}
			for _, name := range x.Idents() {
				if v, ok := cfg.SiteConstant(name); ok {
					env[name] = new(big.Int).SetUint64(v)
				}
			}
		}
	}
	return env
}

// EvalDeclared evaluates the declared operations of the site id, in declaration order, on
// vars, values of the variables their operands name: each operand exactly from its
// expression (the config's constants filled in), then the operation by spec.Site.Eval. An
// operand naming a quantity vars does not give is free, and 0 (a dividend, which cannot
// make a division raise).
func EvalDeclared(cfg *spec.Config, id string, vars map[string]*big.Int) Declared {
	env := SiteConstants(cfg, id)
	for k, v := range vars {
		env[k] = v
	}
	for _, s := range declaredOps()[id] {
		var vals [2]uint64
		for i, x := range Operands(s) {
			if x == nil || !x.bound(env) {
				continue
			}
			v, ok := x.Eval(env)
			if !ok || !v.IsUint64() {
				return Declared{Why: fmt.Sprintf("operand %q of %s is %v, not a uint64", s.Operands[i], s.Op, v)}
			}
			vals[i] = v.Uint64()
		}
		if _, failed := s.Eval(vals[0], vals[1]); failed {
			return Declared{Fails: true, Fits: true, Why: fmt.Sprintf("%d %s %d raises", vals[0], s.Op, vals[1])}
		}
	}
	return Declared{Fits: true}
}

// bound reports whether every identifier of x has a value in env.
func (e *Operand) bound(env map[string]*big.Int) bool {
	for _, id := range e.Idents() {
		if _, ok := env[id]; !ok {
			return false
		}
	}
	return true
}

// declaredVariables are the identifiers the declared operands of the site id name that
// are not constants of the config, in order of first occurrence.
func declaredVariables(cfg *spec.Config, id string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range declaredOps()[id] {
		for _, x := range Operands(s) {
			if x == nil {
				continue
			}
			for _, name := range x.Idents() {
				if _, constant := cfg.SiteConstant(name); !constant && !seen[name] {
					seen[name] = true
					out = append(out, name)
				}
			}
		}
	}
	return out
}
