package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/bounds"
	"github.com/beaconcheck/beaconcheck/internal/atomicdir"
)

func init() {
	register(&command{
		name:    "bounds",
		summary: "committee-size bound analysis over the number of active validators",
		usage:   "[flags]",
		help: `
For every number of active validators V in a range, evaluates the length of every beacon
committee the spec can form at V, one per (slot % SLOTS_PER_EPOCH, committee index)
combination, and counts the combinations whose committee is longer than
MAX_VALIDATORS_PER_COMMITTEE. get_attesting_indices reads bits[i] for every member of a
committee, and bits is a Bitlist[MAX_VALIDATORS_PER_COMMITTEE], so such a committee makes it
read past the end of the list. From what the scan sees it reports the V where
committees_per_slot reaches MAX_COMMITTEES_PER_SLOT, the last V with no violating combination,
the first V with one, and the V from which every combination violates; a threshold outside
the range is reported as not reached. The default range runs from 0 to the smallest power of
two above (MAX_VALIDATORS_PER_COMMITTEE+1) * MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH
(2^23 on mainnet), which holds every threshold. Numbers may use _ or , between digits.

--engine fast (default) uses the closed form; --engine referee evaluates every combination
with the spec's own expressions (up to 2,048 per V: about a minute and a half for the mainnet
default range on two cores). The two agree; the tests check it.

--csv FILE writes one row per V: v,committees_per_slot,combinations,min_len,max_len,violating,
after a "# beaconcheck bounds ..." line naming the config, the range and the shard.

--shard I/N scans only part I (numbered from 0) of N contiguous, near-equal parts of the
range, so a batch system can spread one range over N tasks (Kubernetes Indexed Job:
I = $JOB_COMPLETION_INDEX; Slurm --array=0-N-1: I = $SLURM_ARRAY_TASK_ID). Give every task
the same --from/--to (or none) and config. 'beaconcheck bounds merge OUT IN...' then checks
that the shards' CSVs are the N parts of one job, writes OUT byte for byte as an unsharded
run would have, and prints the summary of the whole range.

--plots DIR writes the article's Figures 7 to 9 as committees_per_slot, combinations and
combinations_zoom (.png and .svg); their views are placed from the config's thresholds, not
from --from/--to, and drawn with the fast engine. --grid V adds grid_V, the combinations of
V coloured by violation (Figure 10); it needs --plots. --plots also draws site_<ID> for every
site of the catalogue that has a threshold: the failing quantity against the quantity
driving it, with the 2**64 (or list) limit and the threshold marked.
`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func(args []string) error {
			var f boundsFlags
			f.declare(fs)
			return func(args []string) error { return runBounds(&f, args, stdout, stderr) }
		},
	})
	register(&command{
		name:    "bounds merge",
		summary: "merge the CSVs of a sharded bounds scan into the CSV of the whole range",
		usage:   "[flags] OUT IN...",
		help: `Checks that the CSVs IN (written by 'beaconcheck bounds --shard I/N --csv FILE') are
the N parts of one job, writes OUT byte for byte as an unsharded run would have, and
prints the summary of the whole range. The shards' headers give the config and the range.`,
		setup: func(fs *pflag.FlagSet, stdout, _ io.Writer) func(args []string) error {
			var asJSON bool
			fs.BoolVar(&asJSON, "json", false, "print the summary as JSON")
			return func(args []string) error { return runBoundsMerge(asJSON, args, stdout) }
		},
	})
	register(&command{
		name:    "bounds catalogue",
		summary: "print the catalogue of the transition's runtime-error sites evaluated on a config",
		usage:   "[flags]",
		help: `Prints the catalogue of the state transition's runtime-error sites evaluated on the
config: every uint64 overflow, underflow, division, list or vector index, bitlist read and
bounded append of the spec, with its status (can fail at a threshold, cannot fail under the
stated invariants, cannot fail, or rejects invalid input) and its exact threshold on that
config. --json prints every field, invariants included (docs/bounds.md has the same for
mainnet and minimal).`,
		setup: func(fs *pflag.FlagSet, stdout, _ io.Writer) func(args []string) error {
			var cf configFlags
			var asJSON bool
			cf.declare(fs)
			fs.BoolVar(&asJSON, "json", false, "print every field of every site as JSON")
			return func(args []string) error { return runBoundsCatalogue(&cf, asJSON, args, stdout) }
		},
	})
}

// boundsFlags are the flags of the bounds command.
type boundsFlags struct {
	config     configFlags
	from, to   uintFlag
	engine     string
	shard      string
	csv        string
	json       bool
	plots      string
	grid       uintFlag
	noProgress bool
}

