package proofs

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The SMT-LIB models of the spec's expressions are only as good as their faithfulness to
// the Go code the rest of the project runs. These tests evaluate every model (models.go,
// with the evaluator of smtlib.go) on thousands of generated inputs, biased towards the
// places where the arithmetic changes behaviour (overflow boundaries, zero, the config's
// thresholds), and compare with the Go function it models.

// faithCase holds one group of models against one Go function.
type faithCase struct {
	name string
	gens []gopter.Gen
	// check evaluates the models (from p) and the Go code on args and describes any
	// disagreement.
	check func(p *program, args []uint64) error
}

// faithTests is the number of generated inputs per case.
const faithTests = 4000

// checkFaithful runs fc on generated inputs against the models of p, returning the first
// disagreement found.
func checkFaithful(p *program, fc faithCase, tests int, seed int64) error {
	params := gopter.DefaultTestParametersWithSeed(seed)
	params.MinSuccessfulTests = tests
	params.MaxShrinkCount = 0
	var mu sync.Mutex
	var first error
	res := prop.ForAllNoShrink(func(vs []interface{}) bool {
		args := make([]uint64, len(vs))
		for i, v := range vs {
			args[i] = v.(uint64)
		}
		if err := fc.check(p, args); err != nil {
			mu.Lock()
			if first == nil {
				first = fmt.Errorf("%s%v: %w", fc.name, args, err)
			}
			mu.Unlock()
			return false
		}
		return true
	}, gopter.CombineGens(fc.gens...)).Check(params)
	if first != nil {
		return first
	}
	if !res.Passed() {
		return fmt.Errorf("%s: property did not pass (%v)", fc.name, res.Status)
	}
	return nil
}

// u64Gen generates uint64 values: anywhere, small, near 2**64, and near each of around.
func u64Gen(around ...uint64) gopter.Gen {
	gens := []gopter.Gen{gen.UInt64(), gen.UInt64Range(0, 1<<12), gen.UInt64Range(math.MaxUint64-1<<12, math.MaxUint64)}
	for _, a := range around {
		for _, d := range []uint64{8, 4096} {
			lo, hi := a-min(a, d), a+min(d, math.MaxUint64-a)
			gens = append(gens, gen.UInt64Range(lo, hi))
		}
	}
	return gen.OneGenOf(gens...)
}

// rangeGen generates uint64 values in [lo, hi], with the ends often.
func rangeGen(lo, hi uint64) gopter.Gen {
	return gen.OneGenOf(gen.UInt64Range(lo, hi), gen.UInt64Range(lo, lo+min(hi-lo, 8)), gen.UInt64Range(hi-min(hi-lo, 8), hi))
}

// eqInt compares an Int model with a Go value.
func eqInt(p *program, name string, args []*big.Int, want uint64) error {
	got, err := p.callInt(name, args...)
	if err != nil {
		return err
	}
	if got.Cmp(b64(want)) != 0 {
		return fmt.Errorf("model %s = %s, Go = %d", name, got, want)
	}
	return nil
}

// eqFails compares a Bool fails-model with whether the Go code returned an error.
func eqFails(p *program, name string, args []*big.Int, goErr error) (bool, error) {
	fails, err := p.callBool(name, args...)
	if err != nil {
		return false, err
	}
	if fails != (goErr != nil) {
		return fails, fmt.Errorf("model %s = %v, Go error = %v", name, fails, goErr)
	}
	return fails, nil
}

// committeeCases hold the committee models against spec/committee_arith.go.
func committeeCases(cfg *spec.Config) []faithCase {
	S, T, M := cfg.SlotsPerEpoch, cfg.TargetCommitteeSize, cfg.MaxCommitteesPerSlot
	capV := cfg.ActiveValidatorCap()
	vGen := u64Gen(S*T, 2*S*T, M*S*T, capV, capV+1, cfg.ValidatorRegistryLimit)
	return []faithCase{
		{
			name: "committees_per_slot",
			gens: []gopter.Gen{vGen},
			check: func(p *program, a []uint64) error {
				return eqInt(p, "committees_per_slot", bigs(a[0]), cfg.CommitteeCountPerSlot(a[0]))
			},
		},
		{
			name: "beacon_committee_args",
			gens: []gopter.Gen{u64Gen(), gen.OneGenOf(rangeGen(0, M), u64Gen()), gen.OneGenOf(rangeGen(1, M), u64Gen(math.MaxUint64/S))},
			check: func(p *program, a []uint64) error {
				idx, count, goErr := cfg.BeaconCommitteeArgs(spec.Slot(a[0]), spec.CommitteeIndex(a[1]), a[2])
				args := bigs(a...)
				fails, err := eqFails(p, "beacon_committee_args_fails", args, goErr)
				if err != nil || fails {
					return err
				}
				if err := eqInt(p, "beacon_committee_index", args, idx); err != nil {
					return err
				}
				return eqInt(p, "beacon_committee_count", args[2:], count)
			},
		},
		{
			name: "compute_committee",
			gens: []gopter.Gen{gen.OneGenOf(vGen, rangeGen(0, 1<<12)), gen.OneGenOf(rangeGen(0, M*S), u64Gen()), gen.OneGenOf(rangeGen(0, M*S), u64Gen())},
			check: func(p *program, a []uint64) error {
				start, end, goErr := spec.ComputeCommitteeRange(a[0], a[1], a[2])
				args := bigs(a...)
				fails, err := eqFails(p, "compute_committee_fails", args, goErr)
				if err != nil || fails {
					return err
				}
				if err := eqInt(p, "compute_committee_start", args, start); err != nil {
					return err
				}
				if err := eqInt(p, "compute_committee_end", args, end); err != nil {
					return err
				}
				return eqInt(p, "committee_length", args, end-start)
			},
		},
	}
}

