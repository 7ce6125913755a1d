package ssz

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"math/bits"
	"reflect"

	"github.com/golang/snappy"
)

// DefaultMaxSnappySize bounds what DecodeSnappy will inflate when the caller gives no bound,
// and what DecodeSnappyFor inflates for a type whose largest encoding is larger still (a
// BeaconState's, with 2**40 validators): 1 GiB, far above any Phase 0 object a test or a
// client exchanges (a mainnet state with a million validators is about 140 MB), far below
// what a hostile length prefix can claim.
const DefaultMaxSnappySize = 1 << 30

// SnappyLimitError is a snappy input whose decoded size is over the limit that applies to
// it. It is reported before the decoded bytes are allocated. It wraps ErrSize.
type SnappyLimitError struct {
	Claimed uint64 // decoded size the input declares (block format) or adds up to (framed)
	Limit   uint64
	// Type names the type whose largest encoding set Limit; empty when Limit is the
	// caller's bound or DefaultMaxSnappySize.
	Type string
}

func (e *SnappyLimitError) Error() string {
	if e.Type != "" {
		return fmt.Sprintf("ssz: snappy: claims %d decoded bytes, more than the %d bytes of the largest %s: %v", e.Claimed, e.Limit, e.Type, ErrSize)
	}
	return fmt.Sprintf("ssz: snappy: claims %d decoded bytes, more than the %d allowed: %v", e.Claimed, e.Limit, ErrSize)
}

func (e *SnappyLimitError) Unwrap() error { return ErrSize }

// DecodeSnappy inflates snappy data, in the block format (the format of the consensus test
// vectors' .ssz_snappy files) or the framed format (a stream identifier, then chunks of at
// most 64 KiB, as the networking spec sends). The decoded size is read from the block's
// length header, or added up from the framed chunks' headers, and checked against maxSize
// (DefaultMaxSnappySize when maxSize <= 0) before anything is allocated; the data is then
// decoded into one buffer of exactly that size. So memory is bounded by the decoded size,
// and the decoded size by maxSize, whatever the input claims.
func DecodeSnappy(data []byte, maxSize int) ([]byte, error) {
	limit := uint64(DefaultMaxSnappySize)
	if maxSize > 0 {
		limit = uint64(maxSize)
	}
	return decodeSnappy(data, limit, "")
}

// DecodeSnappyFor is DecodeSnappy with the limit set by obj's type: the largest serialized
// size of that type under ctx (MaxSize), or DefaultMaxSnappySize if that is smaller. The
// error names the type when its largest encoding is the limit that applied.
func DecodeSnappyFor(ctx any, data []byte, obj Object) ([]byte, error) {
	limit, err := MaxSize(ctx, obj)
	if err != nil {
		return nil, err
	}
	if limit > DefaultMaxSnappySize {
		return decodeSnappy(data, DefaultMaxSnappySize, "")
	}
	return decodeSnappy(data, limit, typeName(obj))
}

func typeName(obj Object) string {
	t := reflect.TypeOf(obj)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" {
		return t.String()
	}
	return t.Name()
}

// framedMagic is the framed format's stream identifier chunk.
var framedMagic = []byte("\xff\x06\x00\x00sNaPpY")

// maxFramedChunk is the most data one framed chunk may decode to.
const maxFramedChunk = 1 << 16

