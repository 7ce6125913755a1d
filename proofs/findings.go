package proofs

import (
	"bytes"
	"fmt"
	"math/big"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// This file explains every safety lemma that may come out refuted (counted "refuted
// (unexpected)"): a site that can fail within the invariants. Each refutation stays
// refuted; what is said here is why it is not an artefact of a missing invariant, and what it
// takes to reach it. TestEveryFindingExplained fails on a refuted safety lemma without an
// entry, so none is reported without its reading, and docs/proofs.md lists them all.

// FindingKind sorts the refuted safety lemmas.
type FindingKind string

const (
	// BeyondSupply: the site fails only with total balances above the stated total-supply
	// bound; its _safe_under_supply_bound lemma is proved.
	BeyondSupply FindingKind = "beyond the supply bound"
	// WithinSupply: the site fails with balances within the supply bound: a finding about
	// the spec.
	WithinSupply FindingKind = "finding within the supply bound"
	// BeyondTime: the site fails only after more slots or epochs than the chain can run
	// (counted at SECONDS_PER_SLOT); no invariant of the transition bounds state.slot below
	// 2**64 - 1, so the refutation stands.
	BeyondTime FindingKind = "needs a chain running for centuries or more"
	// BeyondEnvironment: the site fails only if the environment breaks an assumption the
	// transition cannot check (spec.EnvironmentInvariant).
	BeyondEnvironment FindingKind = "needs a dishonest environment"
	// SpecListLimit: a block can make the spec exceed a list's limit, which makes the
	// block invalid: a finding about the spec.
	SpecListLimit FindingKind = "finding: a list limit blocks can exceed"
)

// findingNote explains one refuted safety lemma.
type findingNote struct {
	kind FindingKind
	// why, with $YEARS replaced by the time the refutation's epochs or slots take.
	why string
	// epochs turns the refutation's least value into the epochs it needs (nil: none).
	epochs func(cfg *spec.Config, least *big.Int) *big.Int
}

var findingNotes = map[string]findingNote{
	"get_total_balance_sum_safe":                   {kind: BeyondSupply, why: "a sum of effective balances above 2**64 - 1 Gwei; get_total_balance_sum_safe_under_supply_bound is proved"},
	"justification_attesting_balance_times_3_safe": {kind: BeyondSupply, why: "an attesting balance above (2**64 - 1) / 3 Gwei; its _safe_under_supply_bound lemma is proved"},
	"justification_total_balance_times_2_safe":     {kind: BeyondSupply, why: "a total active balance above (2**64 - 1) / 2 Gwei; its _safe_under_supply_bound lemma is proved"},
	"process_slashings_sum_safe":                   {kind: BeyondSupply, why: "sum(state.slashings) above 2**64 - 1 Gwei; its _safe_under_supply_bound lemma is proved"},
	"process_slashings_multiplier_safe":            {kind: BeyondSupply, why: "sum(state.slashings) * PROPORTIONAL_SLASHING_MULTIPLIER above 2**64 - 1; its _safe_under_supply_bound lemma is proved"},
	"process_slashings_penalty_numerator_safe": {kind: WithinSupply, why: "effective_balance // EFFECTIVE_BALANCE_INCREMENT * adjusted_total_slashing_balance overflows once the adjusted slashing balance exceeds (2**64 - 1) / (MAX_EFFECTIVE_BALANCE // EFFECTIVE_BALANCE_INCREMENT), " +
		"below the supply bound (process_slashings_penalty_numerator_safe_under_supply_bound is refuted too): a state whose validators slashed in the window hold that much balance makes process_slashings raise, so every block after it is invalid"},
	"process_slashings_penalty_numerator_safe_under_supply_bound": {kind: WithinSupply, why: "as process_slashings_penalty_numerator_safe, with every sum within the 2**60 Gwei supply bound: the least adjusted slashing balance that overflows is 2**64 / 32, 2**59 Gwei, about 576 million Ether"},
	"get_block_root_at_slot_sum_safe": {kind: BeyondTime, why: "slot + SLOTS_PER_HISTORICAL_ROOT overflows only for a slot within SLOTS_PER_HISTORICAL_ROOT of 2**64 - 1, $YEARS after genesis",
		epochs: func(cfg *spec.Config, least *big.Int) *big.Int {
			return new(big.Int).Div(least, new(big.Int).SetUint64(cfg.SlotsPerEpoch))
		}},
	"process_attestation_latest_sum_safe": {kind: BeyondTime, why: "data.slot + SLOTS_PER_EPOCH overflows only for an attestation slot within SLOTS_PER_EPOCH of 2**64 - 1, $YEARS after genesis",
		epochs: func(cfg *spec.Config, least *big.Int) *big.Int {
			return new(big.Int).Div(least, new(big.Int).SetUint64(cfg.SlotsPerEpoch))
		}},
	"get_inactivity_penalty_deltas_leak_product_safe": {kind: BeyondTime, why: "effective_balance * finality_delay overflows only after the chain has not finalized for (2**64 - 1) / MAX_EFFECTIVE_BALANCE epochs, $YEARS",
		epochs: func(cfg *spec.Config, least *big.Int) *big.Int { return least }},
	"process_final_updates_historical_roots_append_safe": {kind: BeyondTime, why: "state.historical_roots reaches HISTORICAL_ROOTS_LIMIT after HISTORICAL_ROOTS_LIMIT periods of SLOTS_PER_HISTORICAL_ROOT slots, $YEARS after genesis",
		epochs: func(cfg *spec.Config, least *big.Int) *big.Int { return least }},
	"process_operations_outstanding_deposits_safe": {kind: BeyondEnvironment, why: "eth1_data.deposit_count - eth1_deposit_index underflows once a majority of a voting period's blocks votes for an Eth1 data with fewer deposits than the state has processed: the transition does not prevent it (the lemma, re-derived from the invariants, is refuted), the honest-majority assumption on Eth1 votes (deposit_contract) does; every block after it is invalid"},
	"process_attestation_previous_append_safe": {kind: SpecListLimit, why: "state.previous_epoch_attestations, a List[PendingAttestation, MAX_ATTESTATIONS * SLOTS_PER_EPOCH], starts an epoch with the previous epoch's current-target attestations " +
		"(up to MAX_ATTESTATIONS from each block after the epoch's first) and the epoch's blocks may append up to MAX_ATTESTATIONS * SLOTS_PER_EPOCH previous-target ones more; nothing bounds the sum by the limit, so a block that appends past it is invalid (the spec's append raises). " +
		"Proposers must count; nimbus-eth2 pull request 6508 describes the same limit, which Altair removed by replacing the lists"},
}

// findingText is the explanation of a refuted safety lemma under cfg, with the time its
// least counterexample takes; "" when the lemma has none.
func findingText(cfg *spec.Config, r Result) string {
	n, ok := findingNotes[r.Lemma.Name]
	if !ok {
		return ""
	}
	why := n.why
	if n.epochs != nil {
		least := r.Least
		if least == nil {
			least = leastOfText(r.Counterexample)
		}
		years := "an unknown time"
		if least != nil {
			secs := new(big.Int).Mul(n.epochs(cfg, least), new(big.Int).SetUint64(cfg.SlotsPerEpoch*cfg.SecondsPerSlot))
			y := new(big.Int).Div(secs, big.NewInt(365*24*3600))
			years = fmt.Sprintf("about %s years at SECONDS_PER_SLOT = %d", commas(y), cfg.SecondsPerSlot)
		}
		why = strings.ReplaceAll(why, "$YEARS", years)
	}
	return fmt.Sprintf("%s: %s", n.kind, why)
}

// leastOfText reads the threshold from a safety lemma's counterexample text ("the threshold
// X = N lies within the invariants: ...").
func leastOfText(s string) *big.Int {
	const pre = "the threshold "
	if !strings.HasPrefix(s, pre) {
		return nil
	}
	s = s[len(pre):]
	eq := strings.Index(s, " = ")
	end := strings.Index(s, " lies within")
	if eq < 0 || end < eq {
		return nil
	}
	v, ok := new(big.Int).SetString(strings.ReplaceAll(s[eq+3:end], ",", ""), 10)
	if !ok {
		return nil
	}
	return v
}

// renderFindings writes the section of docs/proofs.md that lists the refuted safety lemmas
// of each config with their reading.
func renderFindings(b *bytes.Buffer, cfgs []*spec.Config, results [][]Result) {
	b.WriteString("\n## Refuted safety lemmas\n\n")
	b.WriteString("A safety lemma refuted is a site that can fail within the invariants (counted \"refuted (unexpected)\"). None\n")
	b.WriteString("is hidden or turned into an assumption: each stays refuted, with its counterexample above, and is read here.\n")
	b.WriteString("\"Beyond the supply bound\" ones are proved under the stated total-supply bound by their\n")
	b.WriteString("`_safe_under_supply_bound` lemma; those that need a chain running for centuries or more are reached only after\n")
	b.WriteString("the time given (no invariant bounds `state.slot` below 2**64 - 1, so the solver is right that the transition allows them);\n")
	b.WriteString("the findings are facts about the spec.\n")
	for j, cfg := range cfgs {
		fmt.Fprintf(b, "\n%s:\n\n", cfg.ConfigName)
		for _, r := range results[j] {
			if r.Status != Counterexample || !strings.Contains(r.Lemma.Name, "_safe") {
				continue
			}
			text := findingText(cfg, r)
			if text == "" {
				text = "NOT EXPLAINED"
			}
			fmt.Fprintf(b, "- [`%s`](#%s): %s.\n", r.Lemma.Name, r.Lemma.Name, text)
		}
	}
}
