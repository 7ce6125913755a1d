package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/chain"
	"github.com/beaconcheck/beaconcheck/spec"
)

func init() {
	register(&command{
		name:    "chain",
		summary: "generate a deterministic chain of signed blocks as a sanity vector (chain generate)",
		usage:   "",
	})
	register(&command{
		name:    "chain generate",
		summary: "generate a deterministic chain of signed blocks as a sanity vector",
		usage:   "--validators N --epochs E --out DIR [flags]",
		help: `Builds a genesis state of N interop validators (the deterministic
keys of the eth2 interop mocked start, each with one deposit of MAX_EFFECTIVE_BALANCE)
and a chain of E epochs of valid signed blocks on it, one per slot. Each block carries an
aggregate attestation for every committee of the slot before it, signed by the fraction P
of the committee's members, and the eth1 vote; with the flags, also:

  --with-deposits   new validators (and a top-up of an existing one) in every eth1
                    voting period where the proposers can vote them in: eth1_data only
                    changes when more than half of a period's blocks vote for it
                    (EPOCHS_PER_ETH1_VOTING_PERIOD x SLOTS_PER_EPOCH slots: 32 with the
                    minimal preset, so 3 epochs or more; 2048 with mainnet, so 33)
  --with-exits      voluntary exits spread over the chain. Validators may exit only
                    SHARD_COMMITTEE_PERIOD epochs after activation (64 on minimal, 256 on
                    mainnet), so the chain then starts at that epoch: the pre-state is the
                    genesis state advanced over empty slots, which on mainnet with many
                    validators takes minutes
  --with-slashings  proposer slashings and attester slashings (two validators each)
                    spread over the chain; a slot whose proposer has been slashed has no
                    block

The chain is written to DIR in the layout of the official sanity vectors, which other
clients' vector runners read: pre.ssz_snappy, blocks_0.ssz_snappy .. blocks_{N-1},
post.ssz_snappy and meta.yaml (blocks_count, bls_setting: 1). The same flags give the same
bytes; --seed picks the attesters below full participation and the validators that exit,
are slashed or topped up. meta.yaml also records the config (config: its name, and
config_yaml: every key of it when it is not an embedded preset), which 'beaconcheck replay
DIR' uses when no --preset or --config is given.

The vector is written into a temporary directory beside DIR and renamed into place: a
failed or interrupted write leaves the old vector in DIR, or nothing, and exits non-zero.
Ctrl-C stops the generation before the next block (or epoch of empty slots) and writes
nothing.

N must be at least SLOTS_PER_EPOCH (every slot has a committee). Below
MIN_GENESIS_ACTIVE_VALIDATOR_COUNT (64 on minimal, 16384 on mainnet) the genesis state is
still a state the spec processes, but not one is_valid_genesis_state accepts; the command
says so.`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func([]string) error {
			var f chainFlags
			f.declare(fs)
			return func(args []string) error {
				ctx, stop := interruptContext()
				defer stop()
				return runChainGenerate(ctx, &f, args, stdout, stderr)
			}
		},
	})
}

// chainFlags are the flags of chain generate.
type chainFlags struct {
	validators    uint64
	epochs        uint64
	participation float64
	cfg           configFlags
	deposits      bool
	exits         bool
	slashings     bool
	seed          uint64
	out           string
	noProgress    bool
}

func (f *chainFlags) declare(fs *pflag.FlagSet) {
	fs.Uint64Var(&f.validators, "validators", 0, "validators at genesis (required; at least SLOTS_PER_EPOCH)")
	fs.Uint64Var(&f.epochs, "epochs", 0, "epochs of blocks, one block per slot (required)")
	fs.Float64Var(&f.participation, "participation", 1, "fraction of each committee that attests, in [0, 1]")
	f.cfg.declare(fs)
	fs.BoolVar(&f.deposits, "with-deposits", false, "add validators by deposit, voted in through the eth1 voting periods")
	fs.BoolVar(&f.exits, "with-exits", false, "spread voluntary exits over the chain (starts the chain at epoch SHARD_COMMITTEE_PERIOD)")
	fs.BoolVar(&f.slashings, "with-slashings", false, "spread proposer and attester slashings over the chain")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the choices (attesters, exits, slashings, top-ups)")
	fs.StringVar(&f.out, "out", "", "directory to write the vector to (required)")
	fs.BoolVar(&f.noProgress, "no-progress", false, "no progress bar even when stderr is a terminal")
}

