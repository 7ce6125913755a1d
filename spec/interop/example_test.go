package interop_test

import (
	"fmt"
	"slices"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// Four epochs of a minimal-preset chain in which every validator attests, replayed through
// state_transition with every signature checked.
func ExampleBuildChain() {
	cfg := spec.MustPreset("minimal")
	keys := interop.NewKeys(64)
	log := interop.NewDepositLog(cfg)
	if err := log.AppendKeys(keys, 0, slices.Repeat([]spec.Gwei{cfg.MaxEffectiveBalance}, 64)); err != nil {
		panic(err)
	}
	genesis, err := interop.GenesisFrom(cfg, log)
	if err != nil {
		panic(err)
	}
	m := spec.NewModel(cfg)
	blocks, _, err := interop.BuildChain(m, genesis, keys, 4*cfg.SlotsPerEpoch, interop.BlockOptions{Participation: 1})
	if err != nil {
		panic(err)
	}
	state := genesis.Copy()
	for _, block := range blocks {
		if err := m.StateTransition(state, block, true); err != nil {
			panic(err)
		}
	}
	fmt.Println("slot", state.Slot, "justified", state.CurrentJustifiedCheckpoint.Epoch, "finalized", state.FinalizedCheckpoint.Epoch)
	// Output: slot 32 justified 3 finalized 2
}

// A large state's epoch transition, for benchmarks: made-up keys, so no signatures.
func ExampleLargeState() {
	cfg := spec.MustPreset("minimal")
	state, err := interop.LargeState(cfg, 10_000, 4*spec.Slot(cfg.SlotsPerEpoch)-1)
	if err != nil {
		panic(err)
	}
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	if err := interop.AddPendingAttestations(m, state, 1, 0); err != nil {
		panic(err)
	}
	if err := m.ProcessSlots(state, state.Slot+1); err != nil {
		panic(err)
	}
	fmt.Println("epoch", m.GetCurrentEpoch(state), "justified", state.CurrentJustifiedCheckpoint.Epoch, "finalized", state.FinalizedCheckpoint.Epoch)
	// Output: epoch 4 justified 3 finalized 2
}
