package conformance

import (
	"encoding/binary"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// The ssz_generic runner: SSZ itself, on types that are not beacon-chain containers. The
// handler is a type family, the suite "valid" or "invalid", and the case name encodes the
// exact type (e.g. vec_uint16_31_random, bitlist_8_but_9, VarTestStruct_max_3). Valid cases
// must decode, re-encode identically, hash to meta.yaml's root and render as value.yaml;
// invalid cases must be rejected by the decoder.
func init() {
	handlers := map[string]handlerFunc{}
	for _, h := range []string{"boolean", "uints", "basic_vector", "bitlist", "bitvector", "containers"} {
		h := h
		handlers[h] = func(c *Case) error { return runSSZGeneric(c, h) }
	}
	registerRunner("ssz_generic", &runnerDef{handlers: handlers, general: true})
}

func runSSZGeneric(c *Case, handler string) error {
	v, err := genericType(handler, c.Name)
	if err != nil {
		return err
	}
	unmarshal := func(data []byte) error { return ssz.UnmarshalValue(nil, data, v) }
	if handler == "containers" {
		unmarshal = func(data []byte) error { return ssz.Unmarshal(nil, data, v) }
	}
	switch c.Suite {
	case "valid":
		if _, err := c.files(allowSSZ(map[string]bool{"value.yaml": true, "meta.yaml": true}, "serialized")); err != nil {
			return err
		}
		data, err := c.readSSZ("serialized")
		if err != nil {
			return err
		}
		var meta struct {
			Root string `yaml:"root"`
		}
		if err := c.decodeYAML("meta.yaml", &meta); err != nil {
			return err
		}
		want, err := c.readYAML("value.yaml")
		if err != nil {
			return err
		}
		if handler == "containers" {
			return checkRoundTrip(nil, v, data, meta.Root, want)
		}
		return checkValueRoundTrip(v, data, meta.Root, want, handler == "boolean" || handler == "uints")
	case "invalid":
		if _, err := c.files(allowSSZ(map[string]bool{}, "serialized")); err != nil {
			return err
		}
		data, err := c.readSSZ("serialized")
		if err != nil {
			return err
		}
		if err := unmarshal(data); err == nil {
			return errors.New("invalid input was accepted by the decoder")
		}
		return nil
	}
	return fmt.Errorf("unknown suite %q (want valid or invalid)", c.Suite)
}

// checkValueRoundTrip is checkRoundTrip for a bare value.
// For a scalar (declared as a one-element vector by basicScalar) the rendered element is
// compared.
func checkValueRoundTrip(v ssz.Value, data []byte, wantRoot string, want *yaml.Node, scalar bool) error {
	if err := ssz.UnmarshalValue(nil, data, v); err != nil {
		return fmt.Errorf("decoding: %v", err)
	}
	again, err := ssz.MarshalValue(nil, v)
	if err != nil {
		return fmt.Errorf("re-encoding: %v", err)
	}
	if string(again) != string(data) {
		return fmt.Errorf("re-encoding differs from the serialized bytes")
	}
	root, err := ssz.HashTreeRoot(nil, v)
	if err != nil {
		return fmt.Errorf("hash_tree_root: %v", err)
	}
	if got := fmt.Sprintf("0x%x", root); !strings.EqualFold(got, wantRoot) {
		return fmt.Errorf("hash_tree_root %s, want %s", got, wantRoot)
	}
	got, err := ssz.ValueYAML(nil, v)
	if err != nil {
		return err
	}
	if scalar {
		got = got.Content[0]
	}
	if d := sameYAML("value", got, want); d != "" {
		return fmt.Errorf("value differs from value.yaml: %s", d)
	}
	return nil
}

var (
	reUint   = regexp.MustCompile(`^uint_(\d+)_`)
	reVector = regexp.MustCompile(`^vec_(bool|uint\d+)_(\d+)(_|$)`)
	reBitlst = regexp.MustCompile(`^bitlist_(\d+)_`)
	reBitvec = regexp.MustCompile(`^bitvec_(\d+)(_|$)`)
)

// genericType builds the value a case's name describes.
func genericType(handler, name string) (ssz.Value, error) {
	bad := fmt.Errorf("%s: cannot read the type from case name %q", handler, name)
	switch handler {
	case "boolean":
		s := &ssz.PackedSeq{Size: 1, Type: ssz.KindBool}
		return basicScalar(s), nil
	case "uints":
		m := reUint.FindStringSubmatch(name)
		if m == nil {
			return nil, bad
		}
		size, err := uintSize(m[1])
		if err != nil {
			return nil, err
		}
		return basicScalar(&ssz.PackedSeq{Size: size, Type: ssz.KindUint}), nil
	case "basic_vector":
		m := reVector.FindStringSubmatch(name)
		if m == nil {
			return nil, bad
		}
		s := &ssz.PackedSeq{Size: 1, Type: ssz.KindBool}
		if m[1] != "bool" {
			size, err := uintSize(strings.TrimPrefix(m[1], "uint"))
			if err != nil {
				return nil, err
			}
			s = &ssz.PackedSeq{Size: size, Type: ssz.KindUint}
		}
		n, _ := strconv.ParseUint(m[2], 10, 64)
		return func(c ssz.Codec) { c.BasicVector("value", s, n) }, nil
	case "bitlist":
		limit := uint64(4096) // the no_delimiter cases fail before any limit matters
		if m := reBitlst.FindStringSubmatch(name); m != nil {
			limit, _ = strconv.ParseUint(m[1], 10, 64)
		} else if !strings.HasPrefix(name, "bitlist_no_delimiter") {
			return nil, bad
		}
		var b []byte
		return func(c ssz.Codec) { c.Bitlist("value", &b, limit) }, nil
	case "bitvector":
		m := reBitvec.FindStringSubmatch(name)
		if m == nil {
			return nil, bad
		}
		n, _ := strconv.ParseUint(m[1], 10, 64)
		var b []byte
		return func(c ssz.Codec) { c.Bitvector("value", &b, n) }, nil
	case "containers":
		typ, _, _ := strings.Cut(name, "_")
		mk, ok := testStructs[typ]
		if !ok {
			return nil, fmt.Errorf("containers: unknown test struct %q", typ)
		}
		return mk().DefineSSZ, nil
	}
	return nil, fmt.Errorf("unknown ssz_generic handler %q", handler)
}

// basicScalar is a single basic value, declared as a one-element basic vector: the same
// bytes and the same root (one chunk) as the scalar, with the element's validation.
func basicScalar(s *ssz.PackedSeq) ssz.Value {
	return func(c ssz.Codec) { c.BasicVector("value", s, 1) }
}

func uintSize(bits string) (int, error) {
	switch bits {
	case "8", "16", "32", "64", "128", "256":
		n, _ := strconv.Atoi(bits)
		return n / 8, nil
	}
	return 0, fmt.Errorf("unknown uint size %q", bits)
}

// The ssz_generic test containers (consensus-specs tests/generators/ssz_generic).
var testStructs = map[string]func() ssz.Object{
	"SingleFieldTestStruct": func() ssz.Object { return new(singleFieldTestStruct) },
	"SmallTestStruct":       func() ssz.Object { return new(smallTestStruct) },
	"FixedTestStruct":       func() ssz.Object { return new(fixedTestStruct) },
	"VarTestStruct":         func() ssz.Object { return new(varTestStruct) },
	"ComplexTestStruct":     func() ssz.Object { return new(complexTestStruct) },
	"BitsStruct":            func() ssz.Object { return new(bitsStruct) },
}

type singleFieldTestStruct struct{ A uint8 }

func (s *singleFieldTestStruct) DefineSSZ(c ssz.Codec) { c.Uint8("A", &s.A) }

type smallTestStruct struct{ A, B uint16 }

func (s *smallTestStruct) DefineSSZ(c ssz.Codec) {
	c.Uint16("A", &s.A)
	c.Uint16("B", &s.B)
}

type fixedTestStruct struct {
	A uint8
	B uint64
	C uint32
}

func (s *fixedTestStruct) DefineSSZ(c ssz.Codec) {
	c.Uint8("A", &s.A)
	c.Uint64("B", &s.B)
	c.Uint32("C", &s.C)
}

type varTestStruct struct {
	A uint16
	B uint16s // List[uint16, 1024]
	C uint8
}

func (s *varTestStruct) DefineSSZ(c ssz.Codec) {
	c.Uint16("A", &s.A)
	c.BasicList("B", &s.B, 1024)
	c.Uint8("C", &s.C)
}

type complexTestStruct struct {
	A uint16
	B uint16s // List[uint16, 128]
	C uint8
	D []byte // List[byte, 256]
	E varTestStruct
	F []fixedTestStruct // Vector[FixedTestStruct, 4]
	G []varTestStruct   // Vector[VarTestStruct, 2]
}

func (s *complexTestStruct) DefineSSZ(c ssz.Codec) {
	c.Uint16("A", &s.A)
	c.BasicList("B", &s.B, 128)
	c.Uint8("C", &s.C)
	c.ByteList("D", &s.D, 256)
	c.Container("E", &s.E)
	ssz.Vector(c, "F", &s.F, 4)
	ssz.Vector(c, "G", &s.G, 2)
}

type bitsStruct struct {
	A, B, C, D, E []byte
}

func (s *bitsStruct) DefineSSZ(c ssz.Codec) {
	c.Bitlist("A", &s.A, 5)
	c.Bitvector("B", &s.B, 2)
	c.Bitvector("C", &s.C, 1)
	c.Bitlist("D", &s.D, 6)
	c.Bitvector("E", &s.E, 8)
}

// uint16s is a []uint16 as an ssz.BasicSeq.
type uint16s []uint16

func (u *uint16s) Len() int            { return len(*u) }
func (u *uint16s) ElemSize() int       { return 2 }
func (u *uint16s) Kind() ssz.BasicKind { return ssz.KindUint }
func (u *uint16s) AppendPacked(dst []byte) []byte {
	for _, x := range *u {
		dst = binary.LittleEndian.AppendUint16(dst, x)
	}
	return dst
}
func (u *uint16s) SetPacked(src []byte) error {
	out := make(uint16s, len(src)/2)
	for i := range out {
		out[i] = binary.LittleEndian.Uint16(src[2*i:])
	}
	*u = out
	return nil
}
