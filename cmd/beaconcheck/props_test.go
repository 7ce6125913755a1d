package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// runPropsArgs runs the props command on args as run does, with its output captured.
func runPropsArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	res := runArgs(append([]string{"props"}, args...)...)
	return res.code, res.stdout, res.stderr
}

func TestPropsList(t *testing.T) {
	code, out, _ := runPropsArgs(t, "--list", "--only", "bug")
	if code != 0 || !strings.Contains(out, "committee-bound-arith") || !strings.Contains(out, "committee-bound-state") || strings.Contains(out, "fix-") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestPropsRejectsFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--runs", "0"},
		{"--preset", "holesky"},
		{"--only", "nonesuch"},
		{"extra"},
	} {
		if code, _, _ := runPropsArgs(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// The bug at state level fails as expected, reports the seed that reproduces it, and writes
// its failing input as a test vector that the spectest command replays (the vector has no
// post-state: the spec must reject the block, and does).
func TestPropsWritesReplayableVector(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runPropsArgs(t, "--only", "committee-bound-state", "--runs", "50", "--seed", "3", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "failed, as expected") || !strings.Contains(out, "129 active validators") {
		t.Errorf("output:\n%s", out)
	}
	seed := regexp.MustCompile(`--seed (\d+) --runs 1`).FindStringSubmatch(out)
	if seed == nil {
		t.Fatalf("no reproducing seed in:\n%s", out)
	}
	root := filepath.Join(dir, "committee-bound-state", seed[1])
	cases, _ := filepath.Glob(filepath.Join(root, "tests", "*", "phase0", "sanity", "blocks", "pyspec_tests", "*", "meta.yaml"))
	if len(cases) != 1 {
		t.Fatalf("%d cases under %s", len(cases), root)
	}
	meta, _ := os.ReadFile(cases[0])
	if string(meta) != "{blocks_count: 1, bls_setting: 2}\n" {
		t.Errorf("meta.yaml: %q", meta)
	}
	if !strings.Contains(out, "test vector: "+filepath.Dir(cases[0])) {
		t.Errorf("the vector's directory is not printed:\n%s", out)
	}

	// Reproduce the failure alone, from its seed.
	code, again, _ := runPropsArgs(t, "--only", "committee-bound-state", "--runs", "1", "--seed", seed[1], "--out", t.TempDir())
	if code != 0 || !strings.Contains(again, "failed, as expected") || !strings.Contains(again, "129 active validators") {
		t.Errorf("reproducing with seed %s: exit %d\n%s", seed[1], code, again)
	}

	// Replay the vector as the official vectors are replayed.
	var sout, serr bytes.Buffer
	if err := runSpectest(&sout, &serr, root, "all", "", "", configFlags{}, true, false, true); err != nil {
		t.Fatalf("spectest on the vector: %v\n%s%s", err, sout.String(), serr.String())
	}
	if !strings.Contains(sout.String(), "1 passed, 0 failed") {
		t.Errorf("spectest:\n%s", sout.String())
	}
}

// Properties that hold pass; a property expected to fail that holds (here, because the
// preset leaves no config where it fails) is reported and makes the exit status 1.
func TestPropsExitStatus(t *testing.T) {
	code, out, _ := runPropsArgs(t, "--only", "shuffle-permutation,fix-committee-bound-arith", "--runs", "20", "--seed", "1")
	if code != 0 || strings.Count(out, " passed  passed") != 2 || !strings.Contains(out, "2 of 2 properties as expected") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = runPropsArgs(t, "--only", "fix-committee-bound-any-config", "--preset", "minimal", "--runs", "20", "--seed", "1")
	if code != 1 || !strings.Contains(out, "NOT REPRODUCED") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// A failing input whose vector cannot be written makes props say so, naming --out, and
// exit non-zero, even when every property is as expected (it exited 0).
func TestPropsOutNotWritten(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(file, "vectors")
	code, stdout, stderr := runPropsArgs(t, "--only", "committee-bound-state", "--runs", "50", "--seed", "3", "--out", out)
	if code != 1 || !strings.Contains(stdout, "failed, as expected") || !strings.Contains(stdout, "test vector not written (--out "+out+")") ||
		!strings.Contains(stderr, "--out "+out+": 1 test vector not written") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// --config draws every config from a file, as --preset does from a preset; both at once is
// a usage error.
func TestPropsConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "phase0.yaml")
	if err := os.WriteFile(path, []byte(spec.MustPreset("minimal").YAML()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runPropsArgs(t, "--only", "shuffle-permutation", "--runs", "5", "--seed", "1", "--config", path)
	if code != 0 || !strings.Contains(out, "(config minimal-file from "+path+")") || !strings.Contains(out, "1 of 1 properties as expected") {
		t.Errorf("--config: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, stderr := runPropsArgs(t, "--preset", "minimal", "--config", path); code != 2 || !strings.Contains(stderr, "not both") {
		t.Errorf("--preset with --config: exit %d, %q", code, stderr)
	}
}
