package proofs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// The recording test's core on operands that overflow. The vectors and generated chains
// never make a site raise (their states are reachable, and the fix keeps every site within
// uint64 there), so on them a site whose checked operation was replaced by Go's wrapping
// arithmetic only goes unrecorded. These cases build states on which one site's operation
// does overflow and run the spec function that meets it, recording: the Go code must
// return the ArithmeticError naming that site, the recording must hold the failing
// evaluation, and the site's fails model must agree on every evaluation of the site
// recorded. A wrapping fault in the spec code fails here by name
// (TestWrappingFaultsFailRecording builds the model with two and runs this test on it).
//
// The states break the invariants the site lemmas assume (a balance near 2**64, a total
// active balance of 2**60 Gwei on four validators): that is how the operation overflows.
// So only the fails models are held to the Go code here, not the hypotheses, which speak of
// reachable states.

// overflowCase is a state on which one site's operation overflows, built and run by run.
type overflowCase struct {
	site string
	what string
	run  func(m *spec.Model, cfg *spec.Config) error
}

var overflowCases = []overflowCase{
	{
		site: "process_slashings_penalty_numerator",
		what: "process_slashings (a slashed validator at MAX_EFFECTIVE_BALANCE due its penalty, 2**60 Gwei of slashings, 2**60 Gwei more active balance)",
		run: func(m *spec.Model, cfg *spec.Config) error {
			state, err := interop.LargeState(cfg, 4, spec.Slot(4*cfg.SlotsPerEpoch))
			if err != nil {
				return err
			}
			epoch := m.GetCurrentEpoch(state)
			state.Validators[0].Slashed = true
			state.Validators[0].WithdrawableEpoch = epoch + spec.Epoch(cfg.EpochsPerSlashingsVector/2)
			state.Validators[1].EffectiveBalance = 1 << 60
			state.Slashings[0] = spec.Gwei((1 << 60) / max(cfg.ProportionalSlashingMultiplier, 1))
			return m.ProcessSlashings(state)
		},
	},
	{
		site: "increase_balance_sum",
		what: "increase_balance (1 Gwei on a balance of 2**64 - 1)",
		run: func(m *spec.Model, cfg *spec.Config) error {
			state, err := interop.LargeState(cfg, 4, 0)
			if err != nil {
				return err
			}
			state.Balances[2] = 1<<64 - 1
			return m.IncreaseBalance(state, 2, 1)
		},
	},
}

// overflowProblems runs every overflow case on cfg with a recorder and describes each way
// the Go code or the site's model (modified by modify) does not do what the case requires.
func overflowProblems(cfg *spec.Config, modify func(*models)) []string {
	var out []string
	for _, c := range overflowCases {
		r := newSiteRecord()
		err := runRecorded(r, func() error { return c.run(spec.NewModel(cfg), cfg) })
		var ae *spec.ArithmeticError
		if !errors.As(err, &ae) || ae.Site != c.site {
			out = append(out, fmt.Sprintf("site %s: %s returned %v, want a uint64 overflow at site %s", c.site, c.what, err, c.site))
		}
		failed := false
		for _, evals := range r.samples[c.site] {
			failed = failed || evals[len(evals)-1].Failed
		}
		if !failed {
			out = append(out, fmt.Sprintf("site %s: %s recorded no failing evaluation of the site (%d evaluations)", c.site, c.what, r.count[c.site]))
		}
		only := newSiteRecord()
		only.samples[c.site] = r.samples[c.site]
		_, errs := evalRecord(cfg, only, modify, false)
		for _, err := range errs {
			out = append(out, err.Error())
		}
	}
	return out
}

func TestSiteOverflowsRecorded(t *testing.T) {
	for _, preset := range []string{"minimal", "mainnet"} {
		cfg := spec.MustPreset(preset)
		problems := overflowProblems(cfg, nil)
		for _, p := range problems {
			t.Errorf("%s: %s", preset, p)
		}
	}
	// A model broken on purpose fails: each case's fails model with the bound 2**66 - 1
	// instead of 2**64 - 1 says its overflow does not happen.
	cfg := spec.MustPreset("minimal")
	for _, c := range overflowCases {
		broken := func(m *models) {
			d := m.defs[c.site+"_fails"]
			if !strings.Contains(d.Body, u64Max) {
				t.Fatalf("%s_fails has no bound %s to break: %s", c.site, u64Max, d.Body)
			}
			d.Body = strings.Replace(d.Body, u64Max, "73786976294838206463", 1)
			m.defs[d.Name] = d
		}
		problems := overflowProblems(cfg, broken)
		caught := false
		for _, p := range problems {
			caught = caught || strings.HasPrefix(p, "site "+c.site+" on ")
		}
		if !caught {
			t.Errorf("%s's model with the bound 2**66 - 1 agrees with its overflow: %q", c.site, problems)
		}
	}
}

// wrappingFaults are the faults TestWrappingFaultsFailRecording puts in the spec code:
// checked operations replaced by Go's unchecked, wrapping ones. The first is the fault that
// once passed prove, go test ./... and spectest --checked.
var wrappingFaults = []struct {
	site, file, checked, wrapping string
}{
	{"process_slashings_penalty_numerator", "slashings.go",
		"k.Mul(siteSlashingsPenaltyNumerator, k.Div(siteSlashingsIncrementDivision, uint64(validator.EffectiveBalance), increment), adjusted)",
		"k.Div(siteSlashingsIncrementDivision, uint64(validator.EffectiveBalance), increment)*adjusted"},
	{"increase_balance_sum", "mutators.go",
		"k.Add(siteIncreaseBalance, uint64(state.Balances[index]), uint64(delta))",
		"uint64(state.Balances[index]) + uint64(delta)"},
}

// TestWrappingFaultsFailRecording builds the model with the wrapping faults (go test
// -overlay, the spec sources untouched) and runs TestSiteOverflowsRecorded on it: it must
// fail, naming each fault's site. Without them it passes (it runs in this suite).
func TestWrappingFaultsFailRecording(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the test binary again with the faults (-short)")
	}
	dir := t.TempDir()
	replace := map[string]string{}
	for _, f := range wrappingFaults {
		path, err := filepath.Abs(filepath.Join("..", "spec", f.file))
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(src), f.checked); n != 1 {
			t.Fatalf("spec/%s has %d of %q, want one to break", f.file, n, f.checked)
		}
		faulty := filepath.Join(dir, f.file)
		if err := os.WriteFile(faulty, []byte(strings.Replace(string(src), f.checked, f.wrapping, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		replace[path] = faulty
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": replace})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-overlay", overlayFile, "-count=1", "-run", "^TestSiteOverflowsRecorded$", ".")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("TestSiteOverflowsRecorded passes with the wrapping faults:\n%s", out)
	}
	if !strings.Contains(string(out), "--- FAIL: TestSiteOverflowsRecorded") {
		t.Fatalf("the model with the wrapping faults did not run TestSiteOverflowsRecorded (%v):\n%s", err, out)
	}
	for _, f := range wrappingFaults {
		if !strings.Contains(string(out), "want a uint64 overflow at site "+f.site) {
			t.Errorf("the wrapping fault at %s is not reported by name:\n%s", f.site, out)
		}
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "want a uint64 overflow at site") && !strings.Contains(line, "agrees with") {
			t.Logf("with the faults: %s", strings.TrimSpace(line))
		}
	}
}
