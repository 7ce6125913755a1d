package merkle_test

import (
	"errors"
	"math/rand"
	"slices"
	"testing"

	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/merkle"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

func TestConcat(t *testing.T) {
	tests := []struct {
		in   []merkle.GIndex
		want merkle.GIndex
	}{
		{nil, 1},
		{[]merkle.GIndex{1}, 1},
		{[]merkle.GIndex{6}, 6},
		{[]merkle.GIndex{2, 3}, 5},
		{[]merkle.GIndex{3, 1, 2}, 6},
		{[]merkle.GIndex{43, 2, 1<<40 + 5, 8 + 2}, ((86<<40)+5)<<3 + 2},
		{[]merkle.GIndex{1 << 31, 1 << 32}, 1 << 63},
	}
	for _, tc := range tests {
		got, err := merkle.Concat(tc.in...)
		if err != nil || got != tc.want {
			t.Errorf("Concat(%v) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, in := range [][]merkle.GIndex{{0}, {5, 0}, {1 << 32, 1 << 32}, {1 << 63, 2}} {
		var ge *merkle.GIndexError
		if _, err := merkle.Concat(in...); !errors.As(err, &ge) {
			t.Errorf("Concat(%v): got %v, want a GIndexError", in, err)
		}
	}
}

func TestGIndexHelpers(t *testing.T) {
	depths := map[merkle.GIndex]int{0: -1, 1: 0, 2: 1, 3: 1, 4: 2, 7: 2, 8: 3, 1 << 63: 63, 1<<64 - 1: 63}
	for g, want := range depths {
		if got := g.Depth(); got != want {
			t.Errorf("GIndex(%d).Depth() = %d, want %d", g, got, want)
		}
	}
	if g := merkle.GIndex(9); g.Sibling() != 8 || g.Parent() != 4 || g.Child(false) != 18 || g.Child(true) != 19 {
		t.Errorf("9: sibling %d parent %d children %d %d", g.Sibling(), g.Parent(), g.Child(false), g.Child(true))
	}
	if g := merkle.GIndex(0b1011); !g.Bit(0) || !g.Bit(1) || g.Bit(2) || !g.Bit(3) || g.Bit(64) {
		t.Errorf("bits of 0b1011 wrong")
	}
	if !merkle.GIndex(2).IsAncestorOf(9) || merkle.GIndex(3).IsAncestorOf(9) || merkle.GIndex(9).IsAncestorOf(9) || !merkle.GIndex(1).IsAncestorOf(2) {
		t.Errorf("IsAncestorOf wrong")
	}

	lists := []struct {
		name      string
		got, want []merkle.GIndex
	}{
		{"BranchIndices(9)", merkle.BranchIndices(9), []merkle.GIndex{8, 5, 3}},
		{"BranchIndices(14)", merkle.BranchIndices(14), []merkle.GIndex{15, 6, 2}},
		{"BranchIndices(1)", merkle.BranchIndices(1), []merkle.GIndex{}},
		{"PathIndices(9)", merkle.PathIndices(9), []merkle.GIndex{9, 4, 2}},
		{"PathIndices(1)", merkle.PathIndices(1), []merkle.GIndex{}},
		// The spec's example: positions 0, 1 and 6 of an 8-leaf tree need 3 helper nodes.
		{"HelperIndices(8, 9, 14)", merkle.HelperIndices([]merkle.GIndex{8, 9, 14}), []merkle.GIndex{15, 6, 5}},
		// For one index the helpers are its branch, in the same order.
		{"HelperIndices(13)", merkle.HelperIndices([]merkle.GIndex{13}), merkle.BranchIndices(13)},
		{"HelperIndices(4, 5, 6, 7)", merkle.HelperIndices([]merkle.GIndex{4, 5, 6, 7}), []merkle.GIndex{}},
	}
	for _, l := range lists {
		if !slices.Equal(l.got, l.want) {
			t.Errorf("%s = %v, want %v", l.name, l.got, l.want)
		}
	}
}

// gindexState is a minimal-preset state large enough for every path of the gindex tables.
func gindexState(t testing.TB) (*spec.Config, *spec.BeaconState) {
	cfg := spec.MustPreset("minimal")
	s := randState(rand.New(rand.NewSource(3)), cfg, 20)
	s.PreviousEpochAttestations[1].AggregationBits = bitfield.NewBitlist(400)
	return cfg, s
}

// TestPathGIndexKnownValues checks generalized indices computed by hand from the minimal
// preset's sizes (BeaconState has 21 fields, so its tree has 32 leaves and field k is
// 32+k; a list's data subtree is the left child of its root).
func TestPathGIndexKnownValues(t *testing.T) {
	cfg, state := gindexState(t)
	tree, err := ssz.TreeOf(cfg, state)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Names) != 21 {
		t.Fatalf("BeaconState has %d fields, the tables assume 21", len(tree.Names))
	}
	for k, name := range tree.Names {
		g, err := merkle.PathGIndex(cfg, state, name)
		if err != nil || g != merkle.GIndex(32+k) {
			t.Errorf("field %d %q: gindex %d, %v; want %d", k, name, g, err, 32+k)
		}
	}

	const (
		validators = 32 + 11 // list: data root 86, limit 2**40 so depth 40
		balances   = 32 + 12 // list: data root 88, 2**40 uint64 = 2**38 chunks
		votes      = 32 + 9  // list: data root 82, limit 4*8 = 32
	)
	tests := []struct {
		path string
		want merkle.GIndex
	}{
		{"validators", validators},
		{"validators/__len__", 2*validators + 1},
		{"validators/0", 2 * validators << 40},
		{"validators/5", 2*validators<<40 + 5},
		{"validators/5/pubkey", (2*validators<<40 + 5) << 3},             // Validator has 8 fields
		{"validators/5/effective_balance", (2*validators<<40+5)<<3 + 2},  // field 2
		{"validators/5/withdrawable_epoch", (2*validators<<40+5)<<3 + 7}, // field 7
		{"validators/5/pubkey/40", ((2*validators<<40+5)<<3)<<1 + 1},     // 48 bytes: 2 chunks
		{"validators/19/slashed", (2*validators<<40+19)<<3 + 3},
		{"balances/0", 2 * balances << 38},
		{"balances/17", 2*balances<<38 + 4}, // 4 balances per chunk
		{"balances/19", 2*balances<<38 + 4},
		{"balances/__len__", 2*balances + 1},
		{"latest_block_header/state_root", (32+4)*8 + 3}, // header: 5 fields, depth 3
		{"eth1_data_votes/3", 2*votes*32 + 3},
		{"eth1_data_votes/3/deposit_count", (2*votes*32+3)*4 + 1},
		{"block_roots/5", (32+5)*64 + 5},     // vector of 64 roots, no length
		{"randao_mixes/63", (32+13)*64 + 63}, // EPOCHS_PER_HISTORICAL_VECTOR = 64
		{"slashings/10", (32+14)*16 + 2},     // 64 uint64 = 16 chunks
		{"historical_roots/2", 2*(32+7)<<24 + 2},
		{"justification_bits", 32 + 17},
		{"justification_bits/3", 32 + 17}, // one chunk: the field's leaf itself
		{"finalized_checkpoint/epoch", (32 + 20) * 2},
		{"fork/current_version", (32+3)*4 + 1},
		{"eth1_data/deposit_root", (32 + 8) * 4},
		// list limit 128*8 = 1024; PendingAttestation has 4 fields; a Bitlist[2048] has
		// a length mix-in and 8 chunks.
		{"previous_epoch_attestations/1/aggregation_bits/300", (((2*(32+15)<<10+1)<<2+0)*2)<<3 + 1},
		{"previous_epoch_attestations/1/aggregation_bits/__len__", ((2*(32+15)<<10+1)<<2+0)*2 + 1},
		{"previous_epoch_attestations/1/data/target/root", (((2*(32+15)<<10+1)<<2+1)<<3+4)<<1 + 1},
	}
	for _, tc := range tests {
		g, err := merkle.PathGIndex(cfg, state, tc.path)
		if err != nil || g != tc.want {
			t.Errorf("%s: gindex %d, %v; want %d", tc.path, g, err, tc.want)
		}
	}
}

// TestPathGIndexConcat holds PathGIndex equal to the concatenation of the indices of each
// step, each relative to the value the previous step reached.
func TestPathGIndexConcat(t *testing.T) {
	cfg, state := gindexState(t)
	v := &state.Validators[5]
	inner, err := merkle.PathGIndex(cfg, v, "pubkey/40")
	if err != nil {
		t.Fatal(err)
	}
	list, err := merkle.PathGIndex(cfg, ssz.Value(func(c ssz.Codec) {
		ssz.List(c, "validators", &state.Validators, cfg.ValidatorRegistryLimit)
	}), "validators/5") // a bare value is a one-field container with the value's root
	if err != nil {
		t.Fatal(err)
	}
	want, err := merkle.Concat(32+11, list, inner)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := merkle.PathGIndex(cfg, state, "validators/5/pubkey/40"); err != nil || got != want {
		t.Errorf("validators/5/pubkey/40: %d, %v; concatenated steps give %d", got, err, want)
	}
}
