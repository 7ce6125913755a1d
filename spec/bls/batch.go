package bls

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"

	blst "github.com/supranational/blst/bindings/go"
)

// Batch verification. A block carries a handful of signatures (the proposer's, the RANDAO
// reveal, one aggregate per attestation, those of slashings and exits), each checked by
// the spec with its own pairing equation e(PK_i, H(m_i)) == e(P, S_i), P the generator of
// G1. A Batch checks them all at once by a random linear combination: with random
// non-zero 64-bit scalars r_i,
//
//	prod_i e(r_i * PK_i, H(m_i)) == e(P, sum_i r_i * S_i)
//
// holds whenever every equation holds, and fails with probability at least 1 - 2**-64
// when any does not. One final exponentiation and one pairing with P serve the whole
// batch instead of one of each per signature. The Miller loops run on all CPUs (blst's
// multiple-aggregate verification).
//
// A check is decided at once, without a pairing, where the draft decides it by the
// encoding or by the point at infinity: a malformed or out-of-subgroup signature or key,
// an empty key list, an infinity public key (rejected by KeyValidate under Draft04; under
// Draft03 it verifies exactly the infinity signature), an infinity signature under a
// finite key. Only equations between finite
// points of the right groups enter the combination, so the batch's answer is the
// conjunction of the answers Verify and FastAggregateVerify give, check by check.
//
// When the combination fails, Check verifies the checks one by one, in the order they were
// added, and names the first that fails.

// Batch collects signature checks to verify together. The zero value is an empty batch.
// A Batch is not safe for concurrent use.
type Batch struct {
	// Rules are the BLS rules the checks follow (the zero value, Draft04, by default).
	Rules Rules

	checks []batchCheck
	// pending are the positions of the checks that enter the combination.
	pending []int
}

type batchCheck struct {
	label string
	pk    *blst.P1Affine // the public key, or the sum of the keys; nil when decided
	sig   *blst.P2Affine
	msg   []byte
	// decided checks (pk == nil) have their answer here.
	valid bool
}

// BatchError names the first check of a batch that does not verify.
type BatchError struct {
	Index int    // its position, from 0, in the order of the Add calls
	Count int    // the checks in the batch
	Label string // the label it was added with
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("signature check %d of %d (%s) does not verify", e.Index, e.Count, e.Label)
}

// Len is the number of checks added.
func (b *Batch) Len() int { return len(b.checks) }

// Reset empties the batch.
func (b *Batch) Reset() {
	b.checks = b.checks[:0]
	b.pending = b.pending[:0]
}

// AddVerify adds the check Verify(pk, msg, sig), labelled for the error that names a
// failing check. msg is copied.
func (b *Batch) AddVerify(label string, pk [PubkeyLength]byte, msg []byte, sig [SignatureLength]byte) {
	R := validSignature(sig) // CoreVerify steps 1-3
	if R == nil {
		b.decided(label, false)
		return
	}
	xP := b.Rules.pubkey(pk) // steps 4-5
	if xP == nil {
		b.decided(label, false)
		return
	}
	b.add(label, xP, msg, R)
}

// AddFastAggregateVerify adds the check FastAggregateVerify(pks, msg, sig). msg is copied.
func (b *Batch) AddFastAggregateVerify(label string, pks [][PubkeyLength]byte, msg []byte, sig [SignatureLength]byte) {
	xP := b.Rules.sumPubkeys(pks) // nil: no keys, or one fails KeyValidate
	if xP == nil {
		b.decided(label, false)
		return
	}
	R := validSignature(sig)
	if R == nil {
		b.decided(label, false)
		return
	}
	b.add(label, xP, msg, R)
}

func (b *Batch) decided(label string, valid bool) {
	b.checks = append(b.checks, batchCheck{label: label, valid: valid})
}

