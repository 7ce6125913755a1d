package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// vectorsDir is where `make spec-tests` extracts the official vectors.
var vectorsDir = filepath.Join("..", ".cache", "spec-tests", "v0.12.3", "tests")

// needVectors skips when the vectors are absent, except in CI (CI=true), where the README's
// test command has fetched them and their absence is a failure.
func needVectors(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(vectorsDir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("official vectors missing in CI: %v", err)
		}
		t.Skip("official vectors not downloaded: run 'make spec-tests'")
	}
}

// TestOfficialVectors runs every runner over the v0.12.3 release (all of its Phase 0
// cases: 6,316) and asserts the exact case counts of the release, all passed, none skipped.
func TestOfficialVectors(t *testing.T) {
	needVectors(t)
	want := map[string]int{ // runner -> cases in v0.12.3 (both presets)
		"ssz_static":  3321, // minimal only: 27 types x 123
		"ssz_generic": 1905,
		"shuffling":   600,
		"bls":         56,
		// The state transition, minimal and mainnet.
		"operations":       172,
		"epoch_processing": 80,
		"sanity":           77,
		"finality":         10,
		"rewards":          88,
		"genesis":          7, // minimal only
	}
	var names []string
	for r := range want {
		names = append(names, r)
	}
	rep, err := Run(Options{Dir: vectorsDir, Runners: names})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, res := range rep.Results {
		got[res.Runner] += res.Passed
		if res.Failed != 0 || res.Skipped != 0 {
			for _, f := range res.Failures {
				t.Errorf("%s: %v", f.Case, f.Err)
			}
			t.Errorf("%s: %d failed, %d skipped", res.Name(), res.Failed, res.Skipped)
		}
	}
	for r, n := range want {
		if got[r] != n {
			t.Errorf("runner %s: %d cases passed, the release has %d", r, got[r], n)
		}
	}
}

