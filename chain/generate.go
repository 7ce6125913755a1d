package chain

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// Options say what chain Generate makes.
type Options struct {
	Config *spec.Config
	// Validators at genesis, each an interop key with one deposit of
	// MAX_EFFECTIVE_BALANCE. At least SLOTS_PER_EPOCH, so that every slot has a committee
	// with a member.
	Validators uint64
	// Epochs of blocks: one block per slot, from the slot after the pre-state's.
	Epochs uint64
	// Participation is the fraction of every committee that attests, in [0, 1].
	Participation float64
	// Deposits adds validators (and a top-up of an existing one) in every eth1 voting
	// period in which the chain's proposers can vote the new deposits in.
	Deposits bool
	// Exits spreads voluntary exits over the chain. Validators may exit
	// SHARD_COMMITTEE_PERIOD epochs after their activation, so the chain then starts at that
	// epoch: the pre-state is the genesis state advanced over empty slots to its first
	// slot.
	Exits bool
	// Slashings spreads proposer slashings and attester slashings (of two validators
	// each) over the chain.
	Slashings bool
	// Seed picks the attesters below full participation and the validators that exit, are
	// slashed or are topped up. The interop keys do not depend on it.
	Seed uint64
	// Progress, when set, is told how far the generation is: the phase ("keys",
	// "genesis", "empty slots", "blocks") and its progress.
	Progress func(phase string, done, total uint64)
	// Context, when set, stops the generation (with its error) once it is done, checked
	// before each block and each epoch of empty slots (Ctrl-C).
	Context context.Context
}

// stopped is the error of the options' context, nil without one.
func (o *Options) stopped() error {
	if o.Context == nil {
		return nil
	}
	return o.Context.Err()
}

// OptionsError is an option Generate cannot honour, and why.
type OptionsError struct {
	Option string // e.g. "Validators"
	Reason string
}

func (e *OptionsError) Error() string { return fmt.Sprintf("chain: %s: %s", e.Option, e.Reason) }

// Chain is a generated chain: a pre-state, the signed blocks applied to it in order, and
// the state after the last.
type Chain struct {
	Pre    *spec.BeaconState
	Blocks []*spec.SignedBeaconBlock
	Post   *spec.BeaconState
	Stats  Stats
	// Notes say what a reader of the chain should know about how it was made.
	Notes []string
}

// Stats count what the chain's blocks carry.
type Stats struct {
	Attestations      int
	Deposits          int
	VoluntaryExits    int
	ProposerSlashings int
	AttesterSlashings int
	// SkippedSlots are slots without a block: their proposer had been slashed, and a
	// slashed proposer's block is invalid.
	SkippedSlots int
}

// check validates the options against the configuration.
func (o *Options) check() error {
	cfg := o.Config
	switch {
	case cfg == nil:
		return &OptionsError{"Config", "no configuration"}
	case o.Validators < cfg.SlotsPerEpoch:
		return &OptionsError{"Validators", fmt.Sprintf("%d validators leave committees empty: each epoch's active validators are split into at least SLOTS_PER_EPOCH (%d) committees, one per slot, so at least %d are needed for every slot to have an attester", o.Validators, cfg.SlotsPerEpoch, cfg.SlotsPerEpoch)}
	case o.Validators > cfg.ValidatorRegistryLimit:
		return &OptionsError{"Validators", fmt.Sprintf("%d validators exceed VALIDATOR_REGISTRY_LIMIT (%d)", o.Validators, cfg.ValidatorRegistryLimit)}
	case o.Validators > 1<<24:
		return &OptionsError{"Validators", fmt.Sprintf("%d validators: deriving and signing with that many interop keys is not supported (at most %d)", o.Validators, 1<<24)}
	case o.Epochs == 0:
		return &OptionsError{"Epochs", "a chain needs at least one epoch of blocks"}
	case o.Epochs > 1<<20:
		return &OptionsError{"Epochs", fmt.Sprintf("%d epochs is more than this generator supports (at most %d)", o.Epochs, 1<<20)}
	case math.IsNaN(o.Participation) || o.Participation < 0 || o.Participation > 1:
		return &OptionsError{"Participation", fmt.Sprintf("%v is not a fraction in [0, 1]", o.Participation)}
	}
	if o.Deposits {
		first, last := o.blockSlots()
		if len(o.depositPeriods(first, last)) == 0 {
			period := cfg.EpochsPerEth1VotingPeriod * cfg.SlotsPerEpoch
			need := (period/2 + 1 + cfg.SlotsPerEpoch - 1) / cfg.SlotsPerEpoch
			return &OptionsError{"Deposits", fmt.Sprintf("deposits after genesis enter the state only when more than half of an eth1 voting period's blocks vote for them (EPOCHS_PER_ETH1_VOTING_PERIOD x SLOTS_PER_EPOCH = %d slots, so %d votes): a chain of %d epochs has no period with that many blocks; use at least %d epochs", period, period/2+1, o.Epochs, need)}
		}
	}
	return nil
}

