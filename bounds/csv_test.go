package bounds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in   string
		want Shard
		err  string // substring of the error; "" for success
	}{
		{"0/1", Shard{0, 1}, ""},
		{"3/4", Shard{3, 4}, ""},
		{"0/1000000", Shard{0, 1000000}, ""},
		{"4/4", Shard{}, "I must be below N (shards are numbered 0 to 3)"},
		{"0/0", Shard{}, "N must be at least 1"},
		{"-1/2", Shard{}, "non-negative decimal"},
		{"1/+2", Shard{}, "non-negative decimal"},
		{"a/b", Shard{}, "non-negative decimal"},
		{"1", Shard{}, "want I/N"},
		{"", Shard{}, "want I/N"},
		{"1/2/3", Shard{}, "non-negative decimal"},
		{"1/99999999999999999999", Shard{}, "non-negative decimal"},
	}
	for _, tc := range tests {
		got, err := ParseShard(tc.in)
		if tc.err == "" {
			if err != nil || got != tc.want {
				t.Errorf("ParseShard(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
			continue
		}
		var se *ShardError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseShard(%q): got %v, want a ShardError containing %q", tc.in, err, tc.err)
		}
	}
}

func TestShardPart(t *testing.T) {
	tests := []struct {
		shard    Shard
		from, to uint64
		lo, hi   uint64
	}{
		{Shard{0, 1}, 0, 1000, 0, 1000},
		{Shard{0, 3}, 0, 10, 0, 2},
		{Shard{1, 3}, 0, 10, 3, 6},
		{Shard{2, 3}, 0, 10, 7, 10},
		{Shard{0, 2}, 5, 5 + 1<<40, 5, 5 + 1<<39 - 1},
		{Shard{1, 2}, 5, 5 + 1<<40, 5 + 1<<39, 5 + 1<<40},
		{Shard{3, 4}, 0, 1 << 23, 6291456, 1 << 23},
		{Shard{9, 10}, 0, 9, 9, 9},
		{Shard{1<<40 - 1, 1 << 40}, 0, 1<<40 - 1, 1<<40 - 1, 1<<40 - 1},
	}
	for _, tc := range tests {
		lo, hi, err := tc.shard.Part(tc.from, tc.to)
		if err != nil || lo != tc.lo || hi != tc.hi {
			t.Errorf("%v of [%d, %d] = [%d, %d], %v; want [%d, %d]", tc.shard, tc.from, tc.to, lo, hi, err, tc.lo, tc.hi)
		}
	}
	// Every split of small ranges is contiguous, covering, and near-equal.
	for from := uint64(0); from < 5; from++ {
		for to := from; to < from+40; to++ {
			for n := uint64(1); n <= to-from+1; n++ {
				next, sizes := from, map[uint64]bool{}
				for i := uint64(0); i < n; i++ {
					lo, hi, err := Shard{i, n}.Part(from, to)
					if err != nil || lo != next || hi < lo {
						t.Fatalf("shard %d/%d of [%d, %d] = [%d, %d], %v", i, n, from, to, lo, hi, err)
					}
					sizes[hi-lo+1] = true
					next = hi + 1
				}
				if next != to+1 || len(sizes) > 2 {
					t.Fatalf("%d shards of [%d, %d]: end %d, sizes %v", n, from, to, next, sizes)
				}
			}
		}
	}
	for _, tc := range []struct {
		shard    Shard
		from, to uint64
	}{{Shard{0, 12}, 0, 10}, {Shard{0, 2}, 10, 9}, {Shard{2, 2}, 0, 10}, {Shard{0, 0}, 0, 10}} {
		if _, _, err := tc.shard.Part(tc.from, tc.to); !errors.As(err, new(*ShardError)) {
			t.Errorf("%v of [%d, %d]: got %v, want a ShardError", tc.shard, tc.from, tc.to, err)
		}
	}
}

// scanCSV writes the CSV of shard sh of [from, to].
func scanCSV(t *testing.T, cfg *spec.Config, from, to uint64, sh Shard) []byte {
	t.Helper()
	lo, hi, err := sh.Part(from, to)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w, err := NewCSVWriter(&b, NewHeader(cfg, from, to, sh))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Scan(context.Background(), cfg, lo, hi, Options{Row: w.Write}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCSVForm(t *testing.T) {
	got := string(scanCSV(t, spec.MustPreset("mainnet"), 4194303, 4194306, Whole))
	want := `# beaconcheck bounds config=mainnet slots_per_epoch=32 max_committees_per_slot=64 target_committee_size=128 max_validators_per_committee=2048 from=4194303 to=4194306 shard=0/1
v,committees_per_slot,combinations,min_len,max_len,violating
4194303,64,2048,2047,2048,0
4194304,64,2048,2048,2048,0
4194305,64,2048,2048,2049,1
4194306,64,2048,2048,2049,2
`
	if got != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", got, want)
	}
	r, err := NewCSVReader(strings.NewReader(got), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	if r.Header != NewHeader(spec.MustPreset("mainnet"), 4194303, 4194306, Whole) {
		t.Errorf("header read back as %+v", r.Header)
	}
	var vs []uint64
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, row.V)
	}
	if fmt.Sprint(vs) != "[4194303 4194304 4194305 4194306]" {
		t.Errorf("rows %v", vs)
	}
}

