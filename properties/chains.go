package properties

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"

	"github.com/leanovate/gopter"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// Step is one slot of a chain: an empty slot, or a block built by interop.BuildBlock with
// Participation percent of every committee since the previous block attesting and the
// operations asked for.
type Step struct {
	Empty             bool
	Participation     uint8 // percent
	Exits             uint8 // voluntary exits of validators eligible to exit
	ProposerSlashings uint8 // validators slashed for two signed headers
	AttesterSlashing  uint8 // size of one set of validators slashed for a double vote
}

func (s Step) String() string {
	if s.Empty {
		return "empty"
	}
	parts := []string{fmt.Sprintf("block %d%%", s.Participation)}
	if s.Exits > 0 {
		parts = append(parts, count(uint64(s.Exits), "exit"))
	}
	if s.ProposerSlashings > 0 {
		parts = append(parts, count(uint64(s.ProposerSlashings), "proposer slashing"))
	}
	if s.AttesterSlashing > 0 {
		parts = append(parts, fmt.Sprintf("attester slashing of %d", s.AttesterSlashing))
	}
	return strings.Join(parts, " ")
}

// ChainRecipe is a state and the slots after it: the pre-state of State, then, when Deposits
// or TopUps are set, a deposit log with that many new deposits (new validators of
// MAX_EFFECTIVE_BALANCE, top-ups of MIN_DEPOSIT_AMOUNT to existing validators) voted into
// the state's eth1_data (interop.SetEth1Data), so the next blocks must carry them with
// their proofs; then one Step per slot.
type ChainRecipe struct {
	State    StateRecipe
	Deposits uint64
	TopUps   uint64
	Steps    []Step
}

func (c ChainRecipe) String() string {
	var b strings.Builder
	b.WriteString(c.State.String())
	if c.Deposits > 0 || c.TopUps > 0 {
		fmt.Fprintf(&b, "; %s of new validators and %s outstanding", count(c.Deposits, "deposit"), count(c.TopUps, "top-up"))
	}
	fmt.Fprintf(&b, "; %s: ", count(uint64(len(c.Steps)), "slot"))
	// runs of equal steps, "8 x block 100%"
	for i := 0; i < len(c.Steps); {
		j := i
		for j < len(c.Steps) && c.Steps[j] == c.Steps[i] {
			j++
		}
		if i > 0 {
			b.WriteString(", ")
		}
		if j-i > 1 {
			fmt.Fprintf(&b, "%d x ", j-i)
		}
		b.WriteString(c.Steps[i].String())
		i = j
	}
	return b.String()
}

// chainBuilder makes a chain's blocks one slot at a time on the state transition under
// test, which need not be the one interop.BuildBlock computes state roots with (the spec as
// written): each block is processed by tr, and when tr's post-state differs (the fix
// activated fewer validators) the block gets tr's state root and is signed again.
type chainBuilder struct {
	env    *Env
	recipe ChainRecipe
	cfg    *spec.Config
	tr     transition
	m      *spec.Model // for accessors, unchecked
	keys   *interop.Keys
	log    *interop.DepositLog
	signed bool

	pre    *spec.BeaconState // the chain's pre-state, with the deposits voted in
	state  *spec.BeaconState // the state after the steps run so far
	blocks []*spec.SignedBeaconBlock
	// rejected is the block the transition under test rejected, when it did.
	rejected *spec.SignedBeaconBlock
}

// builder prepares a chain on pre (the recipe's state, already built).
func (c ChainRecipe) builder(env *Env, tr transition, pre *spec.BeaconState) (*chainBuilder, error) {
	cfg, err := c.State.Config.Config()
	if err != nil {
		return nil, err
	}
	b := &chainBuilder{env: env, recipe: c, cfg: cfg, tr: tr, m: spec.NewModel(cfg), signed: c.State.signed(), pre: pre}
	b.m.VerifySignatures = false
	if c.State.keyed() {
		b.keys = keysUpTo(uint64(len(pre.Validators)) + c.Deposits)
	}
	if c.Deposits > 0 || c.TopUps > 0 {
		if err := b.depositLog(); err != nil {
			return nil, err
		}
	}
	b.state = pre.Copy()
	return b, nil
}

