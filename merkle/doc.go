// Package merkle builds and checks Merkle proofs over SSZ values, following the spec's
// "Merkle proof formats" (ssz/merkle-proofs.md) and the Phase 0 pieces that use proofs:
// is_valid_merkle_branch (beacon-chain.md) and the deposit contract's incremental tree.
//
// Files, in the order a reader meets the concepts:
//
//   - hash.go: the Merkleization primitives (HashPair, ZeroHash, Merkleize, MixInLength).
//   - gindex.go: generalized indices and the spec's helpers over them (Concat, Sibling,
//     Parent, BranchIndices, PathIndices, HelperIndices).
//   - verify.go: the verifiers (IsValidMerkleBranch, CalculateMerkleRoot,
//     CalculateMultiMerkleRoot and their Verify forms). They hash only what they are given.
//   - path.go: paths such as "validators/17/effective_balance" and PathGIndex.
//   - prove.go: Prove and ProveMulti, which read a value's tree through ssz.TreeOf and hash
//     only the subtrees a proof needs, reading empty subtrees as zero hashes.
//   - deposit.go: DepositTree, the deposit contract's tree of depth 32 with its count
//     mixed in, and the proofs Phase 0 deposit processing checks.
//
// # Paths
//
// A path names one node of a value's Merkle tree, as the human-readable paths of the
// spec's get_generalized_index do: segments separated by "/", each one of
//
//   - a field name of a container: "latest_block_header/state_root";
//   - a decimal element index: of a list or vector of containers ("validators/17",
//     "eth1_data_votes/3"), of basic values ("balances/17", "block_roots/5"), of the bytes
//     of a byte vector such as a pubkey ("validators/17/pubkey/40"), or of the bits of a
//     bitfield ("justification_bits/2");
//   - LengthSegment ("__len__"), the length of a list or bitlist: "validators/__len__".
//
// An index must be below the value's current length: for a list, an element at or beyond
// its current length is an error even within the list's limit (its node is padding, not
// an element). Basic values have no nodes of their own below the chunk that holds them,
// so a path ends at a basic field, at an element of a packed list or vector, or at a
// length. For a packed element the node is the chunk holding it: balances/17 is chunk 4 of
// the balances data, and the proof's Elem says the balance is bytes 8 to 16 of it.
// The empty path would name the root itself; it is rejected as a likely mistake.
//
// Imports: among this module's packages, only ssz. The spec package relies on merkle (for
// deposits and genesis), and analysis packages use it, so merkle must never import spec or
// anything built on it; its tests may, from the external merkle_test package.
package merkle
