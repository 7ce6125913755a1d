package interop

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// BlockOptions say what BuildBlock puts in a block. The zero value asks for an empty block
// (no attestations, no operations) at the slot after the state's, voting for the state's
// own eth1_data.
type BlockOptions struct {
	// Slot of the block; zero means state.Slot + 1. Slots between are left empty.
	Slot spec.Slot

	// Participation is the fraction of every committee that attests, in [0, 1]: zero
	// means no attestations, one every member. Seed picks the attesters below one.
	Participation float64
	Seed          uint64
	// AttestationSlots is how many slots before the block's have their committees'
	// attestations included, most recent first (zero counts as one: the previous slot
	// only). Slots outside the inclusion window [slot - SLOTS_PER_EPOCH, slot -
	// MIN_ATTESTATION_INCLUSION_DELAY] or outside the previous and current epochs are
	// skipped, and no more than MAX_ATTESTATIONS are included.
	AttestationSlots uint64

	// Eth1Vote is the block's eth1 data vote; nil votes for the state's eth1_data.
	Eth1Vote *spec.Eth1Data
	Graffiti spec.Root
	// Deposits is where outstanding deposits come from: whenever the state's eth1_data
	// (after this block's vote) counts more deposits than the state has processed, the
	// block must carry min(MAX_DEPOSITS, outstanding) of them, proven against
	// eth1_data.deposit_root. See SetEth1Data and DepositLog.
	Deposits *DepositLog

	// VoluntaryExits are validators that exit in this block, with exit epoch the block's
	// epoch. They must be eligible (ExitCandidates lists who is).
	VoluntaryExits []spec.ValidatorIndex
	// ProposerSlashings are validators slashed for two conflicting signed headers (same
	// slot, different bodies) that the builder signs in their name.
	ProposerSlashings []spec.ValidatorIndex
	// AttesterSlashings are sets of validators slashed for a double vote: two indexed
	// attestations with the same target epoch and different heads, both signed by every
	// member of the set (at most MAX_VALIDATORS_PER_COMMITTEE).
	AttesterSlashings [][]spec.ValidatorIndex

	// NoSignatures leaves every signature zero, for validators without real keys
	// (LargeState); such blocks pass only a Model with VerifySignatures false.
	NoSignatures bool
}

// BuildBlock builds the signed block for slot state.Slot + 1 (or opts.Slot) on state as the
// honest validator guide ("Block proposal") has it, and leaves state untouched:
//
//  1. a copy of state is advanced with process_slots to the block's slot and its proposer
//     found with get_beacon_proposer_index;
//  2. randao_reveal is the proposer's signature of the epoch (get_epoch_signature), the
//     eth1 vote opts.Eth1Vote or the state's eth1_data, the graffiti opts.Graffiti;
//  3. the operations: opts' proposer and attester slashings, one aggregate attestation per
//     committee of the attested slots (see BlockOptions and attestationData), the deposits
//     the state's eth1_data makes outstanding, opts' voluntary exits;
//  4. process_block runs on the copy and the block's state_root is the root of the result
//     (compute_new_state_root); the proposer signs the block (get_block_signature).
//
// Signatures are made with the interop keys in keys, matched to validators by public key.
// Each attestation's signature is bls.Aggregate of its attesters' signatures of the
// AttestationData signing root, under DOMAIN_BEACON_ATTESTER at the target epoch.
//
// The result passes m.StateTransition(state, block, true) with signature verification on.
// m supplies the configuration only: the block is processed by a model of its own with
// verification off (everything in it is signed by construction), so m's settings and
// caches are left alone. Any check the model makes on the block is returned as a
// *BlockError wrapping the model's error, e.g. an exit of a validator too young to exit.
func BuildBlock(m *spec.Model, state *spec.BeaconState, keys *Keys, opts BlockOptions) (*spec.SignedBeaconBlock, error) {
	block, _, err := buildBlock(m.Config, state, keys, opts)
	return block, err
}

// builder holds what one BuildBlock call works on: the state advanced to the block's slot
// (pre) and the model that advanced it.
type builder struct {
	m     *spec.Model
	pre   *spec.BeaconState
	keys  *Keys
	opts  BlockOptions
	slot  spec.Slot
	epoch spec.Epoch
}

