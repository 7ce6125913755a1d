package spec

import (
	"encoding/binary"

	"github.com/prysmaticlabs/go-bitfield"
)

// validatorAt reads state.validators[i], an IndexError when out of range.
func validatorAt(state *BeaconState, i ValidatorIndex) (*Validator, error) {
	if uint64(i) >= uint64(len(state.Validators)) {
		return nil, &IndexError{List: "state.validators", Index: uint64(i), Len: len(state.Validators)}
	}
	return &state.Validators[i], nil
}

// GetCurrentEpoch is the spec's get_current_epoch ("Beacon state accessors").
func (m *Model) GetCurrentEpoch(state *BeaconState) Epoch { return m.ComputeEpochAtSlot(state.Slot) }

// GetPreviousEpoch is the spec's get_previous_epoch ("Beacon state accessors").
func (m *Model) GetPreviousEpoch(state *BeaconState) Epoch {
	current := m.GetCurrentEpoch(state)
	if current == GenesisEpoch {
		return GenesisEpoch
	}
	return current - 1
}

// GetBlockRoot is the spec's get_block_root ("Beacon state accessors").
func (m *Model) GetBlockRoot(state *BeaconState, epoch Epoch) (Root, error) {
	slot, err := m.ComputeStartSlotAtEpoch(epoch)
	if err != nil {
		return Root{}, err
	}
	return m.GetBlockRootAtSlot(state, slot)
}

// GetBlockRootAtSlot is the spec's get_block_root_at_slot ("Beacon state accessors").
func (m *Model) GetBlockRootAtSlot(state *BeaconState, slot Slot) (Root, error) {
	// assert slot < state.slot <= slot + SLOTS_PER_HISTORICAL_ROOT
	var k Calc
	upper := k.Add(uint64(slot), m.SlotsPerHistoricalRoot)
	if err := k.Err("get_block_root_at_slot: slot + SLOTS_PER_HISTORICAL_ROOT"); err != nil {
		return Root{}, err
	}
	if !(slot < state.Slot && uint64(state.Slot) <= upper) {
		return Root{}, assertf("get_block_root_at_slot", CheckBlockRootRange, "slot %d, state slot %d", slot, state.Slot)
	}
	return rootAt(state.BlockRoots, "state.block_roots", uint64(slot)%m.SlotsPerHistoricalRoot)
}

func rootAt(roots []Root, name string, i uint64) (Root, error) {
	if i >= uint64(len(roots)) {
		return Root{}, &IndexError{List: name, Index: i, Len: len(roots)}
	}
	return roots[i], nil
}

// GetRandaoMix is the spec's get_randao_mix ("Beacon state accessors").
func (m *Model) GetRandaoMix(state *BeaconState, epoch Epoch) (Root, error) {
	return rootAt(state.RandaoMixes, "state.randao_mixes", uint64(epoch)%m.EpochsPerHistoricalVector)
}

// GetActiveValidatorIndices is the spec's get_active_validator_indices ("Beacon state
// accessors"). The result is cached per epoch; callers must not modify it.
func (m *Model) GetActiveValidatorIndices(state *BeaconState, epoch Epoch) []ValidatorIndex {
	if e := m.cachedEpoch(state, epoch); e != nil && e.active != nil {
		return e.active
	}
	active := activeValidatorIndices(state, epoch)
	m.epochEntry(state, epoch).active = active
	return active
}

// activeValidatorIndices is the plain scan of get_active_validator_indices.
func activeValidatorIndices(state *BeaconState, epoch Epoch) []ValidatorIndex {
	out := []ValidatorIndex{}
	for i := range state.Validators {
		if IsActiveValidator(&state.Validators[i], epoch) {
			out = append(out, ValidatorIndex(i))
		}
	}
	return out
}

// GetValidatorChurnLimit is the spec's get_validator_churn_limit ("Beacon state accessors").
func (m *Model) GetValidatorChurnLimit(state *BeaconState) uint64 {
	active := uint64(len(m.GetActiveValidatorIndices(state, m.GetCurrentEpoch(state))))
	return max(m.MinPerEpochChurnLimit, active/m.ChurnLimitQuotient)
}

