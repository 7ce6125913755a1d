package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPresetsLoad(t *testing.T) {
	tests := []struct {
		preset                                  string
		slotsPerEpoch, committees, shuffleRound uint64
		inactivityQuotient                      uint64
		genesisFork                             Version
	}{
		{"mainnet", 32, 64, 90, 67108864, Version{0, 0, 0, 0}},
		{"minimal", 8, 4, 10, 33554432, Version{0, 0, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.preset, func(t *testing.T) {
			c, err := Preset(tt.preset)
			if err != nil {
				t.Fatal(err)
			}
			if c.SlotsPerEpoch != tt.slotsPerEpoch || c.MaxCommitteesPerSlot != tt.committees ||
				c.ShuffleRoundCount != tt.shuffleRound || c.InactivityPenaltyQuotient != tt.inactivityQuotient ||
				c.GenesisForkVersion != tt.genesisFork {
				t.Fatalf("%s preset has wrong values: %+v", tt.preset, c)
			}
			if c.MaxValidatorsPerCommittee != 2048 || c.ValidatorRegistryLimit != 1<<40 || c.DomainBeaconAttester != (DomainType{1, 0, 0, 0}) {
				t.Fatalf("%s: shared values wrong", tt.preset)
			}
			// Rendering and loading again gives the same config.
			back, err := ParseConfig("rendered", []byte(c.YAML()))
			if err != nil {
				t.Fatal(err)
			}
			back.Source, back.Rules = c.Source, c.Rules // not YAML keys
			if *back != *c {
				t.Fatalf("YAML round trip changed the config")
			}
		})
	}
	if _, err := Preset("testnet"); err == nil {
		t.Fatal("unknown preset accepted")
	}
}

// The presets of each release carry that release's values and rules: the values that
// changed between releases are checked against the consensus-specs files they come from.
func TestPresetsByRelease(t *testing.T) {
	tests := []struct {
		name                   string
		wantSource             string
		rules                  Rules
		churnQuotient          uint64
		inactivityQuotient     uint64
		minSlashingQuotient    uint64
		proportionalMultiplier uint64
	}{
		{"minimal", "minimal@v1.0.0 (embedded)", RulesFinal, 65536, 33554432, 64, 2}, // the default release
		{"minimal@v0.12.3", "minimal@v0.12.3 (embedded)", RulesV0123, 65536, 16777216, 32, 3},
		{"minimal@v1.0.0", "minimal@v1.0.0 (embedded)", RulesFinal, 65536, 33554432, 64, 2},
		{"minimal@v1.0", "minimal@v1.0.0 (embedded)", RulesFinal, 65536, 33554432, 64, 2},
		{"minimal@v1.1.10", "minimal@v1.1.10 (embedded)", RulesFinal, 32, 33554432, 64, 2},
		{"minimal@v1.1", "minimal@v1.1.10 (embedded)", RulesFinal, 32, 33554432, 64, 2},
		{"minimal@v1.1.3", "minimal@v1.1.10 (embedded)", RulesFinal, 32, 33554432, 64, 2},
		{"mainnet", "mainnet@v1.0.0 (embedded)", RulesFinal, 65536, 67108864, 128, 1},
		{"mainnet@v0.12.3", "mainnet@v0.12.3 (embedded)", RulesV0123, 65536, 16777216, 32, 3},
		{"mainnet@v1.1.10", "mainnet@v1.1.10 (embedded)", RulesFinal, 65536, 67108864, 128, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Preset(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if c.Source != tt.wantSource || c.Rules != tt.rules {
				t.Errorf("source %q rules %v, want %q %v", c.Source, c.Rules, tt.wantSource, tt.rules)
			}
			if c.ChurnLimitQuotient != tt.churnQuotient || c.InactivityPenaltyQuotient != tt.inactivityQuotient ||
				c.MinSlashingPenaltyQuotient != tt.minSlashingQuotient || c.ProportionalSlashingMultiplier != tt.proportionalMultiplier {
				t.Errorf("CHURN_LIMIT_QUOTIENT %d INACTIVITY_PENALTY_QUOTIENT %d MIN_SLASHING_PENALTY_QUOTIENT %d PROPORTIONAL_SLASHING_MULTIPLIER %d, want %d %d %d %d",
					c.ChurnLimitQuotient, c.InactivityPenaltyQuotient, c.MinSlashingPenaltyQuotient, c.ProportionalSlashingMultiplier,
					tt.churnQuotient, tt.inactivityQuotient, tt.minSlashingQuotient, tt.proportionalMultiplier)
			}
		})
	}
	for _, bad := range []string{"minimal@v2.0.0", "minimal@", "testnet@v1.0.0", "minimal@v1.1.x.y"} {
		var ce *ConfigError
		if _, err := Preset(bad); !errors.As(err, &ce) {
			t.Errorf("Preset(%q) = %v, want a *ConfigError", bad, err)
		}
	}
}

// withKey returns the minimal preset's YAML with one key's line replaced (or removed when
// line is empty, or appended when the key is absent).
func withKey(t *testing.T, key, line string) []byte {
	t.Helper()
	var out []string
	found := false
	for _, l := range strings.Split(MustPreset("minimal").YAML(), "\n") {
		if strings.HasPrefix(l, key+":") {
			found = true
			if line != "" {
				out = append(out, line)
			}
			continue
		}
		out = append(out, l)
	}
	if !found {
		out = append(out, line)
	}
	return []byte(strings.Join(out, "\n"))
}

func TestBadConfigsAreRejectedNamingTheKey(t *testing.T) {
	tests := []struct {
		name, key, line string
		wantKey, want   string
	}{
		{"missing key", "SLOTS_PER_EPOCH", "", "SLOTS_PER_EPOCH", "missing"},
		{"zero divisor", "CHURN_LIMIT_QUOTIENT", "CHURN_LIMIT_QUOTIENT: 0", "CHURN_LIMIT_QUOTIENT", "greater than zero"},
		{"zero increment", "EFFECTIVE_BALANCE_INCREMENT", "EFFECTIVE_BALANCE_INCREMENT: 0", "EFFECTIVE_BALANCE_INCREMENT", "greater than zero"},
		{"not a power of two", "SLOTS_PER_EPOCH", "SLOTS_PER_EPOCH: 12", "SLOTS_PER_EPOCH", "power of two, got 12"},
		{"registry limit not a power of two", "VALIDATOR_REGISTRY_LIMIT", "VALIDATOR_REGISTRY_LIMIT: 1000", "VALIDATOR_REGISTRY_LIMIT", "power of two"},
		{"negative", "MAX_DEPOSITS", "MAX_DEPOSITS: -1", "MAX_DEPOSITS", "not an unsigned 64-bit integer"},
		{"overflowing", "MAX_DEPOSITS", "MAX_DEPOSITS: 18446744073709551616", "MAX_DEPOSITS", "not an unsigned 64-bit integer"},
		{"bad hex", "GENESIS_FORK_VERSION", "GENESIS_FORK_VERSION: 0x0001", "GENESIS_FORK_VERSION", "4 bytes"},
		{"unknown key", "SLOTS_PER_EPOCHS", "SLOTS_PER_EPOCHS: 8", "SLOTS_PER_EPOCHS", "unknown key"},
		{"history shorter than an epoch", "SLOTS_PER_HISTORICAL_ROOT", "SLOTS_PER_HISTORICAL_ROOT: 4", "SLOTS_PER_HISTORICAL_ROOT", "at least SLOTS_PER_EPOCH"},
		{"shuffle rounds over a byte", "SHUFFLE_ROUND_COUNT", "SHUFFLE_ROUND_COUNT: 300", "SHUFFLE_ROUND_COUNT", "at most 256"},
		{"seed lookahead inverted", "MIN_SEED_LOOKAHEAD", "MIN_SEED_LOOKAHEAD: 5", "MIN_SEED_LOOKAHEAD", "MAX_SEED_LOOKAHEAD"},
		{"non-scalar", "MAX_DEPOSITS", "MAX_DEPOSITS: [1, 2]", "MAX_DEPOSITS", "scalar"},
		{"zero inclusion delay (a divisor)", "MIN_ATTESTATION_INCLUSION_DELAY", "MIN_ATTESTATION_INCLUSION_DELAY: 0", "MIN_ATTESTATION_INCLUSION_DELAY", "greater than zero"},
		{"registry past the shuffle's uint32", "VALIDATOR_REGISTRY_LIMIT", "VALIDATOR_REGISTRY_LIMIT: 2199023255552", "VALIDATOR_REGISTRY_LIMIT", "at most 2**40"},
		{"vote list limit overflows", "EPOCHS_PER_ETH1_VOTING_PERIOD", "EPOCHS_PER_ETH1_VOTING_PERIOD: 4611686018427387904", "EPOCHS_PER_ETH1_VOTING_PERIOD", "fit a uint64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("test.yaml", withKey(t, tt.key, tt.line))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *ConfigError", err)
			}
			if ce.Key != tt.wantKey || !strings.Contains(ce.Reason, tt.want) {
				t.Fatalf("error names key %q reason %q; want key %q reason containing %q", ce.Key, ce.Reason, tt.wantKey, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantKey) {
				t.Fatalf("message %q does not name the key", err)
			}
		})
	}
	for _, doc := range []string{"", "- a list", "KEY: [unclosed"} {
		if _, err := ParseConfig("x.yaml", []byte(doc)); err == nil {
			t.Fatalf("document %q accepted", doc)
		}
	}
	dup := append(withKey(t, "MAX_DEPOSITS", "MAX_DEPOSITS: 16"), []byte("\nMAX_DEPOSITS: 16\n")...)
	if _, err := ParseConfig("x.yaml", dup); err == nil || !strings.Contains(err.Error(), "defined twice") {
		t.Fatalf("duplicate key: %v", err)
	}
}

