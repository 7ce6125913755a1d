package spec

import (
	"errors"
	"slices"
	"testing"
)

func TestIntegerSquareroot(t *testing.T) {
	tests := []struct{ n, want uint64 }{
		{0, 0}, {1, 1}, {2, 1}, {3, 1}, {4, 2}, {15, 3}, {16, 4}, {17, 4},
		{1 << 32, 1 << 16}, {1<<32 - 1, 1<<16 - 1},
		{32_000_000_000 * 16_384, 22_897_336}, // total balance of 16,384 validators at 32 ETH
		{1<<64 - 2, 4_294_967_295},
	}
	for _, tt := range tests {
		got, err := IntegerSquareroot(tt.n)
		if err != nil || got != tt.want {
			t.Errorf("integer_squareroot(%d) = %d, %v; want %d", tt.n, got, err, tt.want)
		}
		if got*got > tt.n || (got+1)*(got+1) <= tt.n && got+1 != 1<<32 {
			t.Errorf("integer_squareroot(%d) = %d is not the floor square root", tt.n, got)
		}
	}
	// The spec's first step, x + 1, overflows a uint64 at n = 2**64 - 1.
	var ae *ArithmeticError
	if _, err := IntegerSquareroot(1<<64 - 1); !errors.As(err, &ae) || ae.Op != "+" {
		t.Fatalf("integer_squareroot(2**64-1) error %v, want an overflow", err)
	}
}

// The memo of Model.IntegerSquareroot returns what the Newton iteration does, for repeated,
// alternating and failing arguments, and checked mode still evaluates every call.
func TestIntegerSquarerootMemo(t *testing.T) {
	ns := []uint64{16, 16, 17, 16, 0, 0, 1<<64 - 1, 1<<64 - 1, 32_000_000_000 * 400_000, 32_000_000_000 * 400_000, 16}
	var m Model
	for i, n := range ns {
		got, err := m.IntegerSquareroot(n)
		want, wantErr := (&Model{}).IntegerSquareroot(n) // a fresh model: no memo
		if got != want || (err == nil) != (wantErr == nil) {
			t.Errorf("call %d: integer_squareroot(%d) = %d, %v with the memo; %d, %v without", i, n, got, err, want, wantErr)
		}
	}
	checked := Model{Checked: &Checks{}}
	var evals []uint64
	for range 3 {
		if _, err := checked.IntegerSquareroot(16); err != nil {
			t.Fatal(err)
		}
		evals = append(evals, checked.Checked.Evaluations())
	}
	if evals[0] == 0 || evals[1] != 2*evals[0] || evals[2] != 3*evals[0] {
		t.Errorf("checked mode: clause evaluations after 1, 2, 3 calls = %v, want every call evaluated", evals)
	}
}

// testSite is a Site that is not declared (site() lists it): a test of Calc alone.
var testSite = &Site{ID: "test_site", Op: OpAdd}

func TestCalc(t *testing.T) {
	tests := []struct {
		name string
		eval func(c *Calc) uint64
		want uint64
		op   string // "" when no failure
	}{
		{"add", func(c *Calc) uint64 { return c.Add(testSite, 1<<63, 1<<62) }, 3 << 62, ""},
		{"add overflow", func(c *Calc) uint64 { return c.Add(testSite, 1<<63, 1<<63) }, 0, "+"},
		{"sub underflow", func(c *Calc) uint64 { return c.Sub(testSite, 1, 2) }, 0, "-"},
		{"mul overflow", func(c *Calc) uint64 { return c.Mul(testSite, 1<<32, 1<<32) }, 0, "*"},
		{"mul", func(c *Calc) uint64 { return c.Mul(testSite, 1<<31, 1<<32) }, 1 << 63, ""},
		{"div by zero", func(c *Calc) uint64 { return c.Div(testSite, 7, 0) }, 0, "/"},
		{"mod by zero", func(c *Calc) uint64 { return c.Mod(testSite, 7, 0) }, 0, "%"},
		{"first failure wins", func(c *Calc) uint64 { return c.Div(testSite, c.Sub(testSite, 0, 1), 0) }, 0, "-"},
		{"expression", func(c *Calc) uint64 {
			return c.Div(testSite, c.Mul(testSite, 4_194_305, c.Add(testSite, 2047, 1)), 2048)
		}, 4_194_305, ""},
	}
	for _, tt := range tests {
		var c Calc
		got := tt.eval(&c)
		err := c.Err()
		var ae *ArithmeticError
		switch {
		case tt.op == "" && (err != nil || got != tt.want):
			t.Errorf("%s: got %d, %v; want %d", tt.name, got, err, tt.want)
		case tt.op != "" && (!errors.As(err, &ae) || ae.Op != tt.op || ae.Site != testSite.ID):
			t.Errorf("%s: error %v, want a %q failure at site", tt.name, err, tt.op)
		}
	}
}

func TestXorAndBytes(t *testing.T) {
	a, b := Root{0xff, 0x0f, 1}, Root{0x0f, 0xff, 1}
	if got := Xor(a, b); got != (Root{0xf0, 0xf0, 0}) {
		t.Fatalf("xor = %x", got)
	}
	if got := BytesToUint64([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}); got != 0x0807060504030201 {
		t.Fatalf("bytes_to_uint64 = %#x", got)
	}
	if got := UintToBytes8(0x0102); string(got) != "\x02\x01\x00\x00\x00\x00\x00\x00" {
		t.Fatalf("uint_to_bytes = %x", got)
	}
}