// GetSeed is the spec's get_seed ("Beacon state accessors").
func (m *Model) GetSeed(state *BeaconState, epoch Epoch, domainType DomainType) (Root, error) {
	var k Calc
	// Epoch(epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD - 1): avoid underflow
	e := k.Sub(k.Sub(k.Add(uint64(epoch), m.EpochsPerHistoricalVector), m.MinSeedLookahead), 1)
	if err := k.Err("get_seed: epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD - 1"); err != nil {
		return Root{}, err
	}
	mix, err := m.GetRandaoMix(state, Epoch(e))
	if err != nil {
		return Root{}, err
	}
	var buf [4 + 8 + 32]byte
	copy(buf[:4], domainType[:])
	binary.LittleEndian.PutUint64(buf[4:], uint64(epoch))
	copy(buf[12:], mix[:])
	return Hash(buf[:]), nil
}

// GetCommitteeCountPerSlot is the spec's get_committee_count_per_slot ("Beacon state
// accessors"), whose arithmetic is Config.CommitteeCountPerSlot.
func (m *Model) GetCommitteeCountPerSlot(state *BeaconState, epoch Epoch) uint64 {
	return m.CommitteeCountPerSlot(uint64(len(m.GetActiveValidatorIndices(state, epoch))))
}

// GetBeaconCommittee is the spec's get_beacon_committee ("Beacon state accessors"). It
// reads the epoch's cached whole-list shuffling; the plain ComputeCommittee path is held
// equal to it by a property test. The result must not be modified.
func (m *Model) GetBeaconCommittee(state *BeaconState, slot Slot, index CommitteeIndex) (committee []ValidatorIndex, err error) {
	if m.Checked != nil {
		if err := m.requires(getBeaconCommitteeContract, func(c *checker) {
			c.that("index_below_count", uint64(index) < m.GetCommitteeCountPerSlot(state, m.ComputeEpochAtSlot(slot)),
				"committee index %d, %d committees per slot", index, m.GetCommitteeCountPerSlot(state, m.ComputeEpochAtSlot(slot)))
		}); err != nil {
			return nil, err
		}
		defer m.ensures(getBeaconCommitteeContract, &err, func(c *checker) {
			epoch := m.ComputeEpochAtSlot(slot)
			active := m.GetActiveValidatorIndices(state, epoch)
			count := m.GetCommitteeCountPerSlot(state, epoch) * m.SlotsPerEpoch
			c.that("length_is_share", uint64(len(committee)) >= uint64(len(active))/count && uint64(len(committee)) <= (uint64(len(active))+count-1)/count,
				"committee of %d from %d active validators in %d committees", len(committee), len(active), count)
			c.that("members_active", allActive(state, committee, epoch), "a member is not active at epoch %d", epoch)
		})
	}
	epoch := m.ComputeEpochAtSlot(slot)
	committeesPerSlot := m.GetCommitteeCountPerSlot(state, epoch)
	idx, count, err := m.BeaconCommitteeArgs(slot, index, committeesPerSlot)
	if err != nil {
		return nil, err
	}
	shuffled, err := m.shuffling(state, epoch)
	if err != nil {
		return nil, err
	}
	return committeeFromShuffling(shuffled, idx, count)
}

var getBeaconCommitteeContract = declare(Contract{
	Func: "get_beacon_committee", Section: "Beacon state accessors",
	Pre: []Clause{
		{"index_below_count", "the committee index is below get_committee_count_per_slot of the slot's epoch"},
	},
	Post: []Clause{
		{"length_is_share", "the committee has floor(V/C) or ceil(V/C) members, V active validators at the epoch, C = committees per slot × SLOTS_PER_EPOCH"},
		{"members_active", "every member is active at the slot's epoch"},
	},
})

func allActive(state *BeaconState, indices []ValidatorIndex, epoch Epoch) bool {
	for _, i := range indices {
		if uint64(i) >= uint64(len(state.Validators)) || !IsActiveValidator(&state.Validators[i], epoch) {
			return false
		}
	}
	return true
}

