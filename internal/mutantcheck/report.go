package main

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/beaconcheck/beaconcheck/properties"
)

// report is the programme's outcome, rendered as docs/mutation.md.
type report struct {
	Config  programmeConfig
	Steps   []step
	Control outcome
	Results []outcome
	// EarlierCommit is the commit of the report an update carried kills over from.
	EarlierCommit string
	// FromLog says the report was rebuilt from a run's progress log (-fromlog).
	FromLog bool
	// Logs, when the report was rebuilt from several progress logs, says which commit each
	// was run at and which mutants' results it gave (a later log's result for a mutant
	// replaces an earlier one's).
	Logs []logSource
}

// logSource is one progress log of a report rebuilt with -fromlog.
type logSource struct {
	Path, Commit string
	Run          int      // mutants the log has a result for
	Taken        []string // the mutants whose reported result is this log's, in list order
}

// commitPrefix introduces the measured commit in a report.
const commitPrefix = "Measured at commit `"

const (
	listBegin = "<!-- mutant list: generated from internal/mutantcheck/mutants.go; go test ./internal/mutantcheck holds it equal -->"
	listEnd   = "<!-- end of mutant list -->"
)

// scores counts the mutants killed by each layer, cumulatively, and the equivalent ones.
func (r *report) scores() (killed map[string]int, total, equivalent int) {
	killed = map[string]int{}
	for _, o := range r.Results {
		if o.NotRun {
			continue
		}
		total++
		if o.Mutant.Equivalent != "" {
			equivalent++
		}
		switch o.Layer {
		case "a":
			killed["a"]++
			fallthrough
		case "b":
			killed["b"]++
			fallthrough
		case "c":
			killed["c"]++
		}
	}
	return killed, total, equivalent
}

func pct(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
}

// scoresText is the scores table, also printed by a partial run.
func (r *report) scoresText() string {
	killed, total, eq := r.scores()
	var b strings.Builder
	fmt.Fprintf(&b, "| layer | killed | score | of the %d not argued equivalent |\n|---|---|---|---|\n", total-eq)
	for _, l := range []string{"a", "b", "c"} {
		fmt.Fprintf(&b, "| (%s) %s | %d of %d | %s | %s |\n", l, layerNames[l], killed[l], total, pct(killed[l], total), pct(killed[l], total-eq))
	}
	return b.String()
}

