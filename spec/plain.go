package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sort"
)

// The plain spec: the algorithms of the Phase 0 spec written straight from its text, one
// validator or one committee member at a time, for the contracts to hold the model's
// results and its optimised paths (the cached whole-list shuffle, the per-epoch caches, the
// exit queue) against. They read the state directly and call no spec function with a
// contract, so a bug in a fast path cannot vouch for itself; they run in checked mode only.
// Where the spec would fail (an assert, an overflow) they return an error: a contract that
// needs one of them and gets an error fails its clause, since the call being checked
// succeeded on the same state.

// plainPermutation is compute_shuffled_index(i, n, seed) for every i < n, remembered by
// (n, seed): a pure function, so the memo cannot go stale.
func (m *Model) plainPermutation(n uint64, seed Root) []uint64 {
	key := plainPermKey{n: n, seed: seed}
	if p, ok := m.plainPerms[key]; ok {
		return p
	}
	p := make([]uint64, n)
	for i := range p {
		p[i], _ = m.Config.ComputeShuffledIndex(uint64(i), n, seed) // i < n
	}
	if m.plainPerms == nil || len(m.plainPerms) >= 8 {
		m.plainPerms = map[plainPermKey][]uint64{}
	}
	m.plainPerms[key] = p
	return p
}

type plainPermKey struct {
	n    uint64
	seed Root
}

// plainSeed is get_seed.
func (m *Model) plainSeed(s *BeaconState, epoch Epoch, domain DomainType) (Root, error) {
	i := (uint64(epoch) + m.EpochsPerHistoricalVector - m.MinSeedLookahead - 1) % m.EpochsPerHistoricalVector
	if uint64(epoch) > 1<<63 || i >= uint64(len(s.RandaoMixes)) {
		return Root{}, fmt.Errorf("get_seed(%d): out of range", epoch)
	}
	var buf [4 + 8 + 32]byte
	copy(buf[:4], domain[:])
	binary.LittleEndian.PutUint64(buf[4:], uint64(epoch))
	copy(buf[12:], s.RandaoMixes[i][:])
	return sha256.Sum256(buf[:]), nil
}

// plainCommittee is get_beacon_committee through compute_committee: each member by
// compute_shuffled_index, from a plain scan of the active validators.
func (m *Model) plainCommittee(s *BeaconState, slot Slot, index CommitteeIndex) ([]ValidatorIndex, error) {
	epoch := m.Config.ComputeEpochAtSlot(slot)
	active := activeValidatorIndices(s, epoch)
	perSlot := max(1, min(m.MaxCommitteesPerSlot, uint64(len(active))/m.SlotsPerEpoch/m.TargetCommitteeSize))
	if uint64(index) >= perSlot || len(active) == 0 {
		return nil, fmt.Errorf("committee %d of slot %d: %d committees per slot, %d active", index, slot, perSlot, len(active))
	}
	seed, err := m.plainSeed(s, epoch, m.DomainBeaconAttester)
	if err != nil {
		return nil, err
	}
	n := uint64(len(active))
	i := (uint64(slot)%m.SlotsPerEpoch)*perSlot + uint64(index)
	count := perSlot * m.SlotsPerEpoch
	hi, lo := bits.Mul64(n, i)
	start, _ := bits.Div64(hi, lo, count)
	hi, lo = bits.Mul64(n, i+1)
	end, _ := bits.Div64(hi, lo, count)
	perm := m.plainPermutation(n, seed)
	out := make([]ValidatorIndex, 0, end-start)
	for j := start; j < end; j++ {
		out = append(out, active[perm[j]])
	}
	return out, nil
}

// plainAttestingIndices is get_attesting_indices: the committee members whose bit is set.
func (m *Model) plainAttestingIndices(s *BeaconState, data *AttestationData, aggregation []byte) ([]ValidatorIndex, error) {
	committee, err := m.plainCommittee(s, data.Slot, data.Index)
	if err != nil {
		return nil, err
	}
	if bitlistLen(aggregation) != len(committee) {
		return nil, fmt.Errorf("%d aggregation bits for a committee of %d", bitlistLen(aggregation), len(committee))
	}
	var out []ValidatorIndex
	for i, v := range committee {
		if aggregation[i/8]>>(i%8)&1 == 1 {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a] < out[b] })
	return out, nil
}

