package spec

import "slices"

// ProcessAttesterSlashing is the spec's process_attester_slashing ("Attester slashings").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes. StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are
// atomic; call those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessAttesterSlashing(state *BeaconState, as *AttesterSlashing) (err error) {
	if m.hooked() {
		if err := m.requires(processAttesterSlashingContract, func(c *checker) { c.wellFormed(m, state) },
			"attesters_1", len(as.Attestation1.AttestingIndices), "attesters_2", len(as.Attestation2.AttestingIndices)); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processAttesterSlashingContract, &err, state, func(c *checker) {
			newly := 0
			for i := range state.Validators {
				if state.Validators[i].Slashed && !before.Validators[i].Slashed {
					newly++
					in1 := slices.Contains(as.Attestation1.AttestingIndices, ValidatorIndex(i))
					in2 := slices.Contains(as.Attestation2.AttestingIndices, ValidatorIndex(i))
					c.that("slashed_only_attesters_of_both", in1 && in2, "validator %d slashed but not in both attestations", i)
				}
			}
			c.that("slashed_some", newly > 0, "no validator newly slashed")
			c.frame(slashingFrame, before, state)
		})
	}
	const fn = "process_attester_slashing"
	a1, a2 := &as.Attestation1, &as.Attestation2
	if !m.IsSlashableAttestationData(&a1.Data, &a2.Data) {
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
		if m.IsSlashableValidator(v, m.GetCurrentEpoch(state)) {
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

var processAttesterSlashingContract = declare(Contract{
	Func: "process_attester_slashing", Section: "Attester slashings",
	Writes: []string{"balances", "slashings", "validators.slashed", "validators.exit_epoch", "validators.withdrawable_epoch"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"slashed_only_attesters_of_both", "every newly slashed validator attested in both attestations"},
		{"slashed_some", "at least one validator was newly slashed"},
		{"frame", "only balances, slashings, and validators' slashed, exit_epoch and withdrawable_epoch change"},
	},
})
