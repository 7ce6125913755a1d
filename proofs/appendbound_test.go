package proofs

import (
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/beaconcheck/beaconcheck/chain"
	"github.com/beaconcheck/beaconcheck/properties"
	"github.com/beaconcheck/beaconcheck/spec"
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
