package properties

import (
	"fmt"
	"testing"
)

// The broken fix is caught, and by the margin it is broken by: the off-by-one cap lets
// exactly one validator more than the cap become active. The counterexample it fails on
// holds with the real fix, and fails on the spec as written.
func TestBrokenFixIsCaught(t *testing.T) {
	p, _ := Lookup("fix-cap-invariant-off-by-one")
	o := Run(p, Options{Runs: 100, Seed: 11})
	if !o.Failed {
		t.Fatalf("the off-by-one fix passed %d runs", o.Runs)
	}
	c := o.Counterexample[0].(ChainRecipe)
	cfg := c.State.Config.mustConfig()
	var slot, n, epoch, capped uint64
	if _, err := fmt.Sscanf(o.Reason, "at slot %d, %d validators are active at epoch %d, above the cap of %d", &slot, &n, &epoch, &capped); err != nil {
		t.Fatalf("reason %q: %v", o.Reason, err)
	}
	if capped != cfg.ActiveValidatorCap() || n != capped+1 {
		t.Errorf("%d active, cap %d: the off-by-one fix should overshoot by exactly one", n, capped)
	}
	env := &Env{}
	for _, tt := range []struct {
		v    Variant
		fail bool
	}{{WithFix, false}, {SpecAsWritten, true}, {OffByOne, true}} {
		msg, err := chainHolds(env, c, tt.v, withinCap)
		if err != nil {
			t.Fatal(err)
		}
		if (msg != "") != tt.fail {
			t.Errorf("%s on %v: %q", tt.v, c, msg)
		}
	}
	t.Log(o.Report())
}

// A state exactly at the cap with a queue: the fix activates nobody more, the spec as
// written activates the churn limit's worth at the next epoch end.
func TestCapStopsActivations(t *testing.T) {
	cfg := SmallCap.mustConfig()
	c := ChainRecipe{
		State: StateRecipe{Config: SmallCap, Validators: cfg.ActiveValidatorCap(), Queue: 10},
		Steps: make([]Step, cfg.SlotsPerEpoch),
	}
	for i := range c.Steps {
		c.Steps[i] = Step{Participation: 100}
	}
	env := &Env{Checked: true}
	for _, v := range []Variant{WithFix, SpecAsWritten} {
		tr, _ := env.transitionOf(cfg, v, false)
		b, err := c.build(env, tr, nil)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		_, to := lookahead(cfg, b.state)
		got, want := uint64(activeAt(b.state, to)), cfg.ActiveValidatorCap()
		if v == SpecAsWritten {
			want += cfg.MinPerEpochChurnLimit
		}
		if got != want {
			t.Errorf("%s: %d validators active at epoch %d, want %d", v, got, to, want)
		}
	}
}
