package proofs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// Def is the SMT-LIB model of one spec expression: a function of Int parameters defined
// with define-fun, with the config's constants written in as numerals. Integers are
// unbounded: a uint64 expression is modelled by its exact value plus a Bool model that says
// when the spec's uint64 evaluation raises (overflow, underflow, division by zero). Each Def
// is held against the Go code it models by the faithfulness tests.
type Def struct {
	Name   string
	Params []string
	Sort   string // "Int" or "Bool"
	Body   string // SMT-LIB term over Params
	Spec   string // the spec expression it models
	Go     string // the Go function it is held against
}

// SMT is the define-fun command.
func (d Def) SMT() string {
	ps := make([]string, len(d.Params))
	for i, p := range d.Params {
		ps[i] = "(" + p + " Int)"
	}
	return fmt.Sprintf("(define-fun %s (%s) %s %s)", d.Name, strings.Join(ps, " "), d.Sort, d.Body)
}

// u64Max is 2**64 - 1, the largest uint64.
const u64Max = "18446744073709551615"

// num writes a uint64 as an SMT-LIB numeral.
func num(v uint64) string { return fmt.Sprint(v) }

// inU64 is the Bool term 0 <= x <= 2**64 - 1.
func inU64(x string) string { return fmt.Sprintf("(<= 0 %s %s)", x, u64Max) }

// over is the Bool term "x does not fit in a uint64" for x >= 0.
func over(x string) string { return fmt.Sprintf("(> %s %s)", x, u64Max) }

// models are the Defs of one config, by name.
type models struct {
	cfg  *spec.Config
	defs map[string]Def
}

func newModels(cfg *spec.Config) *models {
	m := &models{cfg: cfg, defs: map[string]Def{}}
	m.committee()
	m.sites()
	return m
}

func (m *models) add(d Def) {
	if _, dup := m.defs[d.Name]; dup {
		panic("proofs: model " + d.Name + " defined twice")
	}
	m.defs[d.Name] = d
}

// get returns the named Defs, in the order given.
func (m *models) get(names ...string) []Def {
	out := make([]Def, len(names))
	for i, n := range names {
		d, ok := m.defs[n]
		if !ok {
			panic("proofs: no model " + n)
		}
		out[i] = d
	}
	return out
}

// program returns the evaluator's program of every Def of m.
func (m *models) program() (*program, error) {
	var texts []string
	for _, d := range m.sorted() {
		texts = append(texts, d.SMT())
	}
	return newProgram(texts...)
}

// sorted lists the Defs by name.
func (m *models) sorted() []Def {
	out := slices.Collect(maps.Values(m.defs))
	slices.SortFunc(out, func(a, b Def) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// committee defines the models of the committee arithmetic (spec/committee_arith.go).
func (m *models) committee() {
	c := m.cfg
	S, T, M := num(c.SlotsPerEpoch), num(c.TargetCommitteeSize), num(c.MaxCommitteesPerSlot)
	m.add(Def{
		Name: "committees_per_slot", Params: []string{"V"}, Sort: "Int",
		Body: fmt.Sprintf("(let ((n (div (div V %s) %s))) (ite (> n %s) %s (ite (< n 1) 1 n)))", S, T, M, M),
		Spec: "get_committee_count_per_slot: max(1, min(MAX_COMMITTEES_PER_SLOT, V // SLOTS_PER_EPOCH // TARGET_COMMITTEE_SIZE))",
		Go:   "spec.Config.CommitteeCountPerSlot",
	})
	m.add(Def{
		Name: "beacon_committee_index", Params: []string{"slot", "index", "cps"}, Sort: "Int",
		Body: fmt.Sprintf("(+ (* (mod slot %s) cps) index)", S),
		Spec: "get_beacon_committee: (slot % SLOTS_PER_EPOCH) * committees_per_slot + index",
		Go:   "spec.Config.BeaconCommitteeArgs (idx)",
	})
	m.add(Def{
		Name: "beacon_committee_count", Params: []string{"cps"}, Sort: "Int",
		Body: fmt.Sprintf("(* cps %s)", S),
		Spec: "get_beacon_committee: committees_per_slot * SLOTS_PER_EPOCH",
		Go:   "spec.Config.BeaconCommitteeArgs (count)",
	})
	m.add(Def{
		Name: "beacon_committee_args_fails", Params: []string{"slot", "index", "cps"}, Sort: "Bool",
		Body: fmt.Sprintf("(or %s %s %s)", over(fmt.Sprintf("(* (mod slot %s) cps)", S)),
			over(fmt.Sprintf("(+ (* (mod slot %s) cps) index)", S)), over(fmt.Sprintf("(* cps %s)", S))),
		Spec: "get_beacon_committee: uint64 overflow in the index or count",
		Go:   "spec.Config.BeaconCommitteeArgs (error)",
	})
	m.add(Def{
		Name: "compute_committee_start", Params: []string{"n", "index", "count"}, Sort: "Int",
		Body: "(div (* n index) count)",
		Spec: "compute_committee: start = (len(indices) * index) // count",
		Go:   "spec.ComputeCommitteeRange (start)",
	})
	m.add(Def{
		Name: "compute_committee_end", Params: []string{"n", "index", "count"}, Sort: "Int",
		Body: "(div (* n (+ index 1)) count)",
		Spec: "compute_committee: end = (len(indices) * uint64(index + 1)) // count",
		Go:   "spec.ComputeCommitteeRange (end)",
	})
	m.add(Def{
		Name: "compute_committee_fails", Params: []string{"n", "index", "count"}, Sort: "Bool",
		Body: fmt.Sprintf("(or %s %s %s (= count 0))", over("(* n index)"), over("(+ index 1)"), over("(* n (+ index 1))")),
		Spec: "compute_committee: uint64 overflow in len(indices) * index, index + 1 or len(indices) * (index + 1), or count = 0",
		Go:   "spec.ComputeCommitteeRange (error)",
	})
	m.add(Def{
		Name: "committee_length", Params: []string{"n", "index", "count"}, Sort: "Int",
		Body: "(- (compute_committee_end n index count) (compute_committee_start n index count))",
		Spec: "len(compute_committee(indices, seed, index, count)) = end - start",
		Go:   "spec.ComputeCommitteeRange (end - start)",
	})
}
