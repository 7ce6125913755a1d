package spec

import (
	"errors"
	"slices"
	"testing"
)

// breakInvariant edits a well-formed state so that it breaks the invariant, through one of
// the fields the function writes where the invariant has a field-specific way to break.
func breakInvariant(m *Model, s *BeaconState, inv string, writes []string) {
	current := Epoch(uint64(s.Slot) / m.SlotsPerEpoch)
	has := func(f string) bool { return slices.Contains(writes, f) }
	switch inv {
	case "slot_bound":
		lookahead := current + 1 + Epoch(m.MaxSeedLookahead)
		switch {
		case has("finalized_checkpoint"):
			s.FinalizedCheckpoint.Epoch = current + 1
		case has("latest_block_header"):
			s.LatestBlockHeader.Slot = s.Slot + 1
		case has("validators.activation_eligibility_epoch"):
			s.Validators[3].ActivationEligibilityEpoch = current + 2
		case has("validators.exit_epoch"):
			s.Validators[3].ExitEpoch = lookahead + 2 // one exit: at most lookahead + 1
			s.Validators[3].WithdrawableEpoch = lookahead + 2 + Epoch(m.MinValidatorWithdrawabilityDelay)
		case has("validators.append"):
			v := s.Validators[0]
			v.ActivationEpoch = lookahead + 1
			s.Validators, s.Balances = append(s.Validators, v), append(s.Balances, 0)
		default:
			panic("no way to break slot_bound through " + writes[0])
		}
	case "effective_balance_cap":
		s.Validators[5].EffectiveBalance = m.MaxEffectiveBalance + m.EffectiveBalanceIncrement
	case "vector_lengths":
		switch {
		case has("balances"):
			s.Balances = s.Balances[:len(s.Balances)-1]
		case has("randao_mixes"):
			s.RandaoMixes = s.RandaoMixes[:len(s.RandaoMixes)-1]
		case has("block_roots"):
			s.BlockRoots = append(s.BlockRoots, Root{})
		case has("state_roots"):
			s.StateRoots = s.StateRoots[1:]
		case has("slashings"):
			s.Slashings = append(s.Slashings, 0)
		case has("validators.append"):
			s.Validators = append(s.Validators, s.Validators[0])
		default:
			panic("no way to break vector_lengths through " + writes[0])
		}
	case "indices_in_registry":
		s.PreviousEpochAttestations = append(s.PreviousEpochAttestations, PendingAttestation{ProposerIndex: ValidatorIndex(len(s.Validators)), InclusionDelay: 1})
	case "one_block_per_slot":
		s.LatestBlockHeader.Slot = s.Slot + 1
	case "active_validator_cap":
		m.CapActiveValidators = true
		for len(s.Validators) <= int(m.ActiveValidatorCap()) {
			s.Validators, s.Balances = append(s.Validators, s.Validators[0]), append(s.Balances, 0)
		}
	case "total_supply_bound":
		s.Balances[7] = TotalSupplyBound
	default:
		panic("no breaker for " + inv)
	}
}

