package proofs

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/beaconcheck/beaconcheck/chain"
	"github.com/beaconcheck/beaconcheck/conformance"
	"github.com/beaconcheck/beaconcheck/properties"
	"github.com/beaconcheck/beaconcheck/spec"
)

// The operand recording test: the model runs with a spec.SiteRecorder set while the
// official vectors and generated chains run, and every site's SMT failure model (and the
// hypotheses that hold wherever the spec evaluates it) is evaluated on the operands the site
// really met, and compared with what the Go code did there: failed or not. The operands are
// read back into the model's variables through the site's declaration (bindEvals), so a
// declaration that does not say what the code computes fails too.

var vectorsDir = filepath.Join("..", ".cache", "spec-tests", "v0.12.3", "tests")

// recordKey identifies a recorded evaluation by its operations' operands.
type recordKey struct {
	n      int
	site   *spec.Site
	values [8]uint64
}

// siteRecord is what the recorder keeps: how often each site was evaluated, and up to
// perSite distinct evaluations of it (every failing one among them).
type siteRecord struct {
	mu      sync.Mutex
	count   map[string]int
	samples map[string][][]spec.SiteEval
	seen    map[recordKey]bool
	exact   []string // evaluations whose result is not the exact arithmetic's
}

const perSite = 400

func newSiteRecord() *siteRecord {
	return &siteRecord{count: map[string]int{}, samples: map[string][][]spec.SiteEval{}, seen: map[recordKey]bool{}}
}

func (r *siteRecord) record(evals []spec.SiteEval) {
	k := recordKey{n: len(evals), site: evals[0].Site}
	for i, e := range evals {
		if 2*i+1 < len(k.values) {
			k.values[2*i], k.values[2*i+1] = e.A, e.B
		}
	}
	id := evals[0].Site.ID
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count[id]++
	if r.seen[k] {
		return
	}
	failed := evals[len(evals)-1].Failed
	if len(r.samples[id]) >= perSite && !failed {
		return
	}
	r.seen[k] = true
	r.samples[id] = append(r.samples[id], append([]spec.SiteEval(nil), evals...))
	for _, e := range evals {
		if msg := inexact(e); msg != "" && len(r.exact) < 10 {
			r.exact = append(r.exact, msg)
		}
	}
}

// inexact compares an evaluation with exact integer arithmetic: the result, and whether
// it is outside a uint64 (or a division by zero).
func inexact(e spec.SiteEval) string {
	a, b := new(big.Int).SetUint64(e.A), new(big.Int).SetUint64(e.B)
	exact := new(big.Int)
	bad := false
	switch e.Site.Op {
	case spec.OpAdd:
		exact.Add(a, b)
	case spec.OpSub:
		exact.Sub(a, b)
	case spec.OpMul:
		exact.Mul(a, b)
	case spec.OpAppend, spec.OpConvert:
		// the list's length after the append, or the value converted: raises beyond the
		// limit, or the narrower type's largest value
		exact.Set(a)
		bad = a.Cmp(b) > 0
	case spec.OpIndex, spec.OpBit:
		// the index read: raises at or beyond the length
		exact.Set(a)
		bad = a.Cmp(b) >= 0
	case spec.OpDiv, spec.OpMod:
		if b.Sign() == 0 {
			bad = true
		} else if e.Site.Op == spec.OpDiv {
			exact.Quo(a, b)
		} else {
			exact.Rem(a, b)
		}
	}
	bad = bad || !exact.IsUint64()
	if bad != e.Failed || (!bad && exact.Uint64() != e.Result) {
		return fmt.Sprintf("site %s: %d %s %d gave %d (failed %v), exactly %v", e.Site.ID, e.A, e.Site.Op, e.B, e.Result, e.Failed, exact)
	}
	return ""
}

// runRecorded runs f with r recording every site evaluation.
func runRecorded(r *siteRecord, f func() error) error {
	spec.RecordSites(r.record)
	defer spec.RecordSites(nil)
	return f()
}

// recorded is one run's record, with the config it ran on.
type recorded struct {
	what string
	cfg  *spec.Config
	rec  *siteRecord
}

