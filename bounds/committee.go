package bounds

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// This file is the committee-size analysis. For V active validators, get_beacon_committee
// ("Beacon state accessors") asks compute_committee ("Misc") for the slice [start, end) of
// the shuffled active indices, with
//
//	cps   = get_committee_count_per_slot = max(1, min(MAX_COMMITTEES_PER_SLOT, V // SLOTS_PER_EPOCH // TARGET_COMMITTEE_SIZE))
//	idx   = (slot % SLOTS_PER_EPOCH) * cps + index
//	count = cps * SLOTS_PER_EPOCH
//	start = V * idx // count
//	end   = V * (idx + 1) // count
//
// so the committee's length end - start depends on V and on the combination
// (slot % SLOTS_PER_EPOCH, index) with 0 <= index < cps, of which there are count.
// get_attesting_indices then reads bits[i] for i < end - start, where bits is a
// Bitlist[MAX_VALIDATORS_PER_COMMITTEE]: a combination "violates" when its committee is
// longer than MAX_VALIDATORS_PER_COMMITTEE.

// VResult is what one value of V gives: the committees per slot, the number of
// (slot % SLOTS_PER_EPOCH, committee index) combinations, the shortest and longest committee
// among them, and how many of them are longer than MAX_VALIDATORS_PER_COMMITTEE.
type VResult struct {
	V                 uint64 // number of active validators
	CommitteesPerSlot uint64 // get_committee_count_per_slot
	Combinations      uint64 // CommitteesPerSlot * SLOTS_PER_EPOCH
	MinLen            uint64 // shortest committee over the combinations
	MaxLen            uint64 // longest committee over the combinations
	Violating         uint64 // combinations whose committee is longer than MAX_VALIDATORS_PER_COMMITTEE
}

// Engine selects how Scan evaluates one V. Both engines give equal VResults; the tests hold
// them equal over every V they are run on.
type Engine uint8

const (
	// Fast evaluates V in closed form (FastAt): constant time per V.
	Fast Engine = iota
	// Referee evaluates every combination of V with the spec's expressions (RefereeAt):
	// time proportional to the number of combinations, up to 2,048 per V on mainnet.
	Referee
)

// engineNames are the engines' names, indexed by Engine.
var engineNames = [...]string{Fast: "fast", Referee: "referee"}

func (e Engine) String() string {
	if int(e) < len(engineNames) {
		return engineNames[e]
	}
	return fmt.Sprintf("Engine(%d)", uint8(e))
}

// ParseEngine returns the engine named s ("fast" or "referee").
func ParseEngine(s string) (Engine, error) {
	for i, n := range engineNames {
		if s == n {
			return Engine(i), nil
		}
	}
	return 0, fmt.Errorf("unknown engine %q (known: %s)", s, strings.Join(engineNames[:], ", "))
}

// At evaluates V with the engine.
func (e Engine) At(cfg *spec.Config, v uint64) (VResult, error) {
	switch e {
	case Fast:
		return FastAt(cfg, v)
	case Referee:
		return RefereeAt(cfg, v)
	}
	return VResult{}, fmt.Errorf("bounds: unknown engine %v", e)
}

// RefereeAt evaluates V literally: for every slot % SLOTS_PER_EPOCH and every committee index
// below get_committee_count_per_slot it computes the committee's start and end with the
// spec's own expressions (spec.Config.CommitteeCountPerSlot, spec.Config.BeaconCommitteeArgs,
// spec.ComputeCommitteeRange) and measures end - start. It is slow and obviously right; FastAt
// is held equal to it.
func RefereeAt(cfg *spec.Config, v uint64) (VResult, error) {
	r := VResult{V: v, MinLen: math.MaxUint64}
	// get_beacon_committee calls get_committee_count_per_slot for the epoch; it is a
	// function of V alone, so every combination of V sees the same value.
	cps := cfg.CommitteeCountPerSlot(v)
	r.CommitteesPerSlot = cps
	for slot := uint64(0); slot < cfg.SlotsPerEpoch; slot++ {
		for index := uint64(0); index < cps; index++ {
			idx, count, err := cfg.BeaconCommitteeArgs(spec.Slot(slot), spec.CommitteeIndex(index), cps)
			if err != nil {
				return VResult{}, fmt.Errorf("V = %d, slot %% SLOTS_PER_EPOCH = %d, index = %d: %w", v, slot, index, err)
			}
			start, end, err := spec.ComputeCommitteeRange(v, idx, count)
			if err != nil {
				return VResult{}, fmt.Errorf("V = %d, slot %% SLOTS_PER_EPOCH = %d, index = %d: %w", v, slot, index, err)
			}
			if end < start {
				return VResult{}, fmt.Errorf("V = %d, slot %% SLOTS_PER_EPOCH = %d, index = %d: compute_committee end %d before start %d", v, slot, index, end, start)
			}
			n := end - start
			r.Combinations++
			r.MinLen = min(r.MinLen, n)
			r.MaxLen = max(r.MaxLen, n)
			if n > cfg.MaxValidatorsPerCommittee {
				r.Violating++
			}
		}
	}
	return r, nil
}

