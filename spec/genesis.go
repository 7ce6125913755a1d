package spec

import (
	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/merkle"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// Sites of initialize_beacon_state_from_eth1: the genesis time; the deposit data list of
// the first deposits, List[DepositData, 2**DEPOSIT_CONTRACT_TREE_DEPTH], one longer for each
// deposit; and per validator the read of its balance and its effective balance.
var (
	siteGenesisTime                = site("initialize_genesis_time_sum", OpAdd, "eth1_timestamp", "GENESIS_DELAY")
	siteGenesisDepositList         = site("initialize_deposit_list_limit", OpAppend, "deposits", "DEPOSIT_LIST_LIMIT")
	siteGenesisBalanceRead         = site("initialize_balance_read", OpIndex, "index", "length")
	siteGenesisEffectiveModulo     = site("initialize_effective_balance_modulo", OpMod, "balance", "EFFECTIVE_BALANCE_INCREMENT")
	siteGenesisEffectiveDifference = site("initialize_effective_balance_difference", OpSub, "balance", "balance % EFFECTIVE_BALANCE_INCREMENT")
)

// InitializeBeaconStateFromEth1 is the spec's initialize_beacon_state_from_eth1
// ("Genesis"): the candidate genesis state for an Eth1 block and the deposits up to it.
func (m *Model) InitializeBeaconStateFromEth1(eth1BlockHash Root, eth1Timestamp uint64, deposits []Deposit) (state *BeaconState, err error) {
	if m.hooked() {
		m.enter(initializeBeaconStateFromEth1Contract, "eth1_block_hash", eth1BlockHash, "eth1_timestamp", eth1Timestamp, "deposits", len(deposits))
		defer m.ensures(initializeBeaconStateFromEth1Contract, &err, func(c *checker) {
			c.wellFormed(m, state)
			c.that("genesis_time", state.GenesisTime == eth1Timestamp+m.GenesisDelay, "genesis time %d for eth1 timestamp %d", state.GenesisTime, eth1Timestamp)
			c.that("deposits_consumed", state.Eth1DepositIndex == uint64(len(deposits)) && state.Eth1Data.DepositCount == uint64(len(deposits)),
				"%d deposits, deposit index %d", len(deposits), state.Eth1DepositIndex)
			c.that("at_most_one_validator_per_deposit", len(state.Validators) <= len(deposits), "%d validators from %d deposits", len(state.Validators), len(deposits))
			root, _ := m.HashTreeRoot(validatorList{&state.Validators})
			c.that("validators_root", state.GenesisValidatorsRoot == root, "genesis_validators_root is not hash_tree_root(validators)")
			ok := true
			for i := range state.Validators {
				v := &state.Validators[i]
				if v.ActivationEpoch == GenesisEpoch && v.EffectiveBalance != m.MaxEffectiveBalance {
					ok = false
				}
				if !m.CapActiveValidators && v.EffectiveBalance == m.MaxEffectiveBalance && v.ActivationEpoch != GenesisEpoch {
					ok = false
				}
			}
			c.that("active_iff_full_balance", ok, "a validator is active at genesis without MAX_EFFECTIVE_BALANCE, or the reverse")
			if m.CapActiveValidators {
				n := uint64(len(activeValidatorIndices(state, GenesisEpoch)))
				c.that("active_within_cap", n <= m.ActiveValidatorCap(), "%d validators active at genesis, cap %d", n, m.ActiveValidatorCap())
			}
		})
	}
	var k Calc
	genesisTime := k.Add(siteGenesisTime, eth1Timestamp, m.GenesisDelay)
	if err := k.Err(); err != nil {
		return nil, err
	}
	emptyBodyRoot, err := m.HashTreeRoot(&BeaconBlockBody{})
	if err != nil {
		return nil, err
	}
	state = &BeaconState{
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
		state.SetRandaoMix(uint64(i), eth1BlockHash)
	}
	m.ResetCaches()
	defer m.ResetCaches()

	// Process deposits: deposit i is proven against the root of the list of the first i+1
	// deposits' data, List[DepositData, 2**DEPOSIT_CONTRACT_TREE_DEPTH].
	var tree merkle.DepositTree
	for i := range deposits {
		leaf, err := m.HashTreeRoot(&deposits[i].Data)
		if err != nil {
			return nil, err
		}
		if siteGenesisDepositList.Fails(tree.Count()+1, 1<<DepositContractTreeDepth) {
			return nil, appendBeyondLimit(siteGenesisDepositList, "deposit_data_list", int(tree.Count()))
		}
		if err := tree.Push(leaf); err != nil { // the deposit contract's limit, one lower
			return nil, err
		}
		state.Eth1Data.DepositRoot = tree.Root()
		if err := m.ProcessDeposit(state, &deposits[i]); err != nil {
			return nil, &OperationError{Kind: "deposit", Index: i, Err: err}
		}
	}

	// Process activations
	activated := uint64(0)
	for index := range state.Validators {
		if siteGenesisBalanceRead.Index(uint64(index), len(state.Balances)) {
			return nil, outOfRange(siteGenesisBalanceRead, "state.balances", uint64(index), len(state.Balances))
		}
		balance := uint64(state.Balances[index])
		effective := k.Sub(siteGenesisEffectiveDifference, balance, k.Mod(siteGenesisEffectiveModulo, balance, uint64(m.EffectiveBalanceIncrement)))
		if err := k.Err(); err != nil {
			return nil, err
		}
		validator := state.validatorForWrite(ValidatorIndex(index))
		validator.EffectiveBalance = min(Gwei(effective), m.MaxEffectiveBalance)
		if validator.EffectiveBalance == m.MaxEffectiveBalance && (!m.CapActiveValidators || activated < m.ActiveValidatorCap()) {
			activated++ // the upper-bound fix activates no more than the cap at genesis either
			validator.ActivationEligibilityEpoch = GenesisEpoch
			validator.ActivationEpoch = GenesisEpoch
		}
	}

	// Set genesis validators root for domain separation and chain versioning
	validatorsRoot, err := m.HashTreeRoot(validatorList{&state.Validators})
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

var initializeBeaconStateFromEth1Contract = declare(Contract{
	Func: "initialize_beacon_state_from_eth1", Section: "Genesis",
	Post: []Clause{
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
		{"genesis_time", "genesis_time = eth1_timestamp + GENESIS_DELAY"},
		{"deposits_consumed", "every deposit was processed: eth1_deposit_index and eth1_data.deposit_count are the number of deposits"},
		{"at_most_one_validator_per_deposit", "the registry has no more validators than deposits"},
		{"validators_root", "genesis_validators_root is hash_tree_root(state.validators)"},
		{"active_iff_full_balance", "a validator active from genesis has MAX_EFFECTIVE_BALANCE, and (without the upper-bound fix) every validator with it is active"},
		{"active_within_cap", "with the upper-bound fix (CapActiveValidators), at most ActiveValidatorCap validators are active at genesis"},
	},
})

// IsValidGenesisState is the spec's is_valid_genesis_state ("Genesis state").
func (m *Model) IsValidGenesisState(state *BeaconState) (valid bool, err error) {
	if m.hooked() {
		m.enter(isValidGenesisStateContract)
		defer m.ensures(isValidGenesisStateContract, &err, func(c *checker) {
			want := state.GenesisTime >= m.MinGenesisTime && uint64(len(activeValidatorIndices(state, GenesisEpoch))) >= m.MinGenesisActiveValidatorCount
			c.that("time_and_count", valid == want, "valid = %v, genesis time %d (min %d)", valid, state.GenesisTime, m.MinGenesisTime)
		})
	}
	if state.GenesisTime < m.MinGenesisTime {
		return false, nil
	}
	return uint64(len(m.GetActiveValidatorIndices(state, GenesisEpoch))) >= m.MinGenesisActiveValidatorCount, nil
}

var isValidGenesisStateContract = declare(Contract{
	Func: "is_valid_genesis_state", Section: "Genesis state",
	Post: []Clause{
		{"time_and_count", "valid exactly when genesis_time >= MIN_GENESIS_TIME and at least MIN_GENESIS_ACTIVE_VALIDATOR_COUNT validators are active at GENESIS_EPOCH"},
	},
})
