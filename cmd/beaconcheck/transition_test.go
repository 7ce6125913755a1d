package main

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// cmdResult is what run would make of a command's outcome.
type cmdResult struct {
	code           int
	stdout, stderr string
	err            error
}

// runArgs runs the command line args as main does, with its output captured.
func runArgs(args ...string) cmdResult {
	var out, errb bytes.Buffer
	code, err := execute(args, &out, &errb)
	return cmdResult{code: code, stdout: out.String(), stderr: errb.String(), err: err}
}

func runTransitionArgs(args ...string) cmdResult {
	return runArgs(append([]string{"transition"}, args...)...)
}

func runDiffArgs(args ...string) cmdResult { return runArgs(append([]string{"diff"}, args...)...) }

// releaseVectors returns the tests directory of the cached v0.12.3 release, or skips the
// test when the cache is absent (fails instead under CI, where it must be present).
func releaseVectors(t *testing.T) string {
	t.Helper()
	dir, err := findVectorsCache()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the vectors are missing: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	return dir
}

// minimalConfig is the config the release's minimal vectors were made with. The embedded
// minimal preset is v1.0.0's, whose penalty quotients differ.
func minimalConfig(vectors string) string {
	return filepath.Join(vectors, "minimal", "config", "phase0.yaml")
}

func sanityBlocksCase(vectors, name string) string {
	return filepath.Join(vectors, "minimal", "phase0", "sanity", "blocks", "pyspec_tests", name)
}