// bitlistLen is the length of an SSZ Bitlist: the position of its delimiting top bit.
func bitlistLen(b []byte) int {
	if len(b) == 0 || b[len(b)-1] == 0 {
		return -1
	}
	return (len(b)-1)*8 + bits.Len8(b[len(b)-1]) - 1
}

// plainBlockRootAtSlot is get_block_root_at_slot, its assert an error.
func (m *Model) plainBlockRootAtSlot(s *BeaconState, slot Slot) (Root, error) {
	if !(slot < s.Slot && uint64(s.Slot) <= uint64(slot)+m.SlotsPerHistoricalRoot) {
		return Root{}, fmt.Errorf("block root of slot %d at state slot %d", slot, s.Slot)
	}
	return s.BlockRoots[uint64(slot)%m.SlotsPerHistoricalRoot], nil
}

// plainTotalActiveBalance is get_total_active_balance: max(EFFECTIVE_BALANCE_INCREMENT, the
// summed effective balances of the validators active at the current epoch).
func (m *Model) plainTotalActiveBalance(s *BeaconState) (Gwei, error) {
	epoch := m.Config.ComputeEpochAtSlot(s.Slot)
	var sum uint64
	for i := range s.Validators {
		if IsActiveValidator(&s.Validators[i], epoch) {
			var c uint64
			if sum, c = bits.Add64(sum, uint64(s.Validators[i].EffectiveBalance), 0); c != 0 {
				return 0, fmt.Errorf("total active balance overflows")
			}
		}
	}
	return Gwei(max(sum, uint64(m.EffectiveBalanceIncrement))), nil
}

// participation is what the pending attestations of one epoch say about each validator, by
// the spec's matching rules (get_matching_source/target/head_attestations and
// get_unslashed_attesting_indices), computed per attestation with plain committees.
type participation struct {
	source, target, head []bool // unslashed attesters of the matching attestations
	// For each unslashed source attester, the attestation min() picks in
	// get_inclusion_delay_deltas: the first of the smallest inclusion delay.
	delay    []Slot
	proposer []ValidatorIndex
	// Balances of the unslashed attesters: get_total_balance of each set.
	sourceBalance, targetBalance, headBalance Gwei
	headErr                                   error // the head votes could not be computed
	sourceErr                                 error // nor the source votes (and inclusion delays)
	targetErr                                 error // nor the target votes
}

// plainParticipation computes the participation of epoch (the previous or the current).
func (m *Model) plainParticipation(s *BeaconState, epoch Epoch) (*participation, error) {
	current := m.Config.ComputeEpochAtSlot(s.Slot)
	var pending []PendingAttestation
	switch {
	case epoch == current:
		pending = s.CurrentEpochAttestations
	case epoch+1 == current:
		pending = s.PreviousEpochAttestations
	default:
		return nil, fmt.Errorf("epoch %d is neither the previous nor the current of %d", epoch, current)
	}
	n := len(s.Validators)
	p := &participation{source: make([]bool, n), target: make([]bool, n), head: make([]bool, n), delay: make([]Slot, n), proposer: make([]ValidatorIndex, n)}
	// get_matching_target_attestations reads get_block_root(state, epoch) once per
	// attestation: with none it is never read, and cannot fail.
	targetRoot, err := m.plainBlockRootAtSlot(s, Slot(uint64(epoch)*m.SlotsPerEpoch))
	if err != nil && len(pending) > 0 {
		p.targetErr = err
	}
	for k := range pending {
		a := &pending[k]
		isTarget := p.targetErr == nil && a.Data.Target.Root == targetRoot
		indices, err := m.plainAttestingIndices(s, &a.Data, a.AggregationBits)
		if err != nil {
			// get_attesting_indices fails on it: an error for the target votes only if it
			// matches the target, else for the callers that read every source vote.
			if isTarget {
				return nil, err
			}
			if p.sourceErr == nil {
				p.sourceErr = err
			}
			continue
		}
		isHead := false
		if isTarget {
			// get_matching_head_attestations reads the block root at the attestation's slot,
			// which a current-epoch attestation may not have yet: only an error for the
			// callers that ask for head votes (the previous epoch's).
			root, err := m.plainBlockRootAtSlot(s, a.Data.Slot)
			if err != nil && p.headErr == nil {
				p.headErr = err
			}
			isHead = err == nil && a.Data.BeaconBlockRoot == root
		}
		for _, v := range indices {
			if uint64(v) >= uint64(n) || s.Validators[v].Slashed {
				continue
			}
			if !p.source[v] || a.InclusionDelay < p.delay[v] {
				p.delay[v], p.proposer[v] = a.InclusionDelay, a.ProposerIndex
			}
			p.source[v] = true
			p.target[v] = p.target[v] || isTarget
			p.head[v] = p.head[v] || isHead
		}
	}
	sum := func(in []bool) (Gwei, error) {
		var t uint64
		for i, ok := range in {
			if ok {
				var c uint64
				if t, c = bits.Add64(t, uint64(s.Validators[i].EffectiveBalance), 0); c != 0 {
					return 0, fmt.Errorf("attesting balance overflows")
				}
			}
		}
		return Gwei(max(t, uint64(m.EffectiveBalanceIncrement))), nil
	}
	if p.sourceBalance, err = sum(p.source); err != nil {
		return nil, err
	}
	if p.targetBalance, err = sum(p.target); err != nil {
		return nil, err
	}
	if p.headBalance, err = sum(p.head); err != nil {
		return nil, err
	}
	return p, nil
}

