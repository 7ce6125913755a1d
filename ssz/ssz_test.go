package ssz_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// point is a fixed-size container.
type point struct {
	X uint64
	Y uint16
	Z bool
}

func (p *point) DefineSSZ(c ssz.Codec) {
	c.Uint64("x", &p.X)
	c.Uint16("y", &p.Y)
	c.Bool("z", &p.Z)
}

// record is a variable-size container with every field kind.
type record struct {
	ID     uint32
	Values []uint64 // List[uint64, 8]
	Tag    [4]byte
	Bits   []byte // Bitlist[16]
	Flags  []byte // Bitvector[4]
	Points []point
	Name   []byte // List[byte, 16]
	Inner  point
	Roots  [][32]byte // Vector[Bytes32, 2]
}

func (r *record) DefineSSZ(c ssz.Codec) {
	c.Uint32("id", &r.ID)
	ssz.Uint64s(c, "values", &r.Values, 8)
	c.Bytes("tag", r.Tag[:])
	c.Bitlist("bits", &r.Bits, 16)
	c.Bitvector("flags", &r.Flags, 4)
	ssz.List(c, "points", &r.Points, 3)
	c.ByteList("name", &r.Name, 16)
	c.Container("inner", &r.Inner)
	ssz.RootVector(c, "roots", &r.Roots, 2)
}

func h(parts ...[]byte) [32]byte {
	s := sha256.New()
	for _, p := range parts {
		s.Write(p)
	}
	var out [32]byte
	copy(out[:], s.Sum(nil))
	return out
}

func chunk(le ...byte) []byte {
	c := make([]byte, 32)
	copy(c, le)
	return c
}

func u64chunk(v uint64) []byte {
	c := make([]byte, 32)
	binary.LittleEndian.PutUint64(c, v)
	return c
}

