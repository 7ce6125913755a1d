package chain

import (
	"errors"
	"fmt"
	"time"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// Result is a replay that went through.
type Result struct {
	Blocks  int
	Slots   uint64 // slots the state advanced, from pre to the last block
	Elapsed time.Duration
	Final   *spec.BeaconState
	// PostChecked is set when the vector has a post-state and the final state equals it.
	PostChecked bool
	// PeakHeap is the largest heap (bytes of heap objects) seen after a block.
	PeakHeap uint64
}

// BlocksPerSecond is the replay's speed in blocks.
func (r *Result) BlocksPerSecond() float64 { return float64(r.Blocks) / r.Elapsed.Seconds() }

// EpochsPerSecond is the replay's speed in epochs of chain, cfg's SLOTS_PER_EPOCH.
func (r *Result) EpochsPerSecond(cfg *spec.Config) float64 {
	return float64(r.Slots) / float64(cfg.SlotsPerEpoch) / r.Elapsed.Seconds()
}

// BlockError is the first block of a vector that does not apply, and why.
type BlockError struct {
	Index int
	File  string // the block's file, when the vector was read from one
	Slot  spec.Slot
	Err   error // the model's error: the spec's failed assert, an index or overflow error, a breach
	// StateRoot is set when the block's state root is wrong: the root the block commits
	// to and the root of the state the model computed.
	StateRoot *RootMismatch
	// PostCompared is set when the block with the wrong root is the vector's last and the
	// vector has a post-state; PostDiff is then where the state the model computed differs
	// from post (nothing when it equals post: the root alone is wrong).
	PostCompared bool
	PostDiff     []ssz.Difference
}

// RootMismatch is a block's state root against the model's.
type RootMismatch struct {
	Block, Computed spec.Root
}

func (e *BlockError) Error() string {
	where := fmt.Sprintf("block %d (slot %d", e.Index, e.Slot)
	if e.File != "" {
		where += ", " + e.File
	}
	where += ")"
	if e.StateRoot != nil {
		return fmt.Sprintf("%s: wrong state root: the block says 0x%x, the model computes 0x%x", where, e.StateRoot.Block, e.StateRoot.Computed)
	}
	return fmt.Sprintf("%s is invalid: %v", where, e.Err)
}

func (e *BlockError) Unwrap() error { return e.Err }

// PostError is a final state that differs from the vector's post-state.
type PostError struct {
	Root, PostRoot spec.Root
	Diff           []ssz.Difference // from the model's final state to post
}

func (e *PostError) Error() string {
	places := "places"
	if len(e.Diff) == 1 {
		places = "place"
	}
	return fmt.Sprintf("the final state differs from post (root 0x%x, post 0x%x) in %d %s", e.Root, e.PostRoot, len(e.Diff), places)
}

// Replay applies the vector's blocks to its pre-state with m.StateTransition, validating
// each (signature and state root), and compares the final state with post when there is
// one. m's settings decide how: signature verification, batching, checked mode, a tracer.
// progress, when set, is called after each block. Nothing of the vector is modified. The
// state being replayed has a hash cache (spec.BeaconState.EnableHashCache): each root costs
// the paths the block wrote.
//
// The first block that does not apply stops the replay with a *BlockError; a final state
// that differs from post is a *PostError listing the differences (ssz.Diff, at most
// maxDiff elements per list, 0 for all). ReplayDir does the same from a directory, a block
// at a time.
func Replay(m *spec.Model, v *Vector, maxDiff int, progress func(done, total int)) (*Result, error) {
	next := func(i int) (*spec.SignedBeaconBlock, string, error) {
		file := ""
		if i < len(v.Files) {
			file = v.Files[i]
		}
		return v.Blocks[i], file, nil
	}
	post := func() (*spec.BeaconState, error) { return v.Post, nil }
	return replay(m, v.Pre, len(v.Blocks), next, post, maxDiff, progress)
}

// blockError describes block i's failure on the state before it; post is the vector's
// post-state when block i is the last, else nil.
func blockError(cfg *spec.Config, i int, file string, b *spec.SignedBeaconBlock, before, post *spec.BeaconState, err error, maxDiff int) error {
	e := &BlockError{Index: i, File: file, Slot: b.Message.Slot, Err: err}
	var ae *spec.AssertError
	if !errors.As(err, &ae) || ae.Check != spec.CheckStateRoot {
		return e
	}
	// The block only carries a root: compute the state it should commit to, without the
	// checks that already passed, to show the model's root and what it holds.
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	computed := before.Copy()
	if err := m.StateTransition(computed, b, false); err != nil {
		return e
	}
	root, herr := spec.HashTreeRoot(cfg, computed)
	if herr != nil {
		return e
	}
	e.StateRoot = &RootMismatch{Block: b.Message.StateRoot, Computed: root}
	if post != nil {
		if diff, derr := ssz.Diff(cfg, computed, post, ssz.DiffOptions{MaxElems: maxDiff}); derr == nil {
			e.PostCompared, e.PostDiff = true, diff
		}
	}
	return e
}
