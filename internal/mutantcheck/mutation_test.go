package main

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func specSource(t *testing.T) source {
	t.Helper()
	src, err := readSpec(filepath.Join("..", "..", "spec"))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

var kinds = map[string]bool{"comparison": true, "off-by-one": true, "denominator": true, "wrong-epoch": true, "missing-filter": true,
	"wrong-index": true, "dropped-write": true, "wrong-value": true, "order": true}

// TestMutantList checks the list itself: enough mutants, unique IDs, every entry complete,
// and every kind the programme promises represented.
func TestMutantList(t *testing.T) {
	if len(Mutants) < 40 {
		t.Errorf("%d mutants, the programme promises at least 40", len(Mutants))
	}
	seen := map[string]bool{}
	perKind := map[string]int{}
	quick := 0
	for _, mu := range Mutants {
		if seen[mu.ID] {
			t.Errorf("two mutants named %s", mu.ID)
		}
		seen[mu.ID] = true
		if mu.ID == "" || mu.Area == "" || mu.Desc == "" || len(mu.Edits) == 0 || strings.ContainsAny(mu.ID, " |`") {
			t.Errorf("mutant %q: incomplete entry", mu.ID)
		}
		if !kinds[mu.Kind] {
			t.Errorf("mutant %s: unknown kind %q", mu.ID, mu.Kind)
		}
		perKind[mu.Kind]++
		if mu.Equivalent != "" && mu.Reach != "" {
			t.Errorf("mutant %s: argued both equivalent and reachable", mu.ID)
		}
		if mu.Quick {
			quick++
		}
	}
	for k := range kinds {
		if perKind[k] == 0 {
			t.Errorf("no mutant of kind %s", k)
		}
	}
	if quick == 0 || quick > 10 {
		t.Errorf("%d quick mutants: the CI subset should be small but not empty", quick)
	}
}

// TestMutantsApply: every mutant's anchors still match the spec code exactly once. A
// failure names the mutant to re-anchor.
func TestMutantsApply(t *testing.T) {
	src := specSource(t)
	for _, mu := range Mutants {
		if _, err := mu.apply(src); err != nil {
			t.Error(err)
		}
	}
}

// TestMutantsCompile type-checks package spec with each mutant applied, against the
// compiled export data of its dependencies (go list -export): what go build -overlay
// would reject (an undefined name, a type mismatch, an unused variable) fails here, in
// well under a second per mutant.
func TestMutantsCompile(t *testing.T) {
	src := specSource(t)
	exports := exportData(t)
	imp := importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, os.ErrNotExist
		}
		return os.Open(f)
	})
	check := func(files source) error {
		fset := token.NewFileSet()
		var parsed []*ast.File
		for _, p := range sortedPaths(files) {
			f, err := parser.ParseFile(fset, p, files[p], 0)
			if err != nil {
				return err
			}
			parsed = append(parsed, f)
		}
		conf := types.Config{Importer: imp.(types.ImporterFrom)}
		_, err := conf.Check("github.com/beaconcheck/beaconcheck/spec", fset, parsed, nil)
		return err
	}
	if err := check(src); err != nil {
		t.Fatalf("package spec itself does not type-check here: %v", err)
	}
	for _, mu := range Mutants {
		changed, err := mu.apply(src)
		if err != nil {
			continue // TestMutantsApply reports it
		}
		files := source{}
		for p, s := range src {
			files[p] = s
		}
		for p, s := range changed {
			files[p] = s
		}
		if err := check(files); err != nil {
			t.Errorf("mutant %s does not compile: %v", mu.ID, err)
		}
	}
}

// exportData maps each dependency of package spec to its compiled export data.
func exportData(t *testing.T) map[string]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}} {{.Export}}", "./spec")
	cmd.Dir = filepath.Join("..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), " "); ok && file != "" {
			m[path] = file
		}
	}
	return m
}

