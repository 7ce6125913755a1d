package spec

import (
	"errors"

	"github.com/beaconcheck/beaconcheck/spec/bls"
)

// StateTransition is the spec's state_transition ("Beacon chain state transition
// function"): process the slots up to the block's, verify its signature, process it, and
// check the resulting state root. validateResult false skips the signature and state-root
// checks, as the spec's flag does. The transition is atomic: on error the state is left as
// it was (exactly), and the error says why.
func (m *Model) StateTransition(state *BeaconState, signedBlock *SignedBeaconBlock, validateResult bool) (err error) {
	if m.hooked() {
		if err := m.requires(stateTransitionContract, func(c *checker) { c.wellFormed(m, state) },
			"slot", signedBlock.Message.Slot, "proposer_index", signedBlock.Message.ProposerIndex, "validate_result", validateResult); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresAtomic(stateTransitionContract, &err, before, state, func(c *checker) {
			c.wellFormed(m, state)
			c.that("at_block_slot", state.Slot == signedBlock.Message.Slot && state.LatestBlockHeader.Slot == signedBlock.Message.Slot,
				"state slot %d, header slot %d, block slot %d", state.Slot, state.LatestBlockHeader.Slot, signedBlock.Message.Slot)
			c.that("finality_monotone", state.FinalizedCheckpoint.Epoch >= before.FinalizedCheckpoint.Epoch,
				"finalized epoch went back from %d to %d", before.FinalizedCheckpoint.Epoch, state.FinalizedCheckpoint.Epoch)
		})
	}
	if m.BatchSignatures && m.VerifySignatures && m.batch == nil {
		return m.stateTransitionBatched(state, signedBlock, validateResult)
	}
	return m.atomically(state, func(state *BeaconState) error { return m.stateTransition(state, signedBlock, validateResult) })
}

// stateTransition is the body of state_transition, on the state atomically works on.
func (m *Model) stateTransition(state *BeaconState, signedBlock *SignedBeaconBlock, validateResult bool) error {
	block := &signedBlock.Message
	// Process slots (including those with no blocks) since block. process_slots asserts
	// state.slot < block.slot first thing; asking it here keeps that assert a
	// precondition of process_slots (its caller's obligation) in checked mode, with the
	// same outcome for an invalid block.
	if !(state.Slot < block.Slot) {
		return assertf("process_slots", CheckSlotInFuture, "state slot %d, block slot %d", state.Slot, block.Slot)
	}
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
		root, err := m.HashTreeRoot(state)
		if err != nil {
			return err
		}
		if block.StateRoot != root {
			return assertf("state_transition", CheckStateRoot, "block says %x, post-state root is %x", block.StateRoot, root)
		}
	}
	return nil
}

// stateTransitionBatched is state_transition with the block's signatures verified at once
// (Model.BatchSignatures): every signature check the spec makes on the way (blsVerify,
// blsFastAggregateVerify) is recorded and answered true, and the batch is verified when
// the block has been processed, before the outcome is reported. Every recorded check
// precedes whatever error the processing met, and the spec stops at its first failed
// check: so when the batch holds, the outcome is the processing's; when it fails, the
// block is processed again, atomically from the same pre-state, with each signature
// verified where the spec verifies it, which reports the spec's failed assert.
func (m *Model) stateTransitionBatched(state *BeaconState, signedBlock *SignedBeaconBlock, validateResult bool) error {
	batch := bls.Batch{Rules: m.Rules.BLS()}
	m.batch = &batch
	defer func() { m.batch = nil }()
	err := m.atomically(state, func(work *BeaconState) error {
		err := m.stateTransition(work, signedBlock, validateResult)
		m.batch = nil
		if batch.Check() != nil {
			return errBatchFailed
		}
		return err
	})
	if err == errBatchFailed {
		return m.atomically(state, func(state *BeaconState) error { return m.stateTransition(state, signedBlock, validateResult) })
	}
	return err
}

// errBatchFailed says a batch of signature checks failed: never returned to a caller.
var errBatchFailed = errors.New("spec: a batched signature check failed")

