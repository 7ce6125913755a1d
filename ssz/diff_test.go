package ssz_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// diffAccount is a small validator-like container.
type diffAccount struct {
	Key     [48]byte
	Balance uint64
	Active  bool
}

func (a *diffAccount) DefineSSZ(c ssz.Codec) {
	c.Bytes("key", a.Key[:])
	c.Uint64("balance", &a.Balance)
	c.Bool("active", &a.Active)
}

type diffHeader struct {
	Slot   uint64
	Parent [32]byte
}

func (h *diffHeader) DefineSSZ(c ssz.Codec) {
	c.Uint64("slot", &h.Slot)
	c.Bytes("parent", h.Parent[:])
}

// diffState is a small state-like container with one field of each shape Diff walks.
type diffState struct {
	Slot     uint64
	Head     diffHeader
	Accounts []diffAccount // List[diffAccount, 16]
	Balances []uint64      // List[uint64, 64]: four to a chunk
	Mixes    [][32]byte    // Vector[Bytes32, 4]
	Bits     []byte        // Bitlist[16]
	Flags    []byte        // Bitvector[4]
}

func (s *diffState) DefineSSZ(c ssz.Codec) {
	c.Uint64("slot", &s.Slot)
	c.Container("head", &s.Head)
	ssz.List(c, "accounts", &s.Accounts, 16)
	ssz.Uint64s(c, "balances", &s.Balances, 64)
	ssz.RootVector(c, "mixes", &s.Mixes, 4)
	c.Bitlist("bits", &s.Bits, 16)
	c.Bitvector("flags", &s.Flags, 4)
}

func newDiffState() *diffState {
	s := &diffState{
		Slot:  40,
		Head:  diffHeader{Slot: 39, Parent: [32]byte{0xaa}},
		Mixes: make([][32]byte, 4),
		Bits:  []byte{0x05, 0x01}, // 8 bits: 1, 0, 1, 0, 0, 0, 0, 0
		Flags: []byte{0x01},
		Balances: []uint64{
			32000000000, 32000000000, 32000000000, 32000000000, 32000000000, 32000000000, 32000000000, 32000000000,
			32000000000, 32000000000, 32000000000, 32000000000, 32000000000, 32000000000, 32000000000, 32000000000,
		},
	}
	for i := 0; i < 3; i++ {
		s.Accounts = append(s.Accounts, diffAccount{Key: [48]byte{byte(i + 1)}, Balance: 32000000000, Active: true})
	}
	return s
}

