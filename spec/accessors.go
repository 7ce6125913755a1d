package spec

import (
	"encoding/binary"
	"slices"

	"github.com/prysmaticlabs/go-bitfield"
)

// validatorAt reads state.validators[i], an IndexError when out of range.
func validatorAt(s *Site, state *BeaconState, i ValidatorIndex) (*Validator, error) {
	if s.Index(uint64(i), len(state.Validators)) {
		return nil, outOfRange(s, "state.validators", uint64(i), len(state.Validators))
	}
	return &state.Validators[i], nil
}

// GetCurrentEpoch is the spec's get_current_epoch ("Beacon state accessors").
func (m *Model) GetCurrentEpoch(state *BeaconState) Epoch {
	if m.hooked() {
		return m.getCurrentEpochChecked(state)
	}
	return m.Config.ComputeEpochAtSlot(state.Slot) // compute_epoch_at_slot(state.slot), through its site
}

func (m *Model) getCurrentEpochChecked(state *BeaconState) Epoch {
	return checkPure(m, getCurrentEpochContract, nil, func() Epoch { return m.ComputeEpochAtSlot(state.Slot) }, func(c *checker, epoch Epoch) {
		c.that("state_slot_in_epoch", slotInEpoch(m.Config, state.Slot, epoch), "state slot %d is not in epoch %d", state.Slot, epoch)
	})
}

var getCurrentEpochContract = declare(Contract{
	Func: "get_current_epoch", Section: "Beacon state accessors",
	Post: []Clause{
		{"state_slot_in_epoch", "the state's slot lies in the epoch: epoch * SLOTS_PER_EPOCH <= state.slot < (epoch + 1) * SLOTS_PER_EPOCH"},
	},
})

// GetPreviousEpoch is the spec's get_previous_epoch ("Beacon state accessors").
func (m *Model) GetPreviousEpoch(state *BeaconState) Epoch {
	if m.hooked() {
		return m.getPreviousEpochChecked(state)
	}
	return epochBefore(m.Config.ComputeEpochAtSlot(state.Slot))
}

// sitePreviousEpochDecrement is get_previous_epoch's current_epoch - 1, evaluated only when
// the current epoch is not GENESIS_EPOCH (0), so it cannot raise.
var sitePreviousEpochDecrement = site("get_previous_epoch_decrement", OpSub, "current_epoch", "1")

// epochBefore is the body of get_previous_epoch, given the current epoch.
func epochBefore(current Epoch) Epoch {
	if current == GenesisEpoch {
		return GenesisEpoch
	}
	return Epoch(sitePreviousEpochDecrement.Value(uint64(current), 1))
}

func (m *Model) getPreviousEpochChecked(state *BeaconState) Epoch {
	return checkPure(m, getPreviousEpochContract, nil, func() Epoch { return epochBefore(m.GetCurrentEpoch(state)) }, func(c *checker, previous Epoch) {
		current := m.GetCurrentEpoch(state)
		c.that("one_before_current_or_genesis", (current == GenesisEpoch && previous == GenesisEpoch) || (current > GenesisEpoch && previous+1 == current),
			"previous epoch %d, current %d", previous, current)
	})
}

var getPreviousEpochContract = declare(Contract{
	Func: "get_previous_epoch", Section: "Beacon state accessors",
	Post: []Clause{
		{"one_before_current_or_genesis", "the previous epoch is current - 1, or GENESIS_EPOCH when the current epoch is GENESIS_EPOCH (it never underflows)"},
	},
})

// blockRootsAtLength is the precondition of the block root accessors.
func (m *Model) blockRootsAtLength(c *checker, state *BeaconState) {
	c.that("block_roots_at_length", uint64(len(state.BlockRoots)) == m.SlotsPerHistoricalRoot,
		"block_roots has %d entries, SLOTS_PER_HISTORICAL_ROOT is %d", len(state.BlockRoots), m.SlotsPerHistoricalRoot)
}

// GetBlockRoot is the spec's get_block_root ("Beacon state accessors").
func (m *Model) GetBlockRoot(state *BeaconState, epoch Epoch) (root Root, err error) {
	if m.hooked() {
		if err := m.requires(getBlockRootContract, func(c *checker) { m.blockRootsAtLength(c, state) }, "epoch", epoch); err != nil {
			return Root{}, err
		}
		defer m.ensures(getBlockRootContract, &err, func(c *checker) {
			start := uint64(epoch) * m.SlotsPerEpoch // did not overflow: the call succeeded
			c.that("epoch_start_recent", start < uint64(state.Slot) && uint64(state.Slot)-start <= m.SlotsPerHistoricalRoot,
				"epoch %d starts at slot %d, state slot %d", epoch, start, state.Slot)
			c.that("root_at_epoch_start", root == state.BlockRoots[start%m.SlotsPerHistoricalRoot], "root %x is not block_roots[%d]", root, start%m.SlotsPerHistoricalRoot)
		})
	}
	slot, err := m.ComputeStartSlotAtEpoch(epoch)
	if err != nil {
		return Root{}, err
	}
	return m.GetBlockRootAtSlot(state, slot)
}