var stateTransitionContract = declare(Contract{
	Func: "state_transition", Section: "Beacon chain state transition function",
	Writes: []string{"slot", "state_roots", "block_roots", "latest_block_header", "balances", "slashings", "randao_mixes", "historical_roots", "eth1_data_votes", "previous_epoch_attestations", "current_epoch_attestations", "justification_bits", "previous_justified_checkpoint", "current_justified_checkpoint", "finalized_checkpoint", "validators.effective_balance", "validators.activation_eligibility_epoch", "validators.activation_epoch", "validators.exit_epoch", "validators.withdrawable_epoch", "eth1_data", "eth1_deposit_index", "validators.slashed", "validators.append"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
		{"at_block_slot", "the state is at the block's slot and its latest header is the block's"},
		{"finality_monotone", "the finalized epoch did not decrease"},
		{"unchanged_on_error", "an invalid transition leaves the state exactly as it was"},
	},
})

// siteBlockSignatureProposerRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteBlockSignatureProposerRead = site("verify_block_signature_proposer_read", OpIndex, "index", "length")

// VerifyBlockSignature is the spec's verify_block_signature ("Beacon chain state transition
// function"). With signature verification off it is true for any signature.
func (m *Model) VerifyBlockSignature(state *BeaconState, signedBlock *SignedBeaconBlock) (ok bool, err error) {
	if m.hooked() {
		m.enter(verifyBlockSignatureContract, "proposer_index", signedBlock.Message.ProposerIndex)
		defer m.ensures(verifyBlockSignatureContract, &err, func(c *checker) {
			c.that("proposer_exists", uint64(signedBlock.Message.ProposerIndex) < uint64(len(state.Validators)), "proposer %d of %d validators", signedBlock.Message.ProposerIndex, len(state.Validators))
			c.that("true_without_verification", m.VerifySignatures || ok, "false with signature verification off")
		})
	}
	proposer, err := validatorAt(siteBlockSignatureProposerRead, state, signedBlock.Message.ProposerIndex)
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
	return m.blsVerify("block signature", proposer.Pubkey, root[:], signedBlock.Signature), nil
}

var verifyBlockSignatureContract = declare(Contract{
	Func: "verify_block_signature", Section: "Beacon chain state transition function",
	Post: []Clause{
		{"proposer_exists", "an answer (true or false) means the block's proposer index is in the registry; an index beyond it is an IndexError"},
		{"true_without_verification", "with signature verification off the answer is true"},
	},
})

// ProcessSlots is the spec's process_slots ("Beacon chain state transition function"),
// atomic: on error the state is left as it was.
func (m *Model) ProcessSlots(state *BeaconState, slot Slot) error {
	return m.atomically(state, func(state *BeaconState) error { return m.processSlots(state, slot) })
}

// Sites of process_slots: state.slot + 1, evaluated twice per slot (the epoch test and the
// increment), and its remainder by SLOTS_PER_EPOCH.
var (
	siteSlotsNextSlot = site("process_slots_next_slot", OpAdd, "slot", "1")
	siteSlotsModulo   = site("process_slots_modulo", OpMod, "slot + 1", "SLOTS_PER_EPOCH")
)

func (m *Model) processSlots(state *BeaconState, slot Slot) (err error) {
	if m.hooked() {
		if err := m.requires(processSlotsContract, func(c *checker) {
			c.that("slot_in_future", state.Slot < slot, "state slot %d, target slot %d", state.Slot, slot)
			c.wellFormed(m, state)
		}, "slot", slot); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresFrom(processSlotsContract, &err, before, state, func(c *checker) {
			beforeRoot, _ := m.HashTreeRoot(before)
			c.that("at_slot", state.Slot == slot, "state slot %d, want %d", state.Slot, slot)
			c.wellFormed(m, state)
			c.that("first_state_root_recorded", state.StateRoots[uint64(before.Slot)%m.SlotsPerHistoricalRoot] == beforeRoot || uint64(slot-before.Slot) > m.SlotsPerHistoricalRoot,
				"state_roots[%d] is not the root of the state at slot %d", uint64(before.Slot)%m.SlotsPerHistoricalRoot, before.Slot)
			headerRoot, _ := m.HashTreeRoot(&state.LatestBlockHeader)
			written := true
			for s := before.Slot; s < slot && uint64(s-before.Slot) < m.SlotsPerHistoricalRoot; s++ {
				if state.BlockRoots[uint64(s)%m.SlotsPerHistoricalRoot] != headerRoot {
					written = false
				}
			}
			c.that("block_roots_recorded", written, "a passed slot's block_roots entry is not the latest header's root")
			c.that("header_state_root_filled", state.LatestBlockHeader.StateRoot != (Root{}), "latest_block_header.state_root is still zero")
			c.that("finality_monotone", state.FinalizedCheckpoint.Epoch >= before.FinalizedCheckpoint.Epoch,
				"finalized epoch went back from %d to %d", before.FinalizedCheckpoint.Epoch, state.FinalizedCheckpoint.Epoch)
		})
	}
	if !(state.Slot < slot) {
		return assertf("process_slots", CheckSlotInFuture, "state slot %d, target slot %d", state.Slot, slot)
	}
	for state.Slot < slot {
		if m.SlotHook != nil {
			if err := m.SlotHook(state.Slot, slot); err != nil {
				return err
			}
		}
		if err := m.ProcessSlot(state); err != nil {
			return err
		}
		// Process epoch on the start slot of the next epoch
		var k Calc
		epochEnd := k.Mod(siteSlotsModulo, k.Add(siteSlotsNextSlot, uint64(state.Slot), 1), m.SlotsPerEpoch) == 0
		if err := k.Err(); err != nil {
			return err
		}
		if epochEnd {
			if err := m.processEpoch(state); err != nil {
				return err
			}
		}
		next := k.Add(siteSlotsNextSlot, uint64(state.Slot), 1) // cannot overflow: state.Slot < slot
		if err := k.Err(); err != nil {
			return err
		}
		state.Slot = Slot(next)
	}
	return nil
}

