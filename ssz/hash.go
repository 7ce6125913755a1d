package ssz

import (
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
	hi, lo := bits.Mul64(limit, uint64(size))
	if hi != 0 || lo > 1<<63 {
		hs.failf(name, "list limit %d too large to merkleize", limit)
		return 0
	}
	return (lo + 31) / 32
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
	hs.h.MerkleizeWithMixin(idx, uint64(len(*v)), cl)
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
	if _, err := bitlistLen(*v, limit); err != nil {
		hs.failf(name, "%v", err)
		return
	}
	hs.h.PutBitlist(*v, limit)
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
	hs.h.MerkleizeWithMixin(idx, uint64(s.Len()), cl)
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
		hs.h.MerkleizeWithMixin(idx, uint64(s.Len()), limit)
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
