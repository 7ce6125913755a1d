package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runBoundsArgs runs the bounds command on args as run does, with its output captured.
func runBoundsArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	res := runArgs(append([]string{"bounds"}, args...)...)
	return res.code, res.stdout, res.stderr
}

func TestBoundsRejectsFlags(t *testing.T) {
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--shard", "2/2"}, 2, "I must be below N"},
		{[]string{"--shard", "0/0"}, 2, "N must be at least 1"},
		{[]string{"--shard", "one/two"}, 2, "non-negative decimal"},
		{[]string{"--preset", "minimal", "--from", "0", "--to", "3", "--shard", "0/5"}, 2, "5 shards of the 4 values"},
		{[]string{"--from", "10", "--to", "5"}, 2, "--from 10 is above --to 5"},
		{[]string{"--to", "-1"}, 2, "not a non-negative decimal integer"},
		{[]string{"--to", "1_2_"}, 2, "not a non-negative decimal integer"},
		{[]string{"--to", "99999999999999999999"}, 2, "too large for a uint64"},
		{[]string{"--to", "2199023255552"}, 2, "above 1099511627776, the most validators"},
		{[]string{"--grid", "4194355"}, 2, "give --plots DIR too"},
		{[]string{"--engine", "slow"}, 2, `unknown engine "slow"`},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"merge", "--csv", "x.csv", "a", "b"}, 2, "unknown flag: --csv"},
		{[]string{"merge", "out.csv"}, 2, "needs OUT and at least one IN"},
		{[]string{"merge", "out.csv", "in.csv", "--from", "3"}, 2, "unknown flag: --from"},
		{[]string{"catalogue", "--engine", "fast"}, 2, "unknown flag: --engine"},
		{[]string{"catalogue", "--preset", "minimal", "--config", "x.yaml"}, 2, "either --preset or --config"},
		{[]string{"merge", "same.csv", "same.csv"}, 2, "also an input"},
		{[]string{"--preset", "nosuch"}, 2, "unknown preset"},
	}
	for _, tc := range tests {
		code, _, stderr := runBoundsArgs(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("bounds %s: exit %d, stderr %q; want exit %d with %q", strings.Join(tc.args, " "), code, stderr, tc.code, tc.msg)
		}
	}
}

func TestBoundsSummary(t *testing.T) {
	code, stdout, stderr := runBoundsArgs(t, "--preset", "minimal")
	want := `Committee sizes against the number of active validators V
config minimal: SLOTS_PER_EPOCH=8 MAX_COMMITTEES_PER_SLOT=4 TARGET_COMMITTEE_SIZE=4 MAX_VALIDATORS_PER_COMMITTEE=2048
scanned V in [0, 131072] (131073 values) with the fast engine

committees_per_slot reaches MAX_COMMITTEES_PER_SLOT = 4 at V = 128 (2^7)
no committee is longer than MAX_VALIDATORS_PER_COMMITTEE = 2,048 for V in [0, 65,536 (2^16)]
first V with a committee longer than 2,048: 65,537 (2^16 + 1)
every combination's committee is longer than 2,048 from V = 65,568 (2^16 + 2^5) to the end of the range

V with a violating combination:      65,536 of 131,073
V with every combination violating:  65,505 of 131,073
most violating combinations of one V: 32
longest committee: 4,096, first at V = 131,041
`
	if code != 0 || stdout != want {
		t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, stderr, stdout, want)
	}
	code, stdout, _ = runBoundsArgs(t, "--preset", "mainnet", "--from", "4_194_300", "--to", "4,194,310", "--json")
	for _, s := range []string{`"first_violating": {`, `"v": 4194305,`, `"all_violating_from": {`, `"v": null,`, `"status": "not reached"`, `"shard": "0/1"`} {
		if code != 0 || !strings.Contains(stdout, s) {
			t.Errorf("--json: exit %d, output lacks %q:\n%s", code, s, stdout)
		}
	}
}

// TestBoundsShardsMerge runs a range whole and in three shards, merges the shards, and
// compares the bytes.
func TestBoundsShardsMerge(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	job := []string{"--preset", "mainnet", "--from", "4190000", "--to", "4200000"}
	if code, _, stderr := runBoundsArgs(t, append(job, "--csv", p("whole.csv"))...); code != 0 {
		t.Fatal(stderr)
	}
	for _, sh := range []string{"0/3", "1/3", "2/3"} {
		name := "shard" + sh[:1] + ".csv"
		if code, _, stderr := runBoundsArgs(t, append(job, "--shard", sh, "--engine", "referee", "--csv", p(name))...); code != 0 {
			t.Fatal(stderr)
		}
	}
	code, stdout, stderr := runBoundsArgs(t, "merge", p("merged.csv"), p("shard2.csv"), p("shard0.csv"), p("shard1.csv"))
	if code != 0 {
		t.Fatal(stderr)
	}
	if !strings.Contains(stdout, "first V with a committee longer than 2,048: 4,194,305 (2^22 + 1)") {
		t.Errorf("merge summary:\n%s", stdout)
	}
	whole, _ := os.ReadFile(p("whole.csv"))
	merged, _ := os.ReadFile(p("merged.csv"))
	if len(whole) == 0 || !bytes.Equal(whole, merged) {
		t.Errorf("merged CSV (%d bytes) differs from the unsharded run (%d bytes)", len(merged), len(whole))
	}
	code, _, stderr = runBoundsArgs(t, "merge", p("bad.csv"), p("shard0.csv"), p("shard2.csv"))
	if code != 1 || !strings.Contains(stderr, "shard 1/3 (V in [4193333, 4196666]) is missing") {
		t.Errorf("merge with a gap: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(p("bad.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("failed merge left its output behind: %v", err)
	}
	left, _ := filepath.Glob(p(".*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestBoundsHelp(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"help", "bounds"}, &out, io.Discard); code != 0 {
		t.Fatalf("help bounds: exit %d", code)
	}
	for _, s := range []string{"merge", "catalogue", "Bitlist[MAX_VALIDATORS_PER_COMMITTEE]", "--shard I/N", "numbered from 0"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("help lacks %q", s)
		}
	}
}