// depositLog makes the log the chain's deposits come from: the deposits the pre-state has
// processed (stand-ins with its validators' keys; only their leaves matter, for the root),
// then the new ones, and votes it into the pre-state's eth1_data.
func (b *chainBuilder) depositLog() error {
	cfg, pre := b.cfg, b.pre
	log := interop.NewDepositLog(cfg)
	processed := make([]spec.DepositData, pre.Eth1DepositIndex)
	for i := range processed {
		if i < len(pre.Validators) {
			v := &pre.Validators[i]
			processed[i] = spec.DepositData{Pubkey: v.Pubkey, WithdrawalCredentials: v.WithdrawalCredentials, Amount: cfg.MaxEffectiveBalance}
		}
	}
	if err := log.Append(processed...); err != nil {
		return err
	}
	next := uint64(len(pre.Validators))
	for k := uint64(0); k < b.recipe.Deposits+b.recipe.TopUps; k++ {
		amount, who := cfg.MaxEffectiveBalance, next
		if k >= b.recipe.Deposits { // a top-up of an existing validator
			amount, who = cfg.MinDepositAmount, (k*31)%max(1, uint64(len(pre.Validators)))
		} else {
			next++
		}
		var data spec.DepositData
		if b.keys != nil {
			var err error
			if data, err = interop.DepositData(cfg, b.keys.SecretKey(b.keyIndex(who)), amount); err != nil {
				return err
			}
		} else {
			pk := pre.Validators[min(who, uint64(len(pre.Validators))-1)].Pubkey
			if who >= uint64(len(pre.Validators)) {
				pk = interop.FakePubkey(who)
			}
			data = spec.DepositData{Pubkey: pk, WithdrawalCredentials: interop.WithdrawalCredentials(cfg, pk), Amount: amount}
		}
		if err := log.Append(data); err != nil {
			return err
		}
	}
	b.log = log
	return interop.SetEth1Data(pre, log.Eth1Data())
}

// keyIndex is the interop key of validator (or new depositor) i of a signed chain.
func (b *chainBuilder) keyIndex(i uint64) uint64 {
	if i < uint64(len(b.pre.Validators)) {
		if k, ok := b.keys.Index(b.pre.Validators[i].Pubkey); ok {
			return k
		}
	}
	return i
}

// observer is told of every transition of a chain: before and after a block (block set)
// or a run of empty slots (block nil). A non-empty answer stops the chain as a failure.
type observer func(before, after *spec.BeaconState, block *spec.SignedBeaconBlock) string

// failure is a property failure found while a chain runs.
type failure struct{ reason string }

func (f *failure) Error() string { return f.reason }

// run builds and processes every step. It returns a *failure when obs objects, the model's
// error when the state transition under test rejects a block it should accept.
func (b *chainBuilder) run(obs observer) error {
	for i, step := range b.recipe.Steps {
		slot := b.pre.Slot + spec.Slot(i+1)
		if step.Empty {
			continue
		}
		if err := b.block(slot, step, obs); err != nil {
			return err
		}
	}
	end := b.pre.Slot + spec.Slot(len(b.recipe.Steps))
	if b.state.Slot < end {
		before := b.state.Copy()
		if err := b.tr.ProcessSlots(b.state, end); err != nil {
			return fmt.Errorf("process_slots to %d: %w", end, err)
		}
		if obs != nil {
			if r := obs(before, b.state, nil); r != "" {
				return &failure{r}
			}
		}
	}
	return nil
}

// block builds the block of one step at slot and processes it.
func (b *chainBuilder) block(slot spec.Slot, step Step, obs observer) error {
	if b.state.Slot+1 < slot { // empty slots first, one transition
		before := b.state.Copy()
		if err := b.tr.ProcessSlots(b.state, slot-1); err != nil {
			return fmt.Errorf("process_slots to %d: %w", slot-1, err)
		}
		if obs != nil {
			if r := obs(before, b.state, nil); r != "" {
				return &failure{r}
			}
		}
	}
	opts := interop.BlockOptions{
		Slot:             slot,
		Participation:    float64(step.Participation) / 100,
		Seed:             uint64(slot),
		AttestationSlots: uint64(slot - b.lastBlockSlot()),
		Deposits:         b.log,
		NoSignatures:     !b.signed,
	}
	if step.Exits > 0 || step.ProposerSlashings > 0 || step.AttesterSlashing > 0 {
		if err := b.operations(slot, step, &opts); err != nil {
			return err
		}
	}
	block, err := interop.BuildBlock(b.m, b.state, b.keys, opts)
	var ae *spec.AssertError
	if errors.As(err, &ae) && ae.Check == spec.CheckProposerNotSlashed {
		return nil // a slashed validator's turn to propose: the slot stays empty
	}
	if err != nil {
		return fmt.Errorf("building the block of slot %d: %w", slot, err)
	}
	post := b.state.Copy()
	if err := b.tr.StateTransition(post, block, true); err != nil {
		if !errors.As(err, &ae) || ae.Check != spec.CheckStateRoot {
			b.rejected = block
			return fmt.Errorf("block of slot %d: %w", slot, err)
		}
		// tr's post-state differs from the builder's: give the block tr's root.
		if block, err = b.reroot(block); err != nil {
			return err
		}
		post = b.state.Copy()
		if err := b.tr.StateTransition(post, block, true); err != nil {
			b.rejected = block
			return fmt.Errorf("block of slot %d, with the state root of the transition under test: %w", slot, err)
		}
	}
	b.blocks = append(b.blocks, block)
	before := b.state
	b.state = post
	if obs != nil {
		if r := obs(before, post, block); r != "" {
			return &failure{r}
		}
	}
	return nil
}

