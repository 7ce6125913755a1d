// Command mutantcheck runs the official transition vectors of the minimal preset in checked
// mode and says whether any spec function's contract was breached. The mutation test
// (mutation_test.go) builds it with one fault injected into package spec at a time (go
// build -overlay) to show that checked mode catches each fault.
//
//	go run ./internal/mutantcheck VECTORS_DIR
//
// It prints "caught: <first violation>" or "missed: <how the vectors fared>", and exits 0
// either way; it exits 1 only when it cannot run.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/beaconcheck/beaconcheck/conformance"
	"github.com/beaconcheck/beaconcheck/spec"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mutantcheck VECTORS_DIR")
		os.Exit(2)
	}
	rep, err := conformance.Run(conformance.Options{
		Dir:     os.Args[1],
		Presets: []string{"minimal"},
		Runners: []string{"operations", "epoch_processing", "sanity", "finality", "rewards", "genesis"},
		Checked: true,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutantcheck:", err)
		os.Exit(1)
	}
	failed := 0
	for _, res := range rep.Results {
		for _, f := range res.Failures {
			failed++
			var cv *spec.ContractViolation
			if errors.As(f.Err, &cv) {
				fmt.Printf("caught: %s: %v\n", f.Case, cv)
				return
			}
		}
	}
	fmt.Printf("missed: %d cases failed, none with a contract violation (%d clauses evaluated)\n", failed, rep.Checks.Evaluations())
}
