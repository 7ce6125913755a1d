package conformance

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/chain"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
	"github.com/beaconcheck/beaconcheck/spec/interop"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// The v1.x fixture tree. The official v1.x vector tarballs cannot be downloaded here, so
// testdata/v1x is a small tree in their layout, made by this file: .ssz_snappy files; the
// minimal config in the split format of consensus-specs v1.1 (presets/minimal/phase0.yaml
// and configs/minimal.yaml beside tests/), the mainnet config as a single file
// (tests/mainnet/config/phase0.yaml), both with v1.1.10's values; the six epoch_processing
// handlers v1.1 split out of final_updates; the random runner; genesis/initialization
// with one eth1.yaml; and cases that only pass under v1.1.10's config or under the final
// rules. The post-states come from this model (the chain generator and the spec
// functions), so the tree tests the v1.x code path (layout detection, config selection,
// every runner), not the model's agreement with the spec: the official vectors do that.
//
// Regenerate with: go test ./conformance -run TestV1xFixtureTree -update-v1x

var updateV1x = flag.Bool("update-v1x", false, "rewrite testdata/v1x from its generator")

const v1xRoot = "testdata/v1x"

// v11PresetKeys are the Phase 0 keys consensus-specs v1.1 keeps in presets/NAME/phase0.yaml;
// the others are in configs/NAME.yaml (or are constants).
var v11PresetKeys = []string{"MAX_COMMITTEES_PER_SLOT", "TARGET_COMMITTEE_SIZE", "MAX_VALIDATORS_PER_COMMITTEE",
	"SHUFFLE_ROUND_COUNT", "HYSTERESIS_QUOTIENT", "HYSTERESIS_DOWNWARD_MULTIPLIER", "HYSTERESIS_UPWARD_MULTIPLIER",
	"SAFE_SLOTS_TO_UPDATE_JUSTIFIED", "MIN_DEPOSIT_AMOUNT", "MAX_EFFECTIVE_BALANCE", "EFFECTIVE_BALANCE_INCREMENT",
	"MIN_ATTESTATION_INCLUSION_DELAY", "SLOTS_PER_EPOCH", "MIN_SEED_LOOKAHEAD", "MAX_SEED_LOOKAHEAD",
	"EPOCHS_PER_ETH1_VOTING_PERIOD", "SLOTS_PER_HISTORICAL_ROOT", "MIN_EPOCHS_TO_INACTIVITY_PENALTY",
	"EPOCHS_PER_HISTORICAL_VECTOR", "EPOCHS_PER_SLASHINGS_VECTOR", "HISTORICAL_ROOTS_LIMIT", "VALIDATOR_REGISTRY_LIMIT",
	"BASE_REWARD_FACTOR", "WHISTLEBLOWER_REWARD_QUOTIENT", "PROPOSER_REWARD_QUOTIENT", "INACTIVITY_PENALTY_QUOTIENT",
	"MIN_SLASHING_PENALTY_QUOTIENT", "PROPORTIONAL_SLASHING_MULTIPLIER", "MAX_PROPOSER_SLASHINGS",
	"MAX_ATTESTER_SLASHINGS", "MAX_ATTESTATIONS", "MAX_DEPOSITS", "MAX_VOLUNTARY_EXITS"}

// fixtureTree collects the files of the tree, by path relative to its root.
type fixtureTree struct {
	t     testing.TB
	files map[string][]byte
}

func (f *fixtureTree) put(path string, data []byte) { f.files[path] = data }

func (f *fixtureTree) ssz(cfg *spec.Config, path string, obj ssz.Object) {
	f.t.Helper()
	data, err := spec.Marshal(cfg, obj)
	if err != nil {
		f.t.Fatalf("%s: %v", path, err)
	}
	f.put(path, ssz.EncodeSnappy(data))
}

// blocksCase writes a case of the sanity/blocks format (sanity, random).
func (f *fixtureTree) blocksCase(cfg *spec.Config, dir, description string, ch *chain.Chain) {
	f.ssz(cfg, dir+"/pre.ssz_snappy", ch.Pre)
	for i, b := range ch.Blocks {
		f.ssz(cfg, fmt.Sprintf("%s/blocks_%d.ssz_snappy", dir, i), b)
	}
	f.ssz(cfg, dir+"/post.ssz_snappy", ch.Post)
	f.put(dir+"/meta.yaml", fmt.Appendf(nil, "description: %q\nbls_setting: 1\nblocks_count: %d\n", description, len(ch.Blocks)))
}

