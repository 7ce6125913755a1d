package proofs

import (
	"context"
	"slices"
	"strings"
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

// tautologyLabels are the labels of the tautology check's own queries, which are not the
// lemma's.
var tautologyLabels = []string{"hypothesis implies the conclusion", "the conclusion implies the hypothesis", "the hypothesis restricts the operands"}

// TestProvedLemmasNotVacuous is the vacuity check of every proved lemma: each query it sent
// ends with the negated conclusion (or the failure of the site), and its hypotheses alone,
// without it, must be satisfiable. Queries shared by several lemmas (the reward facts) are
// checked once. A query z3 cannot decide within vacuityTimeout is listed, not failed: no
// solver answer says its hypotheses are contradictory.
func TestProvedLemmasNotVacuous(t *testing.T) {
	path := needZ3(t)
	s := newSolver(path, 2, vacuityTimeout)
	defer s.close()
	for _, name := range spec.PresetNames() {
		lemmas, sat := 0, 0
		seen := map[string]bool{}
		var undecided []string
		for _, r := range checkPreset(t, name) {
			if r.Status != Proved || len(r.queries) == 0 {
				continue
			}
			lemmas++
			for _, q := range r.queries {
				if slices.Contains(tautologyLabels, q.label) {
					continue
				}
				hyps := *q
				hyps.asserts = slices.Clone(q.asserts[:len(q.asserts)-1])
				hyps.minimize = ""
				text := hyps.Text()
				if seen[text] {
					continue
				}
				seen[text] = true
				a, err := s.check(context.Background(), &hyps)
				switch {
				case err != nil && strings.Contains(err.Error(), "timeout"):
					undecided = append(undecided, r.Lemma.Name+" ("+q.label+")")
				case err != nil:
					t.Fatalf("%s: %s: %v", name, r.Lemma.Name, err)
				case a.status != "sat":
					t.Errorf("%s: %s (%s): its hypotheses alone are %s", name, r.Lemma.Name, q.label, a.status)
				default:
					sat++
				}
			}
		}
		t.Logf("%s: %d proved lemmas with queries; %d distinct queries with satisfiable hypotheses; not decided within %v: %v", name, lemmas, sat, vacuityTimeout, undecided)
		if len(undecided) > 4 {
			t.Errorf("%s: %d queries undecided", name, len(undecided))
		}
	}
}

const vacuityTimeout = 3 * time.Second
