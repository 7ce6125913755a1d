package ssz

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"sync"

	fssz "github.com/ferranbt/fastssz"
	"github.com/prysmaticlabs/gohashtree"
)

// HashTreeRoot returns hash_tree_root(obj). Like Marshal it fails on a value that breaks
// its type's bounds (a list over its limit, a vector of the wrong length), which has no root.
//
// Hashing is fastssz's Hasher driven by obj's definition, with gohashtree's vectorised
// SHA-256 for the pairwise layer hashing.
func HashTreeRoot(ctx any, obj Object) ([32]byte, error) {
	h := getHasher()
	defer putHasher(h)
	hs := &hasher{tracker: tracker{ctx: ctx}, h: h}
	hs.object(obj)
	if hs.err != nil {
		return [32]byte{}, hs.err
	}
	return h.HashRoot()
}

var hasherPool = sync.Pool{New: func() any {
	return fssz.NewHasherWithHashFn(gohashtree.HashByteSlice)
}}

func getHasher() *fssz.Hasher  { return hasherPool.Get().(*fssz.Hasher) }
func putHasher(h *fssz.Hasher) { h.Reset(); hasherPool.Put(h) }

type hasher struct {
	tracker
	h *fssz.Hasher
}

func (hs *hasher) object(obj Object) {
	idx := hs.h.Index()
	obj.DefineSSZ(hs)
	if hs.err == nil {
		hs.h.Merkleize(idx)
	}
}

// chunkLimit returns the chunk count of a packed list of limit elements of size bytes.
func (hs *hasher) chunkLimit(name string, limit uint64, size int) uint64 {
	if size < 1 || size > 32 {
		hs.failf(name, "illegal type: packed element of %d bytes", size)
		return 0
	}
	return packedChunks(limit, size)
}

// packedChunks is ceil(n*size/32), the chunk count of n packed values of size bytes
// (1 <= size <= 32), computed in 128 bits so that no uint64 n overflows.
func packedChunks(n uint64, size int) uint64 {
	hi, lo := bits.Mul64(n, uint64(size))
	lo, carry := bits.Add64(lo, 31, 0)
	q, _ := bits.Div64(hi+carry, lo, 32) // hi+carry < size <= 32: the quotient fits
	return q
}

// bitChunks is ceil(n/256), the chunk count of n bits.
func bitChunks(n uint64) uint64 {
	q := n / 256
	if n%256 != 0 {
		q++
	}
	return q
}

// treeDepth is the depth of the Merkle tree over limit chunks: ceil(log2(limit)), and 0
// for a limit of 0 or 1. It is exact for every uint64, unlike fastssz's helper, whose
// next-power-of-two rounding stops at 32 bits (a limit of 2**37+1 gets depth 37, not 38)
// and wraps above 2**63.
func treeDepth(limit uint64) int {
	if limit <= 1 {
		return 0
	}
	return bits.Len64(limit - 1)
}

// zeroHashes[d] is the root of a tree of depth d whose chunks are all zero.
var zeroHashes = func() (z [65][32]byte) {
	for d := 1; d < len(z); d++ {
		z[d] = sha256.Sum256(append(z[d-1][:], z[d-1][:]...))
	}
	return z
}()

// maxMerkleizedChunks bounds the chunks fastssz merkleizes in one call: its depth helper is
// exact up to 2**32 chunks (128 GiB of data, far more than a value in memory holds).
const maxMerkleizedChunks = 1 << 32

// mixIn replaces the chunks appended since idx by the list root
// mix_in_length(merkleize(chunks, limit), length). fastssz merkleizes the chunks present,
// a tree of depth treeDepth(count); the levels from there up to treeDepth(limit) have only
// zero subtrees on their right, so they are hashed here with exact depths for any limit.
func (hs *hasher) mixIn(name string, idx int, length, limit uint64) {
	h := hs.h
	h.FillUpTo32()
	count := uint64(h.Index()-idx) / 32
	if count > limit || count > maxMerkleizedChunks {
		hs.failf(name, "%d chunks do not fit a list of %d chunks: %v", count, limit, ErrSize)
		return
	}
	h.Merkleize(idx)
	root := h.Hash() // the 32 bytes at idx, rewritten in place
	var pair [64]byte
	for d := treeDepth(count); d < treeDepth(limit); d++ {
		copy(pair[:32], root)
		copy(pair[32:], zeroHashes[d][:])
		sum := sha256.Sum256(pair[:])
		copy(root, sum[:])
	}
	copy(pair[:32], root)
	lengthRoot := uint64Root(length)
	copy(pair[32:], lengthRoot[:])
	sum := sha256.Sum256(pair[:])
	copy(root, sum[:])
}

