package spec

import "slices"

// Sites of get_validator_from_deposit: amount - amount % EFFECTIVE_BALANCE_INCREMENT.
var (
	siteDepositEffectiveBalanceModulo     = site("get_validator_from_deposit_modulo", OpMod, "amount", "EFFECTIVE_BALANCE_INCREMENT")
	siteDepositEffectiveBalanceDifference = site("get_validator_from_deposit_difference", OpSub, "amount", "amount % EFFECTIVE_BALANCE_INCREMENT")
)

// GetValidatorFromDeposit is the spec's get_validator_from_deposit ("Deposits").
// (The error is a contract violation in checked mode, or the ArithmeticError of a
// division by a zero EFFECTIVE_BALANCE_INCREMENT, which Config.Validate rules out.)
func (m *Model) GetValidatorFromDeposit(state *BeaconState, deposit *Deposit) (v Validator, err error) {
	if m.hooked() {
		m.enter(getValidatorFromDepositContract, "amount", deposit.Data.Amount)
		defer m.ensures(getValidatorFromDepositContract, &err, func(c *checker) {
			c.that("effective_balance_rounded_capped", v.EffectiveBalance <= m.MaxEffectiveBalance && v.EffectiveBalance%m.EffectiveBalanceIncrement == 0 && v.EffectiveBalance <= deposit.Data.Amount,
				"effective balance %d for amount %d", v.EffectiveBalance, deposit.Data.Amount)
			c.that("not_yet_eligible", v.ActivationEligibilityEpoch == FarFutureEpoch && v.ActivationEpoch == FarFutureEpoch &&
				v.ExitEpoch == FarFutureEpoch && v.WithdrawableEpoch == FarFutureEpoch && !v.Slashed, "status epochs not all FAR_FUTURE_EPOCH")
			c.that("keys_copied", v.Pubkey == deposit.Data.Pubkey && v.WithdrawalCredentials == deposit.Data.WithdrawalCredentials, "pubkey or credentials differ from the deposit")
		})
	}
	amount := uint64(deposit.Data.Amount)
	var k Calc
	effectiveBalance := min(Gwei(k.Sub(siteDepositEffectiveBalanceDifference, amount, k.Mod(siteDepositEffectiveBalanceModulo, amount, uint64(m.EffectiveBalanceIncrement)))), m.MaxEffectiveBalance)
	if err := k.Err(); err != nil {
		return Validator{}, err
	}
	return Validator{
		Pubkey:                     deposit.Data.Pubkey,
		WithdrawalCredentials:      deposit.Data.WithdrawalCredentials,
		ActivationEligibilityEpoch: FarFutureEpoch,
		ActivationEpoch:            FarFutureEpoch,
		ExitEpoch:                  FarFutureEpoch,
		WithdrawableEpoch:          FarFutureEpoch,
		EffectiveBalance:           effectiveBalance,
	}, nil
}

// Sites of process_deposit.
var siteDepositIndex = site("process_deposit_index_increment", OpAdd, "eth1_deposit_index", "1")

// siteDepositValidatorsAppend and siteDepositBalancesAppend are the appends of the new
// validator and its balance (each list's length after it; the balances' is named for the
// registry's length, which it equals [vector_lengths]).
var (
	siteDepositValidatorsAppend = site("process_deposit_validators_append", OpAppend, "validators", "VALIDATOR_REGISTRY_LIMIT")
	siteDepositBalancesAppend   = site("process_deposit_balances_append", OpAppend, "validators", "VALIDATOR_REGISTRY_LIMIT")
)

