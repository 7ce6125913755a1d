package interop

import (
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The two per-validator loops of epoch processing that evaluate declared sites in every
// iteration or in a rare branch of it, alone, on a mainnet state of 100,000 validators:
// process_effective_balance_updates (the balance read and the hysteresis sums per
// validator) and process_slashings (a test of each validator's slashed flag). The
// epoch-transition benchmarks time them among everything else; these show a change to
// either loop above the noise. The state is at rest (every balance equals its effective
// balance, nobody slashed), so a call writes nothing and the same state serves every
// iteration.
func BenchmarkEffectiveBalanceUpdatesMainnet100k(b *testing.B) {
	benchEpochLoop(b, 100_000, (*spec.Model).ProcessEffectiveBalanceUpdates)
}

func BenchmarkSlashingsMainnet100k(b *testing.B) {
	benchEpochLoop(b, 100_000, (*spec.Model).ProcessSlashings)
}

func benchEpochLoop(b *testing.B, n uint64, step func(*spec.Model, *spec.BeaconState) error) {
	cfg := spec.MustPreset("mainnet")
	m := spec.NewModel(cfg)
	state, err := LargeState(cfg, n, spec.Slot(4*cfg.SlotsPerEpoch-1))
	if err != nil {
		b.Fatal(err)
	}
	if err := step(m, state); err != nil { // fills the caches the step reads
		b.Fatal(err)
	}
	before := state.Copy()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := step(m, state); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	for i := range before.Validators {
		if state.Balances[i] != before.Balances[i] || state.Validators[i].EffectiveBalance != before.Validators[i].EffectiveBalance {
			b.Fatalf("the step changed validator %d of a state at rest", i)
		}
	}
}
