package bounds

import (
	"context"
	"fmt"
	"math/bits"
	"sort"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The fast engine's summary does not need every V. committees_per_slot is a step function
// of V, constant on runs [k*S*T, (k+1)*S*T - 1] (S = SLOTS_PER_EPOCH, T =
// TARGET_COMMITTEE_SIZE, k from 1 to MAX_COMMITTEES_PER_SLOT), and on a run, where count is
// constant, FastAt's closed form gives every quantity of a VResult as a non-decreasing
// function of V: MinLen = V // count, MaxLen = ceil(V / count), and Violating is 0 below
// V = M*count + 1, then V - M*count, then count from V = (M+1)*count on (M =
// MAX_VALIDATORS_PER_COMMITTEE). So a run contributes to a Summary through its endpoints and
// those two thresholds alone, and a range of 2**40 values costs one step per run.

// maxRuns bounds the runs of constant committees_per_slot the closed forms walk: a config
// with more in the range (MAX_COMMITTEES_PER_SLOT in the millions with SLOTS_PER_EPOCH *
// TARGET_COMMITTEE_SIZE tiny) is out of the analysable range and gets a RangeError.
const maxRuns = 1 << 18

// run is a maximal range [lo, hi] of V with one value of committees_per_slot.
type run struct{ lo, hi uint64 }

// runs splits [from, to] into its runs of constant committees_per_slot.
func runs(cfg *spec.Config, from, to uint64) ([]run, error) {
	if n := cfg.CommitteeCountPerSlot(to) - cfg.CommitteeCountPerSlot(from) + 1; n > maxRuns {
		return nil, &RangeError{From: from, To: to, Max: MaxV(cfg), Reason: fmt.Sprintf(
			"committees_per_slot takes %d values in it, more than the %d the closed forms walk (SLOTS_PER_EPOCH * TARGET_COMMITTEE_SIZE = %d validators per step, MAX_COMMITTEES_PER_SLOT = %d steps): give a smaller range",
			n, maxRuns, cfg.SlotsPerEpoch*cfg.TargetCommitteeSize, cfg.MaxCommitteesPerSlot)}
	}
	var out []run
	for lo := from; ; {
		hi := to
		if k := cfg.CommitteeCountPerSlot(lo); k < cfg.MaxCommitteesPerSlot {
			// The next step is at (k+1) * S * T, if that is a uint64.
			h1, l1 := bits.Mul64(k+1, cfg.SlotsPerEpoch)
			h2, next := bits.Mul64(l1, cfg.TargetCommitteeSize)
			if h1 == 0 && h2 == 0 && next <= to {
				hi = next - 1
			}
		}
		out = append(out, run{lo, hi})
		if hi == to {
			return out, nil
		}
		lo = hi + 1
	}
}

// mulAdd returns a*b + c and whether it fits a uint64.
func mulAdd(a, b, c uint64) (uint64, bool) {
	hi, lo := bits.Mul64(a, b)
	s, carry := bits.Add64(lo, c, 0)
	return s, hi == 0 && carry == 0
}

// runPartial is the partial of the run [lo, hi], as adding FastAt of each V would make it.
func runPartial(cfg *spec.Config, lo, hi uint64) (partial, error) {
	first, err := FastAt(cfg, lo)
	if err != nil {
		return partial{}, err
	}
	last, err := FastAt(cfg, hi)
	if err != nil {
		return partial{}, err
	}
	count, m := first.Combinations, cfg.MaxValidatorsPerCommittee
	p := partial{values: hi - lo + 1}
	if first.CommitteesPerSlot == cfg.MaxCommitteesPerSlot {
		p.firstCPSMax = optV{lo, true}
	}
	// A combination violates from V = M*count + 1 on, every one from V = (M+1)*count on.
	if a, ok := mulAdd(m, count, 1); ok && a <= hi {
		f := max(lo, a)
		p.firstViolating, p.violatingValues = optV{f, true}, hi-f+1
	}
	b, ok := mulAdd(m, count, count)
	switch {
	case !ok || b > hi:
		p.lastNotAll = optV{hi, true}
	case b > lo:
		p.lastNotAll, p.allViolatingValue = optV{b - 1, true}, hi-b+1
	default:
		p.allViolatingValue = hi - lo + 1
	}
	// MaxLen = ceil(V / count) is largest at hi, first reached at (MaxLen-1)*count + 1.
	p.maxLen, p.maxLenAt, p.maxViolating = last.MaxLen, lo, last.Violating
	if last.MaxLen > 0 {
		p.maxLenAt = max(lo, (last.MaxLen-1)*count+1)
	}
	return p, nil
}

// closedSummary is Scan's Summary with the fast engine, one step per run.
func closedSummary(ctx context.Context, cfg *spec.Config, from, to uint64) (*Summary, error) {
	rs, err := runs(cfg, from, to)
	if err != nil {
		return nil, err
	}
	var acc partial
	for i, r := range rs {
		if i&1023 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		p, err := runPartial(cfg, r.lo, r.hi)
		if err != nil {
			return nil, err
		}
		acc.merge(p)
	}
	return acc.summary(cfg, from, to), nil
}

// sampleRows calls fn with FastAt of every V in [lo, hi] that a plot reduced to buckets
// pixel columns (m4) needs: the first and last V of every column and of every run. Every
// quantity is monotone within a run, so each column's extremes are among them.
func sampleRows(cfg *spec.Config, lo, hi uint64, fn func(VResult)) error {
	rs, err := runs(cfg, lo, hi)
	if err != nil {
		return err
	}
	var vs []uint64
	for _, r := range rs {
		vs = append(vs, r.lo, r.hi)
	}
	width := hi - lo + 1 // hi <= MaxV < 2**64 - 1
	for b := uint64(0); b <= buckets; b++ {
		// The first V of column b is lo + ceil(b * width / buckets).
		h, l := bits.Mul64(b, width)
		l, c := bits.Add64(l, buckets-1, 0)
		q, _ := bits.Div64(h+c, l, buckets)
		if q < width {
			vs = append(vs, lo+q)
		}
		if q > 0 && q-1 < width {
			vs = append(vs, lo+q-1)
		}
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
	for i, v := range vs {
		if i > 0 && v == vs[i-1] {
			continue
		}
		r, err := FastAt(cfg, v)
		if err != nil {
			return err
		}
		fn(r)
	}
	return nil
}

// maxPlotScan is the widest view a plot evaluates at every V; wider views are sampled
// exactly (sampleRows).
const maxPlotScan = 1 << 24

// plotRows calls fn with the VResults a plot of [lo, hi] needs, in increasing V: every V
// when the view is narrow, the samples of sampleRows otherwise.
func plotRows(ctx context.Context, cfg *spec.Config, lo, hi uint64, fn func(VResult)) error {
	if err := checkRange(cfg, lo, hi); err != nil {
		return err
	}
	if hi-lo < maxPlotScan {
		_, err := Scan(ctx, cfg, lo, hi, Options{Row: func(r VResult) error { fn(r); return nil }})
		return err
	}
	return sampleRows(cfg, lo, hi, fn)
}
