package merkle

import (
	"fmt"
	"math/bits"
	"slices"
)

// GIndex is the spec's GeneralizedIndex ("Generalized Merkle tree index"): the root is 1 and
// the children of node i are 2i and 2i+1, so a node at depth d, position p from the left,
// is 2**d + p. A uint64 holds every node down to depth 63, deeper than any Phase 0 path
// (a validator's pubkey byte in a mainnet state is at depth 50); operations that would go
// deeper fail instead of wrapping. 0 is not a generalized index.
type GIndex uint64

// maxGIndexDepth is the deepest node a GIndex can name.
const maxGIndexDepth = 63

// GIndexError reports a generalized index that is 0, or a concatenation too deep for 64 bits.
type GIndexError struct {
	GIndex GIndex // the offending index, for an invalid one
	Depth  int    // the depth the result would have had, for an overflow
}

func (e *GIndexError) Error() string {
	if e.Depth > maxGIndexDepth {
		return fmt.Sprintf("merkle: generalized index would be %d levels deep, more than the %d a uint64 holds", e.Depth, maxGIndexDepth)
	}
	return fmt.Sprintf("merkle: %d is not a generalized index (the root is 1)", e.GIndex)
}

// Concat is the spec's concat_generalized_indices: given i1 from A to B, i2 from B to C, ...,
// the index from A to the last node. Concat() is the root, 1. It fails on a 0 index or when
// the result would be deeper than 63 levels.
func Concat(indices ...GIndex) (GIndex, error) {
	o, depth := GIndex(1), 0
	for _, i := range indices {
		if i == 0 {
			return 0, &GIndexError{GIndex: i}
		}
		d := i.Depth()
		depth += d
		if depth > maxGIndexDepth {
			return 0, &GIndexError{Depth: depth}
		}
		floor := GIndex(1) << d
		o = o*floor + (i - floor)
	}
	return o, nil
}

// Depth is the spec's get_generalized_index_length: the number of steps from the root to g,
// which is also the length of g's single-item proof. Depth(1) is 0; the invalid index 0 has
// depth -1.
func (g GIndex) Depth() int { return bits.Len64(uint64(g)) - 1 }

// Bit is the spec's get_generalized_index_bit: whether bit position of g is set. Read from
// position 0 upwards, the bits below the leading 1 say at each level whether the path to g
// goes right (1) or left (0), bottom-up.
func (g GIndex) Bit(position int) bool { return position < 64 && g&(1<<position) != 0 }

// Sibling is the spec's generalized_index_sibling: the other child of g's parent.
func (g GIndex) Sibling() GIndex { return g ^ 1 }

// Child is the spec's generalized_index_child: g's left child, or its right one if right.
// The caller keeps g above depth 63.
func (g GIndex) Child(right bool) GIndex {
	if right {
		return 2*g + 1
	}
	return 2 * g
}

// Parent is the spec's generalized_index_parent.
func (g GIndex) Parent() GIndex { return g / 2 }

// IsAncestorOf tells whether g lies on the path from the root to h, h excluded.
func (g GIndex) IsAncestorOf(h GIndex) bool {
	dg, dh := g.Depth(), h.Depth()
	return g != 0 && dh > dg && h>>(dh-dg) == g
}

// BranchIndices is the spec's get_branch_indices: the siblings of the nodes on the path
// from g up to the root, bottom-up. They are the nodes of g's single-item proof, in order.
func BranchIndices(g GIndex) []GIndex {
	out := make([]GIndex, 0, max(g.Depth(), 0))
	for ; g > 1; g = g.Parent() {
		out = append(out, g.Sibling())
	}
	return out
}

// PathIndices is the spec's get_path_indices: g and its ancestors, bottom-up, the root
// excluded.
func PathIndices(g GIndex) []GIndex {
	out := make([]GIndex, 0, max(g.Depth(), 0))
	for ; g > 1; g = g.Parent() {
		out = append(out, g)
	}
	return out
}

// HelperIndices is the spec's get_helper_indices: the nodes a multiproof of indices must
// supply, namely every branch node of an index that is not on the path of any index, sorted
// in decreasing order (for one index, the order of its single-item proof).
func HelperIndices(indices []GIndex) []GIndex {
	onPath := make(map[GIndex]bool)
	for _, g := range indices {
		for _, p := range PathIndices(g) {
			onPath[p] = true
		}
	}
	helpers := make(map[GIndex]bool)
	for _, g := range indices {
		for _, b := range BranchIndices(g) {
			if !onPath[b] {
				helpers[b] = true
			}
		}
	}
	out := make([]GIndex, 0, len(helpers))
	for h := range helpers {
		out = append(out, h)
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}
