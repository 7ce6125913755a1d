package spec

import (
	"errors"
	"slices"
	"testing"

	"github.com/prysmaticlabs/go-bitfield"
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
	case "eth1_data_votes_bounded_by_blocks", "current_epoch_attestations_bounded_by_blocks":
		// From a state of blockBoundsHold: through the list, one entry past its bound;
		// through the header, a slot in the previous epoch and voting period; through the
		// slot, the next voting period.
		eth1 := inv == "eth1_data_votes_bounded_by_blocks"
		switch {
		case eth1 && has("eth1_data_votes"):
			s.Eth1DataVotes = append(s.Eth1DataVotes, s.Eth1DataVotes[0])
		case !eth1 && has("current_epoch_attestations"):
			for range m.MaxAttestations {
				s.CurrentEpochAttestations = append(s.CurrentEpochAttestations, s.CurrentEpochAttestations[0])
			}
		case has("latest_block_header"):
			s.LatestBlockHeader.Slot = s.Slot - 2
		case has("slot"):
			s.Slot += Slot(m.EpochsPerEth1VotingPeriod * m.SlotsPerEpoch)
		default:
			panic("no way to break " + inv + " through " + writes[0])
		}
	default:
		panic("no breaker for " + inv)
	}
}

// blockBoundsHold moves a test state to the second slot of a voting period, the header to
// its first, with one Eth1 vote and one pending attestation: both block-counting bounds
// hold, each list at its bound for eth1_data_votes (1 * (0 + 1)).
func blockBoundsHold(m *Model, s *BeaconState) {
	s.Slot = Slot(2*m.EpochsPerEth1VotingPeriod*m.SlotsPerEpoch + 1)
	s.LatestBlockHeader.Slot = s.Slot - 1
	s.Eth1DataVotes = []Eth1Data{{DepositCount: 1}}
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
			eval := func(m *Model, before, s *BeaconState) *ContractViolation {
				c := &checker{k: &Checks{}, contract: &only, phase: "post"}
				c.invariants(m, before, s)
				return c.failed
			}
			m := NewModel(cfg)
			s := testState(cfg, 64)
			if preservedInvariants[p.Invariant] {
				blockBoundsHold(m, s)
			}
			before := s.Copy()
			if cv := eval(m, before, s); cv != nil {
				t.Fatalf("holds on the test state, but: %v", cv)
			}
			breakInvariant(m, s, p.Invariant, p.Writes)
			cv := eval(m, before, s)
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

// The block-counting clauses check preservation: a state that satisfies the bound before
// the call and not after it is reported, naming the function and the clause; a state that
// did not satisfy it before (as a test vector's pre-state with votes cast in another
// period may not) promises nothing; an exit hook that does not pass the state before the
// call is reported rather than passed.
func TestBlockBoundClausesCheckPreservation(t *testing.T) {
	cfg := MustPreset("minimal")
	q := Slot(cfg.EpochsPerEth1VotingPeriod * cfg.SlotsPerEpoch)
	tests := []struct {
		name       string
		fn, inv    string
		before     func(m *Model, s *BeaconState) // from a state of blockBoundsHold
		after      func(m *Model, s *BeaconState) // from the state before
		noBefore   bool
		wantDetail string // "" for no violation
	}{
		{name: "a second vote in the period's first slot", fn: "process_block", inv: "eth1_data_votes_bounded_by_blocks",
			after:      func(m *Model, s *BeaconState) { s.Eth1DataVotes = append(s.Eth1DataVotes, Eth1Data{}) },
			wantDetail: "it held before the call, but eth1_data_votes holds 2 entries, more than 1 * (latest_block_header.slot 64 % 32 + 1) = 1"},
		{name: "votes kept into the next period", fn: "process_slots", inv: "eth1_data_votes_bounded_by_blocks",
			after:      func(m *Model, s *BeaconState) { s.Slot += q },
			wantDetail: "it held before the call, but eth1_data_votes holds 1 entries, but latest_block_header.slot 64 is not in the period of 32 slots of state.slot 97"},
		{name: "attestations kept into the next epoch", fn: "process_epoch", inv: "current_epoch_attestations_bounded_by_blocks",
			after:      func(m *Model, s *BeaconState) { s.Slot += Slot(cfg.SlotsPerEpoch) },
			wantDetail: "it held before the call, but current_epoch_attestations holds 1 entries, but latest_block_header.slot 64 is not in the period of 8 slots of state.slot 73"},
		{name: "a pre-state with votes of an earlier period", fn: "process_block", inv: "eth1_data_votes_bounded_by_blocks",
			before: func(m *Model, s *BeaconState) { s.LatestBlockHeader.Slot = s.Slot - q },
			after:  func(m *Model, s *BeaconState) { s.Eth1DataVotes = append(s.Eth1DataVotes, Eth1Data{}) }},
		{name: "the bound kept", fn: "process_block", inv: "current_epoch_attestations_bounded_by_blocks",
			after: func(m *Model, s *BeaconState) {
				s.LatestBlockHeader.Slot = s.Slot
				for range m.MaxAttestations {
					s.CurrentEpochAttestations = append(s.CurrentEpochAttestations, s.CurrentEpochAttestations[0])
				}
			}},
		{name: "no state before", fn: "process_slots", inv: "current_epoch_attestations_bounded_by_blocks", noBefore: true,
			after:      func(m *Model, s *BeaconState) {},
			wantDetail: "not evaluated: the exit hook of process_slots does not pass the state before the call"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			only := *contracts[tt.fn]
			only.invariants = []string{tt.inv}
			m := NewModel(cfg)
			s := testState(cfg, 64)
			blockBoundsHold(m, s)
			if tt.before != nil {
				tt.before(m, s)
			}
			before := s.Copy()
			tt.after(m, s)
			if tt.noBefore {
				before = nil
			}
			c := &checker{k: &Checks{}, contract: &only, phase: "post"}
			c.invariants(m, before, s)
			cv := c.failed
			if tt.wantDetail == "" {
				if cv != nil {
					t.Fatalf("reported %v", cv)
				}
				return
			}
			if cv == nil {
				t.Fatal("not reported")
			}
			if cv.Func != tt.fn || cv.Clause != InvariantClause(tt.inv) || cv.Detail != tt.wantDetail {
				t.Fatalf("violation %s %s %q, want %s %s %q", cv.Func, cv.Clause, cv.Detail, tt.fn, InvariantClause(tt.inv), tt.wantDetail)
			}
		})
	}
}

