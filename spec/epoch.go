package spec

// GetMatchingSourceAttestations is the spec's get_matching_source_attestations ("Epoch
// processing, helper functions"). Its assert that epoch is the previous or current epoch
// is behaviour, an AssertError.
func (m *Model) GetMatchingSourceAttestations(state *BeaconState, epoch Epoch) (out []PendingAttestation, err error) {
	if m.hooked() {
		m.enter(getMatchingSourceAttestationsContract, "epoch", epoch)
		defer m.ensures(getMatchingSourceAttestationsContract, &err, func(c *checker) {
			current, previous := m.GetCurrentEpoch(state), m.GetPreviousEpoch(state)
			c.that("epoch_previous_or_current", epoch == previous || epoch == current, "epoch %d, previous %d, current %d", epoch, previous, current)
			want := state.PreviousEpochAttestations
			if epoch == current {
				want = state.CurrentEpochAttestations
			}
			c.that("list_of_epoch", samePending(out, want), "not the pending attestations of epoch %d", epoch)
		})
	}
	current, previous := m.GetCurrentEpoch(state), m.GetPreviousEpoch(state)
	if epoch != previous && epoch != current {
		return nil, assertf("get_matching_source_attestations", CheckMatchingEpoch, "epoch %d, previous %d, current %d", epoch, previous, current)
	}
	if epoch == current {
		return state.CurrentEpochAttestations, nil
	}
	return state.PreviousEpochAttestations, nil
}

var getMatchingSourceAttestationsContract = declare(Contract{
	Func: "get_matching_source_attestations", Section: "Epoch processing",
	// That epoch is the previous or current epoch is the spec's assert, behaviour.
	Post: []Clause{
		{"epoch_previous_or_current", "the epoch is the previous or the current epoch"},
		{"list_of_epoch", "the attestations are state.current_epoch_attestations for the current epoch, else state.previous_epoch_attestations (at genesis, where the two epochs coincide, the current list)"},
	},
})

// GetMatchingTargetAttestations is the spec's get_matching_target_attestations.
func (m *Model) GetMatchingTargetAttestations(state *BeaconState, epoch Epoch) (out []PendingAttestation, err error) {
	if m.hooked() {
		m.enter(getMatchingTargetAttestationsContract, "epoch", epoch)
		defer m.ensures(getMatchingTargetAttestationsContract, &err, func(c *checker) {
			source, _ := m.GetMatchingSourceAttestations(state, epoch) // succeeded in the body
			c.that("subsequence_of_source", subsequence(out, source), "not a subsequence of the matching source attestations")
			root, rerr := m.GetBlockRoot(state, epoch) // fails only where source is empty
			ok := true
			for i := range out {
				ok = ok && rerr == nil && out[i].Data.Target.Root == root
			}
			c.that("target_root_matches", ok, "an attestation's target root is not the block root %x of epoch %d (%v)", root, epoch, rerr)
			kept := 0
			for i := range source {
				if rerr == nil && source[i].Data.Target.Root == root {
					kept++
				}
			}
			c.that("all_matching_kept", kept == len(out), "%d of the source attestations match the target, %d returned", kept, len(out))
		})
	}
	source, err := m.GetMatchingSourceAttestations(state, epoch)
	if err != nil {
		return nil, err
	}
	for _, a := range source {
		root, err := m.GetBlockRoot(state, epoch)
		if err != nil {
			return nil, err
		}
		if a.Data.Target.Root == root {
			out = append(out, a)
		}
	}
	return out, nil
}

var getMatchingTargetAttestationsContract = declare(Contract{
	Func: "get_matching_target_attestations", Section: "Epoch processing",
	Post: []Clause{
		{"subsequence_of_source", "the attestations are a subsequence (same order) of the matching source attestations"},
		{"target_root_matches", "each one's target root is get_block_root(state, epoch)"},
		{"all_matching_kept", "every source attestation whose target root matches is kept"},
	},
})

// GetMatchingHeadAttestations is the spec's get_matching_head_attestations.
func (m *Model) GetMatchingHeadAttestations(state *BeaconState, epoch Epoch) (out []PendingAttestation, err error) {
	if m.hooked() {
		m.enter(getMatchingHeadAttestationsContract, "epoch", epoch)
		defer m.ensures(getMatchingHeadAttestationsContract, &err, func(c *checker) {
			target, _ := m.GetMatchingTargetAttestations(state, epoch) // succeeded in the body
			c.that("subsequence_of_target", subsequence(out, target), "not a subsequence of the matching target attestations")
			ok := true
			for i := range out {
				root, rerr := m.GetBlockRootAtSlot(state, out[i].Data.Slot)
				ok = ok && rerr == nil && out[i].Data.BeaconBlockRoot == root
			}
			c.that("head_root_matches", ok, "an attestation's head is not the block root at its slot")
		})
	}
	target, err := m.GetMatchingTargetAttestations(state, epoch)
	if err != nil {
		return nil, err
	}
	for _, a := range target {
		root, err := m.GetBlockRootAtSlot(state, a.Data.Slot)
		if err != nil {
			return nil, err
		}
		if a.Data.BeaconBlockRoot == root {
			out = append(out, a)
		}
	}
	return out, nil
}

