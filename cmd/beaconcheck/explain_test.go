package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// explain, given a post-state that differs from the model's in a balance, an eth1 vote and
// a field the transition never writes, names the steps that wrote each.
func TestExplainNamesTheWritingSteps(t *testing.T) {
	dir := writeSmall(t)
	cfg := spec.MustPreset("minimal")
	c := small(t)
	expected := c.Post.Copy()
	expected.Balances[5]++
	expected.GenesisTime++
	expected.RandaoMixes[2][0] ^= 1
	path := filepath.Join(t.TempDir(), "expected.ssz")
	if err := writeObject(cfg, path, expected); err != nil {
		t.Fatal(err)
	}
	explain := func(expected string) cmdResult {
		args := []string{"--preset", "minimal", "--pre", filepath.Join(dir, "pre.ssz_snappy"), "--expected", expected}
		for _, b := range blockFiles(t, dir, len(c.Blocks)) {
			args = append(args, "--block", b)
		}
		return runExplainArgs(args...)
	}
	res := explain(path)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (the states differ): %s", res.code, res.stderr)
	}
	out := res.stdout
	section := func(path string) string {
		i := strings.Index(out, "\n"+path+":")
		if i < 0 {
			t.Fatalf("no difference at %s:\n%s", path, out)
		}
		rest := out[i+1:]
		if j := strings.Index(rest, "\n\n"); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	// Rewards are applied at the end of epochs 1 and 2, each by process_rewards_and_penalties.
	bal := section("balances[5]")
	const rewards = " > process_slots > process_epoch > process_rewards_and_penalties > increase_balance(index=5, delta="
	if strings.Count(bal, rewards) != 2 {
		t.Errorf("balances[5] not traced to the two rewards:\n%s", bal)
	}
	if strings.Contains(bal, "decrease_balance") {
		t.Errorf("balances[5] traced to a decrease, but a full participant is not penalised:\n%s", bal)
	}
	mix := section("randao_mixes[2]")
	for _, want := range []string{"process_block > process_randao()", "process_epoch > process_final_updates"} {
		if !strings.Contains(mix, want) {
			t.Errorf("randao_mixes[2] not traced to %s:\n%s", want, mix)
		}
	}
	if g := section("genesis_time"); !strings.Contains(g, "not written by the transition") {
		t.Errorf("genesis_time:\n%s", g)
	}
	if !strings.Contains(out, "the model computes the state root every block commits to (24 blocks)") {
		t.Errorf("no state-root line for the last block:\n%s", out)
	}

	// The model's own post-state: nothing to explain.
	same := filepath.Join(dir, "post.ssz_snappy")
	if res := explain(same); res.code != 0 || !strings.Contains(res.stdout, "equals "+same) {
		t.Errorf("against its own post-state: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}
