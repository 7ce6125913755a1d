package ssz

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"strconv"

	"gopkg.in/yaml.v3"
)

// ToYAML renders obj as a YAML node in the value format of the consensus-spec test vectors:
// unsigned integers up to 64 bits as integers, wider ones as quoted decimal strings, byte
// vectors and lists, roots and bitfields (in their serialized form) as 0x-prefixed hex
// strings, containers as mappings with the spec's field names, vectors and lists as
// sequences.
func ToYAML(ctx any, obj Object) (*yaml.Node, error) {
	y := &yamlWriter{tracker: tracker{ctx: ctx}}
	n := y.object(obj)
	if y.err != nil {
		return nil, y.err
	}
	return n, nil
}

// MarshalYAML is ToYAML encoded as a YAML document.
func MarshalYAML(ctx any, obj Object) ([]byte, error) {
	n, err := ToYAML(ctx, obj)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

type yamlWriter struct {
	tracker
	cur *yaml.Node // the mapping being filled
}

func (y *yamlWriter) object(obj Object) *yaml.Node {
	saved := y.cur
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	y.cur = m
	obj.DefineSSZ(y)
	y.cur = saved
	return m
}

func (y *yamlWriter) put(name string, v *yaml.Node) {
	y.cur.Content = append(y.cur.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, v)
}

func intNode(v uint64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatUint(v, 10)}
}

func hexNode(b []byte) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "0x" + hex.EncodeToString(b), Style: yaml.SingleQuotedStyle}
}

func boolNode(v bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
}

// uintNode renders a little-endian unsigned integer of any width.
func uintNode(le []byte) *yaml.Node {
	if len(le) <= 8 {
		var v uint64
		for i := len(le) - 1; i >= 0; i-- {
			v = v<<8 | uint64(le[i])
		}
		return intNode(v)
	}
	be := make([]byte, len(le))
	for i := range le {
		be[len(le)-1-i] = le[i]
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: new(big.Int).SetBytes(be).String(), Style: yaml.SingleQuotedStyle}
}

func (y *yamlWriter) Uint8(name string, v *uint8)   { y.put(name, intNode(uint64(*v))) }
func (y *yamlWriter) Uint16(name string, v *uint16) { y.put(name, intNode(uint64(*v))) }
func (y *yamlWriter) Uint32(name string, v *uint32) { y.put(name, intNode(uint64(*v))) }
func (y *yamlWriter) Uint64(name string, v *uint64) { y.put(name, intNode(*v)) }
func (y *yamlWriter) Bool(name string, v *bool)     { y.put(name, boolNode(*v)) }
func (y *yamlWriter) Bytes(name string, v []byte)   { y.put(name, hexNode(v)) }
func (y *yamlWriter) ByteList(name string, v *[]byte, _ uint64) {
	y.put(name, hexNode(*v))
}
func (y *yamlWriter) Bitvector(name string, v *[]byte, _ uint64) { y.put(name, hexNode(*v)) }
func (y *yamlWriter) Bitlist(name string, v *[]byte, _ uint64)   { y.put(name, hexNode(*v)) }
func (y *yamlWriter) BasicVector(name string, s BasicSeq, _ uint64) {
	y.put(name, BasicSeqYAML(s))
}
func (y *yamlWriter) BasicList(name string, s BasicSeq, _ uint64) {
	y.put(name, BasicSeqYAML(s))
}

// BasicSeqYAML renders a basic sequence as a YAML sequence.
func BasicSeqYAML(s BasicSeq) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	packed := s.AppendPacked(nil)
	size := s.ElemSize()
	for i := 0; i+size <= len(packed); i += size {
		seq.Content = append(seq.Content, BasicYAML(s.Kind(), packed[i:i+size]))
	}
	return seq
}

// BasicYAML renders one serialized basic value.
func BasicYAML(kind BasicKind, b []byte) *yaml.Node {
	switch kind {
	case KindBool:
		return boolNode(b[0] == 1)
	case KindBytes32:
		return hexNode(b)
	default:
		return uintNode(b)
	}
}

func (y *yamlWriter) Container(name string, v Object) {
	y.push(name)
	y.put(name, y.object(v))
	y.pop()
}
func (y *yamlWriter) Vector(name string, s CompositeSeq, _ uint64) { y.put(name, y.sequence(name, s)) }
func (y *yamlWriter) List(name string, s CompositeSeq, _ uint64)   { y.put(name, y.sequence(name, s)) }

func (y *yamlWriter) sequence(name string, s CompositeSeq) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	y.push(name)
	for i := 0; i < s.Len(); i++ {
		seq.Content = append(seq.Content, y.object(s.Elem(i)))
	}
	y.pop()
	return seq
}