// TestQuickKill is the programme in small, for CI: the control and the quick mutants are
// built (go build -overlay) and run on the minimal vectors in checked mode (layers a and b
// at once). The control must survive and every quick mutant must be killed.
func TestQuickKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds one binary per quick mutant; run without -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	vectors := filepath.Join(root, ".cache", "spec-tests", "v0.12.3", "tests")
	if _, err := os.Stat(vectors); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("official vectors missing in CI: %v", err)
		}
		t.Skip("official vectors not downloaded: run 'make spec-tests'")
	}
	src := specSource(t)
	work := t.TempDir()
	run := []*Mutant{nil} // the control first
	for i := range Mutants {
		if Mutants[i].Quick {
			run = append(run, &Mutants[i])
		}
	}
	cfg := programmeConfig{Vectors: vectors}
	s := cfg.steps()[1] // contracts minimal: layers a and b at once
	if s.Name != "contracts minimal" {
		t.Fatalf("step %s", s.Name)
	}
	type res struct {
		v   verdict
		err error
	}
	results := make([]res, len(run))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, mu := range run {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			name := "control"
			var changed source
			if mu != nil {
				name = strings.ReplaceAll(mu.ID, "/", "_")
				var err error
				if changed, err = mu.apply(src); err != nil {
					results[i].err = err
					return
				}
			}
			dir := filepath.Join(work, name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				results[i].err = err
				return
			}
			bin, err := build(root, dir, s.Runner, changed)
			if err != nil {
				results[i].err = err
				return
			}
			results[i].v, results[i].err = runStep(bin, s, 1, 10*time.Minute)
		}()
	}
	wg.Wait()
	for i, mu := range run {
		r := results[i]
		switch {
		case r.err != nil:
			t.Errorf("%v", r.err)
		case mu == nil && r.v.Killed:
			t.Errorf("control killed: %s: %s", r.v.By, r.v.Detail)
		case mu == nil:
			t.Logf("control survived %d cases", r.v.Runs)
		case !r.v.Killed:
			t.Errorf("mutant %s survived the minimal vectors in checked mode", mu.ID)
		default:
			t.Logf("mutant %-40s killed by %s: %s", mu.ID, r.v.By, r.v.Detail)
		}
	}
}

// TestReportListCurrent: the mutant list of docs/mutation.md is the code's. After a
// mutant is added, removed or re-described, `make mutation` rewrites the report; after a
// mutant only moved to another function, `go run ./internal/mutantcheck -relist
// docs/mutation.md` rewrites the list alone.
func TestReportListCurrent(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "mutation.md"))
	if err != nil {
		t.Fatal(err)
	}
	list, ok := listSection(string(b))
	if !ok {
		t.Fatal("docs/mutation.md has no mutant list section")
	}
	if list != mutantList() {
		t.Errorf("the mutant list of docs/mutation.md is not the code's: run make mutation (or -relist after a re-anchoring)")
	}
}

// TestResultsRoundTrip: an update (-update) reads back the results a report wrote.
func TestResultsRoundTrip(t *testing.T) {
	r := report{Config: programmeConfig{Jobs: 2, Runs: 20, Seed: 1, Commit: "abc1234"}, Results: []outcome{
		{Mutant: &Mutants[0], Layer: "a", Step: "vectors minimal", Verdict: verdict{Killed: true, By: "vector", Detail: "minimal/x: a | b"}},
		{Mutant: &Mutants[1], Layer: "b", Step: "contracts minimal", Verdict: verdict{Killed: true, By: "contract", Detail: "postcondition f.c on y"}},
		{Mutant: &Mutants[2]},
		{Mutant: &Mutants[3], Layer: "a", Step: "vectors minimal", Carried: true, Verdict: verdict{Killed: true, By: "vector", Detail: "z"}},
	}}
	path := filepath.Join(t.TempDir(), "mutation.md")
	if err := os.WriteFile(path, []byte(r.markdown()), 0o644); err != nil {
		t.Fatal(err)
	}
	got, commit, err := readResults(path)
	if err != nil {
		t.Fatal(err)
	}
	if commit != "abc1234" || len(got) != len(r.Results) {
		t.Fatalf("commit %q, %d results", commit, len(got))
	}
	for _, want := range r.Results {
		g := got[want.Mutant.ID]
		if g.Layer != want.Layer || g.Step != want.Step || g.Verdict != want.Verdict {
			t.Errorf("%s: read %+v %+v, wrote %+v %+v", want.Mutant.ID, g.Layer, g.Verdict, want.Layer, want.Verdict)
		}
	}
}

