package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// Hash is SHA-256, the definition of the spec's hash ("Crypto"); Model.Hash is the spec
// function, with its contract.
func Hash(data []byte) Root { return sha256.Sum256(data) }

// Hash is the spec's hash ("Crypto").
func (m *Model) Hash(data []byte) Root {
	if m.hooked() {
		in := bytes.Clone(data)
		return checkPure(m, hashContract, nil, func() Root { return Hash(data) }, func(c *checker, out Root) {
			c.that("input_unchanged", bytes.Equal(in, data), "hashing changed its input")
			c.that("deterministic", Hash(in) == out, "hash of the same %d bytes differs on a second call", len(in))
		})
	}
	return Hash(data)
}

var hashContract = declare(Contract{
	Func: "hash", Section: "Crypto",
	// What is not checked: that the digest is SHA-256 of data. That is hash's definition
	// (FIPS 180-4), which a per-call clause could only restate by calling SHA-256 again;
	// it is tested against the standard's known answers instead.
	Post: []Clause{
		{"input_unchanged", "hashing does not modify its input"},
		{"deterministic", "hashing a copy of the same bytes gives the same digest (no state carried between calls). That the digest is SHA-256 is the definition, tested against known answers, not checked per call"},
	},
})

// ShuffleError reports a call of the shuffling outside its domain.
type ShuffleError struct {
	Index, IndexCount uint64
}

func (e *ShuffleError) Error() string {
	return fmt.Sprintf("compute_shuffled_index: index %d not below index_count %d", e.Index, e.IndexCount)
}

// Sites of compute_shuffled_index, in the order a round evaluates them: the two modulos
// by index_count, the flip's sum and difference, the conversions uint8(current_round) and
// uint32(position // 256), the divisions and modulos by the literals 256, 8 and 2, and the
// read of the source hash's byte.
var (
	siteShufflePivotModulo    = site("compute_shuffled_index_modulo", OpMod, "hash_value", "index_count")
	siteShuffleFlipModulo     = site("compute_shuffled_index_modulo", OpMod, "(pivot + index_count - index)", "index_count")
	siteShuffleFlipSum        = site("compute_shuffled_index_flip_sum", OpAdd, "pivot", "index_count")
	siteShuffleFlipDifference = site("compute_shuffled_index_flip_difference", OpSub, "sum", "index")
	siteShuffleRoundByte      = site("compute_shuffled_index_round_byte", OpConvert, "round", "255")
	siteShufflePositionUint32 = site("compute_shuffled_index_position_uint32", OpConvert, "position // 256", "4294967295")
	siteShuffleDiv256         = site("compute_shuffled_index_literal_divisors", OpDiv, "position", "256")
	siteShuffleMod256         = site("compute_shuffled_index_literal_divisors", OpMod, "position", "256")
	siteShuffleDiv8           = site("compute_shuffled_index_literal_divisors", OpDiv, "position % 256", "8")
	siteShuffleMod8           = site("compute_shuffled_index_literal_divisors", OpMod, "position", "8")
	siteShuffleMod2           = site("compute_shuffled_index_literal_divisors", OpMod, "(byte >> (position % 8))", "2")
	siteShuffleSourceRead     = site("compute_shuffled_index_source_read", OpIndex, "(position % 256) // 8", "32")
)

// ComputeShuffledIndex is the swap-or-not network of compute_shuffled_index ("Misc"): the
// position index is shuffled to, keyed by seed, over SHUFFLE_ROUND_COUNT rounds. This is
// the plain version, one index at a time, with every operation of a round evaluated
// through its declared site (cheap next to the round's two SHA-256); ShuffleList is the
// fast whole-list form. Model.ComputeShuffledIndex is the spec function, with its
// contract; here index >= index_count (the spec's assert) is a ShuffleError.
func (c *Config) ComputeShuffledIndex(index, indexCount uint64, seed Root) (uint64, error) {
	if index >= indexCount {
		return 0, &ShuffleError{Index: index, IndexCount: indexCount}
	}
	var buf [32 + 1 + 4]byte
	copy(buf[:32], seed[:])
	for round := uint64(0); round < c.ShuffleRoundCount; round++ {
		if siteShuffleRoundByte.Fails(round, 1<<8-1) {
			return 0, convertOverflow(siteShuffleRoundByte, round, 1<<8-1)
		}
		buf[32] = uint8(round)
		var k Calc
		pivot := k.Mod(siteShufflePivotModulo, pivotOf(buf[:33]), indexCount)
		flip := k.Mod(siteShuffleFlipModulo, k.Sub(siteShuffleFlipDifference, k.Add(siteShuffleFlipSum, pivot, indexCount), index), indexCount)
		position := max(index, flip)
		chunk := k.Div(siteShuffleDiv256, position, 256)
		if err := k.Err(); err != nil {
			return 0, err
		}
		if siteShufflePositionUint32.Fails(chunk, 1<<32-1) {
			return 0, convertOverflow(siteShufflePositionUint32, chunk, 1<<32-1)
		}
		binary.LittleEndian.PutUint32(buf[33:], uint32(chunk))
		source := hashPrefix(buf[:37])
		at := k.Div(siteShuffleDiv8, k.Mod(siteShuffleMod256, position, 256), 8)
		shift := k.Mod(siteShuffleMod8, position, 8)
		if err := k.Err(); err != nil {
			return 0, err
		}
		if siteShuffleSourceRead.Index(at, len(source)) {
			return 0, outOfRange(siteShuffleSourceRead, "source", at, len(source))
		}
		bit := k.Mod(siteShuffleMod2, uint64(source[at]>>shift), 2)
		if err := k.Err(); err != nil {
			return 0, err
		}
		if bit == 1 {
			index = flip
		}
	}
	return index, nil
}