func (f *boundsFlags) declare(fs *pflag.FlagSet) {
	f.config.declare(fs)
	fs.Var(&f.from, "from", "smallest `V` to scan (default 0)")
	fs.Var(&f.to, "to", "largest `V` to scan (default: see above; 8388608 on mainnet)")
	fs.StringVar(&f.engine, "engine", "fast", "fast (closed form) or referee (every combination, the spec's expressions)")
	fs.StringVar(&f.shard, "shard", "", "scan only part `I/N` of the range, I numbered from 0")
	fs.StringVar(&f.csv, "csv", "", "write one CSV row per V to `FILE`")
	fs.BoolVar(&f.json, "json", false, "print the summary as JSON")
	fs.StringVar(&f.plots, "plots", "", "write the figures into `DIR`")
	fs.Var(&f.grid, "grid", "with --plots, also draw the combination grid of this `V`")
	fs.BoolVar(&f.noProgress, "no-progress", false, "no progress bar even when stderr is a terminal")
}

// uintFlag is a uint64 flag that knows whether it was given; _ and , may separate digits.
type uintFlag struct {
	v   uint64
	set bool
}

func (u *uintFlag) String() string {
	if u == nil || !u.set {
		return ""
	}
	return strconv.FormatUint(u.v, 10)
}

func (u *uintFlag) Type() string { return "uint" }

func (u *uintFlag) Set(s string) error {
	v, err := parseCount(s)
	if err != nil {
		return err
	}
	u.v, u.set = v, true
	return nil
}

// parseCount parses a non-negative decimal integer, allowing _ or , between digits.
func parseCount(s string) (uint64, error) {
	digits := strings.NewReplacer("_", "", ",", "").Replace(s)
	bad := digits == "" || strings.HasPrefix(s, "_") || strings.HasPrefix(s, ",") ||
		strings.HasSuffix(s, "_") || strings.HasSuffix(s, ",") || strings.Contains(s, "__") || strings.Contains(s, ",,")
	for _, c := range digits {
		if c < '0' || c > '9' {
			bad = true
		}
	}
	if bad {
		return 0, fmt.Errorf("%q is not a non-negative decimal integer", s)
	}
	v, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is too large for a uint64", s)
	}
	return v, nil
}

// boundsJSON is the --json output: the summary, plus how it was obtained.
type boundsJSON struct {
	*bounds.Summary
	Engine    string   `json:"engine,omitempty"`
	RangeFrom uint64   `json:"range_from"` // the job's range; From/To are the shard's part
	RangeTo   uint64   `json:"range_to"`
	Shard     string   `json:"shard"`
	Merged    []string `json:"merged,omitempty"`
}

