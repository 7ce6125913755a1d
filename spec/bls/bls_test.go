package bls

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"testing"

	blst "github.com/supranational/blst/bindings/go"
)

// Keys, messages and signatures of the official v0.12.3 bls vectors (tests/general/phase0/bls),
// so these tests hold the model to real values even where the vector cache is absent.
var (
	sk1 = mustSK("263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3")
	sk2 = mustSK("47b8192d77bf871b62e87859d653922725724a5c031afeabc60bcef5ff665138")
	sk3 = mustSK("328388aff0d4a5b7dc9205abd374e7e98f3cd9f3418edb4eafda5fb16473d216")

	pk1 = pk48("a491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a")
	pk2 = pk48("b301803f8b5ac4a1133581fc676dfedc60d891dd5fa99028805e5ea5b08d3491af75d0707adab3b70c6a6a580217bf81")
	pk3 = pk48("b53d21a4cfd562c469cc81514d4ce5a6b577d8403d32a394dc265dd190b47fa9f829fdd7963afdf972e5e77854051f6f")

	msg00 = repeat(0x00, 32)
	msg56 = repeat(0x56, 32)
	msgAB = repeat(0xab, 32)

	sig1on00 = sig96("b6ed936746e01f8ecf281f020953fbf1f01debd5657c4a383940b020b26507f6076334f91e2366c96e9ab279fb5158090352ea1c5b0c9274504f4f0e7053af24802e51e4568d164fe986834f41e55c8e850ce1f98458c0cfc9ab380b55285a55")
	sig2on00 = sig96("b23c46be3a001c63ca711f87a005c200cc550b9429d5f4eb38d74322144f1b63926da3388979e5321012fb1a0526bcd100b5ef5fe72628ce4cd5e904aeaa3279527843fae5ca9ca675f4f51ed8f83bbf7155da9ecc9663100a885d5dc6df96d9")
	sig3on00 = sig96("948a7cb99f76d616c2c564ce9bf4a519f1bea6b0a624a02276443c245854219fabb8d4ce061d255af5330b078d5380681751aa7053da2c98bae898edc218c75f07e24d8802a17cd1f6833b71e58f5eb5b94208b4d0bb3848cecb075ea21be115")
	sig2on56 = sig96("af1390c3c47acdb37131a51216da683c509fce0e954328a59f93aebda7e4ff974ba208d9a4a2a2389f892a9d418d618418dd7f7a6bc7aa0da999a9d3a5b815bc085e14fd001f6a1948768a3f4afefc8b8240dda329f984cb345c6363272ba4fe")
	sig3onAB = sig96("ae82747ddeefe4fd64cf9cedb9b04ae3e8a43420cd255e3c7cd06a8d88b7c7f8638543719981c5d16fa3527c468c25f0026704a6951bde891360c7e8d12ddee0559004ccdbe6046b55bae1b257ee97f7cdb955773d7cf29adf3ccbb9975e4eb9")
	// Aggregate of the signatures of sk1, sk2, sk3 on msg00.
	agg123on00 = sig96("9683b3e6701f9a4b706709577963110043af78a5b41991b998475a3d3fd62abf35ce03b33908418efc95a058494a8ae504354b9f626231f6b3f3c849dfdeaf5017c4780e2aee1850ceaf4b4d9ce70971a3d2cfcd97b7e5ecf6759f8da5f76d31")

	infinityPK  = pk48("c0" + hex.EncodeToString(repeat(0, 47)))
	infinitySig = sig96("c0" + hex.EncodeToString(repeat(0, 95)))
)

