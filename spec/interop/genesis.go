package interop

import (
	"slices"

	"github.com/beaconcheck/beaconcheck/spec"
)

// GenesisEth1BlockHash is the Eth1 block hash of every interop genesis, 0x42 repeated, as
// the interop mocked start and the spec's own tests use.
var GenesisEth1BlockHash = spec.Root(slices.Repeat([]byte{0x42}, 32))

// Genesis returns the genesis state of n interop validators, each with one deposit of
// MAX_EFFECTIVE_BALANCE, so all n are active from epoch 0. When n reaches
// MIN_GENESIS_ACTIVE_VALIDATOR_COUNT it is a valid genesis (is_valid_genesis_state).
func Genesis(cfg *spec.Config, n uint64) (*spec.BeaconState, error) {
	log := NewDepositLog(cfg)
	if err := log.AppendKeys(NewKeys(n), 0, slices.Repeat([]spec.Gwei{cfg.MaxEffectiveBalance}, int(n))); err != nil {
		return nil, err
	}
	return GenesisFrom(cfg, log)
}

// GenesisFrom returns the genesis state of every deposit in log:
// initialize_beacon_state_from_eth1(0x42..42, MIN_GENESIS_TIME, deposits), so the genesis
// time is MIN_GENESIS_TIME + GENESIS_DELAY.
//
// The state is built with signature verification off: the deposits' proofs of possession
// are valid by construction when they come from DepositData or AppendKeys, and checking
// n signatures would cost n pairings. A deposit whose signature does not verify would be
// skipped by the spec but is admitted here; a test holds the two equal for a real log.
func GenesisFrom(cfg *spec.Config, log *DepositLog) (*spec.BeaconState, error) {
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	return genesis(m, log)
}

func genesis(m *spec.Model, log *DepositLog) (*spec.BeaconState, error) {
	deposits, err := log.GenesisDeposits()
	if err != nil {
		return nil, err
	}
	return m.InitializeBeaconStateFromEth1(GenesisEth1BlockHash, m.MinGenesisTime, deposits)
}
