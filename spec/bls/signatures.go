package bls

import (
	"fmt"

	blst "github.com/supranational/blst/bindings/go"
)

// Ciphersuite is the ciphersuite ID of the spec's BLS signatures, also the domain separation
// tag of hash_to_point (draft section 4.2.3).
const Ciphersuite = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"

var dst = []byte(Ciphersuite)

// Sign is the spec's bls.Sign (the proof-of-possession scheme's Sign is CoreSign, draft
// section 2.6): the signature SK * hash_to_point(message).
func Sign(sk SecretKey, msg []byte) [SignatureLength]byte {
	var sig [SignatureLength]byte
	// blst's Sign is CoreSign: Q = hash_to_point(message); R = SK * Q.
	copy(sig[:], new(blst.P2Affine).Sign(&sk.k, msg, dst).Compress())
	return sig
}

// Verify is the spec's bls.Verify under the default rules (Draft04; see Rules.Verify).
func Verify(pk [PubkeyLength]byte, msg []byte, sig [SignatureLength]byte) bool {
	return Draft04.Verify(pk, msg, sig)
}

// AggregateError is Aggregate's INVALID: no signatures, or one that is not a point of G2.
type AggregateError struct {
	Count   int  // number of signatures given
	Index   int  // the rejected signature (meaningless when Count == 0)
	InCurve bool // the rejected signature decodes to a curve point, outside G2
}

func (e *AggregateError) Error() string {
	if e.Count == 0 {
		return "aggregate rejected: no signatures (precondition n >= 1)"
	}
	why := "is not the compressed encoding of a point on E2"
	if e.InCurve {
		why = "is a point of E2 outside the subgroup G2"
	}
	return fmt.Sprintf("aggregate rejected: signature %d of %d %s", e.Index, e.Count, why)
}

// Aggregate is the spec's bls.Aggregate (draft section 2.8): the signature whose point is
// the sum of the points of sigs. It fails, with an *AggregateError, on an empty list and on
// a signature that is not a point of G2 (the subgroup check is this package's; see the
// package documentation). The infinity signature is a valid input.
func Aggregate(sigs [][SignatureLength]byte) ([SignatureLength]byte, error) {
	var out [SignatureLength]byte
	if len(sigs) == 0 { // Precondition: n >= 1, otherwise return INVALID.
		return out, &AggregateError{Count: 0}
	}
	var aggregate blst.P2
	for i, sig := range sigs {
		next := new(blst.P2Affine).Uncompress(sig[:]) // next = signature_to_point(signature_i)
		if next == nil {                              // If next is INVALID, return INVALID
			return out, &AggregateError{Count: len(sigs), Index: i}
		}
		if !next.InG2() {
			return out, &AggregateError{Count: len(sigs), Index: i, InCurve: true}
		}
		if i == 0 {
			aggregate.FromAffine(next)
		} else {
			aggregate.AddAssign(next) // aggregate = aggregate + next
		}
	}
	copy(out[:], aggregate.Compress()) // signature = point_to_signature(aggregate)
	return out, nil
}

// FastAggregateVerify is the spec's bls.FastAggregateVerify under the default rules
// (Draft04; see Rules.FastAggregateVerify).
func FastAggregateVerify(pks [][PubkeyLength]byte, msg []byte, sig [SignatureLength]byte) bool {
	return Draft04.FastAggregateVerify(pks, msg, sig)
}

// AggregateVerify is the spec's bls.AggregateVerify under the default rules (Draft04; see
// Rules.AggregateVerify).
func AggregateVerify(pks [][PubkeyLength]byte, msgs [][]byte, sig [SignatureLength]byte) bool {
	return Draft04.AggregateVerify(pks, msgs, sig)
}

