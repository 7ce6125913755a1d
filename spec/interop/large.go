package interop

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/spec"
)

// FakePubkey is large-state validator i's public key: 48 bytes that are not a BLS public
// key at all. The first 32 are sha256("interop large state pubkey" ++ uint64 i) with the
// top bit (the compression flag) cleared, so that no such string decodes as a point; the
// next 8 are i itself, so that all are distinct; the last 8 are zero.
func FakePubkey(i uint64) spec.BLSPubkey {
	var pk spec.BLSPubkey
	h := sha256.Sum256(binary.LittleEndian.AppendUint64([]byte("interop large state pubkey"), i))
	copy(pk[:32], h[:])
	pk[0] &^= 0x80
	binary.LittleEndian.PutUint64(pk[32:40], i)
	return pk
}

// LargeState returns a BeaconState at slot with n active validators, built directly
// rather than by deposits so that it costs no key derivation: a few seconds for millions
// of validators, under a second for 400,000.
//
// Its validators have FakePubkey keys: no signature of theirs can verify, so use the state
// with a Model whose VerifySignatures is false and build blocks on it with
// BlockOptions.NoSignatures. Everything else is what a healthy chain at slot looks like:
//
//   - validators: MAX_EFFECTIVE_BALANCE, active and eligible from epoch 0, never exiting,
//     BLS withdrawal credentials of their pubkey; balances MAX_EFFECTIVE_BALANCE;
//   - every vector at its config length: block and state roots of the slots before slot
//     (made-up hashes of the slot, the most recent SLOTS_PER_HISTORICAL_ROOT of them),
//     randao mixes (a made-up hash of the epoch, all EPOCHS_PER_HISTORICAL_VECTOR), zero
//     slashings; one made-up historical root per completed SLOTS_PER_HISTORICAL_ROOT;
//   - latest_block_header: the block of slot itself, by the slot's real proposer, with the
//     state root still zero as process_block leaves it, so process_slots can run next;
//   - eth1_data: n deposits, all processed, block hash 0x42..42;
//   - finality as after full participation: from epoch 2 on, the previous epoch is
//     justified and the one before finalized (justification bits 0b0011); before that the
//     genesis checkpoints;
//   - no pending attestations (AddPendingAttestations adds them).
//
// The genesis validators root is sha256("interop large state" ++ uint64 n), not the root
// of any registry: it only separates signature domains. The same (cfg, n, slot) always
// gives the same state, byte for byte.
func LargeState(cfg *spec.Config, n uint64, slot spec.Slot) (*spec.BeaconState, error) {
	return largeState(cfg, n, slot, FakePubkey)
}

// KeyedState is LargeState with the real public keys of keys instead of made-up ones, one
// validator per key: validators whose signatures verify, without the cost of a genesis
// from deposits (n proofs of possession to sign). Blocks on it can be built and checked
// with signatures.
func KeyedState(cfg *spec.Config, keys *Keys, slot spec.Slot) (*spec.BeaconState, error) {
	return largeState(cfg, keys.Len(), slot, keys.Pubkey)
}

func largeState(cfg *spec.Config, n uint64, slot spec.Slot, pubkey func(uint64) spec.BLSPubkey) (*spec.BeaconState, error) {
	m := spec.NewModel(cfg)
	emptyBodyRoot, err := spec.HashTreeRoot(cfg, &spec.BeaconBlockBody{})
	if err != nil {
		return nil, err
	}
	state := &spec.BeaconState{
		GenesisTime:           cfg.MinGenesisTime + cfg.GenesisDelay,
		GenesisValidatorsRoot: madeUp("interop large state", n),
		Slot:                  slot,
		Fork:                  spec.Fork{PreviousVersion: cfg.GenesisForkVersion, CurrentVersion: cfg.GenesisForkVersion, Epoch: spec.GenesisEpoch},
		BlockRoots:            make([]spec.Root, cfg.SlotsPerHistoricalRoot),
		StateRoots:            make([]spec.Root, cfg.SlotsPerHistoricalRoot),
		HistoricalRoots:       make([]spec.Root, uint64(slot)/cfg.SlotsPerHistoricalRoot),
		Eth1Data:              spec.Eth1Data{DepositRoot: madeUp("interop large state deposit root", n), DepositCount: n, BlockHash: GenesisEth1BlockHash},
		Eth1DataVotes:         []spec.Eth1Data{},
		Eth1DepositIndex:      n,
		Validators:            make([]spec.Validator, n),
		Balances:              make([]spec.Gwei, n),
		RandaoMixes:           make([]spec.Root, cfg.EpochsPerHistoricalVector),
		Slashings:             make([]spec.Gwei, cfg.EpochsPerSlashingsVector),
		JustificationBits:     bitfield.NewBitvector4(),
	}
	for s := uint64(slot) - min(uint64(slot), cfg.SlotsPerHistoricalRoot); s < uint64(slot); s++ {
		state.BlockRoots[s%cfg.SlotsPerHistoricalRoot] = blockRootAt(spec.Slot(s))
		state.StateRoots[s%cfg.SlotsPerHistoricalRoot] = madeUp("interop state root", s)
	}
	for i := range state.HistoricalRoots {
		state.HistoricalRoots[i] = madeUp("interop historical root", uint64(i))
	}
	for e := range state.RandaoMixes {
		state.RandaoMixes[e] = madeUp("interop randao mix", uint64(e))
	}
	parallel(0, n, func(i uint64) {
		pk := pubkey(i)
		state.Validators[i] = spec.Validator{
			Pubkey:                     pk,
			WithdrawalCredentials:      WithdrawalCredentials(cfg, pk),
			EffectiveBalance:           cfg.MaxEffectiveBalance,
			ActivationEligibilityEpoch: spec.GenesisEpoch,
			ActivationEpoch:            spec.GenesisEpoch,
			ExitEpoch:                  spec.FarFutureEpoch,
			WithdrawableEpoch:          spec.FarFutureEpoch,
		}
		state.Balances[i] = cfg.MaxEffectiveBalance
	})

	if epoch := m.ComputeEpochAtSlot(slot); epoch >= 2 {
		checkpoint := func(e spec.Epoch) spec.Checkpoint {
			return spec.Checkpoint{Epoch: e, Root: blockRootAt(spec.Slot(uint64(e) * cfg.SlotsPerEpoch))}
		}
		state.PreviousJustifiedCheckpoint = checkpoint(epoch - 2)
		state.CurrentJustifiedCheckpoint = checkpoint(epoch - 1)
		state.FinalizedCheckpoint = checkpoint(epoch - 2)
		state.JustificationBits.SetBitAt(0, true)
		state.JustificationBits.SetBitAt(1, true)
	}

	proposer, err := m.GetBeaconProposerIndex(state)
	if err != nil {
		return nil, err
	}
	state.LatestBlockHeader = spec.BeaconBlockHeader{Slot: slot, ProposerIndex: proposer, BodyRoot: emptyBodyRoot}
	if slot > 0 {
		state.LatestBlockHeader.ParentRoot = blockRootAt(slot - 1)
	}
	return state, nil
}