// splitFiles writes the minimal preset in the v1.x split layout: preset values in
// presets/minimal/phase0.yaml, run-time values in configs/minimal.yaml (with keys of later
// forks, which are ignored), and no domain constants (they default to the spec's).
func splitFiles(t *testing.T, dir string, configExtra string) {
	t.Helper()
	presetKeys := map[string]bool{}
	for _, k := range strings.Fields(`MAX_COMMITTEES_PER_SLOT TARGET_COMMITTEE_SIZE MAX_VALIDATORS_PER_COMMITTEE
		SHUFFLE_ROUND_COUNT HYSTERESIS_QUOTIENT HYSTERESIS_DOWNWARD_MULTIPLIER HYSTERESIS_UPWARD_MULTIPLIER
		SAFE_SLOTS_TO_UPDATE_JUSTIFIED MIN_DEPOSIT_AMOUNT MAX_EFFECTIVE_BALANCE EFFECTIVE_BALANCE_INCREMENT
		MIN_ATTESTATION_INCLUSION_DELAY SLOTS_PER_EPOCH MIN_SEED_LOOKAHEAD MAX_SEED_LOOKAHEAD
		EPOCHS_PER_ETH1_VOTING_PERIOD SLOTS_PER_HISTORICAL_ROOT MIN_EPOCHS_TO_INACTIVITY_PENALTY
		EPOCHS_PER_HISTORICAL_VECTOR EPOCHS_PER_SLASHINGS_VECTOR HISTORICAL_ROOTS_LIMIT VALIDATOR_REGISTRY_LIMIT
		BASE_REWARD_FACTOR WHISTLEBLOWER_REWARD_QUOTIENT PROPOSER_REWARD_QUOTIENT INACTIVITY_PENALTY_QUOTIENT
		MIN_SLASHING_PENALTY_QUOTIENT PROPORTIONAL_SLASHING_MULTIPLIER MAX_PROPOSER_SLASHINGS
		MAX_ATTESTER_SLASHINGS MAX_ATTESTATIONS MAX_DEPOSITS MAX_VOLUNTARY_EXITS`) {
		presetKeys[k] = true
	}
	var preset, config []string
	config = append(config, "PRESET_BASE: 'minimal'", "ALTAIR_FORK_VERSION: 0x01000001", "ALTAIR_FORK_EPOCH: 18446744073709551615")
	for _, l := range strings.Split(strings.TrimSpace(MustPreset("minimal").YAML()), "\n") {
		k, _, _ := strings.Cut(l, ":")
		switch {
		case strings.HasPrefix(k, "DOMAIN_"), k == "BLS_WITHDRAWAL_PREFIX", k == "CONFIG_NAME":
		case presetKeys[k]:
			preset = append(preset, l)
		default:
			config = append(config, l)
		}
	}
	config = append(config, configExtra)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "presets", "minimal"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "configs"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "presets", "minimal", "phase0.yaml"), []byte(strings.Join(preset, "\n")+"\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "configs", "minimal.yaml"), []byte(strings.Join(config, "\n")+"\n"), 0o644))
}

