package properties

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand"
	"slices"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// Properties over chains of the tiny config (tiny.go). Each states what the spec says of
// a transition, recomputed plainly from the state before it, and runs the model in checked
// mode when the run is checked. They always run on the tiny config, whatever Env.Preset:
// the config is what makes their states reachable in a few epochs.

// tinyChainProperty is a property that obs holds across every tiny chain.
func tinyChainProperty(obs func(env *Env, m *spec.Model) tinyObservers) func(env *Env) gopter.Prop {
	return func(env *Env) gopter.Prop {
		return prop.ForAll(func(c TinyChain) (string, error) {
			m := spec.NewModel(tinyConfig())
			m.VerifySignatures = false
			return c.run(env, obs(env, m))
		}, tinyChains())
	}
}

// tinyEpochBalances: across every epoch transition,
//   - get_eligible_validator_indices is the validators active in the previous epoch and the
//     slashed ones with previous_epoch + 1 < withdrawable_epoch, recomputed from the
//     registry, and validators outside it get no attestation penalty;
//   - every balance b becomes max(0, b + reward - penalty) with get_attestation_deltas'
//     reward and penalty (rewards are added before penalties are taken), then loses the
//     slashings penalty of process_slashings' formula, which only slashed validators
//     whose withdrawable epoch is EPOCHS_PER_SLASHINGS_VECTOR / 2 epochs on pay.
//
// The chains slash the proposer of epoch 1's first block in its second: slash_validator
// takes its whole balance (MIN_SLASHING_PENALTY_QUOTIENT 1) while it has an inclusion
// reward coming, so the order of reward and penalty decides its balance.
func tinyEpochBalances(env *Env, m *spec.Model) tinyObservers {
	m.Checked = env.checks()
	cfg := m.Config
	return tinyObservers{epoch: func(pre, post *spec.BeaconState) string {
		current := epochOf(cfg, pre)
		n := len(pre.Validators)
		rewards, penalties := make([]spec.Gwei, n), make([]spec.Gwei, n)
		if current > spec.GenesisEpoch {
			justified := pre.Copy()
			if err := m.ProcessJustificationAndFinalization(justified); err != nil {
				return fmt.Sprintf("epoch %d: process_justification_and_finalization: %v", current, err)
			}
			eligible, err := m.GetEligibleValidatorIndices(justified)
			if err != nil {
				return fmt.Sprintf("epoch %d: get_eligible_validator_indices: %v", current, err)
			}
			previous := current - 1
			var want []spec.ValidatorIndex
			for i := range justified.Validators {
				if plainEligible(&justified.Validators[i], previous) {
					want = append(want, spec.ValidatorIndex(i))
				}
			}
			if !slices.Equal(eligible, want) {
				return fmt.Sprintf("epoch %d: get_eligible_validator_indices is %v; active at %d or slashed and not withdrawable by %d: %v",
					current, eligible, previous, previous+1, want)
			}
			d, err := m.GetAttestationDeltas(justified)
			if err != nil {
				return fmt.Sprintf("epoch %d: get_attestation_deltas: %v", current, err)
			}
			rewards, penalties = d.Rewards, d.Penalties
			for i := range penalties {
				if penalties[i] != 0 && !plainEligible(&pre.Validators[i], previous) {
					return fmt.Sprintf("epoch %d: validator %d is not eligible and is penalised %d", current, i, penalties[i])
				}
			}
		}
		slashing, err := slashingsPenalties(m, pre)
		if err != nil {
			return fmt.Sprintf("epoch %d: slashings penalties: %v", current, err)
		}
		for i := 0; i < n; i++ {
			b := pre.Balances[i] + rewards[i]
			b -= min(b, penalties[i])
			b -= min(b, slashing[i])
			if post.Balances[i] != b {
				return fmt.Sprintf("end of epoch %d: validator %d's balance %d became %d; reward %d, then penalty %d, then slashings penalty %d make %d",
					current, i, pre.Balances[i], post.Balances[i], rewards[i], penalties[i], slashing[i], b)
			}
		}
		return ""
	}}
}

