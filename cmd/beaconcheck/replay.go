package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/chain"
	"github.com/beaconcheck/beaconcheck/spec"
)

func init() {
	register(&command{
		name:    "replay",
		summary: "apply every block of a vector directory or generated chain, fast, and check post",
		usage:   "[flags] DIR",
		help: `Reads DIR, a case directory in the sanity-vector layout (pre, blocks_0 .. blocks_{N-1},
post, meta.yaml; .ssz or .ssz_snappy), as 'beaconcheck chain generate' writes it or as
the official sanity/blocks and finality cases are, and applies each block to the
pre-state in memory with the spec's state_transition, validating each: the proposer's
signature and the state root the block commits to. When DIR has a post-state, the final
state must equal it. Nothing is written. The blocks are read as the replay goes, the next
one decoded while one is applied, so memory does not grow with the chain; the state keeps
a hash cache, so each state root costs the paths the block wrote. It reports how fast
(blocks and epochs of chain per second) and the peak heap. On a terminal a progress bar
shows the blocks (--no-progress: none).

Signatures are verified unless --no-verify-signatures (or the case's bls_setting is 2),
with the signatures of each block verified at once by a random linear combination (blst's
batch verification), which decides every block as one-by-one verification does; --no-batch
verifies each where the spec calls bls.Verify. Deposits' proofs of possession are always
verified one by one: an invalid one skips the deposit and does not make the block invalid.

When a block is invalid the replay stops there and says which block and why (the spec's
failed check). A wrong state root is reported with the root the block commits to and the
root the model computes; when that block is the last and DIR has a post-state, with the
field-by-field differences between the state the model computed and post. When the final
state differs from post, the differences are printed (at most --max elements per list). The
exit status is then 1. A case without a post-state is one whose blocks are meant to be
invalid: the replay succeeds when one of them is.

--checked evaluates every spec function's contract on every call; --trace FILE writes the
trace of every spec function call (see 'beaconcheck trace show').`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func([]string) error {
			var f replayFlags
			f.declare(fs)
			return func(args []string) error { return runReplay(&f, args, stdout, stderr) }
		},
	})
}

// replayFlags are the flags of replay.
type replayFlags struct {
	cfg        configFlags
	noVerify   bool
	noBatch    bool
	checked    bool
	trace      string
	max        int
	noProgress bool
}

func (f *replayFlags) declare(fs *pflag.FlagSet) {
	f.cfg.declare(fs)
	fs.BoolVar(&f.noVerify, "no-verify-signatures", false, "do not verify BLS signatures")
	fs.BoolVar(&f.noBatch, "no-batch", false, "verify each signature where the spec does, rather than each block's at once")
	fs.BoolVar(&f.checked, "checked", false, "checked mode: evaluate every spec function's contract on every call")
	fs.StringVar(&f.trace, "trace", "", "write the trace of every spec function call to FILE, as JSON lines")
	fs.IntVar(&f.max, "max", 20, "differing elements to list per list or vector in a diff (0: all)")
	fs.BoolVar(&f.noProgress, "no-progress", false, "no progress bar even when stderr is a terminal")
}

