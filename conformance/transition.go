package conformance

import (
	"errors"
	"fmt"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// The state-transition runners: operations, epoch_processing, sanity, finality, rewards
// and genesis. A case with a post state must transition to exactly that state (same
// hash_tree_root); a case without one must be rejected by the model.

func init() {
	op := func(file string, newOp func() ssz.Object, apply func(m *spec.Model, s *spec.BeaconState, o ssz.Object) error) handlerFunc {
		return func(c *Case) error { return runOperation(c, file, newOp, apply) }
	}
	registerRunner("operations", &runnerDef{handlers: map[string]handlerFunc{
		"attestation": op("attestation", func() ssz.Object { return new(spec.Attestation) },
			func(m *spec.Model, s *spec.BeaconState, o ssz.Object) error {
				return m.ProcessAttestation(s, o.(*spec.Attestation))
			}),
		"attester_slashing": op("attester_slashing", func() ssz.Object { return new(spec.AttesterSlashing) },
			func(m *spec.Model, s *spec.BeaconState, o ssz.Object) error {
				return m.ProcessAttesterSlashing(s, o.(*spec.AttesterSlashing))
			}),
		"block_header": op("block", func() ssz.Object { return new(spec.BeaconBlock) },
			func(m *spec.Model, s *spec.BeaconState, o ssz.Object) error {
				return m.ProcessBlockHeader(s, o.(*spec.BeaconBlock))
			}),
		"deposit": op("deposit", func() ssz.Object { return new(spec.Deposit) },
			func(m *spec.Model, s *spec.BeaconState, o ssz.Object) error {
				return m.ProcessDeposit(s, o.(*spec.Deposit))
			}),
		"proposer_slashing": op("proposer_slashing", func() ssz.Object { return new(spec.ProposerSlashing) },
			func(m *spec.Model, s *spec.BeaconState, o ssz.Object) error {
				return m.ProcessProposerSlashing(s, o.(*spec.ProposerSlashing))
			}),
		"voluntary_exit": op("voluntary_exit", func() ssz.Object { return new(spec.SignedVoluntaryExit) },
			func(m *spec.Model, s *spec.BeaconState, o ssz.Object) error {
				return m.ProcessVoluntaryExit(s, o.(*spec.SignedVoluntaryExit))
			}),
	}})

	epoch := func(step func(m *spec.Model) func(*spec.BeaconState) error) handlerFunc {
		return func(c *Case) error { return runEpochStep(c, step) }
	}
	registerRunner("epoch_processing", &runnerDef{handlers: map[string]handlerFunc{
		"justification_and_finalization": epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessJustificationAndFinalization }),
		"rewards_and_penalties":          epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessRewardsAndPenalties }),
		"registry_updates":               epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessRegistryUpdates }),
		"slashings":                      epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessSlashings }),
		"final_updates":                  epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessFinalUpdates }),
		// v1.1 tests each of the six steps of v1.0.0's final_updates on its own.
		"eth1_data_reset":              epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessEth1DataReset }),
		"effective_balance_updates":    epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessEffectiveBalanceUpdates }),
		"slashings_reset":              epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessSlashingsReset }),
		"randao_mixes_reset":           epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessRandaoMixesReset }),
		"historical_roots_update":      epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessHistoricalRootsUpdate }),
		"participation_record_updates": epoch(func(m *spec.Model) func(*spec.BeaconState) error { return m.ProcessParticipationRecordUpdates }),
	}})

	registerRunner("sanity", &runnerDef{handlers: map[string]handlerFunc{"blocks": runBlocks, "slots": runSlots}})
	registerRunner("finality", &runnerDef{handlers: map[string]handlerFunc{"finality": runBlocks}})
	// v1.1's random runner: randomized states and blocks, in the sanity/blocks format.
	registerRunner("random", &runnerDef{handlers: map[string]handlerFunc{"random": runBlocks}})
	registerRunner("rewards", &runnerDef{handlers: map[string]handlerFunc{"basic": runRewards, "leak": runRewards, "random": runRewards}})
	registerRunner("genesis", &runnerDef{handlers: map[string]handlerFunc{"initialization": runGenesisInit, "validity": runGenesisValidity}})
}