// tinyRegistryUpdates: across every epoch transition, process_registry_updates as the
// spec has it, recomputed from the state before:
//   - a validator of MAX_EFFECTIVE_BALANCE not yet eligible becomes eligible at the next
//     epoch, and no other eligibility changes;
//   - exactly the validators active at the epoch with effective balance at most
//     EJECTION_BALANCE and no exit yet begin to exit (no validator that never served);
//   - of the validators eligible by the finalized epoch and not activated, sorted by
//     (eligibility epoch, index), the first max(MIN_PER_EPOCH_CHURN_LIMIT, active //
//     CHURN_LIMIT_QUOTIENT) are activated at compute_activation_exit_epoch, no other;
//
// and after every block and epoch transition, no validator has an exit epoch without an
// activation epoch.
func tinyRegistryUpdates(env *Env, m *spec.Model) tinyObservers {
	m.Checked = env.checks()
	cfg := m.Config
	exitedUnactivated := func(s *spec.BeaconState) string {
		for i := range s.Validators {
			if v := &s.Validators[i]; v.ExitEpoch != spec.FarFutureEpoch && v.ActivationEpoch == spec.FarFutureEpoch {
				return fmt.Sprintf("slot %d: validator %d has exit epoch %d and was never activated", s.Slot, i, v.ExitEpoch)
			}
		}
		return ""
	}
	return tinyObservers{
		block: func(_, after *spec.BeaconState, _ *spec.SignedBeaconBlock) string { return exitedUnactivated(after) },
		epoch: func(pre, post *spec.BeaconState) string {
			current := epochOf(cfg, pre)
			justified := pre.Copy()
			if err := m.ProcessJustificationAndFinalization(justified); err != nil {
				return fmt.Sprintf("epoch %d: process_justification_and_finalization: %v", current, err)
			}
			finalized := justified.FinalizedCheckpoint.Epoch
			active := uint64(0)
			for i := range pre.Validators {
				if plainActive(&pre.Validators[i], current) {
					active++
				}
			}
			churn := max(cfg.MinPerEpochChurnLimit, active/cfg.ChurnLimitQuotient)
			var queue []int
			for i := range pre.Validators {
				a, b := &pre.Validators[i], &post.Validators[i]
				eligibility := a.ActivationEligibilityEpoch
				if eligibility == spec.FarFutureEpoch && a.EffectiveBalance == cfg.MaxEffectiveBalance {
					eligibility = current + 1
				}
				if b.ActivationEligibilityEpoch != eligibility {
					return fmt.Sprintf("end of epoch %d: validator %d's activation eligibility epoch %d became %d, want %d",
						current, i, a.ActivationEligibilityEpoch, b.ActivationEligibilityEpoch, eligibility)
				}
				ejected := plainActive(a, current) && a.EffectiveBalance <= cfg.EjectionBalance && a.ExitEpoch == spec.FarFutureEpoch
				if exits := a.ExitEpoch == spec.FarFutureEpoch && b.ExitEpoch != spec.FarFutureEpoch; exits != ejected {
					return fmt.Sprintf("end of epoch %d: validator %d (activation epoch %d, effective balance %d) begins to exit: %v; ejected by the spec: %v",
						current, i, a.ActivationEpoch, a.EffectiveBalance, exits, ejected)
				}
				if a.ActivationEligibilityEpoch <= finalized && a.ActivationEpoch == spec.FarFutureEpoch {
					queue = append(queue, i)
				}
			}
			slices.SortFunc(queue, func(x, y int) int {
				ex, ey := pre.Validators[x].ActivationEligibilityEpoch, pre.Validators[y].ActivationEligibilityEpoch
				if ex != ey {
					return cmp.Compare(ex, ey)
				}
				return cmp.Compare(x, y)
			})
			activated := map[int]bool{}
			for k, i := range queue {
				if uint64(k) < churn {
					activated[i] = true
				}
			}
			at := current + 1 + spec.Epoch(cfg.MaxSeedLookahead)
			for i := range pre.Validators {
				want := pre.Validators[i].ActivationEpoch
				if activated[i] {
					want = at
				}
				if got := post.Validators[i].ActivationEpoch; got != want {
					return fmt.Sprintf("end of epoch %d (finalized %d, %d active, churn limit %d): validator %d's activation epoch is %d, want %d; the queue in (eligibility, index) order is %v",
						current, finalized, active, churn, i, got, want, queue)
				}
			}
			return exitedUnactivated(post)
		},
	}
}

