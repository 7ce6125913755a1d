package spec

import (
	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/merkle"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// InitializeBeaconStateFromEth1 is the spec's initialize_beacon_state_from_eth1
// ("Genesis"): the candidate genesis state for an Eth1 block and the deposits up to it.
func (m *Model) InitializeBeaconStateFromEth1(eth1BlockHash Root, eth1Timestamp uint64, deposits []Deposit) (*BeaconState, error) {
	var k Calc
	genesisTime := k.Add(eth1Timestamp, m.GenesisDelay)
	if err := k.Err("initialize_beacon_state_from_eth1: eth1_timestamp + GENESIS_DELAY"); err != nil {
		return nil, err
	}
	emptyBodyRoot, err := HashTreeRoot(m.Config, &BeaconBlockBody{})
	if err != nil {
		return nil, err
	}
	state := &BeaconState{
		GenesisTime:       genesisTime,
		Fork:              Fork{PreviousVersion: m.GenesisForkVersion, CurrentVersion: m.GenesisForkVersion, Epoch: GenesisEpoch},
		Eth1Data:          Eth1Data{BlockHash: eth1BlockHash, DepositCount: uint64(len(deposits))},
		LatestBlockHeader: BeaconBlockHeader{BodyRoot: emptyBodyRoot},
		BlockRoots:        make([]Root, m.SlotsPerHistoricalRoot),
		StateRoots:        make([]Root, m.SlotsPerHistoricalRoot),
		RandaoMixes:       make([]Root, m.EpochsPerHistoricalVector),
		Slashings:         make([]Gwei, m.EpochsPerSlashingsVector),
		JustificationBits: bitfield.NewBitvector4(),
		HistoricalRoots:   []Root{},
		Eth1DataVotes:     []Eth1Data{},
		Validators:        []Validator{},
		Balances:          []Gwei{},
	}
	// Seed RANDAO with Eth1 entropy
	for i := range state.RandaoMixes {
		state.RandaoMixes[i] = eth1BlockHash
	}
	m.ResetCaches()
	defer m.ResetCaches()

	// Process deposits: deposit i is proven against the root of the list of the first i+1
	// deposits' data, List[DepositData, 2**DEPOSIT_CONTRACT_TREE_DEPTH].
	var tree merkle.DepositTree
	for i := range deposits {
		leaf, err := HashTreeRoot(m.Config, &deposits[i].Data)
		if err != nil {
			return nil, err
		}
		if err := tree.Push(leaf); err != nil {
			return nil, err
		}
		state.Eth1Data.DepositRoot = tree.Root()
		if err := m.ProcessDeposit(state, &deposits[i]); err != nil {
			return nil, &OperationError{Kind: "deposit", Index: i, Err: err}
		}
	}

	// Process activations
	for index := range state.Validators {
		validator := &state.Validators[index]
		balance := state.Balances[index]
		validator.EffectiveBalance = min(balance-balance%m.EffectiveBalanceIncrement, m.MaxEffectiveBalance)
		if validator.EffectiveBalance == m.MaxEffectiveBalance {
			validator.ActivationEligibilityEpoch = GenesisEpoch
			validator.ActivationEpoch = GenesisEpoch
		}
	}

	// Set genesis validators root for domain separation and chain versioning
	validatorsRoot, err := HashTreeRoot(m.Config, validatorList{&state.Validators})
	if err != nil {
		return nil, err
	}
	state.GenesisValidatorsRoot = validatorsRoot
	return state, nil
}

// validatorList is the state's List[Validator, VALIDATOR_REGISTRY_LIMIT] on its own, for
// hash_tree_root(state.validators).
type validatorList struct{ v *[]Validator }

func (l validatorList) DefineSSZ(c ssz.Codec) {
	ssz.List(c, "validators", l.v, cfgOf(c).ValidatorRegistryLimit)
}

// IsValidGenesisState is the spec's is_valid_genesis_state ("Genesis state").
func (m *Model) IsValidGenesisState(state *BeaconState) bool {
	if state.GenesisTime < m.MinGenesisTime {
		return false
	}
	return uint64(len(activeValidatorIndices(state, GenesisEpoch))) >= m.MinGenesisActiveValidatorCount
}
