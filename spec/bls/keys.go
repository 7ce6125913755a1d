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
// (draft-02 section 2.3). The zero value is the secret key 0.
type SecretKey struct {
	k blst.SecretKey
}

// SecretKeyError is a byte string rejected by SecretKeyFromBytes.
type SecretKeyError struct {
	Len        int  // length of the byte string
	OutOfRange bool // 32 bytes, but the integer is >= r
}

func (e *SecretKeyError) Error() string {
	if e.OutOfRange {
		return "secret key rejected: integer is not below the group order r"
	}
	return fmt.Sprintf("secret key rejected: %d bytes, want %d", e.Len, SecretKeyLength)
}

// SecretKeyFromBytes reads a secret key from its 32-byte big-endian encoding (the privkey of
// the official sign vectors). It fails on any other length and on an integer >= r.
func SecretKeyFromBytes(b []byte) (SecretKey, error) {
	var sk SecretKey
	if len(b) != SecretKeyLength {
		return sk, &SecretKeyError{Len: len(b)}
	}
	if isZero(b) {
		return sk, nil // SK = 0: allowed by draft-02 (0 <= SK < r); blst rejects it
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

// KeyValidate is the draft's KeyValidate (draft-02 section 2.5): pk is the compressed
// encoding of a point on E1 and that point lies in the subgroup G1. As draft-02 (and so spec
// v0.12.3) has it, the point at infinity is valid; draft-04 and spec v1.0 reject it.
// KeyValidate never panics, whatever the bytes.
func KeyValidate(pk [PubkeyLength]byte) bool {
	return validPubkey(pk) != nil
}

// validPubkey returns the point pk encodes when KeyValidate(pk) holds, nil otherwise.
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