// convertOverflow is the error of a conversion of v to a narrower uint, whose largest value
// is maxValue, at the OpConvert site s: the spec's uint8() or uint32() raises there.
func convertOverflow(s *Site, v, maxValue uint64) error {
	return &ArithmeticError{Op: string(OpConvert), A: v, B: maxValue, Site: s.ID}
}

// ComputeShuffledIndex is the spec's compute_shuffled_index ("Misc").
func (m *Model) ComputeShuffledIndex(index, indexCount uint64, seed Root) (out uint64, err error) {
	if m.hooked() {
		if err := m.requires(computeShuffledIndexContract, func(c *checker) {
			c.that("index_below_count", index < indexCount, "index %d, index_count %d", index, indexCount)
		}, "index", index, "index_count", indexCount); err != nil {
			return 0, err
		}
		defer m.ensures(computeShuffledIndexContract, &err, func(c *checker) {
			c.that("result_below_count", out < indexCount, "shuffled to %d of %d", out, indexCount)
		})
	}
	return m.Config.ComputeShuffledIndex(index, indexCount, seed)
}

var computeShuffledIndexContract = declare(Contract{
	Func: "compute_shuffled_index", Section: "Misc",
	Pre: []Clause{
		{"index_below_count", "index < index_count (the spec's assert, which every caller guarantees: compute_committee draws i from [start, end) with end <= len(indices), compute_proposer_index passes i % total after asserting total > 0)"},
	},
	Post: []Clause{
		{"result_below_count", "the shuffled position is below index_count (that the map is a permutation is checked over whole lists by the shuffling vectors and a property test, not per call)"},
	},
})

func hashPrefix(b []byte) [32]byte { return sha256.Sum256(b) }

// pivotOf is bytes_to_uint64(hash(seed + uint_to_bytes(uint8(current_round)))[0:8]).
func pivotOf(seedAndRound []byte) uint64 {
	h := sha256.Sum256(seedAndRound)
	return BytesToUint64(h[:8])
}

// ShuffleList returns the list the spec's committees read: out[i] =
// indices[compute_shuffled_index(i, len(indices), seed)] for every i, computed for the whole
// list at once in O(n × SHUFFLE_ROUND_COUNT) instead of calling ComputeShuffledIndex per
// position.
//
// Why it is the same: each round of compute_shuffled_index is an involution σ_r that swaps
// the pairs (i, pivot_r - i mod n) whose bit at the larger position is set, and
// compute_shuffled_index = σ_{R-1} ∘ … ∘ σ_0. So out = indices ∘ σ_{R-1} ∘ … ∘ σ_0, which is
// indices with round R-1's swaps applied first, then R-2's, down to round 0. A property test
// holds the two equal.
func (c *Config) ShuffleList(indices []ValidatorIndex, seed Root) []ValidatorIndex {
	n := uint64(len(indices))
	out := append([]ValidatorIndex(nil), indices...)
	if n <= 1 {
		return out
	}
	var buf [32 + 1 + 4]byte
	copy(buf[:32], seed[:])
	sources := make([][32]byte, (n+255)/256)
	for r := c.ShuffleRoundCount; r > 0; r-- {
		round := r - 1
		buf[32] = uint8(round)
		pivot := pivotOf(buf[:33]) % n
		for k := range sources {
			binary.LittleEndian.PutUint32(buf[33:], uint32(k))
			sources[k] = hashPrefix(buf[:37])
		}
		// Pairs (i, flip) with i < flip, flip = (pivot - i) mod n: for i in [0, pivot] the
		// partner is pivot - i; for i in (pivot, n) it is pivot + n - i.
		swapPairs := func(lo, hi uint64) { // i from lo upwards, flip from hi downwards
			for lo < hi {
				position := hi
				b := sources[position/256][(position%256)/8]
				if (b>>(position%8))%2 == 1 {
					out[lo], out[hi] = out[hi], out[lo]
				}
				lo++
				hi--
			}
		}
		swapPairs(0, pivot)
		swapPairs(pivot+1, n-1)
	}
	return out
}