// tinySlashingsVector: after every block and epoch transition, each entry of
// state.slashings for the last EPOCHS_PER_SLASHINGS_VECTOR epochs (those the vector holds)
// is the sum of the effective balances of the validators slashed in that epoch, as they
// were when slashed: process_slashings_reset clears the next epoch's entry only, and
// slash_validator adds to the current one.
func tinySlashingsVector(env *Env, m *spec.Model) tinyObservers {
	m.Checked = env.checks()
	cfg := m.Config
	slashedIn := map[spec.Epoch]spec.Gwei{}
	check := func(s *spec.BeaconState) string {
		current := epochOf(cfg, s)
		n := spec.Epoch(cfg.EpochsPerSlashingsVector)
		for e := current - min(current, n-1); e <= current; e++ {
			if got := s.Slashings[uint64(e)%uint64(n)]; got != slashedIn[e] {
				return fmt.Sprintf("slot %d: slashings[%d] (epoch %d) is %d; the validators slashed in epoch %d had %d Gwei of effective balance",
					s.Slot, uint64(e)%uint64(n), e, got, e, slashedIn[e])
			}
		}
		return ""
	}
	return tinyObservers{
		block: func(before, after *spec.BeaconState, _ *spec.SignedBeaconBlock) string {
			for i := range before.Validators {
				if !before.Validators[i].Slashed && after.Validators[i].Slashed {
					slashedIn[epochOf(cfg, after)] += before.Validators[i].EffectiveBalance
				}
			}
			return check(after)
		},
		epoch: func(_, post *spec.BeaconState) string { return check(post) },
	}
}

