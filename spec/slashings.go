package spec

// Sites of process_slashings.
var (
	siteSlashingsSum               = site("process_slashings_sum", OpAdd, "acc", "term")
	siteSlashingsMultiplier        = site("process_slashings_multiplier", OpMul, "sum", "PROPORTIONAL_SLASHING_MULTIPLIER")
	siteSlashingsHalfVector        = site("process_slashings_half_vector", OpDiv, "EPOCHS_PER_SLASHINGS_VECTOR", "2")
	siteSlashingsTarget            = site("process_slashings_withdrawable_target", OpAdd, "epoch", "EPOCHS_PER_SLASHINGS_VECTOR // 2")
	siteSlashingsIncrementDivision = site("process_slashings_increment_division", OpDiv, "effective_balance", "EFFECTIVE_BALANCE_INCREMENT")
	siteSlashingsPenaltyNumerator  = site("process_slashings_penalty_numerator", OpMul, "effective_balance // EFFECTIVE_BALANCE_INCREMENT", "adjusted")
	siteSlashingsPenaltyDivision   = site("process_slashings_penalty_division", OpDiv, "numerator", "total")
	siteSlashingsPenaltyIncrement  = site("process_slashings_penalty_increment", OpMul, "numerator // total", "EFFECTIVE_BALANCE_INCREMENT")
)

// ProcessSlashings is the spec's process_slashings ("Slashings").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes. StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are
// atomic; call those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessSlashings(state *BeaconState) (err error) {
	if m.hooked() {
		if err := m.requires(processSlashingsContract, func(c *checker) { c.wellFormed(m, state) }); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processSlashingsContract, &err, state, func(c *checker) {
			for i := range state.Balances {
				if state.Balances[i] != before.Balances[i] {
					c.that("only_slashed_penalised", state.Validators[i].Slashed && state.Balances[i] < before.Balances[i],
						"balance of validator %d went from %d to %d", i, before.Balances[i], state.Balances[i])
				}
			}
			m.slashingPenalties(c, before, state)
			c.frame(frame{fields: []string{"balances"}}, before, state)
		})
	}
	epoch := m.GetCurrentEpoch(state)
	totalBalance, err := m.GetTotalActiveBalance(state)
	if err != nil {
		return err
	}
	var k Calc
	var sum uint64
	for _, s := range state.Slashings {
		sum = k.Add(siteSlashingsSum, sum, uint64(s))
	}
	adjusted := min(k.Mul(siteSlashingsMultiplier, sum, m.ProportionalSlashingMultiplier), uint64(totalBalance))
	if err := k.Err(); err != nil {
		return err
	}
	increment := uint64(m.EffectiveBalanceIncrement) // factored out from penalty numerator to avoid uint64 overflow
	for index := range state.Validators {
		validator := &state.Validators[index]
		if !validator.Slashed {
			continue
		}
		// epoch + EPOCHS_PER_SLASHINGS_VECTOR // 2 is evaluated, as in the spec, only for
		// slashed validators (Python's `and` short-circuits).
		target := k.Add(siteSlashingsTarget, uint64(epoch), k.Div(siteSlashingsHalfVector, m.EpochsPerSlashingsVector, 2))
		if err := k.Err(); err != nil {
			return err
		}
		if target == uint64(validator.WithdrawableEpoch) {
			penaltyNumerator := k.Mul(siteSlashingsPenaltyNumerator, k.Div(siteSlashingsIncrementDivision, uint64(validator.EffectiveBalance), increment), adjusted)
			penalty := k.Mul(siteSlashingsPenaltyIncrement, k.Div(siteSlashingsPenaltyDivision, penaltyNumerator, uint64(totalBalance)), increment)
			if err := k.Err(); err != nil {
				return err
			}
			if err := m.DecreaseBalance(state, ValidatorIndex(index), Gwei(penalty)); err != nil {
				return err
			}
		}
	}
	return nil
}

var processSlashingsContract = declare(Contract{
	Func: "process_slashings", Section: "Slashings",
	Writes: []string{"balances"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"only_slashed_penalised", "a balance that changed belongs to a slashed validator and went down"},
		{"penalties_per_spec", "each slashed validator whose withdrawable epoch is the current epoch + EPOCHS_PER_SLASHINGS_VECTOR // 2 loses effective_balance // EFFECTIVE_BALANCE_INCREMENT * min(sum(slashings) * PROPORTIONAL_SLASHING_MULTIPLIER, total active balance) // total active balance * EFFECTIVE_BALANCE_INCREMENT (floored at zero), computed per validator with a plain total active balance; every other balance is unchanged"},
		{"supply_conserved", "the balances' sum falls by exactly the penalties taken"},
		{"frame", "only balances change"},
	},
})

// slashingPenalties evaluates the amount clauses of process_slashings.
func (m *Model) slashingPenalties(c *checker, before, after *BeaconState) {
	epoch := uint64(m.Config.ComputeEpochAtSlot(before.Slot))
	total, err := m.plainTotalActiveBalance(before)
	var a plainArith
	var sum uint64
	for _, s := range before.Slashings {
		sum = a.add(sum, uint64(s))
	}
	adjusted := min(a.mul(sum, m.ProportionalSlashingMultiplier), uint64(total))
	increment := uint64(m.EffectiveBalanceIncrement)
	taken := uint64(0)
	bad := -1
	for i := range before.Validators {
		v := &before.Validators[i]
		want := before.Balances[i]
		if v.Slashed && a.add(epoch, m.EpochsPerSlashingsVector/2) == uint64(v.WithdrawableEpoch) {
			penalty := a.mul(a.div(a.mul(uint64(v.EffectiveBalance)/increment, adjusted), uint64(total)), increment)
			p := min(uint64(want), penalty)
			want -= Gwei(p)
			taken = a.add(taken, p)
		}
		if after.Balances[i] != want && bad < 0 {
			bad = i
		}
	}
	c.that("penalties_per_spec", err == nil && !a.bad && bad < 0, "validator %d: balance %d became %d (%v, overflow %v)",
		bad, before.Balances[max(bad, 0)], after.Balances[max(bad, 0)], err, a.bad)
	m.ledgerMove(0, taken)
	c.that("supply_conserved", supplyMovedBy(before.Balances, after.Balances, 0, taken), "the balances did not fall by the %d Gwei of penalties taken", taken)
}
