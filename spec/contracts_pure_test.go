package spec

import (
	"encoding/hex"
	"errors"
	"testing"
)

// checkedModel returns a minimal-preset Model in checked mode.
func checkedModel() *Model {
	m := NewModel(MustPreset("minimal"))
	m.Checked = &Checks{}
	return m
}

// violation runs f and returns the contract violation it reports, as an error or, for
// spec functions without an error result, as a panic.
func violation(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				panic(r)
			}
			err = e
		}
	}()
	return f()
}

// Each contract below has teeth: a call that breaks a precondition (or a model state that
// breaks a postcondition) is reported as a *ContractViolation naming the function, the
// clause and the phase.
func TestPureContractsHaveTeeth(t *testing.T) {
	tests := []struct {
		name              string
		call              func(m *Model, s *BeaconState) error
		fn, clause, phase string
	}{
		{
			name: "shuffled index at the count",
			call: func(m *Model, s *BeaconState) error {
				_, err := m.ComputeShuffledIndex(5, 5, Root{})
				return err
			},
			fn: "compute_shuffled_index", clause: "index_below_count", phase: "pre",
		},
		{
			name: "proposer drawn from a non-validator",
			call: func(m *Model, s *BeaconState) error {
				_, err := m.ComputeProposerIndex(s, []ValidatorIndex{0, 1, ValidatorIndex(len(s.Validators))}, Root{1})
				return err
			},
			fn: "compute_proposer_index", clause: "indices_are_validators", phase: "pre",
		},
		{
			name: "total balance of a multiset",
			call: func(m *Model, s *BeaconState) error {
				_, err := m.GetTotalBalance(s, []ValidatorIndex{3, 1, 3})
				return err
			},
			fn: "get_total_balance", clause: "indices_distinct", phase: "pre",
		},
		{
			name: "total balance past the registry",
			call: func(m *Model, s *BeaconState) error {
				_, err := m.GetTotalBalance(s, []ValidatorIndex{1, ValidatorIndex(len(s.Validators))})
				return err
			},
			fn: "get_total_balance", clause: "indices_are_validators", phase: "pre",
		},
		{
			name: "base reward of a non-validator",
			call: func(m *Model, s *BeaconState) error {
				_, err := m.GetBaseReward(s, ValidatorIndex(len(s.Validators)+5))
				return err
			},
			fn: "get_base_reward", clause: "index_is_validator", phase: "pre",
		},
		{
			name: "bytes_to_uint64 of nine bytes",
			call: func(m *Model, s *BeaconState) error {
				m.BytesToUint64([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
				return nil
			},
			fn: "bytes_to_uint64", clause: "at_most_eight_bytes", phase: "pre",
		},
		{
			name: "merkle branch shorter than its depth",
			call: func(m *Model, s *BeaconState) error {
				m.IsValidMerkleBranch(Root{}, make([]Root, 3), 4, 0, Root{})
				return nil
			},
			fn: "is_valid_merkle_branch", clause: "branch_covers_depth", phase: "pre",
		},
		{
			name: "block root from a truncated history",
			call: func(m *Model, s *BeaconState) error {
				s.BlockRoots = s.BlockRoots[:4]
				_, err := m.GetBlockRootAtSlot(s, s.Slot-1)
				return err
			},
			fn: "get_block_root_at_slot", clause: "block_roots_at_length", phase: "pre",
		},
		{
			name: "seed from a truncated randao history",
			call: func(m *Model, s *BeaconState) error {
				s.RandaoMixes = s.RandaoMixes[:1]
				_, err := m.GetSeed(s, 3, m.DomainBeaconAttester)
				return err
			},
			fn: "get_seed", clause: "randao_mixes_at_length", phase: "pre",
		},
		{
			name: "rewards on a state with a missing balance",
			call: func(m *Model, s *BeaconState) error {
				s.Balances = s.Balances[:len(s.Balances)-1]
				return m.ProcessRewardsAndPenalties(s)
			},
			fn: "process_rewards_and_penalties", clause: "state_well_formed", phase: "pre",
		},
		{
			// A stale proposer cache entry (what a missed invalidation would leave) is caught
			// by the postcondition that recomputes past the cache.
			name: "stale cached proposer",
			call: func(m *Model, s *BeaconState) error {
				right, err := m.GetBeaconProposerIndex(s)
				if err != nil {
					return err
				}
				c := m.cacheFor(s)
				e := c.proposers[s.Slot]
				e.index = (right + 1) % ValidatorIndex(len(s.Validators))
				c.proposers[s.Slot] = e
				_, err = m.GetBeaconProposerIndex(s)
				return err
			},
			fn: "get_beacon_proposer_index", clause: "uncached_agrees", phase: "post",
		},
		{
			name: "stale cached total active balance",
			call: func(m *Model, s *BeaconState) error {
				if _, err := m.GetTotalActiveBalance(s); err != nil {
					return err
				}
				m.epochEntry(s, m.GetCurrentEpoch(s)).totalActive = 0
				_, err := m.GetTotalActiveBalance(s)
				return err
			},
			fn: "get_total_active_balance", clause: "at_least_increment", phase: "post",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := checkedModel()
			s := testState(m.Config, 64)
			err := violation(func() error { return tt.call(m, s) })
			var cv *ContractViolation
			if !errors.As(err, &cv) {
				t.Fatalf("no contract violation: %v", err)
			}
			if cv.Func != tt.fn || cv.Clause != tt.clause || cv.Phase != tt.phase {
				t.Fatalf("violation of %s %s %s, want %s %s %s: %v", cv.Func, cv.Phase, cv.Clause, tt.fn, tt.phase, tt.clause, err)
			}
			if m.Checked.Evaluations() == 0 {
				t.Fatal("no clause counted")
			}
			// Unchecked, the same call runs the body alone: whatever it returns (an
			// IndexError, a wrong cached value), it neither panics nor checks anything.
			m = NewModel(m.Config)
			if err := tt.call(m, testState(m.Config, 64)); errors.As(err, &cv) {
				t.Fatalf("unchecked model reported a contract violation: %v", err)
			}
		})
	}
}

// The spec's own asserts stay behaviour in checked mode: an AssertError, which makes the
// transition invalid, never a contract violation.
func TestSpecAssertsAreNotViolations(t *testing.T) {
	m := checkedModel()
	s := testState(m.Config, 64)
	calls := map[string]func() error{
		"get_block_root_at_slot of the current slot": func() error {
			_, err := m.GetBlockRootAtSlot(s, s.Slot)
			return err
		},
		"get_block_root of a future epoch": func() error {
			_, err := m.GetBlockRoot(s, m.GetCurrentEpoch(s)+1)
			return err
		},
		"get_matching_source_attestations of an old epoch": func() error {
			_, err := m.GetMatchingSourceAttestations(s, 0)
			return err
		},
		"compute_proposer_index of no validator": func() error {
			_, err := m.ComputeProposerIndex(s, nil, Root{})
			return err
		},
	}
	for name, call := range calls {
		err := violation(call)
		var ae *AssertError
		var cv *ContractViolation
		if !errors.As(err, &ae) || errors.As(err, &cv) {
			t.Errorf("%s: %v, want an AssertError", name, err)
		}
	}
}

// Checked mode changes nothing but the checking: process_epoch on a state with full
// participation gives the same post-state, with every contract holding.
func TestCheckedEpochEqualsUnchecked(t *testing.T) {
	cfg := MustPreset("minimal")
	pre := epochBenchState(t, cfg, 256)
	plain, checked := pre.Copy(), pre.Copy()
	if err := NewModel(cfg).ProcessEpoch(plain); err != nil {
		t.Fatal(err)
	}
	m := NewModel(cfg)
	m.Checked = &Checks{}
	if err := m.ProcessEpoch(checked); err != nil {
		t.Fatal(err)
	}
	a, _ := HashTreeRoot(cfg, plain)
	b, _ := HashTreeRoot(cfg, checked)
	if a != b {
		t.Fatal("checked and unchecked post-states differ")
	}
	if m.Checked.Evaluations() < 1000 {
		t.Fatalf("only %d clauses evaluated", m.Checked.Evaluations())
	}
	if plain.Balances[0] == pre.Balances[0] {
		t.Fatal("the epoch paid no reward: the benchmark state does not exercise the rewards")
	}
}

// hash is SHA-256: the known answers of FIPS 180-2 (what hash's contract leaves to tests).
func TestHashKnownAnswers(t *testing.T) {
	m := checkedModel()
	for in, want := range map[string]string{
		"":    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"abc": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq": "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	} {
		got := m.Hash([]byte(in))
		if hex.EncodeToString(got[:]) != want {
			t.Errorf("hash(%q) = %x, want %s", in, got, want)
		}
	}
}

// Every pure spec function of accessors, predicates, misc, math, epoch processing helpers
// and rewards has a contract with at least one clause.
func TestPureFunctionContractsDeclared(t *testing.T) {
	for _, fn := range []string{
		"get_current_epoch", "get_previous_epoch", "get_block_root", "get_block_root_at_slot", "get_randao_mix",
		"get_active_validator_indices", "get_validator_churn_limit", "get_seed", "get_committee_count_per_slot",
		"get_beacon_proposer_index", "get_total_balance", "get_total_active_balance", "get_domain", "get_indexed_attestation",
		"is_active_validator", "is_eligible_for_activation_queue", "is_eligible_for_activation", "is_slashable_validator",
		"is_slashable_attestation_data", "is_valid_indexed_attestation", "is_valid_merkle_branch",
		"compute_shuffled_index", "compute_proposer_index", "compute_epoch_at_slot", "compute_start_slot_at_epoch",
		"compute_activation_exit_epoch", "compute_fork_data_root", "compute_fork_digest", "compute_domain", "compute_signing_root",
		"integer_squareroot", "xor", "uint_to_bytes", "bytes_to_uint64", "hash", "hash_tree_root",
		"get_matching_source_attestations", "get_matching_target_attestations", "get_matching_head_attestations",
		"get_unslashed_attesting_indices", "get_attesting_balance",
		"get_base_reward", "get_proposer_reward", "get_finality_delay", "is_in_inactivity_leak", "get_eligible_validator_indices",
		"get_attestation_component_deltas", "get_source_deltas", "get_target_deltas", "get_head_deltas",
		"get_inclusion_delay_deltas", "get_inactivity_penalty_deltas", "get_attestation_deltas", "process_rewards_and_penalties",
	} {
		c, ok := ContractOf(fn)
		if !ok || len(c.Pre)+len(c.Post) == 0 {
			t.Errorf("%s: no contract", fn)
		}
	}
}
