package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/beaconcheck/beaconcheck/chain"
	"github.com/beaconcheck/beaconcheck/spec"
)

func runChainArgs(args ...string) cmdResult { return runArgs(append([]string{"chain"}, args...)...) }

func runReplayArgs(args ...string) cmdResult { return runArgs(append([]string{"replay"}, args...)...) }

func runTraceArgs(args ...string) cmdResult { return runArgs(append([]string{"trace"}, args...)...) }

func runExplainArgs(args ...string) cmdResult {
	return runArgs(append([]string{"explain"}, args...)...)
}

// A small chain on the minimal preset: 64 validators, 3 epochs, full participation,
// generated once (by the library) for the tests that read it.
var (
	smallOnce  sync.Once
	smallChain *chain.Chain
	smallErr   error
)

func small(t *testing.T) *chain.Chain {
	t.Helper()
	smallOnce.Do(func() {
		smallChain, smallErr = chain.Generate(chain.Options{Config: spec.MustPreset("minimal"), Validators: 64, Epochs: 3, Participation: 1})
	})
	if smallErr != nil {
		t.Fatal(smallErr)
	}
	return smallChain
}

func TestChainGenerateCommand(t *testing.T) {
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	var outputs []string
	for _, dir := range dirs {
		res := runChainArgs("generate", "--preset", "minimal", "--validators", "64", "--epochs", "4", "--participation", "0.9",
			"--with-deposits", "--with-slashings", "--seed", "3", "--out", dir)
		if res.code != 0 {
			t.Fatalf("exit %d: %s", res.code, res.stderr)
		}
		outputs = append(outputs, res.stdout)
	}
	for _, want := range []string{"generated 3", "slots 1..32", "deposit", "proposer slashing", "attester slashing",
		"wrote " + dirs[0] + ": pre.ssz_snappy, blocks_0..", "replay with: beaconcheck replay " + dirs[0]} {
		if !strings.Contains(outputs[0], want) {
			t.Errorf("output lacks %q:\n%s", want, outputs[0])
		}
	}
	files, _ := os.ReadDir(dirs[0])
	for _, f := range files {
		a, _ := os.ReadFile(filepath.Join(dirs[0], f.Name()))
		b, err := os.ReadFile(filepath.Join(dirs[1], f.Name()))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with --seed 3", f.Name())
		}
	}
	// replay takes the config meta.yaml records; an explicit flag wins over it.
	res := runReplayArgs(dirs[0])
	if res.code != 0 || !strings.Contains(res.stdout, "config: preset minimal@v1.0.0, recorded in "+filepath.Join(dirs[0], "meta.yaml")) ||
		!strings.Contains(res.stdout, "equal to post") || !strings.Contains(res.stdout, "blocks/s") {
		t.Errorf("replay of the generated chain: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = runReplayArgs(dirs[0], "--preset", "mainnet")
	if res.code != 1 || !strings.Contains(res.stdout, "config: preset mainnet, from --preset") || !strings.Contains(res.stderr, "mainnet") {
		t.Errorf("replay of the minimal chain with --preset mainnet: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// A vector that cannot be written is not written: chain generate says so, naming --out
// and not the temporary directory, and exits 1; an old vector in --out stays as it was
// (package internal/atomicdir simulates the full disk).
func TestChainGenerateWriteFailure(t *testing.T) {
	parent := t.TempDir()
	file := filepath.Join(parent, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(parent, "notes")
	if err := os.MkdirAll(notes, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notes, "todo.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{filepath.Join(file, "chain"), notes} {
		res := runChainArgs("generate", "--preset", "minimal", "--validators", "64", "--epochs", "1", "--out", out)
		if res.code != 1 || !strings.Contains(res.stderr, out+" not written") || strings.Contains(res.stderr, ".new-") {
			t.Errorf("--out %s: exit %d, stderr %q; want 1 and %q", out, res.code, res.stderr, out+" not written")
		}
	}
	if left, _ := filepath.Glob(filepath.Join(parent, ".*")); len(left) > 0 {
		t.Errorf("temporary directories left: %v", left)
	}
}

// A custom config is recorded whole in meta.yaml, and replay reads it back.
func TestReplayReadsRecordedConfig(t *testing.T) {
	cfg := *spec.MustPreset("minimal")
	cfg.ConfigName = "custom"
	cfg.InactivityPenaltyQuotient /= 2
	dir := t.TempDir()
	if err := small(t).Write(&cfg, dir); err != nil {
		t.Fatal(err)
	}
	got, source, err := chain.VectorConfig(dir)
	if err != nil || got == nil || got.YAML() != cfg.YAML() || got.Rules != cfg.Rules || !strings.HasPrefix(source, "config custom (rules final), recorded in ") {
		t.Fatalf("VectorConfig: %v, %q, %v", got, source, err)
	}
	// The chain was made with minimal's rules and a custom config differing in a penalty
	// quotient: its blocks replay alike until an epoch with penalties, so only the message
	// is checked here.
	res := runReplayArgs(dir, "--no-verify-signatures")
	if !strings.Contains(res.stdout, "config: config custom (rules final), recorded in") {
		t.Errorf("replay: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

func TestChainGenerateFlagErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x")
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--preset", "minimal", "--validators", "4", "--epochs", "1", "--out", out}, "--validators: 4 validators leave committees empty"},
		{[]string{"--preset", "minimal", "--validators", "64", "--out", out}, "--epochs E is required"},
		{[]string{"--preset", "minimal", "--validators", "64", "--epochs", "2", "--participation", "2", "--out", out}, "--participation: 2 is not a fraction"},
		{[]string{"--preset", "minimal", "--validators", "64", "--epochs", "1", "--with-deposits", "--out", out}, "use at least 3 epochs"},
		{[]string{"--preset", "minimal", "--validators", "64", "--epochs", "1"}, "--out DIR is required"},
	} {
		res := runChainArgs(append([]string{"generate"}, c.args...)...)
		if res.code != 2 || !strings.Contains(res.stderr, c.says) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, res.code, res.stderr, c.says)
		}
	}
	if res := runChainArgs("make"); res.code != 2 || !strings.Contains(res.stderr, "the subcommands are generate") {
		t.Errorf("chain make: exit %d, %q", res.code, res.stderr)
	}
}

// writeSmall writes the small chain as a vector and returns its directory.
func writeSmall(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := small(t).Write(spec.MustPreset("minimal"), dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// blockFiles are the small chain's first n blocks, written as files.
func blockFiles(t *testing.T, dir string, n int) []string {
	t.Helper()
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, filepath.Join(dir, fmt.Sprintf("blocks_%d.ssz_snappy", i)))
	}
	return out
}
