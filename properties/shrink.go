package properties

import (
	"math/rand"

	"github.com/leanovate/gopter"
)

// Every generator of this package produces a recipe (a small struct of readable numbers)
// rather than the object itself, and every recipe shrinks by listing simpler recipes:
// gopter tries them in order, keeps the first that still fails, and asks again, so the
// counterexample reported is a recipe nothing on the list improves on. The objects (states,
// blocks) are made from the recipe deterministically, so shrinking the recipe shrinks them.

// generator returns a gopter generator of T: generate draws a value from the run's random
// source, simpler lists the shrink candidates of a value, most aggressive first.
func generator[T any](generate func(r *rand.Rand) T, simpler func(T) []T) gopter.Gen {
	shrinker := candidates(simpler)
	return func(p *gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(generate(p.Rng), shrinker)
	}
}

// candidates turns a list of simpler values into gopter's shrink stream.
func candidates[T any](simpler func(T) []T) gopter.Shrinker {
	return func(v any) gopter.Shrink {
		list := simpler(v.(T))
		i := 0
		return func() (any, bool) {
			if i >= len(list) {
				return nil, false
			}
			i++
			return list[i-1], true
		}
	}
}

// towards lists the shrink candidates of v on the way down to lo: lo, v - (v-lo)/2,
// v - (v-lo)/4, ..., v - 1, the halving sequence of gopter's integer shrinker aimed at lo
// instead of 0. A property that fails exactly for the values above a threshold t therefore
// shrinks any failing v to t + 1: some candidate always fails until v - 1 = t, and each step
// at least halves the distance to t + 1.
func towards(v, lo uint64) []uint64 {
	if v <= lo {
		return nil
	}
	d := v - lo
	out := []uint64{lo}
	for h := d / 2; h > 0; h /= 2 {
		if c := v - h; c != out[len(out)-1] {
			out = append(out, c)
		}
	}
	return out
}

// between draws a uint64 uniformly from [lo, hi].
func between(r *rand.Rand, lo, hi uint64) uint64 {
	if hi <= lo {
		return lo
	}
	span := hi - lo + 1
	if span == 0 { // the whole uint64 range
		return r.Uint64()
	}
	return lo + r.Uint64()%span
}

// pick returns one of the values, uniformly.
func pick[T any](r *rand.Rand, values ...T) T { return values[r.Intn(len(values))] }

// count writes n and the noun, plural unless n is 1: "1 validator", "3 slots".
func count(n uint64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return commas(n) + " " + noun + "s"
}
