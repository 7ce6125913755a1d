package spec

import (
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Constants of the Phase 0 spec ("Constants"): not configurable.
const (
	GenesisSlot              Slot   = 0
	GenesisEpoch             Epoch  = 0
	FarFutureEpoch           Epoch  = 1<<64 - 1
	BaseRewardsPerEpoch      uint64 = 4
	DepositContractTreeDepth uint64 = 32
	JustificationBitsLength  uint64 = 4
)

// Config holds every configuration value of the Phase 0 spec ("Configuration"): the preset
// values that size SSZ types and the run-time values. One binary serves every config: all
// list limits and vector lengths are read from here at run time.
type Config struct {
	ConfigName string // CONFIG_NAME (v0.12/v1.0) or PRESET_BASE (v1.x); informational

	// Rules are the spec revision's behavioural rules (rules.go): RulesFinal unless the
	// config is a v0.12.3 preset or a caller chose otherwise. Not a YAML key.
	Rules Rules
	// Source says where the values came from, for headers: "minimal@v1.0.0 (embedded)" or
	// the file paths. Informational; not a YAML key.
	Source string

	// Misc
	Eth1FollowDistance             uint64
	MaxCommitteesPerSlot           uint64
	TargetCommitteeSize            uint64
	MaxValidatorsPerCommittee      uint64
	MinPerEpochChurnLimit          uint64
	ChurnLimitQuotient             uint64
	ShuffleRoundCount              uint64
	MinGenesisActiveValidatorCount uint64
	MinGenesisTime                 uint64
	HysteresisQuotient             uint64
	HysteresisDownwardMultiplier   uint64
	HysteresisUpwardMultiplier     uint64
	SafeSlotsToUpdateJustified     uint64 // fork choice; kept for completeness

	// Gwei values
	MinDepositAmount          Gwei
	MaxEffectiveBalance       Gwei
	EjectionBalance           Gwei
	EffectiveBalanceIncrement Gwei

	// Initial values
	GenesisForkVersion  Version
	BLSWithdrawalPrefix byte

	// Time parameters
	GenesisDelay                     uint64
	SecondsPerSlot                   uint64
	SecondsPerEth1Block              uint64
	MinAttestationInclusionDelay     uint64
	SlotsPerEpoch                    uint64
	MinSeedLookahead                 uint64
	MaxSeedLookahead                 uint64
	MinEpochsToInactivityPenalty     uint64
	EpochsPerEth1VotingPeriod        uint64
	SlotsPerHistoricalRoot           uint64
	MinValidatorWithdrawabilityDelay uint64
	ShardCommitteePeriod             uint64

	// State list lengths
	EpochsPerHistoricalVector uint64
	EpochsPerSlashingsVector  uint64
	HistoricalRootsLimit      uint64
	ValidatorRegistryLimit    uint64

	// Rewards and penalties
	BaseRewardFactor               uint64
	WhistleblowerRewardQuotient    uint64
	ProposerRewardQuotient         uint64
	InactivityPenaltyQuotient      uint64
	MinSlashingPenaltyQuotient     uint64
	ProportionalSlashingMultiplier uint64

	// Max operations per block
	MaxProposerSlashings uint64
	MaxAttesterSlashings uint64
	MaxAttestations      uint64
	MaxDeposits          uint64
	MaxVoluntaryExits    uint64

	// Deposit contract (validator guide / genesis tooling)
	DepositChainID         uint64
	DepositNetworkID       uint64
	DepositContractAddress [20]byte

	// Domain types
	DomainBeaconProposer    DomainType
	DomainBeaconAttester    DomainType
	DomainRandao            DomainType
	DomainDeposit           DomainType
	DomainVoluntaryExit     DomainType
	DomainSelectionProof    DomainType
	DomainAggregateAndProof DomainType
}

// ConfigError reports a config that cannot be used, naming the offending key.
type ConfigError struct {
	Key    string // the YAML key, e.g. "SLOTS_PER_EPOCH"; empty for file-level errors
	Source string // file the value came from, if known
	Reason string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.Source != "" {
		b.WriteString(" ")
		b.WriteString(e.Source)
	}
	if e.Key != "" {
		b.WriteString(": ")
		b.WriteString(e.Key)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// configRule is what the loader requires of one key.
type configRule uint8

const (
	ruleAny      configRule = iota
	ruleNonZero             // used as a divisor or modulus, or an SSZ length that must be > 0
	rulePowerOf2            // declared 2**n by the spec (history buffers, list limits); implies non-zero
)

type configKind uint8

const (
	kindUint configKind = iota
	kindBytes4
	kindByte
	kindAddress
	kindName
)

// configKey describes one YAML key: where it goes, how it parses, what it must satisfy and
// whether it may be absent (v1.x moved domains and a few values out of the config into
// constants, so for those the spec's constant is the default).
type configKey struct {
	name     string
	kind     configKind
	rule     configRule
	optional bool
	field    func(c *Config) any
}

func u(name string, rule configRule, f func(c *Config) *uint64) configKey {
	return configKey{name: name, kind: kindUint, rule: rule, field: func(c *Config) any { return f(c) }}
}

func d(name string, f func(c *Config) *DomainType) configKey {
	return configKey{name: name, kind: kindBytes4, optional: true, field: func(c *Config) any { return (*[4]byte)(f(c)) }}
}

// configKeys lists every key of the Phase 0 configuration, in the spec's order.
var configKeys = []configKey{
	{name: "CONFIG_NAME", kind: kindName, optional: true, field: func(c *Config) any { return &c.ConfigName }},
	u("ETH1_FOLLOW_DISTANCE", ruleAny, func(c *Config) *uint64 { return &c.Eth1FollowDistance }),
	u("MAX_COMMITTEES_PER_SLOT", ruleNonZero, func(c *Config) *uint64 { return &c.MaxCommitteesPerSlot }),
	u("TARGET_COMMITTEE_SIZE", ruleNonZero, func(c *Config) *uint64 { return &c.TargetCommitteeSize }),
	u("MAX_VALIDATORS_PER_COMMITTEE", rulePowerOf2, func(c *Config) *uint64 { return &c.MaxValidatorsPerCommittee }),
	u("MIN_PER_EPOCH_CHURN_LIMIT", ruleAny, func(c *Config) *uint64 { return &c.MinPerEpochChurnLimit }),
	u("CHURN_LIMIT_QUOTIENT", ruleNonZero, func(c *Config) *uint64 { return &c.ChurnLimitQuotient }),
	u("SHUFFLE_ROUND_COUNT", ruleAny, func(c *Config) *uint64 { return &c.ShuffleRoundCount }),
	u("MIN_GENESIS_ACTIVE_VALIDATOR_COUNT", ruleAny, func(c *Config) *uint64 { return &c.MinGenesisActiveValidatorCount }),
	u("MIN_GENESIS_TIME", ruleAny, func(c *Config) *uint64 { return &c.MinGenesisTime }),
	u("HYSTERESIS_QUOTIENT", ruleNonZero, func(c *Config) *uint64 { return &c.HysteresisQuotient }),
	u("HYSTERESIS_DOWNWARD_MULTIPLIER", ruleAny, func(c *Config) *uint64 { return &c.HysteresisDownwardMultiplier }),
	u("HYSTERESIS_UPWARD_MULTIPLIER", ruleAny, func(c *Config) *uint64 { return &c.HysteresisUpwardMultiplier }),
	u("SAFE_SLOTS_TO_UPDATE_JUSTIFIED", ruleAny, func(c *Config) *uint64 { return &c.SafeSlotsToUpdateJustified }),
	u("MIN_DEPOSIT_AMOUNT", ruleAny, func(c *Config) *uint64 { return (*uint64)(&c.MinDepositAmount) }),
	u("MAX_EFFECTIVE_BALANCE", ruleAny, func(c *Config) *uint64 { return (*uint64)(&c.MaxEffectiveBalance) }),
	u("EJECTION_BALANCE", ruleAny, func(c *Config) *uint64 { return (*uint64)(&c.EjectionBalance) }),
	u("EFFECTIVE_BALANCE_INCREMENT", ruleNonZero, func(c *Config) *uint64 { return (*uint64)(&c.EffectiveBalanceIncrement) }),
	{name: "GENESIS_FORK_VERSION", kind: kindBytes4, field: func(c *Config) any { return (*[4]byte)(&c.GenesisForkVersion) }},
	{name: "BLS_WITHDRAWAL_PREFIX", kind: kindByte, optional: true, field: func(c *Config) any { return &c.BLSWithdrawalPrefix }},
	u("GENESIS_DELAY", ruleAny, func(c *Config) *uint64 { return &c.GenesisDelay }),
	u("SECONDS_PER_SLOT", ruleNonZero, func(c *Config) *uint64 { return &c.SecondsPerSlot }),
	u("SECONDS_PER_ETH1_BLOCK", ruleNonZero, func(c *Config) *uint64 { return &c.SecondsPerEth1Block }),
	// A divisor: get_inclusion_delay_deltas divides by inclusion_delay >= MIN_ATTESTATION_INCLUSION_DELAY.
	u("MIN_ATTESTATION_INCLUSION_DELAY", ruleNonZero, func(c *Config) *uint64 { return &c.MinAttestationInclusionDelay }),
	u("SLOTS_PER_EPOCH", rulePowerOf2, func(c *Config) *uint64 { return &c.SlotsPerEpoch }),
	u("MIN_SEED_LOOKAHEAD", ruleAny, func(c *Config) *uint64 { return &c.MinSeedLookahead }),
	u("MAX_SEED_LOOKAHEAD", ruleAny, func(c *Config) *uint64 { return &c.MaxSeedLookahead }),
	u("MIN_EPOCHS_TO_INACTIVITY_PENALTY", ruleAny, func(c *Config) *uint64 { return &c.MinEpochsToInactivityPenalty }),
	u("EPOCHS_PER_ETH1_VOTING_PERIOD", ruleNonZero, func(c *Config) *uint64 { return &c.EpochsPerEth1VotingPeriod }),
	u("SLOTS_PER_HISTORICAL_ROOT", rulePowerOf2, func(c *Config) *uint64 { return &c.SlotsPerHistoricalRoot }),
	u("MIN_VALIDATOR_WITHDRAWABILITY_DELAY", ruleAny, func(c *Config) *uint64 { return &c.MinValidatorWithdrawabilityDelay }),
	u("SHARD_COMMITTEE_PERIOD", ruleAny, func(c *Config) *uint64 { return &c.ShardCommitteePeriod }),
	u("EPOCHS_PER_HISTORICAL_VECTOR", rulePowerOf2, func(c *Config) *uint64 { return &c.EpochsPerHistoricalVector }),
	u("EPOCHS_PER_SLASHINGS_VECTOR", rulePowerOf2, func(c *Config) *uint64 { return &c.EpochsPerSlashingsVector }),
	u("HISTORICAL_ROOTS_LIMIT", rulePowerOf2, func(c *Config) *uint64 { return &c.HistoricalRootsLimit }),
	u("VALIDATOR_REGISTRY_LIMIT", rulePowerOf2, func(c *Config) *uint64 { return &c.ValidatorRegistryLimit }),
	u("BASE_REWARD_FACTOR", ruleAny, func(c *Config) *uint64 { return &c.BaseRewardFactor }),
	u("WHISTLEBLOWER_REWARD_QUOTIENT", ruleNonZero, func(c *Config) *uint64 { return &c.WhistleblowerRewardQuotient }),
	u("PROPOSER_REWARD_QUOTIENT", ruleNonZero, func(c *Config) *uint64 { return &c.ProposerRewardQuotient }),
	u("INACTIVITY_PENALTY_QUOTIENT", ruleNonZero, func(c *Config) *uint64 { return &c.InactivityPenaltyQuotient }),
	u("MIN_SLASHING_PENALTY_QUOTIENT", ruleNonZero, func(c *Config) *uint64 { return &c.MinSlashingPenaltyQuotient }),
	u("PROPORTIONAL_SLASHING_MULTIPLIER", ruleAny, func(c *Config) *uint64 { return &c.ProportionalSlashingMultiplier }),
	u("MAX_PROPOSER_SLASHINGS", ruleAny, func(c *Config) *uint64 { return &c.MaxProposerSlashings }),
	u("MAX_ATTESTER_SLASHINGS", ruleAny, func(c *Config) *uint64 { return &c.MaxAttesterSlashings }),
	u("MAX_ATTESTATIONS", ruleAny, func(c *Config) *uint64 { return &c.MaxAttestations }),
	u("MAX_DEPOSITS", ruleAny, func(c *Config) *uint64 { return &c.MaxDeposits }),
	u("MAX_VOLUNTARY_EXITS", ruleAny, func(c *Config) *uint64 { return &c.MaxVoluntaryExits }),
	u("DEPOSIT_CHAIN_ID", ruleAny, func(c *Config) *uint64 { return &c.DepositChainID }),
	u("DEPOSIT_NETWORK_ID", ruleAny, func(c *Config) *uint64 { return &c.DepositNetworkID }),
	{name: "DEPOSIT_CONTRACT_ADDRESS", kind: kindAddress, field: func(c *Config) any { return &c.DepositContractAddress }},
	d("DOMAIN_BEACON_PROPOSER", func(c *Config) *DomainType { return &c.DomainBeaconProposer }),
	d("DOMAIN_BEACON_ATTESTER", func(c *Config) *DomainType { return &c.DomainBeaconAttester }),
	d("DOMAIN_RANDAO", func(c *Config) *DomainType { return &c.DomainRandao }),
	d("DOMAIN_DEPOSIT", func(c *Config) *DomainType { return &c.DomainDeposit }),
	d("DOMAIN_VOLUNTARY_EXIT", func(c *Config) *DomainType { return &c.DomainVoluntaryExit }),
	d("DOMAIN_SELECTION_PROOF", func(c *Config) *DomainType { return &c.DomainSelectionProof }),
	d("DOMAIN_AGGREGATE_AND_PROOF", func(c *Config) *DomainType { return &c.DomainAggregateAndProof }),
}

// ignoredKeys are keys of Phase 0 config files that the state transition does not read
// (validator-guide values, later forks' values in v1.x configs). They are accepted silently.
var ignoredKeys = map[string]bool{
	"PRESET_BASE": true, "TARGET_AGGREGATORS_PER_COMMITTEE": true, "RANDOM_SUBNETS_PER_VALIDATOR": true,
	"EPOCHS_PER_RANDOM_SUBNET_SUBSCRIPTION": true,
}

// defaultConstants are the spec's constants for the keys v1.x no longer puts in configs.
var defaultConstants = map[string]string{
	"BLS_WITHDRAWAL_PREFIX":      "0x00",
	"DOMAIN_BEACON_PROPOSER":     "0x00000000",
	"DOMAIN_BEACON_ATTESTER":     "0x01000000",
	"DOMAIN_RANDAO":              "0x02000000",
	"DOMAIN_DEPOSIT":             "0x03000000",
	"DOMAIN_VOLUNTARY_EXIT":      "0x04000000",
	"DOMAIN_SELECTION_PROOF":     "0x05000000",
	"DOMAIN_AGGREGATE_AND_PROOF": "0x06000000",
}

//go:embed presets/*/*.yaml
var presetFS embed.FS

// The releases whose presets are embedded. Releases differ in preset values (v1.0.0 raised
// the slashing and inactivity quotients of v0.12.3; v1.1.0 lowered minimal's
// CHURN_LIMIT_QUOTIENT from 65536 to 32) and, for v0.12.3, in Rules.
const (
	ReleaseV0123   = "v0.12.3"
	ReleaseV100    = "v1.0.0"
	ReleaseV1110   = "v1.1.10"
	DefaultRelease = ReleaseV100 // the first final Phase 0 release; Preset("minimal") is minimal@v1.0.0
)

// Releases lists the releases whose presets are embedded, oldest first.
func Releases() []string { return []string{ReleaseV0123, ReleaseV100, ReleaseV1110} }

// PresetNames lists the embedded presets (each embedded for every release of Releases).
func PresetNames() []string { return []string{"mainnet", "minimal"} }

// ParseRelease reads a release name: one of Releases, or a shorter form of one ("v0.12",
// "v1.0", "v1.1", "v1.1.x"; any v1.1 patch release has the presets of v1.1.10).
func ParseRelease(name string) (string, error) {
	switch name {
	case "v0.12.3", "v0.12", "0.12.3":
		return ReleaseV0123, nil
	case "v1.0.0", "v1.0", "1.0.0", "v1.0.x":
		return ReleaseV100, nil
	case "v1.1.10", "v1.1", "v1.1.x", "1.1.10":
		return ReleaseV1110, nil
	}
	if strings.HasPrefix(name, "v1.1.") {
		if _, err := strconv.ParseUint(name[len("v1.1."):], 10, 8); err == nil {
			return ReleaseV1110, nil
		}
	}
	if strings.HasPrefix(name, "v1.0.") {
		if _, err := strconv.ParseUint(name[len("v1.0."):], 10, 8); err == nil {
			return ReleaseV100, nil
		}
	}
	return "", &ConfigError{Reason: fmt.Sprintf("unknown release %q (known: %s)", name, strings.Join(Releases(), ", "))}
}

// ReleaseRules are the rules of a release (one of Releases): RulesV0123 for v0.12.3,
// RulesFinal for the others.
func ReleaseRules(release string) Rules {
	if release == ReleaseV0123 {
		return RulesV0123
	}
	return RulesFinal
}

// Preset returns an embedded preset: "NAME" (of DefaultRelease) or "NAME@RELEASE", NAME
// one of PresetNames and RELEASE one ParseRelease reads, e.g. "minimal@v1.1.10". The
// config's Rules are the release's (ReleaseRules) and its Source names it, e.g.
// "minimal@v1.0.0 (embedded)".
func Preset(name string) (*Config, error) {
	base, release, hasRelease := strings.Cut(name, "@")
	if !hasRelease {
		release = DefaultRelease
	}
	rel, err := ParseRelease(release)
	if err != nil {
		return nil, &ConfigError{Reason: fmt.Sprintf("preset %q: %s", name, err.(*ConfigError).Reason)}
	}
	data, err := presetFS.ReadFile("presets/" + rel + "/" + base + ".yaml")
	if err != nil {
		return nil, &ConfigError{Reason: fmt.Sprintf("unknown preset %q (known: %s, each as NAME or NAME@RELEASE with RELEASE one of %s; default %s)",
			name, strings.Join(PresetNames(), ", "), strings.Join(Releases(), ", "), DefaultRelease)}
	}
	id := base + "@" + rel
	c, err := ParseConfig(id+" preset", data)
	if err != nil {
		return nil, err
	}
	c.Rules = ReleaseRules(rel)
	c.Source = id + " (embedded)"
	return c, nil
}

// MustPreset is Preset for the embedded presets, which are known to be valid.
func MustPreset(name string) *Config {
	c, err := Preset(name)
	if err != nil {
		panic(err)
	}
	return c
}

// ParseConfig parses one YAML document holding every key (the single-file phase0.yaml
// format of consensus-specs v0.12.x and v1.0.x and of the v0.12.x test vectors).
func ParseConfig(source string, data []byte) (*Config, error) {
	values, err := parseYAMLMap(source, data)
	if err != nil {
		return nil, err
	}
	c, err := configFromValues(values)
	if err != nil {
		return nil, err
	}
	c.Source = source
	return c, nil
}

// LoadConfig loads a config from files. With one file it is the single-file format. With
// several files (the v1.x split format: presets/NAME/phase0.yaml plus configs/NAME.yaml) the
// keys of all files are merged; a key defined twice with different values is an error. A
// directory argument is expanded: a v1.x consensus-specs checkout given with a preset name
// is best loaded with LoadSplitConfig.
func LoadConfig(paths ...string) (*Config, error) {
	if len(paths) == 0 {
		return nil, &ConfigError{Reason: "no config file given"}
	}
	merged := map[string]sourced{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, &ConfigError{Source: p, Reason: err.Error()}
		}
		values, err := parseYAMLMap(p, data)
		if err != nil {
			return nil, err
		}
		for k, v := range values {
			if prev, ok := merged[k]; ok && prev.value != v.value {
				return nil, &ConfigError{Key: k, Source: p, Reason: fmt.Sprintf("defined twice with different values (%s in %s, %s here)", prev.value, prev.source, v.value)}
			}
			merged[k] = v
		}
	}
	c, err := configFromValues(merged)
	if err != nil {
		return nil, err
	}
	c.Source = strings.Join(paths, " + ")
	return c, nil
}

// LoadSplitConfig loads the v1.x split format from a consensus-specs style directory:
// DIR/presets/NAME/phase0.yaml and DIR/configs/NAME.yaml.
func LoadSplitConfig(dir, name string) (*Config, error) {
	return LoadConfig(filepath.Join(dir, "presets", name, "phase0.yaml"), filepath.Join(dir, "configs", name+".yaml"))
}

type sourced struct {
	value  string
	source string
	line   int
}

func parseYAMLMap(source string, data []byte) (map[string]sourced, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &ConfigError{Source: source, Reason: "not valid YAML: " + err.Error()}
	}
	if len(doc.Content) == 0 {
		return nil, &ConfigError{Source: source, Reason: "empty document"}
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, &ConfigError{Source: source, Reason: "top level must be a mapping of KEY: value"}
	}
	out := make(map[string]sourced, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return nil, &ConfigError{Key: k.Value, Source: source, Reason: fmt.Sprintf("line %d: value must be a scalar", v.Line)}
		}
		if _, dup := out[k.Value]; dup {
			return nil, &ConfigError{Key: k.Value, Source: source, Reason: fmt.Sprintf("line %d: key defined twice", k.Line)}
		}
		out[k.Value] = sourced{value: v.Value, source: source, line: v.Line}
	}
	return out, nil
}

