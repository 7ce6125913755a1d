package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The command line: exit statuses, help, nested subcommands, completion.
func TestCommandLine(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string // a part of stdout
		stderr string // a part of stderr
	}{
		{nil, 2, "Available Commands", ""},
		{[]string{"help"}, 0, "bounds", ""},
		{[]string{"--help"}, 0, "transition", ""},
		{[]string{"help", "nope"}, 2, "", `unknown command "nope"`},
		{[]string{"help", "chain", "make"}, 2, "", `unknown command "chain make"`},
		{[]string{"help", "bounds", "merge"}, 0, "beaconcheck bounds merge [flags] OUT IN...", ""},
		{[]string{"bounds", "merge", "--help"}, 0, "--json", ""},
		{[]string{"nope"}, 2, "", `unknown command "nope"`},
		{[]string{"chain"}, 2, "generate", ""},
		{[]string{"chain", "make"}, 2, "", `unknown subcommand "make"`},
		{[]string{"trace", "show", "--depth", "x", "f"}, 2, "", `invalid argument "x" for "--depth"`},
		{[]string{"replay", "--bogus", "dir"}, 2, "", "unknown flag: --bogus"},
		{[]string{"replay", "dir", "--preset", "minimal", "--config", "c.yaml"}, 2, "", "either --preset or --config"},
		{[]string{"replay", "dir", "--preset", "nosuch"}, 2, "", `unknown preset "nosuch"`},
		{[]string{"root", "--type", "Checkpoint", "--preset", "nosuch", "f.ssz"}, 2, "", `unknown preset "nosuch"`},
		// Long flags with one dash, as Go's flag package took them, still work.
		{[]string{"bounds", "catalogue", "-preset", "minimal"}, 0, "config minimal", ""},
		{[]string{"completion", "bash"}, 0, "bash completion", ""},
		{[]string{"completion", "zsh"}, 0, "compdef", ""},
		{[]string{"__complete", "bounds", "--preset", ""}, 0, "minimal", ""},
	}
	for _, tc := range tests {
		res := runArgs(tc.args...)
		if res.code != tc.code || !strings.Contains(res.stdout, tc.stdout) || !strings.Contains(res.stderr, tc.stderr) {
			t.Errorf("beaconcheck %s: exit %d, stdout %.300q, stderr %q; want exit %d, stdout with %q, stderr with %q",
				strings.Join(tc.args, " "), res.code, res.stdout, res.stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
}

// Flags may follow the positional arguments, as the README writes them.
func TestFlagsAfterArguments(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "chain")
	if err := small(t).Write(spec.MustPreset("minimal"), dir); err != nil {
		t.Fatal(err)
	}
	res := runArgs("replay", dir, "--preset", "minimal", "--no-verify-signatures")
	if res.code != 0 || !strings.Contains(res.stdout, "equal to post") || !strings.Contains(res.stdout, "signatures: not verified") {
		t.Fatalf("replay DIR --preset minimal: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// The progress bar draws on a terminal only; off a terminal the output is the command's alone.
func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	if p := newProgress(&buf, false, "cases", 10); p != nil {
		t.Fatal("a progress bar on a buffer, which is not a terminal")
	}
	var nilBar *progress
	nilBar.set(1, 2) // a nil bar draws nothing and does not panic
	nilBar.phase("x", 1, 2)
	nilBar.finish()

	p := drawProgress(&buf, "blocks", 4)
	p.set(2, 4)
	p.phase("empty slots", 5, 10)
	p.finish()
	if s := buf.String(); !strings.Contains(s, "blocks") || !strings.Contains(s, "2/4") {
		t.Errorf("the bar drew %q", s)
	}
	// Off a terminal, a command's stderr holds no bar.
	res := runArgs("bounds", "--preset", "minimal", "--from", "0", "--to", "100")
	if res.code != 0 || strings.Contains(res.stderr, "%") {
		t.Errorf("bounds off a terminal: exit %d, stderr %q", res.code, res.stderr)
	}
}

// A damaged .ssz_snappy file is reported with its name.
func TestSnappyErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "state.ssz_snappy")
	// A block-format header claiming 2^40 decoded bytes, and no data.
	if err := os.WriteFile(bad, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x20}, 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "g.ssz_snappy")
	if err := os.WriteFile(garbage, []byte{0x05, 0xff, 0xff}, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"root", "--type", "BeaconState", "--preset", "minimal", bad},
		{"inspect", "--type", "Checkpoint", "--preset", "minimal", garbage},
		{"diff", "--preset", "minimal", bad, bad},
		{"transition", "--preset", "minimal", "--pre", garbage, "--slots", "1"},
	} {
		path := args[len(args)-1]
		if args[0] == "transition" {
			path = garbage
		}
		res := runArgs(args...)
		if res.code == 0 || !strings.Contains(res.stderr, path+": ssz: snappy") {
			t.Errorf("%v: exit %d, stderr %q; want the file named", args, res.code, res.stderr)
		}
	}
}
