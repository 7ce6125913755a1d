package ssz

import (
	"encoding/binary"
)

// Unmarshal decodes data into obj (overwriting every field). Hostile input cannot make it
// panic or allocate more than the input justifies: every length is checked against both the
// type's bounds and the bytes actually present before anything is allocated. On error obj
// may be partly written; decode into a fresh value when that matters.
func Unmarshal(ctx any, data []byte, obj Object) error {
	d := &decoder{tracker: tracker{ctx: ctx}}
	d.object(data, obj)
	return d.err
}

type decoder struct {
	tracker
}

// decLevel is the Codec for one container being decoded from data: fixed-size fields are
// read in order from the fixed part; variable-size fields read an offset and are decoded
// once the offsets are known to be well formed.
type decLevel struct {
	*decoder
	data    []byte
	pos     int
	pending []pendingDecode
}

type pendingDecode struct {
	name   string
	offset uint64
	fn     func(b []byte)
}

func (d *decoder) object(data []byte, obj Object) {
	lvl := &decLevel{decoder: d, data: data}
	obj.DefineSSZ(lvl)
	if d.err != nil {
		return
	}
	if len(lvl.pending) == 0 {
		if lvl.pos != len(data) {
			d.failf("", "fixed-size container of %d bytes given %d bytes: %v", lvl.pos, len(data), ErrSize)
		}
		return
	}
	// The first offset must point just past the fixed part; offsets must not decrease and
	// must stay within the data.
	if lvl.pending[0].offset != uint64(lvl.pos) {
		d.failf(lvl.pending[0].name, "first offset %d does not match the fixed part size %d", lvl.pending[0].offset, lvl.pos)
		return
	}
	for i, p := range lvl.pending {
		end := uint64(len(data))
		if i+1 < len(lvl.pending) {
			end = lvl.pending[i+1].offset
		}
		if p.offset > end || end > uint64(len(data)) {
			d.failf(p.name, "offset %d out of order or past the end (next %d, data %d bytes)", p.offset, end, len(data))
			return
		}
	}
	for i, p := range lvl.pending {
		end := uint64(len(data))
		if i+1 < len(lvl.pending) {
			end = lvl.pending[i+1].offset
		}
		d.push(p.name)
		p.fn(data[p.offset:end])
		d.pop()
		if d.err != nil {
			return
		}
	}
}

// take returns the next n bytes of the fixed part.
func (l *decLevel) take(name string, n uint64) []byte {
	if l.err != nil {
		return nil
	}
	if n > uint64(len(l.data)-l.pos) {
		l.failf(name, "truncated: needs %d bytes, %d left: %v", n, len(l.data)-l.pos, ErrSize)
		return nil
	}
	b := l.data[l.pos : l.pos+int(n)]
	l.pos += int(n)
	return b
}

func (l *decLevel) later(name string, fn func(b []byte)) {
	b := l.take(name, offsetSize)
	if b == nil {
		return
	}
	l.pending = append(l.pending, pendingDecode{name: name, offset: uint64(binary.LittleEndian.Uint32(b)), fn: fn})
}

