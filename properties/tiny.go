package properties

import (
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"sync"

	"github.com/leanovate/gopter"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// The tiny config and the chains drawn on it: the states that expose faults of the epoch
// transition and the slashing operations which, on the presets, lie tens or hundreds of
// epochs from genesis (a slashed validator reaching its withdrawable epoch, an exited one
// within EPOCHS_PER_SLASHINGS_VECTOR / 2 epochs of it, a full registry). On tiny they are a
// few epochs from genesis, reached by honest blocks alone: deposits arrive through the
// blocks' eth1 votes, exits and slashings are operations of the blocks.

// TinyName is the CONFIG_NAME of the tiny config, registered as a base (RegisterBase) so
// that recipes and `props --preset` can name it.
const TinyName = "tiny"

// TinyConfig is the tiny config: minimal with the constants that keep those states far
// from genesis made small, and valid by spec.Config.Validate:
//
//	SLOTS_PER_EPOCH                      4   (minimal 8)   a chain of 7 epochs is 28 slots
//	MAX_SEED_LOOKAHEAD                   1   (minimal 4)   an exit or activation takes effect 2 epochs on
//	EPOCHS_PER_ETH1_VOTING_PERIOD        1   (minimal 4)   3 blocks of an epoch adopt a vote, so deposits arrive in the epoch they are made
//	SHARD_COMMITTEE_PERIOD               1   (minimal 64)  genesis validators may exit from epoch 1
//	MIN_VALIDATOR_WITHDRAWABILITY_DELAY  1   (minimal 256) an exit is withdrawable 1 epoch after its exit epoch
//	EPOCHS_PER_SLASHINGS_VECTOR          4   (minimal 64)  a slashed validator is withdrawable 4 epochs on, process_slashings penalises 2 epochs before that
//	MIN_PER_EPOCH_CHURN_LIMIT            2   (minimal 4)
//	CHURN_LIMIT_QUOTIENT                 8   (minimal 65536) the churn limit grows above its minimum from 16 active validators
//	VALIDATOR_REGISTRY_LIMIT             64  (minimal 2**40) a registry fills with a few blocks of deposits
//	MIN_SLASHING_PENALTY_QUOTIENT        1   (minimal 32)  slash_validator takes the whole effective balance, so a slashed
//	                                                           validator's balance can be below its penalties in the epoch it is slashed
//
// Everything else is minimal's (MAX_EFFECTIVE_BALANCE 32 ETH, EJECTION_BALANCE 16 ETH,
// TARGET_COMMITTEE_SIZE 4, MAX_DEPOSITS 16, ...).
func TinyConfig() *spec.Config { c := *tinyConfig(); return &c }

var tinyConfig = sync.OnceValue(func() *spec.Config {
	c, err := spec.Preset("minimal")
	if err != nil {
		panic(err)
	}
	c.ConfigName = TinyName
	c.SlotsPerEpoch = 4
	c.MaxSeedLookahead = 1
	c.EpochsPerEth1VotingPeriod = 1
	c.ShardCommitteePeriod = 1
	c.MinValidatorWithdrawabilityDelay = 1
	c.EpochsPerSlashingsVector = 4
	c.MinPerEpochChurnLimit = 2
	c.ChurnLimitQuotient = 8
	c.ValidatorRegistryLimit = 64
	c.MinSlashingPenaltyQuotient = 1
	if err := c.Validate(); err != nil {
		panic(fmt.Sprintf("the tiny config is invalid: %v", err))
	}
	return c
})

func init() { RegisterBase(TinyName, tinyConfig()) }

// TinyChain is a chain from a genesis of Validators validators on the tiny config, every
// slot with a block (unsigned; the model runs with signature verification off) in which
// Participation percent of each committee since the previous block attests, and these
// operations:
//
//   - epoch 1: the proposer of its first block (which includes attestations of epoch 0, so
//     earns inclusion rewards at the end of epoch 1) is slashed by a proposer slashing in
//     its second block, and Exits validators exit voluntarily; deposits of QueueA new
//     validators of MAX_EFFECTIVE_BALANCE and Partial new validators of at most
//     EJECTION_BALANCE (never topped up, so never activated) are made;
//   - epoch 2: deposits of QueueB more new validators; a double vote slashes AttesterSlashed
//     validators;
//   - then blocks alone, to the end of epoch Epochs - 1.
//
// So the chain holds an activation queue longer than the churn limit whose validators
// became eligible in two epochs, a registry at or above MIN_PER_EPOCH_CHURN_LIMIT *
// CHURN_LIMIT_QUOTIENT active validators, validators deposited below the ejection
// balance, slashed validators reaching previous_epoch + 1 == withdrawable_epoch, and
// exited validators whose withdrawable epoch comes while the slashings vector holds their
// epoch's slashings. Seed picks the validators of the operations and the deposits' amounts.
type TinyChain struct {
	Validators      uint64
	Participation   uint8
	Exits           uint64
	QueueA, QueueB  uint64
	Partial         uint64
	AttesterSlashed uint64
	Epochs          uint64
	Seed            uint64
}

func (c TinyChain) String() string {
	return fmt.Sprintf("tiny genesis of %d validators, %d epochs of blocks with %d%% participation; epoch 1: the first proposer slashed, %s, "+
		"%s of new validators and %s below the ejection balance; epoch 2: %s, a double vote of %d; seed %d",
		c.Validators, c.Epochs, c.Participation, count(c.Exits, "exit"), count(c.QueueA, "deposit"), count(c.Partial, "deposit"),
		count(c.QueueB, "deposit"), c.AttesterSlashed, c.Seed)
}

// tinyChains draws TinyChains. The genesis has 20 to 28 validators, so that with the few
// exits and slashings at least 16 stay active (the churn limit is then active // 8, above
// the minimum or at it); the first deposits exceed the churn limit of at most 3.
func tinyChains() gopter.Gen {
	return generator(drawTinyChain, func(c TinyChain) []TinyChain {
		var out []TinyChain
		for _, e := range towards(c.Epochs, 7) {
			d := c
			d.Epochs = e
			out = append(out, d)
		}
		if c.Participation != 100 {
			d := c
			d.Participation = 100
			out = append(out, d)
		}
		for _, f := range []func(*TinyChain) *uint64{
			func(d *TinyChain) *uint64 { return &d.Exits }, func(d *TinyChain) *uint64 { return &d.QueueB },
			func(d *TinyChain) *uint64 { return &d.Partial }, func(d *TinyChain) *uint64 { return &d.AttesterSlashed },
		} {
			for _, v := range towards(*f(&c), 0) {
				d := c
				*f(&d) = v
				out = append(out, d)
			}
		}
		for _, v := range towards(c.QueueA, 0) {
			d := c
			d.QueueA = v
			out = append(out, d)
		}
		for _, v := range towards(c.Validators, 16) {
			d := c
			d.Validators = v
			out = append(out, d)
		}
		return out
	})
}

func drawTinyChain(r *rand.Rand) TinyChain {
	return TinyChain{
		Validators:      between(r, 20, 28),
		Participation:   pick[uint8](r, 100, 100, 85),
		Exits:           between(r, 1, 2),
		QueueA:          between(r, 4, 7),
		QueueB:          between(r, 3, 5),
		Partial:         between(r, 1, 2),
		AttesterSlashed: between(r, 1, 3),
		Epochs:          between(r, 7, 8),
		Seed:            r.Uint64() >> 1,
	}
}

// tinyObservers are told of a tiny chain's transitions. A non-empty answer is a failure.
type tinyObservers struct {
	// epoch: pre is a state at the last slot of an epoch, post the state one slot later.
	epoch func(pre, post *spec.BeaconState) string
	// block: before is the state at the slot before block's, after the state after it.
	block func(before, after *spec.BeaconState, block *spec.SignedBeaconBlock) string
	// ops: at is the state at the first slot of an epoch (from epoch 1), before its block.
	ops func(at *spec.BeaconState) string
}

// tinyDriver runs a chain on the tiny config slot by slot.
type tinyDriver struct {
	cfg   *spec.Config
	m     *spec.Model // the transition under test, checked when the run is
	state *spec.BeaconState
	log   *interop.DepositLog
	vote  spec.Eth1Data // what the blocks vote for
	part  float64
	last  spec.Slot // slot of the last block
	obs   tinyObservers
	next  uint64 // next fresh pubkey number
}

// newTinyDriver makes the genesis of n validators, all of MAX_EFFECTIVE_BALANCE, with
// made-up keys.
func newTinyDriver(env *Env, n uint64, participation uint8, obs tinyObservers) (*tinyDriver, error) {
	cfg := tinyConfig()
	log := interop.NewDepositLog(cfg)
	for i := uint64(0); i < n; i++ {
		if err := log.Append(tinyDeposit(cfg, i, cfg.MaxEffectiveBalance)); err != nil {
			return nil, err
		}
	}
	state, err := interop.GenesisFrom(cfg, log)
	if err != nil {
		return nil, err
	}
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	m.Checked = env.checks()
	return &tinyDriver{cfg: cfg, m: m, state: state, log: log, vote: log.Eth1Data(), part: float64(participation) / 100, obs: obs, next: n}, nil
}

// tinyDeposit is the deposit data of made-up key number i.
func tinyDeposit(cfg *spec.Config, i uint64, amount spec.Gwei) spec.DepositData {
	pk := interop.FakePubkey(i)
	return spec.DepositData{Pubkey: pk, WithdrawalCredentials: interop.WithdrawalCredentials(cfg, pk), Amount: amount}
}

// deposit appends deposits of new validators of these amounts to the log, and the blocks
// vote for it from now on.
func (d *tinyDriver) deposit(amounts ...spec.Gwei) error {
	for _, a := range amounts {
		if err := d.log.Append(tinyDeposit(d.cfg, d.next, a)); err != nil {
			return err
		}
		d.next++
	}
	d.vote = d.log.Eth1Data()
	return nil
}

// at is a copy of the state advanced to slot (the state a block of slot processes).
func (d *tinyDriver) at(slot spec.Slot) (*spec.BeaconState, error) {
	at := d.state.Copy()
	if at.Slot < slot {
		if err := d.m.ProcessSlots(at, slot); err != nil {
			return nil, fmt.Errorf("process_slots to %d: %w", slot, err)
		}
	}
	return at, nil
}

// slot runs slot s (the state is at s - 1): the epoch transition first when s starts an
// epoch, told to the observer on a copy; then the block of s with opts' operations, or an
// empty slot when its proposer is slashed. It returns a failure, or an error of the
// harness.
func (d *tinyDriver) slot(s spec.Slot, opts interop.BlockOptions) (string, error) {
	if uint64(s)%d.cfg.SlotsPerEpoch == 0 {
		post := d.state.Copy()
		if err := d.m.ProcessSlots(post, s); err != nil {
			return fmt.Sprintf("the epoch transition to slot %d fails: %v", s, err), nil
		}
		if d.obs.epoch != nil {
			if r := d.obs.epoch(d.state, post); r != "" {
				return r, nil
			}
		}
		if d.obs.ops != nil && s >= spec.Slot(d.cfg.SlotsPerEpoch) {
			if r := d.obs.ops(post); r != "" {
				return r, nil
			}
		}
	}
	opts.Slot = s
	opts.Participation = d.part
	opts.Seed = uint64(s)
	opts.AttestationSlots = uint64(s - d.last)
	opts.Deposits = d.log
	opts.NoSignatures = true
	vote := d.vote
	opts.Eth1Vote = &vote
	block, err := interop.BuildBlock(d.m, d.state, nil, opts)
	var ae *spec.AssertError
	if errors.As(err, &ae) && ae.Check == spec.CheckProposerNotSlashed {
		// a slashed validator's turn: the slot stays empty
		if err := d.m.ProcessSlots(d.state, s); err != nil {
			return fmt.Sprintf("process_slots to %d: %v", s, err), nil
		}
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("building the block of slot %d: %w", s, err)
	}
	post := d.state.Copy()
	if err := d.m.StateTransition(post, block, true); err != nil {
		return fmt.Sprintf("the honest block of slot %d is rejected: %v", s, err), nil
	}
	if d.obs.block != nil {
		if r := d.obs.block(d.state, post, block); r != "" {
			return r, nil
		}
	}
	d.state, d.last = post, s
	return "", nil
}

// run builds and runs the chain, telling obs of every transition.
func (c TinyChain) run(env *Env, obs tinyObservers) (string, error) {
	d, err := newTinyDriver(env, c.Validators, c.Participation, obs)
	if err != nil {
		return "", err
	}
	cfg := d.cfg
	r := rand.New(rand.NewSource(int64(c.Seed)))
	spe := spec.Slot(cfg.SlotsPerEpoch)
	var firstProposer spec.ValidatorIndex
	slashedFirst := false
	for s := spec.Slot(1); s <= spec.Slot(c.Epochs)*spe; s++ {
		var opts interop.BlockOptions
		switch {
		case s == spe: // epoch 1 begins: its deposits
			amounts := make([]spec.Gwei, 0, c.QueueA+c.Partial)
			for range c.QueueA {
				amounts = append(amounts, cfg.MaxEffectiveBalance)
			}
			for range c.Partial {
				amounts = append(amounts, spec.Gwei(between(r, uint64(cfg.MinDepositAmount), uint64(cfg.EjectionBalance))))
			}
			if err := d.deposit(amounts...); err != nil {
				return "", err
			}
		case s == 2*spe:
			amounts := make([]spec.Gwei, c.QueueB)
			for i := range amounts {
				amounts[i] = cfg.MaxEffectiveBalance
			}
			if err := d.deposit(amounts...); err != nil {
				return "", err
			}
		}
		if s > spe && s < 2*spe && !slashedFirst || s == 2*spe+1 {
			at, err := d.at(s)
			if err != nil {
				return "", err
			}
			proposer, err := d.m.GetBeaconProposerIndex(at)
			if err != nil {
				return "", err
			}
			epoch := d.m.GetCurrentEpoch(at)
			if s == 2*spe+1 {
				set := tinyPick(r, slashableAt(at, epoch, proposer), int(c.AttesterSlashed))
				if len(set) > 0 {
					opts.AttesterSlashings = [][]spec.ValidatorIndex{set}
				}
			} else if proposer != firstProposer && spec.IsSlashableValidator(&at.Validators[firstProposer], epoch) {
				opts.ProposerSlashings = []spec.ValidatorIndex{firstProposer}
				var exits []spec.ValidatorIndex
				for _, v := range interop.ExitCandidates(d.m, at, epoch) {
					if v != proposer && v != firstProposer {
						exits = append(exits, v)
					}
				}
				opts.VoluntaryExits = tinyPick(r, exits, int(c.Exits))
				slashedFirst = true
			}
		}
		fail, err := d.slot(s, opts)
		if fail != "" || err != nil {
			return fail, err
		}
		if s == spe && d.last == s {
			firstProposer = d.state.LatestBlockHeader.ProposerIndex
		}
	}
	// the epoch transition at the end of the last epoch
	end := spec.Slot(c.Epochs)*spe + 1
	return d.slot(end, interop.BlockOptions{})
}

// slashableAt lists the validators slashable at epoch, but not skip (the block's proposer).
func slashableAt(state *spec.BeaconState, epoch spec.Epoch, skip spec.ValidatorIndex) []spec.ValidatorIndex {
	var out []spec.ValidatorIndex
	for i := range state.Validators {
		if spec.ValidatorIndex(i) != skip && plainSlashable(&state.Validators[i], epoch) {
			out = append(out, spec.ValidatorIndex(i))
		}
	}
	return out
}

// tinyPick is n distinct elements of from, in increasing order, picked by r.
func tinyPick(r *rand.Rand, from []spec.ValidatorIndex, n int) []spec.ValidatorIndex {
	from = slices.Clone(from)
	r.Shuffle(len(from), func(i, j int) { from[i], from[j] = from[j], from[i] })
	out := from[:min(n, len(from))]
	slices.Sort(out)
	return out
}

// Plain predicates of the spec, written out here so that the properties do not check the
// model's helpers against themselves.

// plainActive is is_active_validator.
func plainActive(v *spec.Validator, epoch spec.Epoch) bool {
	return v.ActivationEpoch <= epoch && epoch < v.ExitEpoch
}

// plainSlashable is is_slashable_validator.
func plainSlashable(v *spec.Validator, epoch spec.Epoch) bool {
	return !v.Slashed && v.ActivationEpoch <= epoch && epoch < v.WithdrawableEpoch
}

// plainEligible is the filter of get_eligible_validator_indices at previous epoch prev.
func plainEligible(v *spec.Validator, prev spec.Epoch) bool {
	return plainActive(v, prev) || v.Slashed && prev+1 < v.WithdrawableEpoch
}

// epochOf is the epoch of a state's slot.
func epochOf(cfg *spec.Config, state *spec.BeaconState) spec.Epoch {
	return spec.Epoch(uint64(state.Slot) / cfg.SlotsPerEpoch)
}