func TestSignMatchesVectors(t *testing.T) {
	tests := []struct {
		name string
		sk   SecretKey
		pk   [48]byte
		msg  []byte
		want [96]byte
	}{
		{"sk1 on 0x00..", sk1, pk1, msg00, sig1on00},
		{"sk2 on 0x00..", sk2, pk2, msg00, sig2on00},
		{"sk3 on 0x00..", sk3, pk3, msg00, sig3on00},
		{"sk2 on 0x56..", sk2, pk2, msg56, sig2on56},
		{"sk3 on 0xab..", sk3, pk3, msgAB, sig3onAB},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SkToPk(tt.sk); got != tt.pk {
				t.Errorf("SkToPk = %x, want %x", got, tt.pk)
			}
			if got := Sign(tt.sk, tt.msg); got != tt.want {
				t.Errorf("Sign = %x, want %x", got, tt.want)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	tampered := sig1on00
	copy(tampered[92:], []byte{0xff, 0xff, 0xff, 0xff}) // as the vectors tamper signatures
	tests := []struct {
		name   string
		pk     [48]byte
		msg    []byte
		sig    [96]byte
		want   bool // under Draft04, the default rules
		want03 bool // under Draft03
	}{
		{"valid", pk1, msg00, sig1on00, true, true},
		{"valid, other key", pk3, msgAB, sig3onAB, true, true},
		{"sign then verify an arbitrary message", pk2, []byte("beaconcheck"), Sign(sk2, []byte("beaconcheck")), true, true},
		{"empty message", pk2, nil, Sign(sk2, nil), true, true},
		{"tampered message", pk1, msg56, sig1on00, false, false},
		{"wrong key", pk2, msg00, sig1on00, false, false},
		{"tampered signature", pk1, msg00, tampered, false, false},
		{"aggregate is not a single signature", pk1, msg00, agg123on00, false, false},
		// Draft04 (spec v1.0.0 on): the infinity key fails KeyValidate, so nothing verifies
		// under it (the vector verify_infinity_pubkey_and_infinity_signature). Draft03 (v0.12.3):
		// it is valid and verifies exactly the infinity signature.
		{"infinity key, infinity signature", infinityPK, msgAB, infinitySig, false, true},
		{"infinity key, real signature", infinityPK, msg00, sig1on00, false, false},
		{"real key, infinity signature", pk1, msg00, infinitySig, false, false},
		{"pubkey without compression flag", [48]byte{}, msg00, sig1on00, false, false},
		{"pubkey all 0xff", pk48(hex.EncodeToString(repeat(0xff, 48))), msg00, sig1on00, false, false},
		{"infinity pubkey with a stray bit", pk48("c0" + hex.EncodeToString(repeat(0, 46)) + "01"), msg00, infinitySig, false, false},
		{"pubkey on the curve, outside G1", offSubgroupG1(t), msg00, sig1on00, false, false},
		{"signature without compression flag", pk1, msg00, [96]byte{}, false, false},
		{"signature all 0xff", pk1, msg00, sig96(hex.EncodeToString(repeat(0xff, 96))), false, false},
		{"signature on the curve, outside G2", pk1, msg00, offSubgroupG2(t), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verify(tt.pk, tt.msg, tt.sig); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
			if got := Draft04.Verify(tt.pk, tt.msg, tt.sig); got != tt.want {
				t.Errorf("Draft04.Verify = %v, want %v", got, tt.want)
			}
			if got := Draft03.Verify(tt.pk, tt.msg, tt.sig); got != tt.want03 {
				t.Errorf("Draft03.Verify = %v, want %v", got, tt.want03)
			}
		})
	}
}

func TestKeyValidate(t *testing.T) {
	tests := []struct {
		name   string
		pk     [48]byte
		want   bool // under Draft04, the default rules
		want03 bool // under Draft03
	}{
		{"vector key", pk1, true, true},
		{"infinity (valid in draft-03 only)", infinityPK, false, true},
		{"no compression flag", [48]byte{}, false, false},
		{"x not below p", pk48(hex.EncodeToString(repeat(0xff, 48))), false, false},
		{"on the curve, outside G1", offSubgroupG1(t), false, false},
		{"flipped sign bit: the negated key, still valid", flipSign(pk1), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KeyValidate(tt.pk); got != tt.want {
				t.Errorf("KeyValidate = %v, want %v", got, tt.want)
			}
			if got := Draft04.KeyValidate(tt.pk); got != tt.want {
				t.Errorf("Draft04.KeyValidate = %v, want %v", got, tt.want)
			}
			if got := Draft03.KeyValidate(tt.pk); got != tt.want03 {
				t.Errorf("Draft03.KeyValidate = %v, want %v", got, tt.want03)
			}
		})
	}
}

