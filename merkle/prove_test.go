package merkle_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/merkle"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

var (
	validatorFields  = []string{"pubkey", "withdrawal_credentials", "effective_balance", "slashed", "activation_eligibility_epoch", "activation_epoch", "exit_epoch", "withdrawable_epoch"}
	headerFields     = []string{"slot", "proposer_index", "parent_root", "state_root", "body_root"}
	eth1DataFields   = []string{"deposit_root", "deposit_count", "block_hash"}
	checkpointFields = []string{"epoch", "root"}
	attDataPaths     = []string{"slot", "index", "beacon_block_root", "source", "source/epoch", "source/root", "target", "target/epoch", "target/root"}
	stateLists       = []string{"historical_roots", "eth1_data_votes", "validators", "balances", "previous_epoch_attestations", "current_epoch_attestations"}
	checkpointNames  = []string{"previous_justified_checkpoint", "current_justified_checkpoint", "finalized_checkpoint"}
)

func pick(r *rand.Rand, s []string) string { return s[r.Intn(len(s))] }

// randStatePath returns a random path that names a node of s.
func randStatePath(r *rand.Rand, cfg *spec.Config, s *spec.BeaconState, names []string) string {
	n := len(s.Validators)
	switch r.Intn(16) {
	case 0:
		return pick(r, names)
	case 1:
		return fmt.Sprintf("validators/%d", r.Intn(n))
	case 2, 3:
		return fmt.Sprintf("validators/%d/%s", r.Intn(n), pick(r, validatorFields))
	case 4:
		return fmt.Sprintf("validators/%d/pubkey/%d", r.Intn(n), r.Intn(48))
	case 5, 6:
		return fmt.Sprintf("balances/%d", r.Intn(n))
	case 7:
		return fmt.Sprintf("%s/%d", pick(r, []string{"block_roots", "state_roots"}), r.Intn(int(cfg.SlotsPerHistoricalRoot)))
	case 8:
		return fmt.Sprintf("randao_mixes/%d", r.Intn(int(cfg.EpochsPerHistoricalVector)))
	case 9:
		return fmt.Sprintf("slashings/%d", r.Intn(int(cfg.EpochsPerSlashingsVector)))
	case 10:
		return fmt.Sprintf("historical_roots/%d", r.Intn(len(s.HistoricalRoots)))
	case 11:
		switch r.Intn(4) {
		case 0:
			return "latest_block_header/" + pick(r, headerFields)
		case 1:
			return "fork/" + pick(r, []string{"previous_version", "current_version", "epoch"})
		case 2:
			return "eth1_data/" + pick(r, eth1DataFields)
		}
		return pick(r, checkpointNames) + "/" + pick(r, checkpointFields)
	case 12:
		return fmt.Sprintf("eth1_data_votes/%d/%s", r.Intn(len(s.Eth1DataVotes)), pick(r, eth1DataFields))
	case 13:
		atts, name := s.PreviousEpochAttestations, "previous_epoch_attestations"
		if r.Intn(2) == 1 {
			atts, name = s.CurrentEpochAttestations, "current_epoch_attestations"
		}
		i := r.Intn(len(atts))
		switch r.Intn(4) {
		case 0:
			return fmt.Sprintf("%s/%d/%s", name, i, pick(r, []string{"aggregation_bits", "data", "inclusion_delay", "proposer_index"}))
		case 1:
			return fmt.Sprintf("%s/%d/aggregation_bits/%d", name, i, r.Intn(int(atts[i].AggregationBits.Len())))
		case 2:
			return fmt.Sprintf("%s/%d/aggregation_bits/__len__", name, i)
		}
		return fmt.Sprintf("%s/%d/data/%s", name, i, pick(r, attDataPaths))
	case 14:
		return fmt.Sprintf("justification_bits/%d", r.Intn(4))
	}
	return pick(r, stateLists) + "/__len__"
}

