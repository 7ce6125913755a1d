package proofs

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beaconcheck/beaconcheck/chain"
	"github.com/beaconcheck/beaconcheck/properties"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// TestAppendBoundsOnChains evaluates the invariants of appendbound.go on every state of
// generated chains (after each slot's step and each block), and checks that a block appends
// at most k to each list: the hand-written steps the lemmas prove inductive, held to what
// the code does. The tiny config (a voting period of one epoch of 4 slots) empties both
// lists often; minimal crosses one voting period of 32 slots.
func TestAppendBoundsOnChains(t *testing.T) {
	for _, cfg := range []*spec.Config{properties.TinyConfig(), spec.MustPreset("minimal")} {
		t.Run(cfg.ConfigName, func(t *testing.T) {
			ch, err := chain.Generate(chain.Options{Config: cfg, Validators: 32, Epochs: 6, Participation: 0.9, Deposits: true, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			m := spec.NewModel(cfg)
			m.VerifySignatures = false
			bs := appendBounds(cfg)
			lens := func(s *spec.BeaconState) []int {
				return []int{len(s.Eth1DataVotes), len(s.CurrentEpochAttestations)}
			}
			holds := func(s *spec.BeaconState, where string) {
				t.Helper()
				for i, b := range bs {
					p, err := newProgram(Def{Name: "j", Params: []string{"len", "hdr", "slot"}, Sort: "Bool", Body: b.holds(cfg, "len", "hdr", "slot")}.SMT())
					if err != nil {
						t.Fatal(err)
					}
					ok, err := p.callBool("j", big.NewInt(int64(lens(s)[i])), new(big.Int).SetUint64(uint64(s.LatestBlockHeader.Slot)), new(big.Int).SetUint64(uint64(s.Slot)))
					if err != nil {
						t.Fatal(err)
					}
					if !ok {
						t.Fatalf("%s: %s does not hold: len %d, header slot %d, slot %d", where, b.doc(cfg), lens(s)[i], s.LatestBlockHeader.Slot, s.Slot)
					}
				}
			}
			state := ch.Pre.Copy()
			holds(state, "pre-state")
			maxLen := make([]int, len(bs))
			for _, blk := range ch.Blocks {
				for state.Slot < blk.Message.Slot {
					if err := m.ProcessSlots(state, state.Slot+1); err != nil {
						t.Fatal(err)
					}
					holds(state, fmt.Sprintf("slot %d", state.Slot))
				}
				before := lens(state)
				if err := m.ProcessBlock(state, &blk.Message); err != nil {
					t.Fatal(err)
				}
				holds(state, fmt.Sprintf("block at slot %d", state.Slot))
				for i, b := range bs {
					if d := lens(state)[i] - before[i]; d < 0 || uint64(d) > b.k {
						t.Fatalf("block at slot %d: %s grew by %d, more than %d", state.Slot, b.list, d, b.k)
					}
					maxLen[i] = max(maxLen[i], lens(state)[i])
				}
			}
			if maxLen[0] < 2 || maxLen[1] < 2 {
				t.Errorf("the chain's lists stay short (%v): the check is weak", maxLen)
			}
			t.Logf("%d blocks; longest eth1_data_votes %d, current_epoch_attestations %d", len(ch.Blocks), maxLen[0], maxLen[1])
		})
	}
}

// The block step is not proved by accident: without process_block_header's assert (the
// header's slot below the state's) or with one append more per block, it is refuted.
func TestAppendBoundStepsNeedTheirPremises(t *testing.T) {
	path := needZ3(t)
	s := newSolver(path, 1, time.Minute)
	defer s.close()
	cfg := spec.MustPreset("minimal")
	for _, b := range appendBounds(cfg) {
		l := b.lemma(cfg)
		block := *l.queries[1]
		for _, tc := range []struct {
			what string
			edit func([]string) []string
		}{
			{"without hdr < slot", func(as []string) []string {
				out := append([]string(nil), as...)
				for i, a := range out {
					if a == "(< hdr0 slot0)" {
						out[i] = "true"
					}
				}
				return out
			}},
			{"with k + 1 appends", func(as []string) []string {
				out := append([]string(nil), as...)
				for i, a := range out {
					if a == fmt.Sprintf("(<= len0 len1 (+ len0 %d))", b.k) {
						out[i] = fmt.Sprintf("(<= len0 len1 (+ len0 %d))", b.k+1)
					}
				}
				return out
			}},
		} {
			q := block
			q.asserts = tc.edit(block.asserts)
			a, err := s.check(t.Context(), &q)
			if err != nil {
				t.Fatal(err)
			}
			if a.status != "sat" {
				t.Errorf("%s: the block step %s is %s, want sat", b.name(), tc.what, a.status)
			}
		}
	}
}

// appendStepRun is one real step: where it ran and the quantities before and after it,
// for each list of appendBounds (len0, hdr0, slot0, len1, hdr1, slot1).
type appendStepRun struct {
	where string
	q     [][6]uint64
}

// appendStepRuns runs the spec functions the induction's steps stand for and records what
// they did: initialize_beacon_state_from_eth1 (through interop.Genesis), then, on a
// generated chain with deposits, exits and slashings, process_slots one slot at a time and
// process_block on every block, in checked mode (so the invariant's clauses run on each).
func appendStepRuns(t *testing.T, cfg *spec.Config) map[string][]appendStepRun {
	t.Helper()
	qty := func(s *spec.BeaconState) [][3]uint64 {
		hdr, slot := uint64(s.LatestBlockHeader.Slot), uint64(s.Slot)
		return [][3]uint64{{uint64(len(s.Eth1DataVotes)), hdr, slot}, {uint64(len(s.CurrentEpochAttestations)), hdr, slot}}
	}
	pair := func(where string, before, after *spec.BeaconState) appendStepRun {
		r := appendStepRun{where: where}
		a := qty(after)
		var b [][3]uint64
		if before != nil {
			b = qty(before)
		}
		for i := range a {
			var q [6]uint64
			if b != nil {
				copy(q[:3], b[i][:])
			}
			copy(q[3:], a[i][:])
			r.q = append(r.q, q)
		}
		return r
	}
	runs := map[string][]appendStepRun{}
	g, err := interop.Genesis(cfg, 32)
	if err != nil {
		t.Fatal(err)
	}
	runs[stepGenesis] = append(runs[stepGenesis], pair("genesis", nil, g))
	ch, err := chain.Generate(chain.Options{Config: cfg, Validators: 32, Epochs: 6, Participation: 0.9, Deposits: true, Exits: true, Slashings: true, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	m.Checked = &spec.Checks{} // the invariant's clauses too (inv_<name>), on every step
	state := ch.Pre.Copy()
	for _, blk := range ch.Blocks {
		for state.Slot < blk.Message.Slot {
			before := state.Copy()
			if err := m.ProcessSlots(state, state.Slot+1); err != nil {
				t.Fatal(err)
			}
			runs[stepSlot] = append(runs[stepSlot], pair(fmt.Sprintf("process_slots from slot %d", before.Slot), before, state))
		}
		before := state.Copy()
		if err := m.ProcessBlock(state, &blk.Message); err != nil {
			t.Fatal(err)
		}
		runs[stepBlock] = append(runs[stepBlock], pair(fmt.Sprintf("process_block at slot %d", state.Slot), before, state))
	}
	return runs
}

// appendStepMismatch evaluates a step's relation on the real runs of list i and returns the
// first run it does not describe ("" when it describes them all).
func appendStepMismatch(t *testing.T, rel []string, runs []appendStepRun, i int) string {
	t.Helper()
	p, err := newProgram()
	if err != nil {
		t.Fatal(err)
	}
	e, err := parseSexpr("(and " + strings.Join(rel, " ") + ")")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		env := map[string]value{}
		for k, v := range appendStepVars {
			env[v] = intValue(new(big.Int).SetUint64(r.q[i][k]))
		}
		ok, err := p.evalBool(e, env)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return fmt.Sprintf("%s: %v = %v", r.where, appendStepVars, r.q[i])
		}
	}
	return ""
}

// TestAppendBoundStepsMatchCode holds the induction's steps (appendBound.step, the
// relations the lemmas' queries assume) to the spec functions they stand for, run on real
// states: every genesis, slot and block step of generated tiny and minimal chains satisfies
// its relation, for each list. A step written wrong (no append, the header left
// alone, the list emptied late, at the wrong period or never) is contradicted by some real
// step, so the same check would fail on it. (MAX_ATTESTATIONS - 1 attestations a block
// would not be contradicted: the chains' blocks hold far fewer; the lemma's side of k is
// TestAppendBoundStepsNeedTheirPremises.)
func TestAppendBoundStepsMatchCode(t *testing.T) {
	swap := func(rel []string, from, to string) []string {
		out := slices.Clone(rel)
		i := slices.Index(out, from)
		if i < 0 {
			t.Fatalf("no conjunct %s in %v", from, rel)
		}
		out[i] = to
		return out
	}
	for _, cfg := range []*spec.Config{properties.TinyConfig(), spec.MustPreset("minimal")} {
		t.Run(cfg.ConfigName, func(t *testing.T) {
			runs := appendStepRuns(t, cfg)
			S := cfg.SlotsPerEpoch
			for i, b := range appendBounds(cfg) {
				for _, which := range []string{stepGenesis, stepBlock, stepSlot} {
					if len(runs[which]) == 0 {
						t.Fatalf("no %s step ran", which)
					}
					if bad := appendStepMismatch(t, b.step(cfg, which), runs[which], i); bad != "" {
						t.Errorf("%s: the %s step does not describe the code: %s", b.inv, which, bad)
					}
				}
				reset := b.step(cfg, stepSlot)[3]
				wrong := []struct {
					name  string
					which string
					rel   []string
				}{
					{"genesis at header slot 1", stepGenesis, swap(b.step(cfg, stepGenesis), "(= hdr1 0)", "(= hdr1 1)")},
					{"a block appends nothing", stepBlock, swap(b.step(cfg, stepBlock), fmt.Sprintf("(<= len0 len1 (+ len0 %d))", b.k), "(<= len0 len1 (+ len0 0))")},
					{"a block leaves the header", stepBlock, swap(b.step(cfg, stepBlock), "(= hdr1 slot0)", "(= hdr1 hdr0)")},
					{"the list is never emptied", stepSlot, swap(b.step(cfg, stepSlot), reset, "(= len1 len0)")},
					{"the list is emptied a slot late", stepSlot, swap(b.step(cfg, stepSlot), reset, strings.Replace(reset, "(mod (+ slot0 1)", "(mod (+ slot0 2)", 1))},
					{"the list is emptied every other period", stepSlot, swap(b.step(cfg, stepSlot), reset,
						fmt.Sprintf("(= len1 (ite (and (= (mod (+ slot0 1) %[1]d) 0) (= (mod (div (+ slot0 1) %[1]d) %[2]d) 0)) 0 len0))", S, 2*b.epochs))},
				}
				if b.epochs > 1 { // eth1_data_votes on minimal: a period of several epochs
					wrong = append(wrong, struct {
						name  string
						which string
						rel   []string
					}{"the list is emptied every epoch", stepSlot, swap(b.step(cfg, stepSlot), reset,
						fmt.Sprintf("(= len1 (ite (= (mod (+ slot0 1) %d) 0) 0 len0))", S))})
				}
				for _, w := range wrong {
					if appendStepMismatch(t, w.rel, runs[w.which], i) == "" {
						t.Errorf("%s: the wrong %s step %q describes every real step too: the check cannot tell", b.inv, w.which, w.name)
					}
				}
			}
			t.Logf("%d genesis, %d slot and %d block steps", len(runs[stepGenesis]), len(runs[stepSlot]), len(runs[stepBlock]))
		})
	}
}

// Every block_inductive invariant of spec.Invariants (checked at run time as a clause) is
// one of appendbound.go's, whose lemma proves it inductive, and the other way round.
func TestBlockInvariantsProvedInductive(t *testing.T) {
	for _, name := range spec.PresetNames() {
		cfg := spec.MustPreset(name)
		lemmas := map[string]bool{}
		for _, l := range Lemmas(cfg) {
			lemmas[l.Name] = true
		}
		var specs, ours []string
		for _, inv := range spec.Invariants() {
			if inv.Kind == spec.BlockInvariant {
				specs = append(specs, inv.Name)
			}
		}
		for _, b := range appendBounds(cfg) {
			ours = append(ours, b.inv)
			if !lemmas[b.name()] {
				t.Errorf("%s: no lemma %s", name, b.name())
			}
		}
		slices.Sort(specs)
		slices.Sort(ours)
		if len(specs) == 0 || !slices.Equal(specs, ours) {
			t.Errorf("%s: spec's block_inductive invariants %v, appendbound.go proves %v", name, specs, ours)
		}
	}
}
