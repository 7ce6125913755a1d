package properties

import (
	"math/rand"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

func TestTinyConfig(t *testing.T) {
	cfg := TinyConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	minimal, err := spec.Preset("minimal")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key       string
		got, want uint64
	}{
		{"SLOTS_PER_EPOCH", cfg.SlotsPerEpoch, 4},
		{"MAX_SEED_LOOKAHEAD", cfg.MaxSeedLookahead, 1},
		{"EPOCHS_PER_ETH1_VOTING_PERIOD", cfg.EpochsPerEth1VotingPeriod, 1},
		{"SHARD_COMMITTEE_PERIOD", cfg.ShardCommitteePeriod, 1},
		{"MIN_VALIDATOR_WITHDRAWABILITY_DELAY", cfg.MinValidatorWithdrawabilityDelay, 1},
		{"EPOCHS_PER_SLASHINGS_VECTOR", cfg.EpochsPerSlashingsVector, 4},
		{"MIN_PER_EPOCH_CHURN_LIMIT", cfg.MinPerEpochChurnLimit, 2},
		{"CHURN_LIMIT_QUOTIENT", cfg.ChurnLimitQuotient, 8},
		{"VALIDATOR_REGISTRY_LIMIT", cfg.ValidatorRegistryLimit, 64},
		{"MIN_SLASHING_PENALTY_QUOTIENT", cfg.MinSlashingPenaltyQuotient, 1},
		{"TARGET_COMMITTEE_SIZE (minimal's)", cfg.TargetCommitteeSize, minimal.TargetCommitteeSize},
		{"MAX_DEPOSITS (minimal's)", cfg.MaxDeposits, minimal.MaxDeposits},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.key, c.got, c.want)
		}
	}
	// The YAML form loads back to the same values, and recipes can name it.
	back, err := spec.ParseConfig("tiny.yaml", []byte(cfg.YAML()))
	if err != nil {
		t.Fatal(err)
	}
	if !back.SameValues(cfg) {
		t.Error("the tiny config's YAML does not load back to the same values")
	}
	if c, err := (ConfigRecipe{Preset: TinyName}).Config(); err != nil || !c.SameValues(cfg) {
		t.Errorf("ConfigRecipe{Preset: tiny}: %v", err)
	}
}

// tinyReach records which of the states the tiny chains are drawn to reach a chain
// reached, so that the tiny-* properties cannot quietly become vacuous.
type tinyReach map[string]bool

// The situations, each the state some fault of the model needs to show.
const (
	reachEligibleEdge   = "a slashed, no longer active validator at previous_epoch + 1 == withdrawable_epoch"
	reachRewardBelow    = "a rewarded validator whose balance is below its penalty"
	reachSlashingsEdge  = "an unslashed validator at epoch + EPOCHS_PER_SLASHINGS_VECTOR / 2 == withdrawable_epoch, slashings recorded"
	reachSameEpoch      = "an epoch transition after a slashing in that epoch"
	reachQueueTwoEpochs = "an activation queue longer than the churn limit, of two eligibility epochs"
	reachChurnQuotient  = "at least MIN_PER_EPOCH_CHURN_LIMIT * CHURN_LIMIT_QUOTIENT active and a queue longer than the churn limit"
	reachNeverActivated = "a validator deposited at most EJECTION_BALANCE, never activated, at an epoch transition"
	reachAtWithdrawable = "an unslashed validator at its withdrawable epoch when slashings are tried"
	reachUnslashable    = "slashings tried on validators not yet activated"
)

func (reach tinyReach) observers(m *spec.Model) tinyObservers {
	cfg := m.Config
	return tinyObservers{
		epoch: func(pre, post *spec.BeaconState) string {
			current := epochOf(cfg, pre)
			if current == spec.GenesisEpoch {
				return ""
			}
			previous := current - 1
			justified := pre.Copy()
			if err := m.ProcessJustificationAndFinalization(justified); err != nil {
				return err.Error()
			}
			d, err := m.GetAttestationDeltas(justified)
			if err != nil {
				return err.Error()
			}
			var slashings spec.Gwei
			for _, s := range pre.Slashings {
				slashings += s
			}
			if pre.Slashings[uint64(current)%cfg.EpochsPerSlashingsVector] > 0 {
				reach[reachSameEpoch] = true
			}
			active := uint64(0)
			for i := range pre.Validators {
				v := &pre.Validators[i]
				if plainActive(v, current) {
					active++
				}
				if v.Slashed && !plainActive(v, previous) && previous+1 == v.WithdrawableEpoch {
					reach[reachEligibleEdge] = true
				}
				if pre.Balances[i] < d.Penalties[i] && d.Rewards[i] > 0 {
					reach[reachRewardBelow] = true
				}
				if !v.Slashed && slashings > 0 && v.WithdrawableEpoch == current+spec.Epoch(cfg.EpochsPerSlashingsVector/2) {
					reach[reachSlashingsEdge] = true
				}
				if v.ActivationEpoch == spec.FarFutureEpoch && v.EffectiveBalance <= cfg.EjectionBalance {
					reach[reachNeverActivated] = true
				}
			}
			churn := max(cfg.MinPerEpochChurnLimit, active/cfg.ChurnLimitQuotient)
			queue, epochs := uint64(0), map[spec.Epoch]bool{}
			for i := range pre.Validators {
				v := &pre.Validators[i]
				if v.ActivationEligibilityEpoch <= justified.FinalizedCheckpoint.Epoch && v.ActivationEpoch == spec.FarFutureEpoch {
					queue++
					epochs[v.ActivationEligibilityEpoch] = true
				}
			}
			if queue > churn && len(epochs) > 1 {
				reach[reachQueueTwoEpochs] = true
			}
			if queue > churn && active >= cfg.MinPerEpochChurnLimit*cfg.ChurnLimitQuotient {
				reach[reachChurnQuotient] = true
			}
			return ""
		},
		ops: func(at *spec.BeaconState) string {
			epoch := epochOf(cfg, at)
			for i := range at.Validators {
				v := &at.Validators[i]
				if !v.Slashed && v.WithdrawableEpoch == epoch {
					reach[reachAtWithdrawable] = true
				}
				if v.ActivationEpoch > epoch {
					reach[reachUnslashable] = true
				}
			}
			return ""
		},
	}
}

