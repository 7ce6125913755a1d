package chain

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The replay benchmarks run on generated mainnet-preset chains of 4 epochs with full
// participation (128 blocks): one of 16,384 validators (MIN_GENESIS_ACTIVE_VALIDATOR_COUNT;
// 4 attestations per block, each the aggregate of a committee of 128) and one of 100,000
// (24 attestations per block, committees of 130 or 131). Deriving the keys, signing the
// deposits and the attestations takes minutes on two cores (about a minute or two for
// 16,384 validators, several times that for 100,000), so each chain is generated once and
// kept in the temporary directory (reused by later runs), outside the timing.
//
// scripts/bench-report.sh copies this file into its baseline checkout: keep it to the
// chain API the baseline has (Generate, Chain.Write, ReadVector, Replay).
func benchChainName(validators uint64) string {
	return fmt.Sprintf("beaconcheck-bench-chain-v1-mainnet-%dv-4e-p100-seed0", validators)
}

func benchVector(b *testing.B, validators uint64) (*spec.Config, *Vector) {
	b.Helper()
	cfg := spec.MustPreset("mainnet")
	name := benchChainName(validators)
	dir := filepath.Join(os.TempDir(), name)
	if _, err := os.Stat(filepath.Join(dir, "meta.yaml")); err != nil { // meta.yaml is written last
		b.Logf("generating the benchmark chain in %s (once)", dir)
		c, err := Generate(Options{Config: cfg, Validators: validators, Epochs: 4, Participation: 1})
		if err != nil {
			b.Fatal(err)
		}
		tmp, err := os.MkdirTemp(os.TempDir(), name+".tmp")
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

// BenchmarkReplayMainnet16k replays the 16,384-validator chain, all 128 blocks per
// iteration, with the signatures verified in batches (the replay command's default), one
// by one where the spec verifies them, and not at all. Each variant replays the chain once
// before the timing, so that the public-key cache is as warm in each. blocks/s is the
// metric to read.
func BenchmarkReplayMainnet16k(b *testing.B) { benchReplay(b, 16_384) }

// BenchmarkReplayMainnet100k is the same on the 100,000-validator chain.
func BenchmarkReplayMainnet100k(b *testing.B) { benchReplay(b, 100_000) }

func benchReplay(b *testing.B, validators uint64) {
	cfg, v := benchVector(b, validators)
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
