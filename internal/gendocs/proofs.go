package main

import (
	"context"
	"fmt"
	"os"

	"github.com/beaconcheck/beaconcheck/proofs"
)

// proofsDoc is docs/proofs.md: the lemma catalogue of package proofs with its results under
// mainnet and minimal. It runs z3, and exits with the install hint if z3 is missing.
func proofsDoc() []byte {
	out, err := proofs.Document(context.Background(), proofs.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs proofs:", err)
		os.Exit(1)
	}
	return out
}
