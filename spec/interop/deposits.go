package interop

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/beaconcheck/beaconcheck/merkle"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
)

// WithdrawalCredentials are BLS withdrawal credentials for pubkey, as the honest validator
// guide builds them ("BLS withdrawal key"): BLS_WITHDRAWAL_PREFIX, then hash(pubkey)[1:].
// Interop validators use their signing key as withdrawal key.
func WithdrawalCredentials(cfg *spec.Config, pubkey spec.BLSPubkey) spec.Root {
	wc := spec.Root(sha256.Sum256(pubkey[:]))
	wc[0] = cfg.BLSWithdrawalPrefix
	return wc
}

// DepositData is the signed deposit of amount Gwei for the validator of secret key sk, as
// the honest validator guide builds it ("Submit deposit"): the DepositMessage signed with
// compute_domain(DOMAIN_DEPOSIT), the genesis fork version and a zero genesis validators
// root, so that the proof of possession holds on every fork.
func DepositData(cfg *spec.Config, sk bls.SecretKey, amount spec.Gwei) (spec.DepositData, error) {
	pubkey := spec.BLSPubkey(bls.SkToPk(sk))
	message := &spec.DepositMessage{Pubkey: pubkey, WithdrawalCredentials: WithdrawalCredentials(cfg, pubkey), Amount: amount}
	root, err := cfg.ComputeSigningRoot(message, cfg.ComputeDomain(cfg.DomainDeposit, nil, nil))
	if err != nil {
		return spec.DepositData{}, err
	}
	return spec.DepositData{
		Pubkey:                message.Pubkey,
		WithdrawalCredentials: message.WithdrawalCredentials,
		Amount:                amount,
		Signature:             bls.Sign(sk, root[:]),
	}, nil
}

// DepositLog is the deposit contract as the beacon chain sees it: every deposit's data in
// order and the contract's Merkle tree over them, so that any deposit can be proven
// against the root the contract reported at any later deposit count.
type DepositLog struct {
	cfg  *spec.Config
	data []spec.DepositData
	tree merkle.DepositTree
}

// NewDepositLog returns an empty log for cfg.
func NewDepositLog(cfg *spec.Config) *DepositLog { return &DepositLog{cfg: cfg} }

// Append adds deposits to the log, in order.
func (l *DepositLog) Append(data ...spec.DepositData) error {
	for i := range data {
		leaf, err := spec.HashTreeRoot(l.cfg, &data[i])
		if err != nil {
			return err
		}
		if err := l.tree.Push(leaf); err != nil {
			return err
		}
		l.data = append(l.data, data[i])
	}
	return nil
}

