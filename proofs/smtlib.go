package proofs

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// This file reads and evaluates the subset of SMT-LIB 2 that the lemmas emit, so the tests
// can evaluate a model of a spec expression on thousands of concrete inputs without z3 and
// compare it with the Go function it models (faithful_test.go). The subset: integer numerals,
// true and false, symbols, and the applications
//
//	+ - * div mod abs   (SMT-LIB's Ints theory: div and mod are Euclidean, as big.Int's)
//	< <= > >= = distinct and or not => ite let
//
// plus calls of functions defined with define-fun. It also reads z3's answers (get-value).

// sexpr is an S-expression: an atom or a list.
type sexpr struct {
	atom   string
	list   []*sexpr
	isList bool
	num    *big.Int // the value of a numeral atom, parsed once
}

func (e *sexpr) String() string {
	if !e.isList {
		return e.atom
	}
	parts := make([]string, len(e.list))
	for i, x := range e.list {
		parts[i] = x.String()
	}
	return "(" + strings.Join(parts, " ") + ")"
}

// parseSexprs reads every S-expression of text. Comments (; to end of line) are skipped.
func parseSexprs(text string) ([]*sexpr, error) {
	p := &sexprParser{s: text}
	var out []*sexpr
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			return out, nil
		}
		e, err := p.parse()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
}

// parseSexpr reads exactly one S-expression.
func parseSexpr(text string) (*sexpr, error) {
	es, err := parseSexprs(text)
	if err != nil {
		return nil, err
	}
	if len(es) != 1 {
		return nil, fmt.Errorf("smtlib: want one expression, got %d in %q", len(es), text)
	}
	return es[0], nil
}

type sexprParser struct {
	s string
	i int
}

func (p *sexprParser) skipSpace() {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == ';':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *sexprParser) parse() (*sexpr, error) {
	p.skipSpace()
	if p.i >= len(p.s) {
		return nil, errors.New("smtlib: unexpected end of input")
	}
	switch p.s[p.i] {
	case ')':
		return nil, fmt.Errorf("smtlib: unexpected ) at offset %d", p.i)
	case '(':
		p.i++
		e := &sexpr{isList: true}
		for {
			p.skipSpace()
			if p.i >= len(p.s) {
				return nil, errors.New("smtlib: unclosed (")
			}
			if p.s[p.i] == ')' {
				p.i++
				return e, nil
			}
			x, err := p.parse()
			if err != nil {
				return nil, err
			}
			e.list = append(e.list, x)
		}
	case '"': // string literal; "" is an escaped quote
		start := p.i
		p.i++
		for {
			if p.i >= len(p.s) {
				return nil, errors.New("smtlib: unclosed string")
			}
			if p.s[p.i] == '"' {
				if p.i+1 < len(p.s) && p.s[p.i+1] == '"' {
					p.i += 2
					continue
				}
				p.i++
				return &sexpr{atom: p.s[start:p.i]}, nil
			}
			p.i++
		}
	case '|':
		end := strings.IndexByte(p.s[p.i+1:], '|')
		if end < 0 {
			return nil, errors.New("smtlib: unclosed |symbol|")
		}
		a := p.s[p.i : p.i+end+2]
		p.i += end + 2
		return &sexpr{atom: a}, nil
	}
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(" \t\r\n();\"|", rune(p.s[p.i])) {
		p.i++
	}
	e := &sexpr{atom: p.s[start:p.i]}
	if isNumeral(e.atom) {
		e.num, _ = new(big.Int).SetString(e.atom, 10)
	}
	return e, nil
}

