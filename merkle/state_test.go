package merkle_test

import (
	"encoding/binary"
	"math/rand"

	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/spec"
)

// Builders of real Phase 0 values for the tests: every vector at its config length, every
// list within its limit, fields filled from a deterministically seeded source.

func randRoot(r *rand.Rand) (x spec.Root) {
	r.Read(x[:])
	return x
}

func randRoots(r *rand.Rand, n uint64) []spec.Root {
	out := make([]spec.Root, n)
	for i := range out {
		out[i] = randRoot(r)
	}
	return out
}

func randCheckpoint(r *rand.Rand) spec.Checkpoint {
	return spec.Checkpoint{Epoch: spec.Epoch(r.Uint64()), Root: randRoot(r)}
}

func randValidator(r *rand.Rand) spec.Validator {
	var v spec.Validator
	r.Read(v.Pubkey[:])
	v.WithdrawalCredentials = randRoot(r)
	v.EffectiveBalance = spec.Gwei(r.Uint64())
	v.Slashed = r.Intn(2) == 1
	v.ActivationEligibilityEpoch = spec.Epoch(r.Uint64())
	v.ActivationEpoch = spec.Epoch(r.Uint64())
	v.ExitEpoch = spec.Epoch(r.Uint64())
	v.WithdrawableEpoch = spec.Epoch(r.Uint64())
	return v
}

func randEth1Data(r *rand.Rand) spec.Eth1Data {
	return spec.Eth1Data{DepositRoot: randRoot(r), DepositCount: r.Uint64(), BlockHash: randRoot(r)}
}

func randAttestationData(r *rand.Rand) spec.AttestationData {
	return spec.AttestationData{
		Slot:            spec.Slot(r.Uint64()),
		Index:           spec.CommitteeIndex(r.Uint64()),
		BeaconBlockRoot: randRoot(r),
		Source:          randCheckpoint(r),
		Target:          randCheckpoint(r),
	}
}

func randBitlist(r *rand.Rand, n uint64) bitfield.Bitlist {
	b := bitfield.NewBitlist(n)
	for i := uint64(0); i < n; i++ {
		b.SetBitAt(i, r.Intn(2) == 1)
	}
	return b
}

func randPendingAttestation(r *rand.Rand) spec.PendingAttestation {
	return spec.PendingAttestation{
		AggregationBits: randBitlist(r, uint64(1+r.Intn(600))),
		Data:            randAttestationData(r),
		InclusionDelay:  spec.Slot(r.Uint64()),
		ProposerIndex:   spec.ValidatorIndex(r.Uint64()),
	}
}

func randHeader(r *rand.Rand) spec.BeaconBlockHeader {
	return spec.BeaconBlockHeader{
		Slot:          spec.Slot(r.Uint64()),
		ProposerIndex: spec.ValidatorIndex(r.Uint64()),
		ParentRoot:    randRoot(r),
		StateRoot:     randRoot(r),
		BodyRoot:      randRoot(r),
	}
}

func randDepositData(r *rand.Rand) spec.DepositData {
	var d spec.DepositData
	r.Read(d.Pubkey[:])
	d.WithdrawalCredentials = randRoot(r)
	d.Amount = spec.Gwei(r.Uint64())
	r.Read(d.Signature[:])
	return d
}