// tinySlashingOperations: at the first slot of every epoch, on the state a block there
// processes,
//   - a proposer slashing of a validator (two headers of the slot naming it, bodies
//     different) is accepted if and only if the validator is slashable (not slashed,
//     activated, not yet withdrawable), and then slashes it alone;
//   - a proposer slashing whose headers name two different validators is rejected;
//   - an attester slashing (a double vote) of a set of validators slashes exactly the
//     slashable ones among them, and is rejected when there is none;
//
// and a rejected operation leaves the state unchanged. The validators tried are those at
// the edges of slashability: withdrawable at this epoch or the next, not yet activated
// (the deposits below the ejection balance, the activation queue), exited, slashed; and
// two more, picked by the slot.
func tinySlashingOperations(env *Env, m *spec.Model) tinyObservers {
	m.Checked = env.checks()
	cfg := m.Config
	return tinyObservers{ops: func(at *spec.BeaconState) string {
		epoch := epochOf(cfg, at)
		r := rand.New(rand.NewSource(int64(at.Slot)))
		var edge []spec.ValidatorIndex
		for i := range at.Validators {
			v := &at.Validators[i]
			if v.WithdrawableEpoch == epoch || v.WithdrawableEpoch == epoch+1 || v.ActivationEpoch > epoch || v.ExitEpoch <= epoch || v.Slashed {
				edge = append(edge, spec.ValidatorIndex(i))
			}
		}
		all := make([]spec.ValidatorIndex, len(at.Validators))
		for i := range all {
			all[i] = spec.ValidatorIndex(i)
		}
		tried := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(edge), tinyPick(r, all, 2)...))))
		root, err := spec.HashTreeRoot(cfg, at)
		if err != nil {
			return err.Error()
		}
		// rejected reports an operation that should have been rejected and was not, or
		// changed the state.
		rejected := func(what string, err error, s *spec.BeaconState) string {
			if err == nil {
				return fmt.Sprintf("epoch %d: %s is accepted", epoch, what)
			}
			if r, herr := spec.HashTreeRoot(cfg, s); herr != nil || r != root {
				return fmt.Sprintf("epoch %d: %s is rejected (%v) but the state changed", epoch, what, err)
			}
			return ""
		}
		newly := func(s *spec.BeaconState) []spec.ValidatorIndex {
			var out []spec.ValidatorIndex
			for i := range s.Validators {
				if s.Validators[i].Slashed && !at.Validators[i].Slashed {
					out = append(out, spec.ValidatorIndex(i))
				}
			}
			return out
		}
		var slashable []spec.ValidatorIndex
		for _, v := range tried {
			s := at.Copy()
			err := m.ProcessProposerSlashing(s, tinyProposerSlashing(at.Slot, v, v))
			what := fmt.Sprintf("a proposer slashing of validator %d (slashed %v, activation %d, exit %d, withdrawable %d)",
				v, at.Validators[v].Slashed, at.Validators[v].ActivationEpoch, at.Validators[v].ExitEpoch, at.Validators[v].WithdrawableEpoch)
			if !plainSlashable(&at.Validators[v], epoch) {
				if r := rejected(what, err, s); r != "" {
					return r
				}
				continue
			}
			slashable = append(slashable, v)
			if err != nil {
				return fmt.Sprintf("epoch %d: %s of a slashable validator is rejected: %v", epoch, what, err)
			}
			if got := newly(s); !slices.Equal(got, []spec.ValidatorIndex{v}) {
				return fmt.Sprintf("epoch %d: %s newly slashes %v", epoch, what, got)
			}
		}
		for _, v := range slashable {
			w := tried[r.Intn(len(tried))]
			if w == v {
				continue
			}
			s := at.Copy()
			err := m.ProcessProposerSlashing(s, tinyProposerSlashing(at.Slot, v, w))
			if r := rejected(fmt.Sprintf("a proposer slashing whose headers name validators %d and %d", v, w), err, s); r != "" {
				return r
			}
			break
		}
		// a double vote of every validator tried, then of the unslashable ones alone
		var unslashable []spec.ValidatorIndex
		for _, v := range tried {
			if !slices.Contains(slashable, v) {
				unslashable = append(unslashable, v)
			}
		}
		for _, set := range [][]spec.ValidatorIndex{tried, unslashable} {
			if len(set) == 0 {
				continue
			}
			s := at.Copy()
			err := m.ProcessAttesterSlashing(s, tinyDoubleVote(at, epoch, set))
			what := fmt.Sprintf("an attester slashing of %v (slashable: %v)", set, slashable)
			want := slices.DeleteFunc(slices.Clone(set), func(v spec.ValidatorIndex) bool { return !slices.Contains(slashable, v) })
			if len(want) == 0 {
				if r := rejected(what, err, s); r != "" {
					return r
				}
				continue
			}
			if err != nil {
				return fmt.Sprintf("epoch %d: %s is rejected: %v", epoch, what, err)
			}
			if got := newly(s); !slices.Equal(got, want) {
				return fmt.Sprintf("epoch %d: %s newly slashes %v, want %v", epoch, what, got, want)
			}
		}
		return ""
	}}
}

// tinyProposerSlashing is two headers of slot, naming proposers v and w, with different
// bodies (unsigned: the properties run with signature verification off; a header can
// name any index, and one key could sign both).
func tinyProposerSlashing(slot spec.Slot, v, w spec.ValidatorIndex) *spec.ProposerSlashing {
	var ps spec.ProposerSlashing
	ps.SignedHeader1.Message = spec.BeaconBlockHeader{Slot: slot, ProposerIndex: v, BodyRoot: spec.Root{1}}
	ps.SignedHeader2.Message = spec.BeaconBlockHeader{Slot: slot, ProposerIndex: w, BodyRoot: spec.Root{2}}
	return &ps
}

