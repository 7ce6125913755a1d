package bls

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// verifyCase is one Verify or FastAggregateVerify check and its answer.
type verifyCase struct {
	name string
	pks  [][48]byte // one key: Verify; otherwise FastAggregateVerify (nil: FastAggregateVerify of none)
	fast bool
	msg  []byte
	sig  [96]byte
}

func (c verifyCase) direct(r Rules) bool {
	if c.fast {
		return r.FastAggregateVerify(c.pks, c.msg, c.sig)
	}
	return r.Verify(c.pks[0], c.msg, c.sig)
}

func (c verifyCase) addTo(b *Batch) {
	if c.fast {
		b.AddFastAggregateVerify(c.name, c.pks, c.msg, c.sig)
	} else {
		b.AddVerify(c.name, c.pks[0], c.msg, c.sig)
	}
}

// The cases of TestVerify and TestFastAggregateVerify: valid ones, and every way the
// drafts have of saying no, including the points at infinity.
func verifyCases(t *testing.T) []verifyCase {
	tampered := sig1on00
	copy(tampered[92:], []byte{0xff, 0xff, 0xff, 0xff})
	one := func(name string, pk [48]byte, msg []byte, sig [96]byte) verifyCase {
		return verifyCase{name: name, pks: [][48]byte{pk}, msg: msg, sig: sig}
	}
	fast := func(name string, pks [][48]byte, msg []byte, sig [96]byte) verifyCase {
		return verifyCase{name: name, pks: pks, fast: true, msg: msg, sig: sig}
	}
	return []verifyCase{
		one("valid", pk1, msg00, sig1on00),
		one("valid, other key", pk3, msgAB, sig3onAB),
		one("tampered message", pk1, msg56, sig1on00),
		one("wrong key", pk2, msg00, sig1on00),
		one("tampered signature", pk1, msg00, tampered),
		one("infinity key, infinity signature", infinityPK, msgAB, infinitySig),
		one("infinity key, real signature", infinityPK, msg00, sig1on00),
		one("real key, infinity signature", pk1, msg00, infinitySig),
		one("pubkey without compression flag", [48]byte{}, msg00, sig1on00),
		one("pubkey on the curve, outside G1", offSubgroupG1(t), msg00, sig1on00),
		one("signature without compression flag", pk1, msg00, [96]byte{}),
		one("signature outside G2", pk1, msg00, offSubgroupG2(t)),
		fast("three signers", [][48]byte{pk1, pk2, pk3}, msg00, agg123on00),
		fast("one signer", [][48]byte{pk2}, msg56, sig2on56),
		fast("missing signer", [][48]byte{pk1, pk2}, msg00, agg123on00),
		fast("empty key list", nil, msg00, agg123on00),
		fast("empty key list, infinity signature", nil, msgAB, infinitySig),
		fast("key and its negation sum to infinity", [][48]byte{pk1, flipSign(pk1)}, msg00, infinitySig),
		fast("keys summing to infinity, real signature", [][48]byte{pk1, flipSign(pk1)}, msg00, sig1on00),
		fast("malformed key", [][48]byte{pk1, {}, pk3}, msg00, agg123on00),
		fast("key outside G1", [][48]byte{pk1, pk2, pk3, offSubgroupG1(t)}, msg00, agg123on00),
		fast("infinity key among signers", [][48]byte{pk1, infinityPK, pk2, pk3}, msg00, agg123on00),
	}
}

// A batch's answer is the conjunction of the direct answers, and its error names the
// first false one: each case alone, and each case between valid checks, under both rules.
func TestBatchAgreesWithDirectVerification(t *testing.T) {
	for _, r := range []Rules{Draft04, Draft03} {
		t.Run(r.String(), func(t *testing.T) { testBatchAgrees(t, r) })
	}
}

func testBatchAgrees(t *testing.T, r Rules) {
	valid := []verifyCase{
		{name: "before", pks: [][48]byte{pk2}, msg: msg56, sig: sig2on56},
		{name: "aggregate", pks: [][48]byte{pk1, pk2, pk3}, fast: true, msg: msg00, sig: agg123on00},
	}
	for _, c := range verifyCases(t) {
		t.Run(c.name, func(t *testing.T) {
			want := c.direct(r)
			for _, layout := range [][]verifyCase{{c}, {valid[0], c}, {valid[0], c, valid[1]}, {c, valid[1], valid[0]}} {
				b := Batch{Rules: r}
				at := -1
				for i, x := range layout {
					x.addTo(&b)
					if x.name == c.name {
						at = i
					}
				}
				err := b.Check()
				if want {
					if err != nil {
						t.Errorf("layout of %d: Check = %v, want nil (direct verification says valid)", len(layout), err)
					}
					continue
				}
				var be *BatchError
				if !errors.As(err, &be) {
					t.Fatalf("layout of %d: Check = %v, want a *BatchError", len(layout), err)
				}
				if be.Index != at || be.Label != c.name || be.Count != len(layout) {
					t.Errorf("layout of %d: %+v, want index %d label %q", len(layout), be, at, c.name)
				}
			}
		})
	}
}