// meta is a case's meta.yaml. Unknown keys fail the case (decodeYAML rejects them).
type meta struct {
	Description   string `yaml:"description"`    // v1.x: optional, for debugging; not read
	BLSSetting    int    `yaml:"bls_setting"`    // 0 or absent: either; 1: BLS required; 2: BLS must be off
	BlocksCount   int    `yaml:"blocks_count"`   // sanity and finality
	DepositsCount int    `yaml:"deposits_count"` // genesis initialization
	// reveal_deadlines_setting belongs to Phase 1's custody game; the Phase 0 generator
	// writes it on two sanity cases, where Phase 0 has no reveal deadlines to process.
	RevealDeadlinesSetting int `yaml:"reveal_deadlines_setting"`
	// config and config_yaml record the config a chain made by 'beaconcheck chain
	// generate' was generated with (package chain, VectorConfig); such a case must be run
	// with a config of that name.
	Config     string `yaml:"config"`
	Preset     string `yaml:"preset"`
	Rules      string `yaml:"rules"`
	ConfigYAML string `yaml:"config_yaml"`
}

func (c *Case) readMeta(present map[string]bool) (*meta, error) {
	m := &meta{}
	if present["meta.yaml"] {
		if err := c.decodeYAML("meta.yaml", m); err != nil {
			return nil, err
		}
	}
	switch m.BLSSetting {
	case 0, 1, 2:
	default:
		return nil, fmt.Errorf("meta.yaml: unknown bls_setting %d", m.BLSSetting)
	}
	if m.Config != "" && c.Config != nil && m.Config != c.Config.ConfigName {
		return nil, fmt.Errorf("meta.yaml: the case was made with config %q, run with %q", m.Config, c.Config.ConfigName)
	}
	return m, nil
}

// model returns a Model for the case: real BLS verification unless the case's bls_setting
// demands it off, checked mode when the run asked for it.
func (c *Case) model(m *meta) *spec.Model {
	model := spec.NewModel(c.Config)
	model.VerifySignatures = m.BLSSetting != 2
	model.Checked = c.checks
	return model
}

// readObject decodes a serialized object of the case.
func (c *Case) readObject(base string, obj ssz.Object) error {
	data, err := c.readSSZ(base)
	if err != nil {
		return err
	}
	if err := spec.Unmarshal(c.Config, data, obj); err != nil {
		return fmt.Errorf("%s: %v", base, err)
	}
	if s, ok := obj.(*spec.BeaconState); ok && c.hashCache && base == "pre" {
		s.EnableHashCache()
	}
	return nil
}

func hasSSZ(present map[string]bool, base string) bool {
	return present[base+".ssz"] || present[base+".ssz_snappy"]
}

// expectPost compares the model's outcome with the case's post state: post present means
// the transition must succeed and match; absent means it must fail.
func (c *Case) expectPost(present map[string]bool, state *spec.BeaconState, transitionErr error) error {
	var cv *spec.ContractViolation
	if errors.As(transitionErr, &cv) {
		return fmt.Errorf("checked mode: %w", transitionErr) // a breach fails the case whatever the vector expects
	}
	if !hasSSZ(present, "post") {
		if transitionErr == nil {
			return errors.New("invalid transition accepted: the case has no post state, the model raised nothing")
		}
		return nil
	}
	if transitionErr != nil {
		return fmt.Errorf("valid transition rejected: %w", transitionErr)
	}
	want := new(spec.BeaconState)
	if err := c.readObject("post", want); err != nil {
		return err
	}
	return sameState(c.Config, state, want)
}