var getBlockRootContract = declare(Contract{
	Func: "get_block_root", Section: "Beacon state accessors",
	// The recency of the epoch is get_block_root_at_slot's assert, behaviour rather than a
	// precondition: an epoch out of range fails the transition.
	Pre: []Clause{
		{"block_roots_at_length", "state.block_roots has SLOTS_PER_HISTORICAL_ROOT entries"},
	},
	Post: []Clause{
		{"epoch_start_recent", "the epoch's start slot s is recent: s < state.slot <= s + SLOTS_PER_HISTORICAL_ROOT"},
		{"root_at_epoch_start", "the root is the block root recorded for the epoch's start slot, block_roots[s % SLOTS_PER_HISTORICAL_ROOT]"},
	},
})

// Sites of get_block_root_at_slot: the sum of its assert, and the read
// state.block_roots[slot % SLOTS_PER_HISTORICAL_ROOT] (the modulo, and the read, which
// raises when the vector is shorter than SLOTS_PER_HISTORICAL_ROOT).
var (
	siteBlockRootAtSlotSum    = site("get_block_root_at_slot_sum", OpAdd, "slot", "SLOTS_PER_HISTORICAL_ROOT")
	siteBlockRootAtSlotModulo = site("get_block_root_at_slot_modulo", OpMod, "slot", "SLOTS_PER_HISTORICAL_ROOT")
	siteBlockRootAtSlotRead   = site("get_block_root_at_slot_read", OpIndex, "slot % SLOTS_PER_HISTORICAL_ROOT", "length")
)

// GetBlockRootAtSlot is the spec's get_block_root_at_slot ("Beacon state accessors"). Its
// assert on the slot's range is behaviour, an AssertError: attestation data reaches it in
// epoch processing, and a slot out of range fails the transition.
func (m *Model) GetBlockRootAtSlot(state *BeaconState, slot Slot) (root Root, err error) {
	if m.hooked() {
		if err := m.requires(getBlockRootAtSlotContract, func(c *checker) { m.blockRootsAtLength(c, state) }, "slot", slot); err != nil {
			return Root{}, err
		}
		defer m.ensures(getBlockRootAtSlotContract, &err, func(c *checker) {
			c.that("slot_recent", slot < state.Slot && uint64(state.Slot)-uint64(slot) <= m.SlotsPerHistoricalRoot,
				"slot %d, state slot %d, SLOTS_PER_HISTORICAL_ROOT %d", slot, state.Slot, m.SlotsPerHistoricalRoot)
			i := uint64(slot) % m.SlotsPerHistoricalRoot
			c.that("root_from_history", root == state.BlockRoots[i], "root %x is not block_roots[%d]", root, i)
		})
	}
	// assert slot < state.slot <= slot + SLOTS_PER_HISTORICAL_ROOT, evaluated as Python's
	// chained comparison is: the sum only when the first comparison holds.
	if !(slot < state.Slot) {
		return Root{}, assertf("get_block_root_at_slot", CheckBlockRootRange, "slot %d, state slot %d", slot, state.Slot)
	}
	var k Calc
	upper := k.Add(siteBlockRootAtSlotSum, uint64(slot), m.SlotsPerHistoricalRoot)
	if err := k.Err(); err != nil {
		return Root{}, err
	}
	if !(uint64(state.Slot) <= upper) {
		return Root{}, assertf("get_block_root_at_slot", CheckBlockRootRange, "slot %d, state slot %d", slot, state.Slot)
	}
	i, err := vectorAt(siteBlockRootAtSlotModulo, siteBlockRootAtSlotRead, uint64(slot), m.SlotsPerHistoricalRoot, "state.block_roots", len(state.BlockRoots))
	if err != nil {
		return Root{}, err
	}
	return state.BlockRoots[i], nil
}

var getBlockRootAtSlotContract = declare(Contract{
	Func: "get_block_root_at_slot", Section: "Beacon state accessors",
	Pre: []Clause{
		{"block_roots_at_length", "state.block_roots has SLOTS_PER_HISTORICAL_ROOT entries (that slot < state.slot <= slot + SLOTS_PER_HISTORICAL_ROOT is the spec's assert, behaviour: epoch processing reaches it with the slots of pending attestations)"},
	},
	Post: []Clause{
		{"slot_recent", "the slot is recent: slot < state.slot <= slot + SLOTS_PER_HISTORICAL_ROOT, so its root is still in the history"},
		{"root_from_history", "the root is block_roots[slot % SLOTS_PER_HISTORICAL_ROOT]"},
	},
})