// checkProof checks that p verifies against root and fails when any one thing changes.
func checkProof(t *testing.T, r *rand.Rand, p *merkle.Proof, root [32]byte) {
	t.Helper()
	if p.Root != root {
		t.Fatalf("%s: proof root %x, hash_tree_root %x", p.Path, p.Root, root)
	}
	if len(p.Branch) != p.GIndex.Depth() {
		t.Fatalf("%s: branch of %d nodes for gindex %d of depth %d", p.Path, len(p.Branch), p.GIndex, p.GIndex.Depth())
	}
	if !p.Verify(root) {
		t.Fatalf("%s: proof does not verify", p.Path)
	}
	// The spec's two other verifiers agree: is_valid_merkle_branch takes the gindex's
	// position in its layer, and a single proof is a multiproof of one index.
	d := uint64(p.GIndex.Depth())
	if !merkle.IsValidMerkleBranch(p.Leaf, p.Branch, d, uint64(p.GIndex)-1<<d, root) {
		t.Fatalf("%s: is_valid_merkle_branch rejects the proof", p.Path)
	}
	if !merkle.VerifyMultiproof([][32]byte{p.Leaf}, p.Branch, []merkle.GIndex{p.GIndex}, root) {
		t.Fatalf("%s: verify_merkle_multiproof rejects the proof", p.Path)
	}

	bad := *p
	bad.Leaf[r.Intn(32)] ^= 1 << r.Intn(8)
	if bad.Verify(root) {
		t.Errorf("%s: verifies with a flipped bit in the leaf", p.Path)
	}
	if len(p.Branch) > 0 {
		bad = *p
		bad.Branch = slices.Clone(p.Branch)
		bad.Branch[r.Intn(len(bad.Branch))][r.Intn(32)] ^= 1 << r.Intn(8)
		if bad.Verify(root) {
			t.Errorf("%s: verifies with a flipped bit in the branch", p.Path)
		}
		bad = *p
		bad.Branch = p.Branch[:len(p.Branch)-1]
		if bad.Verify(root) {
			t.Errorf("%s: verifies with a branch one node short", p.Path)
		}
		bad = *p
		bad.GIndex = p.GIndex.Sibling()
		if p.Leaf != p.Branch[0] && bad.Verify(root) {
			t.Errorf("%s: verifies at the sibling's gindex", p.Path)
		}
	}
	wrong := root
	wrong[r.Intn(32)] ^= 1 << r.Intn(8)
	if p.Verify(wrong) {
		t.Errorf("%s: verifies against a different root", p.Path)
	}
}

// TestProveRandomPaths: a proof of a random node of a random state verifies, and fails
// when one bit of it changes.
func TestProveRandomPaths(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	r := rand.New(rand.NewSource(4))
	for round := 0; round < 4; round++ {
		state := randState(r, cfg, 1+r.Intn(70))
		root := mustHTR(t, cfg, state)
		tree, err := ssz.TreeOf(cfg, state)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 150; i++ {
			path := randStatePath(r, cfg, state, tree.Names)
			p, err := merkle.Prove(cfg, state, path)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			checkProof(t, r, p, root)
			if g, err := merkle.PathGIndex(cfg, state, path); err != nil || g != p.GIndex {
				t.Errorf("%s: PathGIndex %d, %v; the proof's gindex %d", path, g, err, p.GIndex)
			}
		}
	}
}

