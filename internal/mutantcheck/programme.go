package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// programmeConfig says how much of the programme to run.
type programmeConfig struct {
	Jobs    int      // mutants at once
	Mainnet bool     // mainnet vectors too
	Vectors string   // vectors directory; default the module's cache
	Runs    int      // runs per property
	Seed    int64    // seed of the properties
	Only    []string // mutant IDs; nil means all
	Out     string   // report path; "" prints it
	Commit  string   // the commit measured, for the report
	// Update, when set, is an earlier report whose layer (a) kills are carried over; every
	// other mutant is run again in full.
	Update string
}

// transitionRunners are the official runners that execute spec functions, in the order
// they run (a run stops after the first runner with a failure): the quick, narrow ones
// first. The SSZ and BLS runners (ssz_static, ssz_generic, bls) test encodings and the
// signature library, which no mutant touches.
var transitionRunners = []string{"shuffling", "epoch_processing", "operations", "rewards", "genesis", "finality", "sanity"}

// verdict is what a runner (vectorrun, proprun) prints, as one JSON line.
type verdict struct {
	Killed bool   `json:"killed"`
	By     string `json:"by,omitempty"`     // "vector", "contract", "property"; "timeout" or "crash" here
	Detail string `json:"detail,omitempty"` // the first failure, deterministic
	Runs   int    `json:"runs"`             // cases or property runs made
}

// step is one run of a mutant's runner binary.
type step struct {
	Layer  string // "a", "b" or "c"
	Name   string // "vectors minimal", ...
	Runner string // the runner package under internal/mutantcheck: vectorrun or proprun
	Args   []string
}

// steps lists the runs of a mutant in order; the first that kills it names its layer.
func (cfg *programmeConfig) steps() []step {
	presets := []string{"minimal"}
	if cfg.Mainnet {
		presets = append(presets, "mainnet")
	}
	var out []step
	for _, l := range []struct{ layer, name string }{{"a", "vectors"}, {"b", "contracts"}} {
		for _, p := range presets {
			args := []string{"-preset", p, "-runners", strings.Join(transitionRunners, ","), "-vectors", cfg.Vectors}
			if l.layer == "b" {
				args = append(args, "-checked")
			}
			out = append(out, step{l.layer, l.name + " " + p, "vectorrun", args})
		}
	}
	return append(out, step{"c", "properties", "proprun", []string{"-runs", strconv.Itoa(cfg.Runs), "-seed", strconv.FormatInt(cfg.Seed, 10)}})
}

// outcome is what the programme found for one mutant (or the control).
type outcome struct {
	Mutant  *Mutant // nil for the control
	Layer   string  // "a", "b", "c"; "" when it survived every layer
	Step    string  // the step that killed it
	Verdict verdict
	Err     error // the programme could not run it
	Elapsed time.Duration
	Times   []time.Duration // per step run
	Carried bool            // carried over from an earlier report (-update)
	NotRun  bool            // a partial run (-fromlog) did not reach it
	// stepRuns counts, per layer, the cases or property runs of the steps it survived.
	stepRuns map[string]int
}

// layerNames are the layers as the report names them.
var layerNames = map[string]string{"a": "vectors", "b": "vectors + contracts", "c": "+ properties"}

// moduleRoot finds the directory holding go.mod, upwards from the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// build compiles a runner (vectorrun or proprun) with the mutant's files overlaid (none
// for the control) into dir.
func build(root, dir, runner string, changed source) (string, error) {
	bin := filepath.Join(dir, runner)
	args := []string{"build", "-o", bin}
	if len(changed) > 0 {
		overlay := filepath.Join(dir, "overlay.json")
		if _, err := os.Stat(overlay); err != nil {
			if overlay, err = writeOverlay(dir, changed); err != nil {
				return "", err
			}
		}
		args = append(args, "-overlay", overlay)
	}
	cmd := exec.Command("go", append(args, "./internal/mutantcheck/"+runner)...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// runStep runs one layer of a built binary. A run that exceeds its time limit or crashes
// (a Go panic outside the harness's recovery) kills the mutant: the vectors or properties
// would not have passed.
func runStep(bin string, s step, workers int, limit time.Duration) (verdict, error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	args := s.Args
	if s.Runner == "vectorrun" {
		args = append(append([]string{}, args...), "-workers", strconv.Itoa(workers))
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(workers))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return verdict{Killed: true, By: "timeout", Detail: fmt.Sprintf("no result within %v", limit)}, nil
	}
	if err != nil {
		text := stderr.String()
		if i := strings.Index(text, "panic: "); i >= 0 {
			return verdict{Killed: true, By: "crash", Detail: oneLine(text[i:])}, nil
		}
		if i := strings.Index(text, "fatal error: "); i >= 0 {
			return verdict{Killed: true, By: "crash", Detail: oneLine(text[i:])}, nil
		}
		return verdict{}, fmt.Errorf("%s: %v: %s", s.Name, err, strings.TrimSpace(text))
	}
	var v verdict
	if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
		return verdict{}, fmt.Errorf("%s: unreadable verdict %q: %v", s.Name, stdout.String(), err)
	}
	return v, nil
}

