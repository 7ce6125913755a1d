package spec

import "encoding/binary"

// ProcessBlock is the spec's process_block ("Block processing"), atomic: on error the state
// is left as it was.
func (m *Model) ProcessBlock(state *BeaconState, block *BeaconBlock) error {
	return m.atomically(state, func(state *BeaconState) error { return m.processBlock(state, block) })
}

func (m *Model) processBlock(state *BeaconState, block *BeaconBlock) error {
	if err := m.ProcessBlockHeader(state, block); err != nil {
		return err
	}
	if err := m.ProcessRandao(state, &block.Body); err != nil {
		return err
	}
	if err := m.ProcessEth1Data(state, &block.Body); err != nil {
		return err
	}
	return m.ProcessOperations(state, &block.Body)
}

// ProcessBlockHeader is the spec's process_block_header ("Block header").
func (m *Model) ProcessBlockHeader(state *BeaconState, block *BeaconBlock) error {
	const fn = "process_block_header"
	// Verify that the slots match
	if block.Slot != state.Slot {
		return assertf(fn, CheckHeaderSlot, "block slot %d, state slot %d", block.Slot, state.Slot)
	}
	// Verify that the block is newer than latest block header
	if !(block.Slot > state.LatestBlockHeader.Slot) {
		return assertf(fn, CheckHeaderNewer, "block slot %d, latest header slot %d", block.Slot, state.LatestBlockHeader.Slot)
	}
	// Verify that proposer index is the correct index
	proposerIndex, err := m.GetBeaconProposerIndex(state)
	if err != nil {
		return err
	}
	if block.ProposerIndex != proposerIndex {
		return assertf(fn, CheckHeaderProposerIndex, "block proposer %d, expected %d", block.ProposerIndex, proposerIndex)
	}
	// Verify that the parent matches
	parent, err := HashTreeRoot(m.Config, &state.LatestBlockHeader)
	if err != nil {
		return err
	}
	if block.ParentRoot != parent {
		return assertf(fn, CheckHeaderParentRoot, "block parent %x, latest header root %x", block.ParentRoot, parent)
	}
	// Cache current block as the new latest block
	bodyRoot, err := HashTreeRoot(m.Config, &block.Body)
	if err != nil {
		return err
	}
	state.LatestBlockHeader = BeaconBlockHeader{
		Slot:          block.Slot,
		ProposerIndex: block.ProposerIndex,
		ParentRoot:    block.ParentRoot,
		StateRoot:     Root{}, // overwritten in the next process_slot call
		BodyRoot:      bodyRoot,
	}
	// Verify proposer is not slashed
	proposer, err := validatorAt(state, block.ProposerIndex)
	if err != nil {
		return err
	}
	if proposer.Slashed {
		return assertf(fn, CheckProposerNotSlashed, "proposer %d is slashed", block.ProposerIndex)
	}
	return nil
}

// ProcessRandao is the spec's process_randao ("RANDAO").
func (m *Model) ProcessRandao(state *BeaconState, body *BeaconBlockBody) error {
	epoch := m.GetCurrentEpoch(state)
	// Verify RANDAO reveal
	proposerIndex, err := m.GetBeaconProposerIndex(state)
	if err != nil {
		return err
	}
	proposer, err := validatorAt(state, proposerIndex)
	if err != nil {
		return err
	}
	if m.VerifySignatures {
		var epochRoot Root // hash_tree_root(epoch): its 8 little-endian bytes, zero-padded
		binary.LittleEndian.PutUint64(epochRoot[:], uint64(epoch))
		signingRoot := m.signingRootOf(epochRoot, m.GetDomain(state, m.DomainRandao, nil))
		if !blsVerify(proposer.Pubkey, signingRoot[:], body.RandaoReveal) {
			return assertf("process_randao", CheckRandaoReveal, "reveal of proposer %d for epoch %d does not verify", proposerIndex, epoch)
		}
	}
	// Mix in RANDAO reveal
	current, err := m.GetRandaoMix(state, epoch)
	if err != nil {
		return err
	}
	state.RandaoMixes[uint64(epoch)%m.EpochsPerHistoricalVector] = Xor(current, Hash(body.RandaoReveal[:]))
	return nil
}

// ProcessEth1Data is the spec's process_eth1_data ("Eth1 data").
func (m *Model) ProcessEth1Data(state *BeaconState, body *BeaconBlockBody) error {
	limit := m.EpochsPerEth1VotingPeriod * m.SlotsPerEpoch
	if uint64(len(state.Eth1DataVotes)) >= limit {
		return &IndexError{List: "state.eth1_data_votes (append beyond EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH)", Index: uint64(len(state.Eth1DataVotes)), Len: len(state.Eth1DataVotes)}
	}
	state.Eth1DataVotes = append(state.Eth1DataVotes, body.Eth1Data)
	var count uint64
	for _, v := range state.Eth1DataVotes {
		if v == body.Eth1Data {
			count++
		}
	}
	if count*2 > limit {
		state.Eth1Data = body.Eth1Data
	}
	return nil
}

// ProcessOperations is the spec's process_operations ("Operations").
func (m *Model) ProcessOperations(state *BeaconState, body *BeaconBlockBody) error {
	// Verify that outstanding deposits are processed up to the maximum number of deposits
	var k Calc
	outstanding := k.Sub(state.Eth1Data.DepositCount, state.Eth1DepositIndex)
	if err := k.Err("process_operations: eth1_data.deposit_count - eth1_deposit_index"); err != nil {
		return err
	}
	if want := min(m.MaxDeposits, outstanding); uint64(len(body.Deposits)) != want {
		return assertf("process_operations", CheckDepositCount, "block has %d deposits, %d outstanding deposits must be processed", len(body.Deposits), want)
	}
	for i := range body.ProposerSlashings {
		if err := m.ProcessProposerSlashing(state, &body.ProposerSlashings[i]); err != nil {
			return &OperationError{Kind: "proposer_slashing", Index: i, Err: err}
		}
	}
	for i := range body.AttesterSlashings {
		if err := m.ProcessAttesterSlashing(state, &body.AttesterSlashings[i]); err != nil {
			return &OperationError{Kind: "attester_slashing", Index: i, Err: err}
		}
	}
	for i := range body.Attestations {
		if err := m.ProcessAttestation(state, &body.Attestations[i]); err != nil {
			return &OperationError{Kind: "attestation", Index: i, Err: err}
		}
	}
	for i := range body.Deposits {
		if err := m.ProcessDeposit(state, &body.Deposits[i]); err != nil {
			return &OperationError{Kind: "deposit", Index: i, Err: err}
		}
	}
	for i := range body.VoluntaryExits {
		if err := m.ProcessVoluntaryExit(state, &body.VoluntaryExits[i]); err != nil {
			return &OperationError{Kind: "voluntary_exit", Index: i, Err: err}
		}
	}
	return nil
}
