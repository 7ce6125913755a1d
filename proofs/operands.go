package proofs

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"unicode"

	"github.com/beaconcheck/beaconcheck/bounds"
	"github.com/beaconcheck/beaconcheck/spec"
)

// This file ties a site's SMT model to the model's code through the site's declaration in
// spec (spec.Site): each operation of the site names its two operands as expressions over
// the model's variables and the config's constants. Two directions use them:
//
//   - forward (goVerdict): from values of the model's variables, the operands of each
//     operation, evaluated by spec.Site.Eval, the site's only arithmetic. This is the Go
//     side of the faithfulness tests and of the replay of a lemma's counterexample.
//   - backward (bindEvals): from the operands an evaluation of the site really met (a
//     spec.SiteRecorder), values of the model's variables that give those operands. The
//     recording test (record_test.go) evaluates the model and the hypotheses there and
//     compares with what the Go code did.

// opExpr is a parsed operand expression.
type opExpr struct {
	op   byte // 0: a leaf; '+', '-', '*', '/', '%'
	name string
	num  *big.Int
	l, r *opExpr
}

// parseOperand parses an operand name: + - * // % over identifiers and decimal literals,
// with parentheses. It returns nil for a name that is not such an expression (a free
// operand).
func parseOperand(s string) *opExpr {
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

func (p *operandParser) expr() *opExpr {
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
		l = &opExpr{op: op, l: l, r: r}
	}
	return nil
}

func (p *operandParser) term() *opExpr {
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
		l = &opExpr{op: op, l: l, r: r}
	}
	return nil
}

func (p *operandParser) factor() *opExpr {
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
		return &opExpr{num: new(big.Int).SetUint64(n)}
	}
	return &opExpr{name: tok}
}

// idents lists the identifiers of e, in order of occurrence.
func (e *opExpr) idents(out []string) []string {
	switch {
	case e.op != 0:
		return e.r.idents(e.l.idents(out))
	case e.name != "":
		return append(out, e.name)
	}
	return out
}

