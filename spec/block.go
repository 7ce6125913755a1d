package spec

import "encoding/binary"

// ProcessBlock is the spec's process_block ("Block processing"), atomic: on error the state
// is left as it was.
func (m *Model) ProcessBlock(state *BeaconState, block *BeaconBlock) error {
	return m.atomically(state, func(state *BeaconState) error { return m.processBlock(state, block) })
}

func (m *Model) processBlock(state *BeaconState, block *BeaconBlock) (err error) {
	if m.hooked() {
		if err := m.requires(processBlockContract, func(c *checker) { c.wellFormed(m, state) }, "slot", block.Slot); err != nil {
			return err
		}
		before := m.snapshot(state)
		start := m.ledger
		defer m.ensuresFrom(processBlockContract, &err, before, state, func(c *checker) {
			c.wellFormed(m, state)
			m.supplyPerParts(c, start, before.Balances, state.Balances)
			c.that("header_is_block", state.LatestBlockHeader.Slot == block.Slot && state.LatestBlockHeader.ProposerIndex == block.ProposerIndex &&
				state.LatestBlockHeader.ParentRoot == block.ParentRoot, "latest_block_header is not the block's header")
			c.frame(frame{fields: []string{"latest_block_header", "randao_mixes", "eth1_data", "eth1_data_votes", "eth1_deposit_index",
				"balances", "slashings", "previous_epoch_attestations", "current_epoch_attestations"}, allValidators: true, appends: true,
				validatorFields: []string{"slashed", "exit_epoch", "withdrawable_epoch"}}, before, state)
		})
	}
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

// siteBlockHeaderProposerRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteBlockHeaderProposerRead = site("process_block_header_proposer_read", OpIndex, "index", "length")

// ProcessBlockHeader is the spec's process_block_header ("Block header").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes (the latest block header is cached before the proposer is checked
// not to be slashed). StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are atomic;
// call those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessBlockHeader(state *BeaconState, block *BeaconBlock) (err error) {
	if m.hooked() {
		if err := m.requires(processBlockHeaderContract, func(c *checker) { c.wellFormed(m, state) },
			"slot", block.Slot, "proposer_index", block.ProposerIndex); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresFrom(processBlockHeaderContract, &err, before, state, func(c *checker) {
			bodyRoot, _ := m.HashTreeRoot(&block.Body)
			want := BeaconBlockHeader{Slot: block.Slot, ProposerIndex: block.ProposerIndex, ParentRoot: block.ParentRoot, BodyRoot: bodyRoot}
			c.that("header_cached", state.LatestBlockHeader == want, "latest_block_header %+v, want %+v", state.LatestBlockHeader, want)
			c.that("slot_advanced", state.LatestBlockHeader.Slot > before.LatestBlockHeader.Slot, "header slot did not advance")
			c.frame(frame{fields: []string{"latest_block_header"}}, before, state)
		})
	}
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
	parent, err := m.HashTreeRoot(&state.LatestBlockHeader)
	if err != nil {
		return err
	}
	if block.ParentRoot != parent {
		return assertf(fn, CheckHeaderParentRoot, "block parent %x, latest header root %x", block.ParentRoot, parent)
	}
	// Cache current block as the new latest block
	bodyRoot, err := m.HashTreeRoot(&block.Body)
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
	proposer, err := validatorAt(siteBlockHeaderProposerRead, state, block.ProposerIndex)
	if err != nil {
		return err
	}
	if proposer.Slashed {
		return assertf(fn, CheckProposerNotSlashed, "proposer %d is slashed", block.ProposerIndex)
	}
	return nil
}

// siteRandaoProposerRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteRandaoProposerRead = site("process_randao_proposer_read", OpIndex, "index", "length")

// Sites of process_randao's write of state.randao_mixes[epoch % EPOCHS_PER_HISTORICAL_VECTOR]
// and its index.
var (
	siteRandaoModulo   = site("process_randao_modulo", OpMod, "epoch", "EPOCHS_PER_HISTORICAL_VECTOR")
	siteRandaoMixWrite = site("process_randao_mix_write", OpIndex, "epoch % EPOCHS_PER_HISTORICAL_VECTOR", "length")
)

