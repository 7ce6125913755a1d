package proofs

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/beaconcheck/beaconcheck/spec"
)

// TestHypothesesSatisfiable is the vacuity check of the lemmas whose queries are fixed
// (the invariant lemmas, the composition and induction steps, the supply-bound lemmas):
// each query's last assertion is the negated conclusion, and without it the hypotheses
// must be satisfiable, or the lemma would be proved by contradictory hypotheses.
func TestHypothesesSatisfiable(t *testing.T) {
	path := needZ3(t)
	s := newSolver(path, 2, time.Minute)
	defer s.close()
	for _, name := range spec.PresetNames() {
		n := 0
		for _, l := range Lemmas(spec.MustPreset(name)) {
			if l.Expect != Holds || l.Skip != "" {
				continue
			}
			for _, q := range l.queries {
				hyps := *q
				hyps.asserts = slices.Clone(q.asserts[:len(q.asserts)-1])
				hyps.minimize = ""
				a, err := s.check(context.Background(), &hyps)
				if err != nil {
					t.Fatalf("%s: %s: %v", name, l.Name, err)
				}
				if a.status != "sat" {
					t.Errorf("%s: %s: its hypotheses alone are %s: the lemma is vacuous", name, l.Name, a.status)
				}
				n++
			}
		}
		if n < 80 {
			t.Errorf("%s: only %d queries checked for vacuity", name, n)
		}
		t.Logf("%s: %d queries: hypotheses satisfiable", name, n)
	}
}
