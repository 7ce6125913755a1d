package ssz

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// This file holds the typed adapters: generic helpers that let a container declare a field
// of a named Go type (Slot, Gwei, []Root, []Validator, ...) without conversions.

// Uint64 declares a uint64 field of any type whose underlying type is uint64.
func Uint64[T ~uint64](c Codec, name string, v *T) {
	// T's underlying type is uint64, so the two pointers address identical memory layouts;
	// Go's conversion rules just do not let type parameters say so without unsafe.
	c.Uint64(name, (*uint64)(unsafe.Pointer(v)))
}

// Uint64s declares a List[uint64, limit] held in a slice of a uint64 type.
func Uint64s[T ~uint64](c Codec, name string, v *[]T, limit uint64) {
	c.BasicList(name, uint64Seq[T]{v}, limit)
}

// Uint64Vector declares a Vector[uint64, n] held in a slice of a uint64 type.
func Uint64Vector[T ~uint64](c Codec, name string, v *[]T, n uint64) {
	c.BasicVector(name, uint64Seq[T]{v}, n)
}

// Roots declares a List[Bytes32, limit] held in a slice of a 32-byte array type.
func Roots[T ~[32]byte](c Codec, name string, v *[]T, limit uint64) {
	c.BasicList(name, rootSeq[T]{v}, limit)
}

// RootVector declares a Vector[Bytes32, n] held in a slice of a 32-byte array type.
func RootVector[T ~[32]byte](c Codec, name string, v *[]T, n uint64) {
	c.BasicVector(name, rootSeq[T]{v}, n)
}

// List declares a List[T, limit] of containers held in a []T whose pointer type is an Object.
func List[T any, PT interface {
	*T
	Object
}](c Codec, name string, v *[]T, limit uint64) {
	c.List(name, objectSeq[T, PT]{v}, limit)
}

// Vector declares a Vector[T, n] of containers held in a []T.
func Vector[T any, PT interface {
	*T
	Object
}](c Codec, name string, v *[]T, n uint64) {
	c.Vector(name, objectSeq[T, PT]{v}, n)
}

type uint64Seq[T ~uint64] struct{ p *[]T }

func (s uint64Seq[T]) Len() int        { return len(*s.p) }
func (s uint64Seq[T]) ElemSize() int   { return 8 }
func (s uint64Seq[T]) Kind() BasicKind { return KindUint }
func (s uint64Seq[T]) AppendPacked(dst []byte) []byte {
	for _, x := range *s.p {
		dst = binary.LittleEndian.AppendUint64(dst, uint64(x))
	}
	return dst
}
func (s uint64Seq[T]) SetPacked(src []byte) error {
	out := make([]T, len(src)/8)
	for i := range out {
		out[i] = T(binary.LittleEndian.Uint64(src[8*i:]))
	}
	*s.p = out
	return nil
}

type rootSeq[T ~[32]byte] struct{ p *[]T }

func (s rootSeq[T]) Len() int        { return len(*s.p) }
func (s rootSeq[T]) ElemSize() int   { return 32 }
func (s rootSeq[T]) Kind() BasicKind { return KindBytes32 }
func (s rootSeq[T]) AppendPacked(dst []byte) []byte {
	for i := range *s.p {
		dst = append(dst, (*s.p)[i][:]...)
	}
	return dst
}
func (s rootSeq[T]) SetPacked(src []byte) error {
	out := make([]T, len(src)/32)
	for i := range out {
		copy(out[i][:], src[32*i:])
	}
	*s.p = out
	return nil
}

type objectSeq[T any, PT interface {
	*T
	Object
}] struct{ p *[]T }

func (s objectSeq[T, PT]) Len() int { return len(*s.p) }
func (s objectSeq[T, PT]) Resize(n int) {
	if n <= cap(*s.p) {
		old := len(*s.p)
		*s.p = (*s.p)[:n]
		var zero T
		for i := old; i < n; i++ {
			(*s.p)[i] = zero
		}
		return
	}
	next := make([]T, n)
	copy(next, *s.p)
	*s.p = next
}
func (s objectSeq[T, PT]) Elem(i int) Object { return PT(&(*s.p)[i]) }
func (s objectSeq[T, PT]) Zero() Object      { return PT(new(T)) }

// PackedSeq is a BasicSeq over raw little-endian bytes, for basic vectors and lists whose
// elements have no convenient Go type (uint128, uint256) or whose element size is chosen at
// run time (the ssz_generic test types).
type PackedSeq struct {
	Data []byte
	Size int       // bytes per element: 1, 2, 4, 8, 16 or 32
	Type BasicKind // KindUint or KindBool
}

func (s *PackedSeq) Len() int        { return len(s.Data) / s.Size }
func (s *PackedSeq) ElemSize() int   { return s.Size }
func (s *PackedSeq) Kind() BasicKind { return s.Type }
func (s *PackedSeq) AppendPacked(dst []byte) []byte {
	return append(dst, s.Data...)
}
func (s *PackedSeq) SetPacked(src []byte) error {
	if s.Type == KindBool {
		for i, b := range src {
			if b > 1 {
				return fmt.Errorf("element %d: boolean byte 0x%02x is neither 0x00 nor 0x01", i, b)
			}
		}
	}
	s.Data = append([]byte(nil), src...)
	return nil
}

// rangePacker is a BasicSeq that can pack a range of its elements alone, so a cached tree
// re-packs only the chunks that hold written elements.
type rangePacker interface {
	appendPackedRange(dst []byte, lo, hi int) []byte
}

func (s uint64Seq[T]) appendPackedRange(dst []byte, lo, hi int) []byte {
	for _, x := range (*s.p)[lo:hi] {
		dst = binary.LittleEndian.AppendUint64(dst, uint64(x))
	}
	return dst
}

func (s rootSeq[T]) appendPackedRange(dst []byte, lo, hi int) []byte {
	for i := lo; i < hi; i++ {
		dst = append(dst, (*s.p)[i][:]...)
	}
	return dst
}