func diffLines(t *testing.T, a, b *diffState, opts ssz.DiffOptions) []string {
	t.Helper()
	ds, err := ssz.Diff(nil, a, b, opts)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, d := range ds {
		lines = append(lines, d.String())
	}
	return lines
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *diffState)
		opts   ssz.DiffOptions
		want   []string
	}{
		{"equal", func(*diffState) {}, ssz.DiffOptions{}, nil},
		{"field", func(s *diffState) { s.Slot = 41 }, ssz.DiffOptions{}, []string{
			"slot: 40 -> 41",
		}},
		{"nested container", func(s *diffState) { s.Head.Parent[31] = 0x01 }, ssz.DiffOptions{}, []string{
			"head.parent: 0xaa00000000000000000000000000000000000000000000000000000000000000 -> 0xaa00000000000000000000000000000000000000000000000000000000000001",
		}},
		{"list element", func(s *diffState) { s.Accounts[1].Balance = 31000000000; s.Accounts[1].Active = false }, ssz.DiffOptions{}, []string{
			"accounts[1].balance: 32000000000 -> 31000000000",
			"accounts[1].active: true -> false",
		}},
		{"list length", func(s *diffState) {
			s.Accounts = append(s.Accounts, diffAccount{Balance: 1})
			s.Accounts[0].Active = false
		}, ssz.DiffOptions{}, []string{
			"accounts: length 3 -> 4",
			"accounts[0].active: true -> false",
			"accounts[3]: added {key: '0x000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000', balance: 1, active: false}",
		}},
		{"packed list", func(s *diffState) {
			s.Balances[1] = 31000000000
			s.Balances[2] = 33000000000
			s.Balances[13] = 0
		}, ssz.DiffOptions{}, []string{
			"balances: 3 of 16 differ",
			"balances[1]: 32000000000 -> 31000000000",
			"balances[2]: 32000000000 -> 33000000000",
			"balances[13]: 32000000000 -> 0",
		}},
		{"packed list capped", func(s *diffState) {
			s.Balances[1] = 31000000000
			s.Balances[2] = 33000000000
			s.Balances[13] = 0
			s.Balances = append(s.Balances, 7)
		}, ssz.DiffOptions{MaxElems: 2}, []string{
			"balances: length 16 -> 17",
			"balances: 3 of 16 differ",
			"balances[1]: 32000000000 -> 31000000000",
			"balances[2]: 32000000000 -> 33000000000",
			"balances: 2 more differing elements not shown",
		}},
		{"packed list shrinks", func(s *diffState) { s.Balances = s.Balances[:15] }, ssz.DiffOptions{}, []string{
			"balances: length 16 -> 15",
			"balances[15]: removed 32000000000",
		}},
		{"root vector", func(s *diffState) { s.Mixes[2][0] = 0x11 }, ssz.DiffOptions{}, []string{
			"mixes[2]: 0x0000000000000000000000000000000000000000000000000000000000000000 -> 0x1100000000000000000000000000000000000000000000000000000000000000",
		}},
		{"bitlist", func(s *diffState) { s.Bits = []byte{0x07, 0x01} }, ssz.DiffOptions{}, []string{
			"bits: 0x0501 -> 0x0701",
		}},
		{"bitlist length", func(s *diffState) { s.Bits = []byte{0x05, 0x02} }, ssz.DiffOptions{}, []string{
			"bits: 0x0501 -> 0x0502",
		}},
		{"bitvector", func(s *diffState) { s.Flags = []byte{0x03} }, ssz.DiffOptions{}, []string{
			"flags: 0x01 -> 0x03",
		}},
		{"field order", func(s *diffState) {
			s.Flags = []byte{0x00}
			s.Balances[0] = 1
			s.Slot = 50
			s.Accounts[2].Key[0] = 0xff
			s.Accounts[0].Balance = 2
		}, ssz.DiffOptions{}, []string{
			"slot: 40 -> 50",
			"accounts: 2 of 3 differ",
			"accounts[0].balance: 32000000000 -> 2",
			"accounts[2].key: 0x030000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 -> 0xff0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
			"balances[0]: 32000000000 -> 1",
			"flags: 0x01 -> 0x00",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := newDiffState(), newDiffState()
			tc.change(b)
			got := diffLines(t, a, b, tc.opts)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestDiffKinds(t *testing.T) {
	a, b := newDiffState(), newDiffState()
	b.Accounts = b.Accounts[:2]
	b.Slot = 0
	ds, err := ssz.Diff(nil, a, b, ssz.DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []ssz.Difference{
		{Kind: ssz.DiffChanged, Path: "slot", Old: "40", New: "0"},
		{Kind: ssz.DiffSummary, Path: "accounts", Note: "length 3 -> 2"},
		{Kind: ssz.DiffRemoved, Path: "accounts[2]", Old: "{key: '0x030000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000', balance: 32000000000, active: true}"},
	}
	if fmt.Sprint(ds) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", ds, want)
	}
}

func TestDiffRejects(t *testing.T) {
	if _, err := ssz.Diff(nil, newDiffState(), &diffHeader{}, ssz.DiffOptions{}); err == nil || !strings.Contains(err.Error(), "cannot diff") {
		t.Errorf("diff of two types: %v", err)
	}
	over := newDiffState()
	over.Accounts = make([]diffAccount, 17)
	if _, err := ssz.Diff(nil, newDiffState(), over, ssz.DiffOptions{}); err == nil {
		t.Error("a list over its limit has no root, yet was diffed")
	}
}

func ExampleDiff() {
	a := &diffState{Slot: 40, Mixes: make([][32]byte, 4), Bits: []byte{0x01}, Flags: []byte{0x00}, Balances: []uint64{32000000000, 32000000000}}
	b := &diffState{Slot: 41, Mixes: make([][32]byte, 4), Bits: []byte{0x01}, Flags: []byte{0x00}, Balances: []uint64{32000000000, 31000000000, 32000000000}}
	diffs, err := ssz.Diff(nil, a, b, ssz.DiffOptions{MaxElems: 20})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range diffs {
		fmt.Println(d)
	}
	// Output:
	// slot: 40 -> 41
	// balances: length 2 -> 3
	// balances[1]: 32000000000 -> 31000000000
	// balances[2]: added 32000000000
}
