package properties

import (
	"context"
	"math/bits"
	"math/rand"
	"sync"

	"github.com/leanovate/gopter"

	"github.com/beaconcheck/beaconcheck/bounds"
	"github.com/beaconcheck/beaconcheck/spec"
)

// Thresholds are the values of V (active validators) where a config's committees change
// character, as package bounds derives them from the config, and the cap of the upper-bound
// fix.
type Thresholds struct {
	CommitteesPerSlotMax uint64 // smallest V with MAX_COMMITTEES_PER_SLOT committees per slot
	LastSafe             uint64 // largest V with no committee beyond MAX_VALIDATORS_PER_COMMITTEE
	FirstViolating       uint64 // smallest V with a committee beyond it (the bug)
	AllViolatingFrom     uint64 // smallest V from which every committee is beyond it
	Cap                  uint64 // ActiveValidatorCap, the upper-bound fix
	Committees           uint64 // MAX_COMMITTEES_PER_SLOT * SLOTS_PER_EPOCH: committees per epoch at most
}

var thresholdCache sync.Map // config name -> *Thresholds

// ThresholdsOf scans the config's default range (bounds.DefaultRange, which holds every
// threshold) with bounds' fast engine, once per config name: about a second and a half for
// mainnet's 2**23 values on two cores, milliseconds for minimal.
func ThresholdsOf(cfg *spec.Config) (*Thresholds, error) {
	if t, ok := thresholdCache.Load(cfg.ConfigName); ok {
		return t.(*Thresholds), nil
	}
	from, to := bounds.DefaultRange(cfg)
	s, err := bounds.Scan(context.Background(), cfg, from, to, bounds.Options{})
	if err != nil {
		return nil, err
	}
	t := &Thresholds{
		CommitteesPerSlotMax: s.CommitteesPerSlotMax.V,
		LastSafe:             s.LastSafe.V,
		FirstViolating:       s.FirstViolating.V,
		AllViolatingFrom:     s.AllViolatingFrom.V,
		Cap:                  cfg.ActiveValidatorCap(),
		Committees:           cfg.MaxCommitteesPerSlot * cfg.SlotsPerEpoch,
	}
	actual, _ := thresholdCache.LoadOrStore(cfg.ConfigName, t)
	return actual.(*Thresholds), nil
}

func mustThresholds(cfg *spec.Config) *Thresholds {
	t, err := ThresholdsOf(cfg)
	if err != nil {
		panic(err)
	}
	return t
}

// drawCount draws a number of active validators in [lo, hi], biased towards the values
// where the config's committees change: a quarter near one of its thresholds (within two
// epochs' worth of committees of it), a quarter at or next to a power of two, a quarter
// among small values, a quarter anywhere in the range.
func drawCount(r *rand.Rand, cfg *spec.Config, lo, hi uint64) uint64 {
	t := mustThresholds(cfg)
	clamp := func(v uint64) uint64 { return min(max(v, lo), hi) }
	switch r.Intn(4) {
	case 0:
		at := pick(r, t.CommitteesPerSlotMax, t.LastSafe, t.FirstViolating, t.AllViolatingFrom, t.Cap)
		off := between(r, 0, 2*t.Committees)
		if r.Intn(2) == 0 {
			return clamp(at - min(at, off))
		}
		return clamp(at + off)
	case 1:
		k := r.Intn(bits.Len64(hi) + 1)
		v := uint64(1) << k
		if k == 64 {
			v = hi
		}
		return clamp(v + pick[uint64](r, 0, 1, ^uint64(0))) // 2**k - 1, 2**k or 2**k + 1
	case 2:
		return between(r, lo, min(hi, lo+4*t.Committees*cfg.TargetCommitteeSize))
	}
	return between(r, lo, hi)
}

// ValidatorCounts generates numbers of active validators in [lo, hi] for cfg, biased
// towards its thresholds (see drawCount), shrinking towards lo.
func ValidatorCounts(cfg *spec.Config, lo, hi uint64) gopter.Gen {
	return generator(func(r *rand.Rand) uint64 { return drawCount(r, cfg, lo, hi) },
		func(v uint64) []uint64 { return towards(v, lo) })
}
