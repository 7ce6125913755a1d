package spec

import (
	"slices"
	"testing"
)

// rewardsState is the test state at the last slot of epoch, with the previous epoch's
// attestations: every committee's but every third one's, included with delays 1, 2, 3.
// At epoch 7 with nothing finalized it is in an inactivity leak.
func rewardsState(t *testing.T, m *Model, epoch Epoch) *BeaconState {
	s := testState(m.Config, 64)
	s.Slot = Slot(uint64(epoch+1)*m.SlotsPerEpoch - 1)
	all := fullAttestations(t, m, s, epoch-1)
	s.PreviousEpochAttestations = nil
	for i, a := range all {
		if i%3 == 2 {
			continue
		}
		a.InclusionDelay = Slot(1 + i%3)
		a.ProposerIndex = ValidatorIndex(i)
		if i%4 == 0 { // a wrong head vote
			a.Data.BeaconBlockRoot = Root{9}
		} else {
			a.Data.BeaconBlockRoot = s.BlockRoots[uint64(a.Data.Slot)%m.SlotsPerHistoricalRoot]
		}
		s.PreviousEpochAttestations = append(s.PreviousEpochAttestations, a)
	}
	s.CurrentEpochAttestations = nil
	s.Validators[5].Slashed = true
	s.Validators[5].WithdrawableEpoch = epoch + 10
	return s
}

// Each delta function's amounts are held to the plain spec's per-validator computation: a
// delta changed by one Gwei is caught, the function's own result passes.
func TestRewardAmountClauses(t *testing.T) {
	type fn struct {
		name      string
		call      func(m *Model, s *BeaconState) (*Deltas, error)
		component int
	}
	fns := []fn{
		{"source", (*Model).GetSourceDeltas, componentSource},
		{"target", (*Model).GetTargetDeltas, componentTarget},
		{"head", (*Model).GetHeadDeltas, componentHead},
		{"inclusion delay", (*Model).GetInclusionDelayDeltas, componentInclusion},
		{"inactivity", (*Model).GetInactivityPenaltyDeltas, componentInactivity},
		{"attestation deltas", (*Model).GetAttestationDeltas, -1},
	}
	for _, epoch := range []Epoch{3, 7} { // 7: in a leak
		for _, f := range fns {
			for _, penalty := range []bool{false, true} {
				t.Run(f.name, func(t *testing.T) {
					m := checkedModel()
					s := rewardsState(t, m, epoch)
					d, err := f.call(m, s)
					if err != nil {
						t.Fatalf("epoch %d: the function's own run: %v", epoch, err)
					}
					// Break the first validator with a non-zero delta of the kind (or validator 0).
					list := d.Rewards
					if penalty {
						list = d.Penalties
					}
					i := max(firstFailing(len(list), func(i int) bool { return list[i] == 0 }), 0)
					list[i]++
					c := &checker{k: m.Checked, contract: &Contract{Post: []Clause{{Name: "amounts_per_spec"}}}, phase: "post"}
					m.amountsPerSpec(c, s, d, f.component)
					if c.failed == nil {
						t.Fatalf("epoch %d: validator %d's %s raised by one passed", epoch, i, map[bool]string{false: "reward", true: "penalty"}[penalty])
					}
				})
			}
		}
	}
}

// process_rewards_and_penalties' balances are held to the plain spec's deltas: its own
// result passes; a balance off by one Gwei breaks conservation, one Gwei moved between two
// validators the per-validator amounts.
func TestBalancesPerSpec(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(b []Gwei)
		clause string
	}{
		{"a balance one Gwei short", func(b []Gwei) { b[17]-- }, "supply_conserved"},
		{"one Gwei moved", func(b []Gwei) { b[17]--; b[18]++ }, "balances_per_spec"},
	}
	for _, epoch := range []Epoch{3, 7} {
		for _, tt := range tests {
			m := checkedModel()
			pre := rewardsState(t, m, epoch)
			post := pre.Copy()
			if err := m.ProcessRewardsAndPenalties(post); err != nil {
				t.Fatalf("epoch %d: %v", epoch, err)
			}
			tt.tamper(post.Balances)
			c := &checker{k: m.Checked, contract: processRewardsAndPenaltiesContract, phase: "post"}
			m.balancesPerSpec(c, pre, post)
			if c.failed == nil || c.failed.Clause != tt.clause {
				t.Fatalf("epoch %d, %s: got %v, want %s", epoch, tt.name, c.failed, tt.clause)
			}
		}
	}
}

// slash_validator's and process_slashings' amounts: their own results pass, a balance
// broken on purpose is caught by the named clause.
func TestSlashingAmountClauses(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(b []Gwei, slashed ValidatorIndex)
		clause string
	}{
		{"the penalty not taken", func(b []Gwei, s ValidatorIndex) { b[s] += 1 << 20 }, "balances_per_spec"},
		{"a balance moved to a neighbour", func(b []Gwei, s ValidatorIndex) { b[s+1] += 1 << 20; b[s] -= 1 << 20 }, "balances_per_spec"},
	}
	for _, tt := range tests {
		t.Run("slash_validator/"+tt.name, func(t *testing.T) {
			m := checkedModel()
			s := testState(m.Config, 64)
			before := slices.Clone(s.Balances)
			if err := m.SlashValidator(s, 9, nil); err != nil {
				t.Fatalf("the function's own run: %v", err)
			}
			eb := s.Validators[9].EffectiveBalance
			tt.tamper(s.Balances, 9)
			c := &checker{k: m.Checked, contract: slashValidatorContract, phase: "post"}
			m.slashingAmounts(c, before, s, 9, nil, eb)
			if c.failed == nil || c.failed.Clause != tt.clause {
				t.Fatalf("got %v, want %s", c.failed, tt.clause)
			}
		})
	}
	for _, tt := range []struct {
		name   string
		tamper func(b []Gwei)
		clause string
	}{
		{"a penalty one Gwei light", func(b []Gwei) { b[9]++ }, "penalties_per_spec"},
		{"an unslashed validator penalised", func(b []Gwei) { b[10]-- }, "penalties_per_spec"},
	} {
		t.Run("process_slashings/"+tt.name, func(t *testing.T) {
			m := checkedModel()
			before := testState(m.Config, 64)
			epoch := m.Config.ComputeEpochAtSlot(before.Slot)
			before.Validators[9].Slashed = true
			before.Validators[9].WithdrawableEpoch = epoch + Epoch(m.EpochsPerSlashingsVector/2)
			before.Slashings[0] = 3 * m.MaxEffectiveBalance
			after := before.Copy()
			if err := m.ProcessSlashings(after); err != nil {
				t.Fatalf("the function's own run: %v", err)
			}
			if after.Balances[9] >= before.Balances[9] {
				t.Fatal("no penalty: the case does not exercise the formula")
			}
			tt.tamper(after.Balances)
			c := &checker{k: m.Checked, contract: processSlashingsContract, phase: "post"}
			m.slashingPenalties(c, before, after)
			if c.failed == nil || c.failed.Clause != tt.clause {
				t.Fatalf("got %v, want %s", c.failed, tt.clause)
			}
		})
	}
}