// buildBlock is BuildBlock, also returning the post-state of the block.
func buildBlock(cfg *spec.Config, state *spec.BeaconState, keys *Keys, opts BlockOptions) (*spec.SignedBeaconBlock, *spec.BeaconState, error) {
	if err := checkParticipation(opts.Participation); err != nil {
		return nil, nil, err
	}
	slot := opts.Slot
	if slot == 0 {
		slot = state.Slot + 1
	}
	if slot <= state.Slot {
		return nil, nil, &OptionsError{Field: "Slot", Reason: fmt.Sprintf("block slot %d is not after the state's slot %d", slot, state.Slot)}
	}
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	pre := state.Copy()
	if err := m.ProcessSlots(pre, slot); err != nil {
		return nil, nil, &BlockError{Slot: slot, Step: "process_slots", Err: err}
	}
	b := &builder{m: m, pre: pre, keys: keys, opts: opts, slot: slot, epoch: m.ComputeEpochAtSlot(slot)}

	proposer, err := m.GetBeaconProposerIndex(pre)
	if err != nil {
		return nil, nil, &BlockError{Slot: slot, Step: "process_slots", Err: err}
	}
	parent, err := spec.HashTreeRoot(cfg, &pre.LatestBlockHeader)
	if err != nil {
		return nil, nil, err
	}
	block := spec.BeaconBlock{Slot: slot, ProposerIndex: proposer, ParentRoot: parent}
	body := &block.Body
	if body.RandaoReveal, err = b.randaoReveal(proposer); err != nil {
		return nil, nil, err
	}
	body.Eth1Data = pre.Eth1Data
	if opts.Eth1Vote != nil {
		body.Eth1Data = *opts.Eth1Vote
	}
	body.Graffiti = opts.Graffiti
	if body.ProposerSlashings, err = b.proposerSlashings(); err != nil {
		return nil, nil, err
	}
	if body.AttesterSlashings, err = b.attesterSlashings(); err != nil {
		return nil, nil, err
	}
	if body.Attestations, err = b.attestations(); err != nil {
		return nil, nil, err
	}
	if body.Deposits, err = b.deposits(body.Eth1Data); err != nil {
		return nil, nil, err
	}
	if body.VoluntaryExits, err = b.voluntaryExits(); err != nil {
		return nil, nil, err
	}

	// The proposer signs over the pre-state's domain, as verify_block_signature checks it.
	domain := m.GetDomain(pre, m.DomainBeaconProposer, &b.epoch)
	post := pre
	if err := m.ProcessBlock(post, &block); err != nil {
		return nil, nil, &BlockError{Slot: slot, Step: "process_block", Err: err}
	}
	if block.StateRoot, err = spec.HashTreeRoot(cfg, post); err != nil {
		return nil, nil, err
	}
	signed := &spec.SignedBeaconBlock{Message: block}
	if signed.Signature, err = b.signObject(proposer, &signed.Message, domain); err != nil {
		return nil, nil, err
	}
	return signed, post, nil
}

// randaoReveal is get_epoch_signature: the proposer's signature of the block's epoch under
// DOMAIN_RANDAO.
func (b *builder) randaoReveal(proposer spec.ValidatorIndex) (spec.BLSSignature, error) {
	var epochRoot spec.Root // hash_tree_root(epoch): 8 little-endian bytes, zero-padded
	binary.LittleEndian.PutUint64(epochRoot[:], uint64(b.epoch))
	domain := b.m.GetDomain(b.pre, b.m.DomainRandao, &b.epoch)
	root, err := spec.HashTreeRoot(b.m.Config, &spec.SigningData{ObjectRoot: epochRoot, Domain: domain})
	if err != nil {
		return spec.BLSSignature{}, err
	}
	return b.sign(proposer, root)
}

// sign is validator v's signature of a signing root, or zero with NoSignatures.
func (b *builder) sign(v spec.ValidatorIndex, root spec.Root) (spec.BLSSignature, error) {
	if b.opts.NoSignatures {
		return spec.BLSSignature{}, nil
	}
	sk, err := b.keys.signer(b.pre, v)
	if err != nil {
		return spec.BLSSignature{}, err
	}
	return bls.Sign(sk, root[:]), nil
}

// signObject is validator v's signature of obj under domain.
func (b *builder) signObject(v spec.ValidatorIndex, obj ssz.Object, domain spec.Domain) (spec.BLSSignature, error) {
	root, err := b.m.ComputeSigningRoot(obj, domain)
	if err != nil {
		return spec.BLSSignature{}, err
	}
	return b.sign(v, root)
}