// siteCases hold the fails model of every site encoding against the Go code at the site
// (goFails: the model's own function where it is a function of the operands, else its
// checked expression as the code writes it).
func siteCases(cfg *spec.Config) []faithCase {
	var out []faithCase
	for _, e := range siteEncodings(cfg) {
		if e.fails == "" {
			continue
		}
		gens := make([]gopter.Gen, len(e.vars))
		for i := range gens {
			gens[i] = u64Gen(e.around...)
		}
		if len(gens) == 0 {
			gens = []gopter.Gen{gen.Const(uint64(0))} // no operands: one input suffices
		}
		out = append(out, faithCase{
			name: e.model(),
			gens: gens,
			check: func(p *program, a []uint64) error {
				a = a[:len(e.vars)]
				fails, err := p.callBool(e.model(), bigs(a...)...)
				if err != nil {
					return err
				}
				if want := e.goFailsOn(a); fails != want {
					return fmt.Errorf("model %s = %v, Go fails = %v", e.model(), fails, want)
				}
				if e.id == "bytes_to_uint64_width" {
					// The model's operand is the width; its value on 8 bytes is checked
					// too, with the generated number as the value.
					var b [8]byte
					binary.LittleEndian.PutUint64(b[:], a[0])
					if got := spec.BytesToUint64(b[:]); got != a[0] {
						return fmt.Errorf("BytesToUint64 of the 8 bytes of %d = %d", a[0], got)
					}
				}
				return nil
			},
		})
	}
	return out
}

// faithCases are every case of cfg.
func faithCases(cfg *spec.Config) []faithCase {
	return append(committeeCases(cfg), siteCases(cfg)...)
}

func TestModelsFaithful(t *testing.T) {
	for _, name := range spec.PresetNames() {
		cfg := spec.MustPreset(name)
		p, err := newModels(cfg).program()
		if err != nil {
			t.Fatal(err)
		}
		for _, fc := range faithCases(cfg) {
			t.Run(name+"/"+fc.name, func(t *testing.T) {
				t.Parallel()
				if err := checkFaithful(p, fc, faithTests, 1); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// Every model takes part in some faithfulness case: a model no test compares with the Go
// code could say anything.
func TestEveryModelIsHeldToGo(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	m := newModels(cfg)
	p, err := m.program()
	if err != nil {
		t.Fatal(err)
	}
	p.called = map[string]bool{}
	for _, fc := range faithCases(cfg) {
		if err := checkFaithful(p, fc, 200, 2); err != nil {
			t.Error(err)
		}
	}
	for _, d := range m.sorted() {
		if !p.called[d.Name] {
			t.Errorf("model %s is not held to the Go code by any faithfulness case", d.Name)
		}
	}
}

// A model broken on purpose must make the faithfulness check fail: the check can see the
// difference that matters.
func TestBrokenModelIsCaught(t *testing.T) {
	cfg := spec.MustPreset("mainnet")
	for _, tc := range []struct {
		def, from, to string
	}{
		{"compute_committee_end", "(+ index 1)", "(+ index 2)"},
		{"compute_committee_start", "(* n index)", "(* n (+ index 1))"},
		{"committees_per_slot", "(ite (< n 1) 1 n)", "(ite (< n 1) 0 n)"},
		{"beacon_committee_index", "(* (mod slot 32) cps)", "(* (mod slot 31) cps)"},
		{"compute_committee_fails", "(= count 0)", "false"},
		{"get_seed_sum_fails", "(+ epoch 65536)", "(+ epoch 65535)"},
		{"increase_balance_sum_fails", "(+ balance delta)", "(+ balance delta 1)"},
		{"process_slashings_penalty_numerator_fails", "(div effective_balance 1000000000)", "(div effective_balance 100000000)"},
		{"compute_shuffled_index_position_uint32_fails", "4294967296", "4294967295"},
	} {
		t.Run(tc.def, func(t *testing.T) {
			m := newModels(cfg)
			d := m.defs[tc.def]
			if !strings.Contains(d.Body, tc.from) {
				t.Fatalf("model %s has no %q to break: %s", tc.def, tc.from, d.Body)
			}
			d.Body = strings.Replace(d.Body, tc.from, tc.to, 1)
			m.defs[tc.def] = d
			p, err := m.program()
			if err != nil {
				t.Fatal(err)
			}
			var caught error
			for _, fc := range faithCases(cfg) {
				if strings.HasSuffix(fc.name, "_fails") && fc.name != tc.def && strings.HasSuffix(tc.def, "_fails") && !strings.HasPrefix(tc.def, "compute_committee") {
					continue // another site's model: it cannot see this change
				}
				if caught = checkFaithful(p, fc, faithTests, 1); caught != nil {
					break
				}
			}
			if caught == nil {
				t.Fatalf("%s with %s instead of %s passed every faithfulness case", tc.def, tc.to, tc.from)
			}
			t.Logf("caught: %v", caught)
		})
	}
}