// randaoMixesAtLength is the precondition of the randao accessors.
func (m *Model) randaoMixesAtLength(c *checker, state *BeaconState) {
	c.that("randao_mixes_at_length", uint64(len(state.RandaoMixes)) == m.EpochsPerHistoricalVector,
		"randao_mixes has %d entries, EPOCHS_PER_HISTORICAL_VECTOR is %d", len(state.RandaoMixes), m.EpochsPerHistoricalVector)
}

// Sites of get_randao_mix: state.randao_mixes[epoch % EPOCHS_PER_HISTORICAL_VECTOR], the
// modulo and the read (which raises when the vector is shorter than
// EPOCHS_PER_HISTORICAL_VECTOR).
var (
	siteRandaoMixModulo = site("get_randao_mix_modulo", OpMod, "epoch", "EPOCHS_PER_HISTORICAL_VECTOR")
	siteRandaoMixRead   = site("get_randao_mix_read", OpIndex, "epoch % EPOCHS_PER_HISTORICAL_VECTOR", "length")
)

// GetRandaoMix is the spec's get_randao_mix ("Beacon state accessors").
func (m *Model) GetRandaoMix(state *BeaconState, epoch Epoch) (mix Root, err error) {
	if m.hooked() {
		if err := m.requires(getRandaoMixContract, func(c *checker) { m.randaoMixesAtLength(c, state) }, "epoch", epoch); err != nil {
			return Root{}, err
		}
		defer m.ensures(getRandaoMixContract, &err, func(c *checker) {
			i := uint64(epoch) % m.EpochsPerHistoricalVector
			c.that("mix_of_epoch", mix == state.RandaoMixes[i], "mix %x is not randao_mixes[%d]", mix, i)
		})
	}
	i, err := vectorAt(siteRandaoMixModulo, siteRandaoMixRead, uint64(epoch), m.EpochsPerHistoricalVector, "state.randao_mixes", len(state.RandaoMixes))
	if err != nil {
		return Root{}, err
	}
	return state.RandaoMixes[i], nil
}

var getRandaoMixContract = declare(Contract{
	Func: "get_randao_mix", Section: "Beacon state accessors",
	Pre: []Clause{
		{"randao_mixes_at_length", "state.randao_mixes has EPOCHS_PER_HISTORICAL_VECTOR entries"},
	},
	Post: []Clause{
		{"mix_of_epoch", "the mix is randao_mixes[epoch % EPOCHS_PER_HISTORICAL_VECTOR]"},
	},
})

// GetActiveValidatorIndices is the spec's get_active_validator_indices ("Beacon state
// accessors"). The result is cached per epoch; callers must not modify it.
func (m *Model) GetActiveValidatorIndices(state *BeaconState, epoch Epoch) []ValidatorIndex {
	if e := m.cachedEpoch(state, epoch); e != nil && e.active != nil {
		return e.active
	}
	var active []ValidatorIndex
	if m.hooked() {
		// The contract is evaluated when the list is computed, not on every cache hit: the
		// churn limit reads it once per exit, and an O(n) check there would make a mass
		// ejection quadratic. A hit returns the list checked here; the caches' invalidation
		// is held to the plain scan by TestCachesEqualPlainSpec.
		active = checkPure(m, getActiveValidatorIndicesContract, nil,
			func() []ValidatorIndex { return activeIndices(state, epoch, m.IsActiveValidator) },
			func(c *checker, active []ValidatorIndex) {
				c.that("sorted_unique", strictlySorted(active), "indices are not strictly increasing")
				j, exact := 0, true
				for i := range state.Validators {
					if IsActiveValidator(&state.Validators[i], epoch) {
						exact = exact && j < len(active) && active[j] == ValidatorIndex(i)
						j++
					}
				}
				c.that("exactly_the_active", exact && j == len(active), "%d indices, %d validators active at epoch %d", len(active), j, epoch)
			}, "epoch", epoch)
	} else {
		active = activeValidatorIndices(state, epoch)
	}
	m.epochEntry(state, epoch).active = active
	return active
}

var getActiveValidatorIndicesContract = declare(Contract{
	Func: "get_active_validator_indices", Section: "Beacon state accessors",
	Post: []Clause{
		{"sorted_unique", "the indices are strictly increasing (evaluated when the epoch's list is computed; cache hits return that list)"},
		{"exactly_the_active", "they are exactly the validators active at the epoch, none missing and none extra (evaluated when the list is computed)"},
	},
})