func TestSecretKeyFromBytes(t *testing.T) {
	r := mustHex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001") // group order
	rMinus1 := mustHex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000")
	tests := []struct {
		name      string
		b         []byte
		wantLen   bool // a *SecretKeyError for the length
		wantRange bool // a *SecretKeyError for the range
		wantZero  bool // a *SecretKeyError for 0 under Draft04 (Draft03 accepts it)
	}{
		{"vector key", mustHex("263dbd792f5b1be47ed85f8938c0f29586af0d3ac7b977f21c278fe1462040e3"), false, false, false},
		{"zero (sign_case_zero_privkey)", make([]byte, 32), false, false, true},
		{"r - 1", rMinus1, false, false, false},
		{"r", r, false, true, false},
		{"all 0xff", repeat(0xff, 32), false, true, false},
		{"31 bytes", make([]byte, 31), true, false, false},
		{"48 bytes (zero-padded, as py_ecc prints keys)", make([]byte, 48), true, false, false},
		{"nil", nil, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []Rules{Draft04, Draft03} {
				_, err := r.SecretKeyFromBytes(tt.b)
				if r == Draft04 {
					if _, errDefault := SecretKeyFromBytes(tt.b); (errDefault == nil) != (err == nil) {
						t.Fatalf("SecretKeyFromBytes err = %v, Draft04 err = %v", errDefault, err)
					}
				}
				var ske *SecretKeyError
				zero := tt.wantZero && r == Draft04
				switch {
				case !tt.wantLen && !tt.wantRange && !zero:
					if err != nil {
						t.Fatalf("%v: err = %v, want nil", r, err)
					}
				case !errors.As(err, &ske):
					t.Fatalf("%v: err = %v, want a *SecretKeyError", r, err)
				case ske.OutOfRange != tt.wantRange || ske.Zero != zero:
					t.Fatalf("%v: err = %v, OutOfRange = %v Zero = %v, want %v %v", r, err, ske.OutOfRange, ske.Zero, tt.wantRange, zero)
				}
			}
		})
	}
}

// The secret key 0 is allowed by draft-03: its public key is the point at infinity and its
// signatures are the infinity signature, which is how the v0.12.3 vector
// verify_infinity_pubkey_and_infinity_signature comes to be valid. Under draft-04 the same
// pair does not verify.
func TestSecretKeyZero(t *testing.T) {
	var zero SecretKey
	if got := SkToPk(zero); got != infinityPK {
		t.Errorf("SkToPk(0) = %x, want the infinity key", got)
	}
	sig := Sign(zero, msg56)
	if sig != infinitySig {
		t.Errorf("Sign(0, m) = %x, want the infinity signature", sig)
	}
	if !Draft03.Verify(SkToPk(zero), msg56, sig) {
		t.Error("Draft03.Verify(SkToPk(0), m, Sign(0, m)) = false")
	}
	if Verify(SkToPk(zero), msg56, sig) {
		t.Error("Verify(SkToPk(0), m, Sign(0, m)) = true under the default rules (draft-04)")
	}
}

func TestAggregate(t *testing.T) {
	sig1on56 := Sign(sk1, msg56)
	tests := []struct {
		name      string
		sigs      [][96]byte
		want      [96]byte
		wantErr   bool
		wantCount int
		wantIndex int
		wantCurve bool
	}{
		{name: "vector", sigs: [][96]byte{sig1on00, sig2on00, sig3on00}, want: agg123on00},
		{name: "order does not matter", sigs: [][96]byte{sig3on00, sig1on00, sig2on00}, want: agg123on00},
		{name: "one signature is itself", sigs: [][96]byte{sig2on56}, want: sig2on56},
		{name: "infinity is the identity", sigs: [][96]byte{sig1on00, infinitySig, sig2on00, sig3on00}, want: agg123on00},
		{name: "a signature and its negation", sigs: [][96]byte{sig1on56, flipSignSig(sig1on56)}, want: infinitySig},
		{name: "empty", sigs: nil, wantErr: true, wantCount: 0},
		{name: "malformed second", sigs: [][96]byte{sig1on00, {}, sig3on00}, wantErr: true, wantCount: 3, wantIndex: 1},
		{name: "outside G2", sigs: [][96]byte{sig1on00, offSubgroupG2(t)}, wantErr: true, wantCount: 2, wantIndex: 1, wantCurve: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Aggregate(tt.sigs)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if got != tt.want {
					t.Errorf("Aggregate = %x, want %x", got, tt.want)
				}
				return
			}
			var ae *AggregateError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *AggregateError", err)
			}
			if ae.Count != tt.wantCount || (ae.Count > 0 && (ae.Index != tt.wantIndex || ae.InCurve != tt.wantCurve)) {
				t.Errorf("err = %+v, want Count %d Index %d InCurve %v", ae, tt.wantCount, tt.wantIndex, tt.wantCurve)
			}
		})
	}
}

