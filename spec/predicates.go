package spec

import "github.com/beaconcheck/beaconcheck/merkle"

// IsActiveValidator is the predicate of is_active_validator ("Predicates");
// Model.IsActiveValidator is the spec function, with its contract.
func IsActiveValidator(v *Validator, epoch Epoch) bool {
	return v.ActivationEpoch <= epoch && epoch < v.ExitEpoch
}

// IsActiveValidator is the spec's is_active_validator ("Predicates").
func (m *Model) IsActiveValidator(v *Validator, epoch Epoch) bool {
	if !m.hooked() {
		return v.ActivationEpoch <= epoch && epoch < v.ExitEpoch // IsActiveValidator, written out so this inlines
	}
	return m.isActiveValidatorChecked(v, epoch)
}

func (m *Model) isActiveValidatorChecked(v *Validator, epoch Epoch) bool {
	return checkPure(m, isActiveValidatorContract, nil, func() bool { return IsActiveValidator(v, epoch) }, func(c *checker, active bool) {
		c.that("active_iff_in_window", active == (v.ActivationEpoch <= epoch && epoch < v.ExitEpoch),
			"active %v at epoch %d, activation %d, exit %d", active, epoch, v.ActivationEpoch, v.ExitEpoch)
	}, "epoch", epoch)
}

var isActiveValidatorContract = declare(Contract{
	Func: "is_active_validator", Section: "Predicates",
	Post: []Clause{
		{"active_iff_in_window", "true exactly when activation_epoch <= epoch < exit_epoch: active from its activation epoch, inactive from its exit epoch"},
	},
})

// IsEligibleForActivationQueue is the spec's is_eligible_for_activation_queue ("Predicates").
func (m *Model) IsEligibleForActivationQueue(v *Validator) bool {
	if !m.hooked() {
		return v.ActivationEligibilityEpoch == FarFutureEpoch && v.EffectiveBalance == m.MaxEffectiveBalance // isEligibleForActivationQueue, written out so this inlines
	}
	return m.isEligibleForActivationQueueChecked(v)
}

func (m *Model) isEligibleForActivationQueueChecked(v *Validator) bool {
	return checkPure(m, isEligibleForActivationQueueContract, nil, func() bool { return m.isEligibleForActivationQueue(v) }, func(c *checker, ok bool) {
		c.that("eligible_iff_new_and_full", ok == (v.ActivationEligibilityEpoch == FarFutureEpoch && v.EffectiveBalance == m.MaxEffectiveBalance),
			"eligible %v with eligibility epoch %d, effective balance %d", ok, v.ActivationEligibilityEpoch, v.EffectiveBalance)
	})
}

var isEligibleForActivationQueueContract = declare(Contract{
	Func: "is_eligible_for_activation_queue", Section: "Predicates",
	Post: []Clause{
		{"eligible_iff_new_and_full", "true exactly when the validator has never been queued (activation_eligibility_epoch is FAR_FUTURE_EPOCH) and its effective balance is MAX_EFFECTIVE_BALANCE"},
	},
})

func (m *Model) isEligibleForActivationQueue(v *Validator) bool {
	return v.ActivationEligibilityEpoch == FarFutureEpoch && v.EffectiveBalance == m.MaxEffectiveBalance
}

// IsEligibleForActivation is the predicate of is_eligible_for_activation ("Predicates");
// Model.IsEligibleForActivation is the spec function, with its contract.
func IsEligibleForActivation(state *BeaconState, v *Validator) bool {
	// Placement in queue is finalized, and not yet activated.
	return v.ActivationEligibilityEpoch <= state.FinalizedCheckpoint.Epoch && v.ActivationEpoch == FarFutureEpoch
}

// IsEligibleForActivation is the spec's is_eligible_for_activation ("Predicates").
func (m *Model) IsEligibleForActivation(state *BeaconState, v *Validator) bool {
	if !m.hooked() {
		return v.ActivationEligibilityEpoch <= state.FinalizedCheckpoint.Epoch && v.ActivationEpoch == FarFutureEpoch // IsEligibleForActivation, written out so this inlines
	}
	return m.isEligibleForActivationChecked(state, v)
}

func (m *Model) isEligibleForActivationChecked(state *BeaconState, v *Validator) bool {
	return checkPure(m, isEligibleForActivationContract, nil, func() bool { return IsEligibleForActivation(state, v) }, func(c *checker, ok bool) {
		c.that("eligible_iff_finalized_and_inactive", ok == (v.ActivationEligibilityEpoch <= state.FinalizedCheckpoint.Epoch && v.ActivationEpoch == FarFutureEpoch),
			"eligible %v with eligibility epoch %d, finalized epoch %d, activation epoch %d", ok, v.ActivationEligibilityEpoch, state.FinalizedCheckpoint.Epoch, v.ActivationEpoch)
		c.that("eligible_not_yet_active", !ok || !IsActiveValidator(v, v.ActivationEligibilityEpoch), "an eligible validator is already active")
	})
}

