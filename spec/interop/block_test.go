package interop

import (
	"errors"
	"slices"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
)

// A two-epoch chain with every validator attesting replays, signatures checked, to the
// post-state BuildChain reports; building it again gives the same blocks.
func TestBuildChainReplays(t *testing.T) {
	cfg, keys, _, genesis := network(t, 64, 0)
	m := spec.NewModel(cfg)
	genesisRoot := root(t, cfg, genesis)
	opts := BlockOptions{Participation: 1}
	blocks, post, err := BuildChain(m, genesis, keys, 2*cfg.SlotsPerEpoch, opts)
	if err != nil {
		t.Fatal(err)
	}
	if root(t, cfg, genesis) != genesisRoot {
		t.Fatal("BuildChain changed the genesis state")
	}
	again, _, err := BuildChain(m, genesis, keys, 2*cfg.SlotsPerEpoch, opts)
	if err != nil {
		t.Fatal(err)
	}
	state := genesis.Copy()
	for i, b := range blocks {
		if b.Message.Slot != spec.Slot(i+1) {
			t.Fatalf("block %d is for slot %d", i, b.Message.Slot)
		}
		if got, want := encode(t, cfg, again[i]), encode(t, cfg, b); !slices.Equal(got, want) {
			t.Fatalf("block %d differs between two builds", i)
		}
		// Two committees of four per slot in minimal with 64 validators, all bits set.
		if n := len(b.Message.Body.Attestations); n != 2 {
			t.Errorf("block %d has %d attestations, want 2", i, n)
		}
		for _, a := range b.Message.Body.Attestations {
			if a.AggregationBits.Count() != a.AggregationBits.Len() {
				t.Errorf("block %d: attestation with %d of %d bits set", i, a.AggregationBits.Count(), a.AggregationBits.Len())
			}
		}
		if err := m.StateTransition(state, b, true); err != nil {
			t.Fatalf("replaying block %d: %v", b.Message.Slot, err)
		}
	}
	assertSameRoot(t, cfg, state, post)
}