// FastAt evaluates V in closed form. With count = committees_per_slot * SLOTS_PER_EPOCH,
// q = V // count and r = V % count, the committee of compute_committee index i has length
//
//	L(i) = V*(i+1)//count - V*i//count
//	     = q + (r*(i+1)//count - r*i//count)        (V*i = q*count*i + r*i)
//
// and since 0 <= r < count the bracket is 0 or 1 (r*(i+1)/count and r*i/count differ by
// r/count < 1, so their floors differ by at most 1). Summing L(i) over i in [0, count) the
// floors telescope to q*count + r*count//count = V, so exactly r committees have length q+1
// and count - r >= 1 have length q. Hence MinLen = q, MaxLen = q+1 if r > 0 else q, and with
// M = MAX_VALIDATORS_PER_COMMITTEE a committee is longer than M when
//
//	q > M:  all count combinations violate (every length is at least q >= M+1);
//	q == M: the r committees of length M+1 violate;
//	q < M:  none do (every length is at most q+1 <= M).
//
// The combination (slot % SLOTS_PER_EPOCH, index) is compute_committee index
// (slot % SLOTS_PER_EPOCH) * cps + index, a bijection onto [0, count), so counting committee
// indices counts combinations. committees_per_slot and count come from the spec's own
// functions, as in RefereeAt.
func FastAt(cfg *spec.Config, v uint64) (VResult, error) {
	cps := cfg.CommitteeCountPerSlot(v)
	_, count, err := cfg.BeaconCommitteeArgs(0, 0, cps)
	if err != nil {
		return VResult{}, fmt.Errorf("V = %d: %w", v, err)
	}
	q, r := v/count, v%count
	res := VResult{V: v, CommitteesPerSlot: cps, Combinations: count, MinLen: q, MaxLen: q}
	if r > 0 {
		res.MaxLen = q + 1
	}
	switch m := cfg.MaxValidatorsPerCommittee; {
	case q > m:
		res.Violating = count
	case q == m:
		res.Violating = r
	}
	return res, nil
}

// Grid is the committee length of every (slot % SLOTS_PER_EPOCH, committee index)
// combination for one V (the article's Figure 10).
type Grid struct {
	V                 uint64
	SlotsPerEpoch     uint64
	CommitteesPerSlot uint64
	MaxLen            uint64     // MAX_VALIDATORS_PER_COMMITTEE
	Len               [][]uint64 // Len[slot % SLOTS_PER_EPOCH][index]
}

// Violates reports whether the committee of (slot % SLOTS_PER_EPOCH, index) is longer than
// MAX_VALIDATORS_PER_COMMITTEE.
func (g *Grid) Violates(slot, index uint64) bool { return g.Len[slot][index] > g.MaxLen }

// Violating counts the combinations whose committee is longer than
// MAX_VALIDATORS_PER_COMMITTEE.
func (g *Grid) Violating() uint64 {
	var n uint64
	for s := range g.Len {
		for i := range g.Len[s] {
			if g.Violates(uint64(s), uint64(i)) {
				n++
			}
		}
	}
	return n
}

// CommitteeGrid evaluates every combination of V with the spec's expressions, as RefereeAt
// does, keeping each committee's length.
func CommitteeGrid(cfg *spec.Config, v uint64) (*Grid, error) {
	if err := checkRange(cfg, v, v); err != nil {
		return nil, err
	}
	cps := cfg.CommitteeCountPerSlot(v)
	g := &Grid{V: v, SlotsPerEpoch: cfg.SlotsPerEpoch, CommitteesPerSlot: cps, MaxLen: cfg.MaxValidatorsPerCommittee}
	g.Len = make([][]uint64, cfg.SlotsPerEpoch)
	for slot := range g.Len {
		g.Len[slot] = make([]uint64, cps)
		for index := range g.Len[slot] {
			idx, count, err := cfg.BeaconCommitteeArgs(spec.Slot(slot), spec.CommitteeIndex(index), cps)
			if err != nil {
				return nil, err
			}
			start, end, err := spec.ComputeCommitteeRange(v, idx, count)
			if err != nil {
				return nil, err
			}
			g.Len[slot][index] = end - start
		}
	}
	return g, nil
}

// MaxV is the largest V the analysis accepts for cfg: VALIDATOR_REGISTRY_LIMIT (a state
// cannot hold more validators, let alone active ones), lowered if need be so that
// V * MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH fits in a uint64 and the spec's expressions
// cannot overflow anywhere in range.
func MaxV(cfg *spec.Config) uint64 {
	limit := cfg.ValidatorRegistryLimit
	hi, maxCount := bits.Mul64(cfg.MaxCommitteesPerSlot, cfg.SlotsPerEpoch)
	if hi != 0 {
		return 0
	}
	return min(limit, math.MaxUint64/maxCount)
}

// RangeError reports a range of V that the analysis cannot scan.
type RangeError struct {
	From, To uint64
	Max      uint64 // MaxV of the config
	Reason   string
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("range of V [%d, %d] rejected: %s", e.From, e.To, e.Reason)
}

func checkRange(cfg *spec.Config, from, to uint64) error {
	if from > to {
		return &RangeError{From: from, To: to, Max: MaxV(cfg), Reason: "from is above to"}
	}
	if m := MaxV(cfg); to > m {
		return &RangeError{From: from, To: to, Max: m, Reason: fmt.Sprintf("above %d, the most validators this config can have (VALIDATOR_REGISTRY_LIMIT, or what keeps V * MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH in a uint64)", m)}
	}
	return nil
}