var getMatchingHeadAttestationsContract = declare(Contract{
	Func: "get_matching_head_attestations", Section: "Epoch processing",
	Post: []Clause{
		{"subsequence_of_target", "the attestations are a subsequence (same order) of the matching target attestations"},
		{"head_root_matches", "each one's beacon_block_root is get_block_root_at_slot(state, its slot)"},
	},
})

// subsequence says sub is a subsequence of seq: the same attestations in the same order.
func subsequence(sub, seq []PendingAttestation) bool {
	j := 0
	for i := range seq {
		if j < len(sub) && samePending(sub[j:j+1], seq[i:i+1]) {
			j++
		}
	}
	return j == len(sub)
}

// siteUnslashedAttestingRead is the read of state.validators[index] below: it raises when index >= len(state.validators).
var siteUnslashedAttestingRead = site("get_unslashed_attesting_indices_read", OpIndex, "index", "length")

// GetUnslashedAttestingIndices is the spec's get_unslashed_attesting_indices: the union of
// the attestations' attesting indices, without slashed validators, sorted.
func (m *Model) GetUnslashedAttestingIndices(state *BeaconState, attestations []PendingAttestation) (out []ValidatorIndex, err error) {
	if m.hooked() {
		m.enter(getUnslashedAttestingIndicesContract, "attestations", len(attestations))
		defer m.ensures(getUnslashedAttestingIndicesContract, &err, func(c *checker) {
			c.that("sorted_unique", strictlySorted(out), "indices are not strictly increasing")
			unslashed := true
			for _, i := range out {
				unslashed = unslashed && uint64(i) < uint64(len(state.Validators)) && !state.Validators[i].Slashed
			}
			c.that("none_slashed", unslashed, "a returned validator is slashed")
			union := map[ValidatorIndex]struct{}{}
			for i := range attestations {
				indices, _ := m.GetAttestingIndices(state, &attestations[i].Data, attestations[i].AggregationBits) // succeeded in the body
				for _, index := range indices {
					if !state.Validators[index].Slashed {
						union[index] = struct{}{}
					}
				}
			}
			inUnion := len(union) == len(out)
			for _, i := range out {
				_, in := union[i]
				inUnion = inUnion && in
			}
			c.that("unslashed_union_of_attesters", inUnion, "%d indices, the unslashed union of the attesters has %d", len(out), len(union))
		})
	}
	// Mark attesters in a flag per validator and read the flags in index order: the union,
	// sorted, in O(validators + attesters) with no map or sort.
	seen := make([]bool, len(state.Validators))
	count := 0
	for i := range attestations {
		a := &attestations[i]
		indices, err := m.GetAttestingIndices(state, &a.Data, a.AggregationBits)
		if err != nil {
			return nil, err
		}
		for _, index := range indices {
			if siteUnslashedAttestingRead.Index(uint64(index), len(state.Validators)) { // len(seen) = len(state.validators)
				return nil, outOfRange(siteUnslashedAttestingRead, "state.validators", uint64(index), len(state.Validators))
			}
			if !seen[index] {
				seen[index] = true
				count++
			}
		}
	}
	out = make([]ValidatorIndex, 0, count)
	for index, attested := range seen {
		if attested && !state.Validators[index].Slashed {
			out = append(out, ValidatorIndex(index))
		}
	}
	return out, nil
}

var getUnslashedAttestingIndicesContract = declare(Contract{
	Func: "get_unslashed_attesting_indices", Section: "Epoch processing",
	Post: []Clause{
		{"sorted_unique", "the indices are sorted and distinct (the spec's set, in the order the model iterates it)"},
		{"none_slashed", "no returned validator is slashed"},
		{"unslashed_union_of_attesters", "they are exactly the unslashed validators among the attesting indices of the attestations"},
	},
})

// GetAttestingBalance is the spec's get_attesting_balance.
func (m *Model) GetAttestingBalance(state *BeaconState, attestations []PendingAttestation) (balance Gwei, err error) {
	if m.hooked() {
		m.enter(getAttestingBalanceContract, "attestations", len(attestations))
		defer m.ensures(getAttestingBalanceContract, &err, func(c *checker) {
			c.that("at_least_increment", balance >= m.EffectiveBalanceIncrement, "balance %d below EFFECTIVE_BALANCE_INCREMENT", balance)
			indices, _ := m.GetUnslashedAttestingIndices(state, attestations) // succeeded in the body
			var sum Gwei                                                      // cannot wrap: get_total_balance summed the same
			for _, i := range indices {
				sum += state.Validators[i].EffectiveBalance
			}
			c.that("balance_of_unslashed_attesters", balance == max(m.EffectiveBalanceIncrement, sum),
				"balance %d, the unslashed attesters' effective balances sum to %d", balance, sum)
		})
	}
	indices, err := m.GetUnslashedAttestingIndices(state, attestations)
	if err != nil {
		return 0, err
	}
	return m.GetTotalBalance(state, indices)
}

var getAttestingBalanceContract = declare(Contract{
	Func: "get_attesting_balance", Section: "Epoch processing",
	Post: []Clause{
		{"at_least_increment", "the balance is at least EFFECTIVE_BALANCE_INCREMENT"},
		{"balance_of_unslashed_attesters", "it is max(EFFECTIVE_BALANCE_INCREMENT, summed effective balance of the unslashed attesting validators)"},
	},
})
