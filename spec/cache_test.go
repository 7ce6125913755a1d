package spec

import (
	"errors"
	"slices"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/prysmaticlabs/go-bitfield"
)

// The model's caches (whole-list shuffle, committees, proposers, total active balance)
// must equal the plain spec computation they stand in for.
func TestCachesEqualPlainSpec(t *testing.T) {
	params := gopter.DefaultTestParametersWithSeed(1)
	params.MinSuccessfulTests = 60
	properties := gopter.NewProperties(params)
	cfg := MustPreset("minimal")

	properties.Property("committees, proposer and total balance from caches equal the spec's plain path", prop.ForAll(
		func(n int, seedByte uint8, slotInEpoch uint64, exited int) bool {
			s := testState(cfg, n)
			s.Slot = Slot(cfg.SlotsPerEpoch*2 + slotInEpoch)
			for i := range s.RandaoMixes {
				s.RandaoMixes[i] = Root{seedByte, byte(i)}
			}
			for i := 0; i < exited && i < n; i++ { // some validators left: the active set has holes
				s.Validators[i*7%n].ExitEpoch = 1
			}
			m := NewModel(cfg)
			epoch := m.GetCurrentEpoch(s)
			active := activeValidatorIndices(s, epoch)
			seed, err := m.GetSeed(s, epoch, cfg.DomainBeaconAttester)
			if err != nil {
				return false
			}
			perSlot := m.GetCommitteeCountPerSlot(s, epoch)
			for slot := uint64(0); slot < cfg.SlotsPerEpoch; slot++ {
				for index := uint64(0); index < perSlot; index++ {
					at := Slot(uint64(epoch)*cfg.SlotsPerEpoch + slot)
					cached, err := m.GetBeaconCommittee(s, at, CommitteeIndex(index))
					if err != nil {
						return false
					}
					plain, err := NewModel(cfg).ComputeCommittee(active, seed, slot*perSlot+index, perSlot*cfg.SlotsPerEpoch)
					if err != nil || !slices.Equal(cached, plain) {
						t.Logf("committee (%d, %d) differs: cached %v, plain %v", slot, index, cached, plain)
						return false
					}
				}
			}
			cachedProposer, err1 := m.GetBeaconProposerIndex(s)
			again, err2 := m.GetBeaconProposerIndex(s) // served from the cache
			plainProposer, err3 := plainProposerIndex(m, s)
			total, err4 := m.GetTotalActiveBalance(s)
			var sum Gwei
			for _, i := range active {
				sum += s.Validators[i].EffectiveBalance
			}
			if len(active) == 0 { // compute_proposer_index asserts a non-empty set, cached or not
				return err1 != nil && err2 != nil && err3 != nil && err4 == nil && total == cfg.EffectiveBalanceIncrement
			}
			return err1 == nil && err2 == nil && err3 == nil && err4 == nil &&
				cachedProposer == plainProposer && again == plainProposer &&
				total == max(sum, cfg.EffectiveBalanceIncrement)
		},
		gen.IntRange(0, 700), gen.UInt8(), gen.UInt64Range(0, 7), gen.IntRange(0, 40),
	))
	properties.TestingRun(t)
}

// plainProposerIndex is get_beacon_proposer_index without any cache.
func plainProposerIndex(m *Model, s *BeaconState) (ValidatorIndex, error) {
	fresh := NewModel(m.Config)
	epoch := fresh.GetCurrentEpoch(s)
	base, err := fresh.GetSeed(s, epoch, m.DomainBeaconProposer)
	if err != nil {
		return 0, err
	}
	seed := Hash(append(base[:], UintToBytes8(uint64(s.Slot))...))
	return fresh.ComputeProposerIndex(s, activeValidatorIndices(s, epoch), seed)
}

func TestCachesFollowRegistryChanges(t *testing.T) {
	cfg := MustPreset("minimal")
	s := testState(cfg, 64)
	m := NewModel(cfg)
	epoch := m.GetCurrentEpoch(s)
	before := len(m.GetActiveValidatorIndices(s, epoch+5))
	if err := m.InitiateValidatorExit(s, 3); err != nil {
		t.Fatal(err)
	}
	// The exit takes effect at compute_activation_exit_epoch(epoch) = epoch + 5.
	if after := len(m.GetActiveValidatorIndices(s, epoch+5)); after != before-1 {
		t.Fatalf("active at epoch+5: %d before the exit, %d after; the cache was not dropped", before, after)
	}
}