func TestFastAggregateVerify(t *testing.T) {
	tests := []struct {
		name   string
		pks    [][48]byte
		msg    []byte
		sig    [96]byte
		want   bool // under Draft04, the default rules
		want03 bool // under Draft03
	}{
		{"three signers", [][48]byte{pk1, pk2, pk3}, msg00, agg123on00, true, true},
		{"signers in another order", [][48]byte{pk3, pk1, pk2}, msg00, agg123on00, true, true},
		{"one signer", [][48]byte{pk2}, msg56, sig2on56, true, true},
		{"missing signer", [][48]byte{pk1, pk2}, msg00, agg123on00, false, false},
		{"extra signer", [][48]byte{pk1, pk2, pk3, pk3}, msg00, agg123on00, false, false},
		{"wrong message", [][48]byte{pk1, pk2, pk3}, msg56, agg123on00, false, false},
		{"empty key list", nil, msg00, agg123on00, false, false},
		{"empty key list, infinity signature", nil, msgAB, infinitySig, false, false},
		{"infinity key (fast_aggregate_verify_infinity_pubkey; adds nothing in draft-03)", [][48]byte{pk1, infinityPK, pk2, pk3}, msg00, agg123on00, false, true},
		{"key and its negation sum to infinity (CoreVerify's KeyValidate)", [][48]byte{pk1, flipSign(pk1)}, msg00, infinitySig, false, true},
		{"malformed key", [][48]byte{pk1, {}, pk3}, msg00, agg123on00, false, false},
		{"key outside G1", [][48]byte{pk1, pk2, pk3, offSubgroupG1(t)}, msg00, agg123on00, false, false},
		{"signature outside G2", [][48]byte{pk1}, msg00, offSubgroupG2(t), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FastAggregateVerify(tt.pks, tt.msg, tt.sig); got != tt.want {
				t.Errorf("FastAggregateVerify = %v, want %v", got, tt.want)
			}
			if got := Draft04.FastAggregateVerify(tt.pks, tt.msg, tt.sig); got != tt.want {
				t.Errorf("Draft04.FastAggregateVerify = %v, want %v", got, tt.want)
			}
			if got := Draft03.FastAggregateVerify(tt.pks, tt.msg, tt.sig); got != tt.want03 {
				t.Errorf("Draft03.FastAggregateVerify = %v, want %v", got, tt.want03)
			}
		})
	}
}

func TestAggregateVerify(t *testing.T) {
	distinct, err := Aggregate([][96]byte{sig1on00, sig2on56, sig3onAB})
	if err != nil {
		t.Fatal(err)
	}
	same, err := Aggregate([][96]byte{Sign(sk1, msgAB), sig3onAB})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		pks    [][48]byte
		msgs   [][]byte
		sig    [96]byte
		want   bool // under Draft04, the default rules
		want03 bool // under Draft03
	}{
		{"distinct messages", [][48]byte{pk1, pk2, pk3}, [][]byte{msg00, msg56, msgAB}, distinct, true, true},
		{"repeated message (no distinctness rule in the PoP scheme)", [][48]byte{pk1, pk3}, [][]byte{msgAB, msgAB}, same, true, true},
		{"single pair is Verify", [][48]byte{pk1}, [][]byte{msg00}, sig1on00, true, true},
		{"messages swapped", [][48]byte{pk1, pk2, pk3}, [][]byte{msg56, msg00, msgAB}, distinct, false, false},
		{"missing pair", [][48]byte{pk1, pk2}, [][]byte{msg00, msg56}, distinct, false, false},
		{"more messages than keys", [][48]byte{pk1, pk2}, [][]byte{msg00, msg56, msgAB}, distinct, false, false},
		{"empty", nil, nil, distinct, false, false},
		{"empty, infinity signature", nil, nil, infinitySig, false, false},
		{"infinity key (aggregate_verify_infinity_pubkey; signs with infinity in draft-03)", [][48]byte{pk1, infinityPK}, [][]byte{msg00, msg56}, sig1on00, false, true},
		{"malformed key", [][48]byte{pk1, {}, pk3}, [][]byte{msg00, msg56, msgAB}, distinct, false, false},
		{"key outside G1", [][48]byte{pk1, pk2, offSubgroupG1(t)}, [][]byte{msg00, msg56, msgAB}, distinct, false, false},
		{"signature outside G2", [][48]byte{pk1}, [][]byte{msg00}, offSubgroupG2(t), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AggregateVerify(tt.pks, tt.msgs, tt.sig); got != tt.want {
				t.Errorf("AggregateVerify = %v, want %v", got, tt.want)
			}
			if got := Draft04.AggregateVerify(tt.pks, tt.msgs, tt.sig); got != tt.want {
				t.Errorf("Draft04.AggregateVerify = %v, want %v", got, tt.want)
			}
			if got := Draft03.AggregateVerify(tt.pks, tt.msgs, tt.sig); got != tt.want03 {
				t.Errorf("Draft03.AggregateVerify = %v, want %v", got, tt.want03)
			}
		})
	}
}

