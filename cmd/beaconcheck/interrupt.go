package main

import (
	"context"
	"os"
	"os/signal"
	"sync/atomic"
)

// exitInterrupted is the exit status of a command stopped by Ctrl-C: 128 + SIGINT's number,
// as a shell reports a process the signal killed, so scripts can tell "stopped" from
// "failed" even though the command caught the signal and cleaned up first.
const exitInterrupted = 130

// interrupted records that Ctrl-C reached a running command. execute clears it before each
// command line and turns it into exitInterrupted afterwards.
var interrupted atomic.Bool

// interruptContext is cancelled by the first Ctrl-C (os.Interrupt) until stop is called, and
// records the interruption for the exit status. Commands that stop cleanly on Ctrl-C use it
// in place of signal.NotifyContext, which cannot tell a signal from its own stop.
func interruptContext() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			interrupted.Store(true)
			cancel()
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sig)
		close(done)
		cancel()
	}
}