func (l *decLevel) Uint8(name string, v *uint8) {
	if b := l.take(name, 1); b != nil {
		*v = b[0]
	}
}
func (l *decLevel) Uint16(name string, v *uint16) {
	if b := l.take(name, 2); b != nil {
		*v = binary.LittleEndian.Uint16(b)
	}
}
func (l *decLevel) Uint32(name string, v *uint32) {
	if b := l.take(name, 4); b != nil {
		*v = binary.LittleEndian.Uint32(b)
	}
}
func (l *decLevel) Uint64(name string, v *uint64) {
	if b := l.take(name, 8); b != nil {
		*v = binary.LittleEndian.Uint64(b)
	}
}
func (l *decLevel) Bool(name string, v *bool) {
	b := l.take(name, 1)
	if b == nil {
		return
	}
	switch b[0] {
	case 0:
		*v = false
	case 1:
		*v = true
	default:
		l.failf(name, "boolean byte 0x%02x is neither 0x00 nor 0x01", b[0])
	}
}
func (l *decLevel) Bytes(name string, v []byte) {
	if len(v) == 0 {
		l.failf(name, "illegal type: zero-length byte vector")
		return
	}
	if b := l.take(name, uint64(len(v))); b != nil {
		copy(v, b)
	}
}
func (l *decLevel) ByteList(name string, v *[]byte, limit uint64) {
	l.later(name, func(b []byte) {
		if uint64(len(b)) > limit {
			l.failf("", "%d bytes exceed the limit %d: %v", len(b), limit, ErrSize)
			return
		}
		*v = append((*v)[:0], b...)
	})
}
func (l *decLevel) Bitvector(name string, v *[]byte, n uint64) {
	if n == 0 {
		l.failf(name, "illegal type: Bitvector[0]")
		return
	}
	b := l.take(name, (n+7)/8)
	if b == nil {
		return
	}
	if err := checkBitvector(b, n); err != nil {
		l.failf(name, "%v", err)
		return
	}
	*v = append((*v)[:0], b...)
}
func (l *decLevel) Bitlist(name string, v *[]byte, limit uint64) {
	l.later(name, func(b []byte) {
		if _, err := bitlistLen(b, limit); err != nil {
			l.failf("", "%v", err)
			return
		}
		*v = append((*v)[:0], b...)
	})
}
func (l *decLevel) BasicVector(name string, s BasicSeq, n uint64) {
	size := uint64(s.ElemSize())
	if n == 0 {
		l.failf(name, "illegal type: zero-length vector")
		return
	}
	if n > uint64(len(l.data))/size+1 { // cheap bound first: cannot fit, and n*size cannot overflow below
		l.failf(name, "truncated: vector of %d elements does not fit in %d bytes: %v", n, len(l.data), ErrSize)
		return
	}
	b := l.take(name, n*size)
	if b == nil {
		return
	}
	if err := s.SetPacked(b); err != nil {
		l.failf(name, "%v", err)
	}
}
func (l *decLevel) BasicList(name string, s BasicSeq, limit uint64) {
	l.later(name, func(b []byte) {
		size := s.ElemSize()
		if len(b)%size != 0 {
			l.failf("", "%d bytes is not a whole number of %d-byte elements: %v", len(b), size, ErrSize)
			return
		}
		if n := uint64(len(b) / size); n > limit {
			l.failf("", "list has %d elements, over its limit %d: %v", n, limit, ErrSize)
			return
		}
		if err := s.SetPacked(b); err != nil {
			l.failf("", "%v", err)
		}
	})
}
func (l *decLevel) Container(name string, v Object) {
	sh, err := shapeOf(l.ctx, v)
	if err != nil {
		l.failf(name, "%v", err)
		return
	}
	if sh.dynamic {
		l.later(name, func(b []byte) { l.object(b, v) })
		return
	}
	b := l.take(name, sh.fixed)
	if b == nil {
		return
	}
	l.push(name)
	l.object(b, v)
	l.pop()
}
func (l *decLevel) Vector(name string, s CompositeSeq, n uint64) {
	if n == 0 {
		l.failf(name, "illegal type: zero-length vector")
		return
	}
	sh, err := shapeOf(l.ctx, s.Zero())
	if err != nil {
		l.failf(name, "%v", err)
		return
	}
	if sh.dynamic {
		l.later(name, func(b []byte) { l.sequence(b, s, n, n) })
		return
	}
	if sh.fixed == 0 || n > uint64(len(l.data))/sh.fixed {
		l.failf(name, "truncated: vector of %d elements does not fit in %d bytes: %v", n, len(l.data), ErrSize)
		return
	}
	b := l.take(name, n*sh.fixed)
	if b == nil {
		return
	}
	l.push(name)
	l.sequence(b, s, n, n)
	l.pop()
}
func (l *decLevel) List(name string, s CompositeSeq, limit uint64) {
	l.later(name, func(b []byte) { l.sequence(b, s, 0, limit) })
}

// sequence decodes the elements of a vector (min == max == n) or a list (0, limit) of
// containers from b.
func (d *decoder) sequence(b []byte, s CompositeSeq, min, max uint64) {
	sh, err := shapeOf(d.ctx, s.Zero())
	if err != nil {
		d.failf("", "%v", err)
		return
	}
	var n uint64
	var offsets []uint64
	if !sh.dynamic {
		if sh.fixed == 0 {
			d.failf("", "illegal type: zero-size element")
			return
		}
		if uint64(len(b))%sh.fixed != 0 {
			d.failf("", "%d bytes is not a whole number of %d-byte elements: %v", len(b), sh.fixed, ErrSize)
			return
		}
		n = uint64(len(b)) / sh.fixed
	} else if len(b) > 0 {
		if len(b) < offsetSize {
			d.failf("", "truncated offset table: %v", ErrSize)
			return
		}
		first := uint64(binary.LittleEndian.Uint32(b))
		if first%offsetSize != 0 || first == 0 || first > uint64(len(b)) {
			d.failf("", "first offset %d is not a valid offset-table size for %d bytes", first, len(b))
			return
		}
		n = first / offsetSize
		if n >= min && n <= max {
			offsets = make([]uint64, n+1)
			for i := uint64(0); i < n; i++ {
				offsets[i] = uint64(binary.LittleEndian.Uint32(b[offsetSize*i:]))
				if i > 0 && offsets[i] < offsets[i-1] {
					d.failf(elemName(int(i)), "offset %d is before the previous offset %d", offsets[i], offsets[i-1])
					return
				}
			}
			offsets[n] = uint64(len(b))
			if offsets[n-1] > offsets[n] {
				d.failf(elemName(int(n-1)), "offset %d is past the end (%d bytes)", offsets[n-1], len(b))
				return
			}
		}
	}
	if n < min || n > max {
		if min == max {
			d.failf("", "vector has %d elements, its type has %d: %v", n, min, ErrSize)
		} else {
			d.failf("", "list has %d elements, over its limit %d: %v", n, max, ErrSize)
		}
		return
	}
	s.Resize(int(n))
	for i := uint64(0); i < n && d.err == nil; i++ {
		var elem []byte
		if sh.dynamic {
			elem = b[offsets[i]:offsets[i+1]]
		} else {
			elem = b[i*sh.fixed : (i+1)*sh.fixed]
		}
		d.pushIndex(int(i))
		d.object(elem, s.Elem(int(i)))
		d.pop()
	}
}