func TestPointEncodingAndRoot(t *testing.T) {
	p := &point{X: 0x0102030405060708, Y: 0x0a0b, Z: true}
	got, err := ssz.Marshal(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := hex.DecodeString("08070605040302010b0a01")
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding %x, want %x", got, want)
	}
	// Three fields: merkleize [x, y, z, zero].
	l := h(u64chunk(p.X), chunk(0x0b, 0x0a))
	r := h(chunk(1), chunk())
	wantRoot := h(l[:], r[:])
	root, err := ssz.HashTreeRoot(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	if root != wantRoot {
		t.Fatalf("root %x, want %x", root, wantRoot)
	}
	var back point
	if err := ssz.Unmarshal(nil, got, &back); err != nil || back != *p {
		t.Fatalf("decoded %+v (%v), want %+v", back, err, *p)
	}
}

func TestListRootMixesInLength(t *testing.T) {
	// A one-field container's root is its field's root: List[uint64, 8] of [1, 2] packs into
	// one chunk; the limit gives 2 chunks (depth 1); the length is mixed in.
	vals := []uint64{1, 2}
	v := ssz.Value(func(c ssz.Codec) { ssz.Uint64s(c, "v", &vals, 8) })
	packed := make([]byte, 32)
	binary.LittleEndian.PutUint64(packed[0:], 1)
	binary.LittleEndian.PutUint64(packed[8:], 2)
	data := h(packed, chunk())
	want := h(data[:], u64chunk(2))
	got, err := ssz.HashTreeRoot(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("root %x, want %x", got, want)
	}
	enc, err := ssz.MarshalValue(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(enc) != "01000000000000000200000000000000" {
		t.Fatalf("bare list encoding %x", enc)
	}
}

func sampleRecord() *record {
	return &record{
		ID:     7,
		Values: []uint64{1, 2, 3},
		Tag:    [4]byte{0xde, 0xad, 0xbe, 0xef},
		Bits:   []byte{0x05, 0x01}, // bits 1,0,1,0,0,0,0,0 then the delimiter: 8 bits
		Flags:  []byte{0x09},
		Points: []point{{X: 1, Y: 2}, {X: 3, Z: true}},
		Name:   []byte("beacon"),
		Inner:  point{X: 9},
		Roots:  [][32]byte{{1}, {2}},
	}
}

func TestRecordRoundTrip(t *testing.T) {
	r := sampleRecord()
	enc, err := ssz.Marshal(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	// Fixed part: id 4, values off 4, tag 4, bits off 4, flags 1, points off 4, name off 4,
	// inner 11, roots 64 = 100; then values 24, bits 2, points 22, name 6.
	if len(enc) != 100+24+2+22+6 {
		t.Fatalf("encoded %d bytes", len(enc))
	}
	if off := binary.LittleEndian.Uint32(enc[4:]); off != 100 {
		t.Fatalf("first offset %d, want 100", off)
	}
	var back record
	if err := ssz.Unmarshal(nil, enc, &back); err != nil {
		t.Fatal(err)
	}
	again, err := ssz.Marshal(nil, &back)
	if err != nil || !bytes.Equal(again, enc) {
		t.Fatalf("re-encoding differs (%v)", err)
	}
	r1, _ := ssz.HashTreeRoot(nil, r)
	r2, _ := ssz.HashTreeRoot(nil, &back)
	if r1 != r2 {
		t.Fatal("roots differ after round trip")
	}
	y, err := ssz.MarshalYAML(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"id: 7", "tag: '0xdeadbeef'", "bits: '0x0501'", "- x: 1", "name: '0x626561636f6e'"} {
		if !strings.Contains(string(y), want) {
			t.Errorf("YAML lacks %q:\n%s", want, y)
		}
	}
}

func TestMarshalRejectsOutOfBoundsValues(t *testing.T) {
	tests := []struct {
		name   string
		modify func(r *record)
		want   string
	}{
		{"list over limit", func(r *record) { r.Values = make([]uint64, 9) }, "values: list has 9 elements, over its limit 8"},
		{"container list over limit", func(r *record) { r.Points = make([]point, 4) }, "points: list has 4 elements"},
		{"byte list over limit", func(r *record) { r.Name = make([]byte, 17) }, "name: 17 bytes exceed the limit 16"},
		{"bitlist without delimiter", func(r *record) { r.Bits = []byte{0x05, 0x00} }, "bits: bitlist has no delimiting bit"},
		{"bitlist over limit", func(r *record) { r.Bits = []byte{0, 0, 2} }, "bits: bitlist has 17 bits, over its limit 16"},
		{"bitlist far over limit", func(r *record) { r.Bits = []byte{0, 0, 0, 1} }, "bits: bitlist of 4 bytes"},
		{"bitvector padding set", func(r *record) { r.Flags = []byte{0x10} }, "flags: bitvector has bits set beyond its length 4"},
		{"vector too short", func(r *record) { r.Roots = r.Roots[:1] }, "roots: vector has 1 elements, its type has 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleRecord()
			tt.modify(r)
			_, err := ssz.Marshal(nil, r)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Marshal error %v, want one containing %q", err, tt.want)
			}
			var se *ssz.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not an *ssz.Error", err)
			}
			if _, err := ssz.HashTreeRoot(nil, r); err == nil {
				t.Fatal("HashTreeRoot accepted a value Marshal rejects")
			}
		})
	}
}

func TestUnmarshalRejectsHostileInput(t *testing.T) {
	good, err := ssz.Marshal(nil, sampleRecord())
	if err != nil {
		t.Fatal(err)
	}
	put32 := func(b []byte, at int, v uint32) []byte {
		c := append([]byte(nil), b...)
		binary.LittleEndian.PutUint32(c[at:], v)
		return c
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"truncated fixed part", good[:50], "truncated"},
		{"first offset not at fixed end", put32(good, 4, 99), "first offset 99 does not match the fixed part size 100"},
		{"offset past end", put32(good, 12, 1<<31), "out of order or past the end"},
		{"offsets decreasing", put32(good, 12, 100), ""},
		// inner.z sits at 4+4+4+4+1+4+4 (fields before inner) + 8 + 2 = 35.
		{"bool byte 2", func() []byte { c := append([]byte(nil), good...); c[35] = 2; return c }(), "inner.z: boolean byte 0x02"},
		{"bitlist without delimiter", func() []byte { c := append([]byte(nil), good...); c[100+24+1] = 0; return c }(), "bits: bitlist has no delimiting bit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r record
			err := ssz.Unmarshal(nil, tt.data, &r)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want one containing %q", err, tt.want)
			}
		})
	}
}

// huge has a list of variable-size containers, whose count is read from an offset table.
type huge struct{ Items []record }

func (x *huge) DefineSSZ(c ssz.Codec) { ssz.List(c, "items", &x.Items, 1<<40) }

