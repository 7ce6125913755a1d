package spec

import (
	"fmt"
)

// ArithmeticError is a uint64 overflow, underflow or division by zero. The spec treats each
// of these as an invalid transition (its uint64 type raises); Go would wrap silently, so
// every such site in the model goes through the checked operations below.
type ArithmeticError struct {
	Op   string // "+", "-", "*", "/", "%" or "convert" (a conversion to a narrower uint, OpConvert)
	A, B uint64
	Site string // the ID of the Site that raised, e.g. "compute_committee_start_end"; "" for none
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
		return fmt.Sprintf("uint64 %s at site %s (%d %s %d)", what, e.Site, e.A, e.Op, e.B)
	}
	return fmt.Sprintf("uint64 %s (%d %s %d)", what, e.A, e.Op, e.B)
}

// Calc evaluates a uint64 expression the way the spec's uint64 does: the first overflow,
// underflow or division by zero is recorded and every later step is skipped, so a formula
// reads like the spec's and is checked once at the end with Err. Each operation names its
// Site (sites.go); the error reports the site that raised.
//
//	var c spec.Calc
//	end := c.Div(siteDiv, c.Mul(siteEnd, n, c.Add(siteNext, index, 1)), count)
//	if err := c.Err(); err != nil { ... }
//
// A nil Site is an operation that is not a site of the transition (a bound computed from
// the config).
type Calc struct {
	failed *ArithmeticError
	rec    *calcRecord // while a SiteRecorder is set
}

// The five operations keep the common case short: the arithmetic (Site.Eval's, inlined) and
// one test of "no failure now, none before, no SiteRecorder"; the rest goes to slow, out
// of line. The site is a pointer to its package-level declaration, so passing it costs
// nothing.

// Add returns a + b.
func (c *Calc) Add(s *Site, a, b uint64) uint64 {
	r, bad := add64(a, b)
	if bad || c.failed != nil || siteRecorder.Load() != nil {
		return c.slow(s, OpAdd, a, b, r, bad)
	}
	return r
}

// Sub returns a - b.
func (c *Calc) Sub(s *Site, a, b uint64) uint64 {
	r, bad := sub64(a, b)
	if bad || c.failed != nil || siteRecorder.Load() != nil {
		return c.slow(s, OpSub, a, b, r, bad)
	}
	return r
}

// Mul returns a * b.
func (c *Calc) Mul(s *Site, a, b uint64) uint64 {
	r, bad := mul64(a, b)
	if bad || c.failed != nil || siteRecorder.Load() != nil {
		return c.slow(s, OpMul, a, b, r, bad)
	}
	return r
}

// Div returns a // b.
func (c *Calc) Div(s *Site, a, b uint64) uint64 {
	r, bad := div64(a, b)
	if bad || c.failed != nil || siteRecorder.Load() != nil {
		return c.slow(s, OpDiv, a, b, r, bad)
	}
	return r
}

// Mod returns a % b.
func (c *Calc) Mod(s *Site, a, b uint64) uint64 {
	r, bad := mod64(a, b)
	if bad || c.failed != nil || siteRecorder.Load() != nil {
		return c.slow(s, OpMod, a, b, r, bad)
	}
	return r
}

// slow is an operation off the fast path: after an earlier failure it is skipped (zero,
// not recorded); otherwise it is passed to the SiteRecorder if one is set, and a failure
// is recorded with the site's ID.
//
//go:noinline
func (c *Calc) slow(s *Site, op Op, a, b, r uint64, bad bool) uint64 {
	if c.failed != nil {
		return 0
	}
	if siteRecorder.Load() != nil {
		c.record(s, a, b, r, bad)
	}
	if bad {
		c.failed = &ArithmeticError{Op: string(op), A: a, B: b}
		if s != nil {
			c.failed.Site = s.ID
		}
		return 0
	}
	return r
}

// Err returns the first failure, naming its site, or nil.
func (c *Calc) Err() error {
	if c.rec != nil {
		c.flush()
	}
	if c.failed == nil {
		return nil
	}
	return c.failed
}