// activeValidatorIndices is the plain scan of get_active_validator_indices.
func activeValidatorIndices(state *BeaconState, epoch Epoch) []ValidatorIndex {
	return activeIndices(state, epoch, IsActiveValidator)
}

func activeIndices(state *BeaconState, epoch Epoch, isActive func(*Validator, Epoch) bool) []ValidatorIndex {
	out := []ValidatorIndex{}
	for i := range state.Validators {
		if isActive(&state.Validators[i], epoch) {
			out = append(out, ValidatorIndex(i))
		}
	}
	return out
}

// GetValidatorChurnLimit is the spec's get_validator_churn_limit ("Beacon state accessors").
func (m *Model) GetValidatorChurnLimit(state *BeaconState) uint64 {
	if m.hooked() {
		return checkPure(m, getValidatorChurnLimitContract, nil, func() uint64 { return m.getValidatorChurnLimit(state) }, func(c *checker, limit uint64) {
			active := uint64(len(m.GetActiveValidatorIndices(state, m.GetCurrentEpoch(state))))
			c.that("at_least_minimum", limit >= m.MinPerEpochChurnLimit, "limit %d below MIN_PER_EPOCH_CHURN_LIMIT %d", limit, m.MinPerEpochChurnLimit)
			c.that("quotient_of_active", limit == m.MinPerEpochChurnLimit || limit == active/m.ChurnLimitQuotient,
				"limit %d for %d active validators (CHURN_LIMIT_QUOTIENT %d)", limit, active, m.ChurnLimitQuotient)
		})
	}
	return m.getValidatorChurnLimit(state)
}

// siteChurnLimitDivision is get_validator_churn_limit's division by CHURN_LIMIT_QUOTIENT,
// which Config.Validate keeps non-zero.
var siteChurnLimitDivision = site("get_validator_churn_limit_division", OpDiv, "active", "CHURN_LIMIT_QUOTIENT")

func (m *Model) getValidatorChurnLimit(state *BeaconState) uint64 {
	active := uint64(len(m.GetActiveValidatorIndices(state, m.GetCurrentEpoch(state))))
	return max(m.MinPerEpochChurnLimit, siteChurnLimitDivision.Div(active, m.ChurnLimitQuotient))
}

var getValidatorChurnLimitContract = declare(Contract{
	Func: "get_validator_churn_limit", Section: "Beacon state accessors",
	Post: []Clause{
		{"at_least_minimum", "the limit is at least MIN_PER_EPOCH_CHURN_LIMIT: the queues always move"},
		{"quotient_of_active", "above the minimum, it is the number of active validators // CHURN_LIMIT_QUOTIENT"},
	},
})

// Sites of get_seed: epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD - 1.
var (
	siteSeedSum                 = site("get_seed_sum", OpAdd, "epoch", "EPOCHS_PER_HISTORICAL_VECTOR")
	siteSeedDifferenceLookahead = site("get_seed_difference", OpSub, "epoch + EPOCHS_PER_HISTORICAL_VECTOR", "MIN_SEED_LOOKAHEAD")
	siteSeedDifferenceOne       = site("get_seed_difference", OpSub, "epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD", "1")
)