// startSlot is the pre-state's slot: genesis, or with exits the first slot of epoch
// SHARD_COMMITTEE_PERIOD.
func (o *Options) startSlot() spec.Slot {
	if o.Exits {
		return spec.Slot(o.Config.ShardCommitteePeriod * o.Config.SlotsPerEpoch)
	}
	return spec.Slot(0)
}

// blockSlots is the first and last slot of the chain's blocks.
func (o *Options) blockSlots() (spec.Slot, spec.Slot) {
	start := o.startSlot()
	return start + 1, start + spec.Slot(o.Epochs*o.Config.SlotsPerEpoch)
}

// depositPeriods are the eth1 voting periods in which new deposits are offered: those in
// which the chain has blocks in more than half the period's slots, counted from the first
// block in the period.
func (o *Options) depositPeriods(first, last spec.Slot) []uint64 {
	length := o.Config.EpochsPerEth1VotingPeriod * o.Config.SlotsPerEpoch
	var out []uint64
	for p := uint64(first) / length; p <= uint64(last)/length; p++ {
		from := max(uint64(first), p*length)
		to := min(uint64(last), (p+1)*length-1)
		if to >= from && (to-from+1)*2 > length {
			out = append(out, p)
		}
	}
	return out
}

// Generate builds the chain the options describe. The same options give the same chain,
// byte for byte.
func Generate(o Options) (*Chain, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	cfg := o.Config
	progress := func(phase string, done, total uint64) {
		if o.Progress != nil {
			o.Progress(phase, done, total)
		}
	}
	g := &generator{o: o, cfg: cfg, used: map[spec.ValidatorIndex]bool{}}

	progress("keys", 0, o.Validators)
	g.keys = interop.NewKeys(o.Validators)
	progress("keys", o.Validators, o.Validators)
	progress("genesis", 0, 1)
	g.log = interop.NewDepositLog(cfg)
	if err := g.log.AppendKeys(g.keys, 0, slices.Repeat([]spec.Gwei{cfg.MaxEffectiveBalance}, int(o.Validators))); err != nil {
		return nil, err
	}
	genesis, err := interop.GenesisFrom(cfg, g.log)
	if err != nil {
		return nil, err
	}
	progress("genesis", 1, 1)

	// The model that applies the blocks as they are built: signatures are valid by
	// construction (replay checks them), the state roots are checked here.
	g.m = spec.NewModel(cfg)
	g.m.VerifySignatures = false
	state := genesis
	c := &Chain{}
	if start := o.startSlot(); start > genesis.Slot {
		if err := g.advance(state, start, progress); err != nil {
			return nil, err
		}
		c.Notes = append(c.Notes, fmt.Sprintf("the pre-state is the genesis state advanced over empty slots to slot %d, the start of epoch %d (SHARD_COMMITTEE_PERIOD): validators may exit only that many epochs after their activation", start, cfg.ShardCommitteePeriod))
	}
	c.Pre = state.Copy()

	first, last := o.blockSlots()
	g.plan(first, last)
	if o.Deposits {
		g.depositPeriods = map[uint64]bool{}
		for _, p := range o.depositPeriods(first, last) {
			g.depositPeriods[p] = true
		}
	}
	lastBlock := state.Slot
	total := uint64(last - first + 1)
	for slot := first; slot <= last; slot++ {
		if err := o.stopped(); err != nil {
			return nil, err
		}
		progress("blocks", uint64(slot-first), total)
		block, err := g.block(state, slot, lastBlock)
		var ae *spec.AssertError
		if errors.As(err, &ae) && ae.Check == spec.CheckProposerNotSlashed {
			c.Stats.SkippedSlots++
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := g.m.StateTransition(state, block, true); err != nil {
			return nil, fmt.Errorf("chain: the block built for slot %d does not apply: %w", slot, err)
		}
		c.Blocks = append(c.Blocks, block)
		c.Stats.add(block)
		lastBlock = slot
	}
	progress("blocks", total, total)
	c.Post = state
	switch n := c.Stats.SkippedSlots; {
	case n == 1:
		c.Notes = append(c.Notes, "1 slot has no block: its proposer had been slashed")
	case n > 1:
		c.Notes = append(c.Notes, fmt.Sprintf("%d slots have no block: their proposers had been slashed", n))
	}
	if o.Deposits && c.Stats.Deposits == 0 {
		c.Notes = append(c.Notes, "no deposit was voted in: too few blocks in each eth1 voting period")
	}
	return c, nil
}

func (s *Stats) add(b *spec.SignedBeaconBlock) {
	body := &b.Message.Body
	s.Attestations += len(body.Attestations)
	s.Deposits += len(body.Deposits)
	s.VoluntaryExits += len(body.VoluntaryExits)
	s.ProposerSlashings += len(body.ProposerSlashings)
	s.AttesterSlashings += len(body.AttesterSlashings)
}

// generator is the state of one Generate call.
type generator struct {
	o    Options
	cfg  *spec.Config
	m    *spec.Model
	keys *interop.Keys
	log  *interop.DepositLog

	// The operations' slots.
	exits, proposerSlashings, attesterSlashings map[spec.Slot]bool
	used                                        map[spec.ValidatorIndex]bool // validators already exiting or slashed
	depositPeriods                              map[uint64]bool
	period                                      uint64 // the voting period of the last block
	vote                                        *spec.Eth1Data
	deposits                                    int // deposit periods so far
}

// advance takes the state over empty slots to slot, epoch by epoch for the progress.
func (g *generator) advance(state *spec.BeaconState, slot spec.Slot, progress func(string, uint64, uint64)) error {
	from := state.Slot
	for state.Slot < slot {
		if err := g.o.stopped(); err != nil {
			return err
		}
		next := min(slot, (state.Slot/spec.Slot(g.cfg.SlotsPerEpoch)+1)*spec.Slot(g.cfg.SlotsPerEpoch))
		if err := g.m.ProcessSlots(state, next); err != nil {
			return err
		}
		progress("empty slots", uint64(state.Slot-from), uint64(slot-from))
	}
	return nil
}

// plan spreads the operations evenly over the chain's slots: k operations of a kind at
// first + (i+1) * n / (k+1), i < k, for n slots.
func (g *generator) plan(first, last spec.Slot) {
	n := uint64(last-first) + 1
	spread := func(k uint64, offset uint64) map[spec.Slot]bool {
		out := map[spec.Slot]bool{}
		for i := uint64(0); i < k; i++ {
			out[first+spec.Slot(((i+1)*n/(k+1)+offset)%n)] = true
		}
		return out
	}
	clamp := func(x, lo, hi uint64) uint64 { return max(lo, min(x, hi)) }
	v, e := g.o.Validators, g.o.Epochs
	if g.o.Exits {
		g.exits = spread(clamp(v/32, 1, e), 0)
	}
	if g.o.Slashings {
		g.proposerSlashings = spread(clamp(v/64, 1, e), 1)
		g.attesterSlashings = spread(clamp(v/64, 1, e), 2)
	}
}

// pick chooses one of candidates by the seed, the kind of choice and a counter.
func (g *generator) pick(kind string, n uint64, candidates []spec.ValidatorIndex) (spec.ValidatorIndex, bool) {
	if len(candidates) == 0 {
		return 0, false
	}
	h := sha256.Sum256(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64([]byte("beaconcheck chain "+kind), g.o.Seed), n))
	return candidates[binary.LittleEndian.Uint64(h[:8])%uint64(len(candidates))], true
}

