package ssz

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Tree is a view of one composite value's Merkle tree, enough to build proofs and to walk
// values field by field (package merkle builds proofs from it; diffs walk it):
//
//   - Leaves are the chunks merkleized at the bottom of the value's own tree: the roots of a
//     container's fields, the roots of a list's or vector's container elements, or the
//     packed chunks of basic values, bytes and bits.
//   - Width is the number of leaves the tree is sized for (the chunk limit; a list's
//     limit, a container's field count); the tree is padded with zero chunks to the next
//     power of two.
//   - For lists and bitlists, HasLength is set and Length is mixed into the root.
type Tree struct {
	Kind      TreeKind
	Leaves    [][32]byte
	Width     uint64
	HasLength bool
	Length    uint64

	// Names are a container's field names, in leaf order.
	Names []string
	// ElemSize is the size in bytes of a basic element (for KindPacked), so element i
	// lives in leaf i*ElemSize/32.
	ElemSize int
	// Count is the number of elements (fields, list or vector elements, bits or bytes).
	Count int

	fields []fieldDef
	seq    CompositeSeq
	ctx    any
}

// TreeKind is the shape of a Tree's leaves.
type TreeKind uint8

const (
	TreeContainer TreeKind = iota // leaves are field roots
	TreeComposite                 // leaves are roots of container elements
	TreePacked                    // leaves are packed basic values, bytes or bits
)

// fieldDef re-declares one field of a container on any codec.
type fieldDef struct {
	name   string
	kind   fieldKind
	define func(c Codec)
	obj    Object       // for containers
	seq    CompositeSeq // for vectors and lists of containers
	basic  BasicSeq     // for basic vectors and lists
	bytes  *[]byte      // for byte lists and bitfields
	fixed  []byte       // for byte vectors
	limit  uint64
}

type fieldKind uint8

const (
	fkScalar fieldKind = iota
	fkBytes
	fkByteList
	fkBitvector
	fkBitlist
	fkBasicVector
	fkBasicList
	fkContainer
	fkVector
	fkList
)

// fieldCollector is the Codec that records a container's field definitions.
type fieldCollector struct {
	tracker
	fields []fieldDef
}

func (f *fieldCollector) add(d fieldDef) { f.fields = append(f.fields, d) }

func (f *fieldCollector) Uint8(n string, v *uint8) {
	f.add(fieldDef{name: n, define: func(c Codec) { c.Uint8(n, v) }})
}
func (f *fieldCollector) Uint16(n string, v *uint16) {
	f.add(fieldDef{name: n, define: func(c Codec) { c.Uint16(n, v) }})
}
func (f *fieldCollector) Uint32(n string, v *uint32) {
	f.add(fieldDef{name: n, define: func(c Codec) { c.Uint32(n, v) }})
}
func (f *fieldCollector) Uint64(n string, v *uint64) {
	f.add(fieldDef{name: n, define: func(c Codec) { c.Uint64(n, v) }})
}
func (f *fieldCollector) Bool(n string, v *bool) {
	f.add(fieldDef{name: n, define: func(c Codec) { c.Bool(n, v) }})
}
func (f *fieldCollector) Bytes(n string, v []byte) {
	f.add(fieldDef{name: n, kind: fkBytes, fixed: v, define: func(c Codec) { c.Bytes(n, v) }})
}
func (f *fieldCollector) ByteList(n string, v *[]byte, limit uint64) {
	f.add(fieldDef{name: n, kind: fkByteList, bytes: v, limit: limit, define: func(c Codec) { c.ByteList(n, v, limit) }})
}
func (f *fieldCollector) Bitvector(n string, v *[]byte, bits uint64) {
	f.add(fieldDef{name: n, kind: fkBitvector, bytes: v, limit: bits, define: func(c Codec) { c.Bitvector(n, v, bits) }})
}
func (f *fieldCollector) Bitlist(n string, v *[]byte, limit uint64) {
	f.add(fieldDef{name: n, kind: fkBitlist, bytes: v, limit: limit, define: func(c Codec) { c.Bitlist(n, v, limit) }})
}
func (f *fieldCollector) BasicVector(n string, s BasicSeq, k uint64) {
	f.add(fieldDef{name: n, kind: fkBasicVector, basic: s, limit: k, define: func(c Codec) { c.BasicVector(n, s, k) }})
}
func (f *fieldCollector) BasicList(n string, s BasicSeq, limit uint64) {
	f.add(fieldDef{name: n, kind: fkBasicList, basic: s, limit: limit, define: func(c Codec) { c.BasicList(n, s, limit) }})
}
func (f *fieldCollector) Container(n string, v Object) {
	f.add(fieldDef{name: n, kind: fkContainer, obj: v, define: func(c Codec) { c.Container(n, v) }})
}
func (f *fieldCollector) Vector(n string, s CompositeSeq, k uint64) {
	f.add(fieldDef{name: n, kind: fkVector, seq: s, limit: k, define: func(c Codec) { c.Vector(n, s, k) }})
}
func (f *fieldCollector) List(n string, s CompositeSeq, limit uint64) {
	f.add(fieldDef{name: n, kind: fkList, seq: s, limit: limit, define: func(c Codec) { c.List(n, s, limit) }})
}

