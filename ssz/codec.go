package ssz

// Object is an SSZ container. DefineSSZ names its fields, in declaration order, to a Codec;
// that one definition drives sizing, encoding, decoding, hashing, YAML rendering and the
// Merkle-tree views used for proofs, so the five can never disagree about a field.
//
// DefineSSZ must describe the same fields with the same limits whatever the values are:
// codecs may call it on a zero value to learn a type's shape.
type Object interface {
	DefineSSZ(c Codec)
}

// Codec is what an Object's DefineSSZ talks to. Each method declares the next field:
// its name (snake_case, as in the spec and the vectors' YAML), a pointer to the value, and
// the size parameters (vector lengths, list limits) that the caller reads from its
// configuration at run time.
//
// Codec implementations record the first error they meet (an over-long list, malformed
// input) and ignore the rest of the definition; the entry points (Marshal, Unmarshal,
// HashTreeRoot, ...) return it.
type Codec interface {
	// Context returns what the entry point was given as ctx (for example a
	// configuration object), so an Object can read the sizes of its fields from it.
	Context() any

	Uint8(name string, v *uint8)
	Uint16(name string, v *uint16)
	Uint32(name string, v *uint32)
	Uint64(name string, v *uint64)
	Bool(name string, v *bool)

	// Bytes is a Vector[byte, len(v)] (BytesN): fixed size, decoded in place.
	Bytes(name string, v []byte)
	// ByteList is a List[byte, limit].
	ByteList(name string, v *[]byte, limit uint64)
	// Bitvector is a Bitvector[bits] stored as ceil(bits/8) bytes, bit i in byte i/8 at
	// position i%8 (the layout of github.com/prysmaticlabs/go-bitfield).
	Bitvector(name string, v *[]byte, bits uint64)
	// Bitlist is a Bitlist[limit] in its serialized form: the bits followed by a single
	// delimiting 1 bit (go-bitfield's Bitlist layout).
	Bitlist(name string, v *[]byte, limit uint64)

	// BasicVector and BasicList are vectors and lists of fixed-size values that pack into
	// chunks: unsigned integers, booleans, and 32-byte roots (one chunk per element).
	BasicVector(name string, s BasicSeq, n uint64)
	BasicList(name string, s BasicSeq, limit uint64)

	// Container is a nested container.
	Container(name string, v Object)
	// Vector and List are vectors and lists of containers.
	Vector(name string, s CompositeSeq, n uint64)
	List(name string, s CompositeSeq, limit uint64)
}

// BasicSeq adapts a Go slice of basic values to a Codec. The helpers Uint64s, Roots, ...
// build one for typed slices.
type BasicSeq interface {
	Len() int
	// ElemSize is the serialized size of one element in bytes.
	ElemSize() int
	// AppendPacked appends the elements' serialized bytes.
	AppendPacked(dst []byte) []byte
	// SetPacked replaces the elements with the len(src)/ElemSize() elements serialized in
	// src; it rejects invalid encodings (a boolean byte other than 0 or 1).
	SetPacked(src []byte) error
	// Kind names the element type for YAML rendering and tree views.
	Kind() BasicKind
}

// BasicKind is the element type of a BasicSeq.
type BasicKind uint8

const (
	KindUint    BasicKind = iota // little-endian unsigned integer of ElemSize bytes
	KindBool                     // one byte, 0 or 1
	KindBytes32                  // a 32-byte root
)

// CompositeSeq adapts a Go slice of containers to a Codec.
type CompositeSeq interface {
	Len() int
	// Resize sets the length to n, keeping existing elements and zeroing new ones.
	Resize(n int)
	// Elem returns element i as an Object (a pointer into the slice).
	Elem(i int) Object
	// Zero returns a new zero element, used to learn the element type's shape.
	Zero() Object
}
