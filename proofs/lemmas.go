package proofs

import "github.com/beaconcheck/beaconcheck/spec"

// Lemmas returns the lemma catalogue for cfg, in order: the committee lemmas, the
// invariant lemmas (which the re-derived site lemmas rest on), then one or more lemmas per
// runtime-error site of the bounds catalogue, and the site lemmas under the supply bound.
// Names are the same for every config; statements, splits and expectations are cfg's.
func Lemmas(cfg *spec.Config) []*Lemma {
	ls := committeeLemmas(cfg)
	ls = append(ls, invariantLemmas(cfg)...)
	ls = append(ls, registryNeverShrinksLemma(cfg))
	ls = append(ls, appendBoundLemmas(cfg)...)
	ls = append(ls, siteLemmas(cfg)...)
	ls = append(ls, supplyLemmas(cfg)...)
	return ls
}