// committeeFromShuffling is compute_committee over a whole-list shuffle: members
// [start, end) of the shuffled active indices.
func committeeFromShuffling(shuffled []ValidatorIndex, index, count uint64) ([]ValidatorIndex, error) {
	if count == 0 {
		return nil, assertf("compute_committee", CheckCommitteeCount, "count is zero")
	}
	start, end, err := ComputeCommitteeRange(uint64(len(shuffled)), index, count)
	if err != nil {
		return nil, err
	}
	if end > uint64(len(shuffled)) {
		// The spec's compute_shuffled_index asserts index < index_count for each member.
		return nil, &ShuffleError{Index: max(start, uint64(len(shuffled))), IndexCount: uint64(len(shuffled))}
	}
	return shuffled[start:end:end], nil
}

// shuffling returns the epoch's active indices shuffled with its attester seed: out[i] =
// active[compute_shuffled_index(i, len(active), seed)], computed once per epoch.
func (m *Model) shuffling(state *BeaconState, epoch Epoch) ([]ValidatorIndex, error) {
	seed, err := m.GetSeed(state, epoch, m.DomainBeaconAttester)
	if err != nil {
		return nil, err
	}
	e := m.epochEntry(state, epoch)
	if e.shuffled != nil && e.seed == seed {
		return e.shuffled, nil
	}
	active := m.GetActiveValidatorIndices(state, epoch)
	e.seed = seed
	e.shuffled = m.ShuffleList(active, seed)
	return e.shuffled, nil
}

// GetBeaconProposerIndex is the spec's get_beacon_proposer_index ("Beacon state
// accessors"), cached per slot.
func (m *Model) GetBeaconProposerIndex(state *BeaconState) (ValidatorIndex, error) {
	epoch := m.GetCurrentEpoch(state)
	seedBase, err := m.GetSeed(state, epoch, m.DomainBeaconProposer)
	if err != nil {
		return 0, err
	}
	var buf [40]byte
	copy(buf[:32], seedBase[:])
	binary.LittleEndian.PutUint64(buf[32:], uint64(state.Slot))
	seed := Hash(buf[:])
	c := m.cacheFor(state)
	if p, ok := c.proposers[state.Slot]; ok && p.seed == seed {
		return p.index, nil
	}
	indices := m.GetActiveValidatorIndices(state, epoch)
	index, err := m.ComputeProposerIndex(state, indices, seed)
	if err != nil {
		return 0, err
	}
	if c.proposers == nil {
		c.proposers = map[Slot]proposerEntry{}
	}
	c.proposers[state.Slot] = proposerEntry{seed: seed, index: index}
	return index, nil
}

// GetTotalBalance is the spec's get_total_balance ("Beacon state accessors"): the summed
// effective balance of indices, at least EFFECTIVE_BALANCE_INCREMENT. indices must be a set
// (no repeats), as in the spec.
func (m *Model) GetTotalBalance(state *BeaconState, indices []ValidatorIndex) (Gwei, error) {
	var k Calc
	var sum uint64
	for _, i := range indices {
		v, err := validatorAt(state, i)
		if err != nil {
			return 0, err
		}
		sum = k.Add(sum, uint64(v.EffectiveBalance))
	}
	if err := k.Err("get_total_balance: sum of effective balances"); err != nil {
		return 0, err
	}
	return Gwei(max(uint64(m.EffectiveBalanceIncrement), sum)), nil
}

// GetTotalActiveBalance is the spec's get_total_active_balance ("Beacon state
// accessors"), cached per epoch.
func (m *Model) GetTotalActiveBalance(state *BeaconState) (Gwei, error) {
	epoch := m.GetCurrentEpoch(state)
	e := m.epochEntry(state, epoch)
	if e.hasTotal {
		return e.totalActive, nil
	}
	total, err := m.GetTotalBalance(state, m.GetActiveValidatorIndices(state, epoch))
	if err != nil {
		return 0, err
	}
	e.totalActive, e.hasTotal = total, true
	return total, nil
}