// Justification and finality follow participation: the replayed chain, signatures checked,
// is read at three epoch boundaries.
func TestChainFinality(t *testing.T) {
	cfg, keys, _, genesis := network(t, 64, 0)
	m := spec.NewModel(cfg)
	type checkpoints struct{ justified, finalized spec.Epoch }
	tests := []struct {
		participation float64
		at            map[spec.Slot]checkpoints // the state's checkpoints once slot is reached
	}{
		// Every epoch justified as it ends (7 of its 8 slots' attestations are in) and the
		// one before finalized (rule 4 of process_justification_and_finalization).
		{1, map[spec.Slot]checkpoints{24: {2, 0}, 32: {3, 2}, 40: {4, 3}}},
		// 3 of 4 per committee: 7 slots of an epoch are 65.6% < 2/3, so each epoch is only
		// justified one epoch late, as the previous epoch, and finality comes by rule 1.
		{0.75, map[spec.Slot]checkpoints{24: {1, 0}, 32: {2, 0}, 40: {3, 1}}},
		{0.5, map[spec.Slot]checkpoints{24: {0, 0}, 32: {0, 0}, 40: {0, 0}}},
	}
	for _, tt := range tests {
		blocks, _, err := BuildChain(m, genesis, keys, 5*cfg.SlotsPerEpoch, BlockOptions{Participation: tt.participation, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		state := genesis.Copy()
		for _, b := range blocks {
			if err := m.StateTransition(state, b, true); err != nil {
				t.Fatalf("participation %v: block %d: %v", tt.participation, b.Message.Slot, err)
			}
			want, ok := tt.at[state.Slot]
			if !ok {
				continue
			}
			got := checkpoints{state.CurrentJustifiedCheckpoint.Epoch, state.FinalizedCheckpoint.Epoch}
			if got != want {
				t.Errorf("participation %v, slot %d: justified %d, finalized %d; want %d, %d",
					tt.participation, state.Slot, got.justified, got.finalized, want.justified, want.finalized)
			}
		}
	}
}

// One block with an exit, a proposer slashing, an attester slashing and a deposit, on a
// state old enough for exits (SHARD_COMMITTEE_PERIOD = 64 epochs in minimal).
func TestBlockWithEveryOperation(t *testing.T) {
	cfg, keys, log, genesis := network(t, 64, 1)
	m := spec.NewModel(cfg)
	state := genesis.Copy()
	slot := spec.Slot(cfg.ShardCommitteePeriod * cfg.SlotsPerEpoch)
	if err := m.ProcessSlots(state, slot); err != nil {
		t.Fatal(err)
	}
	if err := log.AppendKeys(keys, 64, []spec.Gwei{cfg.MaxEffectiveBalance}); err != nil {
		t.Fatal(err)
	}
	if err := SetEth1Data(state, log.Eth1Data()); err != nil {
		t.Fatal(err)
	}
	// Pick validators other than the block's proposer.
	proposer := proposerAt(t, m, state, slot+1)
	var others []spec.ValidatorIndex
	for _, v := range ExitCandidates(m, state, m.ComputeEpochAtSlot(slot+1)) {
		if v != proposer {
			others = append(others, v)
		}
	}
	exit, proposerSlashed, attesterSlashed := others[0], others[1], others[2:5]
	opts := BlockOptions{
		Participation:     1,
		Deposits:          log,
		VoluntaryExits:    []spec.ValidatorIndex{exit},
		ProposerSlashings: []spec.ValidatorIndex{proposerSlashed},
		AttesterSlashings: [][]spec.ValidatorIndex{attesterSlashed},
	}
	block, err := BuildBlock(m, state, keys, opts)
	if err != nil {
		t.Fatal(err)
	}
	body := &block.Message.Body
	if len(body.VoluntaryExits) != 1 || len(body.ProposerSlashings) != 1 || len(body.AttesterSlashings) != 1 || len(body.Deposits) != 1 || len(body.Attestations) != 2 {
		t.Fatalf("block has %d exits, %d proposer slashings, %d attester slashings, %d deposits, %d attestations",
			len(body.VoluntaryExits), len(body.ProposerSlashings), len(body.AttesterSlashings), len(body.Deposits), len(body.Attestations))
	}
	post := state.Copy()
	if err := m.StateTransition(post, block, true); err != nil {
		t.Fatalf("StateTransition: %v", err)
	}
	if v := post.Validators[exit]; v.ExitEpoch == spec.FarFutureEpoch || v.Slashed {
		t.Errorf("exited validator %d: exit epoch %d, slashed %v", exit, v.ExitEpoch, v.Slashed)
	}
	for _, v := range append([]spec.ValidatorIndex{proposerSlashed}, attesterSlashed...) {
		if !post.Validators[v].Slashed {
			t.Errorf("validator %d is not slashed", v)
		}
	}
	if len(post.Validators) != 65 || post.Validators[64].Pubkey != keys.Pubkey(64) || post.Eth1DepositIndex != 65 {
		t.Errorf("after the deposit: %d validators, eth1_deposit_index %d", len(post.Validators), post.Eth1DepositIndex)
	}
}

// Deposits by voting: proposers vote the deposit log's eth1 data in over more than half a
// voting period, and the block that tips the vote carries the deposits.
func TestDepositsByVoting(t *testing.T) {
	cfg, keys, log, genesis := network(t, 64, 2)
	m := spec.NewModel(cfg)
	if err := log.AppendKeys(keys, 64, []spec.Gwei{cfg.MaxEffectiveBalance, cfg.MinDepositAmount}); err != nil {
		t.Fatal(err)
	}
	eth1 := log.Eth1Data()
	majority := cfg.EpochsPerEth1VotingPeriod*cfg.SlotsPerEpoch/2 + 1 // 17 in minimal
	blocks, post, err := BuildChain(m, genesis, keys, majority, BlockOptions{Participation: 1, Eth1Vote: &eth1, Deposits: log})
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range blocks {
		want := 0
		if uint64(i) == majority-1 {
			want = 2
		}
		if got := len(b.Message.Body.Deposits); got != want {
			t.Errorf("block %d has %d deposits, want %d", b.Message.Slot, got, want)
		}
	}
	state := genesis.Copy()
	for _, b := range blocks {
		if err := m.StateTransition(state, b, true); err != nil {
			t.Fatalf("block %d: %v", b.Message.Slot, err)
		}
	}
	assertSameRoot(t, cfg, state, post)
	if state.Eth1Data != eth1 || len(state.Validators) != 66 || state.Balances[65] != cfg.MinDepositAmount {
		t.Errorf("eth1_data %+v, %d validators", state.Eth1Data, len(state.Validators))
	}

	// Without the log, the block that tips the vote cannot be built.
	_, _, err = BuildChain(m, genesis, keys, majority, BlockOptions{Eth1Vote: &eth1})
	var de *DepositsError
	if !errors.As(err, &de) || de.Count != 66 || de.First != 64 || de.LogLen != 0 {
		t.Errorf("BuildChain without deposits: err = %v, want a *DepositsError for deposits 64..65", err)
	}
}

// A block altered after signing fails StateTransition with the check it breaks, and the
// state it was applied to keeps its root.
func TestTamperedBlocks(t *testing.T) {
	cfg, keys, _, genesis := network(t, 64, 0)
	m := spec.NewModel(cfg)
	_, state, err := BuildChain(m, genesis, keys, 3, BlockOptions{Participation: 1})
	if err != nil {
		t.Fatal(err)
	}
	good, err := BuildBlock(m, state, keys, BlockOptions{Participation: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		tamper    func(b *spec.SignedBeaconBlock)
		check     string
		operation string // the OperationError kind, if an operation fails
	}{
		{"block signature bit flipped", func(b *spec.SignedBeaconBlock) {
			b.Signature[40] ^= 1
		}, spec.CheckBlockSignature, ""},
		{"signed by another validator", func(b *spec.SignedBeaconBlock) {
			resign(t, m, keys, state, b, (b.Message.ProposerIndex+1)%64, false)
		}, spec.CheckBlockSignature, ""},
		{"state root changed, re-signed", func(b *spec.SignedBeaconBlock) {
			b.Message.StateRoot[0] ^= 1
			resign(t, m, keys, state, b, b.Message.ProposerIndex, false)
		}, spec.CheckStateRoot, ""},
		{"randao reveal replaced by another signature, re-signed", func(b *spec.SignedBeaconBlock) {
			b.Message.Body.RandaoReveal = b.Signature
			resign(t, m, keys, state, b, b.Message.ProposerIndex, true)
		}, spec.CheckRandaoReveal, ""},
		{"attestation signatures swapped, re-signed", func(b *spec.SignedBeaconBlock) {
			as := b.Message.Body.Attestations
			as[0].Signature, as[1].Signature = as[1].Signature, as[0].Signature
			resign(t, m, keys, state, b, b.Message.ProposerIndex, true)
		}, spec.CheckAttestationValid, "attestation"},
	}
	before := root(t, cfg, state)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block := copyBlock(t, cfg, good)
			tt.tamper(block)
			err := m.StateTransition(state, block, true)
			var ae *spec.AssertError
			if !errors.As(err, &ae) || ae.Check != tt.check {
				t.Fatalf("StateTransition: err = %v, want the %s check to fail", err, tt.check)
			}
			var oe *spec.OperationError
			if tt.operation != "" && (!errors.As(err, &oe) || oe.Kind != tt.operation) {
				t.Errorf("err = %v, want a failed %s", err, tt.operation)
			}
			if root(t, cfg, state) != before {
				t.Error("the failed transition changed the state")
			}
		})
	}
	if err := m.StateTransition(state, good, true); err != nil {
		t.Fatalf("the untampered block: %v", err)
	}
}

