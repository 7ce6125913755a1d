package spec

import (
	"fmt"
	"math/bits"
)

// ArithmeticError is a uint64 overflow, underflow or division by zero. The spec treats each
// of these as an invalid transition (its uint64 type raises); Go would wrap silently, so
// every such site in the model goes through the checked operations below.
type ArithmeticError struct {
	Op   string // "+", "-", "*", "/" or "%"
	A, B uint64
	Site string // the spec expression, e.g. "compute_committee: len(indices) * index"
}

func (e *ArithmeticError) Error() string {
	what := "overflow"
	switch e.Op {
	case "-":
		what = "underflow"
	case "/", "%":
		what = "division by zero"
	}
	if e.Site != "" {
		return fmt.Sprintf("uint64 %s in %s (%d %s %d)", what, e.Site, e.A, e.Op, e.B)
	}
	return fmt.Sprintf("uint64 %s (%d %s %d)", what, e.A, e.Op, e.B)
}

// Calc evaluates a uint64 expression the way the spec's uint64 does: the first overflow,
// underflow or division by zero is recorded and every later step is skipped, so a formula
// reads like the spec's and is checked once at the end with Err.
//
//	var c spec.Calc
//	end := c.Div(c.Mul(n, c.Add(index, 1)), count)
//	if err := c.Err("compute_committee: end"); err != nil { ... }
type Calc struct {
	failed *ArithmeticError
}

// Add returns a + b.
func (c *Calc) Add(a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		c.fail("+", a, b)
		return 0
	}
	return s
}

// Sub returns a - b.
func (c *Calc) Sub(a, b uint64) uint64 {
	s, borrow := bits.Sub64(a, b, 0)
	if borrow != 0 {
		c.fail("-", a, b)
		return 0
	}
	return s
}

// Mul returns a * b.
func (c *Calc) Mul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		c.fail("*", a, b)
		return 0
	}
	return lo
}

// Div returns a // b.
func (c *Calc) Div(a, b uint64) uint64 {
	if b == 0 {
		c.fail("/", a, b)
		return 0
	}
	return a / b
}

// Mod returns a % b.
func (c *Calc) Mod(a, b uint64) uint64 {
	if b == 0 {
		c.fail("%", a, b)
		return 0
	}
	return a % b
}

func (c *Calc) fail(op string, a, b uint64) {
	if c.failed == nil {
		c.failed = &ArithmeticError{Op: op, A: a, B: b}
	}
}

// Err returns the first failure, labelled with the spec expression site, or nil.
func (c *Calc) Err(site string) error {
	if c.failed == nil {
		return nil
	}
	e := *c.failed
	e.Site = site
	return &e
}
