package proofs

import "github.com/beaconcheck/beaconcheck/spec"

// Lemmas returns the lemma catalogue for cfg, in order: the committee lemmas, then one or
// more lemmas per runtime-error site of the bounds catalogue. Names are the same for every
// config; statements, splits and expectations are cfg's.
func Lemmas(cfg *spec.Config) []*Lemma {
	ls := committeeLemmas(cfg)
	ls = append(ls, siteLemmas(cfg)...)
	ls = append(ls, supplyLemmas(cfg)...)
	ls = append(ls, invariantLemmas(cfg)...)
	return ls
}
