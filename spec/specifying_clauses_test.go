package spec

import (
	"errors"
	"slices"
	"testing"

	"github.com/prysmaticlabs/go-bitfield"
)

// The clauses written for the mutation programme's survivors (docs/mutation.md): each
// holds on the function's own run and fires on a post-state broken the way the surviving
// fault would break it.

// process_registry_updates' ejection clauses and the head-of-queue clause, against the
// spec's rules computed on the state before the call.
func TestRegistrySpecifyingClauses(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(m *Model, before *BeaconState) // before the function's own run
		tamper  func(m *Model, after *BeaconState)  // after it; nil: its own result
		clause  string                              // "" when the result must pass
	}{
		{"the function's own run", nil, nil, ""},
		{"a never-activated validator at a low balance ejected", func(m *Model, s *BeaconState) {
			s.Validators[40].ActivationEpoch, s.Validators[40].ActivationEligibilityEpoch = FarFutureEpoch, FarFutureEpoch
			s.Validators[40].EffectiveBalance = m.EjectionBalance // too low for the activation queue
		}, func(m *Model, s *BeaconState) {
			s.Validators[40].ExitEpoch, s.Validators[40].WithdrawableEpoch = s.Validators[20].ExitEpoch, s.Validators[20].WithdrawableEpoch
		}, "ejections_active"},
		{"an exited validator ejected again", func(m *Model, s *BeaconState) {
			s.Validators[41].ExitEpoch, s.Validators[41].EffectiveBalance = 2, m.EjectionBalance
		}, func(m *Model, s *BeaconState) {
			s.Validators[41].ExitEpoch = s.Validators[20].ExitEpoch
		}, "ejections_active"},
		{"a validator ejected at a high balance", nil, func(m *Model, s *BeaconState) {
			s.Validators[42].ExitEpoch = s.Validators[20].ExitEpoch
		}, "ejections_low_balance"},
		{"an active validator at EJECTION_BALANCE left in place", nil, func(m *Model, s *BeaconState) {
			s.Validators[21].ExitEpoch, s.Validators[21].WithdrawableEpoch = FarFutureEpoch, FarFutureEpoch
		}, "low_balances_ejected"},
		{"the queue taken by eligibility epoch descending", nil, func(m *Model, s *BeaconState) {
			// The head is validator 15 (eligible since epoch 0), then 0, 1, 2; activate 3 instead of 15.
			s.Validators[3].ActivationEpoch, s.Validators[15].ActivationEpoch = s.Validators[15].ActivationEpoch, FarFutureEpoch
		}, "activated_head_of_queue"},
		{"one activation beyond the churn limit", nil, func(m *Model, s *BeaconState) {
			s.Validators[3].ActivationEpoch = s.Validators[0].ActivationEpoch
		}, "activated_head_of_queue"},
		{"a validator activated before its eligibility is finalized", func(m *Model, s *BeaconState) {
			s.Validators[50].ActivationEpoch, s.Validators[50].ActivationEligibilityEpoch = FarFutureEpoch, 3
		}, func(m *Model, s *BeaconState) {
			s.Validators[50].ActivationEpoch, s.Validators[2].ActivationEpoch = s.Validators[2].ActivationEpoch, FarFutureEpoch
		}, "activated_head_of_queue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := checkedModel()
			before := registryQueueState(m)
			before.Validators[15].ActivationEligibilityEpoch = 0 // the queue's last validator eligible first
			if tt.prepare != nil {
				tt.prepare(m, before)
			}
			after := before.Copy()
			if err := m.ProcessRegistryUpdates(after); err != nil {
				t.Fatalf("the function's own run: %v", err)
			}
			if after.Validators[15].ActivationEpoch == FarFutureEpoch || after.Validators[3].ActivationEpoch != FarFutureEpoch {
				t.Fatal("the queue's head is not 15, 0, 1, 2: the case does not test the order")
			}
			if tt.tamper != nil {
				tt.tamper(m, after)
			}
			c := &checker{k: m.Checked, contract: processRegistryUpdatesContract, phase: "post"}
			m.registryEjections(c, before, after)
			m.activationQueueHead(c, before, after, m.plainChurnLimit(before))
			wantClause(t, c, tt.clause)
		})
	}
}