// TestProveLeafValues checks the leaf (and element position) of proofs against the values
// in the state.
func TestProveLeafValues(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	r := rand.New(rand.NewSource(5))
	s := randState(r, cfg, 40)
	s.JustificationBits.SetBitAt(2, true)
	s.JustificationBits.SetBitAt(3, false)
	s.PreviousEpochAttestations[1].AggregationBits = randBitlist(r, 500)
	s.PreviousEpochAttestations[1].AggregationBits.SetBitAt(300, true)
	s.PreviousEpochAttestations[1].AggregationBits.SetBitAt(301, false)
	root := mustHTR(t, cfg, s)
	htr := func(o ssz.Object) [32]byte { return mustHTR(t, cfg, o) }
	u64 := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

	tests := []struct {
		path  string
		leaf  [32]byte // the whole leaf, when it is known
		value []byte   // the element's bytes inside the leaf, for packed elements
		bit   int      // for bits: the expected bit, 0 or 1
		elem  *merkle.Elem
	}{
		{path: "slot", leaf: uint64Chunk(uint64(s.Slot))},
		{path: "genesis_validators_root", leaf: s.GenesisValidatorsRoot},
		{path: "fork", leaf: htr(&s.Fork)},
		{path: "latest_block_header/state_root", leaf: s.LatestBlockHeader.StateRoot},
		{path: "validators/17", leaf: htr(&s.Validators[17])},
		{path: "validators/17/effective_balance", leaf: uint64Chunk(uint64(s.Validators[17].EffectiveBalance))},
		{path: "validators/17/slashed", leaf: boolChunk(s.Validators[17].Slashed)},
		{path: "validators/17/pubkey", leaf: mustMerkleize(t, chunks(s.Validators[17].Pubkey[:]), 2)},
		{path: "validators/17/pubkey/40", value: s.Validators[17].Pubkey[40:41], elem: &merkle.Elem{Offset: 8, Size: 1}},
		{path: "validators/__len__", leaf: uint64Chunk(40)},
		{path: "balances/17", value: u64(uint64(s.Balances[17])), elem: &merkle.Elem{Offset: 8, Size: 8}},
		{path: "balances/39", value: u64(uint64(s.Balances[39])), elem: &merkle.Elem{Offset: 24, Size: 8}},
		{path: "balances/36", leaf: func() (c [32]byte) { // the last chunk holds balances 36..39
			for i := 0; i < 4; i++ {
				binary.LittleEndian.PutUint64(c[8*i:], uint64(s.Balances[36+i]))
			}
			return c
		}(), elem: &merkle.Elem{Offset: 0, Size: 8}},
		{path: "slashings/5", value: u64(uint64(s.Slashings[5])), elem: &merkle.Elem{Offset: 8, Size: 8}},
		{path: "block_roots/63", leaf: s.BlockRoots[63], elem: &merkle.Elem{Offset: 0, Size: 32}},
		{path: "randao_mixes/7", leaf: s.RandaoMixes[7], elem: &merkle.Elem{Offset: 0, Size: 32}},
		{path: "historical_roots/4", leaf: s.HistoricalRoots[4], elem: &merkle.Elem{Offset: 0, Size: 32}},
		{path: "eth1_data_votes/3", leaf: htr(&s.Eth1DataVotes[3])},
		{path: "eth1_data_votes/3/deposit_count", leaf: uint64Chunk(s.Eth1DataVotes[3].DepositCount)},
		{path: "justification_bits/2", bit: 1, elem: &merkle.Elem{Offset: 0, Size: 0, Bit: 2}},
		{path: "justification_bits/3", bit: 0, elem: &merkle.Elem{Offset: 0, Size: 0, Bit: 3}},
		{path: "previous_epoch_attestations/1/aggregation_bits/300", bit: 1, elem: &merkle.Elem{Offset: 5, Size: 0, Bit: 4}},
		{path: "previous_epoch_attestations/1/aggregation_bits/301", bit: 0, elem: &merkle.Elem{Offset: 5, Size: 0, Bit: 5}},
		{path: "previous_epoch_attestations/1/aggregation_bits/__len__", leaf: uint64Chunk(500)},
		{path: "previous_epoch_attestations/1/data/target/root", leaf: s.PreviousEpochAttestations[1].Data.Target.Root},
		{path: "finalized_checkpoint/epoch", leaf: uint64Chunk(uint64(s.FinalizedCheckpoint.Epoch))},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.path, "/", "."), func(t *testing.T) {
			p, err := merkle.Prove(cfg, s, tc.path)
			if err != nil {
				t.Fatal(err)
			}
			checkProof(t, r, p, root)
			if tc.leaf != ([32]byte{}) && p.Leaf != tc.leaf {
				t.Errorf("leaf %x, want %x", p.Leaf, tc.leaf)
			}
			if tc.elem != nil {
				if p.Elem == nil || *p.Elem != *tc.elem {
					t.Fatalf("element at %+v, want %+v", p.Elem, tc.elem)
				}
			} else if p.Elem != nil {
				t.Errorf("element %+v for a path that names a whole node", p.Elem)
			}
			if tc.value != nil {
				if got := p.Leaf[p.Elem.Offset : p.Elem.Offset+p.Elem.Size]; !slices.Equal(got, tc.value) {
					t.Errorf("element bytes %x, want %x", got, tc.value)
				}
			}
			if tc.elem != nil && tc.elem.Size == 0 {
				if got := int(p.Leaf[p.Elem.Offset]>>p.Elem.Bit) & 1; got != tc.bit {
					t.Errorf("bit %d, want %d", got, tc.bit)
				}
			}
		})
	}
}

