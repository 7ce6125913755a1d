package ssz_test

import (
	"bytes"
	"errors"
	"runtime"
	"testing"

	"github.com/beaconcheck/beaconcheck/ssz"
	"github.com/golang/snappy"
)

// allocated returns the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// largestRecord is a record with every list at its limit: its encoding is the largest.
func largestRecord() *record {
	r := sampleRecord()
	r.Values = make([]uint64, 8)
	r.Bits = []byte{0, 0, 1} // 16 bits, then the delimiter
	r.Points = make([]point, 3)
	r.Name = make([]byte, 16)
	return r
}

func TestMaxSize(t *testing.T) {
	enc, err := ssz.Marshal(nil, largestRecord())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ssz.MaxSize(nil, &record{})
	if err != nil {
		t.Fatal(err)
	}
	if got != uint64(len(enc)) {
		t.Fatalf("MaxSize %d, the largest record encodes to %d bytes", got, len(enc))
	}
	// List[record, 2**64-1] saturates instead of wrapping.
	got, err = ssz.MaxSize(nil, &hugeLists{limit: 1<<64 - 1})
	if err != nil || got != 1<<64-1 {
		t.Fatalf("MaxSize of a List[_, 2**64-1]: %d, %v", got, err)
	}
}

// framed compresses data in the snappy framed format.
func framed(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	w := snappy.NewBufferedWriter(&buf)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSnappyRefusesBeforeAllocating: a few bytes claiming a huge decoded size get a
// *SnappyLimitError naming the limit (and the type that set it) without the claimed
// buffer being allocated, in the block and the framed format.
func TestSnappyRefusesBeforeAllocating(t *testing.T) {
	maxRecord, _ := ssz.MaxSize(nil, &record{})
	manyChunks := framed(t, make([]byte, 40<<16)) // 40 chunks of 64 KiB of zeros: 2.5 MiB
	tests := []struct {
		name      string
		decode    func() ([]byte, error)
		claimed   uint64
		limit     uint64
		limitType string
	}{
		{"block over the type's largest encoding",
			func() ([]byte, error) {
				return ssz.DecodeSnappyFor(nil, []byte{0xff, 0xff, 0xff, 0xff, 0x0f, 0x00}, &record{})
			}, 1<<32 - 1, maxRecord, "record"},
		{"block over the default cap", func() ([]byte, error) {
			return ssz.DecodeSnappyFor(nil, []byte{0x81, 0x80, 0x80, 0x80, 0x04, 0x00}, &hugeLists{limit: 1 << 40})
		}, 1<<30 + 1, ssz.DefaultMaxSnappySize, ""},
		{"block over the caller's bound", func() ([]byte, error) {
			return ssz.DecodeSnappy([]byte{0x80, 0x80, 0x80, 0x80, 0x04}, 1<<20)
		}, 1 << 30, 1 << 20, ""},
		{"framed chunks adding up over the bound", func() ([]byte, error) {
			return ssz.DecodeSnappy(manyChunks, 1<<20)
		}, 1<<20 + 1<<16, 1 << 20, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = tt.decode() })
			var le *ssz.SnappyLimitError
			if !errors.As(err, &le) || !errors.Is(err, ssz.ErrSize) {
				t.Fatalf("error %v, want a *SnappyLimitError", err)
			}
			if le.Claimed != tt.claimed || le.Limit != tt.limit || le.Type != tt.limitType {
				t.Fatalf("error %+v, want claimed %d, limit %d, type %q", *le, tt.claimed, tt.limit, tt.limitType)
			}
			if n > 64<<10 {
				t.Fatalf("allocated %d bytes before refusing", n)
			}
		})
	}
}

// TestSnappyDecodesIntoOneBuffer: valid input, block or framed, costs one buffer of the
// decoded size and little else.
func TestSnappyDecodesIntoOneBuffer(t *testing.T) {
	data := bytes.Repeat([]byte("beacon chain state bytes "), 1<<20/25*8) // about 8 MiB
	for _, tt := range []struct {
		name string
		enc  []byte
	}{{"block", ssz.EncodeSnappy(data)}, {"framed", framed(t, data)}} {
		t.Run(tt.name, func(t *testing.T) {
			var out []byte
			var err error
			n := allocated(func() { out, err = ssz.DecodeSnappy(tt.enc, len(data)) })
			if err != nil || !bytes.Equal(out, data) {
				t.Fatalf("round trip failed: %v", err)
			}
			if n > uint64(len(data))+64<<10 {
				t.Fatalf("allocated %d bytes to decode %d", n, len(data))
			}
			if _, err := ssz.DecodeSnappy(tt.enc, len(data)-1); err == nil {
				t.Fatalf("decoded %d bytes under a bound of %d", len(data), len(data)-1)
			}
		})
	}
}

func TestSnappyFramedCorruption(t *testing.T) {
	good := framed(t, []byte("some bytes that fill a framed chunk, compressed or not, some bytes"))
	tests := []struct {
		name string
		mut  func(b []byte) []byte
	}{
		{"checksum", func(b []byte) []byte { b[14] ^= 1; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-3] }},
		{"reserved unskippable chunk", func(b []byte) []byte { return append(b, 0x02, 0, 0, 0) }},
		{"bad identifier", func(b []byte) []byte { b[5] = 'x'; return b }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ssz.DecodeSnappy(tt.mut(append([]byte(nil), good...)), 0)
			var se *ssz.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want an *ssz.Error", err)
			}
		})
	}
	// Padding and skippable chunks are ignored.
	padded := append(append([]byte(nil), good...), 0xfe, 2, 0, 0, 0, 0)
	if out, err := ssz.DecodeSnappy(padded, 0); err != nil || len(out) == 0 {
		t.Fatalf("padding chunk: %v", err)
	}
}
