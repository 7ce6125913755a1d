package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// transition --trace writes one JSON line per call; trace show prints them as a tree.
func TestTransitionTraceAndShow(t *testing.T) {
	dir := writeSmall(t)
	trace := filepath.Join(t.TempDir(), "trace.jsonl")
	args := []string{"--preset", "minimal", "--pre", filepath.Join(dir, "pre.ssz_snappy"), "--trace", trace, "--checked"}
	for _, b := range blockFiles(t, dir, 2) {
		args = append(args, "--block", b)
	}
	if res := runTransitionArgs(args...); res.code != 0 {
		t.Fatalf("transition: exit %d: %s", res.code, res.stderr)
	}
	f, err := os.Open(trace)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := spec.ReadTrace(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	tops := 0
	for _, l := range lines {
		if l.Depth == 0 {
			tops++
			if l.Func != "state_transition" || l.Root == "" {
				t.Errorf("top-level call %s, root %q", l.Func, l.Root)
			}
		}
	}
	if tops != 2 {
		t.Errorf("%d top-level calls for 2 blocks", tops)
	}

	res := runTraceArgs("show", "--depth", "3", "--hide", "verify_block_signature", trace)
	if res.code != 0 {
		t.Fatalf("trace show: exit %d: %s", res.code, res.stderr)
	}
	out := res.stdout
	for _, want := range []string{
		"state_transition(slot=1, proposer_index=",
		"\n  process_slots(slot=1)  changed: slot, ",
		"\n    process_slot(state.slot=0)  changed: ",
		"\n    process_randao()  changed: randao_mixes  [",
		"\n  process_block(slot=2)  changed: latest_block_header, eth1_data_votes, randao_mixes, current_epoch_attestations",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace show lacks %q:\n%s", want, out)
		}
	}
	for _, absent := range []string{"verify_block_signature", "get_domain", "\n      "} {
		if strings.Contains(out, absent) {
			t.Errorf("trace show --depth 3 --hide verify_block_signature shows %q", absent)
		}
	}
	if res := runTraceArgs("print", trace); res.code != 2 {
		t.Errorf("trace print: exit %d", res.code)
	}
}

// trace show checks each line: a depth that is negative, huge or jumps, a line with no
// function, is an error naming the file and the line, not a panic (strings.Repeat with a
// negative count) or gigabytes of indentation.
func TestTraceShowRejectsBadLines(t *testing.T) {
	good := `{"seq":0,"depth":0,"func":"state_transition"}` + "\n" + `{"seq":1,"depth":1,"func":"process_slots"}` + "\n"
	tests := []struct {
		name, trace, want string
	}{
		{"negative depth", good + `{"seq":2,"depth":-1,"func":"f"}`, "trace line 3: depth -1 is negative"},
		{"huge depth", good + `{"seq":2,"depth":500000000,"func":"f"}`, "trace line 3: depth 500000000 is above 1000"},
		{"depth jump", good + `{"seq":2,"depth":5,"func":"f"}`, "trace line 3: depth 5 after a call at depth 1"},
		{"first not at 0", `{"seq":0,"depth":2,"func":"f"}`, "trace line 1: the first call has depth 2, not 0"},
		{"no func", good + "\n" + `{"seq":2,"depth":1}`, "trace line 4: no func"},
		{"negative clauses", `{"seq":0,"depth":0,"func":"f","clauses":-3}`, "trace line 1: clauses -3 is negative"},
		{"not JSON", good + "{", "trace line 3: "},
		{"depth overflows int", `{"seq":0,"depth":1e30,"func":"f"}`, "trace line 1: "},
	}
	for _, tc := range tests {
		path := filepath.Join(t.TempDir(), "trace.jsonl")
		if err := os.WriteFile(path, []byte(tc.trace), 0o644); err != nil {
			t.Fatal(err)
		}
		res := runTraceArgs("show", path)
		if res.code != 1 || !strings.Contains(res.stderr, path+": "+tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", tc.name, res.code, res.stderr, path+": "+tc.want)
		}
	}
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	if err := os.WriteFile(path, []byte(good+`{"seq":2,"depth":0,"func":"state_transition"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := runTraceArgs("show", path); res.code != 0 || res.stdout != "state_transition()\n  process_slots()\nstate_transition()\n" {
		t.Errorf("a good trace: exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
}
