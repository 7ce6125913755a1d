package interop

import (
	"fmt"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// Re-hashing a large mainnet state after one balance changes: increase_balance of one
// validator, then hash_tree_root of the state. With the hash cache (cache=on) only the
// balance's chunk and its path, and the container's own fields, are hashed again; without
// it (cache=off, as before the cache existed) the whole state is. Building the state and
// the first, cold, root of the cache are set-up.
func BenchmarkRehashAfterOneBalance(b *testing.B) {
	cfg := spec.MustPreset("mainnet")
	for _, n := range []uint64{100_000, 1_000_000} {
		state, err := LargeState(cfg, n, 127)
		if err != nil {
			b.Fatal(err)
		}
		for _, cache := range []bool{true, false} {
			b.Run(fmt.Sprintf("validators=%d/cache=%s", n, map[bool]string{true: "on", false: "off"}[cache]), func(b *testing.B) {
				s := state.Copy()
				if cache {
					s.EnableHashCache()
				}
				if _, err := spec.HashTreeRoot(cfg, s); err != nil {
					b.Fatal(err)
				}
				m := spec.NewModel(cfg)
				i := 0
				for b.Loop() {
					if err := m.IncreaseBalance(s, spec.ValidatorIndex(i*7919%int(n)), 1); err != nil {
						b.Fatal(err)
					}
					if _, err := spec.HashTreeRoot(cfg, s); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// The first root of a 400,000-validator mainnet state with a hash cache, which builds the
// cache's trees: to set beside BenchmarkColdHashTreeRootMainnet400k, the same root without
// a cache. Each iteration forgets the trees first (ResetHashCache).
func BenchmarkColdCachedRootMainnet400k(b *testing.B) {
	cfg := spec.MustPreset("mainnet")
	state, err := LargeState(cfg, 400_000, 127)
	if err != nil {
		b.Fatal(err)
	}
	state.EnableHashCache()
	for b.Loop() {
		state.ResetHashCache()
		if _, err := spec.HashTreeRoot(cfg, state); err != nil {
			b.Fatal(err)
		}
	}
}