// A report rendered from several runs' logs takes each mutant's result from the last log
// that ran it, and says which commit each log ran at and which results it gave.
func TestReportFromLogs(t *testing.T) {
	dir := t.TempDir()
	a, b, c := Mutants[0].ID, Mutants[1].ID, Mutants[2].ID
	control := "control: properties         survived in 1s\n"
	first := control + "[  1/3] " + a + "  killed (a) vectors minimal by vector: x: post state differs  1s\n" +
		"[  2/3] " + b + "  SURVIVED  1s\n[  3/3] " + c + "  SURVIVED  1s\n"
	second := control + "[  1/1] " + b + "  killed (c) properties by property: p: FAILED  1s\n"
	p1, p2 := filepath.Join(dir, "1.log"), filepath.Join(dir, "2.log")
	if err := os.WriteFile(p1, []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p2, []byte(second), 0o644); err != nil {
		t.Fatal(err)
	}
	earlier := report{Config: programmeConfig{Commit: "0001111"}, Results: []outcome{
		{Mutant: &Mutants[3], Layer: "a", Step: "vectors minimal", Verdict: verdict{Killed: true, By: "vector", Detail: "w"}},
		{Mutant: &Mutants[0]},
	}}
	p0 := writeTemp(t, earlier.markdown())
	results, logs, err := fromLogs([]logSource{{Path: p0, Commit: "0001111"}, {Path: p1, Commit: "aaa1111"}, {Path: p2, Commit: "bbb2222"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(logs[0].Taken) != 1 || logs[0].Taken[0] != Mutants[3].ID {
		t.Fatalf("the earlier report gives %v, want only %s (the later logs replace its other result)", logs[0].Taken, Mutants[3].ID)
	}
	logs = logs[1:]
	byID := map[string]outcome{}
	for _, o := range results {
		byID[o.Mutant.ID] = o
	}
	if byID[a].Layer != "a" || byID[b].Layer != "c" || byID[c].Layer != "" || byID[c].NotRun || byID[Mutants[3].ID].Layer != "a" || !byID[Mutants[4].ID].NotRun {
		t.Fatalf("layers: %q %q %q", byID[a].Layer, byID[b].Layer, byID[c].Layer)
	}
	if logs[0].Run != 3 || len(logs[0].Taken) != 2 || logs[1].Run != 1 || len(logs[1].Taken) != 1 || logs[1].Taken[0] != b {
		t.Fatalf("logs: %+v", logs)
	}
	r := report{Config: programmeConfig{Commit: "bbb2222"}, Results: results, FromLog: true, Logs: logs}
	text := r.markdown()
	for _, want := range []string{"Measured at commit `bbb2222` (the code this report describes)", "1. at commit `aaa1111` (its log): 3 mutants run; its results stand for 2 of them",
		"2. at commit `bbb2222` (its log): 1 mutant run; all of them stand: `" + b + "`"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if _, commit, err := readResults(writeTemp(t, text)); err != nil || commit != "bbb2222" {
		t.Errorf("readResults: commit %q, %v", commit, err)
	}
}

func writeTemp(t *testing.T, text string) string {
	path := filepath.Join(t.TempDir(), "mutation.md")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