// GetSeed is the spec's get_seed ("Beacon state accessors").
func (m *Model) GetSeed(state *BeaconState, epoch Epoch, domainType DomainType) (seed Root, err error) {
	if m.hooked() {
		if err := m.requires(getSeedContract, func(c *checker) { m.randaoMixesAtLength(c, state) }, "epoch", epoch, "domain_type", domainType); err != nil {
			return Root{}, err
		}
		defer m.ensures(getSeedContract, &err, func(c *checker) {
			// No overflow: the call succeeded.
			i := (uint64(epoch) + m.EpochsPerHistoricalVector - m.MinSeedLookahead - 1) % m.EpochsPerHistoricalVector
			mix := state.RandaoMixes[i]
			want := m.Hash(slices.Concat(domainType[:], m.UintToBytes8(uint64(epoch)), mix[:]))
			c.that("hash_of_lookahead_mix", seed == want,
				"seed %x, hash(domain_type + uint_to_bytes(epoch) + randao_mixes[%d]) is %x", seed, i, want)
		})
	}
	var k Calc
	// Epoch(epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD - 1): avoid underflow
	e := k.Sub(siteSeedDifferenceOne, k.Sub(siteSeedDifferenceLookahead, k.Add(siteSeedSum, uint64(epoch), m.EpochsPerHistoricalVector), m.MinSeedLookahead), 1)
	if err := k.Err(); err != nil {
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
	return m.Hash(buf[:]), nil
}

var getSeedContract = declare(Contract{
	Func: "get_seed", Section: "Beacon state accessors",
	Pre: []Clause{
		{"randao_mixes_at_length", "state.randao_mixes has EPOCHS_PER_HISTORICAL_VECTOR entries"},
	},
	Post: []Clause{
		{"hash_of_lookahead_mix", "the seed is hash(domain_type + uint_to_bytes(epoch) + mix), mix = randao_mixes[(epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD - 1) % EPOCHS_PER_HISTORICAL_VECTOR]: a function of the epoch, the domain and the mix MIN_SEED_LOOKAHEAD + 1 epochs back, nothing else"},
	},
})

// GetCommitteeCountPerSlot is the spec's get_committee_count_per_slot ("Beacon state
// accessors"), whose arithmetic is Config.CommitteeCountPerSlot.
func (m *Model) GetCommitteeCountPerSlot(state *BeaconState, epoch Epoch) uint64 {
	if m.hooked() {
		return checkPure(m, getCommitteeCountPerSlotContract, nil,
			func() uint64 { return m.CommitteeCountPerSlot(uint64(len(m.GetActiveValidatorIndices(state, epoch)))) },
			func(c *checker, n uint64) {
				active := uint64(len(m.GetActiveValidatorIndices(state, epoch)))
				c.that("between_one_and_max", n >= 1 && n <= m.MaxCommitteesPerSlot, "%d committees per slot, MAX_COMMITTEES_PER_SLOT %d", n, m.MaxCommitteesPerSlot)
				c.that("committees_of_target_size", n == 1 || n*m.SlotsPerEpoch*m.TargetCommitteeSize <= active,
					"%d committees per slot for %d active validators: some below TARGET_COMMITTEE_SIZE %d", n, active, m.TargetCommitteeSize)
			}, "epoch", epoch)
	}
	return m.CommitteeCountPerSlot(uint64(len(m.GetActiveValidatorIndices(state, epoch))))
}

var getCommitteeCountPerSlotContract = declare(Contract{
	Func: "get_committee_count_per_slot", Section: "Beacon state accessors",
	Post: []Clause{
		{"between_one_and_max", "there are between 1 and MAX_COMMITTEES_PER_SLOT committees per slot"},
		{"committees_of_target_size", "more than one only if every committee of the epoch can have TARGET_COMMITTEE_SIZE members: count * SLOTS_PER_EPOCH * TARGET_COMMITTEE_SIZE <= active validators"},
	},
})

// GetBeaconCommittee is the spec's get_beacon_committee ("Beacon state accessors"). It
// reads the epoch's cached whole-list shuffling; the plain ComputeCommittee path is held
// equal to it by a property test. The result must not be modified.
func (m *Model) GetBeaconCommittee(state *BeaconState, slot Slot, index CommitteeIndex) (committee []ValidatorIndex, err error) {
	if m.hooked() {
		if err := m.requires(getBeaconCommitteeContract, func(c *checker) {
			c.that("index_below_count", uint64(index) < m.GetCommitteeCountPerSlot(state, m.ComputeEpochAtSlot(slot)),
				"committee index %d, %d committees per slot", index, m.GetCommitteeCountPerSlot(state, m.ComputeEpochAtSlot(slot)))
		}, "slot", slot, "index", index); err != nil {
			return nil, err
		}
		defer m.ensures(getBeaconCommitteeContract, &err, func(c *checker) {
			epoch := m.ComputeEpochAtSlot(slot)
			active := m.GetActiveValidatorIndices(state, epoch)
			count := m.GetCommitteeCountPerSlot(state, epoch) * m.SlotsPerEpoch
			c.that("length_is_share", uint64(len(committee)) >= uint64(len(active))/count && uint64(len(committee)) <= (uint64(len(active))+count-1)/count,
				"committee of %d from %d active validators in %d committees", len(committee), len(active), count)
			c.that("members_active", allActive(state, committee, epoch), "a member is not active at epoch %d", epoch)
			plain, perr := m.plainCommittee(state, slot, index)
			c.that("plain_committee_agrees", perr == nil && slices.Equal(committee, plain),
				"the committee from the cached whole-list shuffle differs from compute_committee's, member by member over a plain scan of the active validators (%v)", perr)
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
		{"plain_committee_agrees", "it equals, member by member, the plain spec's committee: compute_committee with each member by compute_shuffled_index over a plain scan of the active validators and get_seed (the model reads it from a cached whole-list shuffle; this holds the two equal on every call)"},
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
func (m *Model) GetBeaconProposerIndex(state *BeaconState) (proposer ValidatorIndex, err error) {
	if m.hooked() {
		m.enter(getBeaconProposerIndexContract, "state.slot", state.Slot)
		defer m.ensures(getBeaconProposerIndexContract, &err, func(c *checker) {
			epoch := m.GetCurrentEpoch(state)
			c.that("proposer_active", uint64(proposer) < uint64(len(state.Validators)) && IsActiveValidator(&state.Validators[proposer], epoch),
				"proposer %d is not active at epoch %d", proposer, epoch)
			seed, serr := m.proposerSeed(state, epoch)
			var again ValidatorIndex
			if serr == nil {
				again, serr = m.computeProposerIndex(state, m.GetActiveValidatorIndices(state, epoch), seed)
			}
			c.that("uncached_agrees", serr == nil && again == proposer, "cached proposer %d, compute_proposer_index gives %d (%v)", proposer, again, serr)
		})
	}
	epoch := m.GetCurrentEpoch(state)
	seed, err := m.proposerSeed(state, epoch)
	if err != nil {
		return 0, err
	}
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

// proposerSeed is hash(get_seed(state, epoch, DOMAIN_BEACON_PROPOSER) + uint_to_bytes(state.slot)).
func (m *Model) proposerSeed(state *BeaconState, epoch Epoch) (Root, error) {
	seedBase, err := m.GetSeed(state, epoch, m.DomainBeaconProposer)
	if err != nil {
		return Root{}, err
	}
	var buf [40]byte
	copy(buf[:32], seedBase[:])
	binary.LittleEndian.PutUint64(buf[32:], uint64(state.Slot))
	return m.Hash(buf[:]), nil
}

var getBeaconProposerIndexContract = declare(Contract{
	Func: "get_beacon_proposer_index", Section: "Beacon state accessors",
	// No precondition of its own: get_seed's and compute_proposer_index's apply, and a
	// state with no active validator is compute_proposer_index's assert (behaviour).
	Post: []Clause{
		{"proposer_active", "the proposer is a validator active at the current epoch"},
		{"uncached_agrees", "it is what compute_proposer_index gives for the current epoch's active indices and seed, recomputed past the per-slot proposer cache (a stale cache entry is a breach)"},
	},
})

// Sites of get_total_balance: the running sum of effective balances.
var siteTotalBalanceSum = site("get_total_balance_sum", OpAdd, "acc", "term")

// siteTotalBalanceRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteTotalBalanceRead = site("get_total_balance_validator_read", OpIndex, "index", "length")

// GetTotalBalance is the spec's get_total_balance ("Beacon state accessors"): the summed
// effective balance of indices, at least EFFECTIVE_BALANCE_INCREMENT. indices must be a set
// (no repeats), as in the spec.
func (m *Model) GetTotalBalance(state *BeaconState, indices []ValidatorIndex) (total Gwei, err error) {
	if m.hooked() {
		if err := m.requires(getTotalBalanceContract, func(c *checker) {
			c.that("indices_distinct", distinct(indices), "an index appears twice in a set of %d", len(indices))
			bad := -1
			for k, i := range indices {
				if uint64(i) >= uint64(len(state.Validators)) {
					bad = k
					break
				}
			}
			c.that("indices_are_validators", bad < 0, "indices[%d] is beyond the %d validators", bad, len(state.Validators))
		}, "indices", indices); err != nil {
			return 0, err
		}
		defer m.ensures(getTotalBalanceContract, &err, func(c *checker) {
			c.that("at_least_increment", total >= m.EffectiveBalanceIncrement, "total %d below EFFECTIVE_BALANCE_INCREMENT", total)
			var sum Gwei // cannot wrap: the call succeeded
			for _, i := range indices {
				sum += state.Validators[i].EffectiveBalance
			}
			c.that("max_of_increment_and_sum", total == max(m.EffectiveBalanceIncrement, sum), "total %d, effective balances sum to %d", total, sum)
		})
	}
	var k Calc
	var sum uint64
	for _, i := range indices {
		// The read through Site.Index, which inlines, where validatorAt would be a call: it
		// runs for every active validator.
		if siteTotalBalanceRead.Index(uint64(i), len(state.Validators)) {
			return 0, outOfRange(siteTotalBalanceRead, "state.validators", uint64(i), len(state.Validators))
		}
		sum = k.Add(siteTotalBalanceSum, sum, uint64(state.Validators[i].EffectiveBalance))
	}
	if err := k.Err(); err != nil {
		return 0, err
	}
	return Gwei(max(uint64(m.EffectiveBalanceIncrement), sum)), nil
}

var getTotalBalanceContract = declare(Contract{
	Func: "get_total_balance", Section: "Beacon state accessors",
	// A sum beyond a uint64 ("math safe up to ~10B ETH") is an ArithmeticError: no caller
	// bounds the registry's total.
	Pre: []Clause{
		{"indices_distinct", "the indices are a set: no index twice (the spec's Set[ValidatorIndex]; a repeat would count a balance twice)"},
		{"indices_are_validators", "every index is below len(state.validators)"},
	},
	Post: []Clause{
		{"at_least_increment", "the total is at least EFFECTIVE_BALANCE_INCREMENT, so callers may divide by it"},
		{"max_of_increment_and_sum", "the total is max(EFFECTIVE_BALANCE_INCREMENT, sum of the indices' effective balances)"},
	},
})

// distinct says no index repeats: linear for the sorted sets the model passes, a map
// otherwise.
func distinct(indices []ValidatorIndex) bool {
	if strictlySorted(indices) {
		return true
	}
	return len(uniq(indices)) == len(indices)
}

// GetTotalActiveBalance is the spec's get_total_active_balance ("Beacon state
// accessors"), cached per epoch.
func (m *Model) GetTotalActiveBalance(state *BeaconState) (Gwei, error) {
	if m.hooked() {
		return m.getTotalActiveBalanceChecked(state)
	}
	epoch := m.GetCurrentEpoch(state)
	e := m.epochEntry(state, epoch)
	if e.hasTotal {
		return e.totalActive, nil
	}
	return m.computeTotalActiveBalance(state, epoch, e)
}

// computeTotalActiveBalance computes and caches the epoch's total.
func (m *Model) computeTotalActiveBalance(state *BeaconState, epoch Epoch, e *epochCache) (Gwei, error) {
	total, err := m.GetTotalBalance(state, m.GetActiveValidatorIndices(state, epoch))
	if err != nil {
		return 0, err
	}
	e.totalActive, e.hasTotal = total, true
	return total, nil
}

func (m *Model) getTotalActiveBalanceChecked(state *BeaconState) (Gwei, error) {
	m.enter(getTotalActiveBalanceContract)
	epoch := m.GetCurrentEpoch(state)
	e := m.epochEntry(state, epoch)
	total, computed := e.totalActive, !e.hasTotal
	if computed {
		var err error
		if total, err = m.computeTotalActiveBalance(state, epoch, e); err != nil {
			return 0, err
		}
	}
	if err := m.totalActiveBalancePost(state, epoch, total, computed); err != nil {
		return 0, err
	}
	return total, nil
}

// totalActiveBalancePost evaluates the postcondition of get_total_active_balance: the
// O(1) clause on every call, the O(n) one when the total is computed (it is read once per
// validator in the rewards: checking a cached total by a scan would make them quadratic).
func (m *Model) totalActiveBalancePost(state *BeaconState, epoch Epoch, total Gwei, computed bool) error {
	var err error
	m.ensures(getTotalActiveBalanceContract, &err, func(c *checker) {
		c.that("at_least_increment", total >= m.EffectiveBalanceIncrement, "total %d below EFFECTIVE_BALANCE_INCREMENT", total)
		if !computed {
			return
		}
		var sum Gwei // cannot wrap: get_total_balance summed the same balances
		for i := range state.Validators {
			if v := &state.Validators[i]; IsActiveValidator(v, epoch) {
				sum += v.EffectiveBalance
			}
		}
		c.that("sum_of_active_balances", total == max(m.EffectiveBalanceIncrement, sum),
			"total %d, the registry's active effective balances sum to %d", total, sum)
	})
	return err
}

var getTotalActiveBalanceContract = declare(Contract{
	Func: "get_total_active_balance", Section: "Beacon state accessors",
	Post: []Clause{
		{"at_least_increment", "the total is at least EFFECTIVE_BALANCE_INCREMENT (every call)"},
		{"sum_of_active_balances", "it is max(EFFECTIVE_BALANCE_INCREMENT, the summed effective balance of the validators active at the current epoch), by a plain scan of the registry past the cached active list (evaluated when the total is computed; a cache hit returns it)"},
	},
})

// GetDomain is the spec's get_domain ("Beacon state accessors"); a nil epoch means the
// current epoch.
func (m *Model) GetDomain(state *BeaconState, domainType DomainType, epoch *Epoch) Domain {
	if m.hooked() {
		return checkPure(m, getDomainContract, nil, func() Domain { return m.getDomain(state, domainType, epoch) }, func(c *checker, d Domain) {
			e := m.GetCurrentEpoch(state)
			if epoch != nil {
				e = *epoch
			}
			version := state.Fork.CurrentVersion
			if e < state.Fork.Epoch {
				version = state.Fork.PreviousVersion
			}
			want := m.ComputeDomain(domainType, &version, &state.GenesisValidatorsRoot)
			c.that("fork_version_of_epoch", d == want, "domain %x at epoch %d (fork epoch %d), want %x with version %x", d, e, state.Fork.Epoch, want, version)
		}, "domain_type", domainType, "epoch", epoch)
	}
	return m.getDomain(state, domainType, epoch)
}

func (m *Model) getDomain(state *BeaconState, domainType DomainType, epoch *Epoch) Domain {
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

var getDomainContract = declare(Contract{
	Func: "get_domain", Section: "Beacon state accessors",
	Post: []Clause{
		{"fork_version_of_epoch", "the domain is compute_domain(domain_type, v, genesis_validators_root), v the fork's previous version for epochs before fork.epoch and its current version from it on (the current epoch when none is given)"},
	},
})

// GetIndexedAttestation is the spec's get_indexed_attestation ("Beacon state accessors").
func (m *Model) GetIndexedAttestation(state *BeaconState, a *Attestation) (ia *IndexedAttestation, err error) {
	if m.hooked() {
		m.enter(getIndexedAttestationContract, "slot", a.Data.Slot, "index", a.Data.Index)
		defer m.ensures(getIndexedAttestationContract, &err, func(c *checker) {
			c.that("indices_sorted_unique", strictlySorted(ia.AttestingIndices), "attesting indices are not strictly increasing")
			c.that("data_and_signature_copied", ia.Data == a.Data && ia.Signature == a.Signature, "data or signature differ from the attestation's")
		})
	}
	indices, err := m.GetAttestingIndices(state, &a.Data, a.AggregationBits)
	if err != nil {
		return nil, err
	}
	return &IndexedAttestation{AttestingIndices: indices, Data: a.Data, Signature: a.Signature}, nil
}

var getIndexedAttestationContract = declare(Contract{
	Func: "get_indexed_attestation", Section: "Beacon state accessors",
	// No precondition of its own: get_attesting_indices' committee_fits_bits applies, and
	// process_attestation asserts len(aggregation_bits) == len(committee) before calling.
	Post: []Clause{
		{"indices_sorted_unique", "the attesting indices are sorted and distinct, as is_valid_indexed_attestation requires of a valid one"},
		{"data_and_signature_copied", "the data and signature are the attestation's"},
	},
})

// siteAttestingBitRead is get_attesting_indices' read bits[i] for the i-th member of the
// committee: it raises when i >= len(bits), which a committee longer than the bitlist makes
// happen (the committee-size bound).
var siteAttestingBitRead = site("get_attesting_indices_bit_read", OpBit, "index", "length")

// bitOutOfRange is the error of a read of bit i of a bitlist of n bits in the spec function
// fn, at the OpBit site s.
func bitOutOfRange(s *Site, fn string, i, n uint64) error {
	return &BitlistIndexError{Func: fn, Index: i, Len: n, Site: s.ID}
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
	if m.hooked() {
		var committee []ValidatorIndex // read by the precondition, for the postcondition
		if err := m.requires(getAttestingIndicesContract, func(c *checker) {
			var cerr error
			if committee, cerr = m.GetBeaconCommittee(state, data.Slot, data.Index); cerr != nil {
				return // the body reads the committee first and returns this error
			}
			c.that("committee_fits_bits", uint64(len(committee)) <= bits.Len(),
				"committee of %d members read through a bitlist of %d bits (MAX_VALIDATORS_PER_COMMITTEE %d)", len(committee), bits.Len(), m.MaxValidatorsPerCommittee)
		}, "slot", data.Slot, "index", data.Index); err != nil {
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
			m.plainAttestingAgrees(c, state, data, bits, out)
		})
	}
	committee, err := m.GetBeaconCommittee(state, data.Slot, data.Index)
	if err != nil {
		return nil, err
	}
	n := bits.Len()
	out = make([]ValidatorIndex, 0, len(committee))
	for i, index := range committee {
		if siteAttestingBitRead.Index(uint64(i), int(n)) {
			return nil, bitOutOfRange(siteAttestingBitRead, "get_attesting_indices", uint64(i), n)
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
		{"plain_attesting_agrees", "they are, in order, what the plain spec gives: the members of compute_committee (each by compute_shuffled_index, over a plain scan of the active validators) whose bit is set, sorted; past the model's cached committee and its own selection"},
	},
})

// plainAttestingAgrees evaluates "plain_attesting_agrees" of get_attesting_indices.
func (m *Model) plainAttestingAgrees(c *checker, state *BeaconState, data *AttestationData, bits bitfield.Bitlist, out []ValidatorIndex) {
	plain, err := m.plainAttestingIndices(state, data, bits)
	c.that("plain_attesting_agrees", err == nil && slices.Equal(out, plain),
		"indices %v; the plain spec (compute_committee by compute_shuffled_index over a plain scan, then the set bits) gives %v (%v)", out, plain, err)
}

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