// plainChurnLimit is get_validator_churn_limit, from a plain scan of the active validators.
func (m *Model) plainChurnLimit(s *BeaconState) uint64 {
	active := uint64(len(activeValidatorIndices(s, m.Config.ComputeEpochAtSlot(s.Slot))))
	return max(m.MinPerEpochChurnLimit, active/m.ChurnLimitQuotient)
}

// plainExitEpoch is the exit epoch initiate_validator_exit gives a validator, by the spec's
// scan of the registry: the latest exit epoch in use (or the earliest allowed, if later),
// one later if that epoch's churn is full. The validator at skip is left out of the scan
// (it is the one exiting, not yet counted).
func (m *Model) plainExitEpoch(s *BeaconState, skip ValidatorIndex) (Epoch, error) {
	current := uint64(m.Config.ComputeEpochAtSlot(s.Slot))
	earliest := current + 1 + m.MaxSeedLookahead
	if earliest < current {
		return 0, fmt.Errorf("compute_activation_exit_epoch(%d) overflows", current)
	}
	queue := Epoch(earliest)
	for i := range s.Validators {
		if e := s.Validators[i].ExitEpoch; ValidatorIndex(i) != skip && e != FarFutureEpoch && e > queue {
			queue = e
		}
	}
	churn := uint64(0)
	for i := range s.Validators {
		if ValidatorIndex(i) != skip && s.Validators[i].ExitEpoch == queue {
			churn++
		}
	}
	if churn >= m.plainChurnLimit(s) {
		if queue == FarFutureEpoch-1 {
			return 0, fmt.Errorf("exit queue epoch overflows")
		}
		queue++
	}
	return queue, nil
}

// plainArith is uint64 arithmetic that notes the first overflow, underflow or division by
// zero (the spec's invalid transition) instead of wrapping.
type plainArith struct{ bad bool }

func (a *plainArith) add(x, y uint64) uint64 {
	s, c := bits.Add64(x, y, 0)
	a.bad = a.bad || c != 0
	return s
}

func (a *plainArith) sub(x, y uint64) uint64 {
	d, b := bits.Sub64(x, y, 0)
	a.bad = a.bad || b != 0
	return d
}

func (a *plainArith) mul(x, y uint64) uint64 {
	hi, lo := bits.Mul64(x, y)
	a.bad = a.bad || hi != 0
	return lo
}

func (a *plainArith) div(x, y uint64) uint64 {
	if y == 0 {
		a.bad = true
		return 0
	}
	return x / y
}

// plainIsqrt is integer_squareroot, as the spec writes it.
func plainIsqrt(n uint64) uint64 {
	x := n
	y := x/2 + x%2 // (x + 1) // 2
	for y < x {
		x = y
		y = (x + n/x) / 2
	}
	return x
}

// plainDeltas are the five components of get_attestation_deltas (source, target, head,
// inclusion delay, inactivity), computed by the plain spec: the spec's formulas for each
// validator in turn, over the participation of plainParticipation.
type plainDeltas struct {
	component [5]Deltas
	errs      [5]error // a component the spec could not compute (an attestation it cannot read)
}

const (
	componentSource = iota
	componentTarget
	componentHead
	componentInclusion
	componentInactivity
)

