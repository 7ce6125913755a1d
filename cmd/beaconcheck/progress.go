package main

import (
	"io"
	"math"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress is the one progress bar of the commands, drawn by github.com/schollz/progressbar
// on a terminal only: when stderr is a file or a pipe nothing is drawn, so what a command
// writes is the same on every run. A nil *progress is valid and draws nothing, so callers
// need not check.
type progress struct {
	bar *progressbar.ProgressBar
	max int64
}

// newProgress returns a bar described by desc counting up to total on w, or nil when w is
// not a terminal or off is set (the commands' --no-progress).
func newProgress(w io.Writer, off bool, desc string, total uint64) *progress {
	if off || !isTerminal(w) {
		return nil
	}
	return drawProgress(w, desc, total)
}

// drawProgress returns a bar on w whatever w is (the tests draw into a buffer).
func drawProgress(w io.Writer, desc string, total uint64) *progress {
	max := clampInt64(total)
	return &progress{max: max, bar: progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// set moves the bar to done of total (total may change, e.g. from one phase to the next).
func (p *progress) set(done, total uint64) {
	if p == nil {
		return
	}
	if t := clampInt64(total); t != p.max {
		p.max = t
		p.bar.ChangeMax64(t)
	}
	_ = p.bar.Set64(clampInt64(done))
}

// phase starts a new phase of the work, described by desc, at done of total.
func (p *progress) phase(desc string, done, total uint64) {
	if p == nil {
		return
	}
	p.bar.Describe(desc)
	p.set(done, total)
}

// finish clears the bar, leaving the line for the command's own output.
func (p *progress) finish() {
	if p == nil {
		return
	}
	_ = p.bar.Clear()
	_ = p.bar.Exit()
}

func clampInt64(n uint64) int64 {
	if n > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(n)
}

// isTerminal tells whether w is a terminal (progress output is only for people).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
