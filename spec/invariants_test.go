package spec

import (
	"slices"
	"strings"
	"testing"
)

// The vocabulary of Contract.Writes and Invariant.Reads: every name is a top-level field
// of BeaconState, a field of Validator, or the registry's growth, so a misspelt field
// cannot silently drop a proof obligation.
func TestInvariantFieldVocabulary(t *testing.T) {
	known := map[string]bool{fieldValidatorsAppend: true, "validators": true, "balances": true}
	for _, f := range stateFields {
		known[f.name] = true
	}
	for _, f := range []string{"pubkey", "withdrawal_credentials", "effective_balance", "slashed",
		"activation_eligibility_epoch", "activation_epoch", "exit_epoch", "withdrawable_epoch"} {
		known["validators."+f] = true
	}
	for _, c := range Contracts() {
		for _, w := range c.Writes {
			if !known[w] {
				t.Errorf("contract of %s writes unknown field %q", c.Func, w)
			}
		}
	}
	for _, inv := range Invariants() {
		for _, r := range inv.Reads {
			if !known[r] {
				t.Errorf("invariant %s reads unknown field %q", inv.Name, r)
			}
		}
	}
}

func TestInvariantObligations(t *testing.T) {
	obs := InvariantObligations()
	has := func(fn, inv string) bool {
		return slices.ContainsFunc(obs, func(o InvariantObligation) bool { return o.Func == fn && o.Invariant == inv })
	}
	tests := []struct {
		fn, inv string
		want    bool
	}{
		{"process_final_updates", "effective_balance_cap", true},
		{"process_deposit", "effective_balance_cap", true},
		{"process_registry_updates", "active_validator_cap", true},
		{"process_slots", "one_block_per_slot", true},
		{"process_rewards_and_penalties", "vector_lengths", true},
		{"process_rewards_and_penalties", "effective_balance_cap", false}, // writes balances only
		{"process_randao", "slot_bound", false},
		{"process_deposit", "deposit_contract", false},        // an environment assumption, not an obligation
		{"process_deposit", "total_supply_bound", false},      // a stated bound, not an obligation
		{"get_total_balance", "effective_balance_cap", false}, // writes nothing
	}
	for _, tt := range tests {
		if got := has(tt.fn, tt.inv); got != tt.want {
			t.Errorf("obligation %s preserves %s: %v, want %v", tt.fn, tt.inv, got, tt.want)
		}
	}
	for _, o := range obs {
		if len(o.Writes) == 0 || strings.TrimSpace(o.Func) == "" {
			t.Errorf("empty obligation %+v", o)
		}
	}
}
