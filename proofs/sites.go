package proofs

import "github.com/beaconcheck/beaconcheck/spec"

func (m *models) sites() {}

func siteLemmas(cfg *spec.Config) []*Lemma { return nil }
