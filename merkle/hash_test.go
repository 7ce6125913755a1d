package merkle_test

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math/rand"
	"testing"

	"github.com/beaconcheck/beaconcheck/merkle"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

func TestZeroHash(t *testing.T) {
	if merkle.ZeroHash(0) != [32]byte{} {
		t.Errorf("ZeroHash(0) = %x, want the zero chunk", merkle.ZeroHash(0))
	}
	// sha256 of 64 zero bytes, the first of the deposit contract's zero_hashes above 0.
	want1 := "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b"
	if got := merkle.ZeroHash(1); hex.EncodeToString(got[:]) != want1 {
		t.Errorf("ZeroHash(1) = %x, want %s", got, want1)
	}
	for d := 0; d < merkle.MaxDepth; d++ {
		z := merkle.ZeroHash(d)
		if merkle.ZeroHash(d+1) != merkle.HashPair(z, z) {
			t.Fatalf("ZeroHash(%d) is not the hash of two ZeroHash(%d)", d+1, d)
		}
	}
}

func uint64Chunk(v uint64) (c [32]byte) {
	binary.LittleEndian.PutUint64(c[:], v)
	return c
}

func boolChunk(b bool) (c [32]byte) {
	if b {
		c[0] = 1
	}
	return c
}

// chunks splits bytes into zero-padded 32-byte chunks (the spec's pack for bytes).
func chunks(b []byte) [][32]byte {
	out := make([][32]byte, (len(b)+31)/32)
	for i := range out {
		copy(out[i][:], b[32*i:])
	}
	return out
}