// randState returns a BeaconState of cfg's sizes with n validators and every field random.
func randState(r *rand.Rand, cfg *spec.Config, n int) *spec.BeaconState {
	s := &spec.BeaconState{
		GenesisTime:           r.Uint64(),
		GenesisValidatorsRoot: randRoot(r),
		Slot:                  spec.Slot(r.Uint64()),
		Fork:                  spec.Fork{Epoch: spec.Epoch(r.Uint64())},
		LatestBlockHeader:     randHeader(r),
		BlockRoots:            randRoots(r, cfg.SlotsPerHistoricalRoot),
		StateRoots:            randRoots(r, cfg.SlotsPerHistoricalRoot),
		HistoricalRoots:       randRoots(r, 5),
		Eth1Data:              randEth1Data(r),
		Eth1DepositIndex:      r.Uint64(),
		RandaoMixes:           randRoots(r, cfg.EpochsPerHistoricalVector),
		Slashings:             make([]spec.Gwei, cfg.EpochsPerSlashingsVector),
		JustificationBits:     bitfield.NewBitvector4(),

		PreviousJustifiedCheckpoint: randCheckpoint(r),
		CurrentJustifiedCheckpoint:  randCheckpoint(r),
		FinalizedCheckpoint:         randCheckpoint(r),
	}
	r.Read(s.Fork.PreviousVersion[:])
	r.Read(s.Fork.CurrentVersion[:])
	for i := 0; i < 7; i++ {
		s.Eth1DataVotes = append(s.Eth1DataVotes, randEth1Data(r))
	}
	for i := 0; i < n; i++ {
		s.Validators = append(s.Validators, randValidator(r))
		s.Balances = append(s.Balances, spec.Gwei(r.Uint64()))
	}
	for i := range s.Slashings {
		s.Slashings[i] = spec.Gwei(r.Uint64())
	}
	for i := 0; i < 3; i++ {
		s.PreviousEpochAttestations = append(s.PreviousEpochAttestations, randPendingAttestation(r))
	}
	for i := 0; i < 2; i++ {
		s.CurrentEpochAttestations = append(s.CurrentEpochAttestations, randPendingAttestation(r))
	}
	for i := uint64(0); i < 4; i++ {
		s.JustificationBits.SetBitAt(i, r.Intn(2) == 1)
	}
	return s
}

// randBlock returns a BeaconBlock with a few attestations and deposits.
func randBlock(r *rand.Rand, cfg *spec.Config) *spec.BeaconBlock {
	b := &spec.BeaconBlock{
		Slot:          spec.Slot(r.Uint64()),
		ProposerIndex: spec.ValidatorIndex(r.Uint64()),
		ParentRoot:    randRoot(r),
		StateRoot:     randRoot(r),
	}
	r.Read(b.Body.RandaoReveal[:])
	b.Body.Eth1Data = randEth1Data(r)
	b.Body.Graffiti = randRoot(r)
	for i := 0; i < 3; i++ {
		a := spec.Attestation{AggregationBits: randBitlist(r, uint64(1+r.Intn(300))), Data: randAttestationData(r)}
		r.Read(a.Signature[:])
		b.Body.Attestations = append(b.Body.Attestations, a)
	}
	for i := 0; i < 2; i++ {
		b.Body.Deposits = append(b.Body.Deposits, spec.Deposit{
			Proof: randRoots(r, spec.DepositContractTreeDepth+1),
			Data:  randDepositData(r),
		})
	}
	b.Body.VoluntaryExits = append(b.Body.VoluntaryExits, spec.SignedVoluntaryExit{
		Message: spec.VoluntaryExit{Epoch: spec.Epoch(r.Uint64()), ValidatorIndex: spec.ValidatorIndex(r.Uint64())},
	})
	return b
}

// bigState returns a state of cfg's sizes with n validators, built without a random
// source: validator i differs from the others only in its pubkey and balance.
func bigState(cfg *spec.Config, n int) *spec.BeaconState {
	s := &spec.BeaconState{
		BlockRoots:        make([]spec.Root, cfg.SlotsPerHistoricalRoot),
		StateRoots:        make([]spec.Root, cfg.SlotsPerHistoricalRoot),
		RandaoMixes:       make([]spec.Root, cfg.EpochsPerHistoricalVector),
		Slashings:         make([]spec.Gwei, cfg.EpochsPerSlashingsVector),
		JustificationBits: bitfield.NewBitvector4(),
		Validators:        make([]spec.Validator, n),
		Balances:          make([]spec.Gwei, n),
	}
	for i := range s.Validators {
		v := &s.Validators[i]
		binary.LittleEndian.PutUint64(v.Pubkey[:], uint64(i))
		v.EffectiveBalance = cfg.MaxEffectiveBalance
		v.ExitEpoch = spec.FarFutureEpoch
		v.WithdrawableEpoch = spec.FarFutureEpoch
		s.Balances[i] = cfg.MaxEffectiveBalance + spec.Gwei(i)
	}
	return s
}
