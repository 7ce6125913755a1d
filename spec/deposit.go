package spec

// GetValidatorFromDeposit is the spec's get_validator_from_deposit ("Deposits").
func (m *Model) GetValidatorFromDeposit(state *BeaconState, deposit *Deposit) Validator {
	amount := deposit.Data.Amount
	effectiveBalance := min(amount-amount%m.EffectiveBalanceIncrement, m.MaxEffectiveBalance)
	return Validator{
		Pubkey:                     deposit.Data.Pubkey,
		WithdrawalCredentials:      deposit.Data.WithdrawalCredentials,
		ActivationEligibilityEpoch: FarFutureEpoch,
		ActivationEpoch:            FarFutureEpoch,
		ExitEpoch:                  FarFutureEpoch,
		WithdrawableEpoch:          FarFutureEpoch,
		EffectiveBalance:           effectiveBalance,
	}
}

// ProcessDeposit is the spec's process_deposit ("Deposits").
func (m *Model) ProcessDeposit(state *BeaconState, deposit *Deposit) error {
	// Verify the Merkle branch
	leaf, err := HashTreeRoot(m.Config, &deposit.Data)
	if err != nil {
		return err
	}
	if !IsValidMerkleBranch(leaf, deposit.Proof, DepositContractTreeDepth+1, state.Eth1DepositIndex, state.Eth1Data.DepositRoot) {
		return assertf("process_deposit", CheckDepositProof, "proof of deposit %d does not lead to deposit root %x", state.Eth1DepositIndex, state.Eth1Data.DepositRoot)
	}
	// Deposits must be processed in order
	var k Calc
	state.Eth1DepositIndex = k.Add(state.Eth1DepositIndex, 1)
	if err := k.Err("process_deposit: eth1_deposit_index + 1"); err != nil {
		return err
	}

	pubkey, amount := deposit.Data.Pubkey, deposit.Data.Amount
	for index := range state.Validators {
		if state.Validators[index].Pubkey == pubkey {
			// Increase balance by deposit amount
			return IncreaseBalance(state, ValidatorIndex(index), amount)
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
		if !blsVerify(pubkey, root[:], deposit.Data.Signature) {
			return nil // an invalid proof of possession skips the deposit; it is not an invalid block
		}
	}
	// Add validator and balance entries
	if uint64(len(state.Validators)) >= m.ValidatorRegistryLimit {
		return &IndexError{List: "state.validators (append beyond VALIDATOR_REGISTRY_LIMIT)", Index: uint64(len(state.Validators)), Len: len(state.Validators)}
	}
	state.Validators = append(state.Validators, m.GetValidatorFromDeposit(state, deposit))
	state.Balances = append(state.Balances, amount)
	return nil // the new validator is inactive: no cached entry depends on it
}
