package spec

import "github.com/beaconcheck/beaconcheck/merkle"

// IsActiveValidator is the spec's is_active_validator ("Predicates").
func IsActiveValidator(v *Validator, epoch Epoch) bool {
	return v.ActivationEpoch <= epoch && epoch < v.ExitEpoch
}

// IsEligibleForActivationQueue is the spec's is_eligible_for_activation_queue ("Predicates").
func (m *Model) IsEligibleForActivationQueue(v *Validator) bool {
	return v.ActivationEligibilityEpoch == FarFutureEpoch && v.EffectiveBalance == m.MaxEffectiveBalance
}

// IsEligibleForActivation is the spec's is_eligible_for_activation ("Predicates").
func IsEligibleForActivation(state *BeaconState, v *Validator) bool {
	// Placement in queue is finalized, and not yet activated.
	return v.ActivationEligibilityEpoch <= state.FinalizedCheckpoint.Epoch && v.ActivationEpoch == FarFutureEpoch
}

// IsSlashableValidator is the spec's is_slashable_validator ("Predicates").
func IsSlashableValidator(v *Validator, epoch Epoch) bool {
	return !v.Slashed && v.ActivationEpoch <= epoch && epoch < v.WithdrawableEpoch
}

// IsSlashableAttestationData is the spec's is_slashable_attestation_data ("Predicates"):
// a double vote or a surround vote under Casper FFG.
func IsSlashableAttestationData(d1, d2 *AttestationData) bool {
	doubleVote := *d1 != *d2 && d1.Target.Epoch == d2.Target.Epoch
	surroundVote := d1.Source.Epoch < d2.Source.Epoch && d2.Target.Epoch < d1.Target.Epoch
	return doubleVote || surroundVote
}

// IsValidIndexedAttestation is the spec's is_valid_indexed_attestation ("Predicates"):
// indices non-empty, sorted and unique, and a valid aggregate signature. An index beyond the
// registry is an IndexError (the spec's list read raises), not a false.
func (m *Model) IsValidIndexedAttestation(state *BeaconState, ia *IndexedAttestation) (bool, error) {
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
			if _, err := validatorAt(state, i); err != nil {
				return false, err
			}
		}
		return true, nil
	}
	pubkeys := make([][48]byte, len(indices))
	for k, i := range indices {
		v, err := validatorAt(state, i)
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
	return blsFastAggregateVerify(pubkeys, root[:], ia.Signature), nil
}

// IsValidMerkleBranch is the spec's is_valid_merkle_branch ("Predicates").
func IsValidMerkleBranch(leaf Root, branch []Root, depth, index uint64, root Root) bool {
	b := make([][32]byte, len(branch))
	for i := range branch {
		b[i] = branch[i]
	}
	return merkle.IsValidMerkleBranch(leaf, b, depth, index, root)
}