func runChainGenerate(ctx context.Context, f *chainFlags, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	switch {
	case f.out == "":
		return usagef("--out DIR is required")
	case f.validators == 0:
		return usagef("--validators N is required")
	case f.epochs == 0:
		return usagef("--epochs E is required, and must be above 0")
	}
	cfg, err := f.cfg.load()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, configHeader(cfg))
	opts := chain.Options{
		Config: cfg, Validators: f.validators, Epochs: f.epochs, Participation: f.participation,
		Deposits: f.deposits, Exits: f.exits, Slashings: f.slashings, Seed: f.seed, Context: ctx,
	}
	bar := newProgress(stderr, f.noProgress, "keys", f.validators)
	if bar != nil {
		opts.Progress = bar.phase
	}
	start := time.Now()
	c, err := chain.Generate(opts)
	bar.finish()
	if err != nil {
		if oe, ok := err.(*chain.OptionsError); ok {
			return usagef("%s", optionsMessage(oe))
		}
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: %s not written (a vector already there is unchanged)", f.out)
		}
		return err
	}
	elapsed := time.Since(start)
	if err := c.Write(cfg, f.out); err != nil {
		return err
	}
	postRoot, err := spec.HashTreeRoot(cfg, c.Post)
	if err != nil {
		return err
	}
	firstSlot, lastSlot := c.Pre.Slot+1, c.Post.Slot
	fmt.Fprintf(stdout, "generated %s (slots %d..%d) on %d validators, config %s, seed %d, in %v\n",
		plural(uint64(len(c.Blocks)), "block"), firstSlot, lastSlot, f.validators, cfg.ConfigName, f.seed, roundDuration(elapsed))
	s := c.Stats
	fmt.Fprintf(stdout, "  %s, %s, %s, %s, %s\n", plural(uint64(s.Attestations), "attestation"), plural(uint64(s.Deposits), "deposit"),
		plural(uint64(s.VoluntaryExits), "voluntary exit"), plural(uint64(s.ProposerSlashings), "proposer slashing"), plural(uint64(s.AttesterSlashings), "attester slashing"))
	for _, n := range c.Notes {
		fmt.Fprintf(stdout, "  note: %s\n", n)
	}
	if f.validators < cfg.MinGenesisActiveValidatorCount {
		fmt.Fprintf(stdout, "  note: %d validators are fewer than MIN_GENESIS_ACTIVE_VALIDATOR_COUNT (%d): is_valid_genesis_state would not accept the genesis state, but every transition of the chain is valid\n",
			f.validators, cfg.MinGenesisActiveValidatorCount)
	}
	fmt.Fprintf(stdout, "post-state slot %d, root 0x%x, justified epoch %d, finalized epoch %d, %d validators\n",
		c.Post.Slot, postRoot, c.Post.CurrentJustifiedCheckpoint.Epoch, c.Post.FinalizedCheckpoint.Epoch, len(c.Post.Validators))
	fmt.Fprintf(stdout, "wrote %s: pre.ssz_snappy, blocks_0..%d.ssz_snappy, post.ssz_snappy, meta.yaml\n", f.out, len(c.Blocks)-1)
	fmt.Fprintf(stdout, "replay with: beaconcheck replay %s (meta.yaml records the config)\n", f.out)
	return nil
}

// optionsMessage says which flag an options error is about.
func optionsMessage(e *chain.OptionsError) string {
	flagOf := map[string]string{
		"Validators": "--validators", "Epochs": "--epochs", "Participation": "--participation",
		"Deposits": "--with-deposits", "Exits": "--with-exits", "Slashings": "--with-slashings", "Config": "--config",
	}
	if name, ok := flagOf[e.Option]; ok {
		return name + ": " + e.Reason
	}
	return e.Error()
}
