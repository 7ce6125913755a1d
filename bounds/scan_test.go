package bounds

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// thresholds are the four thresholds of a Summary.
type thresholds struct {
	cpsMax, lastSafe, firstViolating, allViolating Threshold
}

func exact(v uint64) Threshold  { return Threshold{V: v, Status: Exact} }
func before(v uint64) Threshold { return Threshold{V: v, Status: AtOrBeforeFrom} }

var notReached = Threshold{}

// presetThresholds are the thresholds of each preset's default range. Mainnet's are the
// article's: committees_per_slot reaches 64 at 2^18; no committee exceeds 2,048 up to 2^22;
// the first violation at 2^22 + 1; every combination violates from 2^22 + 2^11. Minimal's
// follow from the same reasoning (FastAt) with SLOTS_PER_EPOCH 8, MAX_COMMITTEES_PER_SLOT 4,
// TARGET_COMMITTEE_SIZE 4: committees_per_slot = V//8//4 reaches 4 at V = 4*8*4 = 128 = 2^7;
// from there count = 32 and q = V//32 is below 2048 up to V = 2048*32 - 1; at 2^16 = 2048*32
// q = 2048 with r = 0 (no violation); 2^16 + 1 has r = 1 (one violation); and from
// 2049*32 = 2^16 + 2^5 on, q = 2049 and all 32 combinations violate.
var presetThresholds = map[string]thresholds{
	"mainnet": {exact(262144), exact(4194304), exact(4194305), exact(4196352)},
	"minimal": {exact(128), exact(65536), exact(65537), exact(65568)},
}

func checkThresholds(t *testing.T, what string, s *Summary, want thresholds) {
	t.Helper()
	got := thresholds{s.CommitteesPerSlotMax, s.LastSafe, s.FirstViolating, s.AllViolatingFrom}
	if got != want {
		t.Errorf("%s [%d, %d]: thresholds\n got %+v\nwant %+v", what, s.From, s.To, got, want)
	}
}

func TestThresholds(t *testing.T) {
	tests := []struct {
		preset   string
		engine   Engine
		from, to uint64 // both 0: DefaultRange
		want     thresholds
	}{
		{"mainnet", Fast, 0, 0, presetThresholds["mainnet"]},
		{"minimal", Fast, 0, 0, presetThresholds["minimal"]},
		{"minimal", Referee, 0, 0, presetThresholds["minimal"]},
		// The referee over the whole mainnet range is TestFastAgreesWithRefereeWholeRange;
		// here it sees each mainnet threshold from a range that starts before it.
		{"mainnet", Referee, 258000, 266000, thresholds{exact(262144), notReached, notReached, notReached}},
		{"mainnet", Referee, 4190000, 4200000, thresholds{before(4190000), exact(4194304), exact(4194305), exact(4196352)}},
		{"mainnet", Fast, 4190000, 4200000, thresholds{before(4190000), exact(4194304), exact(4194305), exact(4196352)}},
		// Thresholds outside the range are not reached, or already met at its start.
		{"mainnet", Fast, 0, 1000, thresholds{notReached, notReached, notReached, notReached}},
		{"mainnet", Fast, 4194300, 4194310, thresholds{before(4194300), exact(4194304), exact(4194305), notReached}},
		{"mainnet", Fast, 4194305, 4194310, thresholds{before(4194305), notReached, before(4194305), notReached}},
		{"mainnet", Fast, 5000000, 5000100, thresholds{before(5000000), notReached, before(5000000), before(5000000)}},
		{"mainnet", Fast, 4196352, 4196352, thresholds{before(4196352), notReached, before(4196352), before(4196352)}},
		{"mainnet", Fast, 4196351, 4196351, thresholds{before(4196351), notReached, before(4196351), notReached}},
		{"minimal", Fast, 0, 127, thresholds{notReached, notReached, notReached, notReached}},
		{"minimal", Fast, 0, 128, thresholds{exact(128), notReached, notReached, notReached}},
		{"minimal", Referee, 65000, 66000, thresholds{before(65000), exact(65536), exact(65537), exact(65568)}},
	}
	for _, tc := range tests {
		cfg := spec.MustPreset(tc.preset)
		from, to := tc.from, tc.to
		if from == 0 && to == 0 {
			from, to = DefaultRange(cfg)
		}
		s, err := Scan(context.Background(), cfg, from, to, Options{Engine: tc.engine})
		if err != nil {
			t.Fatal(err)
		}
		checkThresholds(t, tc.preset+" "+tc.engine.String(), s, tc.want)
	}
}

func TestSummaryCounts(t *testing.T) {
	tests := []struct {
		preset string
		want   Summary
	}{
		{"mainnet", Summary{Config: "mainnet", SlotsPerEpoch: 32, MaxCommitteesPerSlot: 64, TargetCommitteeSize: 128, MaxValidatorsPerCommittee: 2048,
			From: 0, To: 1 << 23, Values: 1<<23 + 1,
			CommitteesPerSlotMax: exact(262144), LastSafe: exact(4194304), FirstViolating: exact(4194305), AllViolatingFrom: exact(4196352),
			ViolatingValues: 1<<23 - 4194304, AllViolatingValues: 1<<23 - 4196352 + 1, MaxLen: 4096, MaxLenAt: 4096*2048 - 2048 + 1, MaxViolating: 2048}},
		{"minimal", Summary{Config: "minimal", SlotsPerEpoch: 8, MaxCommitteesPerSlot: 4, TargetCommitteeSize: 4, MaxValidatorsPerCommittee: 2048,
			From: 0, To: 1 << 17, Values: 1<<17 + 1,
			CommitteesPerSlotMax: exact(128), LastSafe: exact(65536), FirstViolating: exact(65537), AllViolatingFrom: exact(65568),
			ViolatingValues: 1<<17 - 65536, AllViolatingValues: 1<<17 - 65568 + 1, MaxLen: 4096, MaxLenAt: 4095*32 + 1, MaxViolating: 32}},
	}
	for _, tc := range tests {
		cfg := spec.MustPreset(tc.preset)
		from, to := DefaultRange(cfg)
		got, err := Scan(context.Background(), cfg, from, to, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if *got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.preset, *got, tc.want)
		}
	}
}