// sumPubkeys is FastAggregateVerify (draft section 3.3.4) up to its call of CoreVerify:
// the sum of the points of pks, nil when pks is empty (precondition n >= 1), when a key
// fails KeyValidate under r, or when, under Draft04, the sum is the point at infinity
// (CoreVerify's KeyValidate of the aggregate rejects it; under Draft03 it passes).
func (r Rules) sumPubkeys(pks [][PubkeyLength]byte) *blst.P1Affine {
	if len(pks) == 0 { // Precondition: n >= 1, otherwise return INVALID.
		return nil
	}
	var aggregate blst.P1
	for i, pk := range pks {
		next := r.pubkey(pk) // next = pubkey_to_point(PK_i), here also KeyValidate(PK_i)
		if next == nil {
			return nil
		}
		if i == 0 {
			aggregate.FromAffine(next)
		} else {
			aggregate.AddAssign(next) // aggregate = aggregate + next
		}
	}
	sum := aggregate.ToAffine()
	if !r.acceptsIdentity() && isInfinityG1(sum) {
		return nil
	}
	return sum
}

// aggregateVerify is CoreAggregateVerify (draft section 2.9) under r.
func aggregateVerify(r Rules, pks [][PubkeyLength]byte, msgs [][]byte, sig [SignatureLength]byte) bool {
	if len(pks) == 0 || len(pks) != len(msgs) { // Precondition: n >= 1, otherwise return INVALID.
		return false
	}
	R := validSignature(sig) // steps 1-3
	if R == nil {
		return false
	}
	var C1 *blst.Fp12 // 4. C1 = 1 (the identity element in GT)
	for i := range pks {
		xP := r.pubkey(pks[i]) // 6-7. KeyValidate(PK_i); xP = pubkey_to_point(PK_i)
		if xP == nil {
			return false
		}
		Q := hashToPoint(msgs[i]) // 8. Q = hash_to_point(message_i)
		if C1 == nil {            // 9. C1 = C1 * pairing(Q, xP)
			C1 = pairing(Q, xP)
		} else {
			C1.MulAssign(pairing(Q, xP))
		}
	}
	C2 := pairing(R, generatorG1) // 10. C2 = pairing(R, P)
	return equalInGT(C1, C2)      // 11. If C1 == C2, return VALID, else return INVALID
}

// coreVerifyPoints is CoreVerify from step 6 on, for a signature point R that passed steps
// 1-3 and a public key point xP that passed KeyValidate.
func coreVerifyPoints(xP *blst.P1Affine, msg []byte, R *blst.P2Affine) bool {
	Q := hashToPoint(msg)         // 6. Q = hash_to_point(message)
	C1 := pairing(Q, xP)          // 7. C1 = pairing(Q, xP)
	C2 := pairing(R, generatorG1) // 8. C2 = pairing(R, P)
	return equalInGT(C1, C2)      // 9. If C1 == C2, return VALID, else return INVALID
}

// validSignature is steps 1-3 of CoreVerify and CoreAggregateVerify: the point sig
// encodes when it is a point of G2, nil otherwise.
func validSignature(sig [SignatureLength]byte) *blst.P2Affine {
	R := new(blst.P2Affine).Uncompress(sig[:]) // 1. R = signature_to_point(signature)
	if R == nil {                              // 2. If R is INVALID, return INVALID
		return nil
	}
	if !R.InG2() { // 3. If signature_subgroup_check(R) is INVALID, return INVALID
		return nil
	}
	return R
}

// hashToPoint is the ciphersuite's hash_to_point: BLS12381G2_XMD:SHA-256_SSWU_RO_ with the
// ciphersuite ID as domain separation tag.
func hashToPoint(msg []byte) *blst.P2Affine {
	return blst.HashToG2(msg, dst).ToAffine()
}

// generatorG1 is P, the generator of G1 (minimal-pubkey-size variant).
var generatorG1 = blst.P1Generator().ToAffine()

// pairing is the variant's pairing(U, V) = e(V, U), U in G2 and V in G1, left before its
// final exponentiation: equalInGT completes the comparison. A point at infinity on either
// side pairs to the identity of GT.
func pairing(U *blst.P2Affine, V *blst.P1Affine) *blst.Fp12 {
	return blst.Fp12MillerLoop(U, V)
}

// equalInGT reports whether two pairing values from pairing (products of Miller loops) are
// equal after the final exponentiation, that is as elements of GT.
func equalInGT(a, b *blst.Fp12) bool {
	return blst.Fp12FinalVerify(a, b)
}
