package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// The transition fuzz target applies mutated blocks to the pre-states of the official
// vectors (minimal preset, v0.12.3): sanity/blocks cases give their first block, operations
// cases a block at the slot after their pre-state's, whose body holds the case's operation
// (applied with ProcessBlock to the pre-state advanced to that slot). With the
// vectors absent (a clean clone without .cache) it has one committed pre-state and its two
// blocks (testdata/fuzzseed, from sanity/blocks/attestation).

// fuzzVectors is where the official vectors are, from this package's directory.
const fuzzVectors = "../.cache/spec-tests/v0.12.3/tests/minimal/phase0"

type fuzzSeed struct {
	pre   int    // index into fuzzCorpus.pres
	kind  uint8  // bit 0: ProcessBlock instead of StateTransition; bit 1: checked mode
	block []byte // SignedBeaconBlock SSZ
}

var fuzzCorpus struct {
	once  sync.Once
	cfg   *Config
	pres  []*BeaconState
	seeds []fuzzSeed
	err   error
}

// readSSZFile reads name (.ssz or .ssz_snappy) into obj.
func readFuzzFile(cfg *Config, path string, obj ssz.Object) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if filepath.Ext(path) == ".ssz_snappy" {
		if data, err = ssz.DecodeSnappyFor(cfg, data, obj); err != nil {
			return err
		}
	}
	return Unmarshal(cfg, data, obj)
}

func loadFuzzCorpus() {
	c := &fuzzCorpus
	c.cfg = MustPreset("minimal@v0.12.3")
	pre := new(BeaconState)
	if c.err = readFuzzFile(c.cfg, "testdata/fuzzseed/pre.ssz_snappy", pre); c.err != nil {
		return
	}
	c.pres = append(c.pres, pre)
	for _, name := range []string{"blocks_0", "blocks_1"} {
		b, err := os.ReadFile("testdata/fuzzseed/" + name + ".ssz_snappy")
		if err != nil {
			c.err = err
			return
		}
		if b, c.err = ssz.DecodeSnappy(b, 0); c.err != nil {
			return
		}
		c.seeds = append(c.seeds, fuzzSeed{0, 0, b})
	}
	// The vectors, when present.
	dirs, _ := filepath.Glob(filepath.Join(fuzzVectors, "sanity/blocks/pyspec_tests/*"))
	ops, _ := filepath.Glob(filepath.Join(fuzzVectors, "operations/*/pyspec_tests/*"))
	sort.Strings(dirs)
	sort.Strings(ops)
	for _, dir := range dirs {
		pre := new(BeaconState)
		block, err := os.ReadFile(filepath.Join(dir, "blocks_0.ssz"))
		if err != nil || readFuzzFile(c.cfg, filepath.Join(dir, "pre.ssz"), pre) != nil {
			continue
		}
		c.pres = append(c.pres, pre)
		c.seeds = append(c.seeds, fuzzSeed{len(c.pres) - 1, 0, block})
	}
	for _, dir := range ops {
		pre := new(BeaconState)
		if readFuzzFile(c.cfg, filepath.Join(dir, "pre.ssz"), pre) != nil {
			continue
		}
		// The case's pre-state has had its block: the operation goes in the next slot's.
		if NewModel(c.cfg).ProcessSlots(pre, pre.Slot+1) != nil {
			continue
		}
		block, ok := operationBlock(c.cfg, pre, dir)
		if !ok {
			continue
		}
		data, err := Marshal(c.cfg, block)
		if err != nil {
			continue
		}
		c.pres = append(c.pres, pre)
		c.seeds = append(c.seeds, fuzzSeed{len(c.pres) - 1, 1, data})
	}
}

