package main

import (
	"fmt"
	"os"

	"github.com/beaconcheck/beaconcheck/bounds"
)

// boundsDoc is docs/bounds.md, the catalogue of the state transition's runtime-error sites
// on mainnet and minimal (bounds.CatalogueDoc; a test in bounds holds the file equal to it).
//
//	go run ./internal/gendocs bounds docs/bounds.md
func boundsDoc() []byte {
	b, err := bounds.CatalogueDoc()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendocs: bounds:", err)
		os.Exit(1)
	}
	return b
}