// blockRootAt is the made-up root of a large state's block at slot.
func blockRootAt(slot spec.Slot) spec.Root { return madeUp("interop block root", uint64(slot)) }

// madeUp is sha256(tag ++ uint64 i): a deterministic stand-in for a root no real object has.
func madeUp(tag string, i uint64) spec.Root {
	return spec.Root(sha256.Sum256(binary.LittleEndian.AppendUint64([]byte(tag), i)))
}

// AddPendingAttestations fills state's pending attestations as a chain with the given
// participation would have them at state.Slot, each committee's attestation included
// one slot after its slot by that slot's proposer: previous_epoch_attestations covers every
// committee of the previous epoch, current_epoch_attestations every committee of the
// current epoch's slots before state.Slot. Attestation data is the honest validator's
// (see BuildBlock); the bits follow the same deterministic choice of attesters as
// BuildBlock's. Nothing is signed: pending attestations carry no signatures.
//
// It replaces both lists and resets m's caches.
func AddPendingAttestations(m *spec.Model, state *spec.BeaconState, participation float64, seed uint64) error {
	if err := checkParticipation(participation); err != nil {
		return err
	}
	m.ResetCaches()
	defer m.ResetCaches()
	current := m.GetCurrentEpoch(state)
	start, err := m.ComputeStartSlotAtEpoch(current)
	if err != nil {
		return err
	}
	first := start
	if current > spec.GenesisEpoch {
		first -= spec.Slot(m.SlotsPerEpoch)
	}
	// First the proposer of each inclusion slot, read from a shallow copy whose slot is
	// moved (get_beacon_proposer_index reads the slot, seeds and effective balances), then
	// the committees from state itself: the model caches for one state at a time.
	proposers := make([]spec.ValidatorIndex, 0, uint64(state.Slot-first))
	at := *state
	for slot := first; slot < state.Slot; slot++ {
		at.Slot = slot + 1
		proposer, err := m.GetBeaconProposerIndex(&at)
		if err != nil {
			return err
		}
		proposers = append(proposers, proposer)
	}
	m.ResetCaches()
	previous, currentList := []spec.PendingAttestation{}, []spec.PendingAttestation{}
	for slot := first; slot < state.Slot; slot++ {
		epoch := m.ComputeEpochAtSlot(slot)
		count := m.GetCommitteeCountPerSlot(state, epoch)
		for index := spec.CommitteeIndex(0); uint64(index) < count; index++ {
			committee, err := m.GetBeaconCommittee(state, slot, index)
			if err != nil {
				return err
			}
			chosen := attesters(len(committee), participation, seed, slot, index)
			if len(chosen) == 0 {
				continue
			}
			data, err := attestationData(m, state, slot, index)
			if err != nil {
				return err
			}
			bits := bitfield.NewBitlist(uint64(len(committee)))
			for _, p := range chosen {
				bits.SetBitAt(uint64(p), true)
			}
			pending := spec.PendingAttestation{AggregationBits: bits, Data: data, InclusionDelay: 1, ProposerIndex: proposers[slot-first]}
			if epoch == current {
				currentList = append(currentList, pending)
			} else {
				previous = append(previous, pending)
			}
		}
	}
	limit := int(m.MaxAttestations * m.SlotsPerEpoch)
	if len(previous) > limit || len(currentList) > limit {
		return &OptionsError{Field: "AddPendingAttestations", Reason: "more committees than MAX_ATTESTATIONS * SLOTS_PER_EPOCH pending attestations"}
	}
	state.PreviousEpochAttestations, state.CurrentEpochAttestations = previous, currentList
	return nil
}