var isEligibleForActivationContract = declare(Contract{
	Func: "is_eligible_for_activation", Section: "Predicates",
	Post: []Clause{
		{"eligible_iff_finalized_and_inactive", "true exactly when the validator's placement in the queue is finalized (activation_eligibility_epoch <= finalized epoch) and it has not been activated (activation_epoch is FAR_FUTURE_EPOCH)"},
		{"eligible_not_yet_active", "an eligible validator is not active at any epoch before FAR_FUTURE_EPOCH (checked at its eligibility epoch)"},
	},
})

// IsSlashableValidator is the predicate of is_slashable_validator ("Predicates");
// Model.IsSlashableValidator is the spec function, with its contract.
func IsSlashableValidator(v *Validator, epoch Epoch) bool {
	return !v.Slashed && v.ActivationEpoch <= epoch && epoch < v.WithdrawableEpoch
}

// IsSlashableValidator is the spec's is_slashable_validator ("Predicates").
func (m *Model) IsSlashableValidator(v *Validator, epoch Epoch) bool {
	if m.hooked() {
		return checkPure(m, isSlashableValidatorContract, nil, func() bool { return IsSlashableValidator(v, epoch) }, func(c *checker, ok bool) {
			c.that("slashable_iff_unslashed_and_not_withdrawable", ok == (!v.Slashed && v.ActivationEpoch <= epoch && epoch < v.WithdrawableEpoch),
				"slashable %v at epoch %d: slashed %v, activation %d, withdrawable %d", ok, epoch, v.Slashed, v.ActivationEpoch, v.WithdrawableEpoch)
		}, "epoch", epoch)
	}
	return IsSlashableValidator(v, epoch)
}

var isSlashableValidatorContract = declare(Contract{
	Func: "is_slashable_validator", Section: "Predicates",
	Post: []Clause{
		{"slashable_iff_unslashed_and_not_withdrawable", "true exactly when the validator is not slashed and activation_epoch <= epoch < withdrawable_epoch: a validator can be slashed at most once, and until it can withdraw"},
	},
})

// IsSlashableAttestationData is the predicate of is_slashable_attestation_data
// ("Predicates"): a double vote or a surround vote under Casper FFG.
// Model.IsSlashableAttestationData is the spec function, with its contract.
func IsSlashableAttestationData(d1, d2 *AttestationData) bool {
	doubleVote := *d1 != *d2 && d1.Target.Epoch == d2.Target.Epoch
	surroundVote := d1.Source.Epoch < d2.Source.Epoch && d2.Target.Epoch < d1.Target.Epoch
	return doubleVote || surroundVote
}

// IsSlashableAttestationData is the spec's is_slashable_attestation_data ("Predicates").
func (m *Model) IsSlashableAttestationData(d1, d2 *AttestationData) bool {
	if m.hooked() {
		return checkPure(m, isSlashableAttestationDataContract, nil, func() bool { return IsSlashableAttestationData(d1, d2) }, func(c *checker, ok bool) {
			c.that("distinct_data", !ok || *d1 != *d2, "identical attestation data found slashable")
			c.that("first_target_not_earlier", !ok || d2.Target.Epoch <= d1.Target.Epoch,
				"slashable with target epochs %d < %d", d1.Target.Epoch, d2.Target.Epoch)
		})
	}
	return IsSlashableAttestationData(d1, d2)
}

var isSlashableAttestationDataContract = declare(Contract{
	Func: "is_slashable_attestation_data", Section: "Predicates",
	Post: []Clause{
		{"distinct_data", "slashable data are distinct: no vote conflicts with itself"},
		{"first_target_not_earlier", "when slashable, data_2's target epoch is not after data_1's (equal for a double vote, earlier for a surround vote): the order of the arguments matters"},
	},
})

// siteIndexedAttestationRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteIndexedAttestationRead = site("is_valid_indexed_attestation_validator_read", OpIndex, "index", "length")

