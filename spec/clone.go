package spec

import "slices"

// Copy returns a deep copy of the state: no slice is shared with s. A hash cache is
// cloned with it (its trees are about twice the size of the hashed fields).
func (s *BeaconState) Copy() *BeaconState {
	c := s.copyBare()
	if h := s.hashCache(); h != nil {
		c.Extra = &StateExtra{hash: h.Clone()}
	}
	return c
}

// copyBare is Copy without the hash cache: for snapshots that are only read.
func (s *BeaconState) copyBare() *BeaconState {
	c := *s
	c.Extra = nil
	c.BlockRoots = slices.Clone(s.BlockRoots)
	c.StateRoots = slices.Clone(s.StateRoots)
	c.HistoricalRoots = slices.Clone(s.HistoricalRoots)
	c.Eth1DataVotes = slices.Clone(s.Eth1DataVotes)
	c.Validators = slices.Clone(s.Validators)
	c.Balances = slices.Clone(s.Balances)
	c.RandaoMixes = slices.Clone(s.RandaoMixes)
	c.Slashings = slices.Clone(s.Slashings)
	c.PreviousEpochAttestations = copyPending(s.PreviousEpochAttestations)
	c.CurrentEpochAttestations = copyPending(s.CurrentEpochAttestations)
	c.JustificationBits = slices.Clone(s.JustificationBits)
	return &c
}

func copyPending(in []PendingAttestation) []PendingAttestation {
	if in == nil {
		return nil
	}
	out := make([]PendingAttestation, len(in))
	for i := range in {
		out[i] = in[i]
		out[i].AggregationBits = slices.Clone(in[i].AggregationBits)
	}
	return out
}

// atomically applies fn to state and, when fn fails, undoes what it wrote: an invalid
// transition leaves the caller's state exactly as it was (its hash cache holds the same
// root). The writes are journaled (writes.go), not preceded by a copy of the state. Inside
// another atomically on the same state, fn works on a copy instead.
func (m *Model) atomically(state *BeaconState, fn func(work *BeaconState) error) (err error) {
	if state.jrnl() != nil {
		work := state.Copy()
		m.ResetCaches()
		err := fn(work)
		m.ResetCaches()
		if err != nil {
			return err
		}
		j := state.jrnl()
		*state = *work
		state.setExtra(state.hashCache(), j)
		return nil
	}
	if !m.cacheStillValid(state) {
		m.ResetCaches()
	}
	j := newJournal(state)
	state.setExtra(state.hashCache(), j)
	defer func() {
		state.setExtra(state.hashCache(), nil)
		if r := recover(); r != nil {
			m.ResetCaches()
			j.rollback(state)
			panic(r)
		}
		if err != nil {
			m.ResetCaches()
			j.rollback(state)
			return
		}
		m.keepCacheFor(state)
	}()
	return fn(state)
}

// A state with a hash cache is worked on in place, block after block, so the model's
// per-epoch entries (shufflings, committees, proposers) made for it in one transition
// serve the next, as they serve the rest of one transition: the model's own writes keep
// them right. What is checked is that nothing else wrote the state in between: its root
// (cheap with the cache) must still be the one it had when the last transition on it
// succeeded. Without a hash cache, every top-level call starts afresh.
func (m *Model) cacheStillValid(state *BeaconState) bool {
	if state.hashCache() == nil || m.cache.state != state || m.cache.validFor == (Root{}) {
		return false
	}
	root, err := HashTreeRoot(m.Config, state)
	return err == nil && root == m.cache.validFor
}

// keepCacheFor records the root the model's entries are valid for, after a successful
// atomic transition on state; without a hash cache the entries are dropped.
func (m *Model) keepCacheFor(state *BeaconState) {
	if state.hashCache() == nil || m.cache.state != state {
		m.ResetCaches()
		return
	}
	root, err := HashTreeRoot(m.Config, state)
	if err != nil {
		m.ResetCaches()
		return
	}
	m.cache.validFor = root
}