func (hs *hasher) Uint8(_ string, v *uint8)   { hs.h.PutUint8(*v) }
func (hs *hasher) Uint16(_ string, v *uint16) { hs.h.PutUint16(*v) }
func (hs *hasher) Uint32(_ string, v *uint32) { hs.h.PutUint32(*v) }
func (hs *hasher) Uint64(_ string, v *uint64) { hs.h.PutUint64(*v) }
func (hs *hasher) Bool(_ string, v *bool)     { hs.h.PutBool(*v) }
func (hs *hasher) Bytes(name string, v []byte) {
	if len(v) == 0 {
		hs.failf(name, "illegal type: zero-length byte vector")
		return
	}
	hs.h.PutBytes(v)
}
func (hs *hasher) ByteList(name string, v *[]byte, limit uint64) {
	if uint64(len(*v)) > limit {
		hs.failf(name, "%d bytes exceed the limit %d: %v", len(*v), limit, ErrSize)
		return
	}
	cl := hs.chunkLimit(name, limit, 1)
	if hs.err != nil {
		return
	}
	idx := hs.h.Index()
	hs.h.AppendBytes32(*v)
	hs.mixIn(name, idx, uint64(len(*v)), cl)
}
func (hs *hasher) Bitvector(name string, v *[]byte, n uint64) {
	if err := checkBitvector(*v, n); err != nil {
		hs.failf(name, "%v", err)
		return
	}
	idx := hs.h.Index()
	hs.h.AppendBytes32(*v)
	hs.h.Merkleize(idx)
}
func (hs *hasher) Bitlist(name string, v *[]byte, limit uint64) {
	n, err := bitlistLen(*v, limit)
	if err != nil {
		hs.failf(name, "%v", err)
		return
	}
	idx := hs.h.Index()
	hs.h.AppendBytes32(bitlistBits(*v, n))
	hs.mixIn(name, idx, n, bitChunks(limit))
}
func (hs *hasher) BasicVector(name string, s BasicSeq, n uint64) {
	if uint64(s.Len()) != n {
		hs.failf(name, "vector has %d elements, its type has %d: %v", s.Len(), n, ErrSize)
		return
	}
	idx := hs.h.Index()
	hs.appendPacked(s)
	hs.h.Merkleize(idx)
}
func (hs *hasher) BasicList(name string, s BasicSeq, limit uint64) {
	if uint64(s.Len()) > limit {
		hs.failf(name, "list has %d elements, over its limit %d: %v", s.Len(), limit, ErrSize)
		return
	}
	cl := hs.chunkLimit(name, limit, s.ElemSize())
	if hs.err != nil {
		return
	}
	idx := hs.h.Index()
	hs.appendPacked(s)
	hs.mixIn(name, idx, uint64(s.Len()), cl)
}

// appendPacked appends the packed chunks of a basic sequence, zero-padded to 32 bytes.
func (hs *hasher) appendPacked(s BasicSeq) {
	hs.h.AppendBytes32(s.AppendPacked(nil))
}

func (hs *hasher) Container(name string, v Object) {
	hs.push(name)
	hs.object(v)
	hs.pop()
}
func (hs *hasher) Vector(name string, s CompositeSeq, n uint64) {
	if n == 0 {
		hs.failf(name, "illegal type: zero-length vector")
		return
	}
	if uint64(s.Len()) != n {
		hs.failf(name, "vector has %d elements, its type has %d: %v", s.Len(), n, ErrSize)
		return
	}
	hs.push(name)
	idx := hs.h.Index()
	hs.elements(s)
	if hs.err == nil {
		hs.h.Merkleize(idx)
	}
	hs.pop()
}
func (hs *hasher) List(name string, s CompositeSeq, limit uint64) {
	if uint64(s.Len()) > limit {
		hs.failf(name, "list has %d elements, over its limit %d: %v", s.Len(), limit, ErrSize)
		return
	}
	hs.push(name)
	idx := hs.h.Index()
	hs.elements(s)
	if hs.err == nil {
		hs.mixIn(name, idx, uint64(s.Len()), limit)
	}
	hs.pop()
}

func (hs *hasher) elements(s CompositeSeq) {
	for i := 0; i < s.Len() && hs.err == nil; i++ {
		hs.pushIndex(i)
		hs.object(s.Elem(i))
		hs.pop()
	}
}

// uint64Root is the hash_tree_root of a uint64 (its little-endian bytes, zero-padded).
func uint64Root(v uint64) (r [32]byte) {
	binary.LittleEndian.PutUint64(r[:], v)
	return r
}
