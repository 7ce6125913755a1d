package spec

// Deltas is a pair of per-validator reward and penalty lists, as the spec's delta functions
// return them (and as the rewards vectors store them).
type Deltas struct {
	Rewards   []Gwei
	Penalties []Gwei
}

func newDeltas(n int) *Deltas { return &Deltas{Rewards: make([]Gwei, n), Penalties: make([]Gwei, n)} }

// GetBaseReward is the spec's get_base_reward ("Rewards and penalties, helpers").
func (m *Model) GetBaseReward(state *BeaconState, index ValidatorIndex) (Gwei, error) {
	total, err := m.GetTotalActiveBalance(state)
	if err != nil {
		return 0, err
	}
	v, err := validatorAt(state, index)
	if err != nil {
		return 0, err
	}
	sqrt, err := IntegerSquareroot(uint64(total))
	if err != nil {
		return 0, err
	}
	var k Calc
	r := k.Div(k.Div(k.Mul(uint64(v.EffectiveBalance), m.BaseRewardFactor), sqrt), BaseRewardsPerEpoch)
	return Gwei(r), k.Err("get_base_reward: effective_balance * BASE_REWARD_FACTOR // integer_squareroot(total_balance) // BASE_REWARDS_PER_EPOCH")
}

// GetProposerReward is the spec's get_proposer_reward.
func (m *Model) GetProposerReward(state *BeaconState, attestingIndex ValidatorIndex) (Gwei, error) {
	base, err := m.GetBaseReward(state, attestingIndex)
	return base / Gwei(m.ProposerRewardQuotient), err
}

// GetFinalityDelay is the spec's get_finality_delay.
func (m *Model) GetFinalityDelay(state *BeaconState) (uint64, error) {
	var k Calc
	d := k.Sub(uint64(m.GetPreviousEpoch(state)), uint64(state.FinalizedCheckpoint.Epoch))
	return d, k.Err("get_finality_delay: previous_epoch - finalized_checkpoint.epoch")
}

// IsInInactivityLeak is the spec's is_in_inactivity_leak.
func (m *Model) IsInInactivityLeak(state *BeaconState) (bool, error) {
	d, err := m.GetFinalityDelay(state)
	return d > m.MinEpochsToInactivityPenalty, err
}

// GetEligibleValidatorIndices is the spec's get_eligible_validator_indices.
func (m *Model) GetEligibleValidatorIndices(state *BeaconState) ([]ValidatorIndex, error) {
	previousEpoch := m.GetPreviousEpoch(state)
	var out []ValidatorIndex
	for i := range state.Validators {
		v := &state.Validators[i]
		if IsActiveValidator(v, previousEpoch) {
			out = append(out, ValidatorIndex(i))
			continue
		}
		if v.Slashed {
			var k Calc
			next := k.Add(uint64(previousEpoch), 1)
			if err := k.Err("get_eligible_validator_indices: previous_epoch + 1"); err != nil {
				return nil, err
			}
			if next < uint64(v.WithdrawableEpoch) {
				out = append(out, ValidatorIndex(i))
			}
		}
	}
	return out, nil
}

