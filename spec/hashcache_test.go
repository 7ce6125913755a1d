package spec

import (
	"errors"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/prysmaticlabs/go-bitfield"
)

// hashCacheStep is one spec mutation the property applies: which (kind) and on what (arg).
type hashCacheStep struct {
	Kind, Arg int
}

// applyStep applies one mutation through the model, as a transition would. Errors are
// part of the sequence (an invalid transition must leave the state, and its cache, as it
// was); only the roots are compared.
func applyStep(m *Model, s *BeaconState, st hashCacheStep) {
	n := len(s.Validators)
	i := ValidatorIndex(st.Arg % n)
	switch st.Kind {
	case 0:
		_ = m.IncreaseBalance(s, i, Gwei(st.Arg)*1_000_000)
	case 1:
		_ = m.DecreaseBalance(s, i, Gwei(st.Arg)*7_000_000_000)
	case 2:
		_ = m.InitiateValidatorExit(s, i)
	case 3:
		m.ResetCaches()
		_ = m.SlashValidator(s, i, nil)
	case 4: // a few slots, across epoch boundaries now and then (rewards, registry, rotation)
		_ = m.ProcessSlots(s, s.Slot+Slot(1+st.Arg%11))
	case 5:
		_ = m.ProcessEth1Data(s, &BeaconBlockBody{Eth1Data: Eth1Data{DepositCount: uint64(st.Arg)}})
	case 6:
		s.AppendPendingAttestation(st.Arg%2 == 0, PendingAttestation{
			AggregationBits: bitfield.NewBitlist(uint64(1 + st.Arg%9)),
			Data:            AttestationData{Slot: s.Slot, Index: CommitteeIndex(st.Arg % 3)},
			InclusionDelay:  1, ProposerIndex: i,
		})
	case 7: // an invalid block: processed slots and all must be undone
		b := &SignedBeaconBlock{Message: BeaconBlock{Slot: s.Slot + Slot(1+st.Arg%20), ProposerIndex: ValidatorIndex(n + 1)}}
		_ = m.StateTransition(s, b, false)
	}
}

// The cached root must equal the root from scratch after any sequence of spec mutations.
func TestHashCacheEqualsScratch(t *testing.T) {
	params := gopter.DefaultTestParametersWithSeed(3)
	params.MinSuccessfulTests = 40
	properties := gopter.NewProperties(params)
	cfg := MustPreset("minimal")
	step := gopter.CombineGens(gen.IntRange(0, 7), gen.IntRange(0, 1<<20)).Map(func(v []any) hashCacheStep {
		return hashCacheStep{Kind: v[0].(int), Arg: v[1].(int)}
	})
	properties.Property("cached root == root from scratch after random spec mutations", prop.ForAll(
		func(n int, steps []hashCacheStep) bool {
			s := testState(cfg, n)
			s.EnableHashCache()
			m := NewModel(cfg)
			for k, st := range steps {
				applyStep(m, s, st)
				if k%3 == 2 && st.Kind != 4 { // let several writes pile up between roots too
					continue
				}
				cached, err1 := HashTreeRoot(cfg, s)
				scratch, err2 := HashTreeRoot(cfg, s.copyBare())
				if err1 != nil || err2 != nil || cached != scratch {
					t.Logf("%d validators, after step %d %+v: cached %x (%v), scratch %x (%v)", n, k, st, cached, err1, scratch, err2)
					return false
				}
				if k == len(steps)/2 { // a copy carries a clone of the cache, independent of s
					c := s.Copy()
					applyStep(m, c, hashCacheStep{Kind: 0, Arg: k})
					cc, _ := HashTreeRoot(cfg, c)
					cs, _ := HashTreeRoot(cfg, c.copyBare())
					if again, _ := HashTreeRoot(cfg, s); cc != cs || again != scratch {
						t.Logf("copy after step %d: cached %x, scratch %x; original now %x, was %x", k, cc, cs, again, scratch)
						return false
					}
				}
			}
			return true
		},
		gen.IntRange(16, 300), gen.SliceOfN(30, step),
	))
	properties.TestingRun(t)
}

// An invalid transition leaves a state with a hash cache as it was: same fields, same
// cached root, and the cache still right for what comes next.
func TestInvalidTransitionLeavesTheHashCacheRight(t *testing.T) {
	cfg := MustPreset("minimal")
	s := testState(cfg, 64)
	s.EnableHashCache()
	m := NewModel(cfg)
	pre, _ := HashTreeRoot(cfg, s)
	preCopy := s.copyBare()
	block := &SignedBeaconBlock{Message: BeaconBlock{Slot: s.Slot + Slot(2*cfg.SlotsPerEpoch), ProposerIndex: 1000}}
	if err := m.StateTransition(s, block, false); err == nil {
		t.Fatal("a block from validator 1000 of 64 was accepted")
	}
	if p := (frame{}).changedOutside(preCopy, s); p != "" {
		t.Fatalf("%s changed although the transition failed", p)
	}
	if got, _ := HashTreeRoot(cfg, s); got != pre {
		t.Fatalf("cached root after the failed block %x, before %x", got, pre)
	}
	if err := m.ProcessSlots(s, s.Slot+Slot(cfg.SlotsPerEpoch)); err != nil {
		t.Fatal(err)
	}
	cached, _ := HashTreeRoot(cfg, s)
	if scratch, _ := HashTreeRoot(cfg, s.copyBare()); cached != scratch {
		t.Fatalf("after the rollback and an epoch: cached %x, scratch %x", cached, scratch)
	}
}

// A write that bypasses the writers leaves the cache stale; checked mode names it at the
// next state root the transition reads.
func TestCheckedModeCatchesAStaleHashCache(t *testing.T) {
	cfg := MustPreset("minimal")
	s := testState(cfg, 64)
	s.EnableHashCache()
	if _, err := HashTreeRoot(cfg, s); err != nil {
		t.Fatal(err)
	}
	s.Balances[5] += 1 // behind the cache's back
	m := NewModel(cfg)
	m.Checked = &Checks{}
	err := m.ProcessSlots(s, s.Slot+1)
	var cv *ContractViolation
	if !errors.As(err, &cv) || cv.Clause != "cached_equals_scratch" || cv.Func != "hash_tree_root" {
		t.Fatalf("error %v, want a violation of hash_tree_root's cached_equals_scratch", err)
	}
	s.ResetHashCache()
	if err := m.ProcessSlots(s, s.Slot+1); err != nil {
		t.Fatalf("after ResetHashCache: %v", err)
	}
}
