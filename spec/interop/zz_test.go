package interop

import (
	"fmt"
	"testing"
	"time"

	"github.com/beaconcheck/beaconcheck/spec/bls"
)

func TestZZ(t *testing.T) {
	fmt.Printf("%x\n%x\n", Pubkey(0), Pubkey(1))
	sk := SecretKey(0)
	t0 := time.Now()
	for i := 0; i < 200; i++ {
		bls.SkToPk(sk)
	}
	fmt.Println("sktopk", time.Since(t0)/200)
	t0 = time.Now()
	for i := 0; i < 200; i++ {
		bls.Sign(sk, []byte("abc"))
	}
	fmt.Println("sign", time.Since(t0)/200)
	t0 = time.Now()
	NewKeys(2000)
	fmt.Println("keys 2000", time.Since(t0))
}