func TestFixedSizeContainerNeedsExactLength(t *testing.T) {
	for _, n := range []int{0, 10, 12} {
		var p point
		err := ssz.Unmarshal(nil, make([]byte, n), &p)
		if err == nil {
			t.Fatalf("%d bytes accepted for an 11-byte container", n)
		}
		if !errors.Is(err, ssz.ErrSize) {
			t.Fatalf("%d bytes: error %v does not report a size problem", n, err)
		}
	}
}

func TestUnmarshalDoesNotTrustClaimedLengths(t *testing.T) {
	// An offset table whose first entry claims 2**30 elements in a 12-byte input.
	data := []byte{4, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0}
	var x huge
	err := ssz.Unmarshal(nil, data, &x)
	if err == nil || !strings.Contains(err.Error(), "not a valid offset-table size") {
		t.Fatalf("error %v", err)
	}
	if cap(x.Items) != 0 {
		t.Fatalf("allocated %d elements for a hostile length", cap(x.Items))
	}
	// A snappy block claiming 1 GiB is refused before allocation.
	claim := []byte{0x80, 0x80, 0x80, 0x80, 0x04}
	if _, err := ssz.DecodeSnappy(claim, 1<<20); err == nil || !strings.Contains(err.Error(), "claims 1073741824 decoded bytes") {
		t.Fatalf("snappy accepted a hostile length: %v", err)
	}
}

func TestSnappyRoundTrip(t *testing.T) {
	enc, _ := ssz.Marshal(nil, sampleRecord())
	back, err := ssz.DecodeSnappy(ssz.EncodeSnappy(enc), 0)
	if err != nil || !bytes.Equal(back, enc) {
		t.Fatalf("snappy round trip failed: %v", err)
	}
	if _, err := ssz.DecodeSnappy([]byte{0xff, 0xff, 0xff}, 0); err == nil {
		t.Fatal("garbage accepted")
	}
}

func TestBareValues(t *testing.T) {
	tests := []struct {
		name  string
		value func() ssz.Value
		hex   string
	}{
		{"bitlist", func() ssz.Value { b := []byte{0x0d}; return func(c ssz.Codec) { c.Bitlist("b", &b, 8) } }, "0d"},
		{"bitvector", func() ssz.Value { b := []byte{0x03}; return func(c ssz.Codec) { c.Bitvector("b", &b, 2) } }, "03"},
		{"uint16 vector", func() ssz.Value {
			s := &ssz.PackedSeq{Data: []byte{1, 0, 2, 0}, Size: 2}
			return func(c ssz.Codec) { c.BasicVector("v", s, 2) }
		}, "01000200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := ssz.MarshalValue(nil, tt.value())
			if err != nil || hex.EncodeToString(enc) != tt.hex {
				t.Fatalf("encoding %x (%v), want %s", enc, err, tt.hex)
			}
			fresh := tt.value()
			if err := ssz.UnmarshalValue(nil, enc, fresh); err != nil {
				t.Fatal(err)
			}
		})
	}
	b := []byte{0x01}
	zero := ssz.Value(func(c ssz.Codec) { c.Bitvector("b", &b, 0) })
	if err := ssz.UnmarshalValue(nil, []byte{}, zero); err == nil || !strings.Contains(err.Error(), "Bitvector[0]") {
		t.Fatalf("Bitvector[0] accepted: %v", err)
	}
}

func TestTreeViews(t *testing.T) {
	r := sampleRecord()
	tree, err := ssz.TreeOf(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	if tree.Count != 9 || tree.FieldIndex("points") != 5 || tree.FieldIndex("nope") != -1 {
		t.Fatalf("tree has %d fields, points at %d", tree.Count, tree.FieldIndex("points"))
	}
	points, err := tree.Child(5)
	if err != nil {
		t.Fatal(err)
	}
	if !points.HasLength || points.Length != 2 || points.Width != 3 || len(points.Leaves) != 2 {
		t.Fatalf("points view %+v", points)
	}
	p0, _ := ssz.HashTreeRoot(nil, &r.Points[0])
	if points.Leaves[0] != p0 {
		t.Fatal("element leaf is not the element's root")
	}
	bits, err := tree.Child(3)
	if err != nil {
		t.Fatal(err)
	}
	if bits.Length != 8 || bits.Leaves[0][0] != 0x05 || bits.Leaves[0][1] != 0 {
		t.Fatalf("bitlist view drops the delimiter wrongly: %+v", bits)
	}
	if _, err := tree.Child(0); err == nil {
		t.Fatal("a uint has no subtree")
	}
	if _, err := tree.Child(99); err == nil {
		t.Fatal("out-of-range child accepted")
	}
}
