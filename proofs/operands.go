package proofs

import (
	"fmt"
	"math/big"

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

// declOp is one declared operation of a site, its operands parsed (nil: free).
type declOp struct {
	site     *spec.Site
	operands [2]*bounds.Operand
}

// declaredOps are the operations the model declares for the site id, in declaration order
// (none for an ID the model does not declare: no site of the catalogue).
func declaredOps(id string) []declOp {
	var out []declOp
	for _, u := range bounds.SiteUses(id) {
		out = append(out, declOp{site: u.Site, operands: bounds.Operands(u.Site)})
	}
	return out
}

// goVerdict evaluates the site's declared operations on values of the model's variables
// (bounds.EvalDeclared: in declaration order, by spec.Site.Eval, the same evaluation the
// catalogue's thresholds make) and reports whether one raises and a description of the
// first that does. An operand that is not a uint64 (a sum beyond 2**64 - 1, a negative
// difference) means that an operation before it, of another site, raised: fits is false
// then, and the site does not fail. An operand naming a quantity the model does not speak
// of is free, and 0: it is a dividend, which cannot make a division raise (the recording
// test holds free operands to that).
func (e *siteEnc) goVerdict(args []*big.Int) (fails bool, why string, fits bool) {
	vars := make(map[string]*big.Int, len(e.vars))
	for i, v := range e.vars {
		vars[v] = args[i]
	}
	d := bounds.EvalDeclared(e.cfg, e.id, vars)
	return d.Fails, d.Why, d.Fits
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
	env := bounds.SiteConstants(e.cfg, e.id)
	isVar := map[string]bool{}
	for _, v := range e.vars {
		isVar[v] = true
	}
	failed := false
	for _, ev := range evals {
		failed = failed || ev.Failed
		for i, name := range ev.Site.Operands {
			x := bounds.ParseOperand(name)
			if x == nil {
				continue
			}
			rec := [2]uint64{ev.A, ev.B}[i]
			var unbound []string
			free := false
			for _, id := range x.Idents() {
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
			want, ok := x.Eval(env)
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
func solve(x *bounds.Operand, env map[string]*big.Int, name string, want *big.Int) (*big.Int, bool) {
	at := func(v *big.Int) (*big.Int, bool) {
		env[name] = v
		defer delete(env, name)
		return x.Eval(env)
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