// runOne builds one mutant (or the control, mu nil) and runs its steps until one kills it.
func runOne(root, work string, mu *Mutant, src source, cfg *programmeConfig, workers int, limits []time.Duration) (o outcome) {
	start := time.Now()
	o.Mutant = mu
	defer func() { o.Elapsed = time.Since(start) }()
	name := "control"
	var changed source
	if mu != nil {
		name = strings.ReplaceAll(mu.ID, "/", "_")
		var err error
		if changed, err = mu.apply(src); err != nil {
			o.Err = err
			return o
		}
	}
	dir := filepath.Join(work, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		o.Err = err
		return o
	}
	defer os.RemoveAll(dir)
	bins := map[string]string{} // built once each, when a step first needs it
	for i, s := range cfg.steps() {
		t := time.Now()
		if bins[s.Runner] == "" {
			bin, err := build(root, dir, s.Runner, changed)
			if err != nil {
				o.Err = err
				return o
			}
			bins[s.Runner] = bin
		}
		v, err := runStep(bins[s.Runner], s, workers, limits[i])
		o.Times = append(o.Times, time.Since(t))
		if err != nil {
			o.Err = err
			return o
		}
		if v.Killed {
			o.Layer, o.Step, o.Verdict = s.Layer, s.Name, v
			return o
		}
		if o.stepRuns == nil {
			o.stepRuns = map[string]int{}
		}
		o.stepRuns[s.Layer] += v.Runs
	}
	return o
}

// runProgramme runs the control and then every selected mutant, and writes the report.
func runProgramme(cfg programmeConfig) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if cfg.Vectors == "" {
		cfg.Vectors = filepath.Join(root, ".cache", "spec-tests", "v0.12.3", "tests")
	}
	if _, err := os.Stat(cfg.Vectors); err != nil {
		return fmt.Errorf("official vectors: %v (make spec-tests)", err)
	}
	cfg.Jobs = max(1, cfg.Jobs)
	workers := max(1, runtime.NumCPU()/cfg.Jobs)
	src, err := readSpec(filepath.Join(root, "spec"))
	if err != nil {
		return err
	}
	selected, err := selectMutants(cfg.Only)
	if err != nil {
		return err
	}
	var problems []string
	for _, mu := range selected {
		if _, err := mu.apply(src); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("mutants that no longer apply:\n%s", strings.Join(problems, "\n"))
	}
	work, err := os.MkdirTemp("", "mutantcheck-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	started := time.Now()
	steps := cfg.steps()
	generous := make([]time.Duration, len(steps))
	for i := range generous {
		generous[i] = 30 * time.Minute
	}
	fmt.Fprintf(os.Stderr, "control: the model without a fault, through every layer (%d workers per run)\n", workers)
	control := runOne(root, work, nil, src, &cfg, workers, generous)
	if control.Err != nil {
		return fmt.Errorf("control: %v", control.Err)
	}
	if control.Layer != "" {
		return fmt.Errorf("control killed at layer %s (%s): %s: the checks fail without a fault, so no score would mean anything", control.Layer, control.Step, control.Verdict.Detail)
	}
	// A mutant's run may take ten times the control's (at least five minutes) before it
	// counts as a hang.
	limits := make([]time.Duration, len(steps))
	for i, s := range steps {
		limits[i] = max(5*time.Minute, 10*control.Times[i])
		fmt.Fprintf(os.Stderr, "control: %-18s survived in %v\n", s.Name, control.Times[i].Round(time.Millisecond))
	}

	results := make([]outcome, len(selected))
	var earlier map[string]outcome
	var earlierCommit string
	if cfg.Update != "" {
		if earlier, earlierCommit, err = readResults(cfg.Update); err != nil {
			return err
		}
	}
	var todo []int
	for i, mu := range selected {
		if o, ok := earlier[mu.ID]; ok && o.Layer == "a" {
			o.Mutant, o.Carried = mu, true
			results[i] = o
			continue
		}
		todo = append(todo, i)
	}
	if cfg.Update != "" {
		fmt.Fprintf(os.Stderr, "update of %s: %d layer (a) kills carried over, %d mutants to run\n", cfg.Update, len(selected)-len(todo), len(todo))
	}
	next := make(chan int)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for w := 0; w < cfg.Jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o := runOne(root, work, selected[i], src, &cfg, workers, limits)
				mu.Lock()
				results[i] = o
				done++
				fmt.Fprintf(os.Stderr, "[%3d/%d] %-46s %s  %v\n", done, len(todo), selected[i].ID, o.summary(), o.Elapsed.Round(time.Second))
				mu.Unlock()
			}
		}()
	}
	for _, i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
	fmt.Fprintf(os.Stderr, "programme: %d mutants run in %v\n", len(todo), time.Since(started).Round(time.Second))

	var failed []string
	for _, o := range results {
		if o.Err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", o.Mutant.ID, o.Err))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("mutants the programme could not run:\n%s", strings.Join(failed, "\n"))
	}
	rep := report{Config: cfg, Steps: steps, Results: results, Control: control, EarlierCommit: earlierCommit}
	text := rep.markdown()
	if cfg.Out == "" || cfg.Only != nil {
		fmt.Print(rep.scoresText())
		return nil
	}
	return os.WriteFile(cfg.Out, []byte(text), 0o644)
}

