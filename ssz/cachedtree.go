package ssz

import (
	"slices"

	"github.com/prysmaticlabs/gohashtree"
)

// CachedTree is the Merkle tree of one list's or vector's chunks with every internal node
// kept, so that after a few chunks change only their paths to the root are hashed again.
//
// The tree is sized for limit chunks (the spec's merkleize(chunks, limit)): it holds the
// Len() chunks present and the nodes above them; the padding is never stored, an empty
// subtree is read as the zero hash of its height. Set records a written chunk; Root hashes
// the written paths again, one layer at a time, each layer's parents in one gohashtree
// batch. It is not safe for concurrent use.
//
// It lives in package ssz rather than merkle because the hasher needs it, and merkle is
// built on ssz (merkle imports ssz, so ssz cannot import merkle).
type CachedTree struct {
	depth  int          // height of the tree for its limit
	layers [][][32]byte // layers[0] holds the chunks; layers[k][j] is the node at height k
	dirty  []int        // chunks set since the last Root (repeats allowed)
	all    bool         // every chunk was written (SetAll): the next Root hashes every layer
}

// NewCachedTree returns an empty tree sized for limit chunks.
func NewCachedTree(limit uint64) *CachedTree {
	return &CachedTree{depth: treeDepth(limit), layers: [][][32]byte{nil}}
}

// Len returns the number of chunks present.
func (t *CachedTree) Len() int { return len(t.layers[0]) }

// Chunk returns chunk i (0 <= i < Len()).
func (t *CachedTree) Chunk(i int) [32]byte { return t.layers[0][i] }

// Set writes chunk i (0 <= i < Len()).
func (t *CachedTree) Set(i int, chunk [32]byte) {
	t.layers[0][i] = chunk
	if !t.all {
		t.dirty = append(t.dirty, i)
	}
}

// SetAll sets the number of chunks to n and returns them (layer 0) for the caller to write
// every one: the next Root hashes the whole tree, one gohashtree batch per layer, with no
// list of written chunks to keep and sort.
func (t *CachedTree) SetAll(n int) [][32]byte {
	t.all = true
	t.dirty = t.dirty[:0]
	t.Resize(n)
	return t.layers[0]
}

// Resize sets the number of chunks to n: new chunks are zero and marked written; a tree
// that shrinks forgets the chunks past n, and the node that held the last of them and the
// last remaining chunk is hashed again.
func (t *CachedTree) Resize(n int) {
	old := t.Len()
	if n == old {
		return
	}
	for k, width := 0, n; ; k++ {
		if k == len(t.layers) {
			t.layers = append(t.layers, nil)
		}
		l := t.layers[k]
		if width <= len(l) {
			t.layers[k] = l[:width]
		} else {
			t.layers[k] = append(l, make([][32]byte, width-len(l))...)
		}
		if width <= 1 {
			t.layers = t.layers[:k+1]
			break
		}
		width = (width + 1) / 2
	}
	if t.all {
		return
	}
	for i := old; i < n; i++ {
		t.dirty = append(t.dirty, i)
	}
	if n < old && n > 0 {
		t.dirty = append(t.dirty, n-1)
	}
}

// Root returns the root of the tree: merkleize(chunks, limit).
func (t *CachedTree) Root() [32]byte {
	n := t.Len()
	if n == 0 {
		t.dirty, t.all = t.dirty[:0], false
		return zeroHashes[t.depth]
	}
	switch {
	case t.all:
		for k := 0; k+1 < len(t.layers); k++ {
			t.hashLayer(k)
		}
		t.all = false
	case len(t.dirty) > 0:
		t.rehash()
	}
	top := len(t.layers) - 1
	r := t.layers[top][0]
	for h := top; h < t.depth; h++ {
		r = hashPair(r, zeroHashes[h])
	}
	return r
}

// rehash recomputes the ancestors of the dirty chunks, layer by layer. When more than an
// eighth of a layer is dirty it is cheaper to hash the whole layer in one batch.
func (t *CachedTree) rehash() {
	idx := t.dirty
	slices.Sort(idx)
	idx = slices.Compact(idx)
	for len(idx) > 0 && idx[len(idx)-1] >= t.Len() { // set, then cut off by Resize
		idx = idx[:len(idx)-1]
	}
	var in, out [][32]byte
	for k := 0; k+1 < len(t.layers); k++ {
		below, above := t.layers[k], t.layers[k+1]
		if len(idx)*8 > len(above) {
			t.hashLayer(k)
			// Every node above is now stale: hash the remaining layers whole.
			for k++; k+1 < len(t.layers); k++ {
				t.hashLayer(k)
			}
			break
		}
		in, out = in[:0], out[:0]
		parents := idx[:0]
		for j, i := range idx {
			p := i / 2
			if j > 0 && parents[len(parents)-1] == p {
				continue
			}
			parents = append(parents, p)
			right := zeroHashes[k]
			if 2*p+1 < len(below) {
				right = below[2*p+1]
			}
			in = append(in, below[2*p], right)
		}
		out = slices.Grow(out, len(parents))[:len(parents)]
		if len(in) > 0 {
			if err := gohashtree.Hash(out, in); err != nil {
				panic("ssz: gohashtree: " + err.Error()) // lengths are right by construction
			}
		}
		for j, p := range parents {
			above[p] = out[j]
		}
		idx = parents
	}
	t.dirty = t.dirty[:0]
}

// hashLayer recomputes layer k+1 from layer k.
func (t *CachedTree) hashLayer(k int) {
	below, above := t.layers[k], t.layers[k+1]
	even := len(below) &^ 1
	if even > 0 {
		if err := gohashtree.Hash(above[:even/2], below[:even]); err != nil {
			panic("ssz: gohashtree: " + err.Error())
		}
	}
	if even < len(below) {
		above[len(above)-1] = hashPair(below[even], zeroHashes[k])
	}
}

// Clone returns an independent copy of the tree.
func (t *CachedTree) Clone() *CachedTree {
	c := &CachedTree{depth: t.depth, layers: make([][][32]byte, len(t.layers)), dirty: slices.Clone(t.dirty), all: t.all}
	for k, l := range t.layers {
		c.layers[k] = slices.Clone(l)
	}
	return c
}

// hashPair is SHA-256 of two concatenated nodes.
func hashPair(a, b [32]byte) [32]byte {
	var out [1][32]byte
	_ = gohashtree.Hash(out[:], [][32]byte{a, b})
	return out[0]
}
