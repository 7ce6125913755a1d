package spec

import (
	"errors"
	"testing"
)

// initiate_validator_exit's churn clauses catch a stale exit queue cache (what a missed
// update would leave), and hold on the real queue.
func TestExitChurnClauses(t *testing.T) {
	x := Epoch(3 + 1 + MustPreset("minimal").MaxSeedLookahead) // compute_activation_exit_epoch of the test state's epoch 3
	tests := []struct {
		name   string
		stale  func(q *exitQueueCache, x Epoch)
		clause string // "" when the call must pass
	}{
		{"the real queue", nil, ""},
		{"a full epoch's churn forgotten", func(q *exitQueueCache, x Epoch) { q.churn = 0 }, "exit_churn_respected"},
		{"a later epoch than any exit", func(q *exitQueueCache, x Epoch) { q.maxEpoch, q.churn = x+3, 0 }, "exit_queue_per_spec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := checkedModel()
			s := testState(m.Config, 64)
			limit := m.plainChurnLimit(s)
			for i := 0; uint64(i) < limit; i++ { // epoch x is full
				s.Validators[10+i].ExitEpoch, s.Validators[10+i].WithdrawableEpoch = x, x+Epoch(m.MinValidatorWithdrawabilityDelay)
			}
			if tt.stale != nil {
				tt.stale(m.exitQueue(s), x)
			}
			err := m.InitiateValidatorExit(s, 3)
			var cv *ContractViolation
			if tt.clause == "" {
				if err != nil {
					t.Fatal(err)
				}
				if s.Validators[3].ExitEpoch != x+1 {
					t.Fatalf("exit epoch %d, want %d: the full epoch's churn pushes it one later", s.Validators[3].ExitEpoch, x+1)
				}
				return
			}
			if !errors.As(err, &cv) || cv.Func != "initiate_validator_exit" || cv.Clause != tt.clause {
				t.Fatalf("got %v, want a violation of %s", err, tt.clause)
			}
		})
	}
}

// process_registry_updates' churn clauses hold on what it does with a queue longer than the
// churn limit, and each catches a post-state broken on purpose.
func TestRegistryChurnClauses(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(m *Model, s *BeaconState)
		clause string
	}{
		{"a waiting validator activated out of turn", func(m *Model, s *BeaconState) {
			s.Validators[15].ActivationEpoch = s.Validators[0].ActivationEpoch // the last of the queue
			s.Validators[0].ActivationEpoch = FarFutureEpoch
		}, "activation_queue_order"},
		{"one activation too many", func(m *Model, s *BeaconState) {
			for i := range s.Validators[:16] {
				if s.Validators[i].ActivationEpoch == FarFutureEpoch { // the first still waiting
					s.Validators[i].ActivationEpoch = s.Validators[0].ActivationEpoch
					return
				}
			}
		}, "activations_up_to_churn"},
		{"one activation too few", func(m *Model, s *BeaconState) {
			for i := len(s.Validators) - 1; i >= 0; i-- {
				if s.Validators[i].ActivationEpoch != FarFutureEpoch && s.Validators[i].ActivationEligibilityEpoch == 1 {
					s.Validators[i].ActivationEpoch = FarFutureEpoch
					return
				}
			}
		}, "activations_up_to_churn"},
		{"activated at the wrong epoch", func(m *Model, s *BeaconState) {
			s.Validators[0].ActivationEpoch++
		}, "activation_epoch_per_spec"},
		{"exits past the churn", func(m *Model, s *BeaconState) {
			for i := 20; i < 40; i++ {
				s.Validators[i].ExitEpoch = 30
			}
		}, "exit_churn_per_epoch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := checkedModel()
			before := registryQueueState(m)
			after := before.Copy()
			if err := m.ProcessRegistryUpdates(after); err != nil {
				t.Fatalf("the function's own run: %v", err)
			}
			churn := m.plainChurnLimit(before)
			tt.tamper(m, after)
			c := &checker{k: m.Checked, contract: processRegistryUpdatesContract, phase: "post"}
			m.registryChurn(c, before, after, churn)
			if c.failed == nil || c.failed.Clause != tt.clause {
				t.Fatalf("got %v, want a violation of %s", c.failed, tt.clause)
			}
		})
	}
}

// registryQueueState is a state at the last slot of epoch 3, finalized at epoch 2, of 64
// validators: the first 16 not activated and eligible since epoch 1 (a queue longer than
// the churn limit), validators 20 and 21 at the ejection balance.
func registryQueueState(m *Model) *BeaconState {
	s := testState(m.Config, 64)
	s.Slot = Slot(4*m.SlotsPerEpoch - 1)
	s.FinalizedCheckpoint.Epoch = 2
	for i := range s.Validators[:16] {
		s.Validators[i].ActivationEpoch = FarFutureEpoch
		s.Validators[i].ActivationEligibilityEpoch = 1
	}
	for i := 20; i < 22; i++ {
		s.Validators[i].EffectiveBalance = m.EjectionBalance
	}
	return s
}
