package ssz

import (
	"fmt"
	"math/bits"
)

// bitlistLen validates a serialized Bitlist[limit] (bits, then one delimiting 1 bit) and
// returns its number of bits.
func bitlistLen(b []byte, limit uint64) (uint64, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("bitlist is empty: it needs at least the delimiting bit: %w", ErrSize)
	}
	last := b[len(b)-1]
	if last == 0 {
		return 0, fmt.Errorf("bitlist has no delimiting bit in its last byte")
	}
	// A length check before the arithmetic keeps hostile lengths from overflowing.
	if uint64(len(b)) > limit/8+1 {
		return 0, fmt.Errorf("bitlist of %d bytes is longer than Bitlist[%d] allows: %w", len(b), limit, ErrSize)
	}
	n := uint64(len(b)-1)*8 + uint64(bits.Len8(last)) - 1
	if n > limit {
		return 0, fmt.Errorf("bitlist has %d bits, over its limit %d: %w", n, limit, ErrSize)
	}
	return n, nil
}

// checkBitvector validates a serialized Bitvector[n]: exactly ceil(n/8) bytes, and the
// padding bits of the last byte zero.
func checkBitvector(b []byte, n uint64) error {
	if n == 0 {
		return fmt.Errorf("illegal type: Bitvector[0]")
	}
	if uint64(len(b)) != (n+7)/8 {
		return fmt.Errorf("bitvector of %d bytes, Bitvector[%d] has %d: %w", len(b), n, (n+7)/8, ErrSize)
	}
	if r := n % 8; r != 0 && b[len(b)-1]>>r != 0 {
		return fmt.Errorf("bitvector has bits set beyond its length %d", n)
	}
	return nil
}

// bitlistBits returns the n bits of a valid serialized bitlist without its delimiting bit,
// in ceil(n/8) bytes (a new slice).
func bitlistBits(b []byte, n uint64) []byte {
	out := append([]byte(nil), b...)
	last := len(out) - 1
	out[last] &^= 1 << (n % 8)
	if n%8 == 0 {
		out = out[:last]
	}
	return out
}
