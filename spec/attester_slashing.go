package spec

// ProcessAttesterSlashing is the spec's process_attester_slashing ("Attester slashings").
func (m *Model) ProcessAttesterSlashing(state *BeaconState, as *AttesterSlashing) error {
	const fn = "process_attester_slashing"
	a1, a2 := &as.Attestation1, &as.Attestation2
	if !IsSlashableAttestationData(&a1.Data, &a2.Data) {
		return assertf(fn, CheckSlashableData, "neither a double vote nor a surround vote")
	}
	for i, a := range []*IndexedAttestation{a1, a2} {
		ok, err := m.IsValidIndexedAttestation(state, a)
		if err != nil {
			return err
		}
		if !ok {
			return assertf(fn, CheckIndexedAttestation, "attestation_%d is not a valid indexed attestation", i+1)
		}
	}
	// The sorted intersection of the two index lists (each is sorted and unique, as
	// is_valid_indexed_attestation just checked).
	var indices []ValidatorIndex
	for i, j := 0, 0; i < len(a1.AttestingIndices) && j < len(a2.AttestingIndices); {
		switch x, y := a1.AttestingIndices[i], a2.AttestingIndices[j]; {
		case x < y:
			i++
		case x > y:
			j++
		default:
			indices = append(indices, x)
			i++
			j++
		}
	}
	slashedAny := false
	for _, index := range indices {
		v, err := validatorAt(state, index)
		if err != nil {
			return err
		}
		if IsSlashableValidator(v, m.GetCurrentEpoch(state)) {
			if err := m.SlashValidator(state, index, nil); err != nil {
				return err
			}
			slashedAny = true
		}
	}
	if !slashedAny {
		return assertf(fn, CheckSlashedAny, "no validator in both attestations is slashable")
	}
	return nil
}
