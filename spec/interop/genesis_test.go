package interop

import (
	"slices"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// network is a minimal-preset genesis of n interop validators with its keys and deposit
// log; keys holds extra more keys for deposits after genesis.
func network(t testing.TB, n, extra uint64) (*spec.Config, *Keys, *DepositLog, *spec.BeaconState) {
	t.Helper()
	cfg := spec.MustPreset("minimal")
	keys := NewKeys(n + extra)
	log := NewDepositLog(cfg)
	if err := log.AppendKeys(keys, 0, slices.Repeat([]spec.Gwei{cfg.MaxEffectiveBalance}, int(n))); err != nil {
		t.Fatal(err)
	}
	genesis, err := GenesisFrom(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, keys, log, genesis
}

func TestGenesisValidity(t *testing.T) {
	cfg := spec.MustPreset("minimal") // MIN_GENESIS_ACTIVE_VALIDATOR_COUNT = 64
	tests := []struct {
		n     uint64
		valid bool
	}{
		{64, true},
		{63, false},
		{65, true},
	}
	for _, tt := range tests {
		state, err := Genesis(cfg, tt.n)
		if err != nil {
			t.Fatalf("Genesis(minimal, %d): %v", tt.n, err)
		}
		m := spec.NewModel(cfg)
		got, err := m.IsValidGenesisState(state)
		if err != nil {
			t.Fatalf("IsValidGenesisState(Genesis(minimal, %d)): %v", tt.n, err)
		}
		if got != tt.valid {
			t.Errorf("IsValidGenesisState(Genesis(minimal, %d)) = %v, want %v", tt.n, got, tt.valid)
		}
		if got := uint64(len(m.GetActiveValidatorIndices(state, spec.GenesisEpoch))); got != tt.n {
			t.Errorf("n = %d: %d active validators at genesis", tt.n, got)
		}
		if want := cfg.MinGenesisTime + cfg.GenesisDelay; state.GenesisTime != want {
			t.Errorf("n = %d: genesis_time %d, want MIN_GENESIS_TIME + GENESIS_DELAY = %d", tt.n, state.GenesisTime, want)
		}
		if state.Eth1Data.BlockHash != GenesisEth1BlockHash || state.Eth1Data.DepositCount != tt.n || state.Eth1DepositIndex != tt.n {
			t.Errorf("n = %d: eth1_data %+v, eth1_deposit_index %d", tt.n, state.Eth1Data, state.Eth1DepositIndex)
		}
		for i, v := range state.Validators {
			if v.Pubkey != Pubkey(uint64(i)) || v.WithdrawalCredentials[0] != cfg.BLSWithdrawalPrefix {
				t.Fatalf("n = %d: validator %d has pubkey %x, credentials %x", tt.n, i, v.Pubkey, v.WithdrawalCredentials)
			}
		}
	}
}

// GenesisFrom skips the proofs of possession; with them checked, the same deposits give
// the same state.
func TestGenesisWithSignaturesIsTheSame(t *testing.T) {
	cfg, _, log, fast := network(t, 16, 0)
	checked, err := genesis(spec.NewModel(cfg), log)
	if err != nil {
		t.Fatal(err)
	}
	if len(checked.Validators) != 16 {
		t.Fatalf("with signatures checked, %d of 16 deposits made a validator", len(checked.Validators))
	}
	assertSameRoot(t, cfg, checked, fast)
}

func TestGenesisIsDeterministic(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	a, err := Genesis(cfg, 64)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Genesis(cfg, 64)
	if err != nil {
		t.Fatal(err)
	}
	assertSameRoot(t, cfg, a, b)
}

func TestDepositProofs(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	keys := NewKeys(5)
	amounts := []spec.Gwei{cfg.MaxEffectiveBalance, cfg.MinDepositAmount, 17e9, cfg.MaxEffectiveBalance, 1e9}
	genesisDeposits, err := Deposits(cfg, keys, amounts)
	if err != nil {
		t.Fatal(err)
	}
	blockDeposits, eth1, err := BlockDeposits(cfg, keys, amounts)
	if err != nil {
		t.Fatal(err)
	}
	if eth1.DepositCount != 5 {
		t.Fatalf("BlockDeposits eth1 count %d, want 5", eth1.DepositCount)
	}
	log := NewDepositLog(cfg)
	for i := range amounts {
		d := genesisDeposits[i]
		if d.Data.Amount != amounts[i] || d.Data.Pubkey != keys.Pubkey(uint64(i)) || len(d.Proof) != 33 {
			t.Fatalf("deposit %d: amount %d, pubkey %x, %d proof nodes", i, d.Data.Amount, d.Data.Pubkey, len(d.Proof))
		}
		if err := log.Append(d.Data); err != nil {
			t.Fatal(err)
		}
		leaf, err := spec.HashTreeRoot(cfg, &d.Data)
		if err != nil {
			t.Fatal(err)
		}
		// Genesis: against the root after the deposit. Blocks: against the root of all five.
		rootAfter := log.Eth1Data().DepositRoot
		if !spec.IsValidMerkleBranch(leaf, d.Proof, spec.DepositContractTreeDepth+1, uint64(i), rootAfter) {
			t.Errorf("genesis deposit %d does not prove against the root of the first %d", i, i+1)
		}
		if !spec.IsValidMerkleBranch(leaf, blockDeposits[i].Proof, spec.DepositContractTreeDepth+1, uint64(i), eth1.DepositRoot) {
			t.Errorf("block deposit %d does not prove against the root of all 5", i)
		}
		if i < 4 && spec.IsValidMerkleBranch(leaf, d.Proof, spec.DepositContractTreeDepth+1, uint64(i), eth1.DepositRoot) {
			t.Errorf("genesis deposit %d proves against the root of all 5 too", i)
		}
	}
}

func assertSameRoot(t *testing.T, cfg *spec.Config, a, b *spec.BeaconState) {
	t.Helper()
	ra, err := spec.HashTreeRoot(cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := spec.HashTreeRoot(cfg, b)
	if err != nil {
		t.Fatal(err)
	}
	if ra != rb {
		t.Errorf("state roots differ: %x and %x", ra, rb)
	}
}
