package proofs_test

import (
	"fmt"

	"github.com/beaconcheck/beaconcheck/proofs"
	"github.com/beaconcheck/beaconcheck/spec"
)

// The lemma catalogue of a config: each lemma with its method and expected outcome.
func ExampleLemmas() {
	for _, l := range proofs.Lemmas(spec.MustPreset("mainnet")) {
		if l.Name == "committee_fits_bitlist_with_cap" || l.Name == "committee_exceeds_bitlist_without_fix" {
			fmt.Printf("%s (%s): %s", l.Name, l.Method, l.Expect)
			if l.Least != nil {
				fmt.Printf(", least %s = %s", l.LeastOf, l.Least)
			}
			fmt.Println()
		}
	}
	// Output:
	// committee_fits_bitlist_with_cap (smt): holds
	// committee_exceeds_bitlist_without_fix (smt): refuted, least V = 4194305
}
