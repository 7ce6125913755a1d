package chain

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// Stream is a case directory opened for replay: its meta.yaml and pre-state read, its
// blocks and post-state left on disk until they are needed, so that replaying a chain
// holds a block or two in memory, not the chain.
type Stream struct {
	Dir        string
	Pre        *spec.BeaconState
	Count      int // blocks_0 .. blocks_{Count-1}
	BLSSetting int
	HasPost    bool

	cfg     *spec.Config
	present map[string]bool
}

// OpenVector opens a case directory in the sanity-vector layout (see ReadVector) for
// streaming: it reads meta.yaml and the pre-state and checks which block files are there.
func OpenVector(cfg *spec.Config, dir string) (*Stream, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	s := &Stream{Dir: dir, cfg: cfg, present: map[string]bool{}}
	maxBlock := -1
	for _, e := range entries {
		s.present[e.Name()] = true
		if n, ok := blockNumber(e.Name()); ok {
			maxBlock = max(maxBlock, n)
		}
	}
	s.Count, s.BLSSetting, err = readCaseMeta(dir, s.present["meta.yaml"], maxBlock)
	if err != nil {
		return nil, err
	}
	for i := range s.Count {
		if !s.has(fmt.Sprintf("blocks_%d", i)) {
			return nil, &VectorError{dir, fmt.Sprintf("no blocks_%d.ssz_snappy or blocks_%d.ssz", i, i)}
		}
	}
	s.HasPost = s.has("post")
	s.Pre = new(spec.BeaconState)
	if _, err := s.read("pre", s.Pre); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Stream) has(base string) bool {
	return s.present[base+".ssz_snappy"] || s.present[base+".ssz"]
}

// read decodes base (.ssz_snappy or .ssz) into obj and returns the file's path.
func (s *Stream) read(base string, obj ssz.Object) (string, error) {
	for _, name := range []string{base + ".ssz_snappy", base + ".ssz"} {
		if !s.present[name] {
			continue
		}
		path := filepath.Join(s.Dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		if strings.HasSuffix(name, ".ssz_snappy") {
			if data, err = ssz.DecodeSnappy(data, 0); err != nil {
				return "", &VectorError{s.Dir, fmt.Sprintf("%s: %v", name, err)}
			}
		}
		if err := spec.Unmarshal(s.cfg, data, obj); err != nil {
			return "", &VectorError{s.Dir, fmt.Sprintf("%s is not a valid %s for config %q: %v", name, typeName(obj), s.cfg.ConfigName, err)}
		}
		return path, nil
	}
	return "", &VectorError{s.Dir, fmt.Sprintf("no %s.ssz_snappy or %s.ssz", base, base)}
}

// Block reads block i and returns it with its file's path.
func (s *Stream) Block(i int) (*spec.SignedBeaconBlock, string, error) {
	b := new(spec.SignedBeaconBlock)
	path, err := s.read(fmt.Sprintf("blocks_%d", i), b)
	return b, path, err
}

// Post reads the post-state; nil when the case has none.
func (s *Stream) Post() (*spec.BeaconState, error) {
	if !s.HasPost {
		return nil, nil
	}
	post := new(spec.BeaconState)
	if _, err := s.read("post", post); err != nil {
		return nil, err
	}
	return post, nil
}

// decoded is a block read ahead by ReplayDir's reader.
type decoded struct {
	block *spec.SignedBeaconBlock
	file  string
	err   error
}

// ReplayDir is Replay of a case directory read as it goes: block i+1 is read and decoded
// while block i is applied, and no block is kept once applied, so memory does not grow
// with the length of the chain. The pre-state is s.Pre, which is not modified.
func ReplayDir(m *spec.Model, s *Stream, maxDiff int, progress func(done, total int)) (*Result, error) {
	ahead := make(chan decoded, 1) // with the one being decoded: at most two blocks ahead
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(ahead)
		for i := range s.Count {
			b, file, err := s.Block(i)
			select {
			case ahead <- decoded{b, file, err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	next := func(int) (*spec.SignedBeaconBlock, string, error) {
		d := <-ahead
		return d.block, d.file, d.err
	}
	return replay(m, s.Pre, s.Count, next, s.Post, maxDiff, progress)
}

// replay applies count blocks, as next gives them, to a copy of pre with a hash cache, and
// compares the final state with post() when there is one.
func replay(m *spec.Model, pre *spec.BeaconState, count int, next func(i int) (*spec.SignedBeaconBlock, string, error),
	post func() (*spec.BeaconState, error), maxDiff int, progress func(done, total int)) (*Result, error) {
	state := pre.Copy()
	state.EnableHashCache()
	res := &Result{}
	var peak peakHeap
	start := time.Now()
	for i := range count {
		b, file, err := next(i)
		if err != nil {
			res.Elapsed = time.Since(start)
			return res, err
		}
		if err := m.StateTransition(state, b, true); err != nil {
			res.Elapsed = time.Since(start)
			res.PeakHeap = peak.sample()
			// state_transition is atomic: state is still the state before the block.
			var p *spec.BeaconState
			if i == count-1 {
				var perr error
				if p, perr = post(); perr != nil {
					return res, perr
				}
			}
			return res, blockError(m.Config, i, file, b, state, p, err, maxDiff)
		}
		res.Blocks++
		peak.sample()
		if progress != nil {
			progress(i+1, count)
		}
	}
	res.Elapsed = time.Since(start)
	res.PeakHeap = peak.max
	res.Slots = uint64(state.Slot - pre.Slot)
	res.Final = state
	p, err := post()
	if err != nil || p == nil {
		return res, err
	}
	root, err := spec.HashTreeRoot(m.Config, state)
	if err != nil {
		return res, err
	}
	postRoot, err := spec.HashTreeRoot(m.Config, p)
	if err != nil {
		return res, err
	}
	if root == postRoot {
		res.PostChecked = true
		return res, nil
	}
	diff, err := ssz.Diff(m.Config, state, p, ssz.DiffOptions{MaxElems: maxDiff})
	if err != nil {
		return res, err
	}
	return res, &PostError{Root: root, PostRoot: postRoot, Diff: diff}
}

// peakHeap follows the largest heap seen: the bytes of heap objects, live or not yet
// swept, read from runtime/metrics (cheap enough to read after every block).
type peakHeap struct {
	max uint64
	s   []metrics.Sample
}

func (p *peakHeap) sample() uint64 {
	if p.s == nil {
		p.s = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	}
	metrics.Read(p.s)
	if v := p.s[0].Value; v.Kind() == metrics.KindUint64 {
		p.max = max(p.max, v.Uint64())
	}
	return p.max
}