func TestBuildBlockErrors(t *testing.T) {
	cfg, keys, log, genesis := network(t, 64, 2)
	m := spec.NewModel(cfg)
	if err := log.AppendKeys(keys, 64, []spec.Gwei{cfg.MaxEffectiveBalance}); err != nil {
		t.Fatal(err)
	}
	withDeposit := genesis.Copy()
	if err := SetEth1Data(withDeposit, log.Eth1Data()); err != nil {
		t.Fatal(err)
	}
	other := NewDepositLog(cfg) // 65 deposits, the last of another key
	if err := other.AppendKeys(keys, 0, slices.Repeat([]spec.Gwei{cfg.MaxEffectiveBalance}, 64)); err != nil {
		t.Fatal(err)
	}
	if err := other.AppendKeys(keys, 65, []spec.Gwei{cfg.MaxEffectiveBalance}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		state *spec.BeaconState
		keys  *Keys
		opts  BlockOptions
		want  func(error) bool
	}{
		{"zero options: an empty block at the next slot", genesis, keys, BlockOptions{}, nil},
		{"participation above one", genesis, keys, BlockOptions{Participation: 1.5}, optionsError("Participation")},
		{"empty attester slashing", genesis, keys, BlockOptions{AttesterSlashings: [][]spec.ValidatorIndex{{}}}, optionsError("AttesterSlashings")},
		{"no keys", genesis, nil, BlockOptions{}, func(err error) bool {
			var ke *KeyError
			return errors.As(err, &ke)
		}},
		{"exit too young", genesis, keys, BlockOptions{VoluntaryExits: []spec.ValidatorIndex{3}}, func(err error) bool {
			var be *BlockError
			var ae *spec.AssertError
			return errors.As(err, &be) && be.Step == "process_block" && errors.As(err, &ae) && ae.Check == spec.CheckExitTooYoung
		}},
		{"outstanding deposits, no log", withDeposit, keys, BlockOptions{}, func(err error) bool {
			var de *DepositsError
			return errors.As(err, &de) && de.First == 64 && de.Count == 65
		}},
		{"outstanding deposits, log of other deposits", withDeposit, keys, BlockOptions{Deposits: other}, func(err error) bool {
			var de *DepositsError
			return errors.As(err, &de) && de.RootOfLog != (spec.Root{}) && de.RootOfLog != de.RootInState
		}},
		{"outstanding deposits, right log", withDeposit, keys, BlockOptions{Deposits: log}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := BuildBlock(m, tt.state, tt.keys, tt.opts)
			switch {
			case tt.want == nil && err != nil:
				t.Errorf("err = %v, want none", err)
			case tt.want != nil && !tt.want(err):
				t.Errorf("err = %v (%T), not the error wanted", err, err)
			}
		})
	}
	later := genesis.Copy()
	later.Slot = 5
	if _, err := BuildBlock(m, later, keys, BlockOptions{Slot: 5}); !optionsError("Slot")(err) {
		t.Errorf("block at the state's own slot: err = %v", err)
	}
	if _, _, err := BuildChain(m, genesis, keys, 2, BlockOptions{VoluntaryExits: []spec.ValidatorIndex{1}}); !optionsError("operations")(err) {
		t.Errorf("BuildChain with an exit: err = %v", err)
	}
}