// Many valid checks of many keys and messages pass as one combination; one bad signature
// among them is found, and it is the first bad one that is named.
func TestBatchManyChecks(t *testing.T) {
	const n = 40
	var b Batch
	type item struct {
		pk  [48]byte
		msg []byte
		sig [96]byte
	}
	items := make([]item, n)
	for i := range items {
		var kb [32]byte
		binary.BigEndian.PutUint64(kb[24:], uint64(i)+7)
		sk, err := SecretKeyFromBytes(kb[:])
		if err != nil {
			t.Fatal(err)
		}
		msg := []byte(fmt.Sprintf("message %d", i%5)) // repeated messages too
		items[i] = item{SkToPk(sk), msg, Sign(sk, msg)}
		b.AddVerify(fmt.Sprint(i), items[i].pk, items[i].msg, items[i].sig)
	}
	if err := b.Check(); err != nil {
		t.Fatalf("all valid: %v", err)
	}
	for _, bad := range [][]int{{0}, {17}, {n - 1}, {5, 30}} {
		var b Batch
		for i, it := range items {
			sig := it.sig
			for _, k := range bad {
				if k == i {
					sig = items[(i+1)%n].sig
				}
			}
			b.AddVerify(fmt.Sprint(i), it.pk, it.msg, sig)
		}
		var be *BatchError
		if err := b.Check(); !errors.As(err, &be) || be.Index != bad[0] {
			t.Errorf("bad %v: Check = %v, want check %d named", bad, err, bad[0])
		}
	}
	if err := VerifyBatch([][48]byte{pk1, pk3}, [][]byte{msg00, msgAB}, [][96]byte{sig1on00, sig3onAB}); err != nil {
		t.Errorf("VerifyBatch of two valid: %v", err)
	}
	if err := VerifyBatch([][48]byte{pk1}, [][]byte{msg00, msgAB}, [][96]byte{sig1on00}); err == nil {
		t.Error("VerifyBatch with mismatched lengths: nil error")
	}
}

func TestEmptyBatch(t *testing.T) {
	var b Batch
	if err := b.Check(); err != nil || b.Len() != 0 {
		t.Errorf("empty batch: Check = %v, Len = %d", err, b.Len())
	}
	b.AddVerify("x", pk1, msg56, sig1on00)
	b.Reset()
	if err := b.Check(); err != nil || b.Len() != 0 {
		t.Errorf("after Reset: Check = %v, Len = %d", err, b.Len())
	}
}

// The cache answers what decoding answers, from many goroutines at once, and stays within
// its bound.
func TestPubkeyCache(t *testing.T) {
	c := pubkeyCache{max: 8}
	keys := [][48]byte{pk1, pk2, pk3, infinityPK, {}, offSubgroupG1(t), flipSign(pk1)}
	for i := 0; i < 20; i++ {
		var kb [32]byte
		binary.BigEndian.PutUint64(kb[24:], uint64(i)+100)
		sk, _ := SecretKeyFromBytes(kb[:])
		keys = append(keys, SkToPk(sk))
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for round := 0; round < 5; round++ {
				for i := range keys {
					k := keys[(i+g)%len(keys)]
					got, want := c.get(k), validPubkey(k)
					if (got == nil) != (want == nil) || got != nil && !got.Equals(want) {
						t.Errorf("key %s: cached %v, decoded %v", hex.EncodeToString(k[:4]), got, want)
					}
				}
			}
		})
	}
	wg.Wait()
	c.mu.RLock()
	defer c.mu.RUnlock()
	if len(c.cur) > c.max || len(c.old) > c.max {
		t.Errorf("generations of %d and %d keys, bound %d", len(c.cur), len(c.old), c.max)
	}
	if c.hits.Load() == 0 {
		t.Error("no cache hits")
	}
}

func BenchmarkBatch128Aggregates(b *testing.B) {
	// 8 attestations of 128 signers each, different messages: a block's worth.
	const committees, size = 8, 128
	type att struct {
		pks [][48]byte
		msg []byte
		sig [96]byte
	}
	atts := make([]att, committees)
	for c := range atts {
		msg := []byte(fmt.Sprintf("attestation data %d", c))
		sigs := make([][96]byte, size)
		atts[c].msg = msg
		for i := range size {
			var kb [32]byte
			binary.BigEndian.PutUint64(kb[24:], uint64(c*size+i)+1)
			sk, _ := SecretKeyFromBytes(kb[:])
			atts[c].pks = append(atts[c].pks, SkToPk(sk))
			sigs[i] = Sign(sk, msg)
		}
		atts[c].sig, _ = Aggregate(sigs)
	}
	b.Run("one-by-one", func(b *testing.B) {
		for b.Loop() {
			for _, a := range atts {
				if !FastAggregateVerify(a.pks, a.msg, a.sig) {
					b.Fatal("invalid")
				}
			}
		}
	})
	b.Run("batch", func(b *testing.B) {
		for b.Loop() {
			var batch Batch
			for i, a := range atts {
				batch.AddFastAggregateVerify(fmt.Sprint(i), a.pks, a.msg, a.sig)
			}
			if err := batch.Check(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
