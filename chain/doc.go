// Package chain makes deterministic beacon chains and replays chains of blocks fast.
//
// Generate builds a chain from nothing but its options: a genesis state of interop
// validators, then a block for every slot, each carrying the attestations of the
// committees of the slot before at the chosen participation, and optionally deposits
// (voted in through the eth1 voting period, as the spec admits them), voluntary exits and
// proposer and attester slashings spread over the chain. The same options always give the
// same bytes. Write stores a chain in the layout of the official sanity vectors
// (pre.ssz_snappy, blocks_N.ssz_snappy, post.ssz_snappy, meta.yaml), so any client's
// vector runner can replay it.
//
// ReadVector reads such a directory (or an official vector case, .ssz or .ssz_snappy) and
// Replay applies its blocks with state_transition, in memory, checking each block's state
// root and the final state against post. A failure says where: the first invalid block and
// the spec's failed check, or the fields in which the final state differs from post.
//
// Imports: spec, spec/interop, spec/bls and ssz of this module. Commands and tests import
// it; nothing in spec, ssz or interop may.
package chain