// TestProveOtherContainers proves nodes of blocks and deposits, including bitlists and
// vectors of roots inside lists of containers.
func TestProveOtherContainers(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	for _, preset := range []string{"minimal", "mainnet"} {
		cfg := spec.MustPreset(preset)
		block := randBlock(r, cfg)
		signed := &spec.SignedBeaconBlock{Message: *block}
		r.Read(signed.Signature[:])
		dep := &block.Body.Deposits[1]
		tests := []struct {
			obj   ssz.Object
			paths []string
		}{
			{block, []string{"slot", "state_root", "body", "body/graffiti", "body/eth1_data/deposit_count",
				"body/attestations/__len__", "body/attestations/0/data/target/root", "body/attestations/2/aggregation_bits/0",
				"body/attestations/1/signature/95", "body/deposits/1/proof/32", "body/deposits/0/data/amount",
				"body/voluntary_exits/0/message/validator_index", "body/proposer_slashings/__len__", "body/randao_reveal/0"}},
			{signed, []string{"message/body/deposits/1/data/pubkey/47", "signature", "signature/64"}},
			{dep, []string{"proof/0", "proof/32", "data/signature", "data/withdrawal_credentials"}},
		}
		for _, tc := range tests {
			root := mustHTR(t, cfg, tc.obj)
			for _, path := range tc.paths {
				p, err := merkle.Prove(cfg, tc.obj, path)
				if err != nil {
					t.Fatalf("%s %s: %v", preset, path, err)
				}
				checkProof(t, r, p, root)
			}
		}
	}
}

// TestProveMatchesSubproofs: the proof of a path is the proof of its tail inside the value
// the head names, continued by the proof of the head, and the two gindices concatenate.
func TestProveMatchesSubproofs(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	r := rand.New(rand.NewSource(7))
	s := randState(r, cfg, 30)
	whole, err := merkle.Prove(cfg, s, "validators/21/exit_epoch")
	if err != nil {
		t.Fatal(err)
	}
	head, err := merkle.Prove(cfg, s, "validators/21")
	if err != nil {
		t.Fatal(err)
	}
	tail, err := merkle.Prove(cfg, &s.Validators[21], "exit_epoch")
	if err != nil {
		t.Fatal(err)
	}
	if tail.Root != head.Leaf || tail.Leaf != whole.Leaf {
		t.Fatalf("validator root %x vs head leaf %x", tail.Root, head.Leaf)
	}
	if got := append(slices.Clone(tail.Branch), head.Branch...); !slices.Equal(got, whole.Branch) {
		t.Errorf("the branch is not the tail's branch followed by the head's")
	}
	if g, _ := merkle.Concat(head.GIndex, tail.GIndex); g != whole.GIndex {
		t.Errorf("Concat(%d, %d) = %d, the path's gindex is %d", head.GIndex, tail.GIndex, g, whole.GIndex)
	}
}