// attesterSlashingCase is an attester slashing of validators 2 and 3 (a double vote at
// the test state's epoch 3: validators 1-3 and 2-4 vote for two block roots), signatures off.
func attesterSlashingCase(m *Model) (*BeaconState, *AttesterSlashing) {
	s := testState(m.Config, 64)
	data := AttestationData{Slot: s.Slot, Target: Checkpoint{Epoch: 3}}
	other := data
	other.BeaconBlockRoot = Root{1}
	return s, &AttesterSlashing{
		Attestation1: IndexedAttestation{AttestingIndices: []ValidatorIndex{1, 2, 3}, Data: data},
		Attestation2: IndexedAttestation{AttestingIndices: []ValidatorIndex{2, 3, 4}, Data: other},
	}
}

// proposerSlashingCase is a proposer slashing of validator 7: two headers of one slot.
func proposerSlashingCase(m *Model) (*BeaconState, *ProposerSlashing) {
	s := testState(m.Config, 64)
	h := BeaconBlockHeader{Slot: s.Slot, ProposerIndex: 7}
	h2 := h
	h2.BodyRoot = Root{1}
	return s, &ProposerSlashing{SignedHeader1: SignedBeaconBlockHeader{Message: h}, SignedHeader2: SignedBeaconBlockHeader{Message: h2}}
}

// process_attester_slashing's and process_proposer_slashing's clauses on who is slashed.
func TestSlashingOperationClauses(t *testing.T) {
	attester := []struct {
		name   string
		tamper func(before, after *BeaconState, as *AttesterSlashing)
		clause string
	}{
		{"the function's own run", nil, ""},
		{"a validator already withdrawable slashed", func(before, after *BeaconState, as *AttesterSlashing) {
			before.Validators[3].ExitEpoch, before.Validators[3].WithdrawableEpoch = 1, 3 // withdrawable at the current epoch 3
		}, "slashed_were_slashable"},
		{"a validator not yet active slashed", func(before, after *BeaconState, as *AttesterSlashing) {
			before.Validators[2].ActivationEpoch = 4
		}, "slashed_were_slashable"},
		{"a slashable attester of both left", func(before, after *BeaconState, as *AttesterSlashing) {
			after.Validators[3] = before.Validators[3]
		}, "slashable_attesters_slashed"},
		{"an attester of one attestation slashed", func(before, after *BeaconState, as *AttesterSlashing) {
			after.Validators[4].Slashed = true
		}, "slashed_only_attesters_of_both"},
		{"two votes that do not conflict", func(before, after *BeaconState, as *AttesterSlashing) {
			as.Attestation2.Data = as.Attestation1.Data
		}, "conflicting_votes"},
		{"a surround vote with equal sources", func(before, after *BeaconState, as *AttesterSlashing) {
			as.Attestation1.Data.Target.Epoch, as.Attestation2.Data.Target.Epoch = 3, 2
		}, "conflicting_votes"},
	}
	for _, tt := range attester {
		t.Run("attester/"+tt.name, func(t *testing.T) {
			m := checkedModel()
			m.VerifySignatures = false
			before, as := attesterSlashingCase(m)
			after := before.Copy()
			if err := m.ProcessAttesterSlashing(after, as); err != nil {
				t.Fatalf("the function's own run: %v", err)
			}
			if !after.Validators[2].Slashed || !after.Validators[3].Slashed || after.Validators[1].Slashed {
				t.Fatal("validators 2 and 3 are not the ones slashed")
			}
			if tt.tamper != nil {
				tt.tamper(before, after, as)
			}
			c := &checker{k: m.Checked, contract: processAttesterSlashingContract, phase: "post"}
			m.attesterSlashingSlashed(c, before, after, as)
			wantClause(t, c, tt.clause)
		})
	}
	proposer := []struct {
		name   string
		tamper func(before, after *BeaconState, ps *ProposerSlashing)
		clause string
	}{
		{"the function's own run", nil, ""},
		{"the second header names another proposer", func(before, after *BeaconState, ps *ProposerSlashing) {
			ps.SignedHeader2.Message.ProposerIndex = 8
		}, "headers_name_slashed"},
		{"a second validator slashed", func(before, after *BeaconState, ps *ProposerSlashing) {
			after.Validators[8].Slashed = true
		}, "headers_name_slashed"},
		{"the proposer already withdrawable", func(before, after *BeaconState, ps *ProposerSlashing) {
			before.Validators[7].ExitEpoch, before.Validators[7].WithdrawableEpoch = 1, 3
		}, "slashed_was_slashable"},
		{"headers of two slots", func(before, after *BeaconState, ps *ProposerSlashing) {
			ps.SignedHeader2.Message.Slot++
		}, "headers_conflict"},
		{"the proposer left unslashed", func(before, after *BeaconState, ps *ProposerSlashing) {
			after.Validators[7].Slashed = false
		}, "proposer_slashed"},
	}
	for _, tt := range proposer {
		t.Run("proposer/"+tt.name, func(t *testing.T) {
			m := checkedModel()
			m.VerifySignatures = false
			before, ps := proposerSlashingCase(m)
			after := before.Copy()
			if err := m.ProcessProposerSlashing(after, ps); err != nil {
				t.Fatalf("the function's own run: %v", err)
			}
			if tt.tamper != nil {
				tt.tamper(before, after, ps)
			}
			c := &checker{k: m.Checked, contract: processProposerSlashingContract, phase: "post"}
			m.proposerSlashingSlashed(c, before, after, ps)
			wantClause(t, c, tt.clause)
		})
	}
}