func isNumeral(s string) bool {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// value is an evaluated term: an integer or a Boolean.
type value struct {
	n      *big.Int
	b      bool
	isBool bool
}

func intValue(n *big.Int) value { return value{n: n} }
func boolValue(b bool) value    { return value{b: b, isBool: true} }

func (v value) String() string {
	if v.isBool {
		return fmt.Sprint(v.b)
	}
	return v.n.String()
}

// fun is a function defined with define-fun.
type fun struct {
	name   string
	params []string
	sort   string // "Int" or "Bool"
	body   *sexpr
}

// program is a set of define-fun definitions, against which terms are evaluated.
type program struct {
	funs map[string]*fun
	// called, if set, records the functions call was asked to evaluate (the tests use it
	// to see that every model is compared with the Go code).
	called map[string]bool
}

// newProgram reads define-fun commands (and ignores nothing else: any other command is an
// error, so a definition cannot hide among assertions).
func newProgram(defs ...string) (*program, error) {
	p := &program{funs: map[string]*fun{}}
	for _, d := range defs {
		es, err := parseSexprs(d)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if err := p.define(e); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

func (p *program) define(e *sexpr) error {
	if !e.isList || len(e.list) != 5 || e.list[0].atom != "define-fun" {
		return fmt.Errorf("smtlib: not a define-fun: %s", e)
	}
	f := &fun{name: e.list[1].atom, sort: e.list[3].atom, body: e.list[4]}
	if f.sort != "Int" && f.sort != "Bool" {
		return fmt.Errorf("smtlib: %s: unsupported sort %s", f.name, e.list[3])
	}
	for _, prm := range e.list[2].list {
		if !prm.isList || len(prm.list) != 2 || prm.list[1].atom != "Int" {
			return fmt.Errorf("smtlib: %s: parameters must be (name Int), got %s", f.name, prm)
		}
		f.params = append(f.params, prm.list[0].atom)
	}
	if _, dup := p.funs[f.name]; dup {
		return fmt.Errorf("smtlib: %s defined twice", f.name)
	}
	p.funs[f.name] = f
	return nil
}

// call evaluates the defined function name on integer arguments.
func (p *program) call(name string, args ...*big.Int) (value, error) {
	f, ok := p.funs[name]
	if !ok {
		return value{}, fmt.Errorf("smtlib: undefined function %s", name)
	}
	if p.called != nil {
		p.called[name] = true
	}
	if len(args) != len(f.params) {
		return value{}, fmt.Errorf("smtlib: %s takes %d arguments, got %d", name, len(f.params), len(args))
	}
	env := make(map[string]value, len(args))
	for i, a := range args {
		env[f.params[i]] = intValue(a)
	}
	return p.eval(f.body, env)
}

// callInt and callBool are call for a known result sort.
func (p *program) callInt(name string, args ...*big.Int) (*big.Int, error) {
	v, err := p.call(name, args...)
	if err != nil {
		return nil, err
	}
	if v.isBool {
		return nil, fmt.Errorf("smtlib: %s is Bool, not Int", name)
	}
	return v.n, nil
}

func (p *program) callBool(name string, args ...*big.Int) (bool, error) {
	v, err := p.call(name, args...)
	if err != nil {
		return false, err
	}
	if !v.isBool {
		return false, fmt.Errorf("smtlib: %s is Int, not Bool", name)
	}
	return v.b, nil
}

// evalTerm evaluates a term given as text under env.
func (p *program) evalTerm(term string, env map[string]value) (value, error) {
	e, err := parseSexpr(term)
	if err != nil {
		return value{}, err
	}
	return p.eval(e, env)
}

// eval evaluates e under env (the variables in scope).
func (p *program) eval(e *sexpr, env map[string]value) (value, error) {
	if !e.isList {
		switch {
		case e.num != nil:
			return intValue(e.num), nil
		case e.atom == "true":
			return boolValue(true), nil
		case e.atom == "false":
			return boolValue(false), nil
		}
		if v, ok := env[e.atom]; ok {
			return v, nil
		}
		if f, ok := p.funs[e.atom]; ok && len(f.params) == 0 {
			return p.eval(f.body, nil)
		}
		return value{}, fmt.Errorf("smtlib: unbound symbol %s", e.atom)
	}
	if len(e.list) == 0 {
		return value{}, errors.New("smtlib: empty application ()")
	}
	head := e.list[0].atom
	args := e.list[1:]
	switch head {
	case "let":
		if len(args) != 2 || !args[0].isList {
			return value{}, fmt.Errorf("smtlib: malformed let: %s", e)
		}
		inner := make(map[string]value, len(env)+len(args[0].list))
		for k, v := range env {
			inner[k] = v
		}
		for _, b := range args[0].list { // parallel let: bindings see the outer scope
			if !b.isList || len(b.list) != 2 {
				return value{}, fmt.Errorf("smtlib: malformed let binding: %s", b)
			}
			v, err := p.eval(b.list[1], env)
			if err != nil {
				return value{}, err
			}
			inner[b.list[0].atom] = v
		}
		return p.eval(args[1], inner)
	case "ite":
		if len(args) != 3 {
			return value{}, fmt.Errorf("smtlib: ite takes 3 arguments: %s", e)
		}
		c, err := p.evalBool(args[0], env)
		if err != nil {
			return value{}, err
		}
		if c {
			return p.eval(args[1], env)
		}
		return p.eval(args[2], env)
	case "and", "or":
		// Evaluated left to right with short-circuit, so a guard can protect a division.
		for _, a := range args {
			b, err := p.evalBool(a, env)
			if err != nil {
				return value{}, err
			}
			if head == "and" && !b {
				return boolValue(false), nil
			}
			if head == "or" && b {
				return boolValue(true), nil
			}
		}
		return boolValue(head == "and"), nil
	case "=>":
		if len(args) != 2 {
			return value{}, fmt.Errorf("smtlib: => takes 2 arguments: %s", e)
		}
		a, err := p.evalBool(args[0], env)
		if err != nil || !a {
			return boolValue(true), err
		}
		b, err := p.evalBool(args[1], env)
		return boolValue(b), err
	case "not":
		if len(args) != 1 {
			return value{}, fmt.Errorf("smtlib: not takes 1 argument: %s", e)
		}
		b, err := p.evalBool(args[0], env)
		return boolValue(!b), err
	}
	vals := make([]value, len(args))
	for i, a := range args {
		v, err := p.eval(a, env)
		if err != nil {
			return value{}, err
		}
		vals[i] = v
	}
	if f, ok := p.funs[head]; ok {
		if len(vals) != len(f.params) {
			return value{}, fmt.Errorf("smtlib: %s takes %d arguments, got %d", head, len(f.params), len(vals))
		}
		inner := make(map[string]value, len(vals))
		for i, v := range vals {
			if v.isBool {
				return value{}, fmt.Errorf("smtlib: %s: argument %d is Bool", head, i+1)
			}
			inner[f.params[i]] = v
		}
		return p.eval(f.body, inner)
	}
	switch head {
	case "=", "distinct":
		if len(vals) < 2 {
			return value{}, fmt.Errorf("smtlib: %s takes at least 2 arguments: %s", head, e)
		}
		eq := func(a, b value) bool {
			if a.isBool || b.isBool {
				return a.isBool == b.isBool && a.b == b.b
			}
			return a.n.Cmp(b.n) == 0
		}
		if head == "=" {
			for i := 1; i < len(vals); i++ {
				if !eq(vals[0], vals[i]) {
					return boolValue(false), nil
				}
			}
			return boolValue(true), nil
		}
		for i := range vals {
			for j := i + 1; j < len(vals); j++ {
				if eq(vals[i], vals[j]) {
					return boolValue(false), nil
				}
			}
		}
		return boolValue(true), nil
	}
	ns := make([]*big.Int, len(vals))
	for i, v := range vals {
		if v.isBool {
			return value{}, fmt.Errorf("smtlib: %s: argument %d is Bool in %s", head, i+1, e)
		}
		ns[i] = v.n
	}
	switch head {
	case "<", "<=", ">", ">=":
		if len(ns) < 2 {
			return value{}, fmt.Errorf("smtlib: %s takes at least 2 arguments: %s", head, e)
		}
		for i := 1; i < len(ns); i++ {
			c := ns[i-1].Cmp(ns[i])
			var ok bool
			switch head {
			case "<":
				ok = c < 0
			case "<=":
				ok = c <= 0
			case ">":
				ok = c > 0
			default:
				ok = c >= 0
			}
			if !ok {
				return boolValue(false), nil
			}
		}
		return boolValue(true), nil
	case "+":
		s := new(big.Int)
		for _, n := range ns {
			s.Add(s, n)
		}
		return intValue(s), nil
	case "*":
		s := big.NewInt(1)
		for _, n := range ns {
			s.Mul(s, n)
		}
		return intValue(s), nil
	case "-":
		if len(ns) == 0 {
			return value{}, errors.New("smtlib: - takes at least 1 argument")
		}
		if len(ns) == 1 {
			return intValue(new(big.Int).Neg(ns[0])), nil
		}
		s := new(big.Int).Set(ns[0])
		for _, n := range ns[1:] {
			s.Sub(s, n)
		}
		return intValue(s), nil
	case "div", "mod":
		if len(ns) != 2 {
			return value{}, fmt.Errorf("smtlib: %s takes 2 arguments: %s", head, e)
		}
		if ns[1].Sign() == 0 {
			return value{}, fmt.Errorf("smtlib: %s by zero in %s (the SMT-LIB value is unspecified; a model must guard it)", head, e)
		}
		// big.Int's Div and Mod are Euclidean, as SMT-LIB's div and mod.
		if head == "div" {
			return intValue(new(big.Int).Div(ns[0], ns[1])), nil
		}
		return intValue(new(big.Int).Mod(ns[0], ns[1])), nil
	case "abs":
		if len(ns) != 1 {
			return value{}, fmt.Errorf("smtlib: abs takes 1 argument: %s", e)
		}
		return intValue(new(big.Int).Abs(ns[0])), nil
	}
	return value{}, fmt.Errorf("smtlib: unsupported function %s", head)
}

func (p *program) evalBool(e *sexpr, env map[string]value) (bool, error) {
	v, err := p.eval(e, env)
	if err != nil {
		return false, err
	}
	if !v.isBool {
		return false, fmt.Errorf("smtlib: %s is Int where Bool is needed", e)
	}
	return v.b, nil
}