func TestSplitFormatLoads(t *testing.T) {
	dir := t.TempDir()
	splitFiles(t, dir, "")
	c, err := LoadSplitConfig(dir, "minimal")
	if err != nil {
		t.Fatal(err)
	}
	want := MustPreset("minimal")
	if !c.SameValues(want) || c.ConfigName != want.ConfigName {
		t.Fatalf("split config differs from the single-file preset:\n%s\nvs\n%s", c.YAML(), want.YAML())
	}
	dir2 := t.TempDir()
	splitFiles(t, dir2, "SLOTS_PER_EPOCH: 16")
	_, err = LoadSplitConfig(dir2, "minimal")
	if err == nil || !strings.Contains(err.Error(), "SLOTS_PER_EPOCH") || !strings.Contains(err.Error(), "defined twice") {
		t.Fatalf("conflicting split files: %v", err)
	}
	if _, err := LoadConfig(filepath.Join(dir, "nope.yaml")); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestResolveConfig(t *testing.T) {
	if c, err := ResolveConfig("", nil); err != nil || c.SlotsPerEpoch != 32 {
		t.Fatalf("default should be mainnet: %v", err)
	}
	if c, err := ResolveConfig("minimal", nil); err != nil || c.SlotsPerEpoch != 8 {
		t.Fatalf("minimal: %v", err)
	}
	if _, err := ResolveConfig("minimal", []string{"x.yaml"}); err == nil {
		t.Fatal("preset and file together accepted")
	}
}

// TestHugeListLimitsHashByDepth: a config may size lists beyond 2**32 (MAX_ATTESTATIONS is
// only required to keep MAX_ATTESTATIONS * SLOTS_PER_EPOCH in a uint64). Limits 2**37+1 and
// 2**38 give trees of the same depth, so the same block body root; 2**37 gives another.
// (fastssz's depth helper, used before, gave 2**37+1 depth 37, and panicked above 2**63.)
func TestHugeListLimitsHashByDepth(t *testing.T) {
	body := &BeaconBlockBody{Attestations: []Attestation{{AggregationBits: []byte{0x03}}}}
	root := func(maxAttestations uint64) Root {
		cfg := *MustPreset("minimal")
		cfg.MaxAttestations = maxAttestations
		r, err := HashTreeRoot(&cfg, body)
		if err != nil {
			t.Fatalf("MAX_ATTESTATIONS %d: %v", maxAttestations, err)
		}
		return r
	}
	if root(1<<37+1) != root(1<<38) {
		t.Errorf("MAX_ATTESTATIONS 2**37+1 and 2**38 give different roots")
	}
	if root(1<<37) == root(1<<38) {
		t.Errorf("MAX_ATTESTATIONS 2**37 and 2**38 give the same root")
	}
	root(1<<63 + 1) // above 2**63: no panic, a root
	root(1<<64 - 1)
}
