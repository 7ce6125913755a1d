package properties_test

import (
	"fmt"

	"github.com/beaconcheck/beaconcheck/properties"
	"github.com/beaconcheck/beaconcheck/spec"
)

// Run the arithmetic committee-size property on minimal: it fails, and gopter shrinks the
// counterexample to the smallest number of active validators with an oversized committee.
func ExampleRun() {
	p, _ := properties.Lookup("committee-bound-arith")
	o := properties.Run(p, properties.Options{Runs: 100, Seed: 1, Env: properties.Env{Preset: "minimal"}})
	fmt.Println(o.Verdict())
	fmt.Println(o.Counterexample[0])
	// Output:
	// failed, as expected
	// minimal: V = 65,537 active validators, slot 7 (slot % SLOTS_PER_EPOCH = 7), committee index 3 of 4: 2049 members
}

// The committee lengths at mainnet's threshold, with the spec's own expressions: one more
// validator than 2**22 makes the last committee of the epoch one member too long.
func ExampleCommitteeLen() {
	cfg := spec.MustPreset("mainnet")
	for _, v := range []uint64{4_194_304, 4_194_305} {
		n, _ := properties.CommitteeLen(cfg, v, 31, 63)
		slot, index, oversized := properties.FirstOversized(cfg, v)
		fmt.Println(v, n, oversized, slot, index)
	}
	// Output:
	// 4194304 2048 false 0 0
	// 4194305 2049 true 31 63
}

// Select properties by group or glob, as `beaconcheck props --only` does.
func ExampleSelect() {
	ps, _ := properties.Select("mutant")
	for _, p := range ps {
		fmt.Println(p.Name, p.Expect)
	}
	// Output:
	// fix-committee-bound-state-unfixed fails
	// fix-cap-invariant-unfixed fails
	// fix-committee-bound-state-off-by-one fails
	// fix-cap-invariant-off-by-one fails
}

// The config recipes: a preset, and the small-cap variant the state-level fix properties
// use, whose cap of 128 active validators a chain reaches in a few epochs.
func ExampleConfigRecipe() {
	cfg, _ := properties.SmallCap.Config()
	fmt.Println(properties.SmallCap, cfg.ConfigName, cfg.ActiveValidatorCap(), properties.FixSuffices(cfg))
	minimal4 := properties.ConfigRecipe{Preset: "minimal", MaxValidatorsPerCommittee: 4}
	cfg, _ = minimal4.Config()
	fmt.Println(minimal4, cfg.ActiveValidatorCap(), properties.FixSuffices(cfg))
	// Output:
	// minimal{MAX_VALIDATORS_PER_COMMITTEE: 4, TARGET_COMMITTEE_SIZE: 2} minimal-m4-t2 128 true
	// minimal{MAX_VALIDATORS_PER_COMMITTEE: 4} 128 false
}
