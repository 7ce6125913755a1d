package bls_test

import (
	"fmt"

	"github.com/beaconcheck/beaconcheck/spec/bls"
)

// Three validators sign the same signing root; their aggregate verifies against their
// public keys, as is_valid_indexed_attestation checks an attestation.
func ExampleFastAggregateVerify() {
	root := []byte("a 32-byte signing root.........!")
	var pks [][48]byte
	var sigs [][96]byte
	for i := byte(1); i <= 3; i++ {
		sk, err := bls.SecretKeyFromBytes(append(make([]byte, 31), i))
		if err != nil {
			panic(err)
		}
		pks = append(pks, bls.SkToPk(sk))
		sigs = append(sigs, bls.Sign(sk, root))
	}
	agg, err := bls.Aggregate(sigs)
	if err != nil {
		panic(err)
	}
	fmt.Println(bls.FastAggregateVerify(pks, root, agg))
	fmt.Println(bls.FastAggregateVerify(pks[:2], root, agg))
	fmt.Println(bls.FastAggregateVerify(nil, root, agg))
	// Output:
	// true
	// false
	// false
}

func ExampleAggregate() {
	_, err := bls.Aggregate(nil)
	fmt.Println(err)
	_, err = bls.Aggregate([][96]byte{{}})
	fmt.Println(err)
	// Output:
	// aggregate rejected: no signatures (precondition n >= 1)
	// aggregate rejected: signature 0 of 1 is not the compressed encoding of a point on E2
}