// The functions that carry the block-counting clauses pass them the state before the call:
// run in checked mode on states inside the bounds (a block at the next slot, slots across
// the end of a voting period) and on a state outside them, they report nothing, and the
// lists are what the bounds say.
func TestBlockBoundClausesRunInTheFunctions(t *testing.T) {
	cfg := MustPreset("minimal")
	q := Slot(cfg.EpochsPerEth1VotingPeriod * cfg.SlotsPerEpoch)
	// blockAt is an empty block for the state at slot, processed from st.
	blockAt := func(t *testing.T, m *Model, st *BeaconState, slot Slot) *SignedBeaconBlock {
		s := st.Copy()
		if s.Slot < slot {
			if err := m.ProcessSlots(s, slot); err != nil {
				t.Fatal(err)
			}
		}
		proposer, err := m.GetBeaconProposerIndex(s)
		if err != nil {
			t.Fatal(err)
		}
		parent, err := m.HashTreeRoot(&s.LatestBlockHeader)
		if err != nil {
			t.Fatal(err)
		}
		return &SignedBeaconBlock{Message: BeaconBlock{Slot: slot, ProposerIndex: proposer, ParentRoot: parent, Body: BeaconBlockBody{Eth1Data: s.Eth1Data}}}
	}
	tests := []struct {
		name  string
		setup func(m *Model, s *BeaconState)
		call  func(t *testing.T, m *Model, s *BeaconState) error
		votes int // len(eth1_data_votes) after
		atts  int // len(current_epoch_attestations) after
	}{
		{name: "a block at the next slot",
			call: func(t *testing.T, m *Model, s *BeaconState) error {
				return m.StateTransition(s, blockAt(t, m, s, s.Slot+1), false)
			},
			votes: 2, atts: 1},
		{name: "process_block at the state's slot",
			setup: func(m *Model, s *BeaconState) { s.LatestBlockHeader.Slot = s.Slot - 1 },
			call: func(t *testing.T, m *Model, s *BeaconState) error {
				return m.ProcessBlock(s, &blockAt(t, m, s, s.Slot).Message)
			},
			votes: 2, atts: 1},
		{name: "slots across the end of the voting period",
			call: func(t *testing.T, m *Model, s *BeaconState) error {
				return m.ProcessSlots(s, s.Slot+q)
			},
			votes: 0, atts: 0},
		{name: "slots from a header of an earlier epoch",
			setup: func(m *Model, s *BeaconState) { s.LatestBlockHeader.Slot = s.Slot - Slot(m.SlotsPerEpoch) },
			call: func(t *testing.T, m *Model, s *BeaconState) error {
				return m.ProcessSlots(s, s.Slot+1)
			},
			votes: 1, atts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := checkedModel()
			m.VerifySignatures = false
			s := testState(m.Config, 64)
			blockBoundsHold(m, s)
			s.Eth1DepositIndex = s.Eth1Data.DepositCount // no deposits outstanding: an empty body is valid
			// The pending attestation: of the header's slot, its bits the committee's length.
			committee, err := m.GetBeaconCommittee(s, s.Slot-1, 0)
			if err != nil {
				t.Fatal(err)
			}
			a := &s.CurrentEpochAttestations[0]
			a.Data.Slot, a.Data.Index, a.Data.Target.Epoch = s.Slot-1, 0, m.GetCurrentEpoch(s)
			a.AggregationBits = bitfield.NewBitlist(uint64(len(committee)))
			if tt.setup != nil {
				tt.setup(m, s)
			}
			before := m.Checked.Evaluations()
			if err := tt.call(t, m, s); err != nil {
				t.Fatal(err)
			}
			if m.Checked.Evaluations() == before {
				t.Fatal("no clause evaluated")
			}
			if len(s.Eth1DataVotes) != tt.votes || len(s.CurrentEpochAttestations) != tt.atts {
				t.Fatalf("%d votes and %d pending attestations after, want %d and %d", len(s.Eth1DataVotes), len(s.CurrentEpochAttestations), tt.votes, tt.atts)
			}
		})
	}
}
