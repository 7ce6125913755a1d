// Command vectorrun is the runner of layers (a) and (b) of the mutation programme
// (internal/mutantcheck): built with one fault overlaid on package spec, it runs the
// official transition vectors of one preset, unchecked or in checked mode, and prints its
// verdict as one JSON line. It exits 1 only when it cannot run.
//
//	vectorrun -vectors DIR -preset minimal -runners operations,sanity,... [-checked] [-workers N]
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/beaconcheck/beaconcheck/conformance"
	"github.com/beaconcheck/beaconcheck/spec"
)

// verdict is what a run prints (internal/mutantcheck reads the same fields).
type verdict struct {
	Killed bool   `json:"killed"`
	By     string `json:"by,omitempty"`     // "vector" or "contract"
	Detail string `json:"detail,omitempty"` // the first failure, deterministic
	Runs   int    `json:"runs"`             // cases run
}

func main() {
	vectors := flag.String("vectors", "", "the vectors directory")
	preset := flag.String("preset", "minimal", "preset")
	checked := flag.Bool("checked", false, "checked mode: contracts on")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "cases run at once")
	runners := flag.String("runners", "", "comma-separated runners (default all)")
	flag.Parse()
	var list []string
	if *runners != "" {
		list = strings.Split(*runners, ",")
	}
	v, err := run(*preset, *vectors, list, *workers, *checked)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vectorrun:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(v); err != nil {
		os.Exit(1)
	}
}

// run runs the transition vectors of one preset, one runner at a time in the order given,
// and stops after the first runner with a failed case: a mutant is killed by any failure,
// and most are killed by the first runners. The first failure of that runner in case order
// is reported; in checked mode its first contract violation is preferred, so the report
// says when a contract did the killing.
func run(preset, vectors string, runners []string, workers int, checked bool) (verdict, error) {
	if vectors == "" {
		return verdict{}, errors.New("no vectors directory")
	}
	var v verdict
	for _, r := range runners {
		rep, err := conformance.Run(conformance.Options{
			Dir: vectors, Presets: []string{preset}, Runners: []string{r}, Checked: checked, Workers: workers,
		})
		if err != nil {
			return verdict{}, err
		}
		passed, failed, _ := rep.Totals()
		v.Runs += passed + failed
		var first, firstViolation string
		for _, res := range rep.Results { // sorted by name, failures by case
			for _, f := range res.Failures {
				var cv *spec.ContractViolation
				if checked && firstViolation == "" && errors.As(f.Err, &cv) {
					firstViolation = fmt.Sprintf("%s %s.%s on %s", phaseWord(cv.Phase), cv.Func, cv.Clause, f.Case)
				}
				if first == "" {
					first = fmt.Sprintf("%s: %s", f.Case, oneLine(f.Err.Error()))
				}
			}
		}
		switch {
		case firstViolation != "":
			v.Killed, v.By, v.Detail = true, "contract", firstViolation
			return v, nil
		case first != "":
			v.Killed, v.By, v.Detail = true, "vector", first
			return v, nil
		}
	}
	return v, nil
}

func phaseWord(phase string) string {
	if phase == "post" {
		return "postcondition"
	}
	return "precondition"
}

// oneLine is the first line of s, at most 200 bytes.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