// ProcessDeposit is the spec's process_deposit ("Deposits").
//
// Not atomic: it follows the spec's order of asserts and writes, so on error the state may
// hold some of its writes. StateTransition, ProcessSlots, ProcessBlock and ProcessEpoch are
// atomic; call those, or work on a copy, when a failure must leave no trace.
func (m *Model) ProcessDeposit(state *BeaconState, deposit *Deposit) (err error) {
	if m.hooked() {
		if err := m.requires(processDepositContract, func(c *checker) { c.wellFormed(m, state) },
			"index", state.Eth1DepositIndex, "amount", deposit.Data.Amount); err != nil {
			return err
		}
		before := m.snapshot(state)
		defer m.ensuresState(processDepositContract, &err, state, func(c *checker) {
			c.that("deposit_index_advanced", state.Eth1DepositIndex == before.Eth1DepositIndex+1,
				"eth1_deposit_index %d became %d", before.Eth1DepositIndex, state.Eth1DepositIndex)
			grew := len(state.Validators) - len(before.Validators)
			c.that("at_most_one_validator_added", grew == 0 || grew == 1, "%d validators added", grew)
			if grew == 1 {
				v := state.Validators[len(state.Validators)-1]
				c.that("new_validator_from_deposit", v.Pubkey == deposit.Data.Pubkey && state.Balances[len(state.Balances)-1] == deposit.Data.Amount &&
					v == mustValidatorFromDeposit(m, state, deposit), "the appended validator does not match the deposit")
			}
			var changed []ValidatorIndex
			for i := range before.Balances {
				if state.Balances[i] != before.Balances[i] {
					changed = append(changed, ValidatorIndex(i))
				}
			}
			c.that("top_up_of_own_pubkey", len(changed) == 0 || (len(changed) == 1 && grew == 0 && state.Validators[changed[0]].Pubkey == deposit.Data.Pubkey),
				"balances changed at %v for a deposit of pubkey %x", changed, deposit.Data.Pubkey[:4])
			// A known pubkey is topped up; an unknown one becomes a validator, unless its
			// proof of possession fails and the deposit is skipped.
			known := slices.ContainsFunc(before.Validators, func(v Validator) bool { return v.Pubkey == deposit.Data.Pubkey })
			applied := uint64(deposit.Data.Amount)
			if !known && grew == 0 {
				applied = 0
			}
			m.ledgerMove(applied, 0)
			c.that("supply_conserved", supplyMovedBy(before.Balances, state.Balances, applied, 0),
				"the balances did not grow by the deposit's %d Gwei (or by nothing, for a skipped deposit)", deposit.Data.Amount)
			c.frame(frame{fields: []string{"eth1_deposit_index", "balances"}, appends: true}, before, state)
		})
	}
	// Verify the Merkle branch
	leaf, err := m.HashTreeRoot(&deposit.Data)
	if err != nil {
		return err
	}
	if !m.IsValidMerkleBranch(leaf, deposit.Proof, DepositContractTreeDepth+1, state.Eth1DepositIndex, state.Eth1Data.DepositRoot) {
		return assertf("process_deposit", CheckDepositProof, "proof of deposit %d does not lead to deposit root %x", state.Eth1DepositIndex, state.Eth1Data.DepositRoot)
	}
	// Deposits must be processed in order
	var k Calc
	state.Eth1DepositIndex = k.Add(siteDepositIndex, state.Eth1DepositIndex, 1)
	if err := k.Err(); err != nil {
		return err
	}

	pubkey, amount := deposit.Data.Pubkey, deposit.Data.Amount
	for index := range state.Validators {
		if state.Validators[index].Pubkey == pubkey {
			// Increase balance by deposit amount
			return m.IncreaseBalance(state, ValidatorIndex(index), amount)
		}
	}
	// Verify the deposit signature (proof of possession), which the deposit contract does
	// not check
	if m.VerifySignatures {
		message := &DepositMessage{Pubkey: pubkey, WithdrawalCredentials: deposit.Data.WithdrawalCredentials, Amount: amount}
		domain := m.ComputeDomain(m.DomainDeposit, nil, nil) // fork-agnostic: deposits are valid across forks
		root, err := m.ComputeSigningRoot(message, domain)
		if err != nil {
			return err
		}
		// Verified now, never batched: an invalid proof of possession skips the deposit; it is
		// not an invalid block.
		if !m.Rules.BLS().Verify(pubkey, root[:], deposit.Data.Signature) {
			return nil
		}
	}
	// Add validator and balance entries
	if siteDepositValidatorsAppend.Fails(uint64(len(state.Validators))+1, m.ValidatorRegistryLimit) {
		return appendBeyondLimit(siteDepositValidatorsAppend, "state.validators (append beyond VALIDATOR_REGISTRY_LIMIT)", len(state.Validators))
	}
	validator, err := m.GetValidatorFromDeposit(state, deposit)
	if err != nil {
		return err
	}
	if siteDepositBalancesAppend.Fails(uint64(len(state.Balances))+1, m.ValidatorRegistryLimit) {
		return appendBeyondLimit(siteDepositBalancesAppend, "state.balances (append beyond VALIDATOR_REGISTRY_LIMIT)", len(state.Balances))
	}
	state.AppendValidator(validator, amount)
	return nil // the new validator is inactive: no cached entry depends on it
}

var processDepositContract = declare(Contract{
	Func: "process_deposit", Section: "Deposits",
	Writes: []string{"eth1_deposit_index", "balances", "validators.append"},
	Pre:    []Clause{{"state_well_formed", "the state is well formed (vectors at their config lengths, one balance per validator)"}},
	Post: []Clause{
		{"deposit_index_advanced", "eth1_deposit_index grew by exactly one (every proven deposit is consumed, even one whose signature fails)"},
		{"at_most_one_validator_added", "the registry grew by zero or one validator"},
		{"new_validator_from_deposit", "a new validator is get_validator_from_deposit of the deposit, with the deposit's amount as balance"},
		{"top_up_of_own_pubkey", "otherwise at most the balance of the validator with the deposit's pubkey changed"},
		{"supply_conserved", "the balances' sum grows by exactly the deposit's amount when its pubkey is known (a top-up) or a validator was added, and not at all when a new key's deposit is skipped"},
		{"frame", "nothing else changes: eth1_deposit_index, balances, and appended validators and balances"},
	},
})

var getValidatorFromDepositContract = declare(Contract{
	Func: "get_validator_from_deposit", Section: "Deposits",
	Post: []Clause{
		{"effective_balance_rounded_capped", "the effective balance is the amount rounded down to EFFECTIVE_BALANCE_INCREMENT, capped at MAX_EFFECTIVE_BALANCE"},
		{"not_yet_eligible", "all four status epochs are FAR_FUTURE_EPOCH and the validator is not slashed"},
		{"keys_copied", "pubkey and withdrawal credentials are the deposit's"},
	},
})

// mustValidatorFromDeposit is get_validator_from_deposit without checks, for postconditions.
func mustValidatorFromDeposit(m *Model, state *BeaconState, deposit *Deposit) Validator {
	v, _ := (&Model{Config: m.Config}).GetValidatorFromDeposit(state, deposit)
	return v
}
