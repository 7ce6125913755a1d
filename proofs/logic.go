package proofs

import "fmt"

// logic says which SMT-LIB logic a query lies in: QF_LIA when every multiplication has at
// most one factor that depends on a declared constant and every div and mod is by a term
// that does not (after the defined functions are unfolded with their arguments), QF_NIA
// otherwise. The solver is sent non-linear queries from a fresh state (see z3.go).
func (q *query) logic() (string, error) {
	es, err := parseSexprs(q.script())
	if err != nil {
		return "", err
	}
	vars := map[string]bool{}
	funs := map[string]*fun{}
	var terms []*sexpr
	for _, e := range es {
		if !e.isList || len(e.list) == 0 {
			continue
		}
		switch e.list[0].atom {
		case "declare-const":
			vars[e.list[1].atom] = true
		case "define-fun":
			p := &program{funs: funs}
			if err := p.define(e); err != nil {
				return "", err
			}
		case "assert", "minimize":
			terms = append(terms, e.list[1])
		}
	}
	nl := false
	for _, t := range terms {
		if _, err := nonlinear(t, funs, vars, map[string]bool{}, &nl); err != nil {
			return "", err
		}
	}
	if nl {
		return "QF_NIA", nil
	}
	return "QF_LIA", nil
}

// nonlinear walks e, with local names bound to whether they depend on a variable, and
// sets *nl on a non-linear operation. It returns whether e depends on a variable.
func nonlinear(e *sexpr, funs map[string]*fun, vars, local map[string]bool, nl *bool) (bool, error) {
	if !e.isList {
		if dep, ok := local[e.atom]; ok {
			return dep, nil
		}
		if f, ok := funs[e.atom]; ok && len(f.params) == 0 {
			return nonlinear(f.body, funs, vars, map[string]bool{}, nl)
		}
		return vars[e.atom], nil
	}
	if len(e.list) == 0 {
		return false, fmt.Errorf("smtlib: empty application")
	}
	head, args := e.list[0].atom, e.list[1:]
	if head == "let" {
		inner := make(map[string]bool, len(local))
		for k, v := range local {
			inner[k] = v
		}
		for _, b := range args[0].list {
			dep, err := nonlinear(b.list[1], funs, vars, local, nl)
			if err != nil {
				return false, err
			}
			inner[b.list[0].atom] = dep
		}
		return nonlinear(args[1], funs, vars, inner, nl)
	}
	deps := make([]bool, len(args))
	any := false
	for i, a := range args {
		d, err := nonlinear(a, funs, vars, local, nl)
		if err != nil {
			return false, err
		}
		deps[i] = d
		any = any || d
	}
	if f, ok := funs[head]; ok {
		inner := make(map[string]bool, len(f.params))
		for i, p := range f.params {
			inner[p] = deps[i]
		}
		return nonlinear(f.body, funs, vars, inner, nl)
	}
	switch head {
	case "*":
		n := 0
		for _, d := range deps {
			if d {
				n++
			}
		}
		if n > 1 {
			*nl = true
		}
	case "div", "mod":
		if len(deps) == 2 && deps[1] {
			*nl = true
		}
	}
	return any, nil
}
