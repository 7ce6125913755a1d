package spec

import (
	"bytes"
	"math/bits"
	"slices"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// checkPure runs the hooks of a spec function that has no error result around its body:
// the entry hook with the function's small inputs args (name and value pairs) and, in
// checked mode, pre (nil when the contract has no precondition) on entry; the exit hook
// with post on the result. Without an error result to carry it, a breach panics with the
// *ContractViolation: it is a bug in the model, never an invalid transition (the
// conformance runner recovers the panic and fails the case).
func checkPure[T any](m *Model, contract *Contract, pre func(c *checker), body func() T, post func(c *checker, out T), args ...any) T {
	mustHold(m.requires(contract, pre, args...))
	out := body()
	var err error
	m.ensures(contract, &err, func(c *checker) { post(c, out) })
	mustHold(err)
	return out
}

// mustHold panics with a contract violation found where there is no error to return it.
func mustHold(err error) {
	if err != nil {
		panic(err)
	}
}

// siteEpochAtSlot is compute_epoch_at_slot's slot // SLOTS_PER_EPOCH: it raises only on a
// zero divisor, which Config.Validate rules out. Every computation of the model's
// compute_epoch_at_slot (get_current_epoch's included) goes through Config.ComputeEpochAtSlot,
// the one function that evaluates it.
var siteEpochAtSlot = site("compute_epoch_at_slot_division", OpDiv, "slot", "SLOTS_PER_EPOCH")

// ComputeEpochAtSlot is the arithmetic of compute_epoch_at_slot ("Misc");
// Model.ComputeEpochAtSlot is the spec function, with its contract.
func (c *Config) ComputeEpochAtSlot(slot Slot) Epoch {
	return Epoch(siteEpochAtSlot.Div(uint64(slot), c.SlotsPerEpoch))
}

// ComputeEpochAtSlot is the spec's compute_epoch_at_slot ("Misc").
func (m *Model) ComputeEpochAtSlot(slot Slot) Epoch {
	if m.hooked() {
		return m.computeEpochAtSlotChecked(slot)
	}
	return m.Config.ComputeEpochAtSlot(slot)
}

func (m *Model) computeEpochAtSlotChecked(slot Slot) Epoch {
	return checkPure(m, computeEpochAtSlotContract, nil, func() Epoch { return m.Config.ComputeEpochAtSlot(slot) }, func(c *checker, epoch Epoch) {
		c.that("slot_in_epoch", slotInEpoch(m.Config, slot, epoch), "slot %d is not in epoch %d (SLOTS_PER_EPOCH %d)", slot, epoch, m.SlotsPerEpoch)
	}, "slot", slot)
}

var computeEpochAtSlotContract = declare(Contract{
	Func: "compute_epoch_at_slot", Section: "Misc",
	Post: []Clause{
		{"slot_in_epoch", "the slot lies in the epoch: epoch * SLOTS_PER_EPOCH <= slot < (epoch + 1) * SLOTS_PER_EPOCH, in unbounded integers"},
	},
})

// slotInEpoch says epoch*SLOTS_PER_EPOCH <= slot < (epoch+1)*SLOTS_PER_EPOCH, in 128 bits.
func slotInEpoch(cfg *Config, slot Slot, epoch Epoch) bool {
	hi, lo := bits.Mul64(uint64(epoch), cfg.SlotsPerEpoch)
	if hi != 0 || lo > uint64(slot) {
		return false
	}
	return uint64(slot)-lo < cfg.SlotsPerEpoch
}

// Sites of compute_start_slot_at_epoch.
var siteStartSlot = site("compute_start_slot_at_epoch_product", OpMul, "epoch", "SLOTS_PER_EPOCH")

// ComputeStartSlotAtEpoch is the arithmetic of compute_start_slot_at_epoch ("Misc"); an
// epoch whose start slot does not fit a uint64 is an overflow. Model.ComputeStartSlotAtEpoch
// is the spec function, with its contract.
func (c *Config) ComputeStartSlotAtEpoch(epoch Epoch) (Slot, error) {
	var k Calc
	s := k.Mul(siteStartSlot, uint64(epoch), c.SlotsPerEpoch)
	return Slot(s), k.Err()
}

// ComputeStartSlotAtEpoch is the spec's compute_start_slot_at_epoch ("Misc").
func (m *Model) ComputeStartSlotAtEpoch(epoch Epoch) (slot Slot, err error) {
	if m.hooked() {
		m.enter(computeStartSlotAtEpochContract, "epoch", epoch)
		defer m.ensures(computeStartSlotAtEpochContract, &err, func(c *checker) {
			c.that("first_slot_of_epoch", uint64(slot)%m.SlotsPerEpoch == 0 && uint64(slot)/m.SlotsPerEpoch == uint64(epoch),
				"slot %d for epoch %d (SLOTS_PER_EPOCH %d)", slot, epoch, m.SlotsPerEpoch)
		})
	}
	return m.Config.ComputeStartSlotAtEpoch(epoch)
}

var computeStartSlotAtEpochContract = declare(Contract{
	Func: "compute_start_slot_at_epoch", Section: "Misc",
	// No precondition: epoch * SLOTS_PER_EPOCH overflowing is the spec's uint64 error, an
	// ArithmeticError here (epochs from blocks and attestations are untrusted).
	Post: []Clause{
		{"first_slot_of_epoch", "the slot is a multiple of SLOTS_PER_EPOCH and slot // SLOTS_PER_EPOCH == epoch"},
	},
})

// Sites of compute_activation_exit_epoch: epoch + 1 + MAX_SEED_LOOKAHEAD.
var (
	siteActivationExitNext      = site("compute_activation_exit_epoch_sum", OpAdd, "epoch", "1")
	siteActivationExitLookahead = site("compute_activation_exit_epoch_sum", OpAdd, "epoch + 1", "MAX_SEED_LOOKAHEAD")
)

// ComputeActivationExitEpoch is the arithmetic of compute_activation_exit_epoch ("Misc");
// Model.ComputeActivationExitEpoch is the spec function, with its contract.
func (c *Config) ComputeActivationExitEpoch(epoch Epoch) (Epoch, error) {
	var k Calc
	e := k.Add(siteActivationExitLookahead, k.Add(siteActivationExitNext, uint64(epoch), 1), c.MaxSeedLookahead)
	return Epoch(e), k.Err()
}

// ComputeActivationExitEpoch is the spec's compute_activation_exit_epoch ("Misc").
func (m *Model) ComputeActivationExitEpoch(epoch Epoch) (out Epoch, err error) {
	if m.hooked() {
		m.enter(computeActivationExitEpochContract, "epoch", epoch)
		defer m.ensures(computeActivationExitEpochContract, &err, func(c *checker) {
			c.that("after_seed_lookahead", out > epoch && uint64(out-epoch) == 1+m.MaxSeedLookahead,
				"epoch %d takes effect at %d (MAX_SEED_LOOKAHEAD %d)", epoch, out, m.MaxSeedLookahead)
		})
	}
	return m.Config.ComputeActivationExitEpoch(epoch)
}

var computeActivationExitEpochContract = declare(Contract{
	Func: "compute_activation_exit_epoch", Section: "Misc",
	Post: []Clause{
		{"after_seed_lookahead", "the result is exactly 1 + MAX_SEED_LOOKAHEAD epochs after epoch, without wrap-around: past the seed lookahead, so no committee already fixed changes"},
	},
})

// ComputeForkDataRoot is hash_tree_root(ForkData(...)), the body of compute_fork_data_root
// ("Misc"); Model.ComputeForkDataRoot is the spec function, with its contract.
func (c *Config) ComputeForkDataRoot(currentVersion Version, genesisValidatorsRoot Root) Root {
	r, err := HashTreeRoot(c, &ForkData{CurrentVersion: currentVersion, GenesisValidatorsRoot: genesisValidatorsRoot})
	if err != nil {
		panic("spec: ForkData has a fixed shape and always hashes: " + err.Error())
	}
	return r
}

// ComputeForkDataRoot is the spec's compute_fork_data_root ("Misc").
func (m *Model) ComputeForkDataRoot(currentVersion Version, genesisValidatorsRoot Root) Root {
	if m.hooked() {
		return checkPure(m, computeForkDataRootContract, nil, func() Root { return m.Config.ComputeForkDataRoot(currentVersion, genesisValidatorsRoot) },
			func(c *checker, out Root) {
				var chunk Root // the version, zero-padded to a chunk
				copy(chunk[:], currentVersion[:])
				want := Hash(append(chunk[:], genesisValidatorsRoot[:]...))
				c.that("two_chunk_root", out == want, "root %x, hash(version chunk + genesis_validators_root) is %x", out, want)
			})
	}
	return m.Config.ComputeForkDataRoot(currentVersion, genesisValidatorsRoot)
}

var computeForkDataRootContract = declare(Contract{
	Func: "compute_fork_data_root", Section: "Misc",
	Post: []Clause{
		{"two_chunk_root", "the root is hash(current_version zero-padded to 32 bytes + genesis_validators_root): ForkData's two-field merkleization, derived directly rather than through the SSZ codec"},
	},
})

// ComputeForkDigest is the body of compute_fork_digest ("Misc"); Model.ComputeForkDigest is
// the spec function, with its contract.
func (c *Config) ComputeForkDigest(currentVersion Version, genesisValidatorsRoot Root) ForkDigest {
	r := c.ComputeForkDataRoot(currentVersion, genesisValidatorsRoot)
	var d ForkDigest
	copy(d[:], r[:4])
	return d
}

// ComputeForkDigest is the spec's compute_fork_digest ("Misc").
func (m *Model) ComputeForkDigest(currentVersion Version, genesisValidatorsRoot Root) ForkDigest {
	if m.hooked() {
		return checkPure(m, computeForkDigestContract, nil, func() ForkDigest { return m.Config.ComputeForkDigest(currentVersion, genesisValidatorsRoot) },
			func(c *checker, out ForkDigest) {
				r := m.ComputeForkDataRoot(currentVersion, genesisValidatorsRoot)
				c.that("fork_data_root_prefix", bytes.Equal(out[:], r[:4]), "digest %x, fork data root %x", out, r)
			})
	}
	return m.Config.ComputeForkDigest(currentVersion, genesisValidatorsRoot)
}

var computeForkDigestContract = declare(Contract{
	Func: "compute_fork_digest", Section: "Misc",
	Post: []Clause{
		{"fork_data_root_prefix", "the digest is the first 4 bytes of compute_fork_data_root(current_version, genesis_validators_root)"},
	},
})

// ComputeDomain is the body of compute_domain ("Misc"). A nil forkVersion means
// GENESIS_FORK_VERSION and a nil genesisValidatorsRoot the zero root, as the spec's
// defaults. Model.ComputeDomain is the spec function, with its contract.
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

// ComputeDomain is the spec's compute_domain ("Misc"), with the defaults of
// Config.ComputeDomain.
func (m *Model) ComputeDomain(domainType DomainType, forkVersion *Version, genesisValidatorsRoot *Root) Domain {
	if m.hooked() {
		return checkPure(m, computeDomainContract, nil, func() Domain { return m.Config.ComputeDomain(domainType, forkVersion, genesisValidatorsRoot) },
			func(c *checker, d Domain) {
				v, gvr := m.GenesisForkVersion, Root{}
				if forkVersion != nil {
					v = *forkVersion
				}
				if genesisValidatorsRoot != nil {
					gvr = *genesisValidatorsRoot
				}
				c.that("domain_type_prefix", bytes.Equal(d[:4], domainType[:]), "domain %x for type %x", d, domainType)
				r := m.ComputeForkDataRoot(v, gvr)
				c.that("fork_data_root_suffix", bytes.Equal(d[4:], r[:28]), "domain %x, fork data root %x (version %x)", d, r, v)
			}, "domain_type", domainType)
	}
	return m.Config.ComputeDomain(domainType, forkVersion, genesisValidatorsRoot)
}

var computeDomainContract = declare(Contract{
	Func: "compute_domain", Section: "Misc",
	Post: []Clause{
		{"domain_type_prefix", "the first 4 bytes are the domain type"},
		{"fork_data_root_suffix", "the other 28 are the first 28 bytes of compute_fork_data_root(fork_version, genesis_validators_root), with the defaults GENESIS_FORK_VERSION and the zero root"},
	},
})

// ComputeSigningRoot is the body of compute_signing_root ("Misc") of an SSZ object;
// Model.ComputeSigningRoot is the spec function, with its contract.
func (c *Config) ComputeSigningRoot(obj ssz.Object, domain Domain) (Root, error) {
	objectRoot, err := HashTreeRoot(c, obj)
	if err != nil {
		return Root{}, err
	}
	return c.signingRootOf(objectRoot, domain), nil
}

// ComputeSigningRoot is the spec's compute_signing_root ("Misc").
func (m *Model) ComputeSigningRoot(obj ssz.Object, domain Domain) (root Root, err error) {
	if m.hooked() {
		m.enter(computeSigningRootContract, "type", typeName(obj))
		defer m.ensures(computeSigningRootContract, &err, func(c *checker) {
			objectRoot, herr := m.HashTreeRoot(obj)
			c.that("two_chunk_root", herr == nil && root == Hash(append(objectRoot[:], domain[:]...)),
				"signing root %x, object root %x (%v), domain %x", root, objectRoot, herr, domain)
		})
	}
	return m.Config.ComputeSigningRoot(obj, domain)
}

var computeSigningRootContract = declare(Contract{
	Func: "compute_signing_root", Section: "Misc",
	// No precondition: an object outside its type's bounds has no root, an error here as
	// in hash_tree_root.
	Post: []Clause{
		{"two_chunk_root", "the root is hash(hash_tree_root(ssz_object) + domain): SigningData's two-field merkleization, derived directly rather than through the SSZ codec"},
	},
})

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
// random index sampled by effective balance. Its assert len(indices) > 0 is behaviour (an
// AssertError): a state with no active validator reaches it.
func (m *Model) ComputeProposerIndex(state *BeaconState, indices []ValidatorIndex, seed Root) (out ValidatorIndex, err error) {
	if m.hooked() {
		if err := m.requires(computeProposerIndexContract, func(c *checker) {
			bad := -1
			for k, i := range indices {
				if uint64(i) >= uint64(len(state.Validators)) {
					bad = k
					break
				}
			}
			c.that("indices_are_validators", bad < 0, "indices[%d] is not a validator index (%d validators)", bad, len(state.Validators))
		}, "indices", indices); err != nil {
			return 0, err
		}
		defer m.ensures(computeProposerIndexContract, &err, func(c *checker) {
			c.that("chosen_from_indices", slices.Contains(indices, out), "proposer %d is not among the %d indices", out, len(indices))
		})
	}
	return m.computeProposerIndex(state, indices, seed)
}

var computeProposerIndexContract = declare(Contract{
	Func: "compute_proposer_index", Section: "Misc",
	Pre: []Clause{
		{"indices_are_validators", "every index is below len(state.validators) (callers pass active indices)"},
	},
	Post: []Clause{
		{"chosen_from_indices", "the proposer is one of indices"},
	},
})

// Sites of compute_proposer_index.
var (
	siteProposerBalanceProduct = site("compute_proposer_index_balance_product", OpMul, "effective_balance", "MAX_RANDOM_BYTE")
	siteProposerRandomProduct  = site("compute_proposer_index_random_product", OpMul, "MAX_EFFECTIVE_BALANCE", "random_byte")
	siteProposerCounter        = site("compute_proposer_index_counter", OpAdd, "i", "1")
	siteProposerModulo         = site("compute_proposer_index_modulo", OpMod, "i", "total")
	siteProposerShuffledRead   = site("compute_proposer_index_candidate_read", OpIndex, "shuffled", "total")
	siteProposerRandomByte     = site("compute_proposer_index_random_byte", OpIndex, "i % 32", "32")
)

// siteProposerCandidateRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteProposerCandidateRead = site("compute_proposer_index_validator_read", OpIndex, "index", "length")

// computeProposerIndex is the body of compute_proposer_index.
func (m *Model) computeProposerIndex(state *BeaconState, indices []ValidatorIndex, seed Root) (ValidatorIndex, error) {
	if len(indices) == 0 {
		return 0, assertf("compute_proposer_index", CheckProposerCandidate, "no active validators")
	}
	const maxRandomByte = 1<<8 - 1
	total := uint64(len(indices))
	var buf [40]byte
	copy(buf[:32], seed[:])
	var random Root
	for i := uint64(0); ; i++ {
		var mod Calc
		start := mod.Mod(siteProposerModulo, i, total)
		if err := mod.Err(); err != nil {
			return 0, err
		}
		shuffled, err := m.ComputeShuffledIndex(start, total, seed)
		if err != nil {
			return 0, err
		}
		if siteProposerShuffledRead.Index(shuffled, len(indices)) {
			return 0, outOfRange(siteProposerShuffledRead, "indices", shuffled, len(indices))
		}
		candidate := indices[shuffled]
		if i%32 == 0 {
			copy(buf[32:], m.UintToBytes8(i/32))
			random = m.Hash(buf[:])
		}
		if siteProposerRandomByte.Index(i%32, len(random)) {
			return 0, outOfRange(siteProposerRandomByte, "hash(seed + uint_to_bytes(uint64(i // 32)))", i%32, len(random))
		}
		randomByte := uint64(random[i%32])
		v, err := validatorAt(siteProposerCandidateRead, state, candidate)
		if err != nil {
			return 0, err
		}
		var k Calc
		lhs := k.Mul(siteProposerBalanceProduct, uint64(v.EffectiveBalance), maxRandomByte)
		rhs := k.Mul(siteProposerRandomProduct, uint64(m.MaxEffectiveBalance), randomByte)
		if err := k.Err(); err != nil {
			return 0, err
		}
		if lhs >= rhs {
			return candidate, nil
		}
		// i += 1, through Calc so that an overflow is the site's error (the loop's own
		// increment then steps to the same value).
		var next Calc
		next.Add(siteProposerCounter, i, 1)
		if err := next.Err(); err != nil {
			return 0, err
		}
	}
}

// siteCommitteeMemberRead is compute_committee's read
// indices[compute_shuffled_index(uint64(i), uint64(len(indices)), seed)]: it raises when the
// shuffled position is not below len(indices).
var siteCommitteeMemberRead = site("compute_committee_member_read", OpIndex, "shuffled", "length")

// ComputeCommittee is the spec's compute_committee ("Misc"), the plain version: each member
// by compute_shuffled_index. The model's committee accessors use the cached whole-list
// shuffle (committeeFromShuffling), which a test holds equal to this.
func (m *Model) ComputeCommittee(indices []ValidatorIndex, seed Root, index, count uint64) (out []ValidatorIndex, err error) {
	if m.hooked() {
		if err := m.requires(computeCommitteeContract, func(c *checker) {
			c.that("index_below_count", index < count, "index %d, count %d", index, count)
			c.that("indices_not_empty", len(indices) > 0, "no indices to draw from")
		}, "indices", indices, "index", index, "count", count); err != nil {
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
		if siteCommitteeMemberRead.Index(s, len(indices)) {
			return nil, outOfRange(siteCommitteeMemberRead, "indices", s, len(indices))
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

// blsVerify stands for bls.Verify in the spec's functions, for the signatures whose
// failure fails the block (what names the check in a batch's error). While
// StateTransition batches the block's signatures (Model.BatchSignatures) the check is
// recorded and the answer is true: the batch is verified before the transition returns,
// and a failure there makes the block be processed again with each signature verified
// here, where the spec verifies it.
func (m *Model) blsVerify(what string, pk BLSPubkey, msg []byte, sig BLSSignature) bool {
	if m.batch != nil {
		m.batch.AddVerify(what, pk, msg, sig)
		return true
	}
	return m.Rules.BLS().Verify(pk, msg, sig)
}

// blsFastAggregateVerify stands for bls.FastAggregateVerify, batched like blsVerify.
func (m *Model) blsFastAggregateVerify(what string, pks [][48]byte, msg []byte, sig BLSSignature) bool {
	if m.batch != nil {
		m.batch.AddFastAggregateVerify(what, pks, msg, sig)
		return true
	}
	return m.Rules.BLS().FastAggregateVerify(pks, msg, sig)
}
