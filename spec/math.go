package spec

import (
	"bytes"
	"encoding/binary"
	"math/bits"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// IntegerSquareroot is integer_squareroot ("Math") without its contract, for callers that
// have no Model. Model.IntegerSquareroot is the spec function, with its contract, and holds
// the iteration: get_base_reward calls it once per validator, which a wrapper would cost.
func IntegerSquareroot(n uint64) (uint64, error) {
	var unchecked Model
	return unchecked.IntegerSquareroot(n)
}

// Sites of integer_squareroot (the halvings are by the literal 2, which cannot raise).
var (
	siteSqrtFirstStep  = site("integer_squareroot_first_step", OpAdd, "n", "1")
	siteSqrtDivision   = site("integer_squareroot_divisions", OpDiv, "n", "x")
	siteSqrtNewtonStep = site("integer_squareroot_newton_step", OpAdd, "x", "n // x")
)

// IntegerSquareroot is the spec's integer_squareroot ("Math"): the largest x with x*x <=
// n, by the spec's Newton iteration. Faithful to the spec's uint64, n = 2**64 - 1 is an
// overflow (its first step computes x + 1).
//
// get_base_reward calls it once per validator and reward component with the same total
// balance, so the model remembers the last root it computed: outside checked mode, tracing
// and site recording (where every call is evaluated, as the spec makes it), a call with the
// n of the last call returns its x. TestIntegerSquarerootMemo holds the two equal.
func (m *Model) IntegerSquareroot(n uint64) (uint64, error) {
	if m.sqrt.valid && m.sqrt.n == n && !m.hooked() && !Recording() {
		return m.sqrt.x, nil
	}
	var c Calc
	x := n
	y := c.Add(siteSqrtFirstStep, x, 1) / 2
	for c.failed == nil && y < x {
		x = y
		y = c.Add(siteSqrtNewtonStep, x, c.Div(siteSqrtDivision, n, x)) / 2
	}
	if err := c.Err(); err != nil {
		return 0, err
	}
	if m.hooked() {
		if err := m.integerSquarerootPost(n, x); err != nil {
			return 0, err
		}
	}
	m.sqrt = sqrtMemo{n: n, x: x, valid: true}
	return x, nil
}

// sqrtMemo is the last integer_squareroot a Model computed: x for n.
type sqrtMemo struct {
	n, x  uint64
	valid bool
}

// integerSquarerootPost evaluates the postcondition of integer_squareroot, out of line
// (noinline) so the unchecked caller's frame stays small.
//
//go:noinline
func (m *Model) integerSquarerootPost(n, x uint64) (err error) {
	// The entry hook of this leaf is here, at its end: it calls no spec function, so the
	// trace is the same.
	m.enter(integerSquarerootContract, "n", n)
	m.ensures(integerSquarerootContract, &err, func(c *checker) {
		// x*x <= n < (x+1)*(x+1), in 128 bits.
		hi, lo := bits.Mul64(x, x)
		below := hi == 0 && lo <= n
		hi, lo = bits.Mul64(x+1, x+1) // x < 2**32, so x + 1 does not wrap
		c.that("largest_root", below && (hi != 0 || lo > n), "x = %d for n = %d", x, n)
	})
	return err
}

var integerSquarerootContract = declare(Contract{
	Func: "integer_squareroot", Section: "Math",
	// No precondition: n = 2**64 - 1 overflows in the spec's uint64, and is an
	// ArithmeticError here, since no caller keeps n below it (get_base_reward passes the
	// total active balance).
	Post: []Clause{
		{"largest_root", "x is the largest integer with x*x <= n: x*x <= n < (x+1)*(x+1), computed without wrap-around"},
	},
})

// Xor is the arithmetic of xor ("Math") of two 32-byte strings; Model.Xor is the spec
// function, with its contract.
func Xor(a, b Root) Root {
	var out Root
	for i := range out {
		out[i] = a[i] ^ b[i]
	}
	return out
}

// Xor is the spec's xor ("Math").
func (m *Model) Xor(a, b Root) Root {
	if m.hooked() {
		return checkPure(m, xorContract, nil, func() Root { return Xor(a, b) }, func(c *checker, out Root) {
			var back, again Root
			for i := range out {
				back[i], again[i] = out[i]^b[i], out[i]^a[i]
			}
			c.that("cancels", back == a && again == b, "xor(xor(a, b), b) = %x, a = %x", back, a)
		})
	}
	return Xor(a, b)
}

var xorContract = declare(Contract{
	Func: "xor", Section: "Math",
	Post: []Clause{
		{"cancels", "xoring the result with either input gives back the other: xor(xor(a, b), b) == a and xor(xor(a, b), a) == b"},
	},
})

// UintToBytes8 is the encoding of uint_to_bytes ("Math") for a uint64: 8 little-endian
// bytes. Model.UintToBytes8 is the spec function, with its contract.
func UintToBytes8(n uint64) []byte {
	return binary.LittleEndian.AppendUint64(nil, n)
}

// UintToBytes8 is the spec's uint_to_bytes ("Math") of a uint64.
func (m *Model) UintToBytes8(n uint64) []byte {
	if m.hooked() {
		return checkPure(m, uintToBytesContract, nil, func() []byte { return UintToBytes8(n) }, func(c *checker, out []byte) {
			c.that("byte_length_of_type", len(out) == 8, "%d bytes for a uint64", len(out))
			var v uint64
			for i := len(out) - 1; i >= 0; i-- {
				v = v<<8 | uint64(out[i])
			}
			c.that("little_endian", v == n, "bytes %x read back as %d, not %d", out, v, n)
		}, "n", n)
	}
	return UintToBytes8(n)
}

var uintToBytesContract = declare(Contract{
	Func: "uint_to_bytes", Section: "Math",
	Post: []Clause{
		{"byte_length_of_type", "the output has the byte length of the uint type: 8 for a uint64"},
		{"little_endian", "read back little-endian (ENDIANNESS), the bytes are n"},
	},
})

// siteBytesToUint64Width is bytes_to_uint64's uint64(int.from_bytes(data, ENDIANNESS)),
// declared by its width: the conversion can raise only when data has more than the 8 bytes
// of a uint64 (it raises when a byte beyond the eighth is non-zero). The model reads the
// bytes into a uint64 and never holds int.from_bytes' wider value, so the declaration
// states the spec's raise by what the model does know, len(data) against 8: exact for the
// spec's calls, which all pass hash(...)[0:8], and conservative beyond.
var siteBytesToUint64Width = site("bytes_to_uint64_width", OpConvert, "length", "8")

// BytesToUint64 is the arithmetic of bytes_to_uint64 ("Math"): little-endian, of the first 8
// bytes (for longer input the spec's uint64 would raise unless the rest is zero; the spec
// only passes 8 bytes). Model.BytesToUint64 is the spec function, with its contract.
func BytesToUint64(data []byte) uint64 {
	if siteBytesToUint64Width.Fails(uint64(len(data)), 8) {
		// With no error to return, the model reads the first 8 bytes; checked mode's
		// precondition at_most_eight_bytes names the breach, and the recording test (package
		// proofs) reports the evaluation against the site's status.
		data = data[:8]
	}
	var b [8]byte
	copy(b[:], data)
	return binary.LittleEndian.Uint64(b[:])
}

// BytesToUint64 is the spec's bytes_to_uint64 ("Math").
func (m *Model) BytesToUint64(data []byte) uint64 {
	if m.hooked() {
		return checkPure(m, bytesToUint64Contract,
			func(c *checker) {
				c.that("at_most_eight_bytes", len(data) <= 8, "%d bytes", len(data))
			},
			func() uint64 { return BytesToUint64(data) },
			func(c *checker, out uint64) {
				enc := UintToBytes8(out)
				c.that("round_trips", bytes.Equal(enc[:len(data)], data) && allZero(enc[len(data):]), "%x read as %d", data, out)
			})
	}
	return BytesToUint64(data)
}

var bytesToUint64Contract = declare(Contract{
	Func: "bytes_to_uint64", Section: "Math",
	Pre: []Clause{
		{"at_most_eight_bytes", "data has at most 8 bytes, so its value fits a uint64 (the spec's uint64() would raise otherwise; every call in the spec passes hash(...)[0:8])"},
	},
	Post: []Clause{
		{"round_trips", "uint_to_bytes of the result begins with data and is zero beyond it: the result is data read little-endian"},
	},
})

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// HashTreeRoot is the spec's hash_tree_root ("Crypto") under the model's configuration,
// evaluated with its contract; the package function HashTreeRoot(cfg, obj) computes it
// without a Model.
func (m *Model) HashTreeRoot(obj ssz.Object) (root Root, err error) {
	if m.hooked() {
		m.enter(hashTreeRootContract, "type", typeName(obj))
		defer m.ensures(hashTreeRootContract, &err, func(c *checker) {
			_, merr := Marshal(m.Config, obj)
			c.that("within_type_bounds", merr == nil, "the hashed value does not encode: %v", merr)
			if s, ok := obj.(*BeaconState); ok && s.hashCache() != nil {
				scratch, serr := ssz.HashTreeRoot(m.Config, s)
				c.that("cached_equals_scratch", serr == nil && Root(scratch) == root,
					"the hash cache gives %x, the state hashed from scratch %x (%v): a write did not go through the writers", root, scratch, serr)
			}
		})
	}
	return HashTreeRoot(m.Config, obj)
}

var hashTreeRootContract = declare(Contract{
	Func: "hash_tree_root", Section: "Crypto",
	// What is not checked: that the root is the SSZ merkleization of the value. That is
	// hash_tree_root's definition (the SSZ spec), held to the ssz_static and ssz_generic
	// vectors rather than re-derived per call; compute_fork_data_root and
	// compute_signing_root check their two-field containers' roots directly. A value outside
	// its type's bounds has no root: that is an error, not a breach.
	Post: []Clause{
		{"within_type_bounds", "the hashed value is within its type's bounds (every list within its limit, every vector at its length), i.e. it re-encodes: the hasher and the encoder agree on what a value of the type is"},
		{"cached_equals_scratch", "for a state with a hash cache, the cached root equals the root computed from scratch: every write since the last root was marked"},
	},
})
