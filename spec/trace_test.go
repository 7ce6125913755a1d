package spec_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

// pythonCalls is, for a block with two attestations, the deposit of a new validator and a
// voluntary exit, applied one slot after its pre-state (no epoch boundary), the calls the
// Python spec (v0.12.3 beacon-chain.md) makes, in order, written from reading its functions:
// a call's callees are indented under it, in the order Python evaluates them (arguments
// before the call they are passed to).
//
// Two kinds of calls are left out, on both sides:
//
//   - the pure helpers of arithmetic and hashing, which the Python spec calls afresh where
//     the model computes once and reuses a value (process_voluntary_exit calls
//     get_current_epoch three times): compute_epoch_at_slot, get_current_epoch,
//     get_previous_epoch, compute_start_slot_at_epoch, hash, hash_tree_root,
//     compute_domain, compute_fork_data_root, compute_signing_root (process_randao's
//     signing root of the epoch is computed from the epoch's root directly);
//   - what the accessors the model serves from its caches (get_beacon_proposer_index,
//     get_committee_count_per_slot, get_beacon_committee, get_validator_churn_limit,
//     get_active_validator_indices) call inside: the Python spec recomputes shufflings with
//     compute_committee and compute_shuffled_index where the model shuffles once per epoch.
//     The accessor calls themselves are kept.
const pythonCalls = `
state_transition
  process_slots
    process_slot
  verify_block_signature
    get_domain
  process_block
    process_block_header
      get_beacon_proposer_index
    process_randao
      get_beacon_proposer_index
      get_domain
      get_randao_mix
      xor
    process_eth1_data
    process_operations
      process_attestation
        get_committee_count_per_slot
        get_beacon_committee
        get_beacon_proposer_index
        get_indexed_attestation
          get_attesting_indices
            get_beacon_committee
        is_valid_indexed_attestation
          get_domain
      process_attestation
        get_committee_count_per_slot
        get_beacon_committee
        get_beacon_proposer_index
        get_indexed_attestation
          get_attesting_indices
            get_beacon_committee
        is_valid_indexed_attestation
          get_domain
      process_deposit
        is_valid_merkle_branch
        get_validator_from_deposit
      process_voluntary_exit
        is_active_validator
        get_domain
        initiate_validator_exit
          compute_activation_exit_epoch
          get_validator_churn_limit
`

var (
	leftOutHelpers = []string{"compute_epoch_at_slot", "get_current_epoch", "get_previous_epoch", "compute_start_slot_at_epoch",
		"hash", "hash_tree_root", "compute_domain", "compute_fork_data_root", "compute_signing_root"}
	cachedAccessors = []string{"get_beacon_proposer_index", "get_committee_count_per_slot", "get_beacon_committee",
		"get_validator_churn_limit", "get_active_validator_indices"}
)

// filteredTrace renders the recorded calls as pythonCalls is written, with the same calls
// left out.
func filteredTrace(calls []*spec.Call) string {
	dropped := map[*spec.Call]bool{}
	depth := map[*spec.Call]int{}
	var b strings.Builder
	b.WriteByte('\n')
	for _, c := range calls {
		p := c.Parent
		switch {
		case p != nil && (dropped[p] || slices.Contains(cachedAccessors, p.Func)):
			dropped[c] = true
		case slices.Contains(leftOutHelpers, c.Func):
			dropped[c] = true
		}
		if dropped[c] {
			continue
		}
		if p != nil {
			depth[c] = depth[p] + 1
		}
		b.WriteString(strings.Repeat("  ", depth[c]) + c.Func + "\n")
	}
	return b.String()
}

func TestTraceFollowsThePythonSpec(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	const n = 64
	keys := interop.NewKeys(n + 1)
	slot := spec.Slot(cfg.ShardCommitteePeriod*cfg.SlotsPerEpoch + 3) // old enough to exit, mid-epoch
	state, err := interop.KeyedState(cfg, interop.NewKeys(n), slot)
	if err != nil {
		t.Fatal(err)
	}
	log := interop.NewDepositLog(cfg)
	if err := log.AppendKeys(keys, 0, slices.Repeat([]spec.Gwei{cfg.MaxEffectiveBalance}, n+1)); err != nil {
		t.Fatal(err)
	}
	if err := interop.SetEth1Data(state, log.Eth1Data()); err != nil {
		t.Fatal(err)
	}
	m := spec.NewModel(cfg)
	exiting := interop.ExitCandidates(m, state, m.ComputeEpochAtSlot(slot+1))[5]
	block, err := interop.BuildBlock(m, state, keys, interop.BlockOptions{Participation: 1, Deposits: log, VoluntaryExits: []spec.ValidatorIndex{exiting}})
	if err != nil {
		t.Fatal(err)
	}
	if body := &block.Message.Body; len(body.Attestations) != 2 || len(body.Deposits) != 1 || len(body.VoluntaryExits) != 1 {
		t.Fatalf("block has %d attestations, %d deposits, %d exits; the list is written for 2, 1, 1", len(body.Attestations), len(body.Deposits), len(body.VoluntaryExits))
	}
	rec := &spec.TraceRecorder{}
	m.Tracer = rec
	if err := m.StateTransition(state, block, true); err != nil {
		t.Fatal(err)
	}
	if got := filteredTrace(rec.Calls); got != pythonCalls {
		t.Errorf("the trace differs from the Python spec's calls.\ngot:%s\nwant:%s", got, pythonCalls)
	}
}

