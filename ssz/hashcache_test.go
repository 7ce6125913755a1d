package ssz_test

import (
	"crypto/sha256"
	"errors"
	"math/rand"
	"testing"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// naiveMerkleize is the spec's merkleize written out: pad to the next power of two of
// limit, hash pairs up to one node.
func naiveMerkleize(chunks [][32]byte, limit int) [32]byte {
	width := 1
	for width < limit {
		width *= 2
	}
	layer := make([][32]byte, width)
	copy(layer, chunks)
	for len(layer) > 1 {
		next := make([][32]byte, len(layer)/2)
		for i := range next {
			next[i] = sha256.Sum256(append(layer[2*i][:], layer[2*i+1][:]...))
		}
		layer = next
	}
	return layer[0]
}

func TestCachedTreeEqualsMerkleize(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, limit := range []int{1, 2, 3, 5, 8, 64, 100, 1000} {
		tree := ssz.NewCachedTree(uint64(limit))
		var chunks [][32]byte
		for step := 0; step < 300; step++ {
			switch op := rng.Intn(10); {
			case op < 6 && len(chunks) > 0: // write a few chunks
				for range 1 + rng.Intn(3) {
					i := rng.Intn(len(chunks))
					chunks[i] = [32]byte{byte(rng.Intn(256)), byte(step), 1}
					tree.Set(i, chunks[i])
				}
			case op < 8: // grow
				n := min(limit, len(chunks)+rng.Intn(1+limit/4))
				tree.Resize(n)
				for i := len(chunks); i < n; i++ {
					chunks = append(chunks, [32]byte{byte(i), 2})
					tree.Set(i, chunks[i])
				}
			case op < 9: // cut
				n := rng.Intn(len(chunks) + 1)
				chunks = chunks[:n]
				tree.Resize(n)
			default: // rewrite every chunk, at a new length
				all := tree.SetAll(rng.Intn(limit + 1))
				chunks = chunks[:0]
				for i := range all {
					all[i] = [32]byte{byte(i), byte(step), 3}
					chunks = append(chunks, all[i])
				}
			}
			if step%3 == 0 {
				continue // several changes between roots too
			}
			if got, want := tree.Root(), naiveMerkleize(chunks, limit); got != want {
				t.Fatalf("limit %d, %d chunks, step %d: cached root %x, merkleize %x", limit, len(chunks), step, got, want)
			}
		}
	}
}

// ledger has one field of each kind a HashCache keeps.
type ledger struct {
	Slot    uint64
	Points  []point    // List[point, 1000]
	Amounts []uint64   // List[uint64, 4096]
	Mixes   [][32]byte // Vector[Bytes32, 64]
	Fines   []uint64   // Vector[uint64, 9]
}

func (l *ledger) DefineSSZ(c ssz.Codec) {
	c.Uint64("slot", &l.Slot)
	ssz.List(c, "points", &l.Points, 1000)
	ssz.Uint64s(c, "amounts", &l.Amounts, 4096)
	ssz.RootVector(c, "mixes", &l.Mixes, 64)
	ssz.Uint64Vector(c, "fines", &l.Fines, 9)
}

const (
	fPoints = iota
	fAmounts
	fMixes
	fFines
)

func TestHashTreeRootWithEqualsHashTreeRoot(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	l := &ledger{Mixes: make([][32]byte, 64), Fines: make([]uint64, 9)}
	c := ssz.NewHashCache("points", "amounts", "mixes", "fines")
	for step := 0; step < 400; step++ {
		switch rng.Intn(7) {
		case 0:
			l.Slot++ // an uncached field
		case 1: // append, unmarked: lengths need no marks
			l.Points = append(l.Points, point{X: uint64(step)})
			l.Amounts = append(l.Amounts, uint64(step), 7)
		case 2:
			if n := len(l.Points); n > 0 {
				i := rng.Intn(n)
				l.Points[i].Y++
				c.Mark(fPoints, i)
			}
		case 3:
			if n := len(l.Amounts); n > 0 {
				i := rng.Intn(n)
				l.Amounts[i] += 3
				c.Mark(fAmounts, i)
			}
		case 4:
			i := rng.Intn(64)
			l.Mixes[i][rng.Intn(32)]++
			c.Mark(fMixes, i)
			j := rng.Intn(9)
			l.Fines[j]++
			c.Mark(fFines, j)
		case 5: // cut, after marking elements that the cut removes
			if n := len(l.Points); n > 0 {
				c.Mark(fPoints, n-1)
			}
			if n := len(l.Amounts); n > 0 {
				c.Mark(fAmounts, n-1)
			}
			l.Points = l.Points[:rng.Intn(len(l.Points)+1)]
			l.Amounts = l.Amounts[:rng.Intn(len(l.Amounts)+1)]
		case 6: // rewrite everything
			for i := range l.Amounts {
				l.Amounts[i] ^= 1
			}
			c.MarkAll(fAmounts)
		}
		got, err1 := ssz.HashTreeRootWith(nil, l, c)
		want, err2 := ssz.HashTreeRoot(nil, l)
		if err1 != nil || err2 != nil || got != want {
			t.Fatalf("step %d: cached %x (%v), from scratch %x (%v)", step, got, err1, want, err2)
		}
	}
	if c2 := c.Clone(); true {
		l.Amounts[0]++
		c2.Mark(fAmounts, 0)
		got, _ := ssz.HashTreeRootWith(nil, l, c2)
		want, _ := ssz.HashTreeRoot(nil, l)
		if got != want {
			t.Fatalf("clone: cached %x, from scratch %x", got, want)
		}
	}
	// A value out of bounds has no root, cached or not; the cache starts again after it.
	l.Fines = append(l.Fines, 1)
	if _, err := ssz.HashTreeRootWith(nil, l, c); !errors.Is(err, ssz.ErrSize) {
		t.Fatalf("10 fines in a Vector[uint64, 9]: error %v, want a size error", err)
	}
	l.Fines = l.Fines[:9]
	l.Fines[3] = 99 // unmarked, but the failed root reset the cache
	got, _ := ssz.HashTreeRootWith(nil, l, c)
	want, _ := ssz.HashTreeRoot(nil, l)
	if got != want {
		t.Fatalf("after a failed root: cached %x, from scratch %x", got, want)
	}
}

// A stale cache (an element written without its mark) gives a wrong root: the marks are
// the contract, and this is what checked mode's cached_equals_scratch catches.
func TestHashCacheWithoutMarkIsStale(t *testing.T) {
	l := &ledger{Amounts: []uint64{1, 2, 3}, Mixes: make([][32]byte, 64), Fines: make([]uint64, 9)}
	c := ssz.NewHashCache("amounts")
	if _, err := ssz.HashTreeRootWith(nil, l, c); err != nil {
		t.Fatal(err)
	}
	l.Amounts[1] = 20
	got, _ := ssz.HashTreeRootWith(nil, l, c)
	want, _ := ssz.HashTreeRoot(nil, l)
	if got == want {
		t.Fatal("an unmarked write went unnoticed by the cache only by chance? want a stale root")
	}
	c.Mark(0, 1)
	if got, _ = ssz.HashTreeRootWith(nil, l, c); got != want {
		t.Fatalf("marked: cached %x, from scratch %x", got, want)
	}
}