func (b *chainBuilder) lastBlockSlot() spec.Slot {
	if len(b.blocks) == 0 {
		return b.pre.LatestBlockHeader.Slot
	}
	return b.blocks[len(b.blocks)-1].Message.Slot
}

// reroot returns block with the state root tr computes, signed again by its proposer.
func (b *chainBuilder) reroot(block *spec.SignedBeaconBlock) (*spec.SignedBeaconBlock, error) {
	post := b.state.Copy()
	if err := b.tr.StateTransition(post, block, false); err != nil {
		return nil, err
	}
	root, err := spec.HashTreeRoot(b.cfg, post)
	if err != nil {
		return nil, err
	}
	out := *block
	out.Message.StateRoot = root
	if b.signed {
		if out.Signature, err = signBlock(b.cfg, b.keys, post, &out.Message, out.Message.ProposerIndex); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// signBlock is validator v's signature of block, at is a state at the block's slot.
func signBlock(cfg *spec.Config, keys *interop.Keys, at *spec.BeaconState, block *spec.BeaconBlock, v spec.ValidatorIndex) (spec.BLSSignature, error) {
	m := spec.NewModel(cfg)
	root, err := m.ComputeSigningRoot(block, m.GetDomain(at, m.DomainBeaconProposer, nil))
	if err != nil {
		return spec.BLSSignature{}, err
	}
	k, ok := keys.Index(at.Validators[v].Pubkey)
	if !ok {
		return spec.BLSSignature{}, fmt.Errorf("no key for validator %d", v)
	}
	return bls.Sign(keys.SecretKey(k), root[:]), nil
}

// operations picks the validators of a step's exits and slashings: distinct, not the
// block's proposer, deterministic in the slot.
func (b *chainBuilder) operations(slot spec.Slot, step Step, opts *interop.BlockOptions) error {
	at := b.state.Copy()
	if at.Slot < slot {
		if err := b.m.ProcessSlots(at, slot); err != nil {
			return fmt.Errorf("process_slots to %d: %w", slot, err)
		}
	}
	proposer, err := b.m.GetBeaconProposerIndex(at)
	if err != nil {
		return err
	}
	epoch := b.m.ComputeEpochAtSlot(slot)
	used := map[spec.ValidatorIndex]bool{proposer: true}
	take := func(from []spec.ValidatorIndex, n int) []spec.ValidatorIndex {
		var out []spec.ValidatorIndex
		if len(from) == 0 {
			return out
		}
		start := int(uint64(slot)*2654435761) % len(from)
		for k := 0; k < len(from) && len(out) < n; k++ {
			v := from[(start+k)%len(from)]
			if !used[v] {
				used[v] = true
				out = append(out, v)
			}
		}
		return out
	}
	opts.VoluntaryExits = take(interop.ExitCandidates(b.m, at, epoch), int(min(uint64(step.Exits), b.cfg.MaxVoluntaryExits)))
	var slashable []spec.ValidatorIndex
	for i := range at.Validators {
		if spec.IsSlashableValidator(&at.Validators[i], epoch) {
			slashable = append(slashable, spec.ValidatorIndex(i))
		}
	}
	opts.ProposerSlashings = take(slashable, int(min(uint64(step.ProposerSlashings), b.cfg.MaxProposerSlashings)))
	if step.AttesterSlashing > 0 && b.cfg.MaxAttesterSlashings > 0 {
		if set := take(slashable, int(min(uint64(step.AttesterSlashing), b.cfg.MaxValidatorsPerCommittee))); len(set) > 0 {
			opts.AttesterSlashings = [][]spec.ValidatorIndex{set}
		}
	}
	return nil
}

// build makes the chain's pre-state and runs it on tr, telling obs of every transition.
// It returns the builder (pre, blocks, the state reached) also when obs objected (err is
// then a *failure).
func (c ChainRecipe) build(env *Env, tr transition, obs observer) (*chainBuilder, error) {
	pre, err := c.State.build(env, tr)
	if err != nil {
		return nil, err
	}
	b, err := c.builder(env, tr, pre)
	if err != nil {
		return nil, err
	}
	return b, b.run(obs)
}

// ChainSpace says which chains a chain generator draws.
type ChainSpace struct {
	State StateSpace
	// MinEpochs, MaxEpochs bound the chain's length in epochs.
	MinEpochs, MaxEpochs uint64
	// MaxDeposits, MaxTopUps bound the outstanding deposits.
	MaxDeposits, MaxTopUps uint64
	// EmptyPercent is the share of empty slots; Operations allows exits and slashings.
	EmptyPercent int
	Operations   bool
}

func (s ChainSpace) draw(r *rand.Rand) ChainRecipe {
	c := ChainRecipe{State: s.State.draw(r)}
	cfg := c.State.Config.mustConfig()
	if s.MaxDeposits > 0 {
		c.Deposits = between(r, 0, s.MaxDeposits)
	}
	if s.MaxTopUps > 0 {
		c.TopUps = between(r, 0, s.MaxTopUps)
	}
	n := between(r, s.MinEpochs*cfg.SlotsPerEpoch, max(s.MinEpochs, s.MaxEpochs)*cfg.SlotsPerEpoch)
	participation := pick[uint8](r, 0, 50, 75, 100, 100, 100)
	for range n {
		st := Step{Participation: participation}
		if r.Intn(100) < s.EmptyPercent {
			st.Empty = true
		} else if s.Operations && r.Intn(6) == 0 {
			switch r.Intn(3) {
			case 0:
				st.Exits = uint8(between(r, 1, 3))
			case 1:
				st.ProposerSlashings = uint8(between(r, 1, 2))
			case 2:
				st.AttesterSlashing = uint8(between(r, 1, 4))
			}
		}
		if r.Intn(8) == 0 {
			participation = pick[uint8](r, 0, 50, 75, 100)
			st.Participation = participation
		}
		c.Steps = append(c.Steps, st)
	}
	return c
}

// simpler lists the simpler chains: fewer steps (the first half, all but the last, all but
// the first), plainer steps, fewer deposits, then a simpler state of the space.
func (c ChainRecipe) simpler(states StateSpace) []ChainRecipe {
	var out []ChainRecipe
	add := func(f func(c *ChainRecipe)) {
		d := c
		d.Steps = append([]Step(nil), c.Steps...)
		f(&d)
		out = append(out, d)
	}
	if n := len(c.Steps); n > 0 {
		if n > 1 {
			add(func(d *ChainRecipe) { d.Steps = d.Steps[:n/2] })
		}
		add(func(d *ChainRecipe) { d.Steps = d.Steps[:n-1] })
		add(func(d *ChainRecipe) { d.Steps = d.Steps[1:] })
	}
	for i, st := range c.Steps {
		if st.Exits > 0 || st.ProposerSlashings > 0 || st.AttesterSlashing > 0 {
			add(func(d *ChainRecipe) { d.Steps[i] = Step{Participation: st.Participation} })
		}
	}
	for i, st := range c.Steps {
		if st.Empty {
			add(func(d *ChainRecipe) { d.Steps[i].Empty = false })
		}
	}
	uniform := true
	for _, st := range c.Steps {
		uniform = uniform && st.Participation == 100
	}
	if !uniform {
		add(func(d *ChainRecipe) {
			for i := range d.Steps {
				d.Steps[i].Participation = 100
			}
		})
	}
	for _, v := range towards(c.Deposits, 0) {
		add(func(d *ChainRecipe) { d.Deposits = v })
	}
	for _, v := range towards(c.TopUps, 0) {
		add(func(d *ChainRecipe) { d.TopUps = v })
	}
	for _, s := range states.simpler(c.State) {
		add(func(d *ChainRecipe) { d.State = s })
	}
	return out
}

// Chains generates chain recipes from space, shrinking within it.
func Chains(space ChainSpace) gopter.Gen {
	return generator(space.draw, func(c ChainRecipe) []ChainRecipe { return c.simpler(space.State) })
}