var processSlotsContract = declare(Contract{
	Func: "process_slots", Section: "Beacon chain state transition function",
	Writes: []string{"slot", "state_roots", "block_roots", "latest_block_header", "balances", "slashings", "randao_mixes", "historical_roots", "eth1_data_votes", "previous_epoch_attestations", "current_epoch_attestations", "justification_bits", "previous_justified_checkpoint", "current_justified_checkpoint", "finalized_checkpoint", "validators.effective_balance", "validators.activation_eligibility_epoch", "validators.activation_epoch", "validators.exit_epoch", "validators.withdrawable_epoch"},
	Pre: []Clause{
		{"slot_in_future", "the target slot is after the state's slot: state.slot < slot"},
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
	},
	Post: []Clause{
		{"at_slot", "the state is at the target slot"},
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
		{"first_state_root_recorded", "state_roots holds the root of the state as it was at its first slot"},
		{"block_roots_recorded", "block_roots holds the latest header's root for every slot passed (no block is processed in between)"},
		{"header_state_root_filled", "the latest header's state root is filled in"},
		{"finality_monotone", "the finalized epoch did not decrease"},
	},
})

// Sites of process_slot: state.slot % SLOTS_PER_HISTORICAL_ROOT, and the writes of the two
// vectors at it (each raises when the index is not below the vector's length).
var (
	siteSlotModulo          = site("process_slot_modulo", OpMod, "slot", "SLOTS_PER_HISTORICAL_ROOT")
	siteSlotStateRootsWrite = site("process_slot_state_roots_write", OpIndex, "slot % SLOTS_PER_HISTORICAL_ROOT", "length")
	siteSlotBlockRootsWrite = site("process_slot_block_roots_write", OpIndex, "slot % SLOTS_PER_HISTORICAL_ROOT", "length")
)

// ProcessSlot is the spec's process_slot ("Beacon chain state transition function").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes. StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are
// atomic; call those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessSlot(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processSlotContract, func(c *checker) { c.wellFormed(m, state) }, "state.slot", state.Slot); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresFrom(processSlotContract, &err, before, state, func(c *checker) {
			beforeRoot, _ := m.HashTreeRoot(before)
			i := uint64(state.Slot) % m.SlotsPerHistoricalRoot
			c.that("state_root_recorded", state.StateRoots[i] == beforeRoot, "state_roots[%d] is not the pre-state's root", i)
			headerRoot, _ := m.HashTreeRoot(&state.LatestBlockHeader)
			c.that("block_root_recorded", state.BlockRoots[i] == headerRoot, "block_roots[%d] is not the latest header's root", i)
			c.that("header_state_root_filled", state.LatestBlockHeader.StateRoot != (Root{}), "latest_block_header.state_root is still zero")
			c.frame(frame{fields: []string{"state_roots", "block_roots", "latest_block_header"}}, before, state)
		})
	}
	// Cache state root
	previousStateRoot, err := m.HashTreeRoot(state)
	if err != nil {
		return err
	}
	i, err := vectorAt(siteSlotModulo, siteSlotStateRootsWrite, uint64(state.Slot), m.SlotsPerHistoricalRoot, "state.state_roots", len(state.StateRoots))
	if err != nil {
		return err
	}
	state.SetStateRoot(i, previousStateRoot)
	// Cache latest block header state root
	if state.LatestBlockHeader.StateRoot == (Root{}) {
		state.LatestBlockHeader.StateRoot = previousStateRoot
	}
	// Cache block root
	previousBlockRoot, err := m.HashTreeRoot(&state.LatestBlockHeader)
	if err != nil {
		return err
	}
	if siteSlotBlockRootsWrite.Index(i, len(state.BlockRoots)) {
		return outOfRange(siteSlotBlockRootsWrite, "state.block_roots", i, len(state.BlockRoots))
	}
	state.SetBlockRoot(i, previousBlockRoot)
	return nil
}

