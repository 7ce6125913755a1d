package spec

// siteProposerSlashingRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteProposerSlashingRead = site("process_proposer_slashing_proposer_read", OpIndex, "index", "length")

// ProcessProposerSlashing is the spec's process_proposer_slashing ("Proposer slashings").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes. StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are
// atomic; call those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessProposerSlashing(state *BeaconState, ps *ProposerSlashing) (err error) {
	if m.hooked() {
		if err := m.requires(processProposerSlashingContract, func(c *checker) { c.wellFormed(m, state) },
			"proposer_index", ps.SignedHeader1.Message.ProposerIndex, "slot", ps.SignedHeader1.Message.Slot); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processProposerSlashingContract, &err, state, func(c *checker) {
			m.proposerSlashingSlashed(c, before, state, ps)
			c.frame(slashingFrame, before, state)
		})
	}
	const fn = "process_proposer_slashing"
	header1, header2 := &ps.SignedHeader1.Message, &ps.SignedHeader2.Message
	// Verify header slots match
	if header1.Slot != header2.Slot {
		return assertf(fn, CheckHeaderSlotsMatch, "slots %d and %d", header1.Slot, header2.Slot)
	}
	// Verify header proposer indices match
	if header1.ProposerIndex != header2.ProposerIndex {
		return assertf(fn, CheckHeaderProposersMatch, "proposers %d and %d", header1.ProposerIndex, header2.ProposerIndex)
	}
	// Verify the headers are different
	if *header1 == *header2 {
		return assertf(fn, CheckHeadersDiffer, "both headers are the same")
	}
	// Verify the proposer is slashable
	proposer, err := validatorAt(siteProposerSlashingRead, state, header1.ProposerIndex)
	if err != nil {
		return err
	}
	if !m.IsSlashableValidator(proposer, m.GetCurrentEpoch(state)) {
		return assertf(fn, CheckProposerSlashable, "proposer %d is not slashable at epoch %d", header1.ProposerIndex, m.GetCurrentEpoch(state))
	}
	// Verify signatures
	if m.VerifySignatures {
		for i, signed := range []*SignedBeaconBlockHeader{&ps.SignedHeader1, &ps.SignedHeader2} {
			epoch := m.ComputeEpochAtSlot(signed.Message.Slot)
			domain := m.GetDomain(state, m.DomainBeaconProposer, &epoch)
			root, err := m.ComputeSigningRoot(&signed.Message, domain)
			if err != nil {
				return err
			}
			if !m.blsVerify("proposer slashing header", proposer.Pubkey, root[:], signed.Signature) {
				return assertf(fn, CheckHeaderSignature, "signature of header %d does not verify", i+1)
			}
		}
	}
	return m.SlashValidator(state, header1.ProposerIndex, nil)
}

var processProposerSlashingContract = declare(Contract{
	Func: "process_proposer_slashing", Section: "Proposer slashings",
	Writes: []string{"balances", "slashings", "validators.slashed", "validators.exit_epoch", "validators.withdrawable_epoch"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"proposer_slashed", "the proposer of the two headers was not slashed before and is now"},
		{"headers_conflict", "the two headers are different headers of the same slot"},
		{"headers_name_slashed", "exactly one validator was newly slashed, and both headers name it as their proposer"},
		{"slashed_was_slashable", "it was slashable at the current epoch on the state before the call: not slashed, activation_epoch <= epoch < withdrawable_epoch"},
		{"frame", "only balances, slashings, and validators' slashed, exit_epoch and withdrawable_epoch change"},
	},
})

// slashingFrame is what slashing may change: the slashed validators' status, the
// penalty and rewards in balances, the slashings record.
var slashingFrame = frame{fields: []string{"balances", "slashings"}, allValidators: true,
	validatorFields: []string{"slashed", "exit_epoch", "withdrawable_epoch"}}

// proposerSlashingSlashed evaluates the clauses of process_proposer_slashing on who was
// slashed, from the spec's intent: two different headers of one slot by one proposer,
// who was slashable and is the one validator newly slashed.
func (m *Model) proposerSlashingSlashed(c *checker, before, after *BeaconState, ps *ProposerSlashing) {
	h1, h2 := &ps.SignedHeader1.Message, &ps.SignedHeader2.Message
	i := h1.ProposerIndex
	c.that("proposer_slashed", uint64(i) < uint64(len(after.Validators)) && after.Validators[i].Slashed && !before.Validators[i].Slashed,
		"validator %d was not newly slashed", i)
	c.that("headers_conflict", h1.Slot == h2.Slot && *h1 != *h2, "headers of slots %d and %d (equal: %v)", h1.Slot, h2.Slot, *h1 == *h2)
	var newly []ValidatorIndex
	for j := range after.Validators {
		if after.Validators[j].Slashed && !before.Validators[j].Slashed {
			newly = append(newly, ValidatorIndex(j))
		}
	}
	c.that("headers_name_slashed", len(newly) == 1 && h1.ProposerIndex == newly[0] && h2.ProposerIndex == newly[0],
		"newly slashed %v; the headers name proposers %d and %d", newly, h1.ProposerIndex, h2.ProposerIndex)
	if len(newly) == 1 {
		epoch := m.Config.ComputeEpochAtSlot(before.Slot)
		v := &before.Validators[newly[0]]
		c.that("slashed_was_slashable", slashableAt(v, epoch), "validator %d slashed although not slashable at epoch %d (activation %d, withdrawable %d)",
			newly[0], epoch, v.ActivationEpoch, v.WithdrawableEpoch)
	}
}