// The JSON trace of a block says what each step changed and the state root after each
// top-level step, and reads back.
func TestJSONTrace(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	keys := interop.NewKeys(64)
	state, err := interop.KeyedState(cfg, keys, spec.Slot(cfg.SlotsPerEpoch*3-1))
	if err != nil {
		t.Fatal(err)
	}
	m := spec.NewModel(cfg)
	block, err := interop.BuildBlock(m, state, keys, interop.BlockOptions{Participation: 1})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	jt := spec.NewJSONTracer(&buf)
	m.Tracer = jt
	m.Checked = &spec.Checks{}
	if err := m.StateTransition(state, block, true); err != nil {
		t.Fatal(err)
	}
	if err := jt.Close(); err != nil {
		t.Fatal(err)
	}
	lines, err := spec.ReadTrace(&buf)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := spec.HashTreeRoot(cfg, state)
	byFunc := map[string]spec.TraceLine{}
	for i, l := range lines {
		if l.Seq != i {
			t.Fatalf("line %d has seq %d: not in call order", i, l.Seq)
		}
		if _, seen := byFunc[l.Func]; !seen {
			byFunc[l.Func] = l
		}
		if l.Clauses == 0 && l.Func != "process_operations" {
			// every function declares at least one clause; checked mode evaluates them
			t.Errorf("%s: no clause evaluated in checked mode", l.Func)
		}
	}
	st := byFunc["state_transition"]
	if st.Depth != 0 || st.Root != "0x"+hexRoot(root) {
		t.Errorf("state_transition: depth %d, root %s, want 0 and the post-state's root 0x%x", st.Depth, st.Root, root)
	}
	for _, f := range []string{"process_slots", "process_block", "process_epoch"} {
		if byFunc[f].Root == "" {
			t.Errorf("%s: no state root recorded", f)
		}
	}
	wantChanged := map[string]string{
		"process_randao":                "randao_mixes",
		"process_block_header":          "latest_block_header",
		"process_rewards_and_penalties": "balances[0-63]",
		"process_final_updates":         "randao_mixes",
	}
	for f, want := range wantChanged {
		if !slices.Contains(byFunc[f].Changed, want) {
			t.Errorf("%s changed %v, want %s among them", f, byFunc[f].Changed, want)
		}
	}
	if got := byFunc["get_beacon_committee"]; len(got.Args) != 2 || got.Args[0].Name != "slot" || got.Args[1].Name != "index" {
		t.Errorf("get_beacon_committee args %v, want slot and index in order", got.Args)
	}
}

func hexRoot(r spec.Root) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 64)
	for i, b := range r {
		out[2*i], out[2*i+1] = digits[b>>4], digits[b&15]
	}
	return string(out)
}

// Changes.Touches reads the paths ssz.Diff writes.
func TestChangesTouches(t *testing.T) {
	c := &spec.Changes{
		Fields:     []string{"randao_mixes", "latest_block_header"},
		Balances:   []spec.ValidatorIndex{3, 9},
		Validators: []spec.ValidatorChange{{Index: 5, Fields: []string{"exit_epoch"}}, {Index: 64, Added: true}},
	}
	for path, want := range map[string]bool{
		"randao_mixes[7]": true, "latest_block_header.state_root": true, "slot": false,
		"balances[3]": true, "balances[4]": false, "balances": true,
		"validators[5].exit_epoch": true, "validators[5].slashed": false, "validators[64]": true, "validators[64].pubkey": true,
		"validators[6].exit_epoch": false,
	} {
		if got := c.Touches(path); got != want {
			t.Errorf("Touches(%q) = %v, want %v", path, got, want)
		}
	}
	if got, want := strings.Join(c.Strings(), " "), "latest_block_header validators[5].exit_epoch validators[64] (appended) balances[3,9] randao_mixes"; got != want {
		t.Errorf("Strings = %q, want %q", got, want)
	}
}