// available are the validators that may exit or be slashed at epoch: active, not exiting,
// not slashed, not chosen before. For exits also old enough.
func (g *generator) available(state *spec.BeaconState, epoch spec.Epoch, exit bool) []spec.ValidatorIndex {
	var out []spec.ValidatorIndex
	if exit {
		out = interop.ExitCandidates(g.m, state, epoch)
	} else {
		for i := range state.Validators {
			v := &state.Validators[i]
			if spec.IsActiveValidator(v, epoch) && v.ExitEpoch == spec.FarFutureEpoch && !v.Slashed {
				out = append(out, spec.ValidatorIndex(i))
			}
		}
	}
	return slices.DeleteFunc(out, func(i spec.ValidatorIndex) bool { return g.used[i] })
}

// block builds the block of slot on state, lastBlock the slot of the block before.
func (g *generator) block(state *spec.BeaconState, slot, lastBlock spec.Slot) (*spec.SignedBeaconBlock, error) {
	opts := interop.BlockOptions{
		Slot:             slot,
		Participation:    g.o.Participation,
		Seed:             g.o.Seed,
		AttestationSlots: uint64(slot - lastBlock), // every slot since the last block, so skipped slots' committees still attest
		Deposits:         g.log,
	}
	epoch := g.cfg.ComputeEpochAtSlot(slot)
	n := uint64(slot)
	var chosen []spec.ValidatorIndex
	if g.exits[slot] {
		if v, ok := g.pick("exit", n, g.available(state, epoch, true)); ok {
			opts.VoluntaryExits = []spec.ValidatorIndex{v}
			chosen = append(chosen, v)
			g.used[v] = true
		}
	}
	if g.proposerSlashings[slot] {
		if v, ok := g.pick("proposer slashing", n, g.available(state, epoch, false)); ok {
			opts.ProposerSlashings = []spec.ValidatorIndex{v}
			chosen = append(chosen, v)
			g.used[v] = true
		}
	}
	if g.attesterSlashings[slot] {
		var set []spec.ValidatorIndex
		for k := uint64(0); k < 2; k++ {
			if v, ok := g.pick("attester slashing", 2*n+k, g.available(state, epoch, false)); ok {
				set = append(set, v)
				g.used[v] = true
			}
		}
		if len(set) > 0 {
			opts.AttesterSlashings = [][]spec.ValidatorIndex{set}
			chosen = append(chosen, set...)
		}
	}
	if err := g.eth1Vote(state, slot, &opts); err != nil {
		return nil, err
	}
	block, err := interop.BuildBlock(g.m, state, g.keys, opts)
	if err != nil {
		for _, v := range chosen { // the slot is skipped: its choices are free again
			delete(g.used, v)
		}
		return nil, err
	}
	return block, nil
}