func (f *fixtureTree) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// splitConfig renders cfg in v1.1's split format: the preset file and the config file
// (the constants, DOMAIN_* and BLS_WITHDRAWAL_PREFIX, are in neither).
func splitConfig(cfg *spec.Config, name string) (preset, config []byte) {
	var p, c bytes.Buffer
	c.WriteString("PRESET_BASE: '" + name + "'\n")
	for _, line := range strings.Split(cfg.YAML(), "\n") {
		key, _, ok := strings.Cut(line, ":")
		switch {
		case !ok, strings.HasPrefix(key, "DOMAIN_"), key == "BLS_WITHDRAWAL_PREFIX":
		case slices.Contains(v11PresetKeys, key):
			p.WriteString(line + "\n")
		default:
			c.WriteString(line + "\n")
		}
	}
	return p.Bytes(), c.Bytes()
}

// buildV1xFixture makes every file of the tree.
func buildV1xFixture(t testing.TB) map[string][]byte {
	f := &fixtureTree{t: t, files: map[string][]byte{}}
	minimal := spec.MustPreset("minimal@v1.1.10")
	mainnet := spec.MustPreset("mainnet@v1.1.10")
	p, c := splitConfig(minimal, "minimal")
	f.put("presets/minimal/phase0.yaml", p)
	f.put("configs/minimal.yaml", c)
	f.put("tests/mainnet/config/phase0.yaml", []byte(mainnet.YAML()))
	const mini = "tests/minimal/phase0/"

	// sanity/blocks and random/random: chains of the chain generator, signed.
	ch, err := chain.Generate(chain.Options{Config: minimal, Validators: 64, Epochs: 2, Participation: 0.75, Seed: 1})
	f.must(err)
	f.blocksCase(minimal, mini+"sanity/blocks/pyspec_tests/generated_chain", "two epochs of blocks by the chain generator, 75% participation", ch)
	rnd, err := chain.Generate(chain.Options{Config: minimal, Validators: 64, Epochs: 1, Participation: 0.5, Slashings: true, Seed: 7})
	f.must(err)
	f.blocksCase(minimal, mini+"random/random/pyspec_tests/randomized_0", "one epoch with slashings, attesters picked at random (seed 7)", rnd)

	// epoch_processing: the end of epoch 7, where the next epoch starts an eth1 voting
	// period and a historical-roots period, with eth1 votes and balances that move
	// effective balances. Each handler's pre-state is the state just before its step.
	m := spec.NewModel(minimal)
	m.VerifySignatures = false
	s := ch.Post.Copy()
	f.must(m.ProcessSlots(s, spec.Slot(8*minimal.SlotsPerEpoch-1)))
	s.Eth1DataVotes = append(s.Eth1DataVotes, s.Eth1Data, s.Eth1Data, spec.Eth1Data{DepositCount: 64, BlockHash: spec.Root{1}})
	s.Balances[0] -= 3 * minimal.EffectiveBalanceIncrement
	s.Balances[1] = 20*minimal.EffectiveBalanceIncrement + minimal.EffectiveBalanceIncrement/10
	s.Slashings[8%minimal.EpochsPerSlashingsVector] = 5 * minimal.EffectiveBalanceIncrement
	m.ResetCaches()
	for _, step := range []func(*spec.BeaconState) error{m.ProcessJustificationAndFinalization, m.ProcessRewardsAndPenalties, m.ProcessRegistryUpdates, m.ProcessSlashings} {
		f.must(step(s))
	}
	for _, h := range []struct {
		name string
		step func(*spec.BeaconState) error
	}{
		{"eth1_data_reset", m.ProcessEth1DataReset},
		{"effective_balance_updates", m.ProcessEffectiveBalanceUpdates},
		{"slashings_reset", m.ProcessSlashingsReset},
		{"randao_mixes_reset", m.ProcessRandaoMixesReset},
		{"historical_roots_update", m.ProcessHistoricalRootsUpdate},
		{"participation_record_updates", m.ProcessParticipationRecordUpdates},
	} {
		dir := mini + "epoch_processing/" + h.name + "/pyspec_tests/end_of_epoch_7"
		f.ssz(minimal, dir+"/pre.ssz_snappy", s)
		f.must(h.step(s))
		f.ssz(minimal, dir+"/post.ssz_snappy", s)
		f.put(dir+"/meta.yaml", []byte("description: 'the last epoch of a voting period and of a historical-roots period'\n"))
	}

	// epoch_processing/registry_updates under v1.1's minimal CHURN_LIMIT_QUOTIENT (32):
	// 256 active validators activate 8 of 12 queued ones per epoch; under v1.0.0's 65536
	// only MIN_PER_EPOCH_CHURN_LIMIT (4) would.
	reg, err := interop.Genesis(minimal, 256)
	f.must(err)
	for i := 0; i < 12; i++ {
		v := reg.Validators[i]
		v.Pubkey = spec.BLSPubkey{0x80, byte(i + 1)}
		v.ActivationEligibilityEpoch, v.ActivationEpoch = 0, spec.FarFutureEpoch
		reg.Validators = append(reg.Validators, v)
		reg.Balances = append(reg.Balances, minimal.MaxEffectiveBalance)
	}
	dir := mini + "epoch_processing/registry_updates/pyspec_tests/churn_limit_quotient_32"
	f.ssz(minimal, dir+"/pre.ssz_snappy", reg)
	f.must(spec.NewModel(minimal).ProcessRegistryUpdates(reg))
	f.ssz(minimal, dir+"/post.ssz_snappy", reg)

	// genesis/initialization with v1.1's single eth1.yaml, and genesis/validity.
	keys := interop.NewKeys(64)
	amounts := make([]spec.Gwei, 64)
	for i := range amounts {
		amounts[i] = minimal.MaxEffectiveBalance
	}
	deposits, err := interop.Deposits(minimal, keys, amounts)
	f.must(err)
	dir = mini + "genesis/initialization/pyspec_tests/initialize_from_eth1"
	for i := range deposits {
		f.ssz(minimal, fmt.Sprintf("%s/deposits_%d.ssz_snappy", dir, i), &deposits[i])
	}
	hash := spec.Root{0x42, 0x42, 0x42, 0x42}
	genesis, err := spec.NewModel(minimal).InitializeBeaconStateFromEth1(hash, minimal.MinGenesisTime, deposits)
	f.must(err)
	f.put(dir+"/eth1.yaml", fmt.Appendf(nil, "eth1_block_hash: '0x%x'\neth1_timestamp: %d\n", hash[:], minimal.MinGenesisTime))
	f.put(dir+"/meta.yaml", []byte("description: 'the genesis of 64 interop deposits'\ndeposits_count: 64\n"))
	f.ssz(minimal, dir+"/state.ssz_snappy", genesis)
	dir = mini + "genesis/validity/pyspec_tests/valid_genesis"
	f.ssz(minimal, dir+"/genesis.ssz_snappy", genesis)
	f.put(dir+"/is_valid.yaml", []byte("true\n"))

	// operations/deposit: the identity public key with the infinity signature, skipped
	// under the final rules (BLS draft-04).
	log := interop.NewDepositLog(minimal)
	f.must(log.AppendKeys(keys, 0, amounts))
	pre, err := interop.GenesisFrom(minimal, log)
	f.must(err)
	identity := spec.BLSPubkey{0xc0}
	msg := &spec.DepositMessage{Pubkey: identity, WithdrawalCredentials: interop.WithdrawalCredentials(minimal, identity), Amount: minimal.MaxEffectiveBalance}
	root, err := minimal.ComputeSigningRoot(msg, minimal.ComputeDomain(minimal.DomainDeposit, nil, nil))
	f.must(err)
	f.must(log.Append(spec.DepositData{Pubkey: identity, WithdrawalCredentials: msg.WithdrawalCredentials, Amount: msg.Amount, Signature: bls.Sign(bls.SecretKey{}, root[:])}))
	f.must(interop.SetEth1Data(pre, log.Eth1Data()))
	dep, err := log.Deposits(64, 65, 65)
	f.must(err)
	dir = mini + "operations/deposit/pyspec_tests/identity_pubkey_skipped"
	f.ssz(minimal, dir+"/pre.ssz_snappy", pre)
	f.ssz(minimal, dir+"/deposit.ssz_snappy", &dep[0])
	f.must(spec.NewModel(minimal).ProcessDeposit(pre, &dep[0]))
	if len(pre.Validators) != 64 {
		t.Fatalf("the identity deposit added a validator under the final rules")
	}
	f.ssz(minimal, dir+"/post.ssz_snappy", pre)
	f.put(dir+"/meta.yaml", []byte("bls_setting: 1\n"))

	// mainnet: one case, read with the tree's single-file mainnet config.
	mn, err := interop.Genesis(mainnet, 64)
	f.must(err)
	mn.Slashings[1] = 7 * mainnet.EffectiveBalanceIncrement
	dir = "tests/mainnet/phase0/epoch_processing/slashings_reset/pyspec_tests/genesis_epoch"
	f.ssz(mainnet, dir+"/pre.ssz_snappy", mn)
	f.must(spec.NewModel(mainnet).ProcessSlashingsReset(mn))
	f.ssz(mainnet, dir+"/post.ssz_snappy", mn)

	// bls: the four cases whose verdict changed with draft-04.
	for _, c := range blsIdentityCases() {
		f.put("tests/general/phase0/bls/"+c.handler+"/small/"+c.name+"/data.yaml", []byte(c.data))
	}
	return f.files
}