// Random bytes must never make a function panic; nearly all are rejected.
func TestRandomBytesNeverPanic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		var pk [48]byte
		var sig [96]byte
		fill(rng, pk[:])
		fill(rng, sig[:])
		if i%2 == 0 {
			pk[0] |= 0x80 // compressed flag set: exercises decompression, not just the flag check
			sig[0] |= 0x80
		}
		if Verify(pk, msg00, sig) || FastAggregateVerify([][48]byte{pk, pk1}, msg00, sig) ||
			AggregateVerify([][48]byte{pk}, [][]byte{msg00}, sig) {
			t.Fatalf("random pk %x, sig %x verified", pk, sig)
		}
		KeyValidate(pk)
		_, _ = Aggregate([][96]byte{sig, sig1on00})
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(pk1[:], msg00, sig1on00[:])
	f.Add(infinityPK[:], msgAB, infinitySig[:])
	f.Fuzz(func(t *testing.T, pkb, msg, sigb []byte) {
		var pk [48]byte
		var sig [96]byte
		copy(pk[:], pkb)
		copy(sig[:], sigb)
		Verify(pk, msg, sig)
		FastAggregateVerify([][48]byte{pk}, msg, sig)
		_, _ = Aggregate([][96]byte{sig})
	})
}

func BenchmarkVerify(b *testing.B) {
	for b.Loop() {
		if !Verify(pk1, msg00, sig1on00) {
			b.Fatal("Verify = false")
		}
	}
}

func BenchmarkFastAggregateVerify128(b *testing.B) {
	const n = 128
	msg := repeat(0x56, 32)
	pks := make([][48]byte, n)
	sigs := make([][96]byte, n)
	for i := range n {
		var kb [32]byte
		binary.BigEndian.PutUint64(kb[24:], uint64(i)+1) // small keys: fine for timing
		sk, err := SecretKeyFromBytes(kb[:])
		if err != nil {
			b.Fatal(err)
		}
		pks[i], sigs[i] = SkToPk(sk), Sign(sk, msg)
	}
	sig, err := Aggregate(sigs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if !FastAggregateVerify(pks, msg, sig) {
			b.Fatal("FastAggregateVerify = false")
		}
	}
}

// offSubgroupG1 returns the first compressed point of E1 with x = 0, 1, 2, ... that lies
// outside G1 (a point on E1 is in G1 with probability 1/h, h the cofactor, about 2^-125).
func offSubgroupG1(t testing.TB) [48]byte {
	for x := uint64(0); x < 1000; x++ {
		var b [48]byte
		binary.BigEndian.PutUint64(b[40:], x)
		b[0] = 0x80
		if p := new(blst.P1Affine).Uncompress(b[:]); p != nil && !p.InG1() {
			return b
		}
	}
	t.Fatal("no point of E1 outside G1 found")
	return [48]byte{}
}

// offSubgroupG2 is offSubgroupG1 for E2, with x = x0 + 0*i.
func offSubgroupG2(t testing.TB) [96]byte {
	for x := uint64(0); x < 1000; x++ {
		var b [96]byte
		binary.BigEndian.PutUint64(b[88:], x) // x.c0; x.c1 = 0 in b[0:48]
		b[0] = 0x80
		if p := new(blst.P2Affine).Uncompress(b[:]); p != nil && !p.InG2() {
			return b
		}
	}
	t.Fatal("no point of E2 outside G2 found")
	return [96]byte{}
}

// flipSign negates a compressed G1 point: the sign flag picks the other y.
func flipSign(pk [48]byte) [48]byte { pk[0] ^= 0x20; return pk }

// flipSignSig negates a compressed G2 point.
func flipSignSig(sig [96]byte) [96]byte { sig[0] ^= 0x20; return sig }

func mustSK(h string) SecretKey {
	sk, err := SecretKeyFromBytes(mustHex(h))
	if err != nil {
		panic(err)
	}
	return sk
}

func pk48(h string) (pk [48]byte) {
	if copy(pk[:], mustHex(h)) != 48 {
		panic("not 48 bytes: " + h)
	}
	return pk
}

func sig96(h string) (sig [96]byte) {
	if copy(sig[:], mustHex(h)) != 96 {
		panic("not 96 bytes: " + h)
	}
	return sig
}

func mustHex(h string) []byte {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic(err)
	}
	return b
}

func repeat(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}

func fill(rng *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
}