// Every (function, invariant) pair checked mode evaluates has its clause: on a state broken
// on purpose it reports a violation naming the function and "inv_" + the invariant; on the
// state before the break it holds. Every obligation of InvariantObligations is one of them.
func TestInvariantClausesFire(t *testing.T) {
	pairs := InvariantClauses()
	for _, o := range InvariantObligations() {
		if !slices.ContainsFunc(pairs, func(p InvariantObligation) bool { return p.Func == o.Func && p.Invariant == o.Invariant }) {
			t.Errorf("obligation %s preserves %s has no checked clause", o.Func, o.Invariant)
		}
	}
	supply := 0
	for _, p := range pairs {
		if p.Invariant == "total_supply_bound" {
			supply++
		}
	}
	if len(pairs) < 63+supply || supply == 0 {
		t.Fatalf("%d clauses, %d of them the supply bound: fewer than the 63 obligations plus the stated bound", len(pairs), supply)
	}
	cfg := MustPreset("minimal")
	for _, p := range pairs {
		t.Run(p.Func+"/"+p.Invariant, func(t *testing.T) {
			contract := contracts[p.Func]
			if !slices.ContainsFunc(contract.Post, func(c Clause) bool { return c.Name == InvariantClause(p.Invariant) }) {
				t.Fatalf("clause %s not in the contract's postcondition", InvariantClause(p.Invariant))
			}
			only := *contract
			only.invariants = []string{p.Invariant}
			eval := func(m *Model, s *BeaconState) *ContractViolation {
				c := &checker{k: &Checks{}, contract: &only, phase: "post"}
				c.invariants(m, s)
				return c.failed
			}
			m := NewModel(cfg)
			s := testState(cfg, 64)
			if cv := eval(m, s); cv != nil {
				t.Fatalf("holds on the test state, but: %v", cv)
			}
			breakInvariant(m, s, p.Invariant, p.Writes)
			cv := eval(m, s)
			if cv == nil {
				t.Fatal("the broken state passed")
			}
			if cv.Func != p.Func || cv.Clause != InvariantClause(p.Invariant) || cv.Phase != "post" {
				t.Fatalf("violation %s %s %s, want %s post %s", cv.Func, cv.Phase, cv.Clause, p.Func, InvariantClause(p.Invariant))
			}
		})
	}
}

// The clauses run from the functions' own exit hooks: a call whose result breaks an
// invariant is reported by that call, and a mutator nested in an epoch function leaves
// the clause to its caller.
func TestInvariantClausesRunInTheFunctions(t *testing.T) {
	tests := []struct {
		name   string
		call   func(m *Model, s *BeaconState) error
		fn     string
		clause string
	}{
		{
			name: "a reward past the supply bound",
			call: func(m *Model, s *BeaconState) error {
				s.Balances[0] = TotalSupplyBound - 5
				return m.IncreaseBalance(s, 1, 1<<40)
			},
			fn: "increase_balance", clause: "inv_total_supply_bound",
		},
		{
			name: "rewards past the supply bound",
			call: func(m *Model, s *BeaconState) error {
				s.Balances[0] = TotalSupplyBound
				return m.ProcessRewardsAndPenalties(s)
			},
			fn: "process_rewards_and_penalties", clause: "inv_total_supply_bound",
		},
		{
			name: "an effective balance off the increments",
			call: func(m *Model, s *BeaconState) error {
				s.Slot = Slot(4*m.SlotsPerEpoch - 1)
				s.Validators[2].EffectiveBalance = m.MaxEffectiveBalance + 1
				s.Balances[2] = m.MaxEffectiveBalance // within hysteresis: not recomputed
				return m.ProcessFinalUpdates(s)       // reported by the step that writes effective balances
			},
			fn: "process_effective_balance_updates", clause: "inv_effective_balance_cap",
		},
		{
			name: "a pending attestation from a non-validator",
			call: func(m *Model, s *BeaconState) error {
				s.CurrentEpochAttestations[0].ProposerIndex = 1000
				return m.ProcessJustificationAndFinalization(s) // reads, does not write attestations
			},
			fn: "", clause: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := checkedModel()
			s := testState(m.Config, 64)
			err := tt.call(m, s)
			var cv *ContractViolation
			if tt.fn == "" {
				if errors.As(err, &cv) {
					t.Fatalf("a function that does not write the field reported %v", cv)
				}
				return
			}
			if !errors.As(err, &cv) {
				t.Fatalf("no contract violation: %v", err)
			}
			if cv.Func != tt.fn || cv.Clause != tt.clause {
				t.Fatalf("violation of %s %s, want %s %s: %v", cv.Func, cv.Clause, tt.fn, tt.clause, err)
			}
			if m.invariantScope != 0 {
				t.Fatalf("invariant scope %d after the call", m.invariantScope)
			}
		})
	}
}
