package spec

import "slices"

// modelCache holds what the model computes once per epoch or slot for the state it is
// working on. The model's mutators drop the entries a change can affect (rules below);
// randao-dependent entries also record their seed and are recomputed when it changes.
type modelCache struct {
	state *BeaconState
	// validFor is the root of state when the last atomic transition on it succeeded (set
	// only for a state with a hash cache): the next one keeps the entries when the state's
	// root is still that (see atomically).
	validFor  Root
	epochs    map[Epoch]*epochCache
	proposers map[Slot]proposerEntry
	exits     *exitQueueCache
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

// The invalidation rules follow what each change can affect:
//
//   - an exit or an activation taking effect at epoch E changes the active sets (and so
//     committees, proposers and total active balances) of epochs E and later only, and the
//     spec schedules both at least MAX_SEED_LOOKAHEAD + 1 epochs ahead: entries of earlier
//     epochs stay valid (activeSetChangesFrom);
//   - a change of effective balance changes proposers and total balances, not active sets
//     or shufflings (effectiveBalancesChanged);
//   - a new validator from a deposit is inactive (FAR_FUTURE_EPOCH activation): no entry
//     depends on it.
//
// Keeping entries of unaffected epochs is what keeps a mass ejection linear: each
// initiate_validator_exit reads the churn limit of the current epoch.

// activeSetChangesFrom drops the cached entries of epochs >= epoch.
func (m *Model) activeSetChangesFrom(state *BeaconState, epoch Epoch) {
	c := m.cacheFor(state)
	for e := range c.epochs {
		if e >= epoch {
			delete(c.epochs, e)
		}
	}
	if m.GetCurrentEpoch(state) >= epoch {
		c.proposers = nil
	}
}

// effectiveBalancesChanged drops proposers and total balances.
func (m *Model) effectiveBalancesChanged(state *BeaconState) {
	c := m.cacheFor(state)
	c.proposers = nil
	for _, e := range c.epochs {
		e.hasTotal = false
	}
}

// exitQueue returns the cached exit queue of state: the largest exit epoch in use (0 when
// none) and how many validators exit at it. It is computed once, in one pass over the
// registry, and kept current by InitiateValidatorExit, the only writer of exit epochs.
func (m *Model) exitQueue(state *BeaconState) *exitQueueCache {
	c := m.cacheFor(state)
	if c.exits == nil {
		q := &exitQueueCache{}
		for i := range state.Validators {
			switch e := state.Validators[i].ExitEpoch; {
			case e == FarFutureEpoch:
			case e > q.maxEpoch:
				q.maxEpoch, q.churn = e, 1
			case e == q.maxEpoch:
				q.churn++
			}
		}
		c.exits = q
	}
	return c.exits
}

type exitQueueCache struct {
	maxEpoch Epoch
	churn    uint64 // validators with exit_epoch == maxEpoch
}

// record notes a new exit at epoch e.
func (q *exitQueueCache) record(e Epoch) {
	switch {
	case e > q.maxEpoch:
		q.maxEpoch, q.churn = e, 1
	case e == q.maxEpoch:
		q.churn++
	}
}

// sortIndices sorts validator indices ascending.
func sortIndices(s []ValidatorIndex) { slices.Sort(s) }