func TestProveMulti(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	r := rand.New(rand.NewSource(8))
	s := randState(r, cfg, 50)
	root := mustHTR(t, cfg, s)
	tree, err := ssz.TreeOf(cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	fixed := [][]string{
		{"balances/16", "balances/17"}, // one chunk, named twice
		{"validators/0/slashed", "validators/1/slashed", "validators/49/slashed", "balances/49"},
		{"slot", "genesis_time", "fork", "latest_block_header", "block_roots", "state_roots", "historical_roots",
			"eth1_data", "eth1_data_votes", "eth1_deposit_index", "validators", "balances", "randao_mixes", "slashings",
			"previous_epoch_attestations", "current_epoch_attestations", "justification_bits",
			"previous_justified_checkpoint", "current_justified_checkpoint", "finalized_checkpoint", "genesis_validators_root"},
		{"validators/__len__", "balances/__len__"},
	}
	for round := 0; round < 60; round++ {
		var paths []string
		if round < len(fixed) {
			paths = fixed[round]
		} else {
			for k := 1 + r.Intn(12); k > 0; k-- {
				paths = append(paths, randStatePath(r, cfg, s, tree.Names))
			}
		}
		m, err := merkle.ProveMulti(cfg, s, paths)
		var pe *merkle.ProofError
		if errors.As(err, &pe) && pe.Kind == merkle.OverlappingIndices {
			continue // a random pick of a node and one below it
		}
		if err != nil {
			t.Fatalf("%v: %v", paths, err)
		}
		if m.Root != root {
			t.Fatalf("%v: root %x, hash_tree_root %x", paths, m.Root, root)
		}
		if !m.Verify(root) {
			t.Fatalf("%v: multiproof does not verify", paths)
		}
		if want := merkle.HelperIndices(m.GIndices); len(m.Helpers) != len(want) {
			t.Fatalf("%v: %d helpers for %d helper indices", paths, len(m.Helpers), len(want))
		}
		for i, path := range paths {
			p, err := merkle.Prove(cfg, s, path)
			if err != nil {
				t.Fatal(err)
			}
			if p.GIndex != m.GIndices[i] || p.Leaf != m.Leaves[i] {
				t.Errorf("%s: multiproof has %d/%x, single proof %d/%x", path, m.GIndices[i], m.Leaves[i], p.GIndex, p.Leaf)
			}
			if len(paths) == 1 && !slices.Equal(p.Branch, m.Helpers) {
				t.Errorf("%s: a multiproof of one node differs from its single proof", path)
			}
		}
		for i := range m.Leaves {
			bad := slices.Clone(m.Leaves)
			bad[i][r.Intn(32)] ^= 1 << r.Intn(8)
			if merkle.VerifyMultiproof(bad, m.Helpers, m.GIndices, root) {
				t.Errorf("%v: verifies with a flipped bit in leaf %d", paths, i)
			}
		}
		for i := range m.Helpers {
			bad := slices.Clone(m.Helpers)
			bad[i][r.Intn(32)] ^= 1 << r.Intn(8)
			if merkle.VerifyMultiproof(m.Leaves, bad, m.GIndices, root) {
				t.Errorf("%v: verifies with a flipped bit in helper %d", paths, i)
			}
		}
		if len(m.Helpers) > 0 && merkle.VerifyMultiproof(m.Leaves, m.Helpers[1:], m.GIndices, root) {
			t.Errorf("%v: verifies with a helper missing", paths)
		}
	}
}

// TestVerifyMultiproofSpecExample proves positions 0, 1 and 6 of an 8-leaf tree, the
// spec's example, from a tree built by hand.
func TestVerifyMultiproofSpecExample(t *testing.T) {
	var nodes [16][32]byte
	for i := 8; i < 16; i++ {
		nodes[i] = [32]byte{byte(i)}
	}
	for i := 7; i >= 1; i-- {
		nodes[i] = merkle.HashPair(nodes[2*i], nodes[2*i+1])
	}
	indices := []merkle.GIndex{8, 9, 14}
	leaves := [][32]byte{nodes[8], nodes[9], nodes[14]}
	proof := [][32]byte{nodes[15], nodes[6], nodes[5]}
	if !merkle.VerifyMultiproof(leaves, proof, indices, nodes[1]) {
		t.Fatal("the spec's example does not verify")
	}
	// Leaves in another order, with their indices, still verify.
	if !merkle.VerifyMultiproof([][32]byte{nodes[14], nodes[8], nodes[9]}, proof, []merkle.GIndex{14, 8, 9}, nodes[1]) {
		t.Error("reordered leaves do not verify")
	}
	if merkle.VerifyMultiproof(leaves, [][32]byte{nodes[5], nodes[6], nodes[15]}, indices, nodes[1]) {
		t.Error("helpers in increasing order verify")
	}

	// The spec's algorithm would accept 5 with any leaf under it once 2 is given; this
	// package rejects the overlap.
	forged := [32]byte{0xff}
	tests := []struct {
		name    string
		leaves  [][32]byte
		proof   [][32]byte
		indices []merkle.GIndex
		kind    merkle.ProofErrorKind
	}{
		{"node and one below it", [][32]byte{nodes[2], forged}, [][32]byte{nodes[4], nodes[3]}, []merkle.GIndex{2, 5}, merkle.OverlappingIndices},
		{"repeated index, two leaves", [][32]byte{forged, nodes[8]}, [][32]byte{nodes[9], nodes[5], nodes[3]}, []merkle.GIndex{8, 8}, merkle.OverlappingIndices},
		{"fewer leaves than indices", leaves[:2], proof, indices, merkle.LeafCount},
		{"no indices", nil, nil, nil, merkle.NoIndices},
		{"index 0", [][32]byte{nodes[1]}, nil, []merkle.GIndex{0}, merkle.InvalidIndex},
		{"helper missing", leaves, proof[:2], indices, merkle.ProofLength},
	}
	for _, tc := range tests {
		_, err := merkle.CalculateMultiMerkleRoot(tc.leaves, tc.proof, tc.indices)
		var pe *merkle.ProofError
		if !errors.As(err, &pe) || pe.Kind != tc.kind {
			t.Errorf("%s: got %v, want a ProofError of kind %d", tc.name, err, tc.kind)
		}
		if merkle.VerifyMultiproof(tc.leaves, tc.proof, tc.indices, nodes[1]) {
			t.Errorf("%s: verifies", tc.name)
		}
	}
	// A repeated index with the same leaf is fine.
	if !merkle.VerifyMultiproof([][32]byte{nodes[8], nodes[8]}, [][32]byte{nodes[9], nodes[5], nodes[3]}, []merkle.GIndex{8, 8}, nodes[1]) {
		t.Error("a repeated index with equal leaves does not verify")
	}
	// The root alone.
	if !merkle.VerifyMultiproof([][32]byte{nodes[1]}, nil, []merkle.GIndex{1}, nodes[1]) {
		t.Error("the root does not prove itself")
	}
}

func TestProveMultiOverlap(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	s := randState(rand.New(rand.NewSource(9)), cfg, 5)
	_, err := merkle.ProveMulti(cfg, s, []string{"validators/3/slashed", "validators/3"})
	var pe *merkle.ProofError
	if !errors.As(err, &pe) || pe.Kind != merkle.OverlappingIndices {
		t.Errorf("got %v, want an OverlappingIndices ProofError", err)
	}
	if _, err := merkle.ProveMulti(cfg, s, nil); !errors.As(err, &pe) || pe.Kind != merkle.NoIndices {
		t.Errorf("no paths: got %v, want a NoIndices ProofError", err)
	}
}

// TestIsValidMerkleBranch runs the spec's predicate on a tree built by hand.
func TestIsValidMerkleBranch(t *testing.T) {
	var nodes [16][32]byte
	for i := 8; i < 16; i++ {
		nodes[i] = [32]byte{byte(i), 7}
	}
	for i := 7; i >= 1; i-- {
		nodes[i] = merkle.HashPair(nodes[2*i], nodes[2*i+1])
	}
	for index := uint64(0); index < 8; index++ {
		g := merkle.GIndex(8 + index)
		var branch [][32]byte
		for _, b := range merkle.BranchIndices(g) {
			branch = append(branch, nodes[b])
		}
		if !merkle.IsValidMerkleBranch(nodes[g], branch, 3, index, nodes[1]) {
			t.Errorf("leaf %d does not verify", index)
		}
		if merkle.IsValidMerkleBranch(nodes[g], branch, 3, index^1, nodes[1]) {
			t.Errorf("leaf %d verifies at %d", index, index^1)
		}
		if merkle.IsValidMerkleBranch(nodes[g], branch[:2], 3, index, nodes[1]) {
			t.Errorf("leaf %d verifies with a short branch", index)
		}
		// Extra branch entries past depth are ignored, as in the spec.
		if !merkle.IsValidMerkleBranch(nodes[g], append(branch, [32]byte{1}), 3, index, nodes[1]) {
			t.Errorf("leaf %d: an extra entry past depth changes the result", index)
		}
		// Depth 2 proves the subtree node at depth 1 above the leaf's parent.
		if !merkle.IsValidMerkleBranch(nodes[g.Parent()], branch[1:], 2, index/2, nodes[1]) {
			t.Errorf("node %d does not verify at depth 2", g.Parent())
		}
	}
}

// TestHostilePaths: malformed paths give a PathError of the right kind and never panic.
func TestHostilePaths(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	s := randState(rand.New(rand.NewSource(10)), cfg, 32)
	tests := []struct {
		path string
		kind merkle.PathErrorKind
	}{
		{"", merkle.PathSyntax},
		{"/", merkle.PathSyntax},
		{"//", merkle.PathSyntax},
		{"validators/", merkle.PathSyntax},
		{"/validators", merkle.PathSyntax},
		{"validators//0", merkle.PathSyntax},
		{"validators/-1", merkle.PathSyntax},
		{"validators/+1", merkle.PathSyntax},
		{"validators/0x1", merkle.PathSyntax},
		{"validators/ 1", merkle.PathSyntax},
		{"validators/slot", merkle.PathSyntax},
		{"validators/99999999999999999999", merkle.IndexOutOfRange},
		{"validators/18446744073709551615", merkle.IndexOutOfRange},
		{"validators/32", merkle.IndexOutOfRange}, // beyond the current length, within the limit
		{"balances/32", merkle.IndexOutOfRange},
		{"block_roots/64", merkle.IndexOutOfRange},
		{"justification_bits/4", merkle.IndexOutOfRange},
		{"validators/0/pubkey/48", merkle.IndexOutOfRange},
		{"eth1_data_votes/7", merkle.IndexOutOfRange},
		{"nope", merkle.UnknownField},
		{"Validators", merkle.UnknownField},
		{"0", merkle.UnknownField},
		{"validators/0/nope", merkle.UnknownField},
		{"latest_block_header/state_root/0", merkle.BelowBasic},
		{"slot/0", merkle.BelowBasic},
		{"slot/__len__", merkle.BelowBasic},
		{"balances/3/0", merkle.BelowBasic},
		{"validators/__len__/0", merkle.BelowBasic},
		{"validators/0/pubkey/3/0", merkle.BelowBasic},
		{"fork/__len__", merkle.NoLength},
		{"block_roots/__len__", merkle.NoLength},
		{"__len__", merkle.NoLength},
	}
	for _, tc := range tests {
		_, err := merkle.Prove(cfg, s, tc.path)
		var pe *merkle.PathError
		if !errors.As(err, &pe) || pe.Kind != tc.kind {
			t.Errorf("%q: got %v, want a PathError of kind %d", tc.path, err, tc.kind)
			continue
		}
		if _, err := merkle.PathGIndex(cfg, s, tc.path); err == nil {
			t.Errorf("%q: PathGIndex accepts what Prove rejects", tc.path)
		}
		if _, err := merkle.ProveMulti(cfg, s, []string{"slot", tc.path}); err == nil {
			t.Errorf("%q: ProveMulti accepts it", tc.path)
		}
	}

	var pe *merkle.PathError
	_, err := merkle.Prove(cfg, s, "validators/32")
	if errors.As(err, &pe) && (pe.Length != 32 || pe.At != "validators" || pe.Segment != "32") {
		t.Errorf("validators/32: error fields %+v", pe)
	}
	if want := `merkle: path "validators/32": index 32 out of range: validators has 32 elements`; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

// TestProveInvalidValue: a value that breaks its type's bounds has no root and no proof.
func TestProveInvalidValue(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	s := randState(rand.New(rand.NewSource(11)), cfg, 3)
	s.BlockRoots = s.BlockRoots[:10]
	_, err := merkle.Prove(cfg, s, "slot")
	var se *ssz.Error
	if !errors.As(err, &se) {
		t.Errorf("short vector: got %v, want an ssz.Error", err)
	}
}

// FuzzProve: no path panics, and a path that is accepted gives a proof that verifies and
// agrees with PathGIndex.
func FuzzProve(f *testing.F) {
	for _, seed := range []string{"", "/", "validators/-1", "validators/99999999999999999999", "nope",
		"validators/3/effective_balance", "balances/17", "latest_block_header/state_root", "eth1_data_votes/3",
		"previous_epoch_attestations/0/aggregation_bits/__len__", "justification_bits/1", "validators/0/pubkey/47",
		"current_epoch_attestations/1/data/source/root", "__len__", "0/0/0", "validators/__len__/__len__"} {
		f.Add(seed)
	}
	cfg := spec.MustPreset("minimal")
	s := randState(rand.New(rand.NewSource(12)), cfg, 20)
	root := mustHTR(f, cfg, s)
	f.Fuzz(func(t *testing.T, path string) {
		p, err := merkle.Prove(cfg, s, path)
		if err != nil {
			var pe *merkle.PathError
			if !errors.As(err, &pe) {
				t.Fatalf("%q: error %v is not a PathError", path, err)
			}
			return
		}
		if !p.Verify(root) {
			t.Fatalf("%q: proof does not verify", path)
		}
		if g, err := merkle.PathGIndex(cfg, s, path); err != nil || g != p.GIndex {
			t.Fatalf("%q: PathGIndex %d, %v; proof at %d", path, g, err, p.GIndex)
		}
	})
}

// deepOuter nests a list with a huge limit inside a list of containers, so its inner
// elements sit more than 63 levels deep.
type deepOuter struct{ items []deepInner }
type deepInner struct{ xs []uint64 }

func (d *deepOuter) DefineSSZ(c ssz.Codec) { ssz.List(c, "items", &d.items, 1<<40) }
func (d *deepInner) DefineSSZ(c ssz.Codec) { ssz.Uint64s(c, "xs", &d.xs, 1<<60) }

func TestProveTooDeep(t *testing.T) {
	obj := &deepOuter{items: []deepInner{{xs: []uint64{7, 8}}}}
	root := mustHTR(t, nil, obj)
	// items/0 is at depth 41 and its field xs too (a one-field container); the xs data is
	// 1 + 58 levels further down.
	p, err := merkle.Prove(nil, obj, "items/0/xs")
	if err != nil || !p.Verify(root) || p.GIndex.Depth() != 41 {
		t.Fatalf("items/0/xs: %v", err)
	}
	_, err = merkle.Prove(nil, obj, "items/0/xs/1")
	var pe *merkle.PathError
	var ge *merkle.GIndexError
	if !errors.As(err, &pe) || pe.Kind != merkle.TooDeep || !errors.As(err, &ge) || ge.Depth != 100 {
		t.Errorf("items/0/xs/1: got %v, want a TooDeep PathError wrapping a GIndexError of depth 100", err)
	}
}
