// Package properties holds the property suites of the model: gopter properties that
// reproduce the committee-size bug of the Phase 0 spec, verify the upper-bound fix
// (spec.Model.CapActiveValidators) and check invariants of the state transition, with the
// generators they draw from.
//
// Every property is an entry of a registry (All, Lookup, Select) with its expectation: it
// holds, or it fails by design (the bug on the spec as written; a fix property run on the
// unfixed spec or on a deliberately broken fix, which must catch it). Run tries a property on
// a number of inputs, run i seeded with Seed + i so that any failure is reproduced by its own
// seed alone, and gopter shrinks the first counterexample. Outcome.WriteVector writes a
// failing state-level input as an official sanity/blocks test vector. `go test` runs a quick
// pass of the registry; `beaconcheck props` runs long campaigns of it.
//
// Generators produce recipes, small structs of readable numbers (ConfigRecipe, StateRecipe,
// ChainRecipe, ...), from which configs, states and blocks are made deterministically;
// recipes shrink towards small values within the space the property quantifies over.
//
// Files: registry.go (the entries), run.go (Run, Outcome, Env), shrink.go (shrinking),
// configs.go, counts.go, states.go, chains.go (generators), transition.go (the variants of
// the state transition: spec as written, with the fix, with a fix off by one), committee.go
// and bugstate.go (the bug), fix.go (the fix), invariants.go and mutations.go (invariants and
// invalid blocks), vector.go (test vectors), tiny.go and tiny_props.go (the tiny config,
// TinyConfig, and the properties over its chains, which reach from genesis in a few epochs
// the states that the presets reach only after tens or hundreds: slashed and exited
// validators at their withdrawable epochs, a full registry, exactly two thirds attesting).
//
// Imports: spec, spec/interop, spec/bls, bounds and ssz of this module, gopter and
// go-bitfield. Nothing in
// spec, ssz, merkle or bounds may import it; the command line does.
package properties
