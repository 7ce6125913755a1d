package merkle

import (
	"fmt"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// Elem locates a packed basic element (a balance, a byte of a pubkey, a bit of a bitfield)
// inside the chunk that holds it.
type Elem struct {
	Offset int // the element's first byte in the chunk
	Size   int // its size in bytes; 0 for a bit of a bitfield
	Bit    int // for a bit: its position in byte Offset, 0 the least significant
}

// Proof is a single-item Merkle proof: Leaf is the node at GIndex in the tree of a value
// whose hash_tree_root is Root, and Branch holds the nodes at BranchIndices(GIndex), the
// leaf's sibling first and a child of the root last.
type Proof struct {
	Path   string
	GIndex GIndex
	Leaf   [32]byte
	Branch [][32]byte
	Root   [32]byte
	// Elem is set when Path ends at an element of a packed list or vector: Leaf is the
	// whole chunk holding it, and Elem says where in the chunk the element lies.
	Elem *Elem
}

// Verify tells whether the proof holds against root (verify_merkle_proof): whether Leaf
// hashes up with Branch, turning at each level as GIndex says, to root. It does not trust
// p.Root.
func (p *Proof) Verify(root [32]byte) bool {
	return VerifyMerkleProof(p.Leaf, p.Branch, p.GIndex, root)
}

// Prove builds the proof of the node path names (see "Paths" in the package
// documentation) in the tree of obj, sized by ctx as for ssz.HashTreeRoot.
//
// Cost: ssz.TreeOf hashes each container on the path once, field by field (so about one
// hash_tree_root(obj), plus the elements of each list of containers the path enters).
// Beyond that Prove hashes only the subtrees beside the path, reading empty subtrees as zero
// hashes: the balances of a 100,000-validator state take about 25,000 hashes however large
// the list's limit.
func Prove(ctx any, obj ssz.Object, path string) (*Proof, error) {
	w, err := newWalker(ctx, obj)
	if err != nil {
		return nil, err
	}
	tg, err := w.resolve(path)
	if err != nil {
		return nil, err
	}
	branch, err := w.nodes(BranchIndices(tg.gindex))
	if err != nil {
		return nil, err
	}
	return &Proof{Path: path, GIndex: tg.gindex, Leaf: tg.leaf, Branch: branch, Root: w.top.rootHash(), Elem: tg.elem}, nil
}

// nodes returns the nodes at the given indices.
func (w *walker) nodes(indices []GIndex) ([][32]byte, error) {
	out := make([][32]byte, len(indices))
	for i, g := range indices {
		n, err := w.node(g)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// Multiproof proves several nodes of one tree at once (the spec's "Merkle multiproofs"):
// Leaves[i] is the node at GIndices[i], named by Paths[i], and Helpers are the nodes at
// HelperIndices(GIndices), in that (decreasing) order: the spec's proof argument.
type Multiproof struct {
	Paths    []string
	GIndices []GIndex
	Leaves   [][32]byte
	Elems    []*Elem // as Proof.Elem, per path
	Helpers  [][32]byte
	Root     [32]byte
}

// Verify tells whether the multiproof holds against root (verify_merkle_multiproof).
func (m *Multiproof) Verify(root [32]byte) bool {
	return VerifyMultiproof(m.Leaves, m.Helpers, m.GIndices, root)
}

// ProveMulti builds one multiproof of the nodes paths name in the tree of obj (see Prove).
// Two paths may name the same node (balances/16 and balances/17 share a chunk), but not a
// node and one below it: VerifyMultiproof would not authenticate the lower one.
func ProveMulti(ctx any, obj ssz.Object, paths []string) (*Multiproof, error) {
	if len(paths) == 0 {
		return nil, &ProofError{Kind: NoIndices}
	}
	w, err := newWalker(ctx, obj)
	if err != nil {
		return nil, err
	}
	m := &Multiproof{Paths: paths}
	for _, p := range paths {
		tg, err := w.resolve(p)
		if err != nil {
			return nil, err
		}
		m.GIndices = append(m.GIndices, tg.gindex)
		m.Leaves = append(m.Leaves, tg.leaf)
		m.Elems = append(m.Elems, tg.elem)
	}
	at := make(map[GIndex]int, len(paths)) // a path naming each proven node
	for i, g := range m.GIndices {
		at[g] = i
	}
	for i, g := range m.GIndices {
		for a := g.Parent(); a >= 1; a = a.Parent() {
			if k, ok := at[a]; ok {
				return nil, fmt.Errorf("merkle: paths %q and %q: %w", paths[i], paths[k],
					&ProofError{Kind: OverlappingIndices, GIndex: g, Other: a})
			}
		}
	}
	if m.Helpers, err = w.nodes(HelperIndices(m.GIndices)); err != nil {
		return nil, err
	}
	m.Root = w.top.rootHash()
	return m, nil
}