// ProcessRandao is the spec's process_randao ("RANDAO").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes. StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are
// atomic; call those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessRandao(state *BeaconState, body *BeaconBlockBody) (err error) {
	if m.hooked() {
		if err := m.requires(processRandaoContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processRandaoContract, &err, state, func(c *checker) {
			i := uint64(m.GetCurrentEpoch(state)) % m.EpochsPerHistoricalVector
			want := m.Xor(before.RandaoMixes[i], m.Hash(body.RandaoReveal[:]))
			c.that("mix_updated", state.RandaoMixes[i] == want, "randao_mixes[%d] is not the old mix xor hash(reveal)", i)
			c.frame(frame{fields: []string{"randao_mixes"}}, before, state)
		})
	}
	epoch := m.GetCurrentEpoch(state)
	// Verify RANDAO reveal
	proposerIndex, err := m.GetBeaconProposerIndex(state)
	if err != nil {
		return err
	}
	proposer, err := validatorAt(siteRandaoProposerRead, state, proposerIndex)
	if err != nil {
		return err
	}
	if m.VerifySignatures {
		var epochRoot Root // hash_tree_root(epoch): its 8 little-endian bytes, zero-padded
		binary.LittleEndian.PutUint64(epochRoot[:], uint64(epoch))
		signingRoot := m.signingRootOf(epochRoot, m.GetDomain(state, m.DomainRandao, nil))
		if !m.blsVerify("randao reveal", proposer.Pubkey, signingRoot[:], body.RandaoReveal) {
			return assertf("process_randao", CheckRandaoReveal, "reveal of proposer %d for epoch %d does not verify", proposerIndex, epoch)
		}
	}
	// Mix in RANDAO reveal
	current, err := m.GetRandaoMix(state, epoch)
	if err != nil {
		return err
	}
	i, err := vectorAt(siteRandaoModulo, siteRandaoMixWrite, uint64(epoch), m.EpochsPerHistoricalVector, "state.randao_mixes", len(state.RandaoMixes))
	if err != nil {
		return err
	}
	state.SetRandaoMix(i, m.Xor(current, m.Hash(body.RandaoReveal[:])))
	return nil
}

// ProcessEth1Data is the spec's process_eth1_data ("Eth1 data").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes. StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are
// atomic; call those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessEth1Data(state *BeaconState, body *BeaconBlockBody) (err error) {
	if m.hooked() {
		if err := m.requires(processEth1DataContract, func(c *checker) { c.wellFormed(m, state) },
			"deposit_count", body.Eth1Data.DepositCount); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processEth1DataContract, &err, state, func(c *checker) {
			n := len(state.Eth1DataVotes)
			c.that("vote_appended", n == len(before.Eth1DataVotes)+1 && state.Eth1DataVotes[n-1] == body.Eth1Data, "the block's vote was not appended")
			c.that("eth1_data_is_old_or_vote", state.Eth1Data == before.Eth1Data || state.Eth1Data == body.Eth1Data, "eth1_data became neither its old value nor the vote")
			c.frame(frame{fields: []string{"eth1_data", "eth1_data_votes"}}, before, state)
		})
	}
	var k Calc
	limit := k.Mul(siteEth1DataVotesLimit, m.EpochsPerEth1VotingPeriod, m.SlotsPerEpoch)
	if err := k.Err(); err != nil {
		return err
	}
	if siteEth1DataVotesAppend.Fails(uint64(len(state.Eth1DataVotes))+1, limit) {
		return appendBeyondLimit(siteEth1DataVotesAppend, "state.eth1_data_votes (append beyond EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH)", len(state.Eth1DataVotes))
	}
	state.AppendEth1DataVote(body.Eth1Data)
	var count uint64
	for _, v := range state.Eth1DataVotes {
		if v == body.Eth1Data {
			count++
		}
	}
	doubled := k.Mul(siteEth1DataMajority, count, 2)
	if err := k.Err(); err != nil {
		return err
	}
	if doubled > limit {
		state.Eth1Data = body.Eth1Data
	}
	return nil
}

// Sites of process_eth1_data: the list's limit, the append of the block's vote (the list's
// length after it) and the doubled count of the vote.
var (
	siteEth1DataVotesLimit  = site("process_eth1_data_votes_limit", OpMul, "EPOCHS_PER_ETH1_VOTING_PERIOD", "SLOTS_PER_EPOCH")
	siteEth1DataVotesAppend = site("process_eth1_data_votes_append", OpAppend, "votes", "EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH")
	siteEth1DataMajority    = site("process_eth1_data_majority", OpMul, "count", "2")
)

