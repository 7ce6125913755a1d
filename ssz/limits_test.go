package ssz_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// hugeLists has one list of every kind, all with the same limit, so hash_tree_root can be
// checked for limits far beyond anything that fits in memory.
type hugeLists struct {
	limit  uint64
	Values []uint64
	Points []point
	Name   []byte
	Bits   []byte
}

func (x *hugeLists) DefineSSZ(c ssz.Codec) {
	ssz.Uint64s(c, "values", &x.Values, x.limit)
	ssz.List(c, "points", &x.Points, x.limit)
	c.ByteList("name", &x.Name, x.limit)
	c.Bitlist("bits", &x.Bits, x.limit)
}

// refMerkleize is merkleize(chunks, limit) as the SSZ spec defines it, written out
// independently of package ssz: the chunks padded with zero chunks to next_pow_of_two(limit)
// leaves, hashed pairwise. The padding is never built: a subtree with no chunk in it is the
// zero tree of its depth, hashed level by level.
func refMerkleize(chunks [][]byte, limit uint64) [32]byte {
	depth := 0
	for depth < 64 && uint64(1)<<depth < limit {
		depth++
	}
	return refNode(chunks, depth)
}

func refNode(chunks [][]byte, depth int) [32]byte {
	if len(chunks) == 0 {
		var z [32]byte
		for i := 0; i < depth; i++ {
			z = h(z[:], z[:])
		}
		return z
	}
	if depth == 0 {
		var c [32]byte
		copy(c[:], chunks[0])
		return c
	}
	half := uint64(1) << (depth - 1)
	left, right := chunks, [][]byte(nil)
	if uint64(len(chunks)) > half {
		left, right = chunks[:half], chunks[half:]
	}
	l, r := refNode(left, depth-1), refNode(right, depth-1)
	return h(l[:], r[:])
}

func refMixIn(root [32]byte, length uint64) [32]byte { return h(root[:], u64chunk(length)) }

// refPack splits bytes into zero-padded 32-byte chunks.
func refPack(b []byte) [][]byte {
	var out [][]byte
	for i := 0; i < len(b); i += 32 {
		out = append(out, chunk(b[i:min(i+32, len(b))]...))
	}
	return out
}

// refHuge is hash_tree_root(x) from the spec's definitions. Chunk limits are rounded up
// with big-enough arithmetic: limit*8/32 for uint64s, limit/32 for bytes, limit/256 for bits.
func refHuge(x *hugeLists) [32]byte {
	ceilDiv := func(n, d uint64) uint64 { return n/d + map[bool]uint64{true: 1}[n%d != 0] }
	var packed []byte
	for _, v := range x.Values {
		packed = append(packed, u64chunk(v)[:8]...)
	}
	values := refMixIn(refMerkleize(refPack(packed), ceilDiv(x.limit, 4)), uint64(len(x.Values)))
	var pointRoots [][]byte
	for _, p := range x.Points {
		r := refNode([][]byte{u64chunk(p.X), chunk(byte(p.Y), byte(p.Y>>8)), chunk(map[bool]byte{true: 1}[p.Z])}, 2)
		pointRoots = append(pointRoots, r[:])
	}
	points := refMixIn(refMerkleize(pointRoots, x.limit), uint64(len(x.Points)))
	name := refMixIn(refMerkleize(refPack(x.Name), ceilDiv(x.limit, 32)), uint64(len(x.Name)))
	// The bitlist's bits without the delimiter: one bit per position below the top set bit.
	last := x.Bits[len(x.Bits)-1]
	n := 0
	for last>>(n+1) != 0 {
		n++
	}
	nbits := uint64(len(x.Bits)-1)*8 + uint64(n)
	raw := append([]byte(nil), x.Bits...)
	raw[len(raw)-1] &^= 1 << n
	bitsRoot := refMixIn(refMerkleize(refPack(raw), ceilDiv(x.limit, 256)), nbits)
	return refNode([][]byte{values[:], points[:], name[:], bitsRoot[:]}, 2)
}

// TestHashTreeRootHugeLimits checks roots for list limits above 2**32 and up to 2**64-1
// against refHuge. fastssz's depth helper rounds such limits wrongly (2**37+1 got depth 37)
// and panics above 2**63; limits 2**37+1 and 2**38 need the same depth, so their roots agree.
func TestHashTreeRootHugeLimits(t *testing.T) {
	value := func(limit uint64) *hugeLists {
		return &hugeLists{
			limit:  limit,
			Values: []uint64{1, 2, 3, 4, 5},
			Points: []point{{X: 7, Y: 8, Z: true}, {X: 9}},
			Name:   []byte("a name longer than one chunk of thirty-two bytes"),
			Bits:   []byte{0xff, 0xff, 0xff, 0xff, 0x05},
		}
	}
	roots := map[uint64][32]byte{}
	for _, limit := range []uint64{64, 1 << 32, 1<<32 + 1, 1 << 37, 1<<37 + 1, 1<<38 - 1, 1 << 38, 1<<38 + 1,
		1<<40 + 12345, 1 << 63, 1<<63 + 1, math.MaxUint64 - 256, math.MaxUint64} {
		t.Run(fmt.Sprintf("limit=%d", limit), func(t *testing.T) {
			x := value(limit)
			got, err := ssz.HashTreeRoot(nil, x)
			if err != nil {
				t.Fatalf("HashTreeRoot: %v", err)
			}
			if want := refHuge(x); got != want {
				t.Fatalf("root %x, the spec's merkleization gives %x", got, want)
			}
			roots[limit] = got
			tree, err := ssz.TreeOf(nil, x)
			if err != nil {
				t.Fatalf("TreeOf: %v", err)
			}
			ceil := func(d uint64) uint64 { return limit/d + map[bool]uint64{true: 1}[limit%d != 0] }
			for i, width := range []uint64{ceil(4), limit, ceil(32), ceil(256)} {
				sub, err := tree.Child(i)
				if err != nil {
					t.Fatalf("subtree %d: %v", i, err)
				}
				if sub.Width != width {
					t.Errorf("subtree %s is %d chunks wide, want %d", tree.ChildName(i), sub.Width, width)
				}
			}
		})
	}
	if roots[1<<37+1] != roots[1<<38] || roots[1<<38-1] != roots[1<<38] {
		t.Errorf("limits 2**37+1, 2**38-1 and 2**38 need depth 38 alike but their roots differ")
	}
	if roots[1<<37] == roots[1<<37+1] {
		t.Errorf("limits 2**37 and 2**37+1 need different depths but their roots agree")
	}
}