// GetAttestationComponentDeltas is the spec's get_attestation_component_deltas: the shared
// logic of the source, target and head deltas.
func (m *Model) GetAttestationComponentDeltas(state *BeaconState, attestations []PendingAttestation) (*Deltas, error) {
	d := newDeltas(len(state.Validators))
	totalBalance, err := m.GetTotalActiveBalance(state)
	if err != nil {
		return nil, err
	}
	unslashed, err := m.GetUnslashedAttestingIndices(state, attestations)
	if err != nil {
		return nil, err
	}
	attestingBalance, err := m.GetTotalBalance(state, unslashed)
	if err != nil {
		return nil, err
	}
	attesting := membership(len(state.Validators), unslashed)
	eligible, err := m.GetEligibleValidatorIndices(state)
	if err != nil {
		return nil, err
	}
	leak, err := m.IsInInactivityLeak(state)
	if err != nil {
		return nil, err
	}
	increment := uint64(m.EffectiveBalanceIncrement) // factored out from balance totals to avoid uint64 overflow
	for _, index := range eligible {
		base, err := m.GetBaseReward(state, index)
		if err != nil {
			return nil, err
		}
		var k Calc
		if attesting[index] {
			if leak {
				// Since full base reward will be canceled out by inactivity penalty deltas,
				// optimal participation receives full base reward compensation here.
				d.Rewards[index] = Gwei(k.Add(uint64(d.Rewards[index]), uint64(base)))
			} else {
				rewardNumerator := k.Mul(uint64(base), uint64(attestingBalance)/increment)
				d.Rewards[index] = Gwei(k.Add(uint64(d.Rewards[index]), k.Div(rewardNumerator, uint64(totalBalance)/increment)))
			}
		} else {
			d.Penalties[index] = Gwei(k.Add(uint64(d.Penalties[index]), uint64(base)))
		}
		if err := k.Err("get_attestation_component_deltas: base_reward * (attesting_balance // increment) // (total_balance // increment)"); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// membership marks the given indices in a slice of n flags.
func membership(n int, indices []ValidatorIndex) []bool {
	in := make([]bool, n)
	for _, i := range indices {
		if uint64(i) < uint64(n) {
			in[i] = true
		}
	}
	return in
}

// GetSourceDeltas is the spec's get_source_deltas.
func (m *Model) GetSourceDeltas(state *BeaconState) (*Deltas, error) {
	a, err := m.GetMatchingSourceAttestations(state, m.GetPreviousEpoch(state))
	if err != nil {
		return nil, err
	}
	return m.GetAttestationComponentDeltas(state, a)
}

// GetTargetDeltas is the spec's get_target_deltas.
func (m *Model) GetTargetDeltas(state *BeaconState) (*Deltas, error) {
	a, err := m.GetMatchingTargetAttestations(state, m.GetPreviousEpoch(state))
	if err != nil {
		return nil, err
	}
	return m.GetAttestationComponentDeltas(state, a)
}

// GetHeadDeltas is the spec's get_head_deltas.
func (m *Model) GetHeadDeltas(state *BeaconState) (*Deltas, error) {
	a, err := m.GetMatchingHeadAttestations(state, m.GetPreviousEpoch(state))
	if err != nil {
		return nil, err
	}
	return m.GetAttestationComponentDeltas(state, a)
}

// GetInclusionDelayDeltas is the spec's get_inclusion_delay_deltas: proposer and inclusion
// delay micro-rewards. For each attester the attestation used is the first, in list
// order, of those with the smallest inclusion delay (Python's min keeps the first).
func (m *Model) GetInclusionDelayDeltas(state *BeaconState) (*Deltas, error) {
	d := newDeltas(len(state.Validators))
	matching, err := m.GetMatchingSourceAttestations(state, m.GetPreviousEpoch(state))
	if err != nil {
		return nil, err
	}
	unslashed, err := m.GetUnslashedAttestingIndices(state, matching)
	if err != nil {
		return nil, err
	}
	// best[index] is the position in matching of the attestation min() picks for index.
	best := make(map[ValidatorIndex]int, len(unslashed))
	for pos := range matching {
		a := &matching[pos]
		indices, err := m.GetAttestingIndices(state, &a.Data, a.AggregationBits)
		if err != nil {
			return nil, err
		}
		for _, index := range indices {
			if prev, ok := best[index]; !ok || a.InclusionDelay < matching[prev].InclusionDelay {
				best[index] = pos
			}
		}
	}
	for _, index := range unslashed {
		attestation := &matching[best[index]]
		proposerReward, err := m.GetProposerReward(state, index)
		if err != nil {
			return nil, err
		}
		if uint64(attestation.ProposerIndex) >= uint64(len(d.Rewards)) {
			return nil, &IndexError{List: "rewards", Index: uint64(attestation.ProposerIndex), Len: len(d.Rewards)}
		}
		base, err := m.GetBaseReward(state, index)
		if err != nil {
			return nil, err
		}
		var k Calc
		d.Rewards[attestation.ProposerIndex] = Gwei(k.Add(uint64(d.Rewards[attestation.ProposerIndex]), uint64(proposerReward)))
		maxAttesterReward := k.Sub(uint64(base), uint64(proposerReward))
		d.Rewards[index] = Gwei(k.Add(uint64(d.Rewards[index]), k.Div(maxAttesterReward, uint64(attestation.InclusionDelay))))
		if err := k.Err("get_inclusion_delay_deltas: rewards += max_attester_reward // inclusion_delay"); err != nil {
			return nil, err
		}
	}
	// No penalties associated with inclusion delay
	return d, nil
}

// GetInactivityPenaltyDeltas is the spec's get_inactivity_penalty_deltas.
func (m *Model) GetInactivityPenaltyDeltas(state *BeaconState) (*Deltas, error) {
	d := newDeltas(len(state.Validators))
	leak, err := m.IsInInactivityLeak(state)
	if err != nil || !leak {
		return d, err
	}
	matching, err := m.GetMatchingTargetAttestations(state, m.GetPreviousEpoch(state))
	if err != nil {
		return nil, err
	}
	targetIndices, err := m.GetUnslashedAttestingIndices(state, matching)
	if err != nil {
		return nil, err
	}
	isTarget := membership(len(state.Validators), targetIndices)
	eligible, err := m.GetEligibleValidatorIndices(state)
	if err != nil {
		return nil, err
	}
	delay, err := m.GetFinalityDelay(state)
	if err != nil {
		return nil, err
	}
	for _, index := range eligible {
		// If validator is performing optimally this cancels all rewards for a neutral balance
		base, err := m.GetBaseReward(state, index)
		if err != nil {
			return nil, err
		}
		proposerReward, err := m.GetProposerReward(state, index)
		if err != nil {
			return nil, err
		}
		var k Calc
		p := k.Add(uint64(d.Penalties[index]), k.Sub(k.Mul(BaseRewardsPerEpoch, uint64(base)), uint64(proposerReward)))
		if !isTarget[index] {
			eb := uint64(state.Validators[index].EffectiveBalance)
			p = k.Add(p, k.Div(k.Mul(eb, delay), m.InactivityPenaltyQuotient))
		}
		if err := k.Err("get_inactivity_penalty_deltas: effective_balance * finality_delay // INACTIVITY_PENALTY_QUOTIENT"); err != nil {
			return nil, err
		}
		d.Penalties[index] = Gwei(p)
	}
	// No rewards associated with inactivity penalties
	return d, nil
}

// GetAttestationDeltas is the spec's get_attestation_deltas: the sum of the components.
func (m *Model) GetAttestationDeltas(state *BeaconState) (*Deltas, error) {
	source, err := m.GetSourceDeltas(state)
	if err != nil {
		return nil, err
	}
	target, err := m.GetTargetDeltas(state)
	if err != nil {
		return nil, err
	}
	head, err := m.GetHeadDeltas(state)
	if err != nil {
		return nil, err
	}
	inclusion, err := m.GetInclusionDelayDeltas(state)
	if err != nil {
		return nil, err
	}
	inactivity, err := m.GetInactivityPenaltyDeltas(state)
	if err != nil {
		return nil, err
	}
	out := newDeltas(len(state.Validators))
	var k Calc
	for i := range out.Rewards {
		out.Rewards[i] = Gwei(k.Add(k.Add(k.Add(uint64(source.Rewards[i]), uint64(target.Rewards[i])), uint64(head.Rewards[i])), uint64(inclusion.Rewards[i])))
		out.Penalties[i] = Gwei(k.Add(k.Add(k.Add(uint64(source.Penalties[i]), uint64(target.Penalties[i])), uint64(head.Penalties[i])), uint64(inactivity.Penalties[i])))
	}
	return out, k.Err("get_attestation_deltas: sum of component rewards or penalties")
}

// ProcessRewardsAndPenalties is the spec's process_rewards_and_penalties.
func (m *Model) ProcessRewardsAndPenalties(state *BeaconState) error {
	// No rewards are applied at the end of GENESIS_EPOCH because rewards are for work done
	// in the previous epoch
	if m.GetCurrentEpoch(state) == GenesisEpoch {
		return nil
	}
	d, err := m.GetAttestationDeltas(state)
	if err != nil {
		return err
	}
	for index := range state.Validators {
		if err := m.IncreaseBalance(state, ValidatorIndex(index), d.Rewards[index]); err != nil {
			return err
		}
		if err := m.DecreaseBalance(state, ValidatorIndex(index), d.Penalties[index]); err != nil {
			return err
		}
	}
	return nil
}
