package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/beaconcheck/beaconcheck/spec"
)

// cancelAfter is a context whose Err reports cancellation from its n-th call on, as if
// Ctrl-C came in the middle of a run.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

// A block at slot 10^12 or --slots 10^12 is refused before any work, with the count of
// slots it would take; transition says how many slots it processes before it starts.
func TestTransitionRefusesAbsurdSlotCounts(t *testing.T) {
	dir := writeSmall(t)
	far := *small(t).Blocks[0] // a shallow copy: only the slot changes
	far.Message.Slot = 1_000_000_000_000
	farFile := filepath.Join(t.TempDir(), "far.ssz")
	if err := writeObject(spec.MustPreset("minimal"), farFile, &far); err != nil {
		t.Fatal(err)
	}
	pre := filepath.Join(dir, "pre.ssz_snappy")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--slots", "1000000000000"}, 2, "that is 1000000000000 slots to process (from slot 0 to 1000000000000), above --max-slots 1048576"},
		{[]string{"--block", farFile}, 2, "that is 1000000000000 slots to process"},
		{[]string{"--slots", "9", "--max-slots", "8"}, 2, "give --max-slots 9"},
		{[]string{"--slots", "8", "--max-slots", "8"}, 0, "processing 0 blocks and 8 slots in all, from slot 0 to 8"},
		{[]string{"--block", filepath.Join(dir, "blocks_0.ssz_snappy"), "--block", filepath.Join(dir, "blocks_1.ssz_snappy"), "--slots", "3"}, 0,
			"processing 2 blocks and 5 slots in all, from slot 0 to 5"},
	}
	for _, tc := range tests {
		res := runTransitionArgs(append([]string{"--preset", "minimal", "--pre", pre, "--no-verify-signatures"}, tc.args...)...)
		if res.code != tc.code || !strings.Contains(res.stdout+res.stderr, tc.want) {
			t.Errorf("%v: exit %d, %s%s; want %d and %q", tc.args, res.code, res.stdout, res.stderr, tc.code, tc.want)
		}
	}
}

// Ctrl-C stops a transition in its slot loop: the state is left unchanged, --out is not
// written, and the error's own exit status is 1 (execute makes it 130 when a real Ctrl-C
// caused it: TestCtrlCExits130).
func TestTransitionInterrupted(t *testing.T) {
	dir := writeSmall(t)
	out := filepath.Join(t.TempDir(), "post.ssz")
	f := transitionFlags{pre: filepath.Join(dir, "pre.ssz_snappy"), slots: 1000, out: out, maxSlots: defaultMaxSlots, noVerify: true}
	f.cfg.preset = "minimal"
	var stdout, stderr bytes.Buffer
	err := runTransition(&cancelAfter{Context: context.Background(), n: 20}, &f, nil, &stdout, &stderr)
	var ie *interruptedError
	if !errors.As(err, &ie) || ie.done != 20 || ie.total != 1000 || ie.slot != 20 {
		t.Fatalf("error %v: want an interruption before slot 20, after 20 of 1000 slots", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "interrupted before slot 20, after 20 of 1000 slots") || !strings.Contains(msg, out+" not written") {
		t.Errorf("message %q", msg)
	}
	if _, serr := os.Stat(out); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("--out written after the interruption: %v", serr)
	}
	if code := exitCode(nil, err, &stderr); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}

	// In the spec: a SlotHook error stops ProcessSlots and StateTransition, leaving the state.
	cfg := spec.MustPreset("minimal")
	for _, name := range []string{"ProcessSlots", "StateTransition"} {
		m := spec.NewModel(cfg)
		m.VerifySignatures = false
		state := small(t).Pre.Copy()
		before, _ := spec.HashTreeRoot(cfg, state)
		stop := errors.New("stop")
		calls := 0
		m.SlotHook = func(slot, target spec.Slot) error {
			if calls++; calls == 3 {
				return stop
			}
			return nil
		}
		var err error
		if name == "ProcessSlots" {
			err = m.ProcessSlots(state, 100)
		} else {
			b := small(t).Blocks[5]
			err = m.StateTransition(state, b, false)
		}
		after, _ := spec.HashTreeRoot(cfg, state)
		if !errors.Is(err, stop) || calls != 3 || before != after {
			t.Errorf("%s: error %v after %d hook calls, state changed: %v", name, err, calls, before != after)
		}
	}
}