func (o *outcome) summary() string {
	switch {
	case o.Err != nil:
		return "ERROR " + oneLine(o.Err.Error())
	case o.Layer == "":
		return "SURVIVED"
	}
	return fmt.Sprintf("killed (%s) %s by %s: %s", o.Layer, o.Step, o.Verdict.By, o.Verdict.Detail)
}

// selectMutants returns the mutants of the given IDs, in list order; all for nil.
func selectMutants(ids []string) ([]*Mutant, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[strings.TrimSpace(id)] = true
	}
	var out []*Mutant
	for i := range Mutants {
		if ids == nil || want[Mutants[i].ID] {
			out = append(out, &Mutants[i])
			delete(want, Mutants[i].ID)
		}
	}
	if len(want) > 0 {
		var unknown []string
		for id := range want {
			unknown = append(unknown, id)
		}
		return nil, fmt.Errorf("unknown mutants: %s", strings.Join(unknown, ", "))
	}
	return out, nil
}

// oneLine is the first line of s, at most 200 bytes.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// readResults reads the results table of an earlier report: each mutant's layer, step and
// first failure, and the commit it was measured at ("" when the report does not say).
func readResults(path string) (map[string]outcome, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	text := string(b)
	commit := ""
	if _, rest, ok := strings.Cut(text, commitPrefix); ok {
		commit, _, _ = strings.Cut(rest, "`")
	}
	_, table, ok := strings.Cut(text, "| mutant | killed at | first failure |\n|---|---|---|\n")
	if !ok {
		return nil, "", fmt.Errorf("%s has no results table", path)
	}
	out := map[string]outcome{}
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| `") {
			break
		}
		line = strings.TrimSuffix(strings.TrimPrefix(line, "| `"), " |")
		id, rest, ok1 := strings.Cut(line, "` | ")
		where, what, ok2 := strings.Cut(rest, " | ")
		if !ok1 || !ok2 {
			return nil, "", fmt.Errorf("%s: unreadable results row %q", path, line)
		}
		var o outcome
		if strings.HasPrefix(where, "(") && len(where) > 4 {
			o.Layer, o.Step = where[1:2], strings.TrimSuffix(where[4:], " (carried over)")
			by, detail, _ := strings.Cut(strings.ReplaceAll(what, `\|`, "|"), ": ")
			o.Verdict = verdict{Killed: true, By: by, Detail: detail}
		}
		out[id] = o
	}
	return out, commit, nil
}