func TestUnknownThingsFailLoudly(t *testing.T) {
	root := t.TempDir()
	mk := func(parts ...string) string {
		p := filepath.Join(append([]string{root}, parts...)...)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write := func(dir, name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// An unknown runner, an unknown ssz_static type, a shuffling case with a stray file,
	// and a fork that is not Phase 0 (reported as ignored, not run).
	mk("minimal", "phase0", "light_client", "update", "pyspec_tests", "case_0")
	mk("minimal", "phase0", "ssz_static", "NotAType", "ssz_random", "case_0")
	c := mk("minimal", "phase0", "shuffling", "core", "shuffle", "case_0")
	write(c, "mapping.yaml", "seed: '0x0000000000000000000000000000000000000000000000000000000000000000'\ncount: 1\nmapping: [0]\n")
	write(c, "extra.txt", "?")
	good := mk("minimal", "phase0", "shuffling", "core", "shuffle", "case_1")
	write(good, "mapping.yaml", "seed: '0x0000000000000000000000000000000000000000000000000000000000000000'\ncount: 1\nmapping: [0]\n")
	mk("minimal", "altair", "ssz_static")

	rep, err := Run(Options{Dir: root})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Result{}
	for _, r := range rep.Results {
		byName[r.Name()] = r
	}
	checks := []struct {
		line           string
		passed, failed int
		reason         string
	}{
		{"minimal/phase0/light_client/update", 0, 1, "not implemented"},
		{"minimal/phase0/ssz_static/NotAType", 0, 1, "unknown container type"},
		{"minimal/phase0/shuffling/core", 1, 1, "unknown file \"extra.txt\""},
	}
	for _, ck := range checks {
		r := byName[ck.line]
		if r == nil {
			t.Fatalf("no result line %s", ck.line)
		}
		if r.Passed != ck.passed || r.Failed != ck.failed {
			t.Errorf("%s: %d passed %d failed, want %d/%d", ck.line, r.Passed, r.Failed, ck.passed, ck.failed)
		}
		if len(r.Failures) == 0 || !strings.Contains(r.Failures[0].Err.Error(), ck.reason) {
			t.Errorf("%s: failures %v, want reason %q", ck.line, r.Failures, ck.reason)
		}
	}
	if len(rep.Ignored) != 1 || rep.Ignored[0] != "minimal/altair" {
		t.Errorf("ignored %v, want [minimal/altair]", rep.Ignored)
	}
	if _, err := Run(Options{Dir: root, Runners: []string{"nope"}}); err == nil {
		t.Error("unknown --runner accepted")
	}
	if _, err := Run(Options{Dir: filepath.Join(root, "missing")}); err == nil {
		t.Error("missing directory accepted")
	}
}

// The official v0.12.3 tree is detected as v0.12.3 (its per-preset configs equal the
// embedded v0.12.3 presets), so it runs under RulesV0123.
func TestDetectReleaseOfOfficialVectors(t *testing.T) {
	needVectors(t)
	rel, err := DetectRelease(vectorsDir, "")
	if err != nil {
		t.Fatal(err)
	}
	if rel.Name != spec.ReleaseV0123 || rel.Rules != spec.RulesV0123 || rel.Layout != "v0.12 (.ssz)" {
		t.Fatalf("release %q rules %v layout %q (%s), want v0.12.3, v0.12.3, v0.12 (.ssz)", rel.Name, rel.Rules, rel.Layout, rel.Reason)
	}
	cfg, err := rel.Config("minimal")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ProportionalSlashingMultiplier != 3 || cfg.Rules != spec.RulesV0123 {
		t.Fatalf("minimal config: PROPORTIONAL_SLASHING_MULTIPLIER %d rules %v, want 3 and v0.12.3", cfg.ProportionalSlashingMultiplier, cfg.Rules)
	}
	forced, err := DetectRelease(vectorsDir, "v1.0")
	if err != nil {
		t.Fatal(err)
	}
	if forced.Name != spec.ReleaseV100 || forced.Rules != spec.RulesFinal {
		t.Fatalf("--release v1.0: got %q %v", forced.Name, forced.Rules)
	}
}

// Without carried configs, DetectRelease reads the release off the layout.
func TestDetectReleaseByLayout(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  string
		why   string
	}{
		{"v0.12 .ssz", []string{"minimal/phase0/sanity/blocks/pyspec_tests/a/pre.ssz"}, spec.ReleaseV0123, ".ssz files"},
		{"snappy, no v1.1 marker", []string{"minimal/phase0/epoch_processing/final_updates/pyspec_tests/a/pre.ssz_snappy"}, spec.ReleaseV100, "no v1.1 marker"},
		{"a split epoch handler", []string{"minimal/phase0/epoch_processing/slashings_reset/pyspec_tests/a/pre.ssz_snappy"}, spec.ReleaseV1110, "slashings_reset"},
		{"the random runner", []string{"minimal/phase0/random/random/pyspec_tests/a/pre.ssz_snappy"}, spec.ReleaseV1110, "random runner"},
		{"genesis eth1.yaml", []string{"minimal/phase0/genesis/initialization/pyspec_tests/a/eth1.yaml", "minimal/phase0/genesis/initialization/pyspec_tests/a/state.ssz_snappy"}, spec.ReleaseV1110, "eth1.yaml"},
		{"an altair directory", []string{"minimal/altair/sanity/blocks/pyspec_tests/a/pre.ssz_snappy"}, spec.ReleaseV1110, "altair"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "tests")
			for _, f := range tt.files {
				p := filepath.Join(root, filepath.FromSlash(f))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			rel, err := DetectRelease(filepath.Dir(root), "")
			if err != nil {
				t.Fatal(err)
			}
			if rel.Name != tt.want || !strings.Contains(rel.Reason, tt.why) || rel.Rules != spec.ReleaseRules(tt.want) {
				t.Fatalf("release %q rules %v (%s), want %q because of %q", rel.Name, rel.Rules, rel.Reason, tt.want, tt.why)
			}
			cfg, err := rel.Config("minimal")
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Source != "minimal@"+tt.want+" (embedded)" {
				t.Fatalf("config %q, want the embedded minimal@%s", cfg.Source, tt.want)
			}
		})
	}
}