// Ctrl-C during chain generate stops it before the next block: nothing is written, and a
// vector already in --out is left as it was.
func TestChainGenerateInterrupted(t *testing.T) {
	out := writeSmall(t)
	before, err := os.ReadFile(filepath.Join(out, "post.ssz_snappy"))
	if err != nil {
		t.Fatal(err)
	}
	f := chainFlags{validators: 64, epochs: 2, participation: 1, out: out}
	f.cfg.preset = "minimal"
	var stdout, stderr bytes.Buffer
	err = runChainGenerate(&cancelAfter{Context: context.Background(), n: 5}, &f, nil, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "interrupted: "+out+" not written") {
		t.Fatalf("error %v", err)
	}
	after, err := os.ReadFile(filepath.Join(out, "post.ssz_snappy"))
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("the old vector changed: %v", err)
	}
}

// An --out (or --csv) that cannot be written is named, with "not written", never the
// hidden temporary file beside it.
func TestOutNotWrittenNamesOut(t *testing.T) {
	dir := writeSmall(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(file, "post.ssz")
	for _, args := range [][]string{
		{"transition", "--preset", "minimal", "--pre", filepath.Join(dir, "pre.ssz_snappy"), "--slots", "1", "--out", out},
		{"bounds", "--preset", "minimal", "--to", "10", "--csv", out},
	} {
		res := runArgs(args...)
		if res.code != 1 || !strings.Contains(res.stderr, out+" not written") || strings.Contains(res.stderr, "/.post.ssz") {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", args[0], res.code, res.stderr, out+" not written")
		}
	}
}

// watchWriter collects what a command writes and closes seen when the text first contains
// want: the test sends Ctrl-C only once the command is past signal registration.
type watchWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if w.seen != nil && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
		w.seen = nil
	}
	return n, err
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// A real Ctrl-C (SIGINT sent to this process) stops a long command cleanly, and the exit
// status is 130 whether the command returns an error (transition: the state is left as it
// was) or stops after reporting what it found (props, whose finished properties passed).
func TestCtrlCExits130(t *testing.T) {
	dir := writeSmall(t)
	pre := filepath.Join(dir, "pre.ssz_snappy")
	out := filepath.Join(t.TempDir(), "post.ssz")
	tests := []struct {
		name      string
		args      []string
		started   string // written once the command has registered for Ctrl-C
		wantOut   string // on stdout or stderr after the interruption
		notExists string // a file the interrupted command must not write
	}{
		{"transition", []string{"transition", "--preset", "minimal", "--pre", pre, "--slots", "1000000", "--no-verify-signatures", "--no-progress", "--out", out},
			"processing 0 blocks and 1000000 slots", "interrupted before slot", out},
		{"props", []string{"props", "--only", "shuffle-permutation", "--runs", "100000000", "--seed", "1", "--no-progress", "--out", filepath.Join(t.TempDir(), "pf")},
			"1 properties, 100000000 runs each", "interrupted", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &watchWriter{want: tc.started, seen: make(chan struct{})} // stdout and stderr
			seen := w.seen
			done := make(chan int)
			go func() {
				code, _ := execute(tc.args, w, w)
				done <- code
			}()
			select {
			case <-seen:
			case code := <-done:
				t.Fatalf("ended (exit %d) before it started: %s", code, w.String())
			case <-time.After(2 * time.Minute):
				t.Fatalf("no %q after 2 minutes: %s", tc.started, w.String())
			}
			if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			var code int
			select {
			case code = <-done:
			case <-time.After(2 * time.Minute):
				t.Fatal("still running 2 minutes after Ctrl-C")
			}
			all := w.String()
			if code != exitInterrupted || !strings.Contains(all, tc.wantOut) {
				t.Errorf("exit %d, want %d with %q; output:\n%s", code, exitInterrupted, tc.wantOut, all)
			}
			if tc.notExists != "" {
				if _, err := os.Stat(tc.notExists); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s written after Ctrl-C: %v", tc.notExists, err)
				}
			}
		})
	}
	// The next command line starts uninterrupted.
	var stdout, stderr bytes.Buffer
	if code, err := execute([]string{"props", "--list"}, &stdout, &stderr); code != 0 {
		t.Errorf("props --list after an interruption: exit %d, %v", code, err)
	}
}