// sameState compares two states by root, naming the top-level fields that differ.
func sameState(cfg *spec.Config, got, want *spec.BeaconState) error {
	gt, err := ssz.TreeOf(cfg, got)
	if err != nil {
		return fmt.Errorf("post state: %v", err)
	}
	wt, err := ssz.TreeOf(cfg, want)
	if err != nil {
		return fmt.Errorf("expected post state: %v", err)
	}
	var differ []string
	for i := range wt.Leaves {
		if gt.Leaves[i] != wt.Leaves[i] {
			differ = append(differ, wt.Names[i])
		}
	}
	if len(differ) > 0 {
		return fmt.Errorf("post state differs in %s", strings.Join(differ, ", "))
	}
	return nil
}

func runOperation(c *Case, file string, newOp func() ssz.Object, apply func(*spec.Model, *spec.BeaconState, ssz.Object) error) error {
	present, err := c.files(allowSSZ(map[string]bool{"meta.yaml": false}, "pre", "post", file))
	if err != nil {
		return err
	}
	m, err := c.readMeta(present)
	if err != nil {
		return err
	}
	state := new(spec.BeaconState)
	if err := c.readObject("pre", state); err != nil {
		return err
	}
	op := newOp()
	if err := c.readObject(file, op); err != nil {
		return err
	}
	return c.expectPost(present, state, apply(c.model(m), state, op))
}

func runEpochStep(c *Case, step func(*spec.Model) func(*spec.BeaconState) error) error {
	present, err := c.files(allowSSZ(map[string]bool{"meta.yaml": false}, "pre", "post"))
	if err != nil {
		return err
	}
	m, err := c.readMeta(present)
	if err != nil {
		return err
	}
	state := new(spec.BeaconState)
	if err := c.readObject("pre", state); err != nil {
		return err
	}
	return c.expectPost(present, state, step(c.model(m))(state))
}

// runBlocks runs sanity/blocks and finality cases: state_transition of each block in turn,
// with the signature and state-root checks.
func runBlocks(c *Case) error {
	present, err := c.files(allowSSZ(map[string]bool{"meta.yaml": true, "blocks_*.ssz": false, "blocks_*.ssz_snappy": false, "blocks_*.yaml": false}, "pre", "post"))
	if err != nil {
		return err
	}
	m, err := c.readMeta(present)
	if err != nil {
		return err
	}
	if m.BlocksCount < 0 {
		return fmt.Errorf("meta.yaml: blocks_count %d", m.BlocksCount)
	}
	for i := 0; i < m.BlocksCount; i++ {
		if !hasSSZ(present, fmt.Sprintf("blocks_%d", i)) {
			return fmt.Errorf("meta.yaml says %d blocks, blocks_%d is missing", m.BlocksCount, i)
		}
	}
	for name := range present {
		var n int
		if _, err := fmt.Sscanf(name, "blocks_%d.", &n); err == nil && n >= m.BlocksCount {
			return fmt.Errorf("%s beyond blocks_count %d", name, m.BlocksCount)
		}
	}
	state := new(spec.BeaconState)
	if err := c.readObject("pre", state); err != nil {
		return err
	}
	model := c.model(m)
	var transitionErr error
	for i := 0; i < m.BlocksCount && transitionErr == nil; i++ {
		block := new(spec.SignedBeaconBlock)
		if err := c.readObject(fmt.Sprintf("blocks_%d", i), block); err != nil {
			return err
		}
		if err := model.StateTransition(state, block, true); err != nil {
			transitionErr = fmt.Errorf("block %d: %w", i, err)
		}
	}
	return c.expectPost(present, state, transitionErr)
}