// process_slashings_reset (and process_final_updates, process_epoch) may reset the next
// epoch's slashings entry only.
func TestSlashingsKept(t *testing.T) {
	tests := []struct {
		name   string
		entry  func(current, n uint64) uint64 // the entry zeroed after the run
		clause string
	}{
		{"the next epoch's entry (the spec)", func(current, n uint64) uint64 { return (current + 1) % n }, ""},
		{"the current epoch's entry", func(current, n uint64) uint64 { return current % n }, "slashings_kept"},
		{"the oldest entry still counted", func(current, n uint64) uint64 { return (current + 2) % n }, "slashings_kept"},
	}
	for _, tt := range tests {
		for _, fn := range []struct {
			name     string
			contract *Contract
			run      func(m *Model, s *BeaconState) error
		}{
			{"process_slashings_reset", processSlashingsResetContract, (*Model).ProcessSlashingsReset},
			{"process_final_updates", processFinalUpdatesContract, (*Model).ProcessFinalUpdates},
		} {
			t.Run(fn.name+"/"+tt.name, func(t *testing.T) {
				m := checkedModel()
				before := testState(m.Config, 64)
				before.Slot = Slot(4*m.SlotsPerEpoch - 1)
				for i := range before.Slashings {
					before.Slashings[i] = Gwei(i+1) * m.MaxEffectiveBalance
				}
				after := before.Copy()
				if err := fn.run(m, after); err != nil {
					t.Fatalf("the function's own run: %v", err)
				}
				after.Slashings[tt.entry(3, m.EpochsPerSlashingsVector)] = 0
				c := &checker{k: m.Checked, contract: fn.contract, phase: "post"}
				m.slashingsKept(c, before, after)
				wantClause(t, c, tt.clause)
			})
		}
	}
}

