package spec

import (
	"bytes"
	"fmt"
	"slices"
)

// frame is a frame condition: what a state-changing function may change. Everything else
// must be equal in the state before and after the call.
type frame struct {
	fields []string // top-level fields of BeaconState that may change, by spec name
	// validatorFields may change for the validators in validators (or for every validator
	// when allValidators is set); balances listed in balances may change.
	validators      []ValidatorIndex
	allValidators   bool
	validatorFields []string
	balances        []ValidatorIndex
	// appends: validators and balances may grow (deposits); existing entries stay as above.
	appends bool
}

// changedOutside returns the path of the first change the frame does not allow, or "".
func (f frame) changedOutside(pre, post *BeaconState) string {
	may := func(name string) bool { return slices.Contains(f.fields, name) }
	for _, fl := range stateFields {
		if !may(fl.name) && !fl.equal(pre, post) {
			return fl.name
		}
	}
	if !may("validators") {
		if p := f.validatorsChanged(pre.Validators, post.Validators); p != "" {
			return p
		}
	}
	if !may("balances") {
		if p := f.balancesChanged(pre.Balances, post.Balances); p != "" {
			return p
		}
	}
	return ""
}

// stateFields are the top-level fields of BeaconState but validators and balances (which
// frames and the tracer compare entry by entry), in order, with their equality.
var stateFields = []struct {
	name  string
	equal func(pre, post *BeaconState) bool
}{
	{"genesis_time", func(pre, post *BeaconState) bool { return pre.GenesisTime == post.GenesisTime }},
	{"genesis_validators_root", func(pre, post *BeaconState) bool { return pre.GenesisValidatorsRoot == post.GenesisValidatorsRoot }},
	{"slot", func(pre, post *BeaconState) bool { return pre.Slot == post.Slot }},
	{"fork", func(pre, post *BeaconState) bool { return pre.Fork == post.Fork }},
	{"latest_block_header", func(pre, post *BeaconState) bool { return pre.LatestBlockHeader == post.LatestBlockHeader }},
	{"block_roots", func(pre, post *BeaconState) bool { return slices.Equal(pre.BlockRoots, post.BlockRoots) }},
	{"state_roots", func(pre, post *BeaconState) bool { return slices.Equal(pre.StateRoots, post.StateRoots) }},
	{"historical_roots", func(pre, post *BeaconState) bool { return slices.Equal(pre.HistoricalRoots, post.HistoricalRoots) }},
	{"eth1_data", func(pre, post *BeaconState) bool { return pre.Eth1Data == post.Eth1Data }},
	{"eth1_data_votes", func(pre, post *BeaconState) bool { return slices.Equal(pre.Eth1DataVotes, post.Eth1DataVotes) }},
	{"eth1_deposit_index", func(pre, post *BeaconState) bool { return pre.Eth1DepositIndex == post.Eth1DepositIndex }},
	{"randao_mixes", func(pre, post *BeaconState) bool { return slices.Equal(pre.RandaoMixes, post.RandaoMixes) }},
	{"slashings", func(pre, post *BeaconState) bool { return slices.Equal(pre.Slashings, post.Slashings) }},
	{"previous_epoch_attestations", func(pre, post *BeaconState) bool {
		return samePending(pre.PreviousEpochAttestations, post.PreviousEpochAttestations)
	}},
	{"current_epoch_attestations", func(pre, post *BeaconState) bool {
		return samePending(pre.CurrentEpochAttestations, post.CurrentEpochAttestations)
	}},
	{"justification_bits", func(pre, post *BeaconState) bool { return bytes.Equal(pre.JustificationBits, post.JustificationBits) }},
	{"previous_justified_checkpoint", func(pre, post *BeaconState) bool {
		return pre.PreviousJustifiedCheckpoint == post.PreviousJustifiedCheckpoint
	}},
	{"current_justified_checkpoint", func(pre, post *BeaconState) bool {
		return pre.CurrentJustifiedCheckpoint == post.CurrentJustifiedCheckpoint
	}},
	{"finalized_checkpoint", func(pre, post *BeaconState) bool { return pre.FinalizedCheckpoint == post.FinalizedCheckpoint }},
}

func (f frame) lengthChanged(name string, before, after int) string {
	if after == before || (f.appends && after > before) {
		return ""
	}
	return fmt.Sprintf("%s (length %d -> %d)", name, before, after)
}