// tinyDoubleVote is an attester slashing of set (sorted): two attestations of the epoch
// with the same target epoch and different heads.
func tinyDoubleVote(at *spec.BeaconState, epoch spec.Epoch, set []spec.ValidatorIndex) *spec.AttesterSlashing {
	var as spec.AttesterSlashing
	for k, ia := range []*spec.IndexedAttestation{&as.Attestation1, &as.Attestation2} {
		ia.AttestingIndices = slices.Clone(set)
		ia.Data = spec.AttestationData{
			Slot: at.Slot, BeaconBlockRoot: spec.Root{byte(k + 1)}, Source: at.CurrentJustifiedCheckpoint,
			Target: spec.Checkpoint{Epoch: epoch, Root: spec.Root{9}},
		}
	}
	return &as
}

// TinyJustification is a chain from a genesis of Validators validators on the tiny
// config, a block at every slot, in which Thirds[e] thirds of every committee of epoch e
// attest. With 12 or 24 validators every committee has 3 or 6 members, so two thirds of
// each attesting makes the target-attesting balance exactly two thirds of the total.
type TinyJustification struct {
	Validators uint64
	Thirds     []uint8
}

func (t TinyJustification) String() string {
	return fmt.Sprintf("tiny genesis of %d validators, thirds of each committee attesting per epoch %v", t.Validators, t.Thirds)
}

func tinyJustifications() gopter.Gen {
	return generator(func(r *rand.Rand) TinyJustification {
		t := TinyJustification{Validators: pick[uint64](r, 12, 24)}
		for range between(r, 5, 6) {
			t.Thirds = append(t.Thirds, pick[uint8](r, 2, 2, 2, 3, 1))
		}
		return t
	}, func(t TinyJustification) []TinyJustification {
		var out []TinyJustification
		if n := len(t.Thirds); n > 3 {
			out = append(out, TinyJustification{t.Validators, t.Thirds[:n-1]})
		}
		if t.Validators == 24 {
			out = append(out, TinyJustification{12, t.Thirds})
		}
		return out
	})
}

