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
		"\n    process_randao()  changed: randao_mixes  [3 clauses]",
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
