package ssz

import (
	"encoding/binary"

	fssz "github.com/ferranbt/fastssz"
)

// Marshal serializes obj. ctx is handed to DefineSSZ through Codec.Context (for example the
// configuration that sizes obj's lists). A list longer than its limit, a vector of the wrong
// length or a malformed bitfield is an error: Marshal never writes what Unmarshal rejects.
func Marshal(ctx any, obj Object) ([]byte, error) {
	return MarshalAppend(ctx, nil, obj)
}

// MarshalAppend is Marshal appending to dst.
func MarshalAppend(ctx any, dst []byte, obj Object) ([]byte, error) {
	e := &encoder{tracker: tracker{ctx: ctx}, buf: dst}
	e.object(obj)
	if e.err != nil {
		return nil, e.err
	}
	return e.buf, nil
}

type encoder struct {
	tracker
	buf []byte
}

// encLevel is the Codec for one container being encoded: fixed-size fields are written at
// once, variable-size ones get an offset placeholder and are written after the fixed part.
type encLevel struct {
	*encoder
	start   int
	pending []pendingField
}

type pendingField struct {
	at   int // position of the offset placeholder
	name string
	fn   func()
}

func (e *encoder) object(obj Object) {
	lvl := &encLevel{encoder: e, start: len(e.buf)}
	obj.DefineSSZ(lvl)
	for _, p := range lvl.pending {
		if e.err != nil {
			return
		}
		off := len(e.buf) - lvl.start
		if off > maxOffset {
			e.failf(p.name, "encoding exceeds 2**32 bytes")
			return
		}
		binary.LittleEndian.PutUint32(e.buf[p.at:], uint32(off))
		e.push(p.name)
		p.fn()
		e.pop()
	}
}

func (l *encLevel) later(name string, fn func()) {
	l.pending = append(l.pending, pendingField{at: len(l.buf), name: name, fn: fn})
	l.buf = append(l.buf, 0, 0, 0, 0)
}

func (l *encLevel) Uint8(_ string, v *uint8) { l.buf = append(l.buf, *v) }
func (l *encLevel) Uint16(_ string, v *uint16) {
	l.buf = binary.LittleEndian.AppendUint16(l.buf, *v)
}
func (l *encLevel) Uint32(_ string, v *uint32) {
	l.buf = binary.LittleEndian.AppendUint32(l.buf, *v)
}
func (l *encLevel) Uint64(_ string, v *uint64) {
	l.buf = fssz.MarshalUint64(l.buf, *v)
}
func (l *encLevel) Bool(_ string, v *bool) { l.buf = fssz.MarshalBool(l.buf, *v) }
func (l *encLevel) Bytes(_ string, v []byte) {
	l.buf = append(l.buf, v...)
}
func (l *encLevel) ByteList(name string, v *[]byte, limit uint64) {
	if uint64(len(*v)) > limit {
		l.failf(name, "%d bytes exceed the limit %d: %v", len(*v), limit, ErrSize)
		return
	}
	l.later(name, func() { l.buf = append(l.buf, *v...) })
}
func (l *encLevel) Bitvector(name string, v *[]byte, n uint64) {
	if err := checkBitvector(*v, n); err != nil {
		l.failf(name, "%v", err)
		return
	}
	l.buf = append(l.buf, *v...)
}
func (l *encLevel) Bitlist(name string, v *[]byte, limit uint64) {
	if _, err := bitlistLen(*v, limit); err != nil {
		l.failf(name, "%v", err)
		return
	}
	l.later(name, func() { l.buf = append(l.buf, *v...) })
}
func (l *encLevel) BasicVector(name string, s BasicSeq, n uint64) {
	if uint64(s.Len()) != n {
		l.failf(name, "vector has %d elements, its type has %d: %v", s.Len(), n, ErrSize)
		return
	}
	l.buf = s.AppendPacked(l.buf)
}
func (l *encLevel) BasicList(name string, s BasicSeq, limit uint64) {
	if uint64(s.Len()) > limit {
		l.failf(name, "list has %d elements, over its limit %d: %v", s.Len(), limit, ErrSize)
		return
	}
	l.later(name, func() { l.buf = s.AppendPacked(l.buf) })
}
func (l *encLevel) Container(name string, v Object) {
	sh, err := shapeOf(l.ctx, v)
	if err != nil {
		l.failf(name, "%v", err)
		return
	}
	if sh.dynamic {
		l.later(name, func() { l.object(v) })
		return
	}
	l.push(name)
	l.object(v)
	l.pop()
}
func (l *encLevel) Vector(name string, s CompositeSeq, n uint64) {
	if uint64(s.Len()) != n {
		l.failf(name, "vector has %d elements, its type has %d: %v", s.Len(), n, ErrSize)
		return
	}
	sh, err := shapeOf(l.ctx, s.Zero())
	if err != nil {
		l.failf(name, "%v", err)
		return
	}
	if sh.dynamic {
		l.later(name, func() { l.sequence(s) })
		return
	}
	l.push(name)
	l.sequence(s)
	l.pop()
}
func (l *encLevel) List(name string, s CompositeSeq, limit uint64) {
	if uint64(s.Len()) > limit {
		l.failf(name, "list has %d elements, over its limit %d: %v", s.Len(), limit, ErrSize)
		return
	}
	l.later(name, func() { l.sequence(s) })
}

// sequence writes the elements of a vector or list of containers: an offset table first
// when the element type has variable size.
func (e *encoder) sequence(s CompositeSeq) {
	n := s.Len()
	if n == 0 {
		return
	}
	sh, err := shapeOf(e.ctx, s.Zero())
	if err != nil {
		e.failf("", "%v", err)
		return
	}
	if !sh.dynamic {
		for i := 0; i < n && e.err == nil; i++ {
			e.pushIndex(i)
			e.object(s.Elem(i))
			e.pop()
		}
		return
	}
	start := len(e.buf)
	table := start
	e.buf = append(e.buf, make([]byte, offsetSize*n)...)
	for i := 0; i < n && e.err == nil; i++ {
		off := len(e.buf) - start
		if off > maxOffset {
			e.failf(elemName(i), "encoding exceeds 2**32 bytes")
			return
		}
		binary.LittleEndian.PutUint32(e.buf[table+offsetSize*i:], uint32(off))
		e.pushIndex(i)
		e.object(s.Elem(i))
		e.pop()
	}
}
