package bounds

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// Committee statistics of single values of V, worked out by hand from the spec's formulas
// (count = committees_per_slot * SLOTS_PER_EPOCH, q = V // count, r = V % count).
var knownValues = []struct {
	preset string
	want   VResult
}{
	// mainnet: SLOTS_PER_EPOCH 32, MAX_COMMITTEES_PER_SLOT 64, TARGET_COMMITTEE_SIZE 128.
	{"mainnet", VResult{V: 0, CommitteesPerSlot: 1, Combinations: 32, MinLen: 0, MaxLen: 0, Violating: 0}},
	{"mainnet", VResult{V: 1, CommitteesPerSlot: 1, Combinations: 32, MinLen: 0, MaxLen: 1, Violating: 0}},
	{"mainnet", VResult{V: 100, CommitteesPerSlot: 1, Combinations: 32, MinLen: 3, MaxLen: 4, Violating: 0}},
	{"mainnet", VResult{V: 8191, CommitteesPerSlot: 1, Combinations: 32, MinLen: 255, MaxLen: 256, Violating: 0}},
	{"mainnet", VResult{V: 8192, CommitteesPerSlot: 2, Combinations: 64, MinLen: 128, MaxLen: 128, Violating: 0}},
	{"mainnet", VResult{V: 262143, CommitteesPerSlot: 63, Combinations: 2016, MinLen: 130, MaxLen: 131, Violating: 0}},
	{"mainnet", VResult{V: 262144, CommitteesPerSlot: 64, Combinations: 2048, MinLen: 128, MaxLen: 128, Violating: 0}},
	{"mainnet", VResult{V: 4194304, CommitteesPerSlot: 64, Combinations: 2048, MinLen: 2048, MaxLen: 2048, Violating: 0}},
	{"mainnet", VResult{V: 4194305, CommitteesPerSlot: 64, Combinations: 2048, MinLen: 2048, MaxLen: 2049, Violating: 1}},
	{"mainnet", VResult{V: 4194355, CommitteesPerSlot: 64, Combinations: 2048, MinLen: 2048, MaxLen: 2049, Violating: 51}},
	{"mainnet", VResult{V: 4196351, CommitteesPerSlot: 64, Combinations: 2048, MinLen: 2048, MaxLen: 2049, Violating: 2047}},
	{"mainnet", VResult{V: 4196352, CommitteesPerSlot: 64, Combinations: 2048, MinLen: 2049, MaxLen: 2049, Violating: 2048}},
	{"mainnet", VResult{V: 8388608, CommitteesPerSlot: 64, Combinations: 2048, MinLen: 4096, MaxLen: 4096, Violating: 2048}},
	// minimal: SLOTS_PER_EPOCH 8, MAX_COMMITTEES_PER_SLOT 4, TARGET_COMMITTEE_SIZE 4.
	{"minimal", VResult{V: 31, CommitteesPerSlot: 1, Combinations: 8, MinLen: 3, MaxLen: 4, Violating: 0}},
	{"minimal", VResult{V: 64, CommitteesPerSlot: 2, Combinations: 16, MinLen: 4, MaxLen: 4, Violating: 0}},
	{"minimal", VResult{V: 128, CommitteesPerSlot: 4, Combinations: 32, MinLen: 4, MaxLen: 4, Violating: 0}},
	{"minimal", VResult{V: 65536, CommitteesPerSlot: 4, Combinations: 32, MinLen: 2048, MaxLen: 2048, Violating: 0}},
	{"minimal", VResult{V: 65537, CommitteesPerSlot: 4, Combinations: 32, MinLen: 2048, MaxLen: 2049, Violating: 1}},
	{"minimal", VResult{V: 65567, CommitteesPerSlot: 4, Combinations: 32, MinLen: 2048, MaxLen: 2049, Violating: 31}},
	{"minimal", VResult{V: 65568, CommitteesPerSlot: 4, Combinations: 32, MinLen: 2049, MaxLen: 2049, Violating: 32}},
}

func TestEnginesOnKnownValues(t *testing.T) {
	for _, tc := range knownValues {
		cfg := spec.MustPreset(tc.preset)
		for _, e := range []Engine{Fast, Referee} {
			got, err := e.At(cfg, tc.want.V)
			if err != nil {
				t.Fatalf("%s %v V=%d: %v", tc.preset, e, tc.want.V, err)
			}
			if got != tc.want {
				t.Errorf("%s %v V=%d:\n got %+v\nwant %+v", tc.preset, e, tc.want.V, got, tc.want)
			}
		}
	}
}