// plainAttestationDeltas computes the components for the state's previous epoch.
func (m *Model) plainAttestationDeltas(s *BeaconState) (*plainDeltas, error) {
	n := len(s.Validators)
	current := m.Config.ComputeEpochAtSlot(s.Slot)
	previous := current
	if current > GenesisEpoch {
		previous = current - 1
	}
	total, err := m.plainTotalActiveBalance(s)
	if err != nil {
		return nil, err
	}
	p, err := m.plainParticipation(s, previous)
	if err != nil {
		return nil, err
	}
	out := &plainDeltas{}
	out.errs[componentSource] = p.sourceErr
	out.errs[componentInclusion] = p.sourceErr
	out.errs[componentTarget] = p.targetErr
	out.errs[componentHead] = errors.Join(p.targetErr, p.headErr)
	if s.FinalizedCheckpoint.Epoch > previous {
		return nil, fmt.Errorf("finality delay underflows: finalized epoch %d after previous epoch %d", s.FinalizedCheckpoint.Epoch, previous)
	}
	delay := uint64(previous - s.FinalizedCheckpoint.Epoch)
	leak := delay > m.MinEpochsToInactivityPenalty
	if leak {
		out.errs[componentInactivity] = p.targetErr
	}
	sqrt := plainIsqrt(uint64(total))
	var a plainArith
	base := func(i int) uint64 {
		return a.div(a.div(a.mul(uint64(s.Validators[i].EffectiveBalance), m.BaseRewardFactor), sqrt), BaseRewardsPerEpoch)
	}
	for k := range out.component {
		out.component[k] = Deltas{Rewards: make([]Gwei, n), Penalties: make([]Gwei, n)}
	}
	increment := uint64(m.EffectiveBalanceIncrement)
	votes := []struct {
		voted   []bool
		balance Gwei
	}{{p.source, p.sourceBalance}, {p.target, p.targetBalance}, {p.head, p.headBalance}}
	for i := range s.Validators {
		v := &s.Validators[i]
		eligible := IsActiveValidator(v, previous) || (v.Slashed && uint64(previous)+1 < uint64(v.WithdrawableEpoch))
		if !eligible {
			continue
		}
		b := base(i)
		for k, vote := range votes {
			d := &out.component[k]
			switch {
			case !vote.voted[i]:
				d.Penalties[i] = Gwei(a.add(uint64(d.Penalties[i]), b))
			case leak:
				d.Rewards[i] = Gwei(a.add(uint64(d.Rewards[i]), b))
			default:
				d.Rewards[i] = Gwei(a.add(uint64(d.Rewards[i]), a.div(a.mul(b, uint64(vote.balance)/increment), uint64(total)/increment)))
			}
		}
		if leak {
			d := &out.component[componentInactivity]
			pen := a.sub(a.mul(BaseRewardsPerEpoch, b), b/m.ProposerRewardQuotient)
			if !p.target[i] {
				pen = a.add(pen, a.div(a.mul(uint64(v.EffectiveBalance), delay), m.InactivityPenaltyQuotient))
			}
			d.Penalties[i] = Gwei(a.add(uint64(d.Penalties[i]), pen))
		}
	}
	incl := &out.component[componentInclusion]
	for i := range s.Validators {
		if !p.source[i] {
			continue
		}
		b := base(i)
		proposerReward := a.div(b, m.ProposerRewardQuotient)
		if uint64(p.proposer[i]) >= uint64(n) {
			return nil, fmt.Errorf("proposer index %d of validator %d's attestation is not a validator", p.proposer[i], i)
		}
		incl.Rewards[p.proposer[i]] = Gwei(a.add(uint64(incl.Rewards[p.proposer[i]]), proposerReward))
		incl.Rewards[i] = Gwei(a.add(uint64(incl.Rewards[i]), a.div(a.sub(b, proposerReward), uint64(p.delay[i]))))
	}
	if a.bad {
		return nil, fmt.Errorf("the plain rewards overflow, underflow or divide by zero")
	}
	return out, nil
}

