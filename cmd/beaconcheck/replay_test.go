package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/spec/bls"
	"github.com/beaconcheck/beaconcheck/spec/interop"
)

func TestReplayCommand(t *testing.T) {
	dir := writeSmall(t)
	for _, args := range [][]string{{}, {"--no-batch"}, {"--no-verify-signatures"}, {"--checked"}} {
		res := runReplayArgs(append(append([]string{"--preset", "minimal"}, args...), dir)...)
		if res.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, res.code, res.stderr)
		}
		for _, want := range []string{"replayed 24 blocks (3 epochs, slots 1..24)", "blocks/s", "epochs/s", "equal to post"} {
			if !strings.Contains(res.stdout, want) {
				t.Errorf("%v: output lacks %q:\n%s", args, want, res.stdout)
			}
		}
	}
}

// corruptStateRoot changes block k's state root in dir and signs the block again, so
// that the root is the only thing wrong with it.
func corruptStateRoot(t *testing.T, dir string, k int) (good, bad spec.Root) {
	t.Helper()
	cfg := spec.MustPreset("minimal")
	path := filepath.Join(dir, fmt.Sprintf("blocks_%d.ssz_snappy", k))
	b := new(spec.SignedBeaconBlock)
	if err := readObject(cfg, path, "SignedBeaconBlock", b); err != nil {
		t.Fatal(err)
	}
	good = b.Message.StateRoot
	b.Message.StateRoot[0] ^= 0x80
	m := spec.NewModel(cfg)
	epoch := m.ComputeEpochAtSlot(b.Message.Slot)
	root, err := m.ComputeSigningRoot(&b.Message, m.GetDomain(small(t).Pre, m.DomainBeaconProposer, &epoch))
	if err != nil {
		t.Fatal(err)
	}
	b.Signature = bls.Sign(interop.SecretKey(uint64(b.Message.ProposerIndex)), root[:])
	if err := writeObject(cfg, path, b); err != nil {
		t.Fatal(err)
	}
	return good, b.Message.StateRoot
}

func TestReplayStopsAtWrongStateRoot(t *testing.T) {
	dir := writeSmall(t)
	good, bad := corruptStateRoot(t, dir, 9)
	res := runReplayArgs("--preset", "minimal", dir)
	want := fmt.Sprintf("block 9 (slot 10, %s): wrong state root: the block says 0x%x, the model computes 0x%x",
		filepath.Join(dir, "blocks_9.ssz_snappy"), bad, good)
	if res.code != 1 || !strings.Contains(res.stderr, want) {
		t.Fatalf("exit %d, %q\nwant %q", res.code, res.stderr, want)
	}
	// The last block: the state the model computes is compared with post, and equals it.
	dir = writeSmall(t)
	corruptStateRoot(t, dir, 23)
	res = runReplayArgs("--preset", "minimal", dir)
	if res.code != 1 || !strings.Contains(res.stderr, "block 23 (slot 24") || !strings.Contains(res.stderr, "equals post: the root in the block is what is wrong") {
		t.Fatalf("last block: exit %d, %q", res.code, res.stderr)
	}
}

func TestReplayShowsTheDifferenceFromPost(t *testing.T) {
	dir := writeSmall(t)
	cfg := spec.MustPreset("minimal")
	post := small(t).Post.Copy()
	old := post.Balances[17]
	post.Balances[17] += 1000
	if err := writeObject(cfg, filepath.Join(dir, "post.ssz_snappy"), post); err != nil {
		t.Fatal(err)
	}
	res := runReplayArgs("--preset", "minimal", dir)
	want := fmt.Sprintf("balances[17]: %d -> %d", old, old+1000)
	if res.code != 1 || !strings.Contains(res.stderr, "every block applied, but the final state differs from post") || !strings.Contains(res.stderr, want) {
		t.Fatalf("exit %d, %q\nwant %q", res.code, res.stderr, want)
	}
}

// An official case without post is meant to fail; replay says so and succeeds.
func TestReplayOfficialInvalidCase(t *testing.T) {
	tests := releaseVectors(t)
	dir := filepath.Join(tests, "minimal", "phase0", "sanity", "blocks", "pyspec_tests", "invalid_state_root")
	res := runReplayArgs("--config", filepath.Join(tests, "minimal", "config", "phase0.yaml"), dir)
	if res.code != 0 || !strings.Contains(res.stdout, "wrong state root") || !strings.Contains(res.stdout, "as the case expects") {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	dir = filepath.Join(tests, "minimal", "phase0", "finality", "finality", "pyspec_tests", "finality_rule_1")
	res = runReplayArgs("--config", filepath.Join(tests, "minimal", "config", "phase0.yaml"), dir)
	if res.code != 0 || !strings.Contains(res.stdout, "equal to post") {
		t.Fatalf("finality_rule_1: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}
