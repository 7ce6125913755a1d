package ssz

import "gopkg.in/yaml.v3"

// Value is a single SSZ value that is not a container (a uint, a bitlist, a vector, ...),
// given as a one-field definition such as
//
//	ssz.Value(func(c ssz.Codec) { c.Bitlist("bits", &b, 2048) })
//
// A value serializes like a one-field container without the offset such a container
// would carry for a variable-size field, and has the same root (merkleizing one chunk
// with limit one returns the chunk).
type Value func(c Codec)

// DefineSSZ makes a Value usable wherever an Object is (it is its own one-field container).
func (v Value) DefineSSZ(c Codec) { v(c) }

// MarshalValue serializes a bare value.
func MarshalValue(ctx any, v Value) ([]byte, error) {
	b, err := Marshal(ctx, v)
	if err != nil {
		return nil, err
	}
	sh, err := shapeOf(ctx, v)
	if err != nil {
		return nil, err
	}
	if sh.dynamic {
		b = b[offsetSize:]
	}
	return b, nil
}

// UnmarshalValue decodes a bare value.
func UnmarshalValue(ctx any, data []byte, v Value) error {
	sh, err := shapeOf(ctx, v)
	if err != nil {
		return err
	}
	if sh.dynamic {
		framed := make([]byte, offsetSize, offsetSize+len(data))
		framed[0] = offsetSize
		data = append(framed, data...)
	}
	return Unmarshal(ctx, data, v)
}

// ValueYAML renders a bare value in the vectors' YAML format.
func ValueYAML(ctx any, v Value) (*yaml.Node, error) {
	n, err := ToYAML(ctx, v)
	if err != nil {
		return nil, err
	}
	return n.Content[1], nil
}
