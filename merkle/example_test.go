package merkle_test

import (
	"encoding/binary"
	"fmt"

	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/merkle"
	"github.com/beaconcheck/beaconcheck/spec"
)

// ExampleProve proves validator 17's balance against the state root. Four balances share a
// chunk, so the leaf is that chunk and Elem says where the balance lies in it.
func ExampleProve() {
	cfg := spec.MustPreset("minimal")
	state := &spec.BeaconState{
		BlockRoots:        make([]spec.Root, cfg.SlotsPerHistoricalRoot),
		StateRoots:        make([]spec.Root, cfg.SlotsPerHistoricalRoot),
		RandaoMixes:       make([]spec.Root, cfg.EpochsPerHistoricalVector),
		Slashings:         make([]spec.Gwei, cfg.EpochsPerSlashingsVector),
		JustificationBits: bitfield.NewBitvector4(),
	}
	for i := 0; i < 32; i++ {
		state.Validators = append(state.Validators, spec.Validator{EffectiveBalance: cfg.MaxEffectiveBalance})
		state.Balances = append(state.Balances, cfg.MaxEffectiveBalance+spec.Gwei(i))
	}
	root, err := spec.HashTreeRoot(cfg, state)
	if err != nil {
		panic(err)
	}

	proof, err := merkle.Prove(cfg, state, "balances/17")
	if err != nil {
		panic(err)
	}
	balance := binary.LittleEndian.Uint64(proof.Leaf[proof.Elem.Offset:])
	fmt.Println("gindex:", proof.GIndex, "depth:", proof.GIndex.Depth())
	fmt.Println("balance:", balance, "at byte", proof.Elem.Offset, "of the leaf")
	fmt.Println("verifies:", proof.Verify(root))

	proof.Leaf[proof.Elem.Offset] ^= 1 // claim another balance
	fmt.Println("tampered verifies:", proof.Verify(root))
	// Output:
	// gindex: 24189255811076 depth: 44
	// balance: 32000000017 at byte 8 of the leaf
	// verifies: true
	// tampered verifies: false
}
