package merkle

import (
	"fmt"
	"slices"
)

// IsValidMerkleBranch is the spec's is_valid_merkle_branch ("Predicates", beacon-chain.md):
// whether leaf, at position index of the bottom layer of a tree of the given depth, hashes
// up with branch (bottom-up) to root. A branch shorter than depth (where the spec would
// fail on an out-of-range read) is not valid; entries past depth are ignored, as in the spec.
func IsValidMerkleBranch(leaf [32]byte, branch [][32]byte, depth uint64, index uint64, root [32]byte) bool {
	if uint64(len(branch)) < depth {
		return false
	}
	value := leaf
	for i := uint64(0); i < depth; i++ {
		if (index>>i)&1 == 1 { // index >> i is 0 once i reaches 64, as index // 2**i is
			value = HashPair(branch[i], value)
		} else {
			value = HashPair(value, branch[i])
		}
	}
	return value == root
}

// ProofErrorKind names the way a proof's shape disagrees with the indices it claims.
type ProofErrorKind uint8

const (
	// ProofLength: the proof has a different number of nodes than the indices need.
	ProofLength ProofErrorKind = iota + 1
	// LeafCount: a multiproof has a different number of leaves than indices.
	LeafCount
	// NoIndices: a multiproof of nothing.
	NoIndices
	// InvalidIndex: an index is 0.
	InvalidIndex
	// OverlappingIndices: one index lies under another, or an index repeats with a
	// different leaf, so some leaf would not be authenticated (see CalculateMultiMerkleRoot).
	OverlappingIndices
)

// ProofError is a proof whose shape does not fit its indices: the spec's asserts in
// calculate_merkle_root and calculate_multi_merkle_root, and the overlap check this package
// adds to the latter.
type ProofError struct {
	Kind      ProofErrorKind
	GIndex    GIndex // the index concerned (the lower one, for an overlap)
	Other     GIndex // for an overlap: the index above GIndex, or its repetition
	Want, Got int    // node or leaf counts, for ProofLength and LeafCount
}

func (e *ProofError) Error() string {
	switch e.Kind {
	case ProofLength:
		return fmt.Sprintf("merkle: proof for generalized index %d has %d nodes, it needs %d", e.GIndex, e.Got, e.Want)
	case LeafCount:
		return fmt.Sprintf("merkle: multiproof has %d leaves for %d indices", e.Got, e.Want)
	case NoIndices:
		return "merkle: multiproof of no indices"
	case InvalidIndex:
		return "merkle: 0 is not a generalized index (the root is 1)"
	case OverlappingIndices:
		if e.GIndex == e.Other {
			return fmt.Sprintf("merkle: generalized index %d appears twice with different leaves", e.GIndex)
		}
		return fmt.Sprintf("merkle: generalized index %d lies under %d, which is proven too", e.GIndex, e.Other)
	}
	return "merkle: malformed proof"
}

// CalculateMerkleRoot is the spec's calculate_merkle_root: the root that leaf at index hashes
// up to with proof (bottom-up, one node per level). It fails when proof's length is not
// index's depth.
func CalculateMerkleRoot(leaf [32]byte, proof [][32]byte, index GIndex) ([32]byte, error) {
	if index == 0 {
		return [32]byte{}, &ProofError{Kind: InvalidIndex}
	}
	if len(proof) != index.Depth() {
		return [32]byte{}, &ProofError{Kind: ProofLength, GIndex: index, Want: index.Depth(), Got: len(proof)}
	}
	for i, h := range proof {
		if index.Bit(i) {
			leaf = HashPair(h, leaf)
		} else {
			leaf = HashPair(leaf, h)
		}
	}
	return leaf, nil
}

// VerifyMerkleProof is the spec's verify_merkle_proof: whether leaf at index hashes up to root
// with proof.
func VerifyMerkleProof(leaf [32]byte, proof [][32]byte, index GIndex, root [32]byte) bool {
	r, err := CalculateMerkleRoot(leaf, proof, index)
	return err == nil && r == root
}

// CalculateMultiMerkleRoot is the spec's calculate_multi_merkle_root: the root that leaves at
// indices hash up to with proof, the nodes at HelperIndices(indices) in that order.
//
// It is stricter than the spec in one way: it rejects index sets where one index lies under
// another, or repeats with a different leaf. The spec accepts them, but then computes the
// upper node from its given leaf and never hashes the ones below it (or keeps the last of
// the repeated leaves), so a wrong lower leaf would still verify. Sets without overlaps,
// which are all that ProveMulti produces, get the spec's result.
func CalculateMultiMerkleRoot(leaves [][32]byte, proof [][32]byte, indices []GIndex) ([32]byte, error) {
	if len(leaves) != len(indices) {
		return [32]byte{}, &ProofError{Kind: LeafCount, Want: len(indices), Got: len(leaves)}
	}
	if len(indices) == 0 {
		return [32]byte{}, &ProofError{Kind: NoIndices}
	}
	objects := make(map[GIndex][32]byte, len(indices)+len(proof))
	for i, g := range indices {
		if g == 0 {
			return [32]byte{}, &ProofError{Kind: InvalidIndex}
		}
		if prev, ok := objects[g]; ok && prev != leaves[i] {
			return [32]byte{}, &ProofError{Kind: OverlappingIndices, GIndex: g, Other: g}
		}
		objects[g] = leaves[i]
	}
	for _, g := range indices {
		for a := g.Parent(); a >= 1; a = a.Parent() {
			if _, ok := objects[a]; ok {
				return [32]byte{}, &ProofError{Kind: OverlappingIndices, GIndex: g, Other: a}
			}
		}
	}
	helpers := HelperIndices(indices)
	if len(proof) != len(helpers) {
		return [32]byte{}, &ProofError{Kind: ProofLength, GIndex: indices[0], Want: len(helpers), Got: len(proof)}
	}
	for i, h := range helpers {
		objects[h] = proof[i]
	}
	keys := make([]GIndex, 0, len(objects))
	for k := range objects {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.Reverse(keys)
	for pos := 0; pos < len(keys); pos++ {
		k := keys[pos]
		_, haveK := objects[k]
		_, haveSibling := objects[k^1]
		_, haveParent := objects[k/2]
		if haveK && haveSibling && !haveParent {
			objects[k/2] = HashPair(objects[(k|1)^1], objects[k|1])
			keys = append(keys, k/2)
		}
	}
	root, ok := objects[1]
	if !ok { // the helpers always complete the tree; kept so a bug cannot pass as a root
		return [32]byte{}, &ProofError{Kind: ProofLength, GIndex: indices[0], Want: len(helpers), Got: len(proof)}
	}
	return root, nil
}

// VerifyMultiproof is the spec's verify_merkle_multiproof: whether leaves at indices hash up
// to root with proof (see CalculateMultiMerkleRoot, including its overlap rule).
func VerifyMultiproof(leaves [][32]byte, proof [][32]byte, indices []GIndex, root [32]byte) bool {
	r, err := CalculateMultiMerkleRoot(leaves, proof, indices)
	return err == nil && r == root
}
