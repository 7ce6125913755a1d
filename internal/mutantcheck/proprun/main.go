// Command proprun is the runner of layer (c) of the mutation programme
// (internal/mutantcheck): built with one fault overlaid on package spec, it runs the
// property suites in checked mode and prints its verdict as one JSON line.
//
//	proprun [-runs N] [-seed S]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/beaconcheck/beaconcheck/properties"
)

// verdict is what a run prints (internal/mutantcheck reads the same fields).
type verdict struct {
	Killed bool   `json:"killed"`
	By     string `json:"by,omitempty"`     // "property"
	Detail string `json:"detail,omitempty"` // the first failure, deterministic
	Runs   int    `json:"runs"`             // property runs made
}

func main() {
	runs := flag.Int("runs", 40, "runs per property (at most its quick-pass count)")
	seed := flag.Int64("seed", 1, "seed of the first run")
	flag.Parse()
	if err := json.NewEncoder(os.Stdout).Encode(run(*runs, *seed)); err != nil {
		os.Exit(1)
	}
}

// run runs every property of the registry in checked mode, in registry order, each for
// min(runs, its quick-pass count) runs from seed, and stops at the first whose outcome is
// not the expected one.
func run(runs int, seed int64) verdict {
	var v verdict
	for _, p := range properties.All() {
		o := properties.Run(p, properties.Options{
			Runs: min(runs, p.QuickRuns), Seed: seed, MaxShrinks: 50,
			Env: properties.Env{Checked: true},
		})
		v.Runs += o.Runs
		if !o.AsExpected() {
			v.Killed, v.By = true, "property"
			why := o.Reason
			if o.Err != nil {
				why = o.Err.Error()
			}
			v.Detail = fmt.Sprintf("%s: %s in %d runs", p.Name, o.Verdict(), o.Runs)
			if o.Failed || o.Err != nil {
				v.Detail = fmt.Sprintf("%s: %s (seed %d): %s", p.Name, o.Verdict(), o.Seed, oneLine(why))
			}
			return v
		}
	}
	return v
}

// oneLine is the first line of s, at most 200 bytes.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}
