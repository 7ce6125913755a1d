// Package bls is the BLS signature module of the Phase 0 spec (beacon-chain.md, "BLS
// Signatures"): Sign, Verify, Aggregate, FastAggregateVerify and AggregateVerify of the
// BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_ ciphersuite, public keys compressed points of
// G1 (48 bytes), signatures compressed points of G2 (96 bytes). Where the spec writes
// bls.Verify(...), the model calls bls.Verify(...).
//
// Spec v1.0.0 and later cite draft-irtf-cfrg-bls-signature-04; spec v0.12.x cited
// draft-03. Each function here follows the draft's procedure step by step; the curve
// arithmetic, hashing to G2 and pairings come from github.com/supranational/blst. The two
// drafts differ at the identity, and Rules selects which one applies:
//
//   - Draft04 (the default, and the package-level functions): the point at infinity is not
//     a valid public key (KeyValidate rejects it), and secret keys range over 1 <= SK < r.
//   - Draft03 (what the official v0.12.3 vectors require): the point at infinity is a valid
//     public key, the public key of the secret key 0, and it verifies exactly the infinity
//     signature, for every message; secret keys range over 0 <= SK < r.
//
// One rule is stricter than the drafts' text: every point this package decodes is
// subgroup-checked, including the public keys inside FastAggregateVerify and the
// signatures given to Aggregate, where the draft only decodes them. No beacon state can tell
// the difference: every public key in a state passed KeyValidate when its deposit's
// proof of possession was verified, and Aggregate is not part of the state transition.
//
// Imports: blst and the standard library only. Package spec imports this package, so this
// package must never import spec (or anything that imports spec); callers pass
// spec.BLSPubkey and spec.BLSSignature, whose underlying types are [48]byte and [96]byte.
package bls
