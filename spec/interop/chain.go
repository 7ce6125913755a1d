package interop

import (
	"github.com/beaconcheck/beaconcheck/spec"
)

// BuildChain builds a block for each of the slots slots after genesis.Slot, each on the
// post-state of the one before, with the same options (the Seed is mixed with each slot,
// so attesters differ from slot to slot). It returns the blocks and the post-state of the
// last, and leaves genesis untouched; the same arguments always give the same blocks.
//
// opts may not name a slot or carry operations, which would be valid in one block at most:
// build such blocks with BuildBlock. The post-state is the one BuildBlock computes the
// state roots from, that is the state m.StateTransition reaches by replaying the blocks.
func BuildChain(m *spec.Model, genesis *spec.BeaconState, keys *Keys, slots uint64, opts BlockOptions) ([]*spec.SignedBeaconBlock, *spec.BeaconState, error) {
	switch {
	case opts.Slot != 0:
		return nil, nil, &OptionsError{Field: "Slot", Reason: "BuildChain fills consecutive slots; build blocks at chosen slots with BuildBlock"}
	case len(opts.VoluntaryExits) > 0 || len(opts.ProposerSlashings) > 0 || len(opts.AttesterSlashings) > 0:
		return nil, nil, &OptionsError{Field: "operations", Reason: "exits and slashings are valid in one block only; build that block with BuildBlock"}
	}
	state := genesis
	blocks := make([]*spec.SignedBeaconBlock, 0, slots)
	for range slots {
		block, post, err := buildBlock(m.Config, state, keys, opts)
		if err != nil {
			return nil, nil, err
		}
		blocks = append(blocks, block)
		state = post
	}
	if state == genesis {
		state = genesis.Copy()
	}
	return blocks, state, nil
}
