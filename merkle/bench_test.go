package merkle_test

import (
	"math/rand"
	"testing"

	"github.com/beaconcheck/beaconcheck/merkle"
	"github.com/beaconcheck/beaconcheck/spec"
)

// BenchmarkProveBalanceMainnet100k proves one balance of a mainnet-preset state with
// 100,000 validators (lists limited at 2**40). Most of the time is ssz.TreeOf hashing the
// state's fields (the validators above all); the proof itself hashes the 25,000 balance
// chunks beside the path and reads the 2**38-chunk padding as zero hashes.
func BenchmarkProveBalanceMainnet100k(b *testing.B) {
	cfg := spec.MustPreset("mainnet")
	state := bigState(cfg, 100_000)
	root, err := spec.HashTreeRoot(cfg, state)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := merkle.Prove(cfg, state, "balances/17")
		if err != nil {
			b.Fatal(err)
		}
		if !p.Verify(root) {
			b.Fatal("proof does not verify")
		}
	}
}

// BenchmarkHashTreeRootMainnet100k is the yardstick for the one above: hash_tree_root of
// the same state.
func BenchmarkHashTreeRootMainnet100k(b *testing.B) {
	cfg := spec.MustPreset("mainnet")
	state := bigState(cfg, 100_000)
	for b.Loop() {
		if _, err := spec.HashTreeRoot(cfg, state); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDepositTreePush adds one deposit to a tree (the contract's update plus the
// stored subtree roots).
func BenchmarkDepositTreePush(b *testing.B) {
	var tree merkle.DepositTree
	var leaf [32]byte
	for b.Loop() {
		leaf[0]++
		if err := tree.Push(leaf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDepositProof proves random deposits of a 50,000-deposit tree against random
// later counts.
func BenchmarkDepositProof(b *testing.B) {
	var tree merkle.DepositTree
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 50_000; i++ {
		var leaf [32]byte
		r.Read(leaf[:])
		if err := tree.Push(leaf); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		i := uint64(r.Intn(50_000))
		if _, err := tree.ProofAt(i, i+1+uint64(r.Intn(50_000-int(i)))); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProveValidatorMainnet100k proves a field of one validator of the same state.
// ssz.TreeOf hashes the validators twice here: once as a field of the state, once
// element by element for the list's own view.
func BenchmarkProveValidatorMainnet100k(b *testing.B) {
	cfg := spec.MustPreset("mainnet")
	state := bigState(cfg, 100_000)
	for b.Loop() {
		if _, err := merkle.Prove(cfg, state, "validators/17/effective_balance"); err != nil {
			b.Fatal(err)
		}
	}
}