func runSlots(c *Case) error {
	present, err := c.files(allowSSZ(map[string]bool{"slots.yaml": true, "meta.yaml": false}, "pre", "post", "slots"))
	if err != nil {
		return err
	}
	m, err := c.readMeta(present)
	if err != nil {
		return err
	}
	var slots uint64
	if err := c.decodeYAML("slots.yaml", &slots); err != nil {
		return err
	}
	state := new(spec.BeaconState)
	if err := c.readObject("pre", state); err != nil {
		return err
	}
	return c.expectPost(present, state, c.model(m).ProcessSlots(state, state.Slot+spec.Slot(slots)))
}

// deltasObject is the vectors' Deltas container: rewards and penalties, each a
// List[Gwei, VALIDATOR_REGISTRY_LIMIT].
type deltasObject struct{ spec.Deltas }

func (d *deltasObject) DefineSSZ(c ssz.Codec) {
	limit := c.Context().(*spec.Config).ValidatorRegistryLimit
	ssz.Uint64s(c, "rewards", &d.Rewards, limit)
	ssz.Uint64s(c, "penalties", &d.Penalties, limit)
}

func runRewards(c *Case) error {
	components := []struct {
		file string
		fn   func(*spec.Model, *spec.BeaconState) (*spec.Deltas, error)
	}{
		{"source_deltas", (*spec.Model).GetSourceDeltas},
		{"target_deltas", (*spec.Model).GetTargetDeltas},
		{"head_deltas", (*spec.Model).GetHeadDeltas},
		{"inclusion_delay_deltas", (*spec.Model).GetInclusionDelayDeltas},
		{"inactivity_penalty_deltas", (*spec.Model).GetInactivityPenaltyDeltas},
	}
	allowed := allowSSZ(map[string]bool{"meta.yaml": false}, "pre")
	for _, comp := range components {
		allowSSZ(allowed, comp.file)
	}
	present, err := c.files(allowed)
	if err != nil {
		return err
	}
	m, err := c.readMeta(present)
	if err != nil {
		return err
	}
	state := new(spec.BeaconState)
	if err := c.readObject("pre", state); err != nil {
		return err
	}
	model := c.model(m)
	for _, comp := range components {
		want := new(deltasObject)
		if err := c.readObject(comp.file, want); err != nil {
			return err
		}
		got, err := comp.fn(model, state)
		if err != nil {
			return fmt.Errorf("%s: %w", comp.file, err)
		}
		for i := range want.Rewards {
			if i >= len(got.Rewards) || got.Rewards[i] != want.Rewards[i] || got.Penalties[i] != want.Penalties[i] {
				return fmt.Errorf("%s: validator %d: got reward/penalty %v/%v, want %d/%d", comp.file, i, at(got.Rewards, i), at(got.Penalties, i), want.Rewards[i], want.Penalties[i])
			}
		}
		if len(got.Rewards) != len(want.Rewards) || len(got.Penalties) != len(want.Penalties) {
			return fmt.Errorf("%s: %d deltas, want %d", comp.file, len(got.Rewards), len(want.Rewards))
		}
	}
	return nil
}

func at(s []spec.Gwei, i int) any {
	if i < len(s) {
		return s[i]
	}
	return "missing"
}