// aggregateSign is the aggregate of the signatures of every validator in signers of its
// root, signing on all CPUs; zero with NoSignatures. signers[i] signs roots[i].
func (b *builder) aggregateSign(signers [][]spec.ValidatorIndex, roots []spec.Root) ([]spec.BLSSignature, error) {
	out := make([]spec.BLSSignature, len(signers))
	if b.opts.NoSignatures {
		return out, nil
	}
	type job struct {
		sk  bls.SecretKey
		msg int
	}
	var jobs []job
	for i, group := range signers {
		for _, v := range group {
			sk, err := b.keys.signer(b.pre, v)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, job{sk, i})
		}
	}
	sigs := make([][bls.SignatureLength]byte, len(jobs))
	parallel(0, uint64(len(jobs)), func(j uint64) {
		sigs[j] = bls.Sign(jobs[j].sk, roots[jobs[j].msg][:])
	})
	next := 0
	for i, group := range signers {
		agg, err := bls.Aggregate(sigs[next : next+len(group)])
		if err != nil {
			return nil, err
		}
		out[i] = agg
		next += len(group)
	}
	return out, nil
}

// attestations is one aggregate attestation per committee of the attested slots, most
// recent slot first, committees in index order, at most MAX_ATTESTATIONS.
func (b *builder) attestations() ([]spec.Attestation, error) {
	out := []spec.Attestation{}
	if b.opts.Participation == 0 {
		return out, nil
	}
	m, pre := b.m, b.pre
	previous, current := m.GetPreviousEpoch(pre), m.GetCurrentEpoch(pre)
	var signers [][]spec.ValidatorIndex
	var roots []spec.Root
	window := max(1, b.opts.AttestationSlots)
slots:
	for d := uint64(1); d <= window && d <= uint64(b.slot); d++ {
		slot := b.slot - spec.Slot(d)
		epoch := m.ComputeEpochAtSlot(slot)
		if d < m.MinAttestationInclusionDelay || d > m.SlotsPerEpoch || (epoch != previous && epoch != current) {
			continue
		}
		count := m.GetCommitteeCountPerSlot(pre, epoch)
		for index := spec.CommitteeIndex(0); uint64(index) < count; index++ {
			if uint64(len(out)) == m.MaxAttestations {
				break slots
			}
			committee, err := m.GetBeaconCommittee(pre, slot, index)
			if err != nil {
				return nil, err
			}
			chosen := attesters(len(committee), b.opts.Participation, b.opts.Seed, slot, index)
			if len(chosen) == 0 {
				continue
			}
			data, err := attestationData(m, pre, slot, index)
			if err != nil {
				return nil, err
			}
			root, err := m.ComputeSigningRoot(&data, m.GetDomain(pre, m.DomainBeaconAttester, &data.Target.Epoch))
			if err != nil {
				return nil, err
			}
			bits := bitfield.NewBitlist(uint64(len(committee)))
			members := make([]spec.ValidatorIndex, len(chosen))
			for k, p := range chosen {
				bits.SetBitAt(uint64(p), true)
				members[k] = committee[p]
			}
			out = append(out, spec.Attestation{AggregationBits: bits, Data: data})
			signers = append(signers, members)
			roots = append(roots, root)
		}
	}
	sigs, err := b.aggregateSign(signers, roots)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Signature = sigs[i]
	}
	return out, nil
}

// proposerSlashings are, for each validator asked for, two headers of the block's slot by
// that validator that differ in their body root, each signed under DOMAIN_BEACON_PROPOSER.
func (b *builder) proposerSlashings() ([]spec.ProposerSlashing, error) {
	out := []spec.ProposerSlashing{}
	domain := b.m.GetDomain(b.pre, b.m.DomainBeaconProposer, &b.epoch)
	for _, v := range b.opts.ProposerSlashings {
		var ps spec.ProposerSlashing
		for k, signed := range []*spec.SignedBeaconBlockHeader{&ps.SignedHeader1, &ps.SignedHeader2} {
			signed.Message = spec.BeaconBlockHeader{
				Slot:          b.slot,
				ProposerIndex: v,
				BodyRoot:      madeUp(fmt.Sprintf("interop conflicting body %d", k), uint64(v)),
			}
			sig, err := b.signObject(v, &signed.Message, domain)
			if err != nil {
				return nil, err
			}
			signed.Signature = sig
		}
		out = append(out, ps)
	}
	return out, nil
}