// eth1Vote sets the block's eth1 vote: at the first block of a deposit period, new
// deposits are made and every block of the period votes for the deposit contract's new
// state; otherwise the block votes for the state's eth1_data.
func (g *generator) eth1Vote(state *spec.BeaconState, slot spec.Slot, opts *interop.BlockOptions) error {
	length := g.cfg.EpochsPerEth1VotingPeriod * g.cfg.SlotsPerEpoch
	p := uint64(slot) / length
	if g.vote != nil && p == g.period {
		opts.Eth1Vote = g.vote
		return nil
	}
	g.vote, g.period = nil, p
	if !g.depositPeriods[p] {
		return nil
	}
	// New validators, up to MAX_DEPOSITS - 1, and a top-up of an existing one: all fit in the
	// one block that votes them in.
	fresh := max(1, min(g.o.Validators/64, g.cfg.MaxDeposits-1))
	from := g.keys.Len()
	if err := g.log.AppendKeys(g.keys, from, slices.Repeat([]spec.Gwei{g.cfg.MaxEffectiveBalance}, int(fresh))); err != nil {
		return err
	}
	g.deposits++
	epoch := g.cfg.ComputeEpochAtSlot(slot)
	if v, ok := g.pick("top-up", uint64(g.deposits), g.available(state, epoch, false)); ok {
		i, known := g.keys.Index(state.Validators[v].Pubkey)
		if !known {
			return fmt.Errorf("chain: validator %d has no interop key", v)
		}
		data, err := interop.DepositData(g.cfg, g.keys.SecretKey(i), spec.Gwei(1_000_000_000))
		if err != nil {
			return err
		}
		if err := g.log.Append(data); err != nil {
			return err
		}
	}
	vote := g.log.Eth1Data()
	g.vote = &vote
	opts.Eth1Vote = g.vote
	return nil
}
