package chain

import (
	"fmt"

	"github.com/beaconcheck/beaconcheck/spec"
)

// ExampleGenerate makes a small chain and replays it.
func ExampleGenerate() {
	cfg := spec.MustPreset("minimal")
	c, err := Generate(Options{Config: cfg, Validators: 64, Epochs: 2, Participation: 1, Seed: 1})
	if err != nil {
		panic(err)
	}
	m := spec.NewModel(cfg)
	m.BatchSignatures = true
	res, err := Replay(m, &Vector{Pre: c.Pre, Blocks: c.Blocks, Post: c.Post}, 20, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(c.Blocks), "blocks, post-state matched:", res.PostChecked, ", finalized epoch", c.Post.FinalizedCheckpoint.Epoch)
	// Output: 16 blocks, post-state matched: true , finalized epoch 0
}
