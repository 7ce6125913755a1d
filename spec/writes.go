package spec

import (
	"slices"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// The named writers of BeaconState. The spec functions write the elements of the large
// fields (validators, balances, block_roots, state_roots, randao_mixes, slashings) and
// replace or extend the lists through these, where the spec assigns, so that:
//
//   - the hash cache (EnableHashCache) learns which elements to hash again;
//   - the journal of an atomic transition (atomically) can undo the write.
//
// Reading needs no writer. Code outside the model that writes a state with a hash cache
// through the fields directly must call ResetHashCache afterwards (or use the writers).

// The fields a hash cache keeps trees for, in the order of hashCacheFields.
const (
	hcBlockRoots = iota
	hcStateRoots
	hcHistoricalRoots
	hcEth1DataVotes
	hcValidators
	hcBalances
	hcRandaoMixes
	hcSlashings
	hcPreviousEpochAttestations
	hcCurrentEpochAttestations
)

var hashCacheFields = []string{"block_roots", "state_roots", "historical_roots", "eth1_data_votes", "validators",
	"balances", "randao_mixes", "slashings", "previous_epoch_attestations", "current_epoch_attestations"}

// EnableHashCache makes the state keep the Merkle trees of its large fields, so that
// hash_tree_root after a transition hashes only what the transition wrote. The first root
// builds the trees (the cost of a root from scratch); Copy clones them. Writes must go
// through the model or the writers below: see ResetHashCache.
func (s *BeaconState) EnableHashCache() {
	if s.hashCache() == nil {
		s.setExtra(ssz.NewHashCache(hashCacheFields...), s.jrnl())
	}
}

// DropHashCache frees the trees: roots are computed from scratch again.
func (s *BeaconState) DropHashCache() { s.setExtra(nil, s.jrnl()) }

func (s *BeaconState) hashCache() *ssz.HashCache {
	if s.Extra == nil {
		return nil
	}
	return s.Extra.hash
}

func (s *BeaconState) jrnl() *journal {
	if s.Extra == nil {
		return nil
	}
	return s.Extra.journal
}

func (s *BeaconState) setExtra(h *ssz.HashCache, j *journal) {
	if h == nil && j == nil {
		s.Extra = nil
		return
	}
	s.Extra = &StateExtra{hash: h, journal: j}
}

// ResetHashCache forgets what the trees hold (they are rebuilt at the next root): for a
// state whose fields were written directly, not through the model or the writers.
func (s *BeaconState) ResetHashCache() {
	if h := s.hashCache(); h != nil {
		h.Reset()
	}
}

// HasHashCache tells whether EnableHashCache is in effect.
func (s *BeaconState) HasHashCache() bool { return s.hashCache() != nil }

func (s *BeaconState) mark(field, i int) {
	if s.Extra != nil && s.Extra.hash != nil {
		s.Extra.hash.Mark(field, i)
	}
}

func (s *BeaconState) markAll(field int) {
	if h := s.hashCache(); h != nil {
		h.MarkAll(field)
	}
}

// SetBalance writes state.balances[i] (i in range).
func (s *BeaconState) SetBalance(i ValidatorIndex, v Gwei) {
	if j := s.jrnl(); j != nil {
		j.balances.save(s.Balances, int(i))
	}
	s.Balances[i] = v
	s.mark(hcBalances, int(i))
}

// SetValidator writes state.validators[i] (i in range).
func (s *BeaconState) SetValidator(i ValidatorIndex, v Validator) {
	*s.validatorForWrite(i) = v
}

// validatorForWrite returns &state.validators[i] for fields to be written through it
// before the next root is taken.
func (s *BeaconState) validatorForWrite(i ValidatorIndex) *Validator {
	if j := s.jrnl(); j != nil {
		j.validators.save(s.Validators, int(i))
	}
	s.mark(hcValidators, int(i))
	return &s.Validators[i]
}

// SetSlashing writes state.slashings[i] (i in range).
func (s *BeaconState) SetSlashing(i uint64, v Gwei) {
	if j := s.jrnl(); j != nil {
		j.slashings.save(s.Slashings, int(i))
	}
	s.Slashings[i] = v
	s.mark(hcSlashings, int(i))
}

// SetRandaoMix writes state.randao_mixes[i] (i in range).
func (s *BeaconState) SetRandaoMix(i uint64, v Root) {
	if j := s.jrnl(); j != nil {
		j.randaoMixes.save(s.RandaoMixes, int(i))
	}
	s.RandaoMixes[i] = v
	s.mark(hcRandaoMixes, int(i))
}

// SetBlockRoot writes state.block_roots[i] (i in range).
func (s *BeaconState) SetBlockRoot(i uint64, v Root) {
	if j := s.jrnl(); j != nil {
		j.blockRoots.save(s.BlockRoots, int(i))
	}
	s.BlockRoots[i] = v
	s.mark(hcBlockRoots, int(i))
}

// SetStateRoot writes state.state_roots[i] (i in range).
func (s *BeaconState) SetStateRoot(i uint64, v Root) {
	if j := s.jrnl(); j != nil {
		j.stateRoots.save(s.StateRoots, int(i))
	}
	s.StateRoots[i] = v
	s.mark(hcStateRoots, int(i))
}

// AppendValidator appends a validator and its balance (the registry's one way to grow).
// Appends need no mark: the cache hashes a list's new elements.
func (s *BeaconState) AppendValidator(v Validator, balance Gwei) {
	s.Validators = append(s.Validators, v)
	s.Balances = append(s.Balances, balance)
}

// AppendHistoricalRoot appends to state.historical_roots.
func (s *BeaconState) AppendHistoricalRoot(r Root) {
	s.HistoricalRoots = append(s.HistoricalRoots, r)
}

// AppendEth1DataVote appends to state.eth1_data_votes.
func (s *BeaconState) AppendEth1DataVote(d Eth1Data) {
	s.Eth1DataVotes = append(s.Eth1DataVotes, d)
}

// ResetEth1DataVotes empties state.eth1_data_votes.
func (s *BeaconState) ResetEth1DataVotes() {
	s.Eth1DataVotes = []Eth1Data{}
	s.markAll(hcEth1DataVotes)
}

// AppendPendingAttestation appends to state.current_epoch_attestations (current) or
// state.previous_epoch_attestations.
func (s *BeaconState) AppendPendingAttestation(current bool, a PendingAttestation) {
	if current {
		s.CurrentEpochAttestations = append(s.CurrentEpochAttestations, a)
	} else {
		s.PreviousEpochAttestations = append(s.PreviousEpochAttestations, a)
	}
}

// RotateEpochAttestations makes the current epoch's pending attestations the previous
// epoch's and empties the current list.
func (s *BeaconState) RotateEpochAttestations() {
	s.PreviousEpochAttestations = s.CurrentEpochAttestations
	s.CurrentEpochAttestations = []PendingAttestation{}
	s.markAll(hcPreviousEpochAttestations)
	s.markAll(hcCurrentEpochAttestations)
}

// journal records what an atomic transition overwrites, so that an invalid one is undone
// without copying the state first: the small fields and the slice headers are kept as a
// shallow copy, and the elements of the large fields a page at a time, the first time an
// element of the page is written. Appends and list replacements need no record: the slice
// headers of the shallow copy still describe the old lists (an append writes past their
// length, or into a new array).
type journal struct {
	pre               BeaconState
	justificationBits []byte // written in place (justification.go)
	validators        pages[Validator]
	balances          pages[Gwei]
	slashings         pages[Gwei]
	randaoMixes       pages[Root]
	blockRoots        pages[Root]
	stateRoots        pages[Root]
}

func newJournal(s *BeaconState) *journal {
	return &journal{pre: *s, justificationBits: slices.Clone(s.JustificationBits)}
}

// rollback puts s back as it was when the journal began, and marks every element it puts
// back in the hash cache (whose trees may hold the undone values).
func (j *journal) rollback(s *BeaconState) {
	pre := j.pre
	pre.JustificationBits = j.justificationBits
	h := pre.hashCache()
	pre.setExtra(h, nil)
	mark := func(field int) func(int) {
		return func(i int) {
			if h != nil {
				h.Mark(field, i)
			}
		}
	}
	j.validators.restore(pre.Validators, mark(hcValidators))
	j.balances.restore(pre.Balances, mark(hcBalances))
	j.slashings.restore(pre.Slashings, mark(hcSlashings))
	j.randaoMixes.restore(pre.RandaoMixes, mark(hcRandaoMixes))
	j.blockRoots.restore(pre.BlockRoots, mark(hcBlockRoots))
	j.stateRoots.restore(pre.StateRoots, mark(hcStateRoots))
	if h != nil { // lists that may have been replaced, not only extended
		h.MarkAll(hcEth1DataVotes)
		h.MarkAll(hcPreviousEpochAttestations)
		h.MarkAll(hcCurrentEpochAttestations)
	}
	*s = pre
}

// pageBits sets the journal's page: 256 elements.
const pageBits = 8

// pages holds copies of the pages of one slice as they were before their first write.
type pages[T any] struct{ saved [][]T }

func (p *pages[T]) save(s []T, i int) {
	pg := i >> pageBits
	if pg < len(p.saved) && p.saved[pg] != nil {
		return
	}
	if pg >= len(p.saved) {
		p.saved = append(p.saved, make([][]T, pg+1-len(p.saved))...)
	}
	lo := pg << pageBits
	p.saved[pg] = slices.Clone(s[lo:min(lo+1<<pageBits, len(s))])
}

// restore copies the saved pages back into s (the slice as it was), calling mark for each
// element put back.
func (p *pages[T]) restore(s []T, mark func(int)) {
	for pg, data := range p.saved {
		lo := pg << pageBits
		if data == nil || lo >= len(s) {
			continue
		}
		n := copy(s[lo:], data)
		for i := lo; i < lo+n; i++ {
			mark(i)
		}
	}
}