// eval evaluates e exactly (Python's non-negative integers); false for a name without a
// value, a negative difference or a division by zero.
func (e *opExpr) eval(env map[string]*big.Int) (*big.Int, bool) {
	if e.op == 0 {
		if e.num != nil {
			return e.num, true
		}
		v, ok := env[e.name]
		return v, ok
	}
	l, ok := e.l.eval(env)
	if !ok {
		return nil, false
	}
	r, ok := e.r.eval(env)
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

// declOp is one declared operation of a site, its operands parsed (nil: free).
type declOp struct {
	site     *spec.Site
	operands [2]*opExpr
}

// declaredOps are the operations the model declares for the site id, in declaration order
// (none for a site the model does not evaluate through spec.Calc).
func declaredOps(id string) []declOp {
	var out []declOp
	for _, u := range bounds.SiteUses(id) {
		out = append(out, declOp{site: u.Site, operands: [2]*opExpr{parseOperand(u.Site.Operands[0]), parseOperand(u.Site.Operands[1])}})
	}
	return out
}

// constants are the values on cfg of the constants the operands name.
func constants(cfg *spec.Config, ops []declOp) map[string]*big.Int {
	env := map[string]*big.Int{}
	for _, o := range ops {
		for _, x := range o.operands {
			if x == nil {
				continue
			}
			for _, id := range x.idents(nil) {
				if v, ok := cfg.SiteConstant(id); ok {
					env[id] = new(big.Int).SetUint64(v)
				}
			}
		}
	}
	return env
}

// goVerdict evaluates the site's declared operations on values of the model's variables,
// in declaration order, and reports whether one raises (spec.Site.Eval) and a description
// of the first that does. An operand that is not a uint64 (a sum beyond 2**64 - 1, a
// negative difference) means that an operation before it, of another site, raised: fits
// is false then, and the site does not fail. An operand naming a quantity the model does
// not speak of is free, and 0: it is a dividend, which cannot make a division raise (the
// recording test holds free operands to that).
func (e *siteEnc) goVerdict(args []*big.Int) (fails bool, why string, fits bool) {
	env := constants(e.cfg, e.ops)
	for i, v := range e.vars {
		env[v] = args[i]
	}
	for _, o := range e.ops {
		var vals [2]uint64
		for i, x := range o.operands {
			if x == nil || !x.bound(env) {
				continue
			}
			v, ok := x.eval(env)
			if !ok || !v.IsUint64() {
				return false, fmt.Sprintf("operand %q of %s is %v, not a uint64", o.site.Operands[i], o.site.Op, v), false
			}
			vals[i] = v.Uint64()
		}
		if _, failed := o.site.Eval(vals[0], vals[1]); failed {
			return true, fmt.Sprintf("%d %s %d raises", vals[0], o.site.Op, vals[1]), true
		}
	}
	return false, "", true
}

// bound reports whether every identifier of x has a value in env.
func (x *opExpr) bound(env map[string]*big.Int) bool {
	for _, id := range x.idents(nil) {
		if _, ok := env[id]; !ok {
			return false
		}
	}
	return true
}

// bindEvals finds values of the model's variables under which the declared operands are
// the operands one evaluation of the site met. An operand that is a function of variables
// already bound (or of constants only) must equal the recorded value; one with unbound
// variables binds the first of them (the others set to 1 first) by a search, its
// expressions being non-decreasing in each variable. A variable still unbound is 0 when an
// operation failed before reaching it, or when the code evaluated fewer of the site's
// operations than it declares (the term it skipped is 0). An error is a disagreement: the code evaluated
// something other than what the declaration says.
func (e *siteEnc) bindEvals(evals []spec.SiteEval) ([]*big.Int, error) {
	env := constants(e.cfg, e.ops)
	isVar := map[string]bool{}
	for _, v := range e.vars {
		isVar[v] = true
	}
	failed := false
	for _, ev := range evals {
		failed = failed || ev.Failed
		for i, name := range ev.Site.Operands {
			x := parseOperand(name)
			if x == nil {
				continue
			}
			rec := [2]uint64{ev.A, ev.B}[i]
			var unbound []string
			free := false
			for _, id := range x.idents(nil) {
				if _, ok := env[id]; ok {
					continue
				}
				if !isVar[id] {
					free = true // a quantity the model does not speak of
					break
				}
				unbound = append(unbound, id)
			}
			if free {
				continue
			}
			if len(unbound) > 0 {
				for _, id := range unbound[1:] {
					env[id] = big.NewInt(1)
				}
				v, ok := solve(x, env, unbound[0], new(big.Int).SetUint64(rec))
				if !ok {
					return nil, fmt.Errorf("no %s gives operand %q = %d", unbound[0], name, rec)
				}
				env[unbound[0]] = v
				continue
			}
			want, ok := x.eval(env)
			if !ok || want.Cmp(new(big.Int).SetUint64(rec)) != 0 {
				return nil, fmt.Errorf("operand %q of %s is %d, the declaration gives %v", name, ev.Site.Op, rec, want)
			}
		}
	}
	// The evaluation stopped early: an operation failed, or the code skipped the ID's later
	// operations (get_inactivity_penalty_deltas adds no leak penalty for a target attester).
	short := failed || len(evals) < len(e.ops)
	out := make([]*big.Int, len(e.vars))
	for i, v := range e.vars {
		switch x, ok := env[v]; {
		case ok:
			out[i] = x
		case short:
			out[i] = new(big.Int)
		default:
			return nil, fmt.Errorf("no operand binds %s", v)
		}
	}
	return out, nil
}

// solve finds the least v with x(v) >= want, x non-decreasing in v over [0, 2**128), and
// returns it if x(v) = want.
func solve(x *opExpr, env map[string]*big.Int, name string, want *big.Int) (*big.Int, bool) {
	at := func(v *big.Int) (*big.Int, bool) {
		env[name] = v
		defer delete(env, name)
		return x.eval(env)
	}
	lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), 128)
	for lo.Cmp(hi) < 0 {
		mid := new(big.Int).Rsh(new(big.Int).Add(lo, hi), 1)
		if got, ok := at(mid); ok && got.Cmp(want) >= 0 {
			hi = mid
		} else {
			lo = mid.Add(mid, big.NewInt(1))
		}
	}
	got, ok := at(lo)
	return lo, ok && got.Cmp(want) == 0
}

func b64(v uint64) *big.Int { return new(big.Int).SetUint64(v) }

func bigs(args ...uint64) []*big.Int {
	out := make([]*big.Int, len(args))
	for i, a := range args {
		out[i] = b64(a)
	}
	return out
}