// TestV1xFixtureTree runs the whole v1.x code path on testdata/v1x: the tree is what its
// generator makes; DetectRelease reads v1.1.10 off it; every runner and handler of the
// tree passes with nothing skipped; and the cases that depend on the release fail when
// run with v1.0.0's minimal config or v0.12.3's rules, so that the selection is tested too.
func TestV1xFixtureTree(t *testing.T) {
	want := buildV1xFixture(t)
	if *updateV1x {
		if err := os.RemoveAll(v1xRoot); err != nil {
			t.Fatal(err)
		}
		for p, data := range want {
			path := filepath.Join(v1xRoot, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("wrote %d files to %s", len(want), v1xRoot)
	}
	// The committed tree is current: the same files, byte for byte.
	have := map[string]bool{}
	err := filepath.WalkDir(v1xRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(v1xRoot, path)
		rel = filepath.ToSlash(rel)
		have[rel] = true
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if w, ok := want[rel]; !ok {
			t.Errorf("%s: not made by the generator", rel)
		} else if !bytes.Equal(data, w) {
			t.Errorf("%s: differs from what the generator makes (go test ./conformance -run TestV1xFixtureTree -update-v1x)", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range want {
		if !have[p] {
			t.Errorf("%s: missing from %s (go test ./conformance -run TestV1xFixtureTree -update-v1x)", p, v1xRoot)
		}
	}
	if t.Failed() {
		return
	}

	rep, err := Run(Options{Dir: v1xRoot})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Release.Name != spec.ReleaseV1110 || rep.Rules != spec.RulesFinal || rep.Release.Layout != "v1.x (.ssz_snappy)" {
		t.Fatalf("release %q (%s), rules %v, layout %q; want v1.1.10, final, v1.x", rep.Release.Name, rep.Release.Reason, rep.Rules, rep.Release.Layout)
	}
	var lines []string
	for _, res := range rep.Results {
		lines = append(lines, fmt.Sprintf("%s %d/%d/%d", res.Name(), res.Passed, res.Failed, res.Skipped))
		for _, fl := range res.Failures {
			t.Errorf("%s: %v", fl.Case, fl.Err)
		}
	}
	sort.Strings(lines)
	wantLines := []string{
		"general/phase0/bls/aggregate_verify 1/0/0",
		"general/phase0/bls/fast_aggregate_verify 1/0/0",
		"general/phase0/bls/sign 1/0/0",
		"general/phase0/bls/verify 1/0/0",
		"mainnet/phase0/epoch_processing/slashings_reset 1/0/0",
		"minimal/phase0/epoch_processing/effective_balance_updates 1/0/0",
		"minimal/phase0/epoch_processing/eth1_data_reset 1/0/0",
		"minimal/phase0/epoch_processing/historical_roots_update 1/0/0",
		"minimal/phase0/epoch_processing/participation_record_updates 1/0/0",
		"minimal/phase0/epoch_processing/randao_mixes_reset 1/0/0",
		"minimal/phase0/epoch_processing/registry_updates 1/0/0",
		"minimal/phase0/epoch_processing/slashings_reset 1/0/0",
		"minimal/phase0/genesis/initialization 1/0/0",
		"minimal/phase0/genesis/validity 1/0/0",
		"minimal/phase0/operations/deposit 1/0/0",
		"minimal/phase0/random/random 1/0/0",
		"minimal/phase0/sanity/blocks 1/0/0",
	}
	if !slices.Equal(lines, wantLines) {
		t.Errorf("results (passed/failed/skipped):\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}

	// v1.0.0's minimal config: the churn case fails (4 activations, not 8).
	old := spec.MustPreset("minimal@v1.0.0")
	rep, err = Run(Options{Dir: v1xRoot, Presets: []string{"minimal"}, Runners: []string{"epoch_processing"}, Config: old})
	if err != nil {
		t.Fatal(err)
	}
	if failed := failedCases(rep); !slices.Equal(failed, []string{"minimal/phase0/epoch_processing/registry_updates/pyspec_tests/churn_limit_quotient_32"}) {
		t.Errorf("with minimal@v1.0.0, failed %v; want only the churn case", failed)
	}
	// v0.12.3's rules: the identity deposit is added and the four bls verdicts flip.
	v0123 := spec.RulesV0123
	rep, err = Run(Options{Dir: v1xRoot, Runners: []string{"bls", "operations"}, Rules: &v0123})
	if err != nil {
		t.Fatal(err)
	}
	if failed := failedCases(rep); len(failed) != 5 {
		t.Errorf("with v0.12.3's rules, failed %v; want the deposit case and the four bls cases", failed)
	}
}

func failedCases(rep *Report) []string {
	var out []string
	for _, res := range rep.Results {
		for _, fl := range res.Failures {
			out = append(out, filepath.ToSlash(fl.Case))
		}
	}
	sort.Strings(out)
	return out
}
