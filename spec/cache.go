package spec

import "slices"

// modelCache holds what the model computes once per epoch or slot for the state it is
// working on. The model's mutators drop every entry whenever they change what an entry
// depends on (activation and exit epochs, effective balances, the registry's length);
// randao-dependent entries also record their seed and are recomputed when it changes.
type modelCache struct {
	state     *BeaconState
	epochs    map[Epoch]*epochCache
	proposers map[Slot]proposerEntry
}

type epochCache struct {
	active      []ValidatorIndex // get_active_validator_indices
	seed        Root             // attester seed the shuffling was made with
	shuffled    []ValidatorIndex // active, whole-list shuffled
	totalActive Gwei             // get_total_active_balance (current epoch only)
	hasTotal    bool
}

type proposerEntry struct {
	seed  Root
	index ValidatorIndex
}

// cacheFor returns the cache for state, starting afresh if the model was working on
// another state.
func (m *Model) cacheFor(state *BeaconState) *modelCache {
	if m.cache.state != state {
		m.cache = modelCache{state: state}
	}
	return &m.cache
}

// cachedEpoch returns the epoch's entry if there is one.
func (m *Model) cachedEpoch(state *BeaconState, epoch Epoch) *epochCache {
	return m.cacheFor(state).epochs[epoch]
}

// epochEntry returns the epoch's entry, creating it.
func (m *Model) epochEntry(state *BeaconState, epoch Epoch) *epochCache {
	c := m.cacheFor(state)
	if c.epochs == nil {
		c.epochs = map[Epoch]*epochCache{}
	}
	e := c.epochs[epoch]
	if e == nil {
		e = &epochCache{}
		c.epochs[epoch] = e
	}
	return e
}

// registryChanged drops every cached entry of state: called by the mutators that change
// activation or exit epochs, effective balances or the registry's length.
func (m *Model) registryChanged(state *BeaconState) {
	if m.cache.state == state {
		m.cache = modelCache{state: state}
	}
}

// sortIndices sorts validator indices ascending.
func sortIndices(s []ValidatorIndex) { slices.Sort(s) }
