package merkle

import "fmt"

// DepositContractTreeDepth is the spec's DEPOSIT_CONTRACT_TREE_DEPTH (deposit-contract.md),
// repeated here because merkle cannot import spec; a test holds the two equal.
const DepositContractTreeDepth = 32

// MaxDepositCount is the deposit contract's MAX_DEPOSIT_COUNT, 2**32 - 1: the contract
// refuses the deposit that would fill the last leaf.
const MaxDepositCount = 1<<DepositContractTreeDepth - 1

// DepositProofLength is the length of a Deposit's proof: one sibling per level of the
// deposit tree, then the length chunk (the spec's DEPOSIT_CONTRACT_TREE_DEPTH + 1).
const DepositProofLength = DepositContractTreeDepth + 1

// DepositTree is the deposit contract's incremental Merkle tree ("Deposit contract",
// deposit_contract.sol): leaves are hash_tree_root(DepositData) in deposit order, the tree
// has depth 32, and its root has the deposit count mixed in, so Root equals hash_tree_root
// of List[DepositData, 2**32] holding the deposits, the deposit_root of Eth1Data.
//
// It keeps two structures side by side:
//
//   - the contract's own: a branch of 32 nodes updated in O(depth) per deposit, from which
//     Root is computed as get_deposit_root does. This is the reference.
//   - every complete subtree's root, level by level (about 2n nodes for n deposits, one
//     hash per deposit amortised), from which ProofAt and RootAt read the tree as it stood
//     after any earlier deposit, with O(depth**2) hashes at most per call (the nodes on
//     the edge of the filled part are recomputed; everything left of it is stored, right
//     of it is a zero hash). Tests hold RootAt(Count()) equal to Root.
//
// The zero DepositTree is empty and ready to use. It is not safe for concurrent use.
type DepositTree struct {
	branch [DepositContractTreeDepth][32]byte
	count  uint64
	// complete[k][j] is the root of the j-th subtree of height k, once all its 2**k leaves
	// are in; complete[0] holds the leaves.
	complete [DepositContractTreeDepth][][32]byte
}

// DepositTreeErrorKind names the way a request to a DepositTree fails.
type DepositTreeErrorKind uint8

const (
	// DepositTreeFull: Push on a tree holding MaxDepositCount deposits.
	DepositTreeFull DepositTreeErrorKind = iota + 1
	// DepositCountRange: a count larger than the number of deposits in the tree.
	DepositCountRange
	// DepositIndexRange: a deposit index not below the count it is proven against.
	DepositIndexRange
)

// DepositTreeError reports a request a DepositTree cannot serve.
type DepositTreeError struct {
	Kind  DepositTreeErrorKind
	Index uint64 // the deposit asked for, for DepositIndexRange
	Count uint64 // the count asked for
	Have  uint64 // the deposits in the tree
}

func (e *DepositTreeError) Error() string {
	switch e.Kind {
	case DepositTreeFull:
		return fmt.Sprintf("merkle: deposit tree full: it holds %d deposits, the most the contract accepts", e.Have)
	case DepositCountRange:
		return fmt.Sprintf("merkle: deposit count %d beyond the %d deposits in the tree", e.Count, e.Have)
	case DepositIndexRange:
		return fmt.Sprintf("merkle: deposit %d out of range: the tree of the first %d deposits does not hold it", e.Index, e.Count)
	}
	return "merkle: deposit tree error"
}

// Count is the number of deposits in the tree (the contract's deposit_count).
func (t *DepositTree) Count() uint64 { return t.count }

// Push adds the next deposit's leaf, hash_tree_root(deposit_data): the contract's deposit
// function from the point where it has checked the data root.
func (t *DepositTree) Push(leaf [32]byte) error {
	if t.count >= MaxDepositCount {
		return &DepositTreeError{Kind: DepositTreeFull, Have: t.count}
	}
	t.count++
	size, node := t.count, leaf
	for height := 0; height < DepositContractTreeDepth; height++ {
		if size&1 == 1 {
			t.branch[height] = node
			break
		}
		node = HashPair(t.branch[height], node)
		size /= 2
	}

	t.complete[0] = append(t.complete[0], leaf)
	for k := 1; k < DepositContractTreeDepth; k++ {
		j := uint64(len(t.complete[k]))
		if (j+1)<<k > t.count {
			break
		}
		t.complete[k] = append(t.complete[k], HashPair(t.complete[k-1][2*j], t.complete[k-1][2*j+1]))
	}
	return nil
}

// Root is the contract's get_deposit_root: the root of the tree with the deposit count
// mixed in.
func (t *DepositTree) Root() [32]byte {
	var node [32]byte
	size := t.count
	for height := 0; height < DepositContractTreeDepth; height++ {
		if size&1 == 1 {
			node = HashPair(t.branch[height], node)
		} else {
			node = HashPair(node, zeroHashes[height])
		}
		size /= 2
	}
	return MixInLength(node, t.count)
}

// RootAt is the deposit root the contract reported when it held the first count deposits:
// hash_tree_root of List[DepositData, 2**32] of them.
func (t *DepositTree) RootAt(count uint64) ([32]byte, error) {
	if count > t.count {
		return [32]byte{}, &DepositTreeError{Kind: DepositCountRange, Count: count, Have: t.count}
	}
	return MixInLength(t.node(DepositContractTreeDepth, 0, count), count), nil
}

// Proof is ProofAt(index, Count()): deposit index's proof against the current Root.
func (t *DepositTree) Proof(index uint64) ([][32]byte, error) {
	return t.ProofAt(index, t.count)
}

// ProofAt returns the DepositProofLength-node proof of deposit index against
// RootAt(count): the 32 siblings on its path in the tree of the first count deposits,
// bottom-up, then the count's length chunk. Phase 0's process_deposit checks it with
// is_valid_merkle_branch(leaf, proof, DEPOSIT_CONTRACT_TREE_DEPTH + 1, index, root); genesis
// (initialize_beacon_state_from_eth1) proves deposit i with count i+1.
func (t *DepositTree) ProofAt(index, count uint64) ([][32]byte, error) {
	if count > t.count {
		return nil, &DepositTreeError{Kind: DepositCountRange, Count: count, Have: t.count}
	}
	if index >= count {
		return nil, &DepositTreeError{Kind: DepositIndexRange, Index: index, Count: count, Have: t.count}
	}
	proof := make([][32]byte, 0, DepositProofLength)
	for k := 0; k < DepositContractTreeDepth; k++ {
		proof = append(proof, t.node(k, (index>>k)^1, count))
	}
	return append(proof, lengthChunk(count)), nil
}

// node is the j-th node of height k in the tree of the first count deposits. Only a node
// straddling count is hashed, and of its two children at most one straddles it again.
func (t *DepositTree) node(k int, j uint64, count uint64) [32]byte {
	lo := j << k
	switch {
	case lo >= count:
		return zeroHashes[k]
	case lo+1<<k <= count:
		return t.complete[k][j]
	}
	return HashPair(t.node(k-1, 2*j, count), t.node(k-1, 2*j+1, count))
}