func TestDefaultRange(t *testing.T) {
	tests := []struct {
		preset   string
		from, to uint64
	}{
		{"mainnet", 0, 1 << 23},
		{"minimal", 0, 1 << 17},
	}
	for _, tc := range tests {
		from, to := DefaultRange(spec.MustPreset(tc.preset))
		if from != tc.from || to != tc.to {
			t.Errorf("%s: DefaultRange = [%d, %d], want [%d, %d]", tc.preset, from, to, tc.from, tc.to)
		}
	}
	// A config whose committees outgrow the bound before committees_per_slot is at its
	// maximum still gets a range holding every threshold.
	cfg := *spec.MustPreset("mainnet")
	cfg.TargetCommitteeSize = 1 << 14
	from, to := DefaultRange(&cfg)
	if want := uint64(1 << 26); to != want {
		t.Errorf("TARGET_COMMITTEE_SIZE 2^14: DefaultRange = [%d, %d], want [0, %d]", from, to, want)
	}
}

// TestScanDeterministic checks that rows and summary do not depend on workers or chunks.
func TestScanDeterministic(t *testing.T) {
	cfg := spec.MustPreset("mainnet")
	const from, to = 4193000, 4198000
	collect := func(o Options) ([]VResult, *Summary) {
		var rows []VResult
		o.Row = func(r VResult) error { rows = append(rows, r); return nil }
		s, err := Scan(context.Background(), cfg, from, to, o)
		if err != nil {
			t.Fatal(err)
		}
		return rows, s
	}
	wantRows, wantSum := collect(Options{Workers: 1, ChunkSize: 1 << 20})
	for i, r := range wantRows {
		if r.V != from+uint64(i) {
			t.Fatalf("row %d is V = %d", i, r.V)
		}
	}
	for _, o := range []Options{{Workers: 2}, {Workers: 3, ChunkSize: 1}, {Workers: 7, ChunkSize: 13}, {Workers: 16, ChunkSize: 100}, {Engine: Referee, Workers: 5, ChunkSize: 77}} {
		rows, sum := collect(o)
		if !reflect.DeepEqual(rows, wantRows) || *sum != *wantSum {
			t.Errorf("workers %d, chunk %d, %v: rows or summary differ", o.Workers, o.ChunkSize, o.Engine)
		}
	}
}

func TestScanErrors(t *testing.T) {
	cfg := spec.MustPreset("mainnet")
	ctx := context.Background()
	for _, r := range [][2]uint64{{10, 9}, {0, 1<<40 + 1}, {1 << 41, 1 << 42}} {
		_, err := Scan(ctx, cfg, r[0], r[1], Options{})
		var re *RangeError
		if !errors.As(err, &re) || re.From != r[0] || re.To != r[1] {
			t.Errorf("Scan [%d, %d]: got %v, want a RangeError", r[0], r[1], err)
		}
	}
	if _, err := Scan(ctx, cfg, 1<<40, 1<<40, Options{}); err != nil {
		t.Errorf("Scan at VALIDATOR_REGISTRY_LIMIT: %v", err)
	}

	stop := errors.New("stop")
	_, err := Scan(ctx, cfg, 0, 100000, Options{ChunkSize: 10, Row: func(r VResult) error {
		if r.V == 5000 {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) {
		t.Errorf("Row error: got %v", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Scan(cancelled, cfg, 0, 1<<23, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: got %v", err)
	}
	cancelled, cancel = context.WithCancel(ctx)
	_, err = Scan(cancelled, cfg, 0, 1<<23, Options{Engine: Referee, Progress: func(done, total uint64) {
		if done > 10000 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled during: got %v", err)
	}
}

func TestScanProgress(t *testing.T) {
	// The closed forms report once, done.
	var closed [][2]uint64
	if _, err := Scan(context.Background(), spec.MustPreset("minimal"), 5, 10004, Options{Progress: func(done, total uint64) {
		closed = append(closed, [2]uint64{done, total})
	}}); err != nil || !reflect.DeepEqual(closed, [][2]uint64{{10000, 10000}}) {
		t.Errorf("closed-form progress %v (%v), want [[10000 10000]]", closed, err)
	}
	// A scan of every V reports after each chunk.
	var calls []uint64
	_, err := Scan(context.Background(), spec.MustPreset("minimal"), 5, 10004, Options{ChunkSize: 1000, Row: func(VResult) error { return nil }, Progress: func(done, total uint64) {
		if total != 10000 {
			t.Fatalf("total %d", total)
		}
		calls = append(calls, done)
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []uint64{1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("progress %v, want %v", calls, want)
	}
}

// BenchmarkScanMainnet0To2p23 evaluates every V in [0, 2^23] on mainnet with the fast
// engine, every row delivered in order.
func BenchmarkScanMainnet0To2p23(b *testing.B) {
	cfg := spec.MustPreset("mainnet")
	for b.Loop() {
		var violating uint64
		s, err := Scan(context.Background(), cfg, 0, 1<<23, Options{Row: func(r VResult) error {
			violating += r.Violating
			return nil
		}})
		if err != nil {
			b.Fatal(err)
		}
		if s.FirstViolating.V != 4194305 {
			b.Fatal(s.FirstViolating)
		}
	}
}