func TestCommitteeArithmetic(t *testing.T) {
	mainnet, minimal := MustPreset("mainnet"), MustPreset("minimal")
	tests := []struct {
		cfg         *Config
		active      uint64
		perSlot     uint64
		slot, index uint64
		start, end  uint64
	}{
		{mainnet, 0, 1, 0, 0, 0, 0},
		{mainnet, 16_384, 4, 3, 2, 14 * 16_384 / 128, 15 * 16_384 / 128},
		{mainnet, 262_143, 63, 0, 0, 0, 262_143 / 2016},
		{mainnet, 262_144, 64, 31, 63, 262_144 * 2047 / 2048, 262_144},
		{mainnet, 4_194_305, 64, 0, 0, 0, 2048},                // 4,194,305 // 2048 = 2048
		{mainnet, 4_194_305, 64, 31, 63, 4_192_256, 4_194_305}, // the last committee has 2049 members
		{minimal, 64, 2, 5, 1, 64 * 11 / 16, 64 * 12 / 16},
	}
	for _, tt := range tests {
		if got := tt.cfg.CommitteeCountPerSlot(tt.active); got != tt.perSlot {
			t.Errorf("%s: committees per slot for %d active = %d, want %d", tt.cfg.ConfigName, tt.active, got, tt.perSlot)
			continue
		}
		idx, count, err := tt.cfg.BeaconCommitteeArgs(Slot(tt.slot), CommitteeIndex(tt.index), tt.perSlot)
		if err != nil {
			t.Fatal(err)
		}
		start, end, err := ComputeCommitteeRange(tt.active, idx, count)
		if err != nil || start != tt.start || end != tt.end {
			t.Errorf("%s: committee (%d, %d) of %d active = [%d, %d) %v, want [%d, %d)", tt.cfg.ConfigName, tt.slot, tt.index, tt.active, start, end, err, tt.start, tt.end)
		}
	}
}

func TestComputeShuffledIndexDomain(t *testing.T) {
	cfg := MustPreset("minimal")
	var se *ShuffleError
	if _, err := cfg.ComputeShuffledIndex(5, 5, Root{}); !errors.As(err, &se) {
		t.Fatalf("index == index_count accepted: %v", err)
	}
	// A known mapping from the official shuffling vectors (minimal, seed 0x01b4...ec,
	// count 10): checked here so the unit tests catch a broken shuffle without the vectors.
	seed := Root{0x01, 0xb4, 0xf6, 0xbd, 0x5d, 0x6a, 0x06, 0xa7, 0xb7, 0x4a, 0x85, 0x65, 0xce, 0xb4, 0xf8, 0x45,
		0xaf, 0xe0, 0xae, 0x96, 0xa0, 0xac, 0x05, 0xcf, 0x5e, 0x86, 0x06, 0x6b, 0xf7, 0xb5, 0x38, 0xec}
	var got []uint64
	for i := uint64(0); i < 10; i++ {
		s, err := cfg.ComputeShuffledIndex(i, 10, seed)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if want := []uint64{5, 2, 3, 9, 0, 6, 8, 1, 7, 4}; !slices.Equal(got, want) {
		t.Fatalf("mapping %v, the official vector says %v", got, want)
	}
	list := cfg.ShuffleList([]ValidatorIndex{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, seed)
	for i := range got {
		if uint64(list[i]) != got[i] {
			t.Fatalf("whole-list shuffle %v differs from per-index %v", list, got)
		}
	}
}

// BenchmarkCalcSite is one checked multiply through a declared site, with no SiteRecorder
// set (the model's normal run) and with one set (the recording test).
func BenchmarkCalcSite(b *testing.B) {
	for _, recording := range []bool{false, true} {
		name := "off"
		if recording {
			name = "recording"
			RecordSites(func([]SiteEval) {})
		}
		b.Run(name, func(b *testing.B) {
			var sink uint64
			for i := 0; i < b.N; i++ {
				var k Calc
				sink += k.Mul(siteSlashingsPenaltyNumerator, uint64(i), 32)
				if k.Err() != nil {
					b.Fatal("overflow")
				}
			}
			_ = sink
		})
		RecordSites(nil)
	}
}

// BenchmarkGetCurrentEpoch is get_current_epoch unchecked, its division by SLOTS_PER_EPOCH
// evaluated through its declared site (compute_epoch_at_slot_division).
func BenchmarkGetCurrentEpoch(b *testing.B) {
	m := NewModel(MustPreset("mainnet"))
	state := &BeaconState{}
	var sink Epoch
	for i := 0; i < b.N; i++ {
		state.Slot = Slot(i)
		sink += m.GetCurrentEpoch(state)
	}
	_ = sink
}

// BenchmarkComputeShuffledIndex is the plain per-index shuffle on mainnet (90 rounds, two
// SHA-256 each), every operation of a round evaluated through its declared site.
func BenchmarkComputeShuffledIndex(b *testing.B) {
	cfg := MustPreset("mainnet")
	seed := Root{1, 2, 3}
	var sink uint64
	for i := 0; i < b.N; i++ {
		out, err := cfg.ComputeShuffledIndex(uint64(i)%16384, 16384, seed)
		if err != nil {
			b.Fatal(err)
		}
		sink += out
	}
	_ = sink
}
