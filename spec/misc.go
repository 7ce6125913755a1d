package spec

import (
	"github.com/beaconcheck/beaconcheck/spec/bls"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// ComputeEpochAtSlot is the spec's compute_epoch_at_slot ("Misc").
func (c *Config) ComputeEpochAtSlot(slot Slot) Epoch { return Epoch(uint64(slot) / c.SlotsPerEpoch) }

// ComputeStartSlotAtEpoch is the spec's compute_start_slot_at_epoch ("Misc"); an epoch whose
// start slot does not fit a uint64 is an overflow.
func (c *Config) ComputeStartSlotAtEpoch(epoch Epoch) (Slot, error) {
	var k Calc
	s := k.Mul(uint64(epoch), c.SlotsPerEpoch)
	return Slot(s), k.Err("compute_start_slot_at_epoch: epoch * SLOTS_PER_EPOCH")
}

// ComputeActivationExitEpoch is the spec's compute_activation_exit_epoch ("Misc").
func (c *Config) ComputeActivationExitEpoch(epoch Epoch) (Epoch, error) {
	var k Calc
	e := k.Add(k.Add(uint64(epoch), 1), c.MaxSeedLookahead)
	return Epoch(e), k.Err("compute_activation_exit_epoch: epoch + 1 + MAX_SEED_LOOKAHEAD")
}

// ComputeForkDataRoot is the spec's compute_fork_data_root ("Misc").
func (c *Config) ComputeForkDataRoot(currentVersion Version, genesisValidatorsRoot Root) Root {
	r, err := HashTreeRoot(c, &ForkData{CurrentVersion: currentVersion, GenesisValidatorsRoot: genesisValidatorsRoot})
	if err != nil {
		panic("spec: ForkData has a fixed shape and always hashes: " + err.Error())
	}
	return r
}

// ComputeForkDigest is the spec's compute_fork_digest ("Misc").
func (c *Config) ComputeForkDigest(currentVersion Version, genesisValidatorsRoot Root) ForkDigest {
	r := c.ComputeForkDataRoot(currentVersion, genesisValidatorsRoot)
	var d ForkDigest
	copy(d[:], r[:4])
	return d
}

// ComputeDomain is the spec's compute_domain ("Misc"). A nil forkVersion means
// GENESIS_FORK_VERSION and a nil genesisValidatorsRoot the zero root, as the spec's
// defaults.
func (c *Config) ComputeDomain(domainType DomainType, forkVersion *Version, genesisValidatorsRoot *Root) Domain {
	v := c.GenesisForkVersion
	if forkVersion != nil {
		v = *forkVersion
	}
	var gvr Root
	if genesisValidatorsRoot != nil {
		gvr = *genesisValidatorsRoot
	}
	forkDataRoot := c.ComputeForkDataRoot(v, gvr)
	var d Domain
	copy(d[:4], domainType[:])
	copy(d[4:], forkDataRoot[:28])
	return d
}

// ComputeSigningRoot is the spec's compute_signing_root ("Misc") of an SSZ object.
func (c *Config) ComputeSigningRoot(obj ssz.Object, domain Domain) (Root, error) {
	objectRoot, err := HashTreeRoot(c, obj)
	if err != nil {
		return Root{}, err
	}
	return c.signingRootOf(objectRoot, domain), nil
}

// signingRootOf is compute_signing_root for an object whose root is already known (the
// spec's uint64 epoch in process_randao, whose root is its 8 bytes zero-padded).
func (c *Config) signingRootOf(objectRoot Root, domain Domain) Root {
	r, err := HashTreeRoot(c, &SigningData{ObjectRoot: objectRoot, Domain: domain})
	if err != nil {
		panic("spec: SigningData has a fixed shape and always hashes: " + err.Error())
	}
	return r
}

// ComputeProposerIndex is the spec's compute_proposer_index ("Misc"): from indices, a
// random index sampled by effective balance.
func (m *Model) ComputeProposerIndex(state *BeaconState, indices []ValidatorIndex, seed Root) (ValidatorIndex, error) {
	if len(indices) == 0 {
		return 0, assertf("compute_proposer_index", CheckProposerCandidate, "no active validators")
	}
	const maxRandomByte = 1<<8 - 1
	total := uint64(len(indices))
	var buf [40]byte
	copy(buf[:32], seed[:])
	var random Root
	for i := uint64(0); ; i++ {
		shuffled, err := m.ComputeShuffledIndex(i%total, total, seed)
		if err != nil {
			return 0, err
		}
		candidate := indices[shuffled]
		if i%32 == 0 {
			copy(buf[32:], UintToBytes8(i/32))
			random = Hash(buf[:])
		}
		randomByte := uint64(random[i%32])
		v, err := validatorAt(state, candidate)
		if err != nil {
			return 0, err
		}
		var k Calc
		lhs := k.Mul(uint64(v.EffectiveBalance), maxRandomByte)
		rhs := k.Mul(uint64(m.MaxEffectiveBalance), randomByte)
		if err := k.Err("compute_proposer_index: effective_balance * MAX_RANDOM_BYTE >= MAX_EFFECTIVE_BALANCE * random_byte"); err != nil {
			return 0, err
		}
		if lhs >= rhs {
			return candidate, nil
		}
		if i == 1<<64-1 {
			return 0, &ArithmeticError{Op: "+", A: i, B: 1, Site: "compute_proposer_index: i += 1"}
		}
	}
}

// ComputeCommittee is the spec's compute_committee ("Misc"), the plain version: each member
// by compute_shuffled_index. The model's committee accessors use the cached whole-list
// shuffle (committeeFromShuffling), which a test holds equal to this.
func (m *Model) ComputeCommittee(indices []ValidatorIndex, seed Root, index, count uint64) (out []ValidatorIndex, err error) {
	if m.Checked != nil {
		if err := m.requires(computeCommitteeContract, func(c *checker) {
			c.that("index_below_count", index < count, "index %d, count %d", index, count)
			c.that("indices_not_empty", len(indices) > 0, "no indices to draw from")
		}); err != nil {
			return nil, err
		}
		defer m.ensures(computeCommitteeContract, &err, func(c *checker) {
			start, end, _ := ComputeCommitteeRange(uint64(len(indices)), index, count)
			c.that("length_end_minus_start", uint64(len(out)) == end-start, "%d members, end - start = %d", len(out), end-start)
			c.that("drawn_from_indices", subsetOf(out, indices), "a member is not among the indices")
			c.that("no_duplicates", len(out) == len(uniq(out)), "a member appears twice")
		})
	}
	if count == 0 {
		return nil, assertf("compute_committee", CheckCommitteeCount, "count is zero")
	}
	start, end, err := ComputeCommitteeRange(uint64(len(indices)), index, count)
	if err != nil {
		return nil, err
	}
	out = make([]ValidatorIndex, 0, end-start)
	for i := start; i < end; i++ {
		s, err := m.ComputeShuffledIndex(i, uint64(len(indices)), seed)
		if err != nil {
			return nil, err
		}
		out = append(out, indices[s])
	}
	return out, nil
}

var computeCommitteeContract = declare(Contract{
	Func: "compute_committee", Section: "Misc",
	Pre: []Clause{
		{"index_below_count", "the committee index is below the committee count"},
		{"indices_not_empty", "there is at least one index to draw from"},
	},
	Post: []Clause{
		{"length_end_minus_start", "the committee has end - start members, start = len(indices)*index // count, end = len(indices)*(index+1) // count"},
		{"drawn_from_indices", "every member is one of the indices"},
		{"no_duplicates", "no member appears twice"},
	},
})

func uniq(s []ValidatorIndex) map[ValidatorIndex]struct{} {
	m := make(map[ValidatorIndex]struct{}, len(s))
	for _, v := range s {
		m[v] = struct{}{}
	}
	return m
}

// The BLS calls of the spec, over package bls.
func blsVerify(pk BLSPubkey, msg []byte, sig BLSSignature) bool { return bls.Verify(pk, msg, sig) }

func blsFastAggregateVerify(pks [][48]byte, msg []byte, sig BLSSignature) bool {
	return bls.FastAggregateVerify(pks, msg, sig)
}
