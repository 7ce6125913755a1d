package bounds

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"testing"
	"time"

	"github.com/beaconcheck/beaconcheck/spec"
)

// withKeys returns a copy of the preset with the committee keys changed.
func withKeys(preset string, spe, mcps, tcs, mvpc uint64) *spec.Config {
	cfg := *spec.MustPreset(preset)
	if spe != 0 {
		cfg.SlotsPerEpoch = spe
	}
	if mcps != 0 {
		cfg.MaxCommitteesPerSlot = mcps
	}
	if tcs != 0 {
		cfg.TargetCommitteeSize = tcs
	}
	if mvpc != 0 {
		cfg.MaxValidatorsPerCommittee = mvpc
	}
	// Keep the relations Validate requires of a huge SLOTS_PER_EPOCH.
	cfg.SlotsPerHistoricalRoot = max(cfg.SlotsPerHistoricalRoot, cfg.SlotsPerEpoch)
	if cfg.SlotsPerEpoch > 1<<32 {
		cfg.EpochsPerEth1VotingPeriod, cfg.MaxAttestations = 1, 1
	}
	cfg.ConfigName = fmt.Sprintf("%s-spe%d-mcps%d-tcs%d-mvpc%d", preset, spe, mcps, tcs, mvpc)
	return &cfg
}

// TestClosedSummaryMatchesScan: the run-by-run Summary equals the value-by-value one (a
// Row callback forces the latter) on the presets and on configs whose thresholds fall in
// other orders, over ranges that start and end inside runs.
func TestClosedSummaryMatchesScan(t *testing.T) {
	cfgs := []*spec.Config{
		spec.MustPreset("minimal"),
		withKeys("minimal", 2, 3, 1, 4),   // many short runs, violations from the first runs
		withKeys("minimal", 1, 7, 3, 2),   // SLOTS_PER_EPOCH 1
		withKeys("minimal", 4, 1, 1, 8),   // one committee per slot throughout
		withKeys("minimal", 8, 4, 100, 3), // violations before committees_per_slot is at its maximum
	}
	for _, cfg := range cfgs {
		from, to := DefaultRange(cfg)
		for _, r := range [][2]uint64{{from, to}, {0, 0}, {1, 1}, {5, 777}, {100, to / 2}, {to / 3, to}} {
			if r[0] > r[1] {
				continue
			}
			closed, err := Scan(context.Background(), cfg, r[0], r[1], Options{})
			if err != nil {
				t.Fatal(err)
			}
			each, err := Scan(context.Background(), cfg, r[0], r[1], Options{Row: func(VResult) error { return nil }})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(closed, each) {
				t.Errorf("%s [%d, %d]:\nclosed %+v\n  each %+v", cfg.ConfigName, r[0], r[1], *closed, *each)
			}
		}
	}
}

// envelope is the lowest and highest value of each pixel column of a reduced series, and its
// first and last.
func envelope(m *m4) map[uint64][4]float64 {
	out := map[uint64][4]float64{}
	for _, pt := range m.points() {
		h, l := bits.Mul64(uint64(pt.X)-m.lo, m.n)
		b, _ := bits.Div64(h, l, m.width)
		e, ok := out[b]
		if !ok {
			e = [4]float64{pt.Y, pt.Y, pt.Y, pt.Y}
		}
		e[0], e[1], e[3] = min(e[0], pt.Y), max(e[1], pt.Y), pt.Y
		out[b] = e
	}
	return out
}

// TestSampledPlotRowsMatchEveryRow: reducing the sampled rows to pixel columns gives every
// column the same lowest, highest, first and last value as reducing every row (the V at
// which a flat extreme is first reached may differ within the column).
func TestSampledPlotRowsMatchEveryRow(t *testing.T) {
	for _, cfg := range []*spec.Config{spec.MustPreset("minimal"), withKeys("minimal", 2, 3, 1, 4), withKeys("minimal", 8, 4, 100, 3)} {
		lo, hi := uint64(3), uint64(300000)
		every, sampled := [2]*m4{newM4(lo, hi), newM4(lo, hi)}, [2]*m4{newM4(lo, hi), newM4(lo, hi)}
		add := func(m [2]*m4) func(VResult) {
			return func(r VResult) { m[0].add(r.V, float64(r.MaxLen)); m[1].add(r.V, float64(r.Violating)) }
		}
		if _, err := Scan(context.Background(), cfg, lo, hi, Options{Row: func(r VResult) error { add(every)(r); return nil }}); err != nil {
			t.Fatal(err)
		}
		if err := sampleRows(cfg, lo, hi, add(sampled)); err != nil {
			t.Fatal(err)
		}
		for i := range every {
			if a, b := envelope(every[i]), envelope(sampled[i]); !reflect.DeepEqual(a, b) {
				t.Errorf("%s series %d: the columns' extremes differ", cfg.ConfigName, i)
			}
		}
	}
}

// TestHostileConfigsReturnQuickly: configs with committee keys at the edges of uint64 get a
// summary, the catalogue and the default range's plots, or a clear error, within a second,
// not a scan of 2**40 values.
func TestHostileConfigsReturnQuickly(t *testing.T) {
	cfgs := []*spec.Config{
		withKeys("mainnet", 0, 0, math.MaxUint64, 0),
		withKeys("mainnet", 1<<40, 0, 0, 0),
		withKeys("mainnet", 1<<62, 0, math.MaxUint64, 0),
		withKeys("mainnet", 0, math.MaxUint64, 0, 0),
		withKeys("mainnet", 0, 1<<20, 1, 0),
		withKeys("mainnet", 1, 1<<32, 1, 0), // committees_per_slot steps at every V: out of range
		withKeys("mainnet", 0, 0, 0, 1<<32),
		withKeys("minimal", 1, 1, math.MaxUint64, 1),
	}
	for _, cfg := range cfgs {
		t.Run(cfg.ConfigName, func(t *testing.T) {
			if err := cfg.Validate(); err != nil {
				t.Fatalf("the loader would reject it: %v", err)
			}
			start := time.Now()
			from, to := DefaultRange(cfg)
			sum, err := Scan(context.Background(), cfg, from, to, Options{})
			var re *RangeError
			if err != nil && !errors.As(err, &re) {
				t.Fatalf("error %v is not a RangeError", err)
			}
			if err == nil && sum.Values != to-from+1 {
				t.Fatalf("summary of %d values for [%d, %d]", sum.Values, from, to)
			}
			for _, s := range Catalogue() {
				if _, err := s.Evaluate(cfg); err != nil && !errors.As(err, &re) {
					t.Fatalf("site %s: %v", s.ID, err)
				}
			}
			if err == nil {
				if _, err := WritePlots(context.Background(), cfg, t.TempDir()); err != nil {
					t.Logf("plots: %v", err)
				}
			}
			if d := time.Since(start); d > time.Second {
				t.Fatalf("took %v", d)
			}
			t.Logf("[%d, %d] in %v: %v", from, to, time.Since(start), err)
		})
	}
}