// GetDomain is the spec's get_domain ("Beacon state accessors"); a nil epoch means the
// current epoch.
func (m *Model) GetDomain(state *BeaconState, domainType DomainType, epoch *Epoch) Domain {
	e := m.GetCurrentEpoch(state)
	if epoch != nil {
		e = *epoch
	}
	forkVersion := state.Fork.CurrentVersion
	if e < state.Fork.Epoch {
		forkVersion = state.Fork.PreviousVersion
	}
	return m.ComputeDomain(domainType, &forkVersion, &state.GenesisValidatorsRoot)
}

// GetIndexedAttestation is the spec's get_indexed_attestation ("Beacon state accessors").
func (m *Model) GetIndexedAttestation(state *BeaconState, a *Attestation) (*IndexedAttestation, error) {
	indices, err := m.GetAttestingIndices(state, &a.Data, a.AggregationBits)
	if err != nil {
		return nil, err
	}
	return &IndexedAttestation{AttestingIndices: indices, Data: a.Data, Signature: a.Signature}, nil
}

// GetAttestingIndices is the spec's get_attesting_indices ("Beacon state accessors"): the
// committee members whose bit is set, returned sorted (the spec's set, in the order
// get_indexed_attestation sorts it into).
//
// This is where the committee-size bound bites: the spec reads bits[i] for every member
// of the committee, and a committee longer than the bitlist (possible once active
// validators exceed 2**22 on mainnet) is an out-of-range read. go-bitfield's BitAt would
// answer false there; the model reports a BitlistIndexError, as the spec would raise, and
// in checked mode the precondition committee_fits_bits names the breach first.
func (m *Model) GetAttestingIndices(state *BeaconState, data *AttestationData, bits bitfield.Bitlist) (out []ValidatorIndex, err error) {
	if m.Checked != nil {
		committee, cerr := m.GetBeaconCommittee(state, data.Slot, data.Index)
		if cerr != nil {
			return nil, cerr
		}
		if err := m.requires(getAttestingIndicesContract, func(c *checker) {
			c.that("committee_fits_bits", uint64(len(committee)) <= bits.Len(),
				"committee of %d members read through a bitlist of %d bits (MAX_VALIDATORS_PER_COMMITTEE %d)", len(committee), bits.Len(), m.MaxValidatorsPerCommittee)
		}); err != nil {
			return nil, err
		}
		defer m.ensures(getAttestingIndicesContract, &err, func(c *checker) {
			c.that("subset_of_committee", subsetOf(out, committee), "an attesting index is not in the committee")
			c.that("sorted_unique", strictlySorted(out), "indices are not sorted and unique")
			set := 0
			for i := range committee {
				if bits.BitAt(uint64(i)) {
					set++
				}
			}
			c.that("one_per_set_bit", len(out) == set, "%d indices for %d set bits", len(out), set)
		})
	}
	committee, err := m.GetBeaconCommittee(state, data.Slot, data.Index)
	if err != nil {
		return nil, err
	}
	n := bits.Len()
	out = make([]ValidatorIndex, 0, len(committee))
	for i, index := range committee {
		if uint64(i) >= n {
			return nil, &BitlistIndexError{Func: "get_attesting_indices", Index: uint64(i), Len: n}
		}
		if bits.BitAt(uint64(i)) {
			out = append(out, index)
		}
	}
	sortIndices(out)
	return out, nil
}

var getAttestingIndicesContract = declare(Contract{
	Func: "get_attesting_indices", Section: "Beacon state accessors",
	Pre: []Clause{
		{"committee_fits_bits", "the committee is no longer than the bitlist it is read through: len(committee) <= len(bits). The committee-size bound: on mainnet it fails once more than 2**22 validators are active"},
	},
	Post: []Clause{
		{"subset_of_committee", "every returned index is a member of the committee"},
		{"sorted_unique", "the indices are sorted and distinct (a set)"},
		{"one_per_set_bit", "there is one index per set bit among the committee's positions"},
	},
})

func subsetOf(sub, set []ValidatorIndex) bool {
	in := make(map[ValidatorIndex]bool, len(set))
	for _, i := range set {
		in[i] = true
	}
	for _, i := range sub {
		if !in[i] {
			return false
		}
	}
	return true
}

func strictlySorted(s []ValidatorIndex) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return false
		}
	}
	return true
}
