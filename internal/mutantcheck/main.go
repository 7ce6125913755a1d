// Command mutantcheck is the mutation programme of the model: it injects each fault of its
// list (Mutants, mutants.go) into package spec with go build -overlay, the working tree
// untouched, and reports which layer of checks kills it first:
//
//	(a) vectors:    the official v0.12.3 vectors, run as in `beaconcheck spectest`
//	(b) contracts:  the same vectors in checked mode: a failed case or a contract violation
//	(c) properties: the property suites (package properties) in checked mode, seeded
//
// The layers are cumulative: a mutant is run through (b) only if (a) misses it, and
// through (c) only if (b) does. A control, the model with no fault, runs through every
// layer first and must survive them all, or the programme stops.
//
//	go run ./internal/mutantcheck -programme -out docs/mutation.md   (make mutation)
//	go run ./internal/mutantcheck -relist docs/mutation.md           (only the mutant list)
//
// Each mutant is built once per runner it needs: vectorrun (layers a and b) and, for the
// mutants those miss, proprun (layer c); the programme runs them one step at a time.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

func main() {
	var (
		programme = flag.Bool("programme", false, "run the whole programme and write the report")
		out       = flag.String("out", "", "with -programme: the report to write (e.g. docs/mutation.md); default: stdout")
		relist    = flag.String("relist", "", "rewrite only the mutant list section of this report")
		fromlog   = flag.String("fromlog", "", "write the report (-out) of a run stopped early from its progress log, with the same -j, -runs, -seed, -mainnet, -commit; or, as COMMIT=LOG,COMMIT=LOG,..., from several runs' logs in order (a later log's result for a mutant replaces an earlier one's)")
		jobs      = flag.Int("j", 2, "with -programme: mutants run at once")
		mainnet   = flag.Bool("mainnet", false, "with -programme: run the mainnet vectors too (layers a and b)")
		only      = flag.String("only", "", "with -programme: comma-separated mutant IDs (no report file is written)")
		update    = flag.String("update", "", "with -programme: an earlier report whose layer (a) kills are carried over; the other mutants run again")
		commit    = flag.String("commit", "", "with -programme: the commit measured (default: git rev-parse --short HEAD)")
		vectors   = flag.String("vectors", "", "with -programme: the vectors directory (default: .cache/spec-tests/v0.12.3/tests of the module)")
		runs      = flag.Int("runs", 20, "with -programme: runs per property (at most its quick-pass count)")
		seed      = flag.Int64("seed", 1, "with -programme: seed of the properties' first run")
	)
	flag.Parse()
	var err error
	switch {
	case *relist != "":
		err = relistReport(*relist)
	case *fromlog != "":
		var logs []logSource
		for _, entry := range strings.Split(*fromlog, ",") {
			c, path, ok := strings.Cut(entry, "=")
			if !ok {
				c, path = *commit, entry
			}
			logs = append(logs, logSource{Path: path, Commit: c})
		}
		var results []outcome
		if results, logs, err = fromLogs(logs); err == nil {
			c := *commit
			if c == "" {
				c = logs[len(logs)-1].Commit
			}
			rep := report{Config: programmeConfig{Jobs: *jobs, Mainnet: *mainnet, Runs: *runs, Seed: *seed, Commit: c}, Results: results, FromLog: true, Logs: logs}
			err = os.WriteFile(*out, []byte(rep.markdown()), 0o644)
		}
	case *programme:
		cfg := programmeConfig{Jobs: *jobs, Mainnet: *mainnet, Vectors: *vectors, Runs: *runs, Seed: *seed, Out: *out, Update: *update, Commit: *commit}
		if cfg.Commit == "" {
			if b, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
				cfg.Commit = strings.TrimSpace(string(b))
			}
		}
		if *only != "" {
			cfg.Only = strings.Split(*only, ",")
		}
		err = runProgramme(cfg)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutantcheck:", err)
		os.Exit(1)
	}
}
