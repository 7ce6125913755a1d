package merkle_test

import (
	"errors"
	"math/rand"
	"testing"

	"github.com/beaconcheck/beaconcheck/merkle"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

func TestDepositConstantsMatchSpec(t *testing.T) {
	if merkle.DepositContractTreeDepth != spec.DepositContractTreeDepth {
		t.Errorf("DepositContractTreeDepth %d, spec %d", merkle.DepositContractTreeDepth, spec.DepositContractTreeDepth)
	}
	var d spec.Deposit
	d.Proof = make([]spec.Root, merkle.DepositProofLength)
	if _, err := spec.HashTreeRoot(spec.MustPreset("minimal"), &d); err != nil {
		t.Errorf("a Deposit with a proof of DepositProofLength nodes: %v", err)
	}
}

// depositListRoot is hash_tree_root(List[DepositData, 2**DEPOSIT_CONTRACT_TREE_DEPTH]) of
// datas, as initialize_beacon_state_from_eth1 computes it.
func depositListRoot(t *testing.T, cfg *spec.Config, datas []spec.DepositData) [32]byte {
	t.Helper()
	return mustHTR(t, cfg, ssz.Value(func(c ssz.Codec) {
		ssz.List(c, "deposit_data_list", &datas, 1<<spec.DepositContractTreeDepth)
	}))
}

// TestDepositTreeMatchesSSZList: for counts 0..40 the tree's root is hash_tree_root of the
// SSZ list of the deposits so far, and every deposit's proof passes is_valid_merkle_branch
// with depth 33, against the current root and against the root right after it (genesis).
func TestDepositTreeMatchesSSZList(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	r := rand.New(rand.NewSource(20))
	var tree merkle.DepositTree
	var datas []spec.DepositData
	var leaves [][32]byte
	var roots [][32]byte // roots[c]: the root with c deposits
	for count := 0; count <= 40; count++ {
		if count > 0 {
			d := randDepositData(r)
			datas = append(datas, d)
			leaves = append(leaves, mustHTR(t, cfg, &d))
			if err := tree.Push(leaves[count-1]); err != nil {
				t.Fatal(err)
			}
		}
		if tree.Count() != uint64(count) {
			t.Fatalf("Count() = %d after %d pushes", tree.Count(), count)
		}
		root := tree.Root()
		roots = append(roots, root)
		if want := depositListRoot(t, cfg, datas); root != want {
			t.Fatalf("%d deposits: Root %x, hash_tree_root of the list %x", count, root, want)
		}
		if at, err := tree.RootAt(uint64(count)); err != nil || at != root {
			t.Fatalf("%d deposits: RootAt %x, %v; Root %x", count, at, err, root)
		}
		for i := 0; i < count; i++ {
			proof, err := tree.Proof(uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			if len(proof) != merkle.DepositProofLength {
				t.Fatalf("proof of %d nodes", len(proof))
			}
			if !merkle.IsValidMerkleBranch(leaves[i], proof, spec.DepositContractTreeDepth+1, uint64(i), root) {
				t.Fatalf("%d deposits: proof of deposit %d does not verify", count, i)
			}
			if merkle.IsValidMerkleBranch(leaves[i], proof, spec.DepositContractTreeDepth+1, uint64(i)^1, root) {
				t.Errorf("%d deposits: proof of deposit %d verifies at %d", count, i, i^1)
			}
		}
	}
	// Earlier roots: genesis proves deposit i against the root of the first i+1 deposits,
	// and any deposit proves against any later count.
	for c := 1; c <= 40; c++ {
		if at, err := tree.RootAt(uint64(c)); err != nil || at != roots[c] {
			t.Fatalf("RootAt(%d) = %x, %v; the root then was %x", c, at, err, roots[c])
		}
		for i := 0; i < c; i++ {
			proof, err := tree.ProofAt(uint64(i), uint64(c))
			if err != nil {
				t.Fatal(err)
			}
			if !merkle.IsValidMerkleBranch(leaves[i], proof, spec.DepositContractTreeDepth+1, uint64(i), roots[c]) {
				t.Fatalf("deposit %d does not verify against the root of %d deposits", i, c)
			}
		}
	}
}

// TestDepositTreeLarge holds the contract's root, RootAt and Merkleize equal over a few
// thousand deposits, and spot-checks proofs.
func TestDepositTreeLarge(t *testing.T) {
	r := rand.New(rand.NewSource(21))
	var tree merkle.DepositTree
	var leaves [][32]byte
	for n := 1; n <= 3000; n++ {
		var leaf [32]byte
		r.Read(leaf[:])
		leaves = append(leaves, leaf)
		if err := tree.Push(leaf); err != nil {
			t.Fatal(err)
		}
		root := tree.Root()
		if at, _ := tree.RootAt(uint64(n)); at != root {
			t.Fatalf("%d deposits: RootAt differs from the contract's root", n)
		}
		if n%500 == 0 || n == 1 || n == 1024 || n == 1025 {
			data, err := merkle.Merkleize(leaves, 1<<merkle.DepositContractTreeDepth)
			if err != nil {
				t.Fatal(err)
			}
			if want := merkle.MixInLength(data, uint64(n)); root != want {
				t.Fatalf("%d deposits: root %x, Merkleize %x", n, root, want)
			}
			for k := 0; k < 50; k++ {
				i, c := uint64(r.Intn(n)), uint64(n)
				if k%2 == 1 {
					c = i + 1 + uint64(r.Intn(n-int(i)))
				}
				proof, err := tree.ProofAt(i, c)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := tree.RootAt(c)
				if !merkle.IsValidMerkleBranch(leaves[i], proof, merkle.DepositProofLength, i, want) {
					t.Fatalf("deposit %d against %d deposits does not verify", i, c)
				}
			}
		}
	}
}

func TestDepositTreeErrors(t *testing.T) {
	var tree merkle.DepositTree
	for i := 0; i < 3; i++ {
		if err := tree.Push([32]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		err  func() error
		kind merkle.DepositTreeErrorKind
	}{
		{"Proof(3) of 3", func() error { _, err := tree.Proof(3); return err }, merkle.DepositIndexRange},
		{"ProofAt(2, 2)", func() error { _, err := tree.ProofAt(2, 2); return err }, merkle.DepositIndexRange},
		{"ProofAt(0, 4) of 3", func() error { _, err := tree.ProofAt(0, 4); return err }, merkle.DepositCountRange},
		{"RootAt(4) of 3", func() error { _, err := tree.RootAt(4); return err }, merkle.DepositCountRange},
		{"Proof(0) of none", func() error { var empty merkle.DepositTree; _, err := empty.Proof(0); return err }, merkle.DepositIndexRange},
	}
	for _, tc := range tests {
		var de *merkle.DepositTreeError
		if err := tc.err(); !errors.As(err, &de) || de.Kind != tc.kind {
			t.Errorf("%s: got %v, want a DepositTreeError of kind %d", tc.name, err, tc.kind)
		}
	}
	var empty merkle.DepositTree
	if want := merkle.MixInLength(merkle.ZeroHash(32), 0); empty.Root() != want {
		t.Errorf("empty tree root %x, want %x", empty.Root(), want)
	}
}