func TestAttestingIndicesReadPastTheBitlistIsAnError(t *testing.T) {
	cfg := MustPreset("minimal")
	s := testState(cfg, 64)
	m := NewModel(cfg)
	data := &AttestationData{Slot: s.Slot - 1, Index: 0}
	committee, err := m.GetBeaconCommittee(s, data.Slot, data.Index)
	if err != nil || len(committee) < 2 {
		t.Fatalf("committee %v, %v", committee, err)
	}
	short := bitfield.NewBitlist(uint64(len(committee) - 1))
	short.SetBitAt(0, true)
	_, err = m.GetAttestingIndices(s, data, short)
	var be *BitlistIndexError
	if !errors.As(err, &be) || be.Index != uint64(len(committee)-1) || be.Len != uint64(len(committee)-1) {
		t.Fatalf("error %v, want a BitlistIndexError at bit %d", err, len(committee)-1)
	}
	full := bitfield.NewBitlist(uint64(len(committee)))
	full.SetBitAt(1, true)
	got, err := m.GetAttestingIndices(s, data, full)
	if err != nil || len(got) != 1 || got[0] != committee[1] {
		t.Fatalf("attesting indices %v, %v; want [%d]", got, err, committee[1])
	}
}

func TestInvalidTransitionsLeaveTheStateUnchanged(t *testing.T) {
	cfg := MustPreset("minimal")
	s := testState(cfg, 64)
	m := NewModel(cfg)
	root, _ := HashTreeRoot(cfg, s)
	checkUnchanged := func(what string, err error, check string) {
		t.Helper()
		var ae *AssertError
		if check != "" && (!errors.As(err, &ae) || ae.Check != check) {
			t.Errorf("%s: error %v, want the %q check", what, err, check)
		}
		if err == nil {
			t.Errorf("%s: accepted", what)
		}
		if after, _ := HashTreeRoot(cfg, s); after != root {
			t.Errorf("%s: the state changed", what)
		}
	}
	checkUnchanged("process_slots to the past", m.ProcessSlots(s, s.Slot-1), CheckSlotInFuture)
	// A block two epochs ahead from the wrong proposer: the slots are processed (across two
	// epoch boundaries) before the header check fails; none of it may stick.
	block := &SignedBeaconBlock{Message: BeaconBlock{Slot: s.Slot + Slot(2*cfg.SlotsPerEpoch)}}
	proposer, err := NewModel(cfg).proposerAt(s, block.Message.Slot)
	if err != nil {
		t.Fatal(err)
	}
	block.Message.ProposerIndex = proposer + 1
	checkUnchanged("block from the wrong proposer", m.StateTransition(s, block, false), CheckHeaderProposerIndex)
	m.VerifySignatures = true
	block.Message.ProposerIndex = proposer
	checkUnchanged("block with a bad signature", m.StateTransition(s, block, true), CheckBlockSignature)
}

// proposerAt is the proposer the model expects at slot (on a copy advanced there).
func (m *Model) proposerAt(s *BeaconState, slot Slot) (ValidatorIndex, error) {
	c := s.Copy()
	if err := m.ProcessSlots(c, slot); err != nil {
		return 0, err
	}
	return m.GetBeaconProposerIndex(c)
}

// The cached exit queue must give every exit the epoch the spec's scan of the registry
// gives it: exits fill each epoch up to the churn limit, then move to the next.
func TestExitQueueCacheMatchesScan(t *testing.T) {
	cfg := MustPreset("minimal")
	s := testState(cfg, 300)
	s.Validators[7].ExitEpoch = 9 // an exit already queued beyond the earliest epoch
	cached := NewModel(cfg)
	for i := 10; i < 40; i++ {
		// The spec's scan, on a copy, with a fresh model (no cache).
		want := s.Copy()
		if err := NewModel(cfg).InitiateValidatorExit(want, ValidatorIndex(i)); err != nil {
			t.Fatal(err)
		}
		if err := cached.InitiateValidatorExit(s, ValidatorIndex(i)); err != nil {
			t.Fatal(err)
		}
		if s.Validators[i].ExitEpoch != want.Validators[i].ExitEpoch {
			t.Fatalf("exit %d: cached queue gives epoch %d, the scan %d", i, s.Validators[i].ExitEpoch, want.Validators[i].ExitEpoch)
		}
	}
	// 4 per epoch (MIN_PER_EPOCH_CHURN_LIMIT): epoch 9 held one and takes 3 more, epochs 10-15
	// take 24, and the last 3 go to epoch 16.
	if got := s.Validators[39].ExitEpoch; got != 16 {
		t.Fatalf("the 30th exit lands in epoch %d, want 16", got)
	}
}