func runReplay(f *replayFlags, args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return usagef("expected one vector directory, got %d arguments", len(args))
	}
	if f.max < 0 {
		return usagef("--max must be 0 (all) or more, not %d", f.max)
	}
	dir := args[0]
	cfg, source, err := replayConfig(&f.cfg, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "config: %s, rules %s\n", source, cfg.Rules)
	v, err := chain.OpenVector(cfg, dir)
	if err != nil {
		return err
	}
	m := spec.NewModel(cfg)
	m.VerifySignatures = !f.noVerify && v.BLSSetting != 2
	m.BatchSignatures = !f.noBatch
	if f.checked {
		m.Checked = &spec.Checks{}
	}
	closeTrace, err := attachTrace(m, f.trace)
	if err != nil {
		return err
	}
	bar := newProgress(stderr, f.noProgress, "replay", uint64(v.Count))
	res, rerr := chain.ReplayDir(m, v, f.max, func(done, total int) { bar.set(uint64(done), uint64(total)) })
	bar.finish()
	if err := closeTrace(); err != nil && rerr == nil {
		rerr = err
	}
	var be *chain.BlockError
	if errors.As(rerr, &be) && !v.HasPost {
		fmt.Fprintf(stdout, "%s\nas the case expects: it has no post-state, so its blocks are meant to be invalid\n", be.Error())
		if f.trace != "" {
			fmt.Fprintf(stdout, "wrote the trace to %s\n", f.trace)
		}
		return nil
	}
	if rerr != nil {
		return &exitError{code: 1, err: replayFailure(rerr, f.max)}
	}
	if !v.HasPost {
		return &exitError{code: 1, err: fmt.Errorf("%s has no post-state, so its blocks are meant to be invalid, but all %d applied", dir, res.Blocks)}
	}
	epochs := float64(res.Slots) / float64(cfg.SlotsPerEpoch)
	fmt.Fprintf(stdout, "replayed %s (%.4g epochs, slots %d..%d) in %v: %.1f blocks/s, %.2f epochs/s\n",
		plural(uint64(res.Blocks), "block"), epochs, v.Pre.Slot+1, res.Final.Slot, roundDuration(res.Elapsed), res.BlocksPerSecond(), res.EpochsPerSecond(cfg))
	fmt.Fprintf(stdout, "memory: peak heap %.1f MiB (blocks read one ahead of the one applied)\n", float64(res.PeakHeap)/(1<<20))
	switch {
	case !m.VerifySignatures:
		fmt.Fprintf(stdout, "signatures: not verified\n")
	case m.BatchSignatures:
		fmt.Fprintf(stdout, "signatures: verified, each block's at once\n")
	default:
		fmt.Fprintf(stdout, "signatures: verified one by one\n")
	}
	root, err := spec.HashTreeRoot(cfg, res.Final)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "final state: slot %d, root 0x%x, equal to post\n", res.Final.Slot, root)
	if m.Checked != nil {
		fmt.Fprintf(stdout, "checked mode: %d contract clauses evaluated, no violation\n", m.Checked.Evaluations())
	}
	if f.trace != "" {
		fmt.Fprintf(stdout, "wrote the trace to %s\n", f.trace)
	}
	return nil
}

// replayFailure renders a replay's failure with its diffs.
func replayFailure(err error, max int) error {
	var be *chain.BlockError
	var pe *chain.PostError
	switch {
	case errors.As(err, &be):
		msg := be.Error()
		var ae *spec.AssertError
		if be.StateRoot == nil && errors.As(be.Err, &ae) {
			msg += fmt.Sprintf("\nfailed check: %s in %s", ae.Check, ae.Func)
		}
		switch {
		case be.StateRoot == nil:
		case be.PostCompared && len(be.PostDiff) == 0:
			msg += "\nthe state the model computes for it equals post: the root in the block is what is wrong"
		case be.PostCompared:
			msg += "\nthe state the model computes for it differs from post (model -> post):"
			for _, d := range be.PostDiff {
				msg += "\n  " + d.String()
			}
		default:
			msg += "\n(a block carries only the root of its post-state: with a post-state in the vector and this block the last, the states are compared field by field)"
		}
		return errors.New(msg)
	case errors.As(err, &pe):
		msg := fmt.Sprintf("every block applied, but %s; model -> post:", pe.Error())
		for _, d := range pe.Diff {
			msg += "\n  " + d.String()
		}
		return errors.New(msg)
	}
	return err
}

// replayConfig is the config to replay dir with: the one --preset or --config names, else
// the one dir's meta.yaml records (a chain from 'beaconcheck chain generate'), else
// mainnet. It says which, for the output.
func replayConfig(cf *configFlags, dir string) (*spec.Config, string, error) {
	if cf.preset != "" || len(cf.configs) > 0 {
		cfg, err := cf.load()
		if err != nil {
			return nil, "", err
		}
		if len(cf.configs) > 0 {
			return cfg, fmt.Sprintf("%s, from --config %s", cfg.ConfigName, strings.Join(cf.configs, " --config ")), nil
		}
		return cfg, fmt.Sprintf("preset %s, from --preset", cf.preset), nil
	}
	cfg, source, err := chain.VectorConfig(dir)
	if err != nil || cfg != nil {
		return cfg, source, err
	}
	cfg, err = cf.load()
	if err != nil {
		return nil, "", err
	}
	return cfg, "preset mainnet, the default (" + filepath.Join(dir, "meta.yaml") + " records no config; give --preset or --config)", nil
}
