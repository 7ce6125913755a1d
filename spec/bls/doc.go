// Package bls is the BLS signature module of the Phase 0 spec (beacon-chain.md, "BLS
// Signatures"): Sign, Verify, Aggregate, FastAggregateVerify and AggregateVerify of the
// BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_ ciphersuite, public keys compressed points of
// G1 (48 bytes), signatures compressed points of G2 (96 bytes). Where the spec writes
// bls.Verify(...), the model calls bls.Verify(...).
//
// Spec v0.12.3 pins draft-irtf-cfrg-bls-signature-02 with hash-to-curve draft-07, and each
// function here follows that draft's procedure step by step; the curve arithmetic, hashing
// to G2 and pairings come from github.com/supranational/blst. Two consequences of
// draft-02 that later spec versions (v1.0, draft-04) changed, both required by the official
// v0.12.3 vectors:
//
//   - The point at infinity is a valid public key (KeyValidate checks only the encoding and
//     the subgroup). It is the public key of the secret key 0, and it verifies exactly the
//     infinity signature, for every message.
//   - Secret keys range over 0 <= SK < r.
//
// One rule is stricter than draft-02's text: every point this package decodes is
// subgroup-checked, including the public keys inside FastAggregateVerify and the
// signatures given to Aggregate, where the draft only decodes them. No beacon state can tell
// the difference: every public key in a state passed KeyValidate when its deposit's
// proof of possession was verified, and Aggregate is not part of the state transition.
//
// Imports: blst and the standard library only. Package spec imports this package, so this
// package must never import spec (or anything that imports spec); callers pass
// spec.BLSPubkey and spec.BLSSignature, whose underlying types are [48]byte and [96]byte.
package bls