// recordPreset records the sites while the official vectors of preset's state-transition
// runners run (on the config of their release, v0.12.3), and (minimal) while a chain is
// generated, with deposits, exits and slashings (on the preset's config).
func recordPreset(t *testing.T, preset string) []recorded {
	t.Helper()
	var out []recorded
	r := newSiteRecord()
	var rep *conformance.Report
	err := runRecorded(r, func() error {
		var err error
		// Every state-transition runner on minimal; on mainnet (larger states, and no site
		// minimal does not reach) those of single steps, which meet the sites' operands on the
		// mainnet config in a third of the time.
		runners := []string{"operations", "epoch_processing", "sanity", "finality", "rewards", "genesis"}
		if preset == "mainnet" {
			runners = []string{"operations", "epoch_processing", "rewards"}
		}
		rep, err = conformance.Run(conformance.Options{Dir: vectorsDir, Presets: []string{preset}, Runners: runners})
		if err != nil {
			return err
		}
		if _, failed, _ := rep.Totals(); failed > 0 {
			return fmt.Errorf("%d official vectors failed while recording", failed)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := rep.Release.Config(preset)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, recorded{preset + " vectors", cfg, r})
	if preset == "minimal" {
		cfg := spec.MustPreset(preset)
		r := newSiteRecord()
		err := runRecorded(r, func() error {
			_, err := chain.Generate(chain.Options{Config: cfg, Validators: 64, Epochs: 3, Participation: 0.7,
				Deposits: true, Exits: true, Slashings: true, Seed: 7})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, recorded{preset + " generated chain", cfg, r})
		out = append(out, recordProperties(t, preset)...)
	}
	return out
}

// recordProperties records the sites while the properties of package properties that hold
// and run the model's transition run, a few runs each: the invariant properties (chains of
// valid and invalid blocks with deposits, top-ups, exits, slashings and empty slots; states
// with queues and slashed validators) on preset, and the fix properties' chains (from
// states near the active-validator cap, with an activation queue and deposits of new
// validators) on their default config, SmallCap, alone (Env.PresetOnly: the recording must
// know the config every evaluation ran on). Left out: the bug and mutant properties (states
// beyond the invariants), the fix properties of committee arithmetic alone (custom configs
// per run) and shuffle-permutation (no Calc site). The tiny properties run on
// properties.TinyConfig (short slashings vector and withdrawability delay, registry limit 64).
func recordProperties(t *testing.T, preset string) []recorded {
	t.Helper()
	smallCap, err := properties.SmallCap.Config()
	if err != nil {
		t.Fatal(err)
	}
	const smallCapBase = "recording-small-cap"
	properties.RegisterBase(smallCapBase, smallCap)
	groups := []struct {
		what string
		cfg  *spec.Config
		env  properties.Env
		runs func(p *properties.Property) bool
	}{
		{preset + " invariant property runs", spec.MustPreset(preset), properties.Env{Preset: preset},
			func(p *properties.Property) bool { return p.Group == "invariant" && p.Name != "shuffle-permutation" }},
		{properties.SmallCap.String() + " fix property chains", smallCap, properties.Env{Preset: smallCapBase, PresetOnly: true},
			func(p *properties.Property) bool {
				return p.Group == "fix" && p.Expect == properties.Holds && !strings.HasSuffix(p.Name, "-arith")
			}},
		// The tiny properties run on the tiny config whatever the Env: slashed validators
		// reaching their withdrawable epoch, exactly two thirds of support, a registry at its
		// limit, slashings of validators no longer slashable.
		{"tiny property chains", properties.TinyConfig(), properties.Env{Preset: properties.TinyName, PresetOnly: true},
			func(p *properties.Property) bool { return p.Group == "tiny" && p.Expect == properties.Holds }},
	}
	var out []recorded
	for _, g := range groups {
		r := newSiteRecord()
		var names []string
		err := runRecorded(r, func() error {
			for _, p := range properties.All() {
				if !g.runs(p) {
					continue
				}
				names = append(names, p.Name)
				o := properties.Run(p, properties.Options{Runs: propertyRuns, Seed: 1, Env: g.env})
				if !o.AsExpected() {
					return fmt.Errorf("property %s: %s\n%s", p.Name, o.Verdict(), o.Report())
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, recorded{fmt.Sprintf("%s (%d each of %s)", g.what, propertyRuns, strings.Join(names, ", ")), g.cfg, r})
	}
	return out
}

// propertyRuns is the number of runs of each property recorded.
const propertyRuns = 8

// checkRecord evaluates every site's model on the recorded operands.
func checkRecord(t *testing.T, cfg *spec.Config, r *siteRecord, modify func(*models)) (checked map[string]int) {
	t.Helper()
	for _, msg := range r.exact {
		t.Errorf("inexact site arithmetic: %s", msg)
	}
	checked, errs := evalRecord(cfg, r, modify, true)
	for _, err := range errs {
		t.Error(err)
	}
	return checked
}

// countDisagreements is the number of recorded evaluations on which the models (modified
// by modify) disagree with the Go code.
func countDisagreements(cfg *spec.Config, r *siteRecord, modify func(*models)) int {
	_, errs := evalRecord(cfg, r, modify, true)
	return len(errs)
}

// evalRecord evaluates the models on every recorded evaluation: the number checked per
// site, and the disagreements (at most three per site). The hypotheses that speak of the
// operands only are evaluated too when hyps is set: on a reachable state they hold.
func evalRecord(cfg *spec.Config, r *siteRecord, modify func(*models), hyps bool) (checked map[string]int, errs []error) {
	m := newModels(cfg)
	if modify != nil {
		modify(m)
	}
	p, err := m.program()
	if err != nil {
		return nil, []error{err}
	}
	checked = map[string]int{}
	encs := map[string]*siteEnc{}
	for _, e := range siteEncodings(cfg) {
		encs[e.id] = e
	}
	ids := make([]string, 0, len(r.samples))
	for id := range r.samples {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		e := encs[id]
		if _, skip := UnboundSites[id]; skip {
			continue
		}
		if e == nil || e.fails == "" || len(e.ops) == 0 {
			errs = append(errs, fmt.Errorf("site %s: recorded, but proofs has no model evaluated through its declaration", id))
			continue
		}
		bad := 0
		for _, evals := range r.samples[id] {
			goFailed := evals[len(evals)-1].Failed
			args, err := e.bindEvals(evals)
			if err == nil {
				var fails bool
				if fails, err = p.callBool(e.model(), args...); err == nil && fails != goFailed {
					err = fmt.Errorf("model %s = %v, the Go code failed: %v", e.model(), fails, goFailed)
				}
			}
			if err == nil && hyps {
				err = holdsOn(p, e, args)
			}
			if err != nil {
				if bad++; bad <= 3 {
					errs = append(errs, fmt.Errorf("site %s on %s: %v", id, describeEvals(evals), err))
				}
				continue
			}
			checked[id]++
		}
	}
	return checked, errs
}

// holdsOn evaluates the site's context hypotheses whose variables are all operands (what
// holds wherever the spec evaluates the operation) on args.
func holdsOn(p *program, e *siteEnc, args []*big.Int) error {
	for i, h := range e.ctx {
		if !mentionsOnly(h.smt, e.vars, e.decls()) {
			continue
		}
		name := fmt.Sprintf("%s_ctx_%d", e.id, i)
		if _, ok := p.funs[name]; !ok {
			es, err := parseSexprs(Def{Name: name, Params: e.vars, Sort: "Bool", Body: h.smt}.SMT())
			if err != nil {
				return err
			}
			if err := p.define(es[0]); err != nil {
				return err
			}
		}
		ok, err := p.callBool(name, args...)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("hypothesis %q (%s) does not hold", h.smt, h.doc)
		}
	}
	return nil
}

// mentionsOnly reports whether the SMT term mentions none of all's names outside vars.
func mentionsOnly(term string, vars, all []string) bool {
	fields := strings.FieldsFunc(term, func(r rune) bool { return r == '(' || r == ')' || r == ' ' })
	in := map[string]bool{}
	for _, v := range vars {
		in[v] = true
	}
	for _, f := range fields {
		for _, a := range all {
			if f == a && !in[f] {
				return false
			}
		}
	}
	return true
}

func describeEvals(evals []spec.SiteEval) string {
	var parts []string
	for _, e := range evals {
		parts = append(parts, fmt.Sprintf("%d %s %d (%q %s %q, failed %v)", e.A, e.Site.Op, e.B, e.Site.Operands[0], e.Site.Op, e.Site.Operands[1], e.Failed))
	}
	return strings.Join(parts, "; ")
}

func TestSiteModelsOnRecordedOperands(t *testing.T) {
	if _, err := os.Stat(vectorsDir); err != nil {
		t.Skip("official vectors not downloaded: run 'make spec-tests'")
	}
	reached := map[string]bool{}
	var runs []recorded
	for _, preset := range []string{"minimal", "mainnet"} {
		runs = append(runs, recordPreset(t, preset)...)
	}
	for _, run := range runs {
		checked := checkRecord(t, run.cfg, run.rec, nil)
		total := 0
		for id, n := range run.rec.count {
			reached[id] = true
			total += n
		}
		t.Logf("%s: %d site evaluations recorded, %d sites reached, %d distinct evaluations checked against their models", run.what, total, len(run.rec.count), sum(checked))
	}
	// A model broken on purpose fails the check: the sum's bound taken as 10**12 instead
	// of 2**64 - 1 says the balances of the vectors' registries overflow.
	broken := func(m *models) {
		d := m.defs["get_total_balance_sum_fails"]
		d.Body = strings.Replace(d.Body, u64Max, "1000000000000", 1)
		m.defs[d.Name] = d
	}
	if n := countDisagreements(runs[0].cfg, runs[0].rec, broken); n == 0 {
		t.Errorf("get_total_balance_sum's model with a bound of 10**12 agrees with every recorded operand")
	} else {
		t.Logf("the broken get_total_balance_sum model disagrees with the Go code on %d recorded evaluations", n)
	}
	for _, s := range spec.Sites() {
		why, listed := UnreachedSites[s.ID]
		switch {
		case !reached[s.ID] && !listed:
			t.Errorf("site %s (%s %s %s) is reached by no run", s.ID, s.Operands[0], s.Op, s.Operands[1])
		case reached[s.ID] && listed:
			t.Errorf("site %s is listed as unreached (%s), but a run reaches it", s.ID, why)
		}
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
