package bls

import (
	"fmt"

	blst "github.com/supranational/blst/bindings/go"
)

// Rules selects the revision of the IETF BLS signature draft that the functions follow.
// The two revisions the Phase 0 spec has cited differ only at the identity:
//
//   - Draft04, draft-irtf-cfrg-bls-signature-04, cited by spec v1.0.0 and every later
//     release (the final Phase 0 rules). KeyValidate rejects the point at infinity, so no
//     function accepts it as a public key: Verify, FastAggregateVerify and
//     AggregateVerify give false for any key list holding it, and secret keys range over
//     1 <= SK < r (the key 0, whose public key is the identity, is rejected).
//   - Draft03, draft-irtf-cfrg-bls-signature-03, cited by spec v0.12.x. KeyValidate checks
//     only the encoding and the subgroup, so the infinity key is valid and verifies exactly
//     the infinity signature; secret keys range over 0 <= SK < r. The official v0.12.3
//     bls vectors require these rules.
//
// The zero value is Draft04, and the package-level functions (Verify, KeyValidate, ...)
// follow it.
type Rules uint8

const (
	Draft04 Rules = iota // spec v1.0.0 and later: the identity is not a public key (default)
	Draft03              // spec v0.12.x: the identity is a public key
)

// String names the draft.
func (r Rules) String() string {
	switch r {
	case Draft04:
		return "draft-04"
	case Draft03:
		return "draft-03"
	}
	return fmt.Sprintf("bls.Rules(%d)", uint8(r))
}

// acceptsIdentity says whether the point at infinity is a valid public key and 0 a valid
// secret key under r.
func (r Rules) acceptsIdentity() bool { return r == Draft03 }

// pubkey is KeyValidate under r followed by pubkey_to_point: the point pk encodes, nil
// when KeyValidate fails. The decoding comes from the cache (cache.go); the identity check
// is made here because the cache answers for both drafts.
func (r Rules) pubkey(pk [PubkeyLength]byte) *blst.P1Affine {
	p := cachedPubkey(pk)
	if p == nil || (!r.acceptsIdentity() && isIdentityEncoding(pk)) {
		return nil
	}
	return p
}

// isIdentityEncoding says whether a public key that decoded to a point is the point at
// infinity: the infinity flag (bit 6 of the first byte) is set. Of the encodings with
// the flag set, only 0xc0 followed by 47 zero bytes decodes at all.
func isIdentityEncoding(pk [PubkeyLength]byte) bool { return pk[0]&0x40 != 0 }

// KeyValidate is the draft's KeyValidate: pk is the compressed encoding of a point on E1
// that lies in the subgroup G1 and, under Draft04, is not the point at infinity. It never
// panics, whatever the bytes.
func (r Rules) KeyValidate(pk [PubkeyLength]byte) bool {
	p := validPubkey(pk)
	return p != nil && (r.acceptsIdentity() || !isIdentityEncoding(pk))
}

// SecretKeyFromBytes reads a secret key from its 32-byte big-endian encoding. It fails on
// any other length, on an integer >= r and, under Draft04, on the integer 0.
func (r Rules) SecretKeyFromBytes(b []byte) (SecretKey, error) {
	if len(b) == SecretKeyLength && isZero(b) && !r.acceptsIdentity() {
		return SecretKey{}, &SecretKeyError{Len: len(b), Zero: true}
	}
	return secretKeyFromBytes(b)
}

// Verify is the spec's bls.Verify under r (CoreVerify): sig is a valid signature of msg
// under pk. Malformed bytes, points outside their subgroup, a public key KeyValidate
// rejects and wrong signatures all give false; Verify never panics.
func (r Rules) Verify(pk [PubkeyLength]byte, msg []byte, sig [SignatureLength]byte) bool {
	R := validSignature(sig) // steps 1-3
	if R == nil {
		return false
	}
	xP := r.pubkey(pk) // steps 4-5: KeyValidate(PK), xP = pubkey_to_point(PK)
	if xP == nil {
		return false
	}
	return coreVerifyPoints(xP, msg, R)
}

// FastAggregateVerify is the spec's bls.FastAggregateVerify under r: sig is a valid
// signature of msg under the sum of the public keys pks. An empty pks gives false
// (precondition n >= 1), as does any public key that fails KeyValidate.
func (r Rules) FastAggregateVerify(pks [][PubkeyLength]byte, msg []byte, sig [SignatureLength]byte) bool {
	xP := r.sumPubkeys(pks)
	if xP == nil {
		return false
	}
	// return CoreVerify(point_to_pubkey(aggregate), message, signature). The sum of points of
	// G1 is in G1, so CoreVerify's KeyValidate of the aggregate holds and is not repeated.
	R := validSignature(sig)
	if R == nil {
		return false
	}
	return coreVerifyPoints(xP, msg, R)
}

// AggregateVerify is the spec's bls.AggregateVerify under r (CoreAggregateVerify): sig is
// a valid aggregate signature of msgs[i] under pks[i] for every i. Messages need not be
// distinct in this scheme. Empty input, lists of different lengths, and any public key
// failing KeyValidate give false.
func (r Rules) AggregateVerify(pks [][PubkeyLength]byte, msgs [][]byte, sig [SignatureLength]byte) bool {
	return aggregateVerify(r, pks, msgs, sig)
}