func collectFields(ctx any, obj Object) []fieldDef {
	fc := &fieldCollector{tracker: tracker{ctx: ctx}}
	obj.DefineSSZ(fc)
	return fc.fields
}

// TreeOf returns the Merkle view of a container.
func TreeOf(ctx any, obj Object) (*Tree, error) {
	fields := collectFields(ctx, obj)
	t := &Tree{Kind: TreeContainer, Width: uint64(len(fields)), Count: len(fields), fields: fields, ctx: ctx}
	for _, f := range fields {
		r, err := HashTreeRoot(ctx, Value(f.define))
		if err != nil {
			return nil, err
		}
		t.Leaves = append(t.Leaves, r)
		t.Names = append(t.Names, f.name)
	}
	return t, nil
}

// FieldIndex returns the leaf index of a container field, or -1.
func (t *Tree) FieldIndex(name string) int {
	for i, n := range t.Names {
		if n == name {
			return i
		}
	}
	return -1
}

// Child returns the Merkle view of the composite value under leaf i: a container field that
// is itself composite (a container, vector, list, long byte vector or bitfield), or the
// element i of a list or vector of containers. Basic fields have no view of their own.
func (t *Tree) Child(i int) (*Tree, error) {
	if i < 0 || i >= t.Count {
		return nil, fmt.Errorf("index %d out of range [0, %d)", i, t.Count)
	}
	switch t.Kind {
	case TreeComposite:
		return TreeOf(t.ctx, t.seq.Elem(i))
	case TreeContainer:
		return fieldTree(t.ctx, t.fields[i])
	}
	return nil, fmt.Errorf("the leaves of a packed value have no subtrees")
}

// ChildName describes child i for paths and messages.
func (t *Tree) ChildName(i int) string {
	if t.Kind == TreeContainer && i >= 0 && i < len(t.Names) {
		return t.Names[i]
	}
	return elemName(i)
}

// IsComposite tells whether container field i has a subtree (Child succeeds for it).
func (t *Tree) IsComposite(i int) bool {
	if t.Kind != TreeContainer {
		return t.Kind == TreeComposite
	}
	f := t.fields[i]
	return f.kind != fkScalar && !(f.kind == fkBytes && len(f.fixed) <= 32)
}

// FieldYAML renders container field i's value (any kind) in the vectors' YAML format.
func (t *Tree) FieldYAML(i int) (*yaml.Node, error) {
	if t.Kind != TreeContainer {
		return nil, fmt.Errorf("not a container")
	}
	n, err := ToYAML(t.ctx, Value(t.fields[i].define))
	if err != nil {
		return nil, err
	}
	return n.Content[1], nil
}

func fieldTree(ctx any, f fieldDef) (*Tree, error) {
	switch f.kind {
	case fkContainer:
		return TreeOf(ctx, f.obj)
	case fkVector, fkList:
		t := &Tree{Kind: TreeComposite, Width: f.limit, Count: f.seq.Len(), seq: f.seq, ctx: ctx, HasLength: f.kind == fkList, Length: uint64(f.seq.Len())}
		for i := 0; i < f.seq.Len(); i++ {
			r, err := HashTreeRoot(ctx, f.seq.Elem(i))
			if err != nil {
				return nil, err
			}
			t.Leaves = append(t.Leaves, r)
		}
		return t, nil
	case fkBasicVector, fkBasicList:
		size := f.basic.ElemSize()
		packed := f.basic.AppendPacked(nil)
		if size < 1 || size > 32 {
			return nil, &Error{Path: f.name, Reason: fmt.Sprintf("illegal type: packed element of %d bytes", size)}
		}
		width := packedChunks(f.limit, size)
		return &Tree{Kind: TreePacked, Leaves: chunksOf(packed), Width: width, ElemSize: size, Count: f.basic.Len(),
			HasLength: f.kind == fkBasicList, Length: uint64(f.basic.Len())}, nil
	case fkBytes:
		return &Tree{Kind: TreePacked, Leaves: chunksOf(f.fixed), Width: uint64(len(chunksOf(f.fixed))), ElemSize: 1, Count: len(f.fixed)}, nil
	case fkByteList:
		return &Tree{Kind: TreePacked, Leaves: chunksOf(*f.bytes), Width: packedChunks(f.limit, 1), ElemSize: 1, Count: len(*f.bytes), HasLength: true, Length: uint64(len(*f.bytes))}, nil
	case fkBitvector:
		return &Tree{Kind: TreePacked, Leaves: chunksOf(*f.bytes), Width: bitChunks(f.limit), Count: int(f.limit)}, nil
	case fkBitlist:
		n, err := bitlistLen(*f.bytes, f.limit)
		if err != nil {
			return nil, &Error{Path: f.name, Reason: err.Error()}
		}
		return &Tree{Kind: TreePacked, Leaves: chunksOf(bitlistBits(*f.bytes, n)), Width: bitChunks(f.limit), Count: int(n), HasLength: true, Length: n}, nil
	}
	return nil, fmt.Errorf("field %s is a basic value and has no subtree", f.name)
}

// chunksOf splits packed bytes into zero-padded 32-byte chunks.
func chunksOf(b []byte) [][32]byte {
	out := make([][32]byte, (len(b)+31)/32)
	for i := range out {
		copy(out[i][:], b[32*i:])
	}
	return out
}
