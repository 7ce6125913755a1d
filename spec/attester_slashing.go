package spec

// siteAttesterSlashingRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteAttesterSlashingRead = site("process_attester_slashing_validator_read", OpIndex, "index", "length")

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
			m.attesterSlashingSlashed(c, before, state, as)
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
		v, err := validatorAt(siteAttesterSlashingRead, state, index)
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
		{"conflicting_votes", "the two attestations' data are a double vote (different data, same target epoch) or a surround vote (source_1 < source_2 and target_2 < target_1), by the spec's definition written out"},
		{"slashed_only_attesters_of_both", "every newly slashed validator attested in both attestations"},
		{"slashed_were_slashable", "every newly slashed validator was slashable at the current epoch on the state before the call: not slashed, activation_epoch <= epoch < withdrawable_epoch"},
		{"slashable_attesters_slashed", "every validator in both attestations that was slashable before the call is slashed after it"},
		{"slashed_some", "at least one validator was newly slashed"},
		{"frame", "only balances, slashings, and validators' slashed, exit_epoch and withdrawable_epoch change"},
	},
})

// slashableAt is is_slashable_validator written out, for the slashing operations' clauses
// (not the model's predicate, whose faults they must not share).
func slashableAt(v *Validator, epoch Epoch) bool {
	return !v.Slashed && v.ActivationEpoch <= epoch && epoch < v.WithdrawableEpoch
}

// attesterSlashingSlashed evaluates the clauses of process_attester_slashing on who was
// slashed, from the spec's intent: exactly the validators slashable before the call among
// those attesting in both conflicting attestations, and at least one.
func (m *Model) attesterSlashingSlashed(c *checker, before, after *BeaconState, as *AttesterSlashing) {
	d1, d2 := &as.Attestation1.Data, &as.Attestation2.Data
	double := *d1 != *d2 && d1.Target.Epoch == d2.Target.Epoch
	surround := d1.Source.Epoch < d2.Source.Epoch && d2.Target.Epoch < d1.Target.Epoch
	c.that("conflicting_votes", double || surround, "neither a double vote nor a surround vote: sources %d, %d; targets %d, %d",
		d1.Source.Epoch, d2.Source.Epoch, d1.Target.Epoch, d2.Target.Epoch)
	epoch := m.Config.ComputeEpochAtSlot(before.Slot)
	in := make(map[ValidatorIndex]int, len(as.Attestation1.AttestingIndices))
	for _, i := range as.Attestation1.AttestingIndices {
		in[i] |= 1
	}
	for _, i := range as.Attestation2.AttestingIndices {
		in[i] |= 2
	}
	newly := 0
	for i := range after.Validators {
		in1, in2 := in[ValidatorIndex(i)]&1 != 0, in[ValidatorIndex(i)]&2 != 0
		was := slashableAt(&before.Validators[i], epoch)
		if after.Validators[i].Slashed && !before.Validators[i].Slashed {
			newly++
			c.that("slashed_only_attesters_of_both", in1 && in2, "validator %d slashed but not in both attestations", i)
			c.that("slashed_were_slashable", was, "validator %d slashed although not slashable at epoch %d (activation %d, withdrawable %d)",
				i, epoch, before.Validators[i].ActivationEpoch, before.Validators[i].WithdrawableEpoch)
		} else if in1 && in2 && was {
			c.that("slashable_attesters_slashed", false, "validator %d, slashable and in both attestations, was not slashed", i)
		}
	}
	c.that("slashed_some", newly > 0, "no validator newly slashed")
}
