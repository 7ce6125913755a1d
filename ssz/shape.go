package ssz

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"
)

// Error is an SSZ failure: malformed input, a value that breaks its type's bounds, or a type
// that cannot exist (a zero-length vector). Path locates the field, e.g.
// "validators[3].pubkey"; errors.As(err, &ssz.Error{}) tells SSZ failures from others.
type Error struct {
	Path   string
	Reason string
	kind   error // ErrSize for length problems, else nil
}

// Unwrap lets errors.Is(err, ssz.ErrSize) single out length problems.
func (e *Error) Unwrap() error { return e.kind }

func (e *Error) Error() string {
	if e.Path == "" {
		return "ssz: " + e.Reason
	}
	return "ssz: " + e.Path + ": " + e.Reason
}

// ErrSize is wrapped by errors about lengths: lists over their limit, data of the wrong size.
var ErrSize = errors.New("size")

// tracker is the path and first-error bookkeeping every codec shares. The path is kept
// as names and indices and only formatted when an error needs it: hashing a large list
// must not allocate a string per element.
type tracker struct {
	ctx  any
	path []pathElem
	err  error
}

type pathElem struct {
	name  string
	index int // when name is ""
}

func (t *tracker) Context() any { return t.ctx }

func (t *tracker) failf(name string, format string, a ...any) {
	if t.err != nil {
		return
	}
	e := &Error{Path: t.pathWith(name), Reason: fmt.Sprintf(format, a...)}
	for _, arg := range a {
		if err, ok := arg.(error); ok && errors.Is(err, ErrSize) {
			e.kind = ErrSize
		}
	}
	t.err = e
}

func (t *tracker) pathWith(name string) string {
	var b strings.Builder
	add := func(p string) {
		if b.Len() > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	for _, p := range t.path {
		if p.name == "" {
			add(elemName(p.index))
		} else {
			add(p.name)
		}
	}
	if name != "" {
		add(name)
	}
	return b.String()
}

func (t *tracker) push(name string) { t.path = append(t.path, pathElem{name: name}) }
func (t *tracker) pushIndex(i int)  { t.path = append(t.path, pathElem{index: i}) }
func (t *tracker) pop()             { t.path = t.path[:len(t.path)-1] }

func elemName(i int) string { return fmt.Sprintf("[%d]", i) }

// shape is the serialized layout of a type: the size of its fixed part and whether it has
// a variable part. For a fixed-size type, fixed is its whole size.
type shape struct {
	fixed   uint64
	dynamic bool
}

// offsetSize is the size of an SSZ offset (BYTES_PER_LENGTH_OFFSET).
const offsetSize = 4

// maxOffset bounds every SSZ offset and thus every variable-size encoding.
const maxOffset = 1<<32 - 1

// shaper learns a container's shape by walking its definition. It reads only sizes and
// limits, never values, so it works on zero values.
type shaper struct {
	tracker
	s shape
}

// shapeOf returns the shape of obj's type.
func shapeOf(ctx any, obj Object) (shape, error) {
	sh := &shaper{tracker: tracker{ctx: ctx}}
	obj.DefineSSZ(sh)
	return sh.s, sh.err
}

func (sh *shaper) add(name string, n uint64) {
	s, carry := bits.Add64(sh.s.fixed, n, 0)
	if carry != 0 || s > maxOffset {
		sh.failf(name, "type too large: fixed part exceeds 2**32 bytes")
		return
	}
	sh.s.fixed = s
}

func (sh *shaper) variable(name string) {
	sh.add(name, offsetSize)
	sh.s.dynamic = true
}

func (sh *shaper) Uint8(name string, _ *uint8)   { sh.add(name, 1) }
func (sh *shaper) Uint16(name string, _ *uint16) { sh.add(name, 2) }
func (sh *shaper) Uint32(name string, _ *uint32) { sh.add(name, 4) }
func (sh *shaper) Uint64(name string, _ *uint64) { sh.add(name, 8) }
func (sh *shaper) Bool(name string, _ *bool)     { sh.add(name, 1) }
func (sh *shaper) Bytes(name string, v []byte) {
	if len(v) == 0 {
		sh.failf(name, "illegal type: zero-length byte vector")
	}
	sh.add(name, uint64(len(v)))
}
func (sh *shaper) ByteList(name string, _ *[]byte, _ uint64) { sh.variable(name) }
func (sh *shaper) Bitvector(name string, _ *[]byte, n uint64) {
	if n == 0 {
		sh.failf(name, "illegal type: Bitvector[0]")
	}
	sh.add(name, (n+7)/8)
}
func (sh *shaper) Bitlist(name string, _ *[]byte, _ uint64) { sh.variable(name) }
func (sh *shaper) BasicVector(name string, s BasicSeq, n uint64) {
	if n == 0 {
		sh.failf(name, "illegal type: zero-length vector")
	}
	hi, size := bits.Mul64(n, uint64(s.ElemSize()))
	if hi != 0 {
		sh.failf(name, "type too large")
		return
	}
	sh.add(name, size)
}
func (sh *shaper) BasicList(name string, _ BasicSeq, _ uint64) { sh.variable(name) }
func (sh *shaper) Container(name string, v Object) {
	inner, err := shapeOf(sh.ctx, v)
	if err != nil {
		sh.failf(name, "%v", err)
		return
	}
	if inner.dynamic {
		sh.variable(name)
		return
	}
	sh.add(name, inner.fixed)
}
func (sh *shaper) Vector(name string, s CompositeSeq, n uint64) {
	if n == 0 {
		sh.failf(name, "illegal type: zero-length vector")
		return
	}
	inner, err := shapeOf(sh.ctx, s.Zero())
	if err != nil {
		sh.failf(name, "%v", err)
		return
	}
	if inner.dynamic {
		sh.variable(name)
		return
	}
	hi, size := bits.Mul64(n, inner.fixed)
	if hi != 0 {
		sh.failf(name, "type too large")
		return
	}
	sh.add(name, size)
}
func (sh *shaper) List(name string, _ CompositeSeq, _ uint64) { sh.variable(name) }

// SizeOf returns the serialized size of obj, or an error when a list is over its limit.
func SizeOf(ctx any, obj Object) (int, error) {
	b, err := Marshal(ctx, obj)
	return len(b), err
}