// sum is get_attestation_deltas' sum of the components (rewards of the first four,
// penalties of source, target, head and inactivity).
func (d *plainDeltas) sum() (*Deltas, error) {
	if err := errors.Join(d.errs[:]...); err != nil {
		return nil, err
	}
	n := len(d.component[0].Rewards)
	out := &Deltas{Rewards: make([]Gwei, n), Penalties: make([]Gwei, n)}
	var a plainArith
	for i := 0; i < n; i++ {
		for k := componentSource; k <= componentInclusion; k++ {
			out.Rewards[i] = Gwei(a.add(uint64(out.Rewards[i]), uint64(d.component[k].Rewards[i])))
		}
		for _, k := range []int{componentSource, componentTarget, componentHead, componentInactivity} {
			out.Penalties[i] = Gwei(a.add(uint64(out.Penalties[i]), uint64(d.component[k].Penalties[i])))
		}
	}
	if a.bad {
		return nil, fmt.Errorf("the summed deltas overflow")
	}
	return out, nil
}

// deltasDiffer returns the first validator whose deltas differ, or -1.
func deltasDiffer(got, want *Deltas) int {
	if len(got.Rewards) != len(want.Rewards) || len(got.Penalties) != len(want.Penalties) {
		return 0
	}
	for i := range got.Rewards {
		if got.Rewards[i] != want.Rewards[i] || got.Penalties[i] != want.Penalties[i] {
			return i
		}
	}
	return -1
}

// plainSupply is the sum of the balances, as a 128-bit number (hi, lo).
func plainSupply(balances []Gwei) (hi, lo uint64) {
	for _, b := range balances {
		var c uint64
		lo, c = bits.Add64(lo, uint64(b), 0)
		hi += c
	}
	return hi, lo
}

// supplyMovedBy says whether the balances after sum to those before plus up minus down.
func supplyMovedBy(before, after []Gwei, up, down uint64) bool {
	bh, bl := plainSupply(before)
	ah, al := plainSupply(after)
	var c uint64
	bl, c = bits.Add64(bl, up, 0)
	bh += c
	bl, c = bits.Sub64(bl, down, 0)
	bh -= c
	return ah == bh && al == bl
}

// plainActivationQueue is the activation queue process_registry_updates dequeues from, by
// the spec's text, on the state before the call: each validator's activation eligibility
// epoch as the call's first loop leaves it (current epoch + 1 for one eligible for the
// queue: not yet queued, at MAX_EFFECTIVE_BALANCE), then every validator eligible for
// activation (queued no later than the finalized epoch, not yet activated), ordered by
// (activation_eligibility_epoch, index).
func (m *Model) plainActivationQueue(before *BeaconState) []ValidatorIndex {
	current := m.Config.ComputeEpochAtSlot(before.Slot)
	eligibility := func(v *Validator) Epoch {
		if v.ActivationEligibilityEpoch == FarFutureEpoch && v.EffectiveBalance == m.MaxEffectiveBalance {
			return current + 1
		}
		return v.ActivationEligibilityEpoch
	}
	var queue []ValidatorIndex
	for i := range before.Validators {
		v := &before.Validators[i]
		if eligibility(v) <= before.FinalizedCheckpoint.Epoch && v.ActivationEpoch == FarFutureEpoch {
			queue = append(queue, ValidatorIndex(i))
		}
	}
	sort.Slice(queue, func(a, b int) bool {
		ea, eb := eligibility(&before.Validators[queue[a]]), eligibility(&before.Validators[queue[b]])
		return ea < eb || (ea == eb && queue[a] < queue[b])
	})
	return queue
}

// supplyLedger sums, in checked mode, the balance moves that the functions which move
// balances (slash_validator, process_deposit, process_rewards_and_penalties,
// process_slashings) state in their own "supply_conserved" clauses, each computed there
// from the spec's amounts: up is what they add, down what they take (after the zero
// floor). process_block and process_epoch hold the sum of all balances to the moves their
// parts stated ("supply_per_parts"): no balance moves outside a part that accounts for it.
type supplyLedger struct {
	up, down uint64
	arith    plainArith
}

// ledgerMove records a part's stated move.
func (m *Model) ledgerMove(up, down uint64) {
	m.ledger.up = m.ledger.arith.add(m.ledger.up, up)
	m.ledger.down = m.ledger.arith.add(m.ledger.down, down)
}

// supplyPerParts evaluates "supply_per_parts" of a call that began with the ledger at
// start and the balances of before.
func (m *Model) supplyPerParts(c *checker, start supplyLedger, before, after []Gwei) {
	up, down := m.ledger.up-start.up, m.ledger.down-start.down
	c.that("supply_per_parts", !m.ledger.arith.bad && supplyMovedBy(before, after, up, down),
		"the balances' sum did not move by the %d Gwei added minus the %d Gwei taken that its parts stated", up, down)
}