// operationBlock is a block at pre's slot, from its proposer on its latest header, whose
// body holds the operation of the operations case in dir (or, for block_header cases, the
// case's block).
func operationBlock(cfg *Config, pre *BeaconState, dir string) (*SignedBeaconBlock, bool) {
	m := NewModel(cfg)
	proposer, err := m.GetBeaconProposerIndex(pre)
	if err != nil {
		return nil, false
	}
	parent, err := HashTreeRoot(cfg, &pre.LatestBlockHeader)
	if err != nil {
		return nil, false
	}
	sb := &SignedBeaconBlock{Message: BeaconBlock{Slot: pre.Slot, ProposerIndex: proposer, ParentRoot: parent,
		Body: BeaconBlockBody{Eth1Data: pre.Eth1Data}}}
	body := &sb.Message.Body
	read := func(name string, obj ssz.Object) bool {
		return readFuzzFile(cfg, filepath.Join(dir, name), obj) == nil
	}
	switch filepath.Base(filepath.Dir(filepath.Dir(dir))) {
	case "attestation":
		body.Attestations = make([]Attestation, 1)
		return sb, read("attestation.ssz", &body.Attestations[0])
	case "attester_slashing":
		body.AttesterSlashings = make([]AttesterSlashing, 1)
		return sb, read("attester_slashing.ssz", &body.AttesterSlashings[0])
	case "proposer_slashing":
		body.ProposerSlashings = make([]ProposerSlashing, 1)
		return sb, read("proposer_slashing.ssz", &body.ProposerSlashings[0])
	case "deposit":
		body.Deposits = make([]Deposit, 1)
		return sb, read("deposit.ssz", &body.Deposits[0])
	case "voluntary_exit":
		body.VoluntaryExits = make([]SignedVoluntaryExit, 1)
		return sb, read("voluntary_exit.ssz", &body.VoluntaryExits[0])
	case "block_header":
		return sb, read("block.ssz", &sb.Message)
	}
	return nil, false
}

// FuzzStateTransition: a block decoded from the fuzzer's bytes, applied to a vector's
// pre-state with StateTransition or ProcessBlock, plain or checked, with signatures not
// verified (so mutants get past the proposer's signature into the operations), the block's
// slot folded to at most two epochs past the pre-state's. Whatever the block, the call does
// not panic, and when it fails the error is one of the package's typed errors and the state
// is exactly the pre-state.
func FuzzStateTransition(f *testing.F) {
	fuzzCorpus.once.Do(loadFuzzCorpus)
	c := &fuzzCorpus
	if c.err != nil {
		f.Fatalf("fuzz corpus: %v", c.err)
	}
	for _, s := range c.seeds {
		f.Add(uint16(s.pre), s.kind, s.block)
		f.Add(uint16(s.pre), s.kind|2, s.block)
	}
	f.Fuzz(func(t *testing.T, pre uint16, kind uint8, data []byte) {
		block := new(SignedBeaconBlock)
		if Unmarshal(c.cfg, data, block) != nil {
			return
		}
		before := c.pres[int(pre)%len(c.pres)]
		// A block far ahead makes process_slots run for as many slots as it is ahead (a slot
		// of 2**40 takes days): valid work, not a finding. Such slots are folded to at most
		// two epochs ahead, which keeps the epoch transitions in reach.
		if window := 2 * c.cfg.SlotsPerEpoch; uint64(block.Message.Slot) > uint64(before.Slot)+window {
			block.Message.Slot = before.Slot + 1 + Slot(uint64(block.Message.Slot)%window)
		}
		m := NewModel(c.cfg)
		m.VerifySignatures = false
		if kind&2 != 0 {
			m.Checked = &Checks{}
		}
		state := before.Copy()
		var err error
		if kind&1 == 0 {
			err = m.StateTransition(state, block, true)
		} else {
			err = m.ProcessBlock(state, &block.Message)
		}
		if err == nil {
			return
		}
		if !typedTransitionError(err) {
			t.Fatalf("error %T is not one of the package's typed errors: %v", err, err)
		}
		if !reflect.DeepEqual(state, before) {
			t.Fatalf("failed (%v) and changed the state", err)
		}
	})
}
