package bounds_test

import (
	"context"
	"fmt"
	"os"

	"github.com/beaconcheck/beaconcheck/bounds"
	"github.com/beaconcheck/beaconcheck/spec"
)

// Scan the default range of mainnet and read the thresholds off the summary.
func ExampleScan() {
	cfg := spec.MustPreset("mainnet")
	from, to := bounds.DefaultRange(cfg)
	s, err := bounds.Scan(context.Background(), cfg, from, to, bounds.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println("range:", s.From, "to", s.To)
	fmt.Println("committees_per_slot at its maximum from:", s.CommitteesPerSlotMax.V)
	fmt.Println("no committee too long up to:", s.LastSafe.V)
	fmt.Println("first violation:", s.FirstViolating.V)
	fmt.Println("all combinations violate from:", s.AllViolatingFrom.V)
	// Output:
	// range: 0 to 8388608
	// committees_per_slot at its maximum from: 262144
	// no committee too long up to: 4194304
	// first violation: 4194305
	// all combinations violate from: 4196352
}

// Scan a range that stops short of the violations, with the referee engine and every row.
func ExampleScan_rows() {
	cfg := spec.MustPreset("minimal")
	s, err := bounds.Scan(context.Background(), cfg, 62, 66, bounds.Options{
		Engine: bounds.Referee,
		Row: func(r bounds.VResult) error {
			fmt.Printf("V=%d committees_per_slot=%d lengths %d..%d\n", r.V, r.CommitteesPerSlot, r.MinLen, r.MaxLen)
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("first violation:", s.FirstViolating.Status)
	// Output:
	// V=62 committees_per_slot=1 lengths 7..8
	// V=63 committees_per_slot=1 lengths 7..8
	// V=64 committees_per_slot=2 lengths 4..4
	// V=65 committees_per_slot=2 lengths 4..5
	// V=66 committees_per_slot=2 lengths 4..5
	// first violation: not reached
}

// The article's example: at 4,194,355 active validators, 51 of the 2,048 mainnet committees
// are longer than MAX_VALIDATORS_PER_COMMITTEE.
func ExampleFastAt() {
	r, err := bounds.FastAt(spec.MustPreset("mainnet"), 4194355)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", r)
	// Output:
	// {V:4194355 CommitteesPerSlot:64 Combinations:2048 MinLen:2048 MaxLen:2049 Violating:51}
}

// Print the summary as the command line does.
func ExampleSummary_WriteText() {
	cfg := spec.MustPreset("minimal")
	from, to := bounds.DefaultRange(cfg)
	s, err := bounds.Scan(context.Background(), cfg, from, to, bounds.Options{})
	if err != nil {
		panic(err)
	}
	s.WriteText(os.Stdout)
	// Output:
	// committees_per_slot reaches MAX_COMMITTEES_PER_SLOT = 4 at V = 128 (2^7)
	// no committee is longer than MAX_VALIDATORS_PER_COMMITTEE = 2,048 for V in [0, 65,536 (2^16)]
	// first V with a committee longer than 2,048: 65,537 (2^16 + 1)
	// every combination's committee is longer than 2,048 from V = 65,568 (2^16 + 2^5) to the end of the range
	//
	// V with a violating combination:      65,536 of 131,073
	// V with every combination violating:  65,505 of 131,073
	// most violating combinations of one V: 32
	// longest committee: 4,096, first at V = 131,041
}