// IsValidIndexedAttestation is the spec's is_valid_indexed_attestation ("Predicates"):
// indices non-empty, sorted and unique, and a valid aggregate signature. An index beyond the
// registry is an IndexError (the spec's list read raises), not a false.
func (m *Model) IsValidIndexedAttestation(state *BeaconState, ia *IndexedAttestation) (ok bool, err error) {
	if m.hooked() {
		if err := m.requires(isValidIndexedAttestationContract, func(c *checker) {
			w := m.wellFormed(state)
			c.that("state_well_formed", w == "", "%s", w)
		}, "slot", ia.Data.Slot, "index", ia.Data.Index, "attesters", len(ia.AttestingIndices)); err != nil {
			return false, err
		}
		defer m.ensures(isValidIndexedAttestationContract, &err, func(c *checker) {
			indices := ia.AttestingIndices
			c.that("valid_implies_nonempty_sorted_unique", !ok || (len(indices) > 0 && strictlySorted(indices)),
				"valid with indices %v", indices)
			inRange := true
			for _, i := range indices {
				inRange = inRange && uint64(i) < uint64(len(state.Validators))
			}
			c.that("valid_implies_validators", !ok || inRange, "valid with an index beyond the %d validators", len(state.Validators))
		})
	}
	indices := ia.AttestingIndices
	if len(indices) == 0 {
		return false, nil
	}
	for i := 1; i < len(indices); i++ {
		if indices[i-1] >= indices[i] {
			return false, nil
		}
	}
	if !m.VerifySignatures {
		// The pubkeys are still read, as the spec reads them.
		for _, i := range indices {
			if _, err := validatorAt(siteIndexedAttestationRead, state, i); err != nil {
				return false, err
			}
		}
		return true, nil
	}
	pubkeys := make([][48]byte, len(indices))
	for k, i := range indices {
		v, err := validatorAt(siteIndexedAttestationRead, state, i)
		if err != nil {
			return false, err
		}
		pubkeys[k] = v.Pubkey
	}
	domain := m.GetDomain(state, m.DomainBeaconAttester, &ia.Data.Target.Epoch)
	root, err := m.ComputeSigningRoot(&ia.Data, domain)
	if err != nil {
		return false, err
	}
	return m.blsFastAggregateVerify("indexed attestation", pubkeys, root[:], ia.Signature), nil
}

var isValidIndexedAttestationContract = declare(Contract{
	Func: "is_valid_indexed_attestation", Section: "Predicates",
	Pre: []Clause{
		{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"},
	},
	Post: []Clause{
		{"valid_implies_nonempty_sorted_unique", "a valid indexed attestation has at least one index, and its indices are strictly increasing (sorted and unique)"},
		{"valid_implies_validators", "every index of a valid indexed attestation is a validator (an index beyond the registry is an IndexError, never valid)"},
	},
})

// siteMerkleBranchRead is is_valid_merkle_branch's read branch[i] for i in range(depth): it
// raises when depth exceeds len(branch). Package merkle, which knows nothing of the spec,
// does the hashing; the spec's reads are checked here, where the model calls it, before it.
var siteMerkleBranchRead = site("is_valid_merkle_branch_branch_read", OpIndex, "i", "length")

// IsValidMerkleBranch is the check of is_valid_merkle_branch ("Predicates"), over package
// merkle; Model.IsValidMerkleBranch is the spec function, with its contract. A branch
// shorter than depth is not valid here (the spec would raise on the read; either way the
// deposit's block is invalid).
func IsValidMerkleBranch(leaf Root, branch []Root, depth, index uint64, root Root) bool {
	for i := uint64(0); i < depth; i++ {
		if siteMerkleBranchRead.Index(i, len(branch)) {
			return false
		}
	}
	b := make([][32]byte, len(branch))
	for i := range branch {
		b[i] = branch[i]
	}
	return merkle.IsValidMerkleBranch(leaf, b, depth, index, root)
}

// IsValidMerkleBranch is the spec's is_valid_merkle_branch ("Predicates").
func (m *Model) IsValidMerkleBranch(leaf Root, branch []Root, depth, index uint64, root Root) bool {
	if m.hooked() {
		return checkPure(m, isValidMerkleBranchContract,
			func(c *checker) {
				c.that("branch_covers_depth", uint64(len(branch)) >= depth, "a branch of %d nodes for depth %d", len(branch), depth)
			},
			func() bool { return IsValidMerkleBranch(leaf, branch, depth, index, root) },
			func(c *checker, ok bool) {
				// The spec's loop, written out here independently of package merkle.
				value := leaf
				for i := uint64(0); i < depth; i++ {
					if i < 64 && (index>>i)&1 == 1 {
						value = Hash(append(branch[i][:], value[:]...))
					} else {
						value = Hash(append(value[:], branch[i][:]...))
					}
				}
				c.that("valid_iff_root_recomputed", ok == (value == root), "valid %v, the branch hashes up to %x, root %x", ok, value, root)
			}, "depth", depth, "index", index)
	}
	return IsValidMerkleBranch(leaf, branch, depth, index, root)
}

var isValidMerkleBranchContract = declare(Contract{
	Func: "is_valid_merkle_branch", Section: "Predicates",
	Pre: []Clause{
		{"branch_covers_depth", "the branch has at least depth nodes (the spec reads branch[i] for i < depth; process_deposit passes a proof of DEPOSIT_CONTRACT_TREE_DEPTH + 1 nodes, its SSZ vector length, for that depth)"},
	},
	Post: []Clause{
		{"valid_iff_root_recomputed", "true exactly when hashing leaf up the branch (branch[i] on the left where bit i of index is set) gives root: the spec's loop, recomputed independently of package merkle"},
	},
})