func runBounds(f *boundsFlags, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q (the subcommands are merge and catalogue)", args[0])
	}
	cfg, err := f.config.load()
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, configHeader(cfg))
	engine, err := bounds.ParseEngine(f.engine)
	if err != nil {
		return usagef("--engine: %v", err)
	}
	from, to := bounds.DefaultRange(cfg)
	if f.from.set {
		from = f.from.v
	}
	if f.to.set {
		to = f.to.v
	}
	if from > to {
		return usagef("--from %d is above --to %d", from, to)
	}
	if m := bounds.MaxV(cfg); to > m {
		return usagef("--to %d is above %d, the most validators config %s can have (VALIDATOR_REGISTRY_LIMIT)", to, m, cfg.ConfigName)
	}
	shard := bounds.Whole
	if f.shard != "" {
		if shard, err = bounds.ParseShard(f.shard); err != nil {
			return usagef("--shard: %v", err)
		}
	}
	lo, hi, err := shard.Part(from, to)
	if err != nil {
		return usagef("--shard: %v", err)
	}
	if f.grid.set {
		if f.plots == "" {
			return usagef("--grid draws a figure: give --plots DIR too")
		}
		if m := bounds.MaxV(cfg); f.grid.v > m {
			return usagef("--grid %d is above %d, the most validators config %s can have", f.grid.v, m, cfg.ConfigName)
		}
	}

	ctx, stop := interruptContext()
	defer stop()

	opts := bounds.Options{Engine: engine}
	var csvOut *atomicFile
	var cw *bounds.CSVWriter
	if f.csv != "" {
		if csvOut, err = createAtomic(f.csv); err != nil {
			return err
		}
		defer csvOut.abort()
		if cw, err = bounds.NewCSVWriter(csvOut.f, bounds.NewHeader(cfg, from, to, shard)); err != nil {
			return err
		}
		opts.Row = cw.Write
	}
	bar := newProgress(stderr, f.noProgress, fmt.Sprintf("V in [%d, %d], %s engine", lo, hi, engine), hi-lo+1)
	if bar != nil {
		opts.Progress = bar.set
	}
	sum, err := bounds.Scan(ctx, cfg, lo, hi, opts)
	bar.finish()
	if err != nil {
		return err
	}
	if cw != nil {
		if err := cw.Flush(); err != nil {
			return atomicdir.NotWritten(f.csv, err)
		}
		if err := csvOut.commit(); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", f.csv)
	}
	if f.plots != "" {
		files, err := bounds.WritePlots(ctx, cfg, f.plots)
		if err == nil && f.grid.set {
			var more []string
			more, err = bounds.WriteGridPlot(cfg, f.grid.v, f.plots)
			files = append(files, more...)
		}
		if err == nil {
			var more []string
			more, err = bounds.WriteSitePlots(cfg, f.plots)
			files = append(files, more...)
		}
		for _, p := range files {
			fmt.Fprintf(stderr, "wrote %s\n", p)
		}
		if err != nil {
			return err
		}
	}
	if f.json {
		return writeJSON(stdout, boundsJSON{Summary: sum, Engine: engine.String(), RangeFrom: from, RangeTo: to, Shard: shard.String()})
	}
	fmt.Fprintf(stdout, "Committee sizes against the number of active validators V\n")
	fmt.Fprintf(stdout, "config %s: SLOTS_PER_EPOCH=%d MAX_COMMITTEES_PER_SLOT=%d TARGET_COMMITTEE_SIZE=%d MAX_VALIDATORS_PER_COMMITTEE=%d\n",
		sum.Config, sum.SlotsPerEpoch, sum.MaxCommitteesPerSlot, sum.TargetCommitteeSize, sum.MaxValidatorsPerCommittee)
	if shard != bounds.Whole {
		fmt.Fprintf(stdout, "shard %s of V in [%d, %d]: ", shard, from, to)
	}
	fmt.Fprintf(stdout, "scanned V in [%d, %d] (%d values) with the %s engine\n\n", lo, hi, sum.Values, engine)
	return sum.WriteText(stdout)
}

func runBoundsMerge(asJSON bool, args []string, stdout io.Writer) error {
	if len(args) < 2 {
		return usagef("merge needs OUT and at least one IN")
	}
	out, ins := args[0], args[1:]
	inputs := make([]bounds.Input, len(ins))
	for i, name := range ins {
		if sameFile(name, out) {
			return usagef("merge: OUT %s is also an input", out)
		}
		r, err := os.Open(name)
		if err != nil {
			return err
		}
		defer r.Close()
		inputs[i] = bounds.Input{Name: name, R: r}
	}
	w, err := createAtomic(out)
	if err != nil {
		return err
	}
	defer w.abort()
	sum, err := bounds.Merge(w.f, inputs)
	if err != nil {
		return err
	}
	if err := w.commit(); err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, boundsJSON{Summary: sum, RangeFrom: sum.From, RangeTo: sum.To, Shard: bounds.Whole.String(), Merged: ins})
	}
	fmt.Fprintf(stdout, "merged %d shards into %s: config %s, V in [%d, %d] (%d values)\n\n", len(ins), out, sum.Config, sum.From, sum.To, sum.Values)
	return sum.WriteText(stdout)
}

// runBoundsCatalogue prints the runtime-error catalogue evaluated on the config.
func runBoundsCatalogue(cf *configFlags, asJSON bool, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}
	if asJSON {
		b, err := bounds.CatalogueJSON(cfg)
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	return bounds.WriteCatalogueText(stdout, cfg)
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// atomicFile is written under a temporary name and renamed into place by commit, so an
// interrupted run never leaves a truncated file that merge could mistake for a shard.
type atomicFile struct {
	f    *os.File
	path string
	done bool
}

func createAtomic(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, atomicdir.NotWritten(path, err)
	}
	return &atomicFile{f: f, path: path}, nil
}

func (a *atomicFile) commit() error {
	if err := a.f.Close(); err != nil {
		return atomicdir.NotWritten(a.path, err)
	}
	if err := os.Chmod(a.f.Name(), 0o644); err != nil {
		return atomicdir.NotWritten(a.path, err)
	}
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		return atomicdir.NotWritten(a.path, err)
	}
	a.done = true
	return nil
}

// abort removes the temporary file unless commit succeeded.
func (a *atomicFile) abort() {
	if !a.done {
		a.f.Close()
		os.Remove(a.f.Name())
	}
}