// The tiny chains of the first 20 seeds (the runs of the mutation programme's layer (c))
// reach the states the tiny-* properties are there for, most of them in every chain.
func TestTinyChainsReach(t *testing.T) {
	const runs = 20
	counts := map[string]int{}
	for seed := int64(1); seed <= runs; seed++ {
		c := drawTinyChain(rand.New(rand.NewSource(seed)))
		m := spec.NewModel(tinyConfig())
		m.VerifySignatures = false
		reach := tinyReach{}
		fail, err := c.run(&Env{}, reach.observers(m))
		if fail != "" || err != nil {
			t.Fatalf("seed %d, %v: %s %v", seed, c, fail, err)
		}
		for k := range reach {
			counts[k]++
		}
	}
	for _, s := range []string{reachEligibleEdge, reachRewardBelow, reachSlashingsEdge, reachSameEpoch, reachQueueTwoEpochs,
		reachChurnQuotient, reachNeverActivated, reachAtWithdrawable, reachUnslashable} {
		t.Logf("%2d of %d chains: %s", counts[s], runs, s)
		if counts[s] < runs/2 {
			t.Errorf("only %d of %d chains reach %s", counts[s], runs, s)
		}
	}
}

// With two thirds of every committee attesting, a tiny chain of 12 or 24 validators has a
// previous-epoch target-attesting balance of exactly two thirds of the total at every epoch
// transition, which justifies (>=): each epoch is justified at the end of the next (the
// last slot's attestations are included then), and with epochs 1 to 3 justified so, epoch
// 1 is finalized at the end of epoch 4 (the 2nd/3rd/4th rule).
func TestTinyExactlyTwoThirdsJustifies(t *testing.T) {
	for _, n := range []uint64{12, 24} {
		var exact int
		d, err := newTinyDriver(&Env{}, n, 0, tinyObservers{})
		if err != nil {
			t.Fatal(err)
		}
		cfg := d.cfg
		d.part = 2.0 / 3
		d.obs.epoch = func(pre, _ *spec.BeaconState) string {
			var attesting, total spec.Gwei
			seen := map[spec.ValidatorIndex]bool{}
			for _, a := range pre.PreviousEpochAttestations {
				committee, err := d.m.GetBeaconCommittee(pre, a.Data.Slot, a.Data.Index)
				if err != nil {
					return err.Error()
				}
				for k, v := range committee {
					if a.AggregationBits.BitAt(uint64(k)) && !seen[v] {
						seen[v] = true
						attesting += pre.Validators[v].EffectiveBalance
					}
				}
			}
			for i := range pre.Validators {
				total += pre.Validators[i].EffectiveBalance
			}
			if 3*attesting == 2*total {
				exact++
			}
			return ""
		}
		for s := spec.Slot(1); s <= 5*spec.Slot(cfg.SlotsPerEpoch); s++ {
			if fail, err := d.slot(s, interop.BlockOptions{}); fail != "" || err != nil {
				t.Fatalf("%d validators, slot %d: %s %v", n, s, fail, err)
			}
		}
		if exact != 4 {
			t.Errorf("%d validators: %d epoch transitions with exactly two thirds of the previous epoch attesting, want 4", n, exact)
		}
		if j, f := d.state.CurrentJustifiedCheckpoint.Epoch, d.state.FinalizedCheckpoint.Epoch; j != 3 || f != 1 {
			t.Errorf("%d validators: justified %d, finalized %d after 5 epochs at two thirds; want 3 and 1", n, j, f)
		}
	}
}