// process_epoch's and process_block's "supply_per_parts": the balances' sum moves by what the
// parts stated. The epoch's own run passes (its rewards and slashings record their moves);
// a balance moved outside the parts fails it.
func TestSupplyPerParts(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(b []Gwei)
		clause string
	}{
		{"the epoch's own result", nil, ""},
		{"one Gwei created outside its parts", func(b []Gwei) { b[30]++ }, "supply_per_parts"},
		{"a penalty taken twice", func(b []Gwei) { b[30] -= 1 << 10 }, "supply_per_parts"},
		{"one Gwei moved between validators", func(b []Gwei) { b[30]--; b[31]++ }, ""}, // conservation cannot see it; balances_per_spec does
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := checkedModel()
			before := rewardsState(t, m, 3)
			before.Validators[9].Slashed = true // a process_slashings penalty too
			before.Validators[9].WithdrawableEpoch = 3 + Epoch(m.EpochsPerSlashingsVector/2)
			before.Slashings[0] = 3 * m.MaxEffectiveBalance
			after := before.Copy()
			start := m.ledger
			if err := m.ProcessEpoch(after); err != nil {
				t.Fatalf("the function's own run: %v", err)
			}
			if m.ledger.up == start.up || m.ledger.down == start.down {
				t.Fatal("the epoch's parts stated no rewards or no penalties: the case does not test the ledger")
			}
			if tt.tamper != nil {
				tt.tamper(after.Balances)
			}
			c := &checker{k: m.Checked, contract: processEpochContract, phase: "post"}
			m.supplyPerParts(c, start, before.Balances, after.Balances)
			wantClause(t, c, tt.clause)
		})
	}
}

// get_attesting_indices is held to the plain spec past the model's cached committee: a
// result with a member whose bit is clear in place of one whose bit is set fails, though
// it is still a sorted subset of the committee of the right size.
func TestPlainAttestingAgrees(t *testing.T) {
	m := checkedModel()
	s := rewardsState(t, m, 3)
	a := s.PreviousEpochAttestations[0]
	committee, err := m.GetBeaconCommittee(s, a.Data.Slot, a.Data.Index)
	if err != nil || len(committee) < 3 {
		t.Fatalf("committee %v: %v", committee, err)
	}
	bits := bitfield.NewBitlist(uint64(len(committee)))
	for i := 1; i < len(committee); i++ { // all but the first member
		bits.SetBitAt(uint64(i), true)
	}
	out, err := m.GetAttestingIndices(s, &a.Data, bits)
	if err != nil {
		t.Fatalf("the function's own run: %v", err)
	}
	tests := []struct {
		name   string
		result func() []ValidatorIndex
		clause string
	}{
		{"its own result", func() []ValidatorIndex { return out }, ""},
		{"the unset member in place of a set one", func() []ValidatorIndex {
			r := slices.DeleteFunc(slices.Clone(out), func(v ValidatorIndex) bool { return v == committee[1] })
			r = append(r, committee[0])
			slices.Sort(r)
			return r
		}, "plain_attesting_agrees"},
		{"unsorted", func() []ValidatorIndex { r := slices.Clone(out); slices.Reverse(r); return r }, "plain_attesting_agrees"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &checker{k: m.Checked, contract: getAttestingIndicesContract, phase: "post"}
			m.plainAttestingAgrees(c, s, &a.Data, bits, tt.result())
			wantClause(t, c, tt.clause)
		})
	}
	// And through the call: a committee cache whose members were reordered in place (what
	// sorting a returned committee would do) is caught by the committee's own clause first.
	shuffled, _ := m.shuffling(s, 3-1)
	slices.Sort(shuffled)
	_, err = m.GetAttestingIndices(s, &a.Data, bits)
	var cv *ContractViolation
	if !errors.As(err, &cv) || cv.Clause != "plain_committee_agrees" {
		t.Fatalf("a reordered cached shuffle: got %v, want plain_committee_agrees", err)
	}
}

// wantClause fails the test unless the checker c saw exactly what the case wants: no
// violation when clause is "" (the function's own result), else a violation of clause.
func wantClause(t *testing.T, c *checker, clause string) {
	t.Helper()
	if clause == "" {
		if c.failed != nil {
			t.Fatalf("its own result: %v", c.failed)
		}
		return
	}
	if c.failed == nil || c.failed.Clause != clause {
		t.Fatalf("got %v, want a violation of %s", c.failed, clause)
	}
}