// tinyJustificationTwoThirds: across every epoch transition from epoch 2 on, the new
// justification bits are the 2/3 rule recomputed from the pending attestations: bit 0 is
// set if and only if 3 * (the unslashed current-epoch target-attesting balance) >= 2 *
// (the total active balance), bit 1 if and only if the old bit 0 was or the same holds of
// the previous epoch; the current justified checkpoint is the epoch's when bit 0 is set.
// Before epoch 2 justification is left alone.
func tinyJustificationTwoThirds(env *Env) gopter.Prop {
	return prop.ForAll(func(t TinyJustification) (string, error) {
		cfg := tinyConfig()
		d, err := newTinyDriver(env, t.Validators, 0, tinyObservers{})
		if err != nil {
			return "", err
		}
		m := d.m
		d.obs.epoch = func(pre, post *spec.BeaconState) string {
			current := epochOf(cfg, pre)
			if current <= spec.GenesisEpoch+1 {
				if post.JustificationBits[0] != pre.JustificationBits[0] || post.CurrentJustifiedCheckpoint != pre.CurrentJustifiedCheckpoint {
					return fmt.Sprintf("end of epoch %d: justification changed before epoch 2", current)
				}
				return ""
			}
			var total spec.Gwei
			for i := range pre.Validators {
				if plainActive(&pre.Validators[i], current) {
					total += pre.Validators[i].EffectiveBalance
				}
			}
			total = max(total, cfg.EffectiveBalanceIncrement)
			targetBalance := func(epoch spec.Epoch, pending []spec.PendingAttestation) (spec.Gwei, spec.Root, error) {
				root := pre.BlockRoots[uint64(epoch)*cfg.SlotsPerEpoch%cfg.SlotsPerHistoricalRoot]
				seen := map[spec.ValidatorIndex]bool{}
				var sum spec.Gwei
				for _, a := range pending {
					if a.Data.Target.Root != root {
						continue
					}
					committee, err := m.GetBeaconCommittee(pre, a.Data.Slot, a.Data.Index)
					if err != nil {
						return 0, root, err
					}
					bits := a.AggregationBits
					for k, v := range committee {
						if bits.BitAt(uint64(k)) && !seen[v] && !pre.Validators[v].Slashed {
							seen[v] = true
							sum += pre.Validators[v].EffectiveBalance
						}
					}
				}
				return sum, root, nil
			}
			prevBal, _, err := targetBalance(current-1, pre.PreviousEpochAttestations)
			if err != nil {
				return err.Error()
			}
			curBal, curRoot, err := targetBalance(current, pre.CurrentEpochAttestations)
			if err != nil {
				return err.Error()
			}
			bit0 := 3*curBal >= 2*total
			bit1 := pre.JustificationBits.BitAt(0) || 3*prevBal >= 2*total
			if post.JustificationBits.BitAt(0) != bit0 || post.JustificationBits.BitAt(1) != bit1 {
				return fmt.Sprintf("end of epoch %d: total active balance %d, target-attesting balances %d (previous) and %d (current): justification bits 0 and 1 are %v, %v; the 2/3 rule gives %v, %v",
					current, total, prevBal, curBal, post.JustificationBits.BitAt(0), post.JustificationBits.BitAt(1), bit0, bit1)
			}
			if bit0 && post.CurrentJustifiedCheckpoint != (spec.Checkpoint{Epoch: current, Root: curRoot}) {
				return fmt.Sprintf("end of epoch %d: two thirds attested the epoch but the current justified checkpoint is %+v", current, post.CurrentJustifiedCheckpoint)
			}
			return ""
		}
		spe := spec.Slot(cfg.SlotsPerEpoch)
		for s := spec.Slot(1); s <= spec.Slot(len(t.Thirds))*spe; s++ {
			// the block of slot s attests slot s - 1, of the epoch of s - 1
			d.part = float64(t.Thirds[uint64(s-1)/uint64(spe)]) / 3
			if fail, err := d.slot(s, interop.BlockOptions{}); fail != "" || err != nil {
				return fail, err
			}
		}
		return "", nil
	}, tinyJustifications())
}

// TinyRegistryLimit is a chain from a genesis of Validators validators on the tiny config
// whose blocks bring the registry to VALIDATOR_REGISTRY_LIMIT with deposits of new
// validators (Partial of them below the ejection balance), then TopUps deposits to existing
// validators, and then one more new validator's deposit.
type TinyRegistryLimit struct {
	Validators, Partial, TopUps uint64
}

func (t TinyRegistryLimit) String() string {
	return fmt.Sprintf("tiny genesis of %d validators, deposits to the registry limit (%d below the ejection balance), %s, then one more new validator",
		t.Validators, t.Partial, count(t.TopUps, "top-up"))
}

func tinyRegistryLimits() gopter.Gen {
	return generator(func(r *rand.Rand) TinyRegistryLimit {
		return TinyRegistryLimit{Validators: between(r, 16, 56), Partial: between(r, 0, 4), TopUps: between(r, 0, 3)}
	}, func(t TinyRegistryLimit) []TinyRegistryLimit {
		var out []TinyRegistryLimit
		for _, v := range towards(t.Partial, 0) {
			out = append(out, TinyRegistryLimit{t.Validators, v, t.TopUps})
		}
		for _, v := range towards(t.TopUps, 0) {
			out = append(out, TinyRegistryLimit{t.Validators, t.Partial, v})
		}
		return out
	})
}

