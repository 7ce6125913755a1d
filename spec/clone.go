package spec

import "slices"

// Copy returns a deep copy of the state: no slice is shared with s.
func (s *BeaconState) Copy() *BeaconState {
	c := *s
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

// atomically applies fn to a copy of state and, only if fn succeeds, makes state the
// result: an invalid transition leaves the caller's state exactly as it was.
func (m *Model) atomically(state *BeaconState, fn func(work *BeaconState) error) error {
	work := state.Copy()
	m.ResetCaches()
	err := fn(work)
	m.ResetCaches()
	if err != nil {
		return err
	}
	*state = *work
	return nil
}
