package spec

// This file holds the committee arithmetic of the spec as pure functions of the quantities
// it depends on (the number of active validators, the slot, the committee index), so the
// state accessors and the bound analysis (package bounds) evaluate the very same expressions.

// Sites of get_committee_count_per_slot: the two divisions by config values, which
// Config.Validate keeps non-zero.
var (
	siteCommitteesPerSlotEpoch = site("get_committee_count_per_slot_divisions", OpDiv, "V", "SLOTS_PER_EPOCH")
	siteCommitteesPerSlotSize  = site("get_committee_count_per_slot_divisions", OpDiv, "V // SLOTS_PER_EPOCH", "TARGET_COMMITTEE_SIZE")
)

// CommitteeCountPerSlot is the arithmetic of get_committee_count_per_slot
// ("Beacon state accessors") for activeCount active validators:
//
//	max(1, min(MAX_COMMITTEES_PER_SLOT, activeCount // SLOTS_PER_EPOCH // TARGET_COMMITTEE_SIZE))
func (c *Config) CommitteeCountPerSlot(activeCount uint64) uint64 {
	n := siteCommitteesPerSlotSize.Div(siteCommitteesPerSlotEpoch.Div(activeCount, c.SlotsPerEpoch), c.TargetCommitteeSize)
	if n > c.MaxCommitteesPerSlot {
		n = c.MaxCommitteesPerSlot
	}
	if n < 1 {
		n = 1
	}
	return n
}

// Sites of get_beacon_committee: (slot % SLOTS_PER_EPOCH) * committees_per_slot + index and
// committees_per_slot * SLOTS_PER_EPOCH, and the modulo by SLOTS_PER_EPOCH (a config value
// Config.Validate keeps non-zero).
var (
	siteCommitteeSlotModulo   = site("get_beacon_committee_modulo", OpMod, "slot", "SLOTS_PER_EPOCH")
	siteCommitteeIndexProduct = site("get_beacon_committee_index_arithmetic", OpMul, "slot % SLOTS_PER_EPOCH", "committees_per_slot")
	siteCommitteeIndexSum     = site("get_beacon_committee_index_arithmetic", OpAdd, "(slot % SLOTS_PER_EPOCH) * committees_per_slot", "index")
	siteCommitteeCount        = site("get_beacon_committee_index_arithmetic", OpMul, "committees_per_slot", "SLOTS_PER_EPOCH")
)

// BeaconCommitteeArgs returns the index and count that get_beacon_committee
// ("Beacon state accessors") passes to compute_committee for a committee at slot with
// committee index, given the epoch's committees per slot:
//
//	index = (slot % SLOTS_PER_EPOCH) * committees_per_slot + index
//	count = committees_per_slot * SLOTS_PER_EPOCH
func (c *Config) BeaconCommitteeArgs(slot Slot, index CommitteeIndex, committeesPerSlot uint64) (idx, count uint64, err error) {
	var k Calc
	idx = k.Add(siteCommitteeIndexSum, k.Mul(siteCommitteeIndexProduct, k.Mod(siteCommitteeSlotModulo, uint64(slot), c.SlotsPerEpoch), committeesPerSlot), uint64(index))
	count = k.Mul(siteCommitteeCount, committeesPerSlot, c.SlotsPerEpoch)
	return idx, count, k.Err()
}

// Sites of compute_committee: start and end.
var (
	siteCommitteeStart    = site("compute_committee_start_end", OpMul, "V", "index")
	siteCommitteeNext     = site("compute_committee_start_end", OpAdd, "index", "1")
	siteCommitteeEnd      = site("compute_committee_start_end", OpMul, "V", "index + 1")
	siteCommitteeDivision = site("compute_committee_division", OpDiv, "numerator", "count")
)

// ComputeCommitteeRange returns the start and end that compute_committee ("Misc") computes
// for a committee: the committee is the shuffled indices [start, end).
//
//	start = (len(indices) * index) // count
//	end   = (len(indices) * uint64(index + 1)) // count
func ComputeCommitteeRange(indexCount, index, count uint64) (start, end uint64, err error) {
	var k Calc
	start = k.Div(siteCommitteeDivision, k.Mul(siteCommitteeStart, indexCount, index), count)
	end = k.Div(siteCommitteeDivision, k.Mul(siteCommitteeEnd, indexCount, k.Add(siteCommitteeNext, index, 1)), count)
	return start, end, k.Err()
}