var processSlotContract = declare(Contract{
	Func: "process_slot", Section: "Beacon chain state transition function",
	Writes: []string{"state_roots", "block_roots", "latest_block_header"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"state_root_recorded", "state_roots[slot % SLOTS_PER_HISTORICAL_ROOT] is the root of the state before the call"},
		{"block_root_recorded", "block_roots[slot % SLOTS_PER_HISTORICAL_ROOT] is the root of the latest header"},
		{"header_state_root_filled", "the latest header's state root is filled in"},
		{"frame", "only state_roots, block_roots and the latest header's state root change"},
	},
})

// ProcessEpoch is the spec's process_epoch ("Epoch processing"), atomic: on error the
// state is left as it was.
func (m *Model) ProcessEpoch(state *BeaconState) error {
	return m.atomically(state, m.processEpoch)
}

func (m *Model) processEpoch(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processEpochContract, func(c *checker) {
			c.that("last_slot_of_epoch", (uint64(state.Slot)+1)%m.SlotsPerEpoch == 0, "slot %d is not the last of its epoch", state.Slot)
			c.wellFormed(m, state)
		}, "state.slot", state.Slot); err != nil {
			return err
		}
		before := m.snapshot(state)
		start := m.ledger
		defer m.ensuresFrom(processEpochContract, &err, before, state, func(c *checker) {
			c.wellFormed(m, state)
			m.supplyPerParts(c, start, before.Balances, state.Balances)
			m.slashingsKept(c, before, state)
			c.that("finality_monotone", state.FinalizedCheckpoint.Epoch >= before.FinalizedCheckpoint.Epoch,
				"finalized epoch went back from %d to %d", before.FinalizedCheckpoint.Epoch, state.FinalizedCheckpoint.Epoch)
			c.that("current_attestations_rotated", len(state.CurrentEpochAttestations) == 0 && samePending(state.PreviousEpochAttestations, before.CurrentEpochAttestations),
				"current epoch attestations were not moved to previous")
			c.frame(frame{fields: []string{"balances", "validators", "slashings", "randao_mixes", "historical_roots", "eth1_data_votes",
				"previous_epoch_attestations", "current_epoch_attestations", "justification_bits", "previous_justified_checkpoint",
				"current_justified_checkpoint", "finalized_checkpoint"}}, before, state)
		})
	}
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

var processEpochContract = declare(Contract{
	Func: "process_epoch", Section: "Epoch processing",
	Writes: []string{"balances", "slashings", "randao_mixes", "historical_roots", "eth1_data_votes", "previous_epoch_attestations", "current_epoch_attestations", "justification_bits", "previous_justified_checkpoint", "current_justified_checkpoint", "finalized_checkpoint", "validators.effective_balance", "validators.activation_eligibility_epoch", "validators.activation_epoch", "validators.exit_epoch", "validators.withdrawable_epoch"},
	Pre: []Clause{
		{"last_slot_of_epoch", "the state is at the last slot of an epoch: (slot + 1) % SLOTS_PER_EPOCH == 0"},
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
	},
	Post: []Clause{
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
		{"finality_monotone", "the finalized epoch did not decrease"},
		{"current_attestations_rotated", "the current epoch's pending attestations became the previous epoch's, and the current list is empty"},
		{"supply_per_parts", "the sum of all balances moves by exactly the rewards minus the penalties taken that process_rewards_and_penalties stated, minus the penalties process_slashings stated: nothing else in the epoch moves a balance"},
		{"slashings_kept", "no slashings entry but the next epoch's changes"},
		{"frame", "the slot, fork, genesis data, latest header, block and state roots, eth1 data and deposit index are untouched"},
	},
})