func (f frame) validatorsChanged(pre, post []Validator) string {
	if p := f.lengthChanged("validators", len(pre), len(post)); p != "" {
		return p
	}
	for i := range pre {
		a, b := &pre[i], &post[i]
		if *a == *b {
			continue
		}
		allowed := f.allValidators || slices.Contains(f.validators, ValidatorIndex(i))
		for _, fd := range validatorFieldDiffs(a, b) {
			if !allowed || !slices.Contains(f.validatorFields, fd) {
				return fmt.Sprintf("validators[%d].%s", i, fd)
			}
		}
	}
	return ""
}

func (f frame) balancesChanged(pre, post []Gwei) string {
	if p := f.lengthChanged("balances", len(pre), len(post)); p != "" {
		return p
	}
	for i := range pre {
		if pre[i] != post[i] && !slices.Contains(f.balances, ValidatorIndex(i)) {
			return fmt.Sprintf("balances[%d]", i)
		}
	}
	return ""
}

// validatorFieldDiffs names the fields in which two validators differ.
func validatorFieldDiffs(a, b *Validator) []string {
	var out []string
	add := func(name string, same bool) {
		if !same {
			out = append(out, name)
		}
	}
	add("pubkey", a.Pubkey == b.Pubkey)
	add("withdrawal_credentials", a.WithdrawalCredentials == b.WithdrawalCredentials)
	add("effective_balance", a.EffectiveBalance == b.EffectiveBalance)
	add("slashed", a.Slashed == b.Slashed)
	add("activation_eligibility_epoch", a.ActivationEligibilityEpoch == b.ActivationEligibilityEpoch)
	add("activation_epoch", a.ActivationEpoch == b.ActivationEpoch)
	add("exit_epoch", a.ExitEpoch == b.ExitEpoch)
	add("withdrawable_epoch", a.WithdrawableEpoch == b.WithdrawableEpoch)
	return out
}

func samePending(a, b []PendingAttestation) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Data != b[i].Data || a[i].InclusionDelay != b[i].InclusionDelay || a[i].ProposerIndex != b[i].ProposerIndex ||
			!bytes.Equal(a[i].AggregationBits, b[i].AggregationBits) {
			return false
		}
	}
	return true
}

// wellFormed checks the shape every Phase 0 state has: the vectors at their config
// lengths, one balance per validator, the justification bits one byte. It is the common
// precondition of the functions that take a state; "" means well formed.
func (m *Model) wellFormed(s *BeaconState) string {
	switch {
	case uint64(len(s.BlockRoots)) != m.SlotsPerHistoricalRoot:
		return fmt.Sprintf("block_roots has %d entries, SLOTS_PER_HISTORICAL_ROOT is %d", len(s.BlockRoots), m.SlotsPerHistoricalRoot)
	case uint64(len(s.StateRoots)) != m.SlotsPerHistoricalRoot:
		return fmt.Sprintf("state_roots has %d entries, SLOTS_PER_HISTORICAL_ROOT is %d", len(s.StateRoots), m.SlotsPerHistoricalRoot)
	case uint64(len(s.RandaoMixes)) != m.EpochsPerHistoricalVector:
		return fmt.Sprintf("randao_mixes has %d entries, EPOCHS_PER_HISTORICAL_VECTOR is %d", len(s.RandaoMixes), m.EpochsPerHistoricalVector)
	case uint64(len(s.Slashings)) != m.EpochsPerSlashingsVector:
		return fmt.Sprintf("slashings has %d entries, EPOCHS_PER_SLASHINGS_VECTOR is %d", len(s.Slashings), m.EpochsPerSlashingsVector)
	case len(s.Balances) != len(s.Validators):
		return fmt.Sprintf("%d balances for %d validators", len(s.Balances), len(s.Validators))
	case len(s.JustificationBits) != 1:
		return fmt.Sprintf("justification_bits has %d bytes", len(s.JustificationBits))
	}
	return ""
}

// wellFormedClause evaluates the usual "state_well_formed" clause.
func (c *checker) wellFormed(m *Model, s *BeaconState) {
	w := m.wellFormed(s)
	c.that("state_well_formed", w == "", "%s", w)
}

// frame evaluates the usual "frame" clause: nothing outside f changed from before to after.
func (c *checker) frame(f frame, before, after *BeaconState) {
	p := f.changedOutside(before, after)
	c.that("frame", p == "", "%s changed, which the function may not change", p)
}
