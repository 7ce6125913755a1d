package chain

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// prefixDir writes a case directory holding pre and the first n blocks of dir (no post).
func prefixDir(t *testing.T, dir string, n int) string {
	t.Helper()
	out := t.TempDir()
	copyFile := func(name string) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("pre.ssz_snappy")
	for i := range n {
		copyFile(fmt.Sprintf("blocks_%d.ssz_snappy", i))
	}
	if err := os.WriteFile(filepath.Join(out, "meta.yaml"), fmt.Appendf(nil, "blocks_count: %d\nbls_setting: 1\n", n), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// liveAfterEachBlock runs replay with a progress callback that collects garbage and
// records the largest live heap: what the replay holds, not what it has thrown away.
func liveAfterEachBlock(t *testing.T, replay func(progress func(int, int)) (*Result, error)) uint64 {
	t.Helper()
	var peak uint64
	var ms runtime.MemStats
	res, err := replay(func(int, int) {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Blocks == 0 {
		t.Fatal("no block replayed")
	}
	return peak
}

// ReplayDir holds a block or two, never the chain: from n to 4n blocks its live heap grows
// only as the state does, where reading the whole vector first (Replay) grows by the
// blocks it holds as well.
func TestReplayDirMemoryIsFlatInChainLength(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	c, err := Generate(Options{Config: cfg, Validators: 64, Epochs: 8, Participation: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	full := writeChain(t, c, cfg)
	n := len(c.Blocks) / 4
	short, long := prefixDir(t, full, n), prefixDir(t, full, 4*n)
	m := spec.NewModel(cfg)
	m.VerifySignatures = false
	streamed := func(dir string) uint64 {
		s, err := OpenVector(cfg, dir)
		if err != nil {
			t.Fatal(err)
		}
		return liveAfterEachBlock(t, func(p func(int, int)) (*Result, error) { return ReplayDir(m, s, 20, p) })
	}
	inMemory := func(dir string) uint64 {
		return liveAfterEachBlock(t, func(p func(int, int)) (*Result, error) {
			v, err := ReadVector(cfg, dir)
			if err != nil {
				t.Fatal(err)
			}
			return Replay(m, v, 20, p)
		})
	}
	var blockBytes uint64 // the decoded size of the 3n blocks the long chain adds, roughly
	for _, b := range c.Blocks[n : 4*n] {
		data, err := spec.Marshal(cfg, b)
		if err != nil {
			t.Fatal(err)
		}
		blockBytes += uint64(len(data))
	}
	sShort, sLong := streamed(short), streamed(long)
	mShort, mLong := inMemory(short), inMemory(long)
	t.Logf("%d and %d blocks (%d bytes more): live heap streamed %d and %d, in memory %d and %d", n, 4*n, blockBytes, sShort, sLong, mShort, mLong)
	// Both replays' states grow the same with the chain (pending attestations, eth1
	// votes); what the in-memory replay holds on top is the blocks.
	growS, growM, bb := int64(sLong)-int64(sShort), int64(mLong)-int64(mShort), int64(blockBytes)
	if growM < bb/2 {
		t.Fatalf("the in-memory replay's heap grew by %d for %d bytes of blocks: the measure cannot see the blocks", growM, bb)
	}
	if growS > growM-bb/2 {
		t.Fatalf("the streamed replay's live heap grew by %d, the in-memory replay's by %d, for %d bytes of blocks: the streamed replay holds them too", growS, growM, bb)
	}
}

// ReplayDir and Replay agree: same blocks, same final state, post checked.
func TestReplayDirEqualsReplay(t *testing.T) {
	cfg := spec.MustPreset("minimal")
	dir := writeChain(t, rich(t), cfg)
	s, err := OpenVector(cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	m := spec.NewModel(cfg)
	m.BatchSignatures = true
	res, err := ReplayDir(m, s, 20, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Blocks != len(rich(t).Blocks) || !res.PostChecked || res.PeakHeap == 0 {
		t.Fatalf("%d blocks of %d, post checked %v, peak heap %d", res.Blocks, len(rich(t).Blocks), res.PostChecked, res.PeakHeap)
	}
}