func (r *report) markdown() string {
	var b strings.Builder
	killed, total, eq := r.scores()
	cfg := r.Config
	presets := "the minimal preset"
	if cfg.Mainnet {
		presets = "presets minimal, then mainnet"
	}
	b.WriteString("# Mutation programme\n\n")
	b.WriteString("Written by `make mutation` (`go run ./internal/mutantcheck -programme -out docs/mutation.md`); not edited by hand. ")
	b.WriteString("`go test ./internal/mutantcheck` checks that every mutant still applies to the spec code and compiles, and that the mutant list at the end of this page is the one in the code.\n\n")
	earlier := false
	for _, l := range r.Logs {
		earlier = earlier || l.Commit != cfg.Commit
	}
	if cfg.Commit != "" && earlier {
		fmt.Fprintf(&b, "%s%s` (the code this report describes) and before it.", commitPrefix, cfg.Commit)
	} else if cfg.Commit != "" {
		fmt.Fprintf(&b, "%s%s`.", commitPrefix, cfg.Commit)
	}
	if r.FromLog && len(r.Logs) <= 1 {
		b.WriteString(" Rendered from the run's progress log (`-fromlog`), which records every mutant's layer and first failure.")
	}
	if len(r.Logs) > 1 {
		fmt.Fprintf(&b, " Rendered (`-fromlog`) from %d programme runs, each with its own control, in this order (a run's progress log, or the results table of its report); for a mutant run more than once the later run's result is the one reported:\n\n", len(r.Logs))
		for i, l := range r.Logs {
			taken := fmt.Sprintf("its results stand for %d of them", len(l.Taken))
			if len(l.Taken) == l.Run {
				taken = "all of them stand"
			}
			if len(l.Taken) > 0 && len(l.Taken) < 12 {
				taken += ": `" + strings.Join(l.Taken, "`, `") + "`"
			}
			from := "its log"
			if strings.HasSuffix(l.Path, ".md") {
				from = "its report"
			}
			fmt.Fprintf(&b, "%d. at commit `%s` (%s): %s run; %s.\n", i+1, l.Commit, from, count(l.Run, "mutant", "mutants"), taken)
		}
		b.WriteString("\n")
	}
	carried := 0
	for _, o := range r.Results {
		if o.Carried {
			carried++
		}
	}
	if carried > 0 {
		from := "an earlier report"
		if r.EarlierCommit != "" {
			from = "the report of commit `" + r.EarlierCommit + "`"
		}
		fmt.Fprintf(&b, " This run updates %s: the %d mutants its vectors killed (layer a, the spec run unchecked, which contract clauses do not enter) are carried over from it, marked so below; the other %d were run again through every layer, with the contracts and properties of this commit.", from, carried, len(r.Results)-carried)
	}
	if (cfg.Commit != "" || carried > 0 || r.FromLog) && len(r.Logs) <= 1 {
		b.WriteString("\n\n")
	}

	b.WriteString("## How it works\n\n")
	fmt.Fprintf(&b, "- %d mutants of package `spec` (listed at the end): comparison flips, off-by-one constants and slices, wrong denominators, wrong epochs, "+
		"missing filters, wrong indices, dropped state writes, across rewards and penalties, justification and finalization, registry updates, slashings, "+
		"block operations, shuffling and committees, final updates and the model's caches. Each is a list of edits, each edit a snippet that must occur exactly once "+
		"in a named function (`internal/mutantcheck/mutants.go`): a mutant follows its function when code moves, and a test names it when the snippet no longer matches.\n", len(r.Results))
	b.WriteString("- Each mutant is applied with `go build -overlay` (the working tree is not touched) and built once into each runner it needs: `internal/mutantcheck/vectorrun` for layers (a) and (b), and `internal/mutantcheck/proprun` for (c), built only for the mutants (a) and (b) miss. The layers are cumulative and run in order; the first that kills the mutant is its layer:\n")
	fmt.Fprintf(&b, "  - **(a) vectors**: the official v0.12.3 vectors of the runners that execute spec functions (%s, in that order, stopping after the first runner with a failure; the SSZ and BLS runners test encodings and the signature library, which no mutant touches), %s, as `beaconcheck spectest --hash-cache=false` runs them (every state root hashed from scratch, and the model's per-epoch entries dropped between top-level calls, as without a hash cache). Killed when any case fails.\n",
		strings.Join(transitionRunners, ", "), presets)
	b.WriteString("  - **(b) vectors + contracts**: the same cases in checked mode (`spectest --checked --hash-cache=false`): every spec function evaluates its contract. Killed when any case fails or any contract clause is breached.\n")
	fmt.Fprintf(&b, "  - **(c) + properties**: the %d properties of the registry (package `properties`, as `beaconcheck props --checked` runs them), each for at most %d runs (fewer when its quick-pass count is smaller) from seed %d, in checked mode. "+
		"Killed when a property's outcome is not the expected one: one that holds fails, or one that must fail (the committee-size bug, the broken fixes) no longer does, or errors.\n",
		len(properties.All()), cfg.Runs, cfg.Seed)
	b.WriteString("  - A run that crashes, or takes more than ten times the control's time for the same step (at least five minutes), counts as a kill: the vectors or properties would not have passed.\n")
	if cases, props := r.Control.controlRuns("a")+r.Control.controlRuns("b"), r.Control.controlRuns("c"); cases > 0 {
		fmt.Fprintf(&b, "- **The control**: the model without a fault is built and run through every layer first, and must survive all of them, or the programme stops without a report. It survived: %d vector cases in (a) and (b) and %d property runs in (c) passed.\n", cases, props)
	} else {
		b.WriteString("- **The control**: the model without a fault is built and run through every layer first, and must survive all of them, or the programme stops without a report. It survived every layer.\n")
	}
	if r.FromLog {
		b.WriteString("- Mutants ran several at a time (the list may be split over programme instances with -only, each with its own control), each run with one worker; the report depends on no timing (except a hang's limit).\n\n")
	} else {
		fmt.Fprintf(&b, "- %d mutants run at a time, each run with GOMAXPROCS = cores / %d; the report depends on no timing (except a hang's limit).\n\n", cfg.Jobs, cfg.Jobs)
	}

	b.WriteString("## Scores\n\n")
	if notRun := len(r.Results) - total; notRun > 0 {
		fmt.Fprintf(&b, "**Partial**: %d of the %d mutants had been measured when this report was rendered from the run's log; the scores are over those %d, and the %d others are marked not run below.\n\n", total, len(r.Results), total, notRun)
	}
	b.WriteString(r.scoresText())
	fmt.Fprintf(&b, "\n%s argued equivalent (no reachable state tells them from the spec; see Survivors). ", count(eq, "mutant is", "mutants are"))
	fmt.Fprintf(&b, "Contracts on the vectors kill %s the vectors miss; the property suites kill %s more", count(killed["b"]-killed["a"], "mutant", "mutants"), count(killed["c"]-killed["b"], "", ""))
	byContract := 0
	for _, o := range r.Results {
		if o.Layer == "c" && strings.Contains(o.Verdict.Detail, "contract violation") {
			byContract++
		}
	}
	if killed["c"] > killed["b"] {
		fmt.Fprintf(&b, ", %d of them through a contract violation on a generated chain (a state the vectors do not reach) rather than a property's own check", byContract)
	}
	fmt.Fprintf(&b, ". %s.\n\n", count(total-killed["c"], "survives", "survive"))

	b.WriteString("By area:\n\n| area | mutants | (a) vectors | (b) + contracts | (c) + properties | survived |\n|---|---|---|---|---|---|\n")
	type row struct{ n, a, b, c, s int }
	rows := map[string]*row{}
	var areas []string
	for _, o := range r.Results {
		if o.NotRun {
			continue
		}
		ar := o.Mutant.Area
		if rows[ar] == nil {
			rows[ar] = &row{}
			areas = append(areas, ar)
		}
		x := rows[ar]
		x.n++
		switch o.Layer {
		case "a":
			x.a++
		case "b":
			x.b++
		case "c":
			x.c++
		default:
			x.s++
		}
	}
	for _, ar := range areas {
		x := rows[ar]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d |\n", ar, x.n, x.a, x.b, x.c, x.s)
	}

	b.WriteString("\n## Results\n\nThe layer that killed each mutant first and the first failure it saw (cases in name order; in checked mode a contract violation is named in preference to a failed case).\n\n")
	b.WriteString("| mutant | killed at | first failure |\n|---|---|---|\n")
	for _, o := range r.Results {
		where, what := "**survived**", ""
		if o.Layer != "" {
			where = fmt.Sprintf("(%s) %s", o.Layer, o.Step)
			what = fmt.Sprintf("%s: %s", o.Verdict.By, o.Verdict.Detail)
		}
		if o.Carried {
			where += " (carried over)"
		}
		if o.NotRun {
			where = "not run"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", o.Mutant.ID, where, mdCell(what))
	}

	b.WriteString("\n## Survivors\n\n")
	var surv []outcome
	for _, o := range r.Results {
		if o.Layer == "" && !o.NotRun {
			surv = append(surv, o)
		}
	}
	if len(surv) == 0 {
		b.WriteString("None.\n")
	}
	for _, o := range surv {
		mu := o.Mutant
		switch {
		case mu.Equivalent != "":
			fmt.Fprintf(&b, "- `%s` (%s). **Equivalent**: %s.\n", mu.ID, mu.Desc, mu.Equivalent)
		case mu.Reach != "":
			fmt.Fprintf(&b, "- `%s` (%s). **Out of reach** of the vectors, contracts and properties run here; exposed by %s.\n", mu.ID, mu.Desc, mu.Reach)
		default:
			fmt.Fprintf(&b, "- `%s` (%s). **Unexplained**: no argument of equivalence or reach is recorded for it yet.\n", mu.ID, mu.Desc)
		}
	}
	var wrong []string
	for _, o := range r.Results {
		if o.Layer != "" && o.Mutant.Equivalent != "" {
			wrong = append(wrong, "`"+o.Mutant.ID+"`")
		}
	}
	if len(wrong) > 0 {
		fmt.Fprintf(&b, "\nArgued equivalent but killed, so the argument is wrong: %s.\n", strings.Join(wrong, ", "))
	}

	b.WriteString("\n## Mutants\n\n")
	b.WriteString(listBegin + "\n")
	b.WriteString(mutantList())
	b.WriteString(listEnd + "\n")
	return b.String()
}

// controlRuns is the number of cases or property runs the control passed in one layer.
func (o *outcome) controlRuns(layer string) int {
	if o.stepRuns == nil {
		return 0
	}
	return o.stepRuns[layer]
}

// mutantList is the table of mutants, in list order.
func mutantList() string {
	var b strings.Builder
	b.WriteString("| mutant | area | kind | function | fault |\n|---|---|---|---|---|\n")
	for _, mu := range Mutants {
		var fns []string
		seen := map[string]bool{}
		for _, e := range mu.Edits {
			if !seen[e.Func] {
				seen[e.Func] = true
				fns = append(fns, "`"+e.Func+"`")
			}
		}
		sort.Strings(fns)
		desc := mu.Desc
		if mu.Equivalent != "" {
			desc += " (argued equivalent)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", mu.ID, mu.Area, mu.Kind, strings.Join(fns, ", "), mdCell(desc))
	}
	return b.String()
}

// listSection returns the mutant list section of a report's text.
func listSection(text string) (string, bool) {
	_, rest, ok := strings.Cut(text, listBegin+"\n")
	if !ok {
		return "", false
	}
	list, _, ok := strings.Cut(rest, listEnd)
	return list, ok
}

// relistReport rewrites only the mutant list of a report: after a mutant is re-anchored
// to moved code its row may name a new function, which needs no new run.
func relistReport(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(b)
	old, ok := listSection(text)
	if !ok {
		return fmt.Errorf("%s has no mutant list section", path)
	}
	text = strings.Replace(text, listBegin+"\n"+old+listEnd, listBegin+"\n"+mutantList()+listEnd, 1)
	return os.WriteFile(path, []byte(text), 0o644)
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// fromLog rebuilds the outcomes of a programme run from its progress log (the lines
// "[ n/N] id  killed (l) step by by: detail  time" or "SURVIVED"), for a run stopped before
// it wrote its report: the mutants the log does not mention are not run.
func fromLog(path string) ([]outcome, error) {
	out, _, err := fromLogs([]logSource{{Path: path}})
	return out, err
}

// fromLogs is fromLog over several runs' logs, in order: a mutant's result is the one of
// the last log that has it. It returns the logs with the mutants each gave.
func fromLogs(logs []logSource) ([]outcome, []logSource, error) {
	seen := map[string]outcome{}
	from := map[string]int{}
	for k := range logs {
		run, err := readLog(logs[k].Path, seen)
		if err != nil {
			return nil, nil, err
		}
		logs[k].Run = len(run)
		for _, id := range run {
			from[id] = k
		}
	}
	var out []outcome
	for i := range Mutants {
		o, ok := seen[Mutants[i].ID]
		o.Mutant, o.NotRun = &Mutants[i], !ok
		out = append(out, o)
		if ok {
			logs[from[Mutants[i].ID]].Taken = append(logs[from[Mutants[i].ID]].Taken, Mutants[i].ID)
		}
	}
	return out, logs, nil
}

// readLog adds the results of one progress log to seen and returns the mutants it ran. A
// path ending in .md is an earlier report instead, whose results table is read.
func readLog(path string, seen map[string]outcome) ([]string, error) {
	var run []string
	if strings.HasSuffix(path, ".md") {
		results, _, err := readResults(path)
		if err != nil {
			return nil, err
		}
		for i := range Mutants { // list order
			if o, ok := results[Mutants[i].ID]; ok {
				seen[Mutants[i].ID] = o
				run = append(run, Mutants[i].ID)
			}
		}
		return run, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !regexp.MustCompile(`(?m)^control: properties +survived`).Match(b) {
		return nil, fmt.Errorf("%s: the control did not survive every layer", path)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "[") {
			continue
		}
		_, rest, ok := strings.Cut(line, "] ")
		if !ok {
			continue
		}
		rest = strings.TrimLeft(rest, " ")
		id, rest, _ := strings.Cut(rest, " ")
		rest = strings.TrimLeft(rest, " ")
		if i := strings.LastIndex(rest, "  "); i >= 0 {
			rest = rest[:i]
		}
		var o outcome
		switch {
		case rest == "SURVIVED":
		case strings.HasPrefix(rest, "killed ("):
			o.Layer = rest[len("killed (") : len("killed (")+1]
			step, tail, ok1 := strings.Cut(rest[len("killed (a) "):], " by ")
			by, detail, ok2 := strings.Cut(tail, ": ")
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("%s: unreadable line %q", path, line)
			}
			o.Step, o.Verdict = step, verdict{Killed: true, By: by, Detail: detail}
		default:
			return nil, fmt.Errorf("%s: mutant %s did not run: %s", path, id, rest)
		}
		seen[id] = o
		run = append(run, id)
	}
	return run, nil
}

// count is n with its noun: "1 mutant", "2 mutants" (a bare number when both are "").
func count(n int, one, many string) string {
	switch {
	case one == "" && many == "":
		return fmt.Sprint(n)
	case n == 1:
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