// TestMergeByteIdentical checks that the merged shards of a job are byte for byte the
// unsharded run, whatever the order the shards are given in.
func TestMergeByteIdentical(t *testing.T) {
	tests := []struct {
		preset   string
		from, to uint64
	}{
		{"mainnet", 4193000, 4198000},
		{"minimal", 0, 1 << 17},
		{"minimal", 7, 7},
	}
	for _, tc := range tests {
		cfg := spec.MustPreset(tc.preset)
		whole := scanCSV(t, cfg, tc.from, tc.to, Whole)
		wantSum, err := Scan(context.Background(), cfg, tc.from, tc.to, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []uint64{1, 2, 3, 7} {
			if n > tc.to-tc.from+1 {
				continue
			}
			var inputs []Input
			for i := n; i > 0; i-- { // reverse order
				sh := Shard{i - 1, n}
				inputs = append(inputs, Input{Name: sh.String(), R: bytes.NewReader(scanCSV(t, cfg, tc.from, tc.to, sh))})
			}
			var out bytes.Buffer
			sum, err := Merge(&out, inputs)
			if err != nil {
				t.Fatalf("%s [%d, %d] in %d: %v", tc.preset, tc.from, tc.to, n, err)
			}
			if !bytes.Equal(out.Bytes(), whole) {
				t.Errorf("%s [%d, %d] in %d shards: merged CSV differs from the unsharded run", tc.preset, tc.from, tc.to, n)
			}
			if *sum != *wantSum {
				t.Errorf("%s [%d, %d] in %d shards: summary\n got %+v\nwant %+v", tc.preset, tc.from, tc.to, n, sum, wantSum)
			}
		}
	}
}

func TestMergeRejects(t *testing.T) {
	mainnet, minimal := spec.MustPreset("mainnet"), spec.MustPreset("minimal")
	sh := func(i, n uint64) Shard { return Shard{i, n} }
	a0 := scanCSV(t, mainnet, 0, 999, sh(0, 3))
	a1 := scanCSV(t, mainnet, 0, 999, sh(1, 3))
	a2 := scanCSV(t, mainnet, 0, 999, sh(2, 3))
	in := func(name string, b []byte) Input { return Input{Name: name, R: bytes.NewReader(b)} }
	edit := func(b []byte, old, new string) []byte { return []byte(strings.Replace(string(b), old, new, 1)) }
	tests := []struct {
		name   string
		inputs []Input
		err    string
	}{
		{"no input", nil, "no input"},
		{"missing shard", []Input{in("a0", a0), in("a2", a2)}, "shard 1/3 (V in [333, 665]) is missing"},
		{"duplicate shard", []Input{in("a0", a0), in("a1", a1), in("b1", a1), in("a2", a2)}, "shard 1/3 given twice"},
		{"other config", []Input{in("a0", a0), in("a1", a1), in("m2", scanCSV(t, minimal, 0, 999, sh(2, 3)))}, "m2: not a shard of the same job as a0"},
		{"other range", []Input{in("a0", a0), in("a1", a1), in("r2", scanCSV(t, mainnet, 0, 1000, sh(2, 3)))}, "r2: not a shard of the same job"},
		{"other count", []Input{in("a0", a0), in("a1", a1), in("c2", scanCSV(t, mainnet, 0, 999, sh(2, 4)))}, "c2: not a shard of the same job"},
		{"cut mid-row", []Input{in("a0", a0), in("a1", a1[:len(a1)-3]), in("a2", a2)}, "a1:335: row has 5 fields"},
		{"truncated", []Input{in("a0", a0), in("a1", a1[:bytes.LastIndex(a1[:len(a1)-1], []byte("\n"))+1]), in("a2", a2)}, "a1: rows end at V = 664"},
		{"no rows", []Input{in("a0", a0), in("a1", a1[:bytes.Index(a1, []byte("\n333,"))+1]), in("a2", a2)}, "a1: no rows"},
		{"row missing", []Input{in("a0", edit(a0, "\n5,", "\nX")), in("a1", a1), in("a2", a2)}, "a0:"},
		{"row out of order", []Input{in("a0", edit(a0, "\n5,1,32,0,1,0\n", "\n")), in("a1", a1), in("a2", a2)}, "a0:8: row for V = 6, want V = 5"},
		{"row beyond part", []Input{in("a0", append(bytes.Clone(a0), "333,1,32,10,11,0\n"...)), in("a1", a1), in("a2", a2)}, "shard 0/3 covers [0, 332]"},
		{"bad field", []Input{in("a0", edit(a0, "\n5,1,32,0,1,0\n", "\n5,1,32,0,01,0\n")), in("a1", a1), in("a2", a2)}, "a0:8: field 5: \"01\""},
		{"not a CSV of ours", []Input{in("x", []byte("v,a\n1,2\n"))}, "x:1: first line is not a \"# beaconcheck bounds\" header"},
		{"empty", []Input{in("e", nil)}, "e: empty file"},
		{"bad columns", []Input{in("a0", edit(a0, "max_len,", "maxlen,"))}, "a0:2: second line must be the column header"},
		{"bad shard", []Input{in("a0", edit(a0, "shard=0/3", "shard=3/3"))}, "I must be below N"},
		{"header not canonical", []Input{in("a0", edit(a0, "from=0", "from=00"))}, "not in canonical form"},
	}
	for _, tc := range tests {
		_, err := Merge(io.Discard, tc.inputs)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.err)
		}
	}
}