// agree scans [from, to] with the referee and checks every row against FastAt, and the two
// engines' summaries against each other; it returns the referee's summary.
func agree(t *testing.T, cfg *spec.Config, from, to uint64) *Summary {
	t.Helper()
	var rows uint64
	ref, err := Scan(context.Background(), cfg, from, to, Options{Engine: Referee, Row: func(r VResult) error {
		f, err := FastAt(cfg, r.V)
		if err != nil {
			return err
		}
		if f != r {
			return fmt.Errorf("V = %d: fast %+v, referee %+v", r.V, f, r)
		}
		rows++
		return nil
	}})
	if err != nil {
		t.Fatalf("%s [%d, %d]: %v", cfg.ConfigName, from, to, err)
	}
	if rows != to-from+1 {
		t.Fatalf("%s [%d, %d]: %d rows", cfg.ConfigName, from, to, rows)
	}
	fast, err := Scan(context.Background(), cfg, from, to, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if *fast != *ref {
		t.Errorf("%s [%d, %d]: summaries differ:\n fast    %+v\n referee %+v", cfg.ConfigName, from, to, fast, ref)
	}
	return ref
}

// TestFastAgreesWithReferee compares the engines on every V of [0, 2^16] and of windows of
// 2^12 either side of each threshold and at the end of the default range.
func TestFastAgreesWithReferee(t *testing.T) {
	for _, name := range spec.PresetNames() {
		cfg := spec.MustPreset(name)
		agree(t, cfg, 0, 1<<16)
		from, to := DefaultRange(cfg)
		sum, err := Scan(context.Background(), cfg, from, to, Options{})
		if err != nil {
			t.Fatal(err)
		}
		const w = 1 << 12
		for _, v := range []uint64{sum.CommitteesPerSlotMax.V, sum.FirstViolating.V, sum.AllViolatingFrom.V, to - w} {
			agree(t, cfg, v-min(v, w), min(v+w, to))
		}
	}
}

// TestFastAgreesWithRefereeWholeRange compares the engines on every V of each preset's
// default range: on mainnet 8,388,609 values and 1.7e10 committees, about a minute and a
// half on two cores.
func TestFastAgreesWithRefereeWholeRange(t *testing.T) {
	if testing.Short() {
		t.Skip("every V of the default ranges with the referee: minutes")
	}
	for _, name := range spec.PresetNames() {
		cfg := spec.MustPreset(name)
		from, to := DefaultRange(cfg)
		checkThresholds(t, name+" referee, whole range", agree(t, cfg, from, to), presetThresholds[name])
	}
}

func TestCommitteeGrid(t *testing.T) {
	tests := []struct {
		preset    string
		v         uint64
		violating uint64
		cells     [][2]uint64 // some violating (slot, index) cells
	}{
		// V = 4,194,355 = 2048 * 2048 + 51: the 51 committees i (of compute_committee) where
		// 51*(i+1)//2048 steps up, i = ceil(2048*k/51) - 1 for k = 1..51: i = 40 is (0, 40),
		// i = 2047 is (31, 63).
		{"mainnet", 4194355, 51, [][2]uint64{{0, 40}, {31, 63}}},
		{"mainnet", 4194304, 0, nil},
		{"mainnet", 4196352, 2048, [][2]uint64{{0, 0}, {17, 5}}},
		{"minimal", 65537, 1, [][2]uint64{{7, 3}}},
	}
	for _, tc := range tests {
		cfg := spec.MustPreset(tc.preset)
		g, err := CommitteeGrid(cfg, tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Violating(); got != tc.violating {
			t.Errorf("%s V=%d: %d violating cells, want %d", tc.preset, tc.v, got, tc.violating)
		}
		r, _ := FastAt(cfg, tc.v)
		if g.Violating() != r.Violating {
			t.Errorf("%s V=%d: grid has %d violating cells, FastAt %d", tc.preset, tc.v, g.Violating(), r.Violating)
		}
		for _, c := range tc.cells {
			if !g.Violates(c[0], c[1]) {
				t.Errorf("%s V=%d: cell %v does not violate", tc.preset, tc.v, c)
			}
		}
	}
	if _, err := CommitteeGrid(spec.MustPreset("mainnet"), 1<<41); !errors.As(err, new(*RangeError)) {
		t.Errorf("V above the registry limit: got %v, want a RangeError", err)
	}
}

func TestParseEngine(t *testing.T) {
	for _, e := range []Engine{Fast, Referee} {
		got, err := ParseEngine(e.String())
		if err != nil || got != e {
			t.Errorf("ParseEngine(%q) = %v, %v", e.String(), got, err)
		}
	}
	if _, err := ParseEngine("slow"); err == nil {
		t.Error("ParseEngine(slow) succeeded")
	}
}

func TestMaxV(t *testing.T) {
	for _, name := range spec.PresetNames() {
		cfg := spec.MustPreset(name)
		if got, want := MaxV(cfg), cfg.ValidatorRegistryLimit; got != want {
			t.Errorf("%s: MaxV = %d, want VALIDATOR_REGISTRY_LIMIT %d", name, got, want)
		}
	}
	// A config whose committees could overflow the spec's V * (index+1) is capped below that.
	cfg := *spec.MustPreset("mainnet")
	cfg.ValidatorRegistryLimit = 1 << 63
	if got, want := MaxV(&cfg), uint64(1<<64-1)/2048; got != want {
		t.Errorf("MaxV with a 2^63 registry = %d, want %d", got, want)
	}
	if _, err := RefereeAt(&cfg, MaxV(&cfg)); err != nil {
		t.Errorf("referee at MaxV: %v", err)
	}
}