// add records the equation e(xP, H(msg)) == e(P, R) for points of G1 and G2, deciding
// at once the cases at infinity, which blst's combination does not take: an infinity key
// pairs to the identity, so it verifies exactly the infinity signature; an infinity
// signature under a finite key never verifies (the pairing is non-degenerate and H(msg)
// is never the identity).
func (b *Batch) add(label string, xP *blst.P1Affine, msg []byte, R *blst.P2Affine) {
	pkInf, sigInf := isInfinityG1(xP), isInfinityG2(R)
	if pkInf || sigInf {
		b.decided(label, pkInf && sigInf)
		return
	}
	b.pending = append(b.pending, len(b.checks))
	b.checks = append(b.checks, batchCheck{label: label, pk: xP, sig: R, msg: append([]byte(nil), msg...)})
}

var (
	infinityG1 = new(blst.P1Affine).Compress() // the zero point's encoding
	infinityG2 = new(blst.P2Affine).Compress()
)

func isInfinityG1(p *blst.P1Affine) bool { return string(p.Compress()) == string(infinityG1) }
func isInfinityG2(p *blst.P2Affine) bool { return string(p.Compress()) == string(infinityG2) }

// Check verifies every check of the batch: nil when all hold, otherwise a *BatchError
// naming the first that does not. The batch is left as it is.
func (b *Batch) Check() error {
	if err := b.firstDecidedFalse(len(b.checks)); err != nil && len(b.pending) == 0 {
		return err
	}
	if b.combinationHolds() {
		return b.firstDecidedFalse(len(b.checks))
	}
	// Some equation fails: find the first failing check in order.
	for i, c := range b.checks {
		if c.pk == nil {
			if !c.valid {
				return b.errAt(i)
			}
			continue
		}
		if !coreVerifyPoints(c.pk, c.msg, c.sig) {
			return b.errAt(i)
		}
	}
	return nil // every equation holds on its own: the combination's failure was the 2**-64 chance
}

func (b *Batch) firstDecidedFalse(limit int) error {
	for i := 0; i < limit; i++ {
		if c := b.checks[i]; c.pk == nil && !c.valid {
			return b.errAt(i)
		}
	}
	return nil
}

func (b *Batch) errAt(i int) error {
	return &BatchError{Index: i, Count: len(b.checks), Label: b.checks[i].label}
}

// combinationHolds evaluates the random linear combination of the pending equations.
func (b *Batch) combinationHolds() bool {
	n := len(b.pending)
	switch n {
	case 0:
		return true
	case 1:
		c := b.checks[b.pending[0]]
		return coreVerifyPoints(c.pk, c.msg, c.sig)
	}
	sigs := make([]*blst.P2Affine, n)
	pks := make([]*blst.P1Affine, n)
	msgs := make([]blst.Message, n)
	for k, i := range b.pending {
		sigs[k], pks[k], msgs[k] = b.checks[i].sig, b.checks[i].pk, b.checks[i].msg
	}
	// The points were validated when added: no group checks here.
	return new(blst.P2Affine).MultipleAggregateVerify(sigs, false, pks, false, msgs, dst, randomScalar, randomBits)
}

const randomBits = 64

// randomScalar fills s with a random non-zero 64-bit scalar. blst calls it from several
// goroutines at once; crypto/rand is safe for that.
func randomScalar(s *blst.Scalar) {
	var buf [32]byte
	for {
		if _, err := rand.Read(buf[:8]); err != nil {
			panic("bls: no randomness for batch verification: " + err.Error())
		}
		if binary.LittleEndian.Uint64(buf[:8]) != 0 {
			break
		}
	}
	s.FromLEndian(buf[:])
}

// VerifyBatch is a Batch of Verify checks: pks[i] signed msgs[i] with sigs[i], for every
// i. It returns nil or a *BatchError naming the first failing check (labelled by its
// position).
func VerifyBatch(pks [][PubkeyLength]byte, msgs [][]byte, sigs [][SignatureLength]byte) error {
	if len(pks) != len(msgs) || len(pks) != len(sigs) {
		return fmt.Errorf("bls: batch of %d keys, %d messages and %d signatures", len(pks), len(msgs), len(sigs))
	}
	var b Batch
	for i := range pks {
		b.AddVerify(fmt.Sprint(i), pks[i], msgs[i], sigs[i])
	}
	return b.Check()
}
