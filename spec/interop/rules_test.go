package interop

import (
	"errors"
	"testing"

	"github.com/prysmaticlabs/go-bitfield"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
)

// The identity public key: 0xc0 followed by 47 zero bytes, the public key of the secret
// key 0. Its signatures are the infinity signature, 0xc0 followed by 95 zero bytes.
var identityPubkey = spec.BLSPubkey{0xc0}

// A deposit under the identity key with the infinity signature. Under the final rules
// (BLS draft-04) the proof of possession fails KeyValidate, so process_deposit skips the
// deposit: the deposit index advances, no validator is added. Under v0.12.3's rules
// (draft-03) the signature verifies and the validator is added.
func TestDepositUnderIdentityKey(t *testing.T) {
	tests := []struct {
		rules     spec.Rules
		wantAdded bool
	}{
		{spec.RulesFinal, false},
		{spec.RulesV0123, true},
	}
	for _, tt := range tests {
		t.Run(tt.rules.String(), func(t *testing.T) {
			cfg := spec.MustPreset("minimal")
			cfg.Rules = tt.rules
			const n = 64
			log := NewDepositLog(cfg)
			amounts := make([]spec.Gwei, n)
			for i := range amounts {
				amounts[i] = cfg.MaxEffectiveBalance
			}
			if err := log.AppendKeys(NewKeys(n), 0, amounts); err != nil {
				t.Fatal(err)
			}
			state, err := GenesisFrom(cfg, log)
			if err != nil {
				t.Fatal(err)
			}
			// The identity's deposit, signed with the secret key 0.
			message := &spec.DepositMessage{Pubkey: identityPubkey, WithdrawalCredentials: WithdrawalCredentials(cfg, identityPubkey), Amount: cfg.MaxEffectiveBalance}
			root, err := cfg.ComputeSigningRoot(message, cfg.ComputeDomain(cfg.DomainDeposit, nil, nil))
			if err != nil {
				t.Fatal(err)
			}
			sig := bls.Sign(bls.SecretKey{}, root[:])
			if sig != (spec.BLSSignature{0xc0}) {
				t.Fatalf("Sign(0, m) = %x, want the infinity signature", sig)
			}
			data := spec.DepositData{Pubkey: identityPubkey, WithdrawalCredentials: message.WithdrawalCredentials, Amount: message.Amount, Signature: sig}
			if err := log.Append(data); err != nil {
				t.Fatal(err)
			}
			if err := SetEth1Data(state, log.Eth1Data()); err != nil {
				t.Fatal(err)
			}
			deposits, err := log.Deposits(n, n+1, n+1)
			if err != nil {
				t.Fatal(err)
			}
			if err := spec.NewModel(cfg).ProcessDeposit(state, &deposits[0]); err != nil {
				t.Fatalf("process_deposit: %v", err)
			}
			if state.Eth1DepositIndex != n+1 {
				t.Errorf("eth1_deposit_index %d, want %d", state.Eth1DepositIndex, n+1)
			}
			wantLen := n
			if tt.wantAdded {
				wantLen = n + 1
			}
			if len(state.Validators) != wantLen || len(state.Balances) != wantLen {
				t.Fatalf("%d validators, %d balances, want %d", len(state.Validators), len(state.Balances), wantLen)
			}
			if tt.wantAdded && state.Validators[n].Pubkey != identityPubkey {
				t.Errorf("validator %d has pubkey %x, want the identity", n, state.Validators[n].Pubkey)
			}
		})
	}
}

// An attestation whose committee holds a validator with the identity public key, every
// member attesting (the identity member's share of the aggregate is the infinity
// signature, so the aggregate is that of the others). Under the final rules
// is_valid_indexed_attestation rejects it: FastAggregateVerify fails KeyValidate on the
// identity key. Under v0.12.3's rules it is accepted.
func TestAttestationWithIdentityKeyInCommittee(t *testing.T) {
	tests := []struct {
		rules      spec.Rules
		wantReject bool
	}{
		{spec.RulesFinal, true},
		{spec.RulesV0123, false},
	}
	for _, tt := range tests {
		t.Run(tt.rules.String(), func(t *testing.T) {
			cfg := spec.MustPreset("minimal")
			cfg.Rules = tt.rules
			const n = 64
			keys := NewKeys(n)
			state, err := Genesis(cfg, n)
			if err != nil {
				t.Fatal(err)
			}
			m := spec.NewModel(cfg)
			if err := m.ProcessSlots(state, 2); err != nil {
				t.Fatal(err)
			}
			slot, index := spec.Slot(1), spec.CommitteeIndex(0)
			committee, err := m.GetBeaconCommittee(state, slot, index)
			if err != nil {
				t.Fatal(err)
			}
			if len(committee) < 2 {
				t.Fatalf("committee of %d", len(committee))
			}
			data, err := attestationData(m, state, slot, index)
			if err != nil {
				t.Fatal(err)
			}
			root, err := m.ComputeSigningRoot(&data, m.GetDomain(state, m.DomainBeaconAttester, &data.Target.Epoch))
			if err != nil {
				t.Fatal(err)
			}
			identity := committee[0]
			bits := bitfield.NewBitlist(uint64(len(committee)))
			var sigs [][bls.SignatureLength]byte
			for p, v := range committee {
				bits.SetBitAt(uint64(p), true)
				sk := keys.SecretKey(uint64(v))
				if v == identity {
					sk = bls.SecretKey{}
				}
				sigs = append(sigs, bls.Sign(sk, root[:]))
			}
			agg, err := bls.Aggregate(sigs)
			if err != nil {
				t.Fatal(err)
			}
			state.Validators[identity].Pubkey = identityPubkey
			m.ResetCaches()
			err = m.ProcessAttestation(state, &spec.Attestation{AggregationBits: bits, Data: data, Signature: agg})
			if !tt.wantReject {
				if err != nil {
					t.Fatalf("process_attestation: %v, want accepted", err)
				}
				if len(state.CurrentEpochAttestations) != 1 {
					t.Fatalf("%d pending attestations, want 1", len(state.CurrentEpochAttestations))
				}
				return
			}
			var ae *spec.AssertError
			if !errors.As(err, &ae) || ae.Check != spec.CheckAttestationValid {
				t.Fatalf("process_attestation: %v, want the assert %s", err, spec.CheckAttestationValid)
			}
		})
	}
}
