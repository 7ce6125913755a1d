package interop

import (
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// hash_tree_root of a 400,000-validator mainnet state from scratch (no cache): what every
// root cost before the hash cache, and what a state's first root still costs. This file
// uses only what the model had before the cache, so scripts/bench-report.sh can run it on
// an older checkout too.
func BenchmarkColdHashTreeRootMainnet400k(b *testing.B) {
	cfg := spec.MustPreset("mainnet")
	state, err := LargeState(cfg, 400_000, 127)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := spec.HashTreeRoot(cfg, state); err != nil {
			b.Fatal(err)
		}
	}
}
