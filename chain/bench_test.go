package chain

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The replay benchmarks run on a generated mainnet-preset chain of 16,384 validators
// (MIN_GENESIS_ACTIVE_VALIDATOR_COUNT) and 4 epochs with full participation: 128 blocks of
// 4 attestations, each the aggregate of a committee of 128. Deriving the keys, signing
// the deposits and the attestations takes a minute or two on two cores, so the chain is
// generated once and kept in the temporary directory (reused by later runs), outside the
// timing.
const benchChainName = "beaconcheck-bench-chain-v1-mainnet-16384v-4e-p100-seed0"

func benchVector(b *testing.B) (*spec.Config, *Vector) {
	b.Helper()
	cfg := spec.MustPreset("mainnet")
	dir := filepath.Join(os.TempDir(), benchChainName)
	if _, err := os.Stat(filepath.Join(dir, "meta.yaml")); err != nil { // meta.yaml is written last
		b.Logf("generating the benchmark chain in %s (once)", dir)
		c, err := Generate(Options{Config: cfg, Validators: 16_384, Epochs: 4, Participation: 1})
		if err != nil {
			b.Fatal(err)
		}
		tmp, err := os.MkdirTemp(os.TempDir(), benchChainName+".tmp")
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Write(cfg, tmp); err != nil {
			b.Fatal(err)
		}
		os.RemoveAll(dir)
		if err := os.Rename(tmp, dir); err != nil {
			b.Fatal(err)
		}
	}
	v, err := ReadVector(cfg, dir)
	if err != nil {
		b.Fatal(err)
	}
	return cfg, v
}

// BenchmarkReplayMainnet16k replays the chain, all 128 blocks per iteration, with the
// signatures verified in batches (the replay command's default), one by one where the spec
// verifies them, and not at all. Each variant replays the chain once before the timing,
// so that the public-key cache is as warm in each. blocks/s is the metric to read.
func BenchmarkReplayMainnet16k(b *testing.B) {
	cfg, v := benchVector(b)
	for _, c := range []struct {
		name          string
		verify, batch bool
	}{
		{"signatures=batch", true, true},
		{"signatures=one-by-one", true, false},
		{"signatures=off", false, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := spec.NewModel(cfg)
			m.VerifySignatures, m.BatchSignatures = c.verify, c.batch
			if _, err := Replay(m, v, 20, nil); err != nil {
				b.Fatal(err)
			}
			blocks := 0
			for b.Loop() {
				res, err := Replay(m, v, 20, nil)
				if err != nil {
					b.Fatal(err)
				}
				blocks += res.Blocks
			}
			b.ReportMetric(float64(blocks)/b.Elapsed().Seconds(), "blocks/s")
		})
	}
}

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
