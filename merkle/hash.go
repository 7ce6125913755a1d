package merkle

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// MaxDepth is the deepest tree this package hashes: a generalized index is a uint64, so no
// node sits more than 63 levels below the root, and ZeroHash covers one level more.
const MaxDepth = 64

// HashPair is the spec's hash (SHA-256) of two concatenated nodes: the parent of a and b.
func HashPair(a, b [32]byte) [32]byte {
	var buf [64]byte
	copy(buf[:32], a[:])
	copy(buf[32:], b[:])
	return sha256.Sum256(buf[:])
}

// zeroHashes[d] is the root of a subtree of height d whose leaves are all zero chunks.
var zeroHashes = func() (z [MaxDepth + 1][32]byte) {
	for d := 1; d <= MaxDepth; d++ {
		z[d] = HashPair(z[d-1], z[d-1])
	}
	return z
}()

// ZeroHash returns the root of a subtree of height depth (2**depth leaves) of zero chunks:
// what the spec's merkleize pads with. ZeroHash(0) is the zero chunk. It panics for a depth
// outside [0, MaxDepth], which no SSZ type reaches.
func ZeroHash(depth int) [32]byte {
	if depth < 0 || depth > MaxDepth {
		panic(fmt.Sprintf("merkle: ZeroHash(%d): depth outside [0, %d]", depth, MaxDepth))
	}
	return zeroHashes[depth]
}

// LimitError reports chunks that do not fit the limit they are merkleized under (the
// spec's assert in merkleize).
type LimitError struct {
	Chunks uint64
	Limit  uint64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("merkle: %d chunks exceed the limit %d", e.Chunks, e.Limit)
}

// Merkleize is the spec's merkleize(chunks, limit) ("Merkleization"): the root of a tree
// whose bottom layer is chunks padded with zero chunks to next_pow_of_two(limit) leaves.
// The padding is never built: an empty subtree is read as ZeroHash of its height, so the
// cost is O(len(chunks)) hashes whatever the limit. It fails when len(chunks) > limit.
func Merkleize(chunks [][32]byte, limit uint64) ([32]byte, error) {
	if uint64(len(chunks)) > limit {
		return [32]byte{}, &LimitError{Chunks: uint64(len(chunks)), Limit: limit}
	}
	return subtreeRoot(chunks, 0, treeDepth(limit)), nil
}

// MixInLength is the spec's mix_in_length: the root of a list, its data root hashed with
// its length as a little-endian uint64 chunk.
func MixInLength(root [32]byte, length uint64) [32]byte {
	return HashPair(root, lengthChunk(length))
}

// lengthChunk is a length as the spec mixes it in: 8 little-endian bytes, then 24 zeros.
func lengthChunk(length uint64) (c [32]byte) {
	binary.LittleEndian.PutUint64(c[:], length)
	return c
}

// treeDepth is the height of the tree merkleize builds for width leaves:
// log2(next_pow_of_two(width)), 0 for a width of 0 or 1.
func treeDepth(width uint64) int {
	if width <= 1 {
		return 0
	}
	return bits.Len64(width - 1)
}

// subtreeRoot returns the root of the subtree of height h whose leftmost leaf is chunks[lo]
// (lo a multiple of 2**h); leaves past the end of chunks are zero chunks. It hashes the
// chunks the subtree holds and one node per level beyond them, never the padding.
func subtreeRoot(chunks [][32]byte, lo uint64, h int) [32]byte {
	n := uint64(len(chunks))
	if lo >= n {
		return zeroHashes[h]
	}
	hi := n
	if h < 64 && n-lo > uint64(1)<<h {
		hi = lo + uint64(1)<<h
	}
	layer := make([][32]byte, hi-lo)
	copy(layer, chunks[lo:hi])
	m := len(layer)
	for level := 0; level < h; level++ {
		for k := 0; k < (m+1)/2; k++ {
			right := zeroHashes[level]
			if 2*k+1 < m {
				right = layer[2*k+1]
			}
			layer[k] = HashPair(layer[2*k], right)
		}
		m = (m + 1) / 2
	}
	return layer[0]
}