func runGenesisInit(c *Case) error {
	present, err := c.files(allowSSZ(map[string]bool{"meta.yaml": true, "deposits_*.ssz": false, "deposits_*.ssz_snappy": false, "deposits_*.yaml": false,
		"eth1_block_hash.yaml": false, "eth1_timestamp.yaml": false, "eth1.yaml": false}, "state", "eth1_block_hash", "eth1_timestamp"))
	if err != nil {
		return err
	}
	m, err := c.readMeta(present)
	if err != nil {
		return err
	}
	var blockHash spec.Root
	var timestamp uint64
	oldStyle := hasSSZ(present, "eth1_block_hash") || present["eth1_block_hash.yaml"] || hasSSZ(present, "eth1_timestamp") || present["eth1_timestamp.yaml"]
	switch {
	case present["eth1.yaml"] && oldStyle:
		return errors.New("both eth1.yaml (v1.1) and eth1_block_hash/eth1_timestamp (v1.0) files: which is meant?")
	case present["eth1.yaml"]:
		// v1.1: one file, {eth1_block_hash: 0x.., eth1_timestamp: N}.
		var eth1 struct {
			BlockHash *string `yaml:"eth1_block_hash"`
			Timestamp *uint64 `yaml:"eth1_timestamp"`
		}
		if err := c.decodeYAML("eth1.yaml", &eth1); err != nil {
			return err
		}
		if eth1.BlockHash == nil || eth1.Timestamp == nil {
			return errors.New("eth1.yaml: eth1_block_hash and eth1_timestamp are both required")
		}
		if err := parseHexRoot("eth1.yaml: eth1_block_hash", *eth1.BlockHash, blockHash[:]); err != nil {
			return err
		}
		timestamp = *eth1.Timestamp
	default:
		if hasSSZ(present, "eth1_block_hash") {
			b, err := c.readSSZ("eth1_block_hash")
			if err != nil || len(b) != 32 {
				return fmt.Errorf("eth1_block_hash: want 32 bytes (%v)", err)
			}
			copy(blockHash[:], b)
		} else if err := decodeHexYAML(c, "eth1_block_hash.yaml", blockHash[:]); err != nil {
			return err
		}
		if hasSSZ(present, "eth1_timestamp") {
			b, err := c.readSSZ("eth1_timestamp")
			if err != nil || len(b) != 8 {
				return fmt.Errorf("eth1_timestamp: want 8 bytes (%v)", err)
			}
			timestamp = spec.BytesToUint64(b)
		} else if err := c.decodeYAML("eth1_timestamp.yaml", &timestamp); err != nil {
			return err
		}
	}
	for name := range present {
		var n int
		if _, err := fmt.Sscanf(name, "deposits_%d.", &n); err == nil && n >= m.DepositsCount {
			return fmt.Errorf("%s beyond deposits_count %d", name, m.DepositsCount)
		}
	}
	deposits := make([]spec.Deposit, m.DepositsCount)
	for i := range deposits {
		if err := c.readObject(fmt.Sprintf("deposits_%d", i), &deposits[i]); err != nil {
			return err
		}
	}
	got, err := c.model(m).InitializeBeaconStateFromEth1(blockHash, timestamp, deposits)
	if err != nil {
		return fmt.Errorf("initialize_beacon_state_from_eth1: %w", err)
	}
	want := new(spec.BeaconState)
	if err := c.readObject("state", want); err != nil {
		return err
	}
	return sameState(c.Config, got, want)
}

func decodeHexYAML(c *Case, name string, dst []byte) error {
	var s string
	if err := c.decodeYAML(name, &s); err != nil {
		return err
	}
	return parseHexRoot(name, s, dst)
}

// parseHexRoot reads 0x-prefixed hex of exactly len(dst) bytes into dst.
func parseHexRoot(what, s string, dst []byte) error {
	var buf []byte
	if _, err := fmt.Sscanf(s, "0x%x", &buf); err != nil || len(buf) != len(dst) {
		return fmt.Errorf("%s: want 0x-prefixed %d bytes", what, len(dst))
	}
	copy(dst, buf)
	return nil
}

func runGenesisValidity(c *Case) error {
	present, err := c.files(allowSSZ(map[string]bool{"is_valid.yaml": true, "meta.yaml": false}, "genesis"))
	if err != nil {
		return err
	}
	m, err := c.readMeta(present)
	if err != nil {
		return err
	}
	state := new(spec.BeaconState)
	if err := c.readObject("genesis", state); err != nil {
		return err
	}
	var want bool
	if err := c.decodeYAML("is_valid.yaml", &want); err != nil {
		return err
	}
	got, err := c.model(m).IsValidGenesisState(state)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("is_valid_genesis_state = %v, want %v", got, want)
	}
	return nil
}
