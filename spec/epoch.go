package spec

// GetMatchingSourceAttestations is the spec's get_matching_source_attestations ("Epoch
// processing, helper functions").
func (m *Model) GetMatchingSourceAttestations(state *BeaconState, epoch Epoch) ([]PendingAttestation, error) {
	current, previous := m.GetCurrentEpoch(state), m.GetPreviousEpoch(state)
	if epoch != previous && epoch != current {
		return nil, assertf("get_matching_source_attestations", CheckMatchingEpoch, "epoch %d, previous %d, current %d", epoch, previous, current)
	}
	if epoch == current {
		return state.CurrentEpochAttestations, nil
	}
	return state.PreviousEpochAttestations, nil
}

// GetMatchingTargetAttestations is the spec's get_matching_target_attestations.
func (m *Model) GetMatchingTargetAttestations(state *BeaconState, epoch Epoch) ([]PendingAttestation, error) {
	source, err := m.GetMatchingSourceAttestations(state, epoch)
	if err != nil {
		return nil, err
	}
	var out []PendingAttestation
	for _, a := range source {
		root, err := m.GetBlockRoot(state, epoch)
		if err != nil {
			return nil, err
		}
		if a.Data.Target.Root == root {
			out = append(out, a)
		}
	}
	return out, nil
}

// GetMatchingHeadAttestations is the spec's get_matching_head_attestations.
func (m *Model) GetMatchingHeadAttestations(state *BeaconState, epoch Epoch) ([]PendingAttestation, error) {
	target, err := m.GetMatchingTargetAttestations(state, epoch)
	if err != nil {
		return nil, err
	}
	var out []PendingAttestation
	for _, a := range target {
		root, err := m.GetBlockRootAtSlot(state, a.Data.Slot)
		if err != nil {
			return nil, err
		}
		if a.Data.BeaconBlockRoot == root {
			out = append(out, a)
		}
	}
	return out, nil
}

// GetUnslashedAttestingIndices is the spec's get_unslashed_attesting_indices: the union of
// the attestations' attesting indices, without slashed validators, sorted.
func (m *Model) GetUnslashedAttestingIndices(state *BeaconState, attestations []PendingAttestation) ([]ValidatorIndex, error) {
	seen := make(map[ValidatorIndex]struct{})
	var out []ValidatorIndex
	for i := range attestations {
		a := &attestations[i]
		indices, err := m.GetAttestingIndices(state, &a.Data, a.AggregationBits)
		if err != nil {
			return nil, err
		}
		for _, index := range indices {
			if _, dup := seen[index]; dup {
				continue
			}
			seen[index] = struct{}{}
			v, err := validatorAt(state, index)
			if err != nil {
				return nil, err
			}
			if !v.Slashed {
				out = append(out, index)
			}
		}
	}
	sortIndices(out)
	return out, nil
}

// GetAttestingBalance is the spec's get_attesting_balance.
func (m *Model) GetAttestingBalance(state *BeaconState, attestations []PendingAttestation) (Gwei, error) {
	indices, err := m.GetUnslashedAttestingIndices(state, attestations)
	if err != nil {
		return 0, err
	}
	return m.GetTotalBalance(state, indices)
}
