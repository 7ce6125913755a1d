package interop

import (
	"encoding/hex"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
)

// The well-known keys of the interop mocked start, as clients' interop modes and test
// wallets list them.
func TestInteropKeys(t *testing.T) {
	tests := []struct {
		index  uint64
		secret string
		pubkey string
	}{
		{0, "25295f0d1d592a90b333e26e85149708208e9f8e8bc18f6c77bd62f8ad7a6866",
			"a99a76ed7796f7be22d5b7e85deeb7c5677e88e511e0b337618f8c4eb61349b4bf2d153f649f7b53359fe8b94a38e44c"},
		{1, "51d0b65185db6989ab0b560d6deed19c7ead0e24b9b6372cbecb1f26bdfad000",
			"b89bebc699769726a318c8e9971bd3171297c61aea4a6578a7a4f94b547dcba5bac16a89108b6b6a1fe3695d1a874a0b"},
	}
	for _, tt := range tests {
		t.Run(tt.pubkey[:8], func(t *testing.T) {
			if got := secretKeyBytes(tt.index); hex.EncodeToString(got[:]) != tt.secret {
				t.Errorf("secret key %d = %x, want %s", tt.index, got, tt.secret)
			}
			if got := Pubkey(tt.index); hex.EncodeToString(got[:]) != tt.pubkey {
				t.Errorf("Pubkey(%d) = %x, want %s", tt.index, got, tt.pubkey)
			}
			// SecretKey(i) is the key of those bytes: it signs for Pubkey(i).
			msg := []byte("interop")
			pk := Pubkey(tt.index)
			if !bls.Verify(pk, msg, bls.Sign(SecretKey(tt.index), msg)) {
				t.Errorf("a signature by SecretKey(%d) does not verify under Pubkey(%d)", tt.index, tt.index)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	keys := NewKeys(3)
	keys.Grow(5)
	keys.Grow(2) // never shrinks
	if keys.Len() != 5 {
		t.Fatalf("Len = %d, want 5", keys.Len())
	}
	for i := range keys.Len() {
		if keys.Pubkey(i) != Pubkey(i) {
			t.Errorf("Keys.Pubkey(%d) = %x, want Pubkey(%d) = %x", i, keys.Pubkey(i), i, Pubkey(i))
		}
		if got, ok := keys.Index(keys.Pubkey(i)); !ok || got != i {
			t.Errorf("Index(Pubkey(%d)) = %d, %v", i, got, ok)
		}
	}
	if _, ok := keys.Index(Pubkey(5)); ok {
		t.Error("Index finds a key beyond Len")
	}
	if _, ok := keys.Index(spec.BLSPubkey{}); ok {
		t.Error("Index finds the zero pubkey")
	}
}