// stateRoot decodes a BeaconState file and returns its root.
func stateRoot(t *testing.T, cfg *spec.Config, path string) spec.Root {
	t.Helper()
	state := new(spec.BeaconState)
	if err := readObject(cfg, path, "BeaconState", state); err != nil {
		t.Fatal(err)
	}
	root, err := spec.HashTreeRoot(cfg, state)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestTransitionValidBlocks(t *testing.T) {
	vectors := releaseVectors(t)
	cfg, err := spec.LoadConfig(minimalConfig(vectors))
	if err != nil {
		t.Fatal(err)
	}
	dir := sanityBlocksCase(vectors, "attestation") // two blocks
	for _, out := range []string{"post.ssz", "post.ssz_snappy"} {
		outPath := filepath.Join(t.TempDir(), out)
		res := runTransitionArgs("--config", minimalConfig(vectors), "--pre", filepath.Join(dir, "pre.ssz"),
			"--block", filepath.Join(dir, "blocks_0.ssz"), "--block", filepath.Join(dir, "blocks_1.ssz"), "--out", outPath)
		if res.code != 0 {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		want := stateRoot(t, cfg, filepath.Join(dir, "post.ssz"))
		if got := stateRoot(t, cfg, outPath); got != want {
			t.Errorf("%s: post-state root %x, the vector's %x", out, got, want)
		}
		for _, line := range []string{
			fmt.Sprintf("post-state slot 17, root 0x%x\n", want),
			"processed 2 blocks and 0 empty slots in ",
			"wrote " + outPath + "\n",
		} {
			if !strings.Contains(res.stdout, line) {
				t.Errorf("%s: summary lacks %q:\n%s", out, line, res.stdout)
			}
		}
	}
	// The raw SSZ output is the vector's post-state byte for byte.
	outPath := filepath.Join(t.TempDir(), "post.ssz")
	dir = sanityBlocksCase(vectors, "proposer_slashing")
	res := runTransitionArgs("--config", minimalConfig(vectors), "--pre", filepath.Join(dir, "pre.ssz"), "--block", filepath.Join(dir, "blocks_0.ssz"), "--out", outPath)
	got, _ := os.ReadFile(outPath)
	want, _ := os.ReadFile(filepath.Join(dir, "post.ssz"))
	if res.code != 0 || !bytes.Equal(got, want) {
		t.Errorf("proposer_slashing: exit %d (%s), post-state equal to the vector's: %v", res.code, res.stderr, bytes.Equal(got, want))
	}
}

func TestTransitionSlotsOnly(t *testing.T) {
	vectors := releaseVectors(t)
	dir := filepath.Join(vectors, "minimal", "phase0", "sanity", "slots", "pyspec_tests", "over_epoch_boundary")
	slots, err := os.ReadFile(filepath.Join(dir, "slots.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	n := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(string(slots)), "..."))
	outPath := filepath.Join(t.TempDir(), "post.ssz")
	res := runTransitionArgs("--config", minimalConfig(vectors), "--pre", filepath.Join(dir, "pre.ssz"), "--slots", n, "--out", outPath)
	got, _ := os.ReadFile(outPath)
	want, _ := os.ReadFile(filepath.Join(dir, "post.ssz"))
	if res.code != 0 || !bytes.Equal(got, want) {
		t.Errorf("--slots %s: exit %d (%s); post-state equal to the vector's: %v", n, res.code, res.stderr, bytes.Equal(got, want))
	}
	if !strings.Contains(res.stdout, "processed 0 blocks and "+n+" empty slots") {
		t.Errorf("summary:\n%s", res.stdout)
	}
}

func TestTransitionInvalidBlock(t *testing.T) {
	vectors := releaseVectors(t)
	// parent_from_same_slot has no post.ssz: its first block is valid, its second is at
	// the same slot, which process_slots rejects.
	dir := sanityBlocksCase(vectors, "parent_from_same_slot")
	outDir := t.TempDir()
	outPath := filepath.Join(outDir, "post.ssz")
	block1 := filepath.Join(dir, "blocks_1.ssz")
	res := runTransitionArgs("--config", minimalConfig(vectors), "--pre", filepath.Join(dir, "pre.ssz"),
		"--block", filepath.Join(dir, "blocks_0.ssz"), "--block", block1, "--out", outPath)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1: %s", res.code, res.stderr)
	}
	var ee *exitError
	var be *invalidBlockError
	var ae *spec.AssertError
	if !errors.As(res.err, &ee) || !errors.As(ee.err, &be) || be.index != 1 || !errors.As(be.err, &ae) || ae.Check != spec.CheckSlotInFuture {
		t.Errorf("error %v: want block 1 failing %s", res.err, spec.CheckSlotInFuture)
	}
	for _, s := range []string{"block 1 (" + block1 + ", slot 1) is invalid", "failed check: slot_in_future in process_slots", outPath + " not written"} {
		if !strings.Contains(res.stderr, s) {
			t.Errorf("message lacks %q:\n%s", s, res.stderr)
		}
	}
	if res.stdout != "" {
		t.Errorf("printed a summary for an invalid transition:\n%s", res.stdout)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("an invalid transition left files: %v", entries)
	}
}

func TestTransitionSignatureFlags(t *testing.T) {
	vectors := releaseVectors(t)
	dir := sanityBlocksCase(vectors, "invalid_block_sig")
	args := []string{"--config", minimalConfig(vectors), "--pre", filepath.Join(dir, "pre.ssz"), "--block", filepath.Join(dir, "blocks_0.ssz")}
	if res := runTransitionArgs(args...); res.code != 1 || !strings.Contains(res.stderr, "failed check: block_signature in state_transition") {
		t.Errorf("bad signature: exit %d: %s", res.code, res.stderr)
	}
	// Without BLS the signature passes, but the block's state_root is zero: only
	// validate_result=False skips that check too.
	if res := runTransitionArgs(append(args, "--no-verify-signatures")...); res.code != 1 || !strings.Contains(res.stderr, "failed check: state_root in state_transition") {
		t.Errorf("--no-verify-signatures: exit %d: %s", res.code, res.stderr)
	}
	if res := runTransitionArgs(append(args, "--no-validate")...); res.code != 0 {
		t.Errorf("--no-validate: exit %d: %s", res.code, res.stderr)
	}
}

func TestTransitionRejectsFlags(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--slots", "1"}, 2, "--pre STATE is required"},
		{[]string{"--pre", "x.ssz"}, 2, "nothing to do"},
		{[]string{"--pre", "x.ssz", "--slots", "0"}, 2, "nothing to do"},
		{[]string{"--pre", "x.ssz", "--slots", "-1"}, 2, "invalid argument"},
		{[]string{"--pre", "x.ssz", "--slots", "1", "b.ssz"}, 2, `unexpected argument "b.ssz"`},
		{[]string{"--pre", "x.ssz", "--slots", "1", "--preset", "minimal", "--config", "c.yaml"}, 2, "not both"},
		{[]string{"--pre", filepath.Join(t.TempDir(), "nosuch.ssz"), "--slots", "1"}, 1, "no such file"},
	}
	for _, tc := range tests {
		res := runTransitionArgs(tc.args...)
		if res.code != tc.code || !strings.Contains(res.stderr, tc.msg) {
			t.Errorf("transition %s: exit %d, stderr %q; want exit %d with %q", strings.Join(tc.args, " "), res.code, res.stderr, tc.code, tc.msg)
		}
	}

	vectors := releaseVectors(t)
	dir := sanityBlocksCase(vectors, "attestation")
	// The blocks end at slot 16, so MaxUint64 more slots would overflow.
	res := runTransitionArgs("--config", minimalConfig(vectors), "--pre", filepath.Join(dir, "pre.ssz"),
		"--block", filepath.Join(dir, "blocks_0.ssz"), "--block", filepath.Join(dir, "blocks_1.ssz"), "--slots", fmt.Sprint(uint64(math.MaxUint64)))
	if res.code != 2 || !strings.Contains(res.stderr, "past the largest slot") {
		t.Errorf("overflowing --slots: exit %d: %s", res.code, res.stderr)
	}
	res = runTransitionArgs("--preset", "mainnet", "--pre", filepath.Join(dir, "pre.ssz"), "--slots", "1")
	if res.code != 1 || !strings.Contains(res.stderr, `is not a valid BeaconState for config "mainnet"`) {
		t.Errorf("minimal state read with mainnet sizes: exit %d: %s", res.code, res.stderr)
	}
}

func TestDiffOperations(t *testing.T) {
	vectors := releaseVectors(t)
	ops := filepath.Join(vectors, "minimal", "phase0", "operations")
	cfgArgs := []string{"--config", minimalConfig(vectors)}
	tests := []struct {
		dir  string
		want string
	}{
		{"voluntary_exit/pyspec_tests/success", `validators[0].exit_epoch: 18446744073709551615 -> 69
validators[0].withdrawable_epoch: 18446744073709551615 -> 325
`},
		{"proposer_slashing/pyspec_tests/success", `validators[63].slashed: false -> true
validators[63].exit_epoch: 18446744073709551615 -> 5
validators[63].withdrawable_epoch: 18446744073709551615 -> 261
balances: 2 of 64 differ
balances[50]: 32000000000 -> 32062500000
balances[63]: 32000000000 -> 31000000000
slashings[0]: 0 -> 32000000000
`},
		{"deposit/pyspec_tests/new_deposit_under_max", `eth1_deposit_index: 0 -> 1
validators: length 64 -> 65
validators[64]: added {pubkey: '0xb4e84be7005df300900c6f5f67cf288374e33c3f05c2f10b6d2ff754e92ea8577d55b91e22cea2782250a8bc7d2af46d', withdrawal_credentials: '0x007f858e4e3aa586127de41b91f2e7872722bcdd35cbaa1e696f3c10637ff18f', effective_balance: 31000000000, slashed: false, activation_eligibility_epoch: 18446744073709551615, activation_epoch: 18446744073709551615, exit_epoch: 18446744073709551615, withdrawable_epoch: 18446744073709551615}
balances: length 64 -> 65
balances[64]: added 31999999999
`},
	}
	for _, tc := range tests {
		dir := filepath.Join(ops, filepath.FromSlash(tc.dir))
		res := runDiffArgs(append(cfgArgs, filepath.Join(dir, "pre.ssz"), filepath.Join(dir, "post.ssz"))...)
		if res.code != 1 || res.stdout != tc.want {
			t.Errorf("%s: exit %d (%s), diff:\n%s\nwant:\n%s", tc.dir, res.code, res.stderr, res.stdout, tc.want)
		}
	}
	// Equal objects: nothing printed, exit 0.
	pre := filepath.Join(ops, "voluntary_exit", "pyspec_tests", "success", "pre.ssz")
	if res := runDiffArgs(append(cfgArgs, pre, pre)...); res.code != 0 || res.stdout != "" || res.stderr != "" {
		t.Errorf("equal states: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	// --max caps each list; --type diffs other containers.
	dir := sanityBlocksCase(vectors, "empty_epoch_transition")
	res := runDiffArgs(append(cfgArgs, "--max", "2", filepath.Join(dir, "pre.ssz"), filepath.Join(dir, "post.ssz"))...)
	if res.code != 1 || !strings.Contains(res.stdout, "\nblock_roots: 8 of 64 differ\nblock_roots[0]: ") || !strings.Contains(res.stdout, "\nblock_roots[1]: ") ||
		strings.Contains(res.stdout, "\nblock_roots[2]: ") || !strings.Contains(res.stdout, "\nblock_roots: 6 more differing elements not shown\n") {
		t.Errorf("--max 2: exit %d (%s):\n%s", res.code, res.stderr, res.stdout)
	}
	dir = sanityBlocksCase(vectors, "attestation")
	res = runDiffArgs(append(cfgArgs, "--type", "SignedBeaconBlock", filepath.Join(dir, "blocks_0.ssz"), filepath.Join(dir, "blocks_1.ssz"))...)
	if res.code != 1 || !strings.HasPrefix(res.stdout, "message.slot: 9 -> 17\n") {
		t.Errorf("--type SignedBeaconBlock: exit %d (%s):\n%s", res.code, res.stderr, res.stdout)
	}
}

func TestDiffRejects(t *testing.T) {
	tmp := t.TempDir()
	empty := filepath.Join(tmp, "empty.ssz")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"a.ssz"}, 2, "expected two files"},
		{[]string{"a.ssz", "b.ssz", "c.ssz"}, 2, "expected two files"},
		{[]string{"--type", "Nope", "a.ssz", "b.ssz"}, 2, `unknown container type "Nope"`},
		{[]string{"--max", "-1", "a.ssz", "b.ssz"}, 2, "--max must be 0"},
		{[]string{"--format", "zip", "a.ssz", "b.ssz"}, 2, "--format must be"},
		{[]string{filepath.Join(tmp, "nosuch.ssz"), empty}, 2, "no such file"},
		{[]string{"--type", "Checkpoint", empty, empty}, 2, "is not a valid Checkpoint"},
	}
	for _, tc := range tests {
		res := runDiffArgs(tc.args...)
		if res.code != tc.code || !strings.Contains(res.stderr, tc.msg) {
			t.Errorf("diff %s: exit %d, stderr %q; want exit %d with %q", strings.Join(tc.args, " "), res.code, res.stderr, tc.code, tc.msg)
		}
	}
}