// Sites of process_operations.
var siteOutstandingDeposits = site("process_operations_outstanding_deposits", OpSub, "deposit_count", "deposit_index")

// ProcessOperations is the spec's process_operations ("Operations").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes (the operations before the failing one stay applied).
// StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are atomic; call those, or work
// on a copy, when a failure must leave no trace.
func (m *Model) ProcessOperations(state *BeaconState, body *BeaconBlockBody) (err error) {
	if m.hooked() {
		if err := m.requires(processOperationsContract, func(c *checker) { c.wellFormed(m, state) },
			"proposer_slashings", len(body.ProposerSlashings), "attester_slashings", len(body.AttesterSlashings),
			"attestations", len(body.Attestations), "deposits", len(body.Deposits), "voluntary_exits", len(body.VoluntaryExits)); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processOperationsContract, &err, state, func(c *checker) {
			c.wellFormed(m, state)
			c.that("deposits_consumed", state.Eth1DepositIndex == before.Eth1DepositIndex+uint64(len(body.Deposits)),
				"eth1_deposit_index %d -> %d for %d deposits", before.Eth1DepositIndex, state.Eth1DepositIndex, len(body.Deposits))
			c.frame(frame{fields: []string{"eth1_deposit_index", "balances", "slashings", "previous_epoch_attestations", "current_epoch_attestations"},
				allValidators: true, appends: true, validatorFields: []string{"slashed", "exit_epoch", "withdrawable_epoch"}}, before, state)
		})
	}
	// Verify that outstanding deposits are processed up to the maximum number of deposits
	var k Calc
	outstanding := k.Sub(siteOutstandingDeposits, state.Eth1Data.DepositCount, state.Eth1DepositIndex)
	if err := k.Err(); err != nil {
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

var processBlockContract = declare(Contract{
	Func: "process_block", Section: "Block processing",
	Writes: []string{"latest_block_header", "randao_mixes", "eth1_data", "eth1_data_votes", "eth1_deposit_index", "balances", "slashings", "previous_epoch_attestations", "current_epoch_attestations", "validators.slashed", "validators.exit_epoch", "validators.withdrawable_epoch", "validators.append"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
		{"header_is_block", "latest_block_header is the block's header (slot, proposer, parent)"},
		{"supply_per_parts", "the sum of all balances moves by exactly what its parts stated: each slash_validator's whistleblower reward minus the penalty it took, plus each applied deposit's amount; nothing else in the block moves a balance"},
		{"frame", "the slot, fork, histories, checkpoints and justification bits are untouched; validators change only by slashing, exits and deposits"},
	},
})

var processBlockHeaderContract = declare(Contract{
	Func: "process_block_header", Section: "Block header",
	Writes: []string{"latest_block_header"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"header_cached", "latest_block_header holds the block's slot, proposer and parent, a zero state root (filled by the next process_slot) and the body's root"},
		{"slot_advanced", "the header's slot is later than the previous latest header's"},
		{"frame", "nothing but latest_block_header changes"},
	},
})

var processRandaoContract = declare(Contract{
	Func: "process_randao", Section: "RANDAO",
	Writes: []string{"randao_mixes"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"mix_updated", "the current epoch's mix is the old mix xor hash(randao_reveal)"},
		{"frame", "only randao_mixes changes (and only that entry, implied by mix_updated and the frame of the vector)"},
	},
})

var processEth1DataContract = declare(Contract{
	Func: "process_eth1_data", Section: "Eth1 data",
	Writes: []string{"eth1_data", "eth1_data_votes"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"vote_appended", "the block's eth1_data vote is appended to eth1_data_votes"},
		{"eth1_data_is_old_or_vote", "eth1_data is unchanged or becomes the vote (when it has a majority of the period's slots)"},
		{"frame", "only eth1_data and eth1_data_votes change"},
	},
})

var processOperationsContract = declare(Contract{
	Func: "process_operations", Section: "Operations",
	Writes: []string{"eth1_deposit_index", "balances", "slashings", "previous_epoch_attestations", "current_epoch_attestations", "validators.slashed", "validators.exit_epoch", "validators.withdrawable_epoch", "validators.append"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
		{"deposits_consumed", "eth1_deposit_index grew by the number of deposits in the block"},
		{"frame", "only balances, slashings, the pending attestation lists, eth1_deposit_index, validators' slashed/exit/withdrawable epochs and appended validators change"},
	},
})