// AppendKeys adds the deposits of interop keys from .. from+len(amounts)-1, key from+i
// depositing amounts[i], signing them on all CPUs. It grows keys to hold them.
func (l *DepositLog) AppendKeys(keys *Keys, from uint64, amounts []spec.Gwei) error {
	to := from + uint64(len(amounts))
	keys.Grow(to)
	data := make([]spec.DepositData, len(amounts))
	errs := make([]error, len(amounts))
	parallel(0, uint64(len(amounts)), func(i uint64) {
		data[i], errs[i] = DepositData(l.cfg, keys.SecretKey(from+i), amounts[i])
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return l.Append(data...)
}

// Len is the number of deposits in the log, the contract's deposit_count.
func (l *DepositLog) Len() uint64 { return uint64(len(l.data)) }

// Data is deposit i's data.
func (l *DepositLog) Data(i uint64) spec.DepositData { return l.data[i] }

// Root is the contract's deposit root when it held the first count deposits.
func (l *DepositLog) Root(count uint64) (spec.Root, error) {
	r, err := l.tree.RootAt(count)
	return spec.Root(r), err
}

// Eth1Data is the eth1 data of the log as it stands: the root and count of all its
// deposits, and Eth1BlockHash(count) as the block they are in.
func (l *DepositLog) Eth1Data() spec.Eth1Data {
	return spec.Eth1Data{DepositRoot: l.tree.Root(), DepositCount: l.Len(), BlockHash: Eth1BlockHash(l.Len())}
}

// Eth1BlockHash is the made-up hash of the Eth1 block in which the interop deposit
// contract reached count deposits: sha256("interop eth1 block" ++ uint64 count).
func Eth1BlockHash(count uint64) spec.Root {
	return spec.Root(sha256.Sum256(binary.LittleEndian.AppendUint64([]byte("interop eth1 block"), count)))
}

// GenesisDeposits returns every deposit of the log with the proof that
// initialize_beacon_state_from_eth1 checks: deposit i against the root of the first i+1
// deposits, the root the state holds while it processes deposit i.
func (l *DepositLog) GenesisDeposits() ([]spec.Deposit, error) {
	out := make([]spec.Deposit, l.Len())
	for i := range out {
		d, err := l.deposit(uint64(i), uint64(i)+1)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// Deposits returns deposits from .. to-1 with proofs against the root of the first count
// deposits, as process_deposit checks them in a block: count is state.eth1_data's
// deposit_count.
func (l *DepositLog) Deposits(from, to, count uint64) ([]spec.Deposit, error) {
	if from > to {
		return nil, &OptionsError{Field: "Deposits", Reason: fmt.Sprintf("range %d..%d is reversed", from, to)}
	}
	out := make([]spec.Deposit, 0, to-from)
	for i := from; i < to; i++ {
		d, err := l.deposit(i, count)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// deposit is deposit index with its proof against the root of the first count deposits.
func (l *DepositLog) deposit(index, count uint64) (spec.Deposit, error) {
	proof, err := l.tree.ProofAt(index, count)
	if err != nil {
		return spec.Deposit{}, err
	}
	d := spec.Deposit{Proof: make([]spec.Root, len(proof)), Data: l.data[index]}
	for k := range proof {
		d.Proof[k] = proof[k]
	}
	return d, nil
}

// Deposits returns the deposits of interop keys 0 .. len(amounts)-1, key i depositing
// amounts[i], proven as initialize_beacon_state_from_eth1 checks them (each against the
// root after it): the deposits of a genesis.
func Deposits(cfg *spec.Config, keys *Keys, amounts []spec.Gwei) ([]spec.Deposit, error) {
	l := NewDepositLog(cfg)
	if err := l.AppendKeys(keys, 0, amounts); err != nil {
		return nil, err
	}
	return l.GenesisDeposits()
}

// BlockDeposits returns the same deposits proven as process_deposit checks them in a
// block, all against the root of the whole list, with the eth1 data that root belongs to.
func BlockDeposits(cfg *spec.Config, keys *Keys, amounts []spec.Gwei) ([]spec.Deposit, spec.Eth1Data, error) {
	l := NewDepositLog(cfg)
	if err := l.AppendKeys(keys, 0, amounts); err != nil {
		return nil, spec.Eth1Data{}, err
	}
	ds, err := l.Deposits(0, l.Len(), l.Len())
	return ds, l.Eth1Data(), err
}

// SetEth1Data prepares state as if the proposers had voted eth1 in: it sets
// state.eth1_data and nothing else, so that the next block must carry the deposits eth1
// makes outstanding. It is not a state transition (the vote takes more than half of an
// EPOCHS_PER_ETH1_VOTING_PERIOD of blocks; BuildChain with BlockOptions.Eth1Vote casts it
// for real), but it reaches a state the chain can reach. eth1 must not count fewer deposits
// than the state has processed.
func SetEth1Data(state *spec.BeaconState, eth1 spec.Eth1Data) error {
	if eth1.DepositCount < state.Eth1DepositIndex {
		return &OptionsError{Field: "Eth1Data", Reason: fmt.Sprintf("deposit count %d is below the %d deposits the state has processed", eth1.DepositCount, state.Eth1DepositIndex)}
	}
	state.Eth1Data = eth1
	return nil
}
