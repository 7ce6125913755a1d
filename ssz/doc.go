// Package ssz is SimpleSerialize for beaconcheck: serialization, deserialization,
// hash_tree_root, YAML rendering and Merkle-tree views, all driven by one definition per
// container (Object.DefineSSZ) whose list limits and vector lengths are supplied at run
// time, so one binary serves every configuration.
//
// It knows SSZ, not the beacon chain: it may import fastssz (hashing and encoding helpers),
// gohashtree, snappy and yaml, and nothing of this module. Package spec defines the Phase 0
// containers on top of it; merkle builds proofs from its Tree views.
//
// HashTreeRootWith keeps the Merkle trees of a container's large fields (CachedTree) in a
// HashCache between calls, so that a root after a few writes costs the paths of the
// written chunks, not the whole value.
//
// Decoding is defensive: every offset and length is checked against the type and against
// the bytes present before anything is allocated, and every failure is an *Error naming
// the field path. Nothing in this package panics on input.
package ssz
