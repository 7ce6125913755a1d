package spec

import "encoding/binary"

// IntegerSquareroot is the spec's integer_squareroot ("Math"): the largest x with x*x <= n,
// by the spec's Newton iteration. Faithful to the spec's uint64, n = 2**64 - 1 is an
// overflow (its first step computes x + 1).
func IntegerSquareroot(n uint64) (uint64, error) {
	var c Calc
	x := n
	y := c.Div(c.Add(x, 1), 2)
	for c.failed == nil && y < x {
		x = y
		y = c.Div(c.Add(x, c.Div(n, x)), 2)
	}
	if err := c.Err("integer_squareroot"); err != nil {
		return 0, err
	}
	return x, nil
}

// Xor is the spec's xor ("Math") of two 32-byte strings.
func Xor(a, b Root) Root {
	var out Root
	for i := range out {
		out[i] = a[i] ^ b[i]
	}
	return out
}

// UintToBytes8 is uint_to_bytes ("Math") of a uint64: 8 little-endian bytes.
func UintToBytes8(n uint64) []byte {
	return binary.LittleEndian.AppendUint64(nil, n)
}

// BytesToUint64 is the spec's bytes_to_uint64 ("Math"): little-endian, of the first 8 bytes.
func BytesToUint64(data []byte) uint64 {
	var b [8]byte
	copy(b[:], data)
	return binary.LittleEndian.Uint64(b[:])
}