func mustMerkleize(t *testing.T, c [][32]byte, limit uint64) [32]byte {
	t.Helper()
	r, err := merkle.Merkleize(c, limit)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mustHTR(t testing.TB, cfg *spec.Config, obj ssz.Object) [32]byte {
	t.Helper()
	r, err := ssz.HashTreeRoot(cfg, obj)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestMerkleizeByHand builds roots from the spec's definitions (pack, merkleize,
// mix_in_length) with this package's primitives alone and compares them with the ssz
// package's hash_tree_root.
func TestMerkleizeByHand(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	r := rand.New(rand.NewSource(1))
	cp := randCheckpoint(r)
	val := randValidator(r)
	hdr := randHeader(r)
	e1 := randEth1Data(r)
	validators := []spec.Validator{randValidator(r), randValidator(r), randValidator(r)}
	balances := []spec.Gwei{1, 2, 3, 4, 5, 32e9}
	roots := randRoots(r, cfg.SlotsPerHistoricalRoot)

	validatorRoot := func(v spec.Validator) [32]byte {
		return mustMerkleize(t, [][32]byte{
			mustMerkleize(t, chunks(v.Pubkey[:]), 2),
			v.WithdrawalCredentials,
			uint64Chunk(uint64(v.EffectiveBalance)),
			boolChunk(v.Slashed),
			uint64Chunk(uint64(v.ActivationEligibilityEpoch)),
			uint64Chunk(uint64(v.ActivationEpoch)),
			uint64Chunk(uint64(v.ExitEpoch)),
			uint64Chunk(uint64(v.WithdrawableEpoch)),
		}, 8)
	}

	tests := []struct {
		name string
		hand [32]byte
		obj  ssz.Object
	}{
		{"Checkpoint", mustMerkleize(t, [][32]byte{uint64Chunk(uint64(cp.Epoch)), cp.Root}, 2), &cp},
		{"Validator", validatorRoot(val), &val},
		{"BeaconBlockHeader", mustMerkleize(t, [][32]byte{
			uint64Chunk(uint64(hdr.Slot)), uint64Chunk(uint64(hdr.ProposerIndex)), hdr.ParentRoot, hdr.StateRoot, hdr.BodyRoot,
		}, 5), &hdr},
		{"Eth1Data", mustMerkleize(t, [][32]byte{e1.DepositRoot, uint64Chunk(e1.DepositCount), e1.BlockHash}, 3), &e1},
		{"List[Validator, VALIDATOR_REGISTRY_LIMIT]", merkle.MixInLength(mustMerkleize(t, [][32]byte{
			validatorRoot(validators[0]), validatorRoot(validators[1]), validatorRoot(validators[2]),
		}, cfg.ValidatorRegistryLimit), 3), ssz.Value(func(c ssz.Codec) {
			ssz.List(c, "validators", &validators, cfg.ValidatorRegistryLimit)
		})},
		{"List[Gwei, VALIDATOR_REGISTRY_LIMIT]", func() [32]byte {
			var packed []byte
			for _, b := range balances {
				packed = binary.LittleEndian.AppendUint64(packed, uint64(b))
			}
			return merkle.MixInLength(mustMerkleize(t, chunks(packed), cfg.ValidatorRegistryLimit*8/32), uint64(len(balances)))
		}(), ssz.Value(func(c ssz.Codec) { ssz.Uint64s(c, "balances", &balances, cfg.ValidatorRegistryLimit) })},
		{"Vector[Root, SLOTS_PER_HISTORICAL_ROOT]", func() [32]byte {
			c := make([][32]byte, len(roots))
			for i := range roots {
				c[i] = roots[i]
			}
			return mustMerkleize(t, c, uint64(len(roots)))
		}(), ssz.Value(func(c ssz.Codec) { ssz.RootVector(c, "roots", &roots, cfg.SlotsPerHistoricalRoot) })},
		{"empty List[Validator, VALIDATOR_REGISTRY_LIMIT]", merkle.MixInLength(merkle.ZeroHash(40), 0),
			ssz.Value(func(c ssz.Codec) {
				var none []spec.Validator
				ssz.List(c, "validators", &none, cfg.ValidatorRegistryLimit)
			})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if want := mustHTR(t, cfg, tc.obj); tc.hand != want {
				t.Errorf("by hand %x, hash_tree_root %x", tc.hand, want)
			}
		})
	}
}

// TestMerkleizeTreeLeaves merkleizes the leaves of ssz.TreeOf views of whole containers and
// of their composite fields and compares with hash_tree_root.
func TestMerkleizeTreeLeaves(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, preset := range []string{"minimal", "mainnet"} {
		cfg := spec.MustPreset(preset)
		var state *spec.BeaconState
		if preset == "minimal" {
			state = randState(r, cfg, 9)
		} else {
			state = bigState(cfg, 100)
		}
		pa := randPendingAttestation(r)
		dd := randDepositData(r)
		objs := []struct {
			name string
			obj  ssz.Object
		}{
			{"BeaconState", state},
			{"BeaconBlock", randBlock(r, cfg)},
			{"PendingAttestation", &pa},
			{"DepositData", &dd},
			{"HistoricalBatch", &spec.HistoricalBatch{BlockRoots: state.BlockRoots, StateRoots: state.StateRoots}},
		}
		for _, o := range objs {
			t.Run(preset+"/"+o.name, func(t *testing.T) {
				tree, err := ssz.TreeOf(cfg, o.obj)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := mustMerkleize(t, tree.Leaves, tree.Width), mustHTR(t, cfg, o.obj); got != want {
					t.Errorf("Merkleize(leaves) = %x, hash_tree_root = %x", got, want)
				}
				for i := range tree.Leaves {
					if !tree.IsComposite(i) {
						continue
					}
					sub, err := tree.Child(i)
					if err != nil {
						t.Fatal(err)
					}
					got := mustMerkleize(t, sub.Leaves, sub.Width)
					if sub.HasLength {
						got = merkle.MixInLength(got, sub.Length)
					}
					if got != tree.Leaves[i] {
						t.Errorf("field %s: Merkleize(leaves) = %x, its root is %x", tree.Names[i], got, tree.Leaves[i])
					}
				}
			})
		}
	}
}

func TestMerkleizeLimits(t *testing.T) {
	a, b, c := [32]byte{1}, [32]byte{2}, [32]byte{3}
	tests := []struct {
		name   string
		chunks [][32]byte
		limit  uint64
		want   [32]byte
	}{
		{"nothing, limit 0", nil, 0, [32]byte{}},
		{"nothing, limit 2**40", nil, 1 << 40, merkle.ZeroHash(40)},
		{"one chunk, limit 1", [][32]byte{a}, 1, a},
		{"one chunk, limit 2", [][32]byte{a}, 2, merkle.HashPair(a, [32]byte{})},
		{"three chunks, limit 3", [][32]byte{a, b, c}, 3, merkle.HashPair(merkle.HashPair(a, b), merkle.HashPair(c, [32]byte{}))},
		{"three chunks, limit 5", [][32]byte{a, b, c}, 5, merkle.HashPair(
			merkle.HashPair(merkle.HashPair(a, b), merkle.HashPair(c, [32]byte{})), merkle.ZeroHash(2))},
		{"one chunk, limit 2**63", [][32]byte{a}, 1 << 63, func() [32]byte {
			r := a
			for d := 0; d < 63; d++ {
				r = merkle.HashPair(r, merkle.ZeroHash(d))
			}
			return r
		}()},
	}
	for _, tc := range tests {
		if got := mustMerkleize(t, tc.chunks, tc.limit); got != tc.want {
			t.Errorf("%s: got %x, want %x", tc.name, got, tc.want)
		}
	}

	_, err := merkle.Merkleize([][32]byte{a, b, c}, 2)
	var le *merkle.LimitError
	if !errors.As(err, &le) || le.Chunks != 3 || le.Limit != 2 {
		t.Errorf("3 chunks under limit 2: got %v, want a LimitError{3, 2}", err)
	}
}