func decodeSnappy(data []byte, limit uint64, typ string) ([]byte, error) {
	if bytes.HasPrefix(data, framedMagic) {
		return decodeFramed(data, limit, typ)
	}
	n, err := snappy.DecodedLen(data)
	if err != nil {
		return nil, &Error{Reason: "snappy: " + err.Error()}
	}
	if uint64(n) > limit {
		return nil, &SnappyLimitError{Claimed: uint64(n), Limit: limit, Type: typ}
	}
	out := make([]byte, n)
	if _, err := snappy.Decode(out, data); err != nil {
		return nil, &Error{Reason: "snappy: " + err.Error()}
	}
	return out, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// framedChunks walks the chunks of a framed stream, calling fn with each data chunk's
// offset in the decoded output, decoded length, stored checksum and payload.
func framedChunks(data []byte, fn func(off, n uint64, sum uint32, compressed bool, payload []byte) error) error {
	var off uint64
	for pos := 0; pos < len(data); {
		if len(data)-pos < 4 {
			return &Error{Reason: fmt.Sprintf("snappy: framed stream ends inside a chunk header at byte %d", pos)}
		}
		kind := data[pos]
		size := int(data[pos+1]) | int(data[pos+2])<<8 | int(data[pos+3])<<16
		pos += 4
		if len(data)-pos < size {
			return &Error{Reason: fmt.Sprintf("snappy: framed chunk at byte %d claims %d bytes, %d remain", pos-4, size, len(data)-pos)}
		}
		body := data[pos : pos+size]
		pos += size
		switch {
		case kind == 0xff:
			if !bytes.Equal(body, framedMagic[4:]) {
				return &Error{Reason: "snappy: bad framed stream identifier"}
			}
		case kind == 0x00 || kind == 0x01:
			if size < 4 {
				return &Error{Reason: fmt.Sprintf("snappy: framed chunk of %d bytes has no checksum", size)}
			}
			sum, payload := binary.LittleEndian.Uint32(body), body[4:]
			n := uint64(len(payload))
			if kind == 0x00 {
				dn, err := snappy.DecodedLen(payload)
				if err != nil {
					return &Error{Reason: "snappy: " + err.Error()}
				}
				n = uint64(dn)
			}
			if n > maxFramedChunk {
				return &Error{Reason: fmt.Sprintf("snappy: framed chunk decodes to %d bytes, more than %d", n, maxFramedChunk)}
			}
			if err := fn(off, n, sum, kind == 0x00, payload); err != nil {
				return err
			}
			off += n
		case kind >= 0x80:
			// padding (0xfe) and reserved skippable chunks
		default:
			return &Error{Reason: fmt.Sprintf("snappy: reserved unskippable framed chunk type 0x%02x", kind)}
		}
	}
	return nil
}

// decodeFramed adds up the decoded sizes the chunk headers declare, checks the total
// against limit, then decodes every chunk in place into one buffer of that size.
func decodeFramed(data []byte, limit uint64, typ string) ([]byte, error) {
	var total uint64
	err := framedChunks(data, func(off, n uint64, _ uint32, _ bool, _ []byte) error {
		total = off + n
		if total > limit {
			return &SnappyLimitError{Claimed: total, Limit: limit, Type: typ}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]byte, total)
	err = framedChunks(data, func(off, n uint64, sum uint32, compressed bool, payload []byte) error {
		dst := out[off : off+n]
		if compressed {
			if _, err := snappy.Decode(dst, payload); err != nil {
				return &Error{Reason: fmt.Sprintf("snappy: framed chunk at decoded byte %d: %v", off, err)}
			}
		} else {
			copy(dst, payload)
		}
		c := crc32.Checksum(dst, castagnoli)
		if c>>15|c<<17+0xa282ead8 != sum {
			return &Error{Reason: fmt.Sprintf("snappy: framed chunk at decoded byte %d fails its checksum", off)}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EncodeSnappy compresses data in the snappy block format.
func EncodeSnappy(data []byte) []byte {
	return snappy.Encode(nil, data)
}

// MaxSize returns the largest serialized size of obj's type under ctx: every list at its
// limit, every variable-size field with its offset. It saturates at math.MaxUint64.
func MaxSize(ctx any, obj Object) (uint64, error) {
	m := &maxSizer{tracker: tracker{ctx: ctx}}
	obj.DefineSSZ(m)
	return m.n, m.err
}

// maxSizer is the Codec behind MaxSize.
type maxSizer struct {
	tracker
	n uint64
}

func satAdd(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return math.MaxUint64
	}
	return s
}

func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

func (m *maxSizer) add(n uint64)                            { m.n = satAdd(m.n, n) }
func (m *maxSizer) Uint8(string, *uint8)                    { m.add(1) }
func (m *maxSizer) Uint16(string, *uint16)                  { m.add(2) }
func (m *maxSizer) Uint32(string, *uint32)                  { m.add(4) }
func (m *maxSizer) Uint64(string, *uint64)                  { m.add(8) }
func (m *maxSizer) Bool(string, *bool)                      { m.add(1) }
func (m *maxSizer) Bytes(_ string, v []byte)                { m.add(uint64(len(v))) }
func (m *maxSizer) ByteList(_ string, _ *[]byte, l uint64)  { m.add(offsetSize); m.add(l) }
func (m *maxSizer) Bitvector(_ string, _ *[]byte, n uint64) { m.add(n/8 + uint64(min(n%8, 1))) }
func (m *maxSizer) Bitlist(_ string, _ *[]byte, l uint64)   { m.add(offsetSize); m.add(l/8 + 1) }
func (m *maxSizer) BasicVector(_ string, s BasicSeq, n uint64) {
	m.add(satMul(n, uint64(s.ElemSize())))
}
func (m *maxSizer) BasicList(_ string, s BasicSeq, l uint64) {
	m.add(offsetSize)
	m.add(satMul(l, uint64(s.ElemSize())))
}

// element returns the most bytes one value of v's type takes inside its parent: its
// largest encoding, plus an offset if it is variable-size.
func (m *maxSizer) element(name string, v Object) uint64 {
	n, err := MaxSize(m.ctx, v)
	if err != nil {
		m.failf(name, "%v", err)
		return 0
	}
	sh, err := shapeOf(m.ctx, v)
	if err != nil {
		m.failf(name, "%v", err)
		return 0
	}
	if sh.dynamic {
		n = satAdd(n, offsetSize)
	}
	return n
}

func (m *maxSizer) Container(name string, v Object) { m.add(m.element(name, v)) }
func (m *maxSizer) Vector(name string, s CompositeSeq, n uint64) {
	m.add(satMul(n, m.element(name, s.Zero())))
}
func (m *maxSizer) List(name string, s CompositeSeq, l uint64) {
	m.add(offsetSize)
	m.add(satMul(l, m.element(name, s.Zero())))
}
