package spec

import "testing"

// The upper-bound fix: with CapActiveValidators, activations stop at the cap and the rest
// of the queue waits; without it the spec as written activates up to the churn limit.
func TestActivationCap(t *testing.T) {
	cfg := *MustPreset("minimal")
	cfg.MaxValidatorsPerCommittee = 2 // cap = 2 * 8 * 4 = 64
	if got := cfg.ActiveValidatorCap(); got != 64 {
		t.Fatalf("cap %d, want 64", got)
	}
	if got := MustPreset("mainnet").ActiveValidatorCap(); got != 4_194_304 {
		t.Fatalf("mainnet cap %d, want 4,194,304", got)
	}
	tests := []struct {
		name          string
		active, queue int
		capped        bool
		wantActivated int
	}{
		{"spec as written: churn limit", 62, 6, false, 4},
		{"fix: room for two", 62, 6, true, 2},
		{"fix: at the cap, the queue waits", 64, 6, true, 0},
		{"fix: room beyond the churn", 20, 6, true, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testState(&cfg, tt.active+tt.queue)
			s.FinalizedCheckpoint.Epoch = 2
			for i := tt.active; i < tt.active+tt.queue; i++ {
				v := &s.Validators[i]
				v.ActivationEpoch = FarFutureEpoch
				v.ActivationEligibilityEpoch = 1
			}
			m := NewModel(&cfg)
			m.CapActiveValidators = tt.capped
			m.Checked = &Checks{}
			if err := m.ProcessRegistryUpdates(s); err != nil {
				t.Fatal(err)
			}
			activated := 0
			for i := tt.active; i < tt.active+tt.queue; i++ {
				if s.Validators[i].ActivationEpoch != FarFutureEpoch {
					activated++
				}
			}
			if activated != tt.wantActivated {
				t.Fatalf("%d activated, want %d", activated, tt.wantActivated)
			}
		})
	}
}
