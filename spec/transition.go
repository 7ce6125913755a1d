package spec

// StateTransition is the spec's state_transition ("Beacon chain state transition
// function"): process the slots up to the block's, verify its signature, process it, and
// check the resulting state root. validateResult false skips the signature and state-root
// checks, as the spec's flag does. The transition is atomic: when it is invalid, state is
// left exactly as it was and the error says why.
func (m *Model) StateTransition(state *BeaconState, signedBlock *SignedBeaconBlock, validateResult bool) error {
	return m.atomically(state, func(state *BeaconState) error {
		block := &signedBlock.Message
		// Process slots (including those with no blocks) since block
		if err := m.processSlots(state, block.Slot); err != nil {
			return err
		}
		// Verify signature
		if validateResult {
			ok, err := m.VerifyBlockSignature(state, signedBlock)
			if err != nil {
				return err
			}
			if !ok {
				return assertf("state_transition", CheckBlockSignature, "proposer %d's signature does not verify", block.ProposerIndex)
			}
		}
		// Process block
		if err := m.processBlock(state, block); err != nil {
			return err
		}
		// Verify state root
		if validateResult {
			root, err := HashTreeRoot(m.Config, state)
			if err != nil {
				return err
			}
			if block.StateRoot != root {
				return assertf("state_transition", CheckStateRoot, "block says %x, post-state root is %x", block.StateRoot, root)
			}
		}
		return nil
	})
}

// VerifyBlockSignature is the spec's verify_block_signature ("Beacon chain state transition
// function"). With signature verification off it is true for any signature.
func (m *Model) VerifyBlockSignature(state *BeaconState, signedBlock *SignedBeaconBlock) (bool, error) {
	proposer, err := validatorAt(state, signedBlock.Message.ProposerIndex)
	if err != nil {
		return false, err
	}
	if !m.VerifySignatures {
		return true, nil
	}
	root, err := m.ComputeSigningRoot(&signedBlock.Message, m.GetDomain(state, m.DomainBeaconProposer, nil))
	if err != nil {
		return false, err
	}
	return blsVerify(proposer.Pubkey, root[:], signedBlock.Signature), nil
}

// ProcessSlots is the spec's process_slots ("Beacon chain state transition function"),
// atomic like StateTransition.
func (m *Model) ProcessSlots(state *BeaconState, slot Slot) error {
	return m.atomically(state, func(state *BeaconState) error { return m.processSlots(state, slot) })
}

func (m *Model) processSlots(state *BeaconState, slot Slot) error {
	if !(state.Slot < slot) {
		return assertf("process_slots", CheckSlotInFuture, "state slot %d, target slot %d", state.Slot, slot)
	}
	for state.Slot < slot {
		if err := m.ProcessSlot(state); err != nil {
			return err
		}
		// Process epoch on the start slot of the next epoch
		if (uint64(state.Slot)+1)%m.SlotsPerEpoch == 0 {
			if err := m.processEpoch(state); err != nil {
				return err
			}
		}
		state.Slot++ // cannot overflow: state.Slot < slot
	}
	return nil
}

// ProcessSlot is the spec's process_slot ("Beacon chain state transition function").
func (m *Model) ProcessSlot(state *BeaconState) error {
	// Cache state root
	previousStateRoot, err := HashTreeRoot(m.Config, state)
	if err != nil {
		return err
	}
	i := uint64(state.Slot) % m.SlotsPerHistoricalRoot
	if i >= uint64(len(state.StateRoots)) || i >= uint64(len(state.BlockRoots)) {
		return &IndexError{List: "state.state_roots", Index: i, Len: len(state.StateRoots)}
	}
	state.StateRoots[i] = previousStateRoot
	// Cache latest block header state root
	if state.LatestBlockHeader.StateRoot == (Root{}) {
		state.LatestBlockHeader.StateRoot = previousStateRoot
	}
	// Cache block root
	previousBlockRoot, err := HashTreeRoot(m.Config, &state.LatestBlockHeader)
	if err != nil {
		return err
	}
	state.BlockRoots[i] = previousBlockRoot
	return nil
}

// ProcessEpoch is the spec's process_epoch ("Epoch processing"), atomic: on error the
// state is left as it was.
func (m *Model) ProcessEpoch(state *BeaconState) error {
	return m.atomically(state, m.processEpoch)
}

func (m *Model) processEpoch(state *BeaconState) error {
	for _, step := range []func(*BeaconState) error{
		m.ProcessJustificationAndFinalization,
		m.ProcessRewardsAndPenalties,
		m.ProcessRegistryUpdates,
		m.ProcessSlashings,
		m.ProcessFinalUpdates,
	} {
		if err := step(state); err != nil {
			return err
		}
	}
	return nil
}