func optionsError(field string) func(error) bool {
	return func(err error) bool {
		var oe *OptionsError
		return errors.As(err, &oe) && oe.Field == field
	}
}

// resign signs b as validator v, after recomputing its state root if fixRoot.
func resign(t *testing.T, m *spec.Model, keys *Keys, pre *spec.BeaconState, b *spec.SignedBeaconBlock, v spec.ValidatorIndex, fixRoot bool) {
	t.Helper()
	fast := spec.NewModel(m.Config)
	fast.VerifySignatures = false
	if fixRoot {
		post := pre.Copy()
		if err := fast.StateTransition(post, b, false); err != nil {
			t.Fatal(err)
		}
		b.Message.StateRoot = root(t, m.Config, post)
	}
	at := pre.Copy()
	if err := fast.ProcessSlots(at, b.Message.Slot); err != nil {
		t.Fatal(err)
	}
	signingRoot, err := fast.ComputeSigningRoot(&b.Message, fast.GetDomain(at, fast.DomainBeaconProposer, nil))
	if err != nil {
		t.Fatal(err)
	}
	i, ok := keys.Index(at.Validators[v].Pubkey)
	if !ok {
		t.Fatalf("no key for validator %d", v)
	}
	b.Signature = bls.Sign(keys.SecretKey(i), signingRoot[:])
}

func proposerAt(t *testing.T, m *spec.Model, state *spec.BeaconState, slot spec.Slot) spec.ValidatorIndex {
	t.Helper()
	at := state.Copy()
	if err := m.ProcessSlots(at, slot); err != nil {
		t.Fatal(err)
	}
	p, err := m.GetBeaconProposerIndex(at)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func copyBlock(t *testing.T, cfg *spec.Config, b *spec.SignedBeaconBlock) *spec.SignedBeaconBlock {
	t.Helper()
	var c spec.SignedBeaconBlock
	if err := spec.Unmarshal(cfg, encode(t, cfg, b), &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

func encode(t *testing.T, cfg *spec.Config, b *spec.SignedBeaconBlock) []byte {
	t.Helper()
	data, err := spec.Marshal(cfg, b)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func root(t *testing.T, cfg *spec.Config, state *spec.BeaconState) spec.Root {
	t.Helper()
	r, err := spec.HashTreeRoot(cfg, state)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
