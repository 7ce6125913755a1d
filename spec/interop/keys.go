package interop

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"runtime"
	"slices"
	"sync"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
)

// curveOrder is r, the order of the BLS12-381 groups G1 and G2: interop secret keys are
// reduced modulo r.
var curveOrder, _ = new(big.Int).SetString("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16)

// SecretKey is interop validator i's secret key, as the mocked-start scheme of the eth2
// interop specification defines it:
//
//	int.from_bytes(sha256(i.to_bytes(32, "little")), "little") % curve_order
//
// It costs one SHA-256 and a reduction modulo r, a few microseconds.
func SecretKey(i uint64) bls.SecretKey {
	be := secretKeyBytes(i)
	sk, err := bls.SecretKeyFromBytes(be[:])
	if err != nil {
		// Unreachable: every integer below r is a secret key.
		panic(fmt.Sprintf("interop: key %d reduced modulo r is rejected: %v", i, err))
	}
	return sk
}

// secretKeyBytes is interop key i as the 32-byte big-endian integer bls reads.
func secretKeyBytes(i uint64) [bls.SecretKeyLength]byte {
	var in [32]byte
	binary.LittleEndian.PutUint64(in[:8], i)
	digest := sha256.Sum256(in[:])
	slices.Reverse(digest[:]) // big.Int reads big-endian; the scheme reads the digest little-endian
	k := new(big.Int).SetBytes(digest[:])
	k.Mod(k, curveOrder)
	var be [bls.SecretKeyLength]byte
	k.FillBytes(be[:])
	return be
}

// Pubkey is interop validator i's public key, SkToPk(SecretKey(i)). It costs a scalar
// multiplication in G1, about 100 µs: callers needing many keys should use Keys.
func Pubkey(i uint64) spec.BLSPubkey { return bls.SkToPk(SecretKey(i)) }

// Keys holds the interop keys 0 .. Len()-1, secret and public, and the way back from a
// public key to its index. It is safe for concurrent use by readers; Grow must not run
// concurrently with anything else.
type Keys struct {
	secret []bls.SecretKey
	public []spec.BLSPubkey
	index  map[spec.BLSPubkey]uint64
}

// NewKeys derives interop keys 0 .. n-1, spreading the public-key derivation over all
// CPUs. 16,384 keys take about a second on two cores.
func NewKeys(n uint64) *Keys {
	k := &Keys{index: map[spec.BLSPubkey]uint64{}}
	k.Grow(n)
	return k
}

// Grow derives the keys up to n (exclusive) that k does not hold yet, e.g. the keys of
// validators that join by deposit after genesis.
func (k *Keys) Grow(n uint64) {
	from := uint64(len(k.public))
	if n <= from {
		return
	}
	k.secret = slices.Grow(k.secret, int(n-from))[:n]
	k.public = slices.Grow(k.public, int(n-from))[:n]
	parallel(from, n, func(i uint64) {
		k.secret[i] = SecretKey(i)
		k.public[i] = bls.SkToPk(k.secret[i])
	})
	for i := from; i < n; i++ {
		k.index[k.public[i]] = i
	}
}

// Len is the number of keys held.
func (k *Keys) Len() uint64 { return uint64(len(k.public)) }

// SecretKey is key i's secret key; i must be below Len().
func (k *Keys) SecretKey(i uint64) bls.SecretKey { return k.secret[i] }

// Pubkey is key i's public key; i must be below Len().
func (k *Keys) Pubkey(i uint64) spec.BLSPubkey { return k.public[i] }

// Index is the interop index of pubkey, if k holds it.
func (k *Keys) Index(pubkey spec.BLSPubkey) (uint64, bool) {
	i, ok := k.index[pubkey]
	return i, ok
}

// signer returns the secret key of a state's validator, found by its public key, so that
// validator indices need not equal key indices.
func (k *Keys) signer(state *spec.BeaconState, v spec.ValidatorIndex) (bls.SecretKey, error) {
	if uint64(v) >= uint64(len(state.Validators)) {
		return bls.SecretKey{}, &KeyError{Validator: v, Reason: fmt.Sprintf("no such validator (registry of %d)", len(state.Validators))}
	}
	if k == nil {
		return bls.SecretKey{}, &KeyError{Validator: v, Reason: "no keys given (use NoSignatures for states without real keys)"}
	}
	pk := state.Validators[v].Pubkey
	i, ok := k.index[pk]
	if !ok {
		return bls.SecretKey{}, &KeyError{Validator: v, Pubkey: pk, Reason: fmt.Sprintf("pubkey is not among the %d interop keys held", k.Len())}
	}
	return k.secret[i], nil
}

// KeyError reports a validator BuildBlock has to sign for but holds no key of.
type KeyError struct {
	Validator spec.ValidatorIndex
	Pubkey    spec.BLSPubkey
	Reason    string
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("interop: no secret key for validator %d: %s", e.Validator, e.Reason)
}

// parallel runs fn(i) for every i in [from, to), on all CPUs. Each fn(i) must touch only
// what belongs to i, so the result does not depend on the schedule.
func parallel(from, to uint64, fn func(i uint64)) {
	n := to - from
	workers := uint64(runtime.GOMAXPROCS(0))
	if n < 64 || workers == 1 {
		for i := from; i < to; i++ {
			fn(i)
		}
		return
	}
	workers = min(workers, n)
	var wg sync.WaitGroup
	for w := uint64(0); w < workers; w++ {
		lo, hi := from+n*w/workers, from+n*(w+1)/workers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				fn(i)
			}
		})
	}
	wg.Wait()
}