func configFromValues(values map[string]sourced) (*Config, error) {
	c := &Config{}
	known := make(map[string]bool, len(configKeys))
	for _, key := range configKeys {
		known[key.name] = true
		sv, ok := values[key.name]
		if !ok {
			if key.name == "CONFIG_NAME" {
				if pb, ok := values["PRESET_BASE"]; ok {
					c.ConfigName = strings.Trim(pb.value, "'\"")
				}
				continue
			}
			def, hasDef := defaultConstants[key.name]
			if !key.optional || !hasDef {
				if key.optional {
					continue
				}
				return nil, &ConfigError{Key: key.name, Reason: "missing"}
			}
			sv = sourced{value: def, source: "spec constant"}
		}
		if err := setConfigValue(c, key, sv.value); err != nil {
			return nil, &ConfigError{Key: key.name, Source: sv.source, Reason: err.Error()}
		}
	}
	var unknown []string
	for k := range values {
		if !known[k] && !ignoredKeys[k] && !isLaterForkKey(k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, &ConfigError{Key: unknown[0], Source: values[unknown[0]].source, Reason: "unknown key (not a Phase 0 configuration value)"}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// isLaterForkKey recognises keys that v1.x configs carry for forks after Phase 0.
func isLaterForkKey(k string) bool {
	for _, p := range []string{"ALTAIR_", "MERGE_", "BELLATRIX_", "CAPELLA_", "DENEB_", "ELECTRA_", "FULU_", "SHARDING_", "TERMINAL_", "INACTIVITY_SCORE_", "PROPOSER_SCORE_", "SYNC_COMMITTEE_", "EPOCHS_PER_SYNC_", "MIN_SYNC_", "UPDATE_TIMEOUT", "MAX_PER_EPOCH_ACTIVATION", "EIP", "CUSTODY_", "WHISK_"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

func setConfigValue(c *Config, key configKey, raw string) error {
	raw = strings.TrimSpace(raw)
	switch dst := key.field(c).(type) {
	case *uint64:
		v, err := strconv.ParseUint(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not an unsigned 64-bit integer", raw)
		}
		*dst = v
	case *string:
		*dst = strings.Trim(raw, "'\"")
	case *[4]byte:
		return parseHexInto(dst[:], raw)
	case *[20]byte:
		return parseHexInto(dst[:], raw)
	case *byte:
		var b [1]byte
		if err := parseHexInto(b[:], raw); err != nil {
			return err
		}
		*dst = b[0]
	default:
		return fmt.Errorf("internal: unsupported field type %T", dst)
	}
	return nil
}

func parseHexInto(dst []byte, raw string) error {
	s := strings.Trim(raw, "'\"")
	if !strings.HasPrefix(s, "0x") {
		return fmt.Errorf("%q must be 0x-prefixed hex of %d bytes", raw, len(dst))
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil || len(b) != len(dst) {
		return fmt.Errorf("%q must be 0x-prefixed hex of %d bytes", raw, len(dst))
	}
	copy(dst, b)
	return nil
}

// Validate checks the rules the spec's arithmetic relies on, naming the first key that breaks
// one: non-zero divisors, power-of-two sizes, and the relations between keys.
func (c *Config) Validate() error {
	for _, key := range configKeys {
		p, ok := key.field(c).(*uint64)
		if !ok {
			continue
		}
		switch key.rule {
		case ruleNonZero:
			if *p == 0 {
				return &ConfigError{Key: key.name, Reason: "must be greater than zero (the spec divides by it or sizes a list with it)"}
			}
		case rulePowerOf2:
			if *p == 0 || bits.OnesCount64(*p) != 1 {
				return &ConfigError{Key: key.name, Reason: fmt.Sprintf("must be a power of two, got %d", *p)}
			}
		}
	}
	rel := []struct {
		ok     bool
		key    string
		reason string
	}{
		{c.SlotsPerHistoricalRoot >= c.SlotsPerEpoch, "SLOTS_PER_HISTORICAL_ROOT",
			"must be at least SLOTS_PER_EPOCH (process_final_updates takes next_epoch modulo SLOTS_PER_HISTORICAL_ROOT // SLOTS_PER_EPOCH)"},
		{c.ShuffleRoundCount <= 256, "SHUFFLE_ROUND_COUNT", "must be at most 256 (the round number is hashed as one byte)"},
		{c.MinSeedLookahead <= c.MaxSeedLookahead, "MIN_SEED_LOOKAHEAD", "must not exceed MAX_SEED_LOOKAHEAD"},
		{c.EpochsPerHistoricalVector > c.MinSeedLookahead+1, "EPOCHS_PER_HISTORICAL_VECTOR",
			"must exceed MIN_SEED_LOOKAHEAD + 1 (get_seed reads the mix EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD - 1 epochs back)"},
		{c.MaxEffectiveBalance >= c.EffectiveBalanceIncrement, "MAX_EFFECTIVE_BALANCE", "must be at least EFFECTIVE_BALANCE_INCREMENT"},
		{c.MaxValidatorsPerCommittee <= 1<<32, "MAX_VALIDATORS_PER_COMMITTEE", "must be at most 2**32 (bitlists are sized with it)"},
		{c.ValidatorRegistryLimit <= 1<<40, "VALIDATOR_REGISTRY_LIMIT",
			"must be at most 2**40 (compute_shuffled_index hashes position // 256 as a uint32, which a larger registry overflows)"},
		{productFits(c.EpochsPerEth1VotingPeriod, c.SlotsPerEpoch, 2), "EPOCHS_PER_ETH1_VOTING_PERIOD",
			"times SLOTS_PER_EPOCH (the eth1_data_votes limit), doubled by process_eth1_data's majority test, must fit a uint64"},
		{productFits(c.MaxAttestations, c.SlotsPerEpoch, 1), "MAX_ATTESTATIONS",
			"times SLOTS_PER_EPOCH (the pending attestation list limit) must fit a uint64"},
	}
	for _, r := range rel {
		if !r.ok {
			return &ConfigError{Key: r.key, Reason: r.reason}
		}
	}
	return nil
}

// SameValues says whether c and o hold the same configuration values, whatever their
// Source, Rules and CONFIG_NAME.
func (c *Config) SameValues(o *Config) bool {
	x, y := *c, *o
	x.Source, y.Source, x.Rules, y.Rules, x.ConfigName, y.ConfigName = "", "", 0, 0, "", ""
	return x == y
}

// YAML renders the config in the single-file format, keys in the spec's order. Loading the
// output gives an equal Config.
func (c *Config) YAML() string {
	var b strings.Builder
	for _, key := range configKeys {
		var v string
		switch p := key.field(c).(type) {
		case *uint64:
			v = strconv.FormatUint(*p, 10)
		case *string:
			if *p == "" {
				continue
			}
			v = strconv.Quote(*p)
		case *[4]byte:
			v = "0x" + hex.EncodeToString(p[:])
		case *[20]byte:
			v = "0x" + hex.EncodeToString(p[:])
		case *byte:
			v = "0x" + hex.EncodeToString([]byte{*p})
		}
		fmt.Fprintf(&b, "%s: %s\n", key.name, v)
	}
	return b.String()
}

// ResolveConfig picks a config from the usual command-line pair: a preset name or config
// file path(s), not both. An empty pair means mainnet.
func ResolveConfig(preset string, files []string) (*Config, error) {
	if preset != "" && len(files) > 0 {
		return nil, errors.New("give either a preset or a config file, not both")
	}
	if len(files) > 0 {
		return LoadConfig(files...)
	}
	if preset == "" {
		preset = "mainnet"
	}
	return Preset(preset)
}

// productFits tells whether a * b * c fits a uint64.
func productFits(a, b, c uint64) bool {
	var k Calc
	k.Mul(nil, k.Mul(nil, a, b), c)
	return k.failed == nil
}