// attesterSlashings are, for each set asked for, a double vote by the set: two attestations
// of the block's epoch, sourced at the current justified checkpoint, that name different
// heads, each signed by every member.
func (b *builder) attesterSlashings() ([]spec.AttesterSlashing, error) {
	out := []spec.AttesterSlashing{}
	var signers [][]spec.ValidatorIndex
	var roots []spec.Root
	domain := b.m.GetDomain(b.pre, b.m.DomainBeaconAttester, &b.epoch)
	for n, set := range b.opts.AttesterSlashings {
		indices := slices.Compact(slices.Sorted(slices.Values(set)))
		if len(indices) == 0 || uint64(len(indices)) > b.m.MaxValidatorsPerCommittee {
			return nil, &OptionsError{Field: "AttesterSlashings", Reason: fmt.Sprintf("set %d has %d validators, want 1 to MAX_VALIDATORS_PER_COMMITTEE (%d)", n, len(indices), b.m.MaxValidatorsPerCommittee)}
		}
		var as spec.AttesterSlashing
		for k, ia := range []*spec.IndexedAttestation{&as.Attestation1, &as.Attestation2} {
			ia.AttestingIndices = slices.Clone(indices)
			ia.Data = spec.AttestationData{
				Slot:            b.slot,
				BeaconBlockRoot: madeUp(fmt.Sprintf("interop double vote %d", k), uint64(n)),
				Source:          b.pre.CurrentJustifiedCheckpoint,
				Target:          spec.Checkpoint{Epoch: b.epoch, Root: madeUp("interop double vote target", uint64(n))},
			}
			root, err := b.m.ComputeSigningRoot(&ia.Data, domain)
			if err != nil {
				return nil, err
			}
			signers = append(signers, indices)
			roots = append(roots, root)
		}
		out = append(out, as)
	}
	sigs, err := b.aggregateSign(signers, roots)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Attestation1.Signature = sigs[2*i]
		out[i].Attestation2.Signature = sigs[2*i+1]
	}
	return out, nil
}

// deposits are the deposits process_operations requires of the block: the next
// min(MAX_DEPOSITS, outstanding) after state.eth1_deposit_index, proven against the
// eth1_data the state holds once the block's vote is counted.
func (b *builder) deposits(vote spec.Eth1Data) ([]spec.Deposit, error) {
	// process_eth1_data reads only eth1_data and eth1_data_votes: run it on those alone.
	votes := &spec.BeaconState{Eth1Data: b.pre.Eth1Data, Eth1DataVotes: slices.Clone(b.pre.Eth1DataVotes)}
	if err := b.m.ProcessEth1Data(votes, &spec.BeaconBlockBody{Eth1Data: vote}); err != nil {
		return nil, &BlockError{Slot: b.slot, Step: "process_block", Err: err}
	}
	eth1, first := votes.Eth1Data, b.pre.Eth1DepositIndex
	if eth1.DepositCount <= first {
		return []spec.Deposit{}, nil
	}
	log := b.opts.Deposits
	e := &DepositsError{Slot: b.slot, First: first, Count: eth1.DepositCount, RootInState: eth1.DepositRoot}
	if log == nil || log.Len() < eth1.DepositCount {
		if log != nil {
			e.LogLen = log.Len()
		}
		return nil, e
	}
	e.LogLen = log.Len()
	root, err := log.Root(eth1.DepositCount)
	if err != nil {
		return nil, err
	}
	if root != eth1.DepositRoot {
		e.RootOfLog = root
		return nil, e
	}
	return log.Deposits(first, first+min(b.m.MaxDeposits, eth1.DepositCount-first), eth1.DepositCount)
}

// voluntaryExits are the exits asked for, with exit epoch the block's epoch, each signed
// under DOMAIN_VOLUNTARY_EXIT at that epoch.
func (b *builder) voluntaryExits() ([]spec.SignedVoluntaryExit, error) {
	out := []spec.SignedVoluntaryExit{}
	domain := b.m.GetDomain(b.pre, b.m.DomainVoluntaryExit, &b.epoch)
	for _, v := range b.opts.VoluntaryExits {
		exit := spec.SignedVoluntaryExit{Message: spec.VoluntaryExit{Epoch: b.epoch, ValidatorIndex: v}}
		sig, err := b.signObject(v, &exit.Message, domain)
		if err != nil {
			return nil, err
		}
		exit.Signature = sig
		out = append(out, exit)
	}
	return out, nil
}

// ExitCandidates are the validators of state that may exit voluntarily in a block of
// epoch (process_voluntary_exit's checks bar the signature): active, not already exiting,
// and active for SHARD_COMMITTEE_PERIOD epochs.
func ExitCandidates(m *spec.Model, state *spec.BeaconState, epoch spec.Epoch) []spec.ValidatorIndex {
	var out []spec.ValidatorIndex
	for i := range state.Validators {
		v := &state.Validators[i]
		if spec.IsActiveValidator(v, epoch) && v.ExitEpoch == spec.FarFutureEpoch &&
			uint64(epoch) >= uint64(v.ActivationEpoch)+m.ShardCommitteePeriod {
			out = append(out, spec.ValidatorIndex(i))
		}
	}
	return out
}