// tinyRegistryLimitProperty: no block takes the registry past VALIDATOR_REGISTRY_LIMIT:
// deposits of new validators fill it exactly, top-ups are still processed on a full
// registry, and a block carrying a new validator's deposit on a full registry (the block
// whose eth1 vote makes the deposit due) is rejected as process_deposit's append would
// overflow the list, the state left unchanged.
func tinyRegistryLimitProperty(env *Env) gopter.Prop {
	return prop.ForAll(func(t TinyRegistryLimit) (string, error) {
		cfg := tinyConfig()
		limit := cfg.ValidatorRegistryLimit
		within := func(s *spec.BeaconState) string {
			if uint64(len(s.Validators)) > limit || len(s.Balances) != len(s.Validators) {
				return fmt.Sprintf("slot %d: %d validators and %d balances, the limit is %d", s.Slot, len(s.Validators), len(s.Balances), limit)
			}
			return ""
		}
		d, err := newTinyDriver(env, t.Validators, 100, tinyObservers{
			block: func(_, after *spec.BeaconState, _ *spec.SignedBeaconBlock) string { return within(after) },
			epoch: func(_, post *spec.BeaconState) string { return within(post) },
		})
		if err != nil {
			return "", err
		}
		fresh := limit - t.Validators
		var amounts []spec.Gwei
		for k := range fresh {
			a := cfg.MaxEffectiveBalance
			if k < t.Partial {
				a = cfg.EjectionBalance / 2
			}
			amounts = append(amounts, a)
		}
		if err := d.deposit(amounts...); err != nil {
			return "", err
		}
		for k := range t.TopUps {
			if err := d.log.Append(tinyDeposit(cfg, k*5%t.Validators, cfg.MinDepositAmount)); err != nil {
				return "", err
			}
		}
		d.vote = d.log.Eth1Data()
		spe := spec.Slot(cfg.SlotsPerEpoch)
		s := spec.Slot(1)
		for ; d.state.Eth1DepositIndex < d.log.Len() || uint64(s)%uint64(spe) != 0; s++ {
			if s > 6*spe {
				return fmt.Sprintf("slot %d: %d of %d deposits processed", s, d.state.Eth1DepositIndex, d.log.Len()), nil
			}
			if fail, err := d.slot(s, interop.BlockOptions{}); fail != "" || err != nil {
				return fail, err
			}
		}
		if uint64(len(d.state.Validators)) != limit {
			return fmt.Sprintf("slot %d: every deposit processed, %d validators, want the limit %d", d.state.Slot, len(d.state.Validators), limit), nil
		}
		// One more new validator: two blocks vote for it (no majority yet, nothing due).
		old := d.vote
		if err := d.deposit(cfg.MaxEffectiveBalance); err != nil {
			return "", err
		}
		for range 2 {
			if fail, err := d.slot(s, interop.BlockOptions{}); fail != "" || err != nil {
				return fail, err
			}
			s++
		}
		// The third vote makes it due: the block must carry it, and cannot.
		d.vote = old
		block, err := interop.BuildBlock(d.m, d.state, nil, interop.BlockOptions{Slot: s, NoSignatures: true, Eth1Vote: &old, Deposits: d.log})
		if err != nil {
			return "", err
		}
		vote := d.log.Eth1Data()
		deposits, err := d.log.Deposits(d.log.Len()-1, d.log.Len(), d.log.Len())
		if err != nil {
			return "", err
		}
		block.Message.Body.Eth1Data = vote
		block.Message.Body.Deposits = deposits
		post := d.state.Copy()
		root, err := spec.HashTreeRoot(cfg, post)
		if err != nil {
			return "", err
		}
		err = d.m.StateTransition(post, block, false)
		var ie *spec.IndexError
		if !errors.As(err, &ie) {
			return fmt.Sprintf("slot %d: a block with a new validator's deposit on a full registry of %d gives %v, not the append's overflow", s, len(d.state.Validators), err), nil
		}
		if r, err := spec.HashTreeRoot(cfg, post); err != nil || r != root {
			return fmt.Sprintf("slot %d: the block is rejected (%v) but the state changed", s, ie), nil
		}
		return "", nil
	}, tinyRegistryLimits())
}
