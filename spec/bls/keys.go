package bls

import (
	"fmt"

	blst "github.com/supranational/blst/bindings/go"
)

// Sizes of the encodings, in bytes.
const (
	SecretKeyLength = 32 // big-endian integer
	PubkeyLength    = 48 // compressed G1 point (BLSPubkey)
	SignatureLength = 96 // compressed G2 point (BLSSignature)
)

// SecretKey is a BLS secret key: an integer SK with 0 <= SK < r, r the order of G1 and G2
// (draft-03 section 2.3; draft-04 excludes 0). The zero value is the secret key 0, which
// only Draft03 accepts from bytes.
type SecretKey struct {
	k blst.SecretKey
}

// SecretKeyError is a byte string rejected by SecretKeyFromBytes.
type SecretKeyError struct {
	Len        int  // length of the byte string
	OutOfRange bool // 32 bytes, but the integer is >= r
	Zero       bool // 32 bytes, the integer 0 (not a secret key under Draft04)
}

func (e *SecretKeyError) Error() string {
	if e.Zero {
		return "secret key rejected: 0 is not a secret key (draft-04: 1 <= SK < r)"
	}
	if e.OutOfRange {
		return "secret key rejected: integer is not below the group order r"
	}
	return fmt.Sprintf("secret key rejected: %d bytes, want %d", e.Len, SecretKeyLength)
}

// SecretKeyFromBytes reads a secret key from its 32-byte big-endian encoding (the privkey of
// the official sign vectors) under the default rules (Draft04). It fails on any other
// length, on an integer >= r and on 0.
func SecretKeyFromBytes(b []byte) (SecretKey, error) { return Draft04.SecretKeyFromBytes(b) }

// secretKeyFromBytes accepts 0 <= SK < r (draft-03); Rules.SecretKeyFromBytes narrows it.
func secretKeyFromBytes(b []byte) (SecretKey, error) {
	var sk SecretKey
	if len(b) != SecretKeyLength {
		return sk, &SecretKeyError{Len: len(b)}
	}
	if isZero(b) {
		return sk, nil // SK = 0: allowed by draft-03 (0 <= SK < r); blst rejects it
	}
	if sk.k.Deserialize(b) == nil { // blst accepts 1 <= SK < r
		return SecretKey{}, &SecretKeyError{Len: len(b), OutOfRange: true}
	}
	return sk, nil
}

// SkToPk is the draft's SkToPk (section 2.4): PK = point_to_pubkey(SK * P), P the generator
// of G1. SkToPk of the secret key 0 is the point at infinity, 0xc0 followed by 47 zero bytes.
func SkToPk(sk SecretKey) [PubkeyLength]byte {
	var pk [PubkeyLength]byte
	copy(pk[:], new(blst.P1Affine).From(&sk.k).Compress())
	return pk
}

// KeyValidate is the draft's KeyValidate under the default rules (Draft04): pk is the
// compressed encoding of a point on E1, that point lies in the subgroup G1 and is not the
// point at infinity. Draft03.KeyValidate accepts the point at infinity.
// KeyValidate never panics, whatever the bytes.
func KeyValidate(pk [PubkeyLength]byte) bool { return Draft04.KeyValidate(pk) }

// validPubkey returns the point pk encodes when it is a point of G1 (draft-03's
// KeyValidate: the identity included), nil otherwise.
func validPubkey(pk [PubkeyLength]byte) *blst.P1Affine {
	xP := new(blst.P1Affine).Uncompress(pk[:]) // 1. xP = pubkey_to_point(PK)
	if xP == nil {                             // 2. If xP is INVALID, return INVALID
		return nil
	}
	if !xP.InG1() { // 3. If pubkey_subgroup_check(xP) is INVALID, return INVALID
		return nil
	}
	return xP // 4. return VALID
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
