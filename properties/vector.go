package properties

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/beaconcheck/beaconcheck/internal/atomicdir"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// Vector is a failing input in the form of an official sanity/blocks test case: a
// pre-state and signed blocks, and the post-state the model under test reaches, or none
// when it rejects the blocks.
type Vector struct {
	Config *spec.Config
	Pre    *spec.BeaconState
	Blocks []*spec.SignedBeaconBlock
	// Post is the state after the last block, nil when the transition is invalid.
	Post *spec.BeaconState
	// BLSSetting is the case's bls_setting: 1 when the blocks carry real signatures (and
	// must be checked), 2 when they carry none (made-up keys) and BLS must be off.
	BLSSetting int
}

// Official layout: tests/<config>/phase0/sanity/blocks/pyspec_tests/<case>/.
const (
	vectorRunner  = "sanity"
	vectorHandler = "blocks"
	vectorSuite   = "pyspec_tests"
)

// Write writes the vector under root in the layout of the consensus-spec-tests releases,
// so that any client's test runner (and beaconcheck spectest --vectors root) replays it:
//
//	root/tests/<config>/phase0/sanity/blocks/pyspec_tests/<name>/
//	    meta.yaml            {blocks_count: N, bls_setting: B}
//	    pre.ssz_snappy
//	    blocks_0.ssz_snappy ... blocks_<N-1>.ssz_snappy
//	    post.ssz_snappy      (only when the blocks are valid)
//
// A custom config (not an embedded preset) is written beside as
// root/tests/<config>/config/phase0.yaml, the v1.0 release layout, since clients cannot
// know it otherwise. Write returns the case directory.
//
// The case directory is written into a temporary directory beside it and renamed into
// place (package internal/atomicdir): a failed write leaves no partial case, which could
// pass for one of invalid blocks, and its error names the case directory.
func (v *Vector) Write(root, name string) (string, error) {
	configDir := filepath.Join(root, "tests", v.Config.ConfigName)
	dir := filepath.Join(configDir, "phase0", vectorRunner, vectorHandler, vectorSuite, name)
	if !isPreset(v.Config) {
		if err := os.MkdirAll(filepath.Join(configDir, "config"), 0o755); err != nil {
			return "", &atomicdir.Error{Dir: filepath.Join(configDir, "config", "phase0.yaml"), Err: err}
		}
		if err := atomicdir.WriteFile(filepath.Join(configDir, "config", "phase0.yaml"), []byte(v.Config.YAML())); err != nil {
			return "", err
		}
	}
	err := atomicdir.Write(dir, nil, func(put func(string, []byte) error) error {
		meta := fmt.Sprintf("{blocks_count: %d, bls_setting: %d}\n", len(v.Blocks), v.BLSSetting)
		if err := put("meta.yaml", []byte(meta)); err != nil {
			return err
		}
		write := func(file string, obj ssz.Object) error {
			data, err := spec.Marshal(v.Config, obj)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			return put(file, ssz.EncodeSnappy(data))
		}
		if err := write("pre.ssz_snappy", v.Pre); err != nil {
			return err
		}
		for i, b := range v.Blocks {
			if err := write(fmt.Sprintf("blocks_%d.ssz_snappy", i), b); err != nil {
				return err
			}
		}
		if v.Post != nil {
			return write("post.ssz_snappy", v.Post)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return dir, nil
}

// isPreset says whether cfg is an embedded preset, unchanged.
func isPreset(cfg *spec.Config) bool {
	p, err := spec.Preset(cfg.ConfigName)
	return err == nil && *p == *cfg
}

// WriteVector writes the failing input of a failed outcome as a test vector under
// root/<property>/<seed>/ (see Vector.Write) and returns the case directory; "" with no
// error when the property has no vector form (its inputs are numbers, not states).
func (o *Outcome) WriteVector(root string) (string, error) {
	if !o.Failed || o.Property.Vector == nil || len(o.Counterexample) == 0 {
		return "", nil
	}
	env := o.Env
	v, err := o.Property.Vector(&env, o.Counterexample[0])
	if err != nil {
		return "", fmt.Errorf("%s: making the test vector of the counterexample: %w", o.Property.Name, err)
	}
	if v == nil {
		return "", nil
	}
	return v.Write(filepath.Join(root, o.Property.Name, fmt.Sprint(o.Seed)), fmt.Sprintf("%s_%d", o.Property.Name, o.Seed))
}

// chainVector is the vector of a chain counterexample run on tr: its pre-state, the blocks
// built until the property objected, and the post-state after them. When the objection
// came in empty slots after the last block, an empty block at the next slot is added so the
// vector's blocks cross them. When the transition rejected a block, that block ends the
// vector, which then has no post-state.
func chainVector(env *Env, c ChainRecipe, v Variant, obs observer) (*Vector, error) {
	cfg, err := c.State.Config.Config()
	if err != nil {
		return nil, err
	}
	tr, _ := env.transitionOf(cfg, v, c.State.signed())
	b, err := c.build(env, tr, obs)
	if b == nil {
		return nil, err
	}
	bls := 2
	if c.State.signed() {
		bls = 1
	}
	if b.rejected != nil {
		return &Vector{Config: cfg, Pre: b.pre, Blocks: append(b.blocks, b.rejected), BLSSetting: bls}, nil
	}
	if err != nil {
		if _, isFailure := err.(*failure); !isFailure {
			return nil, err
		}
	}
	if len(b.blocks) == 0 || b.blocks[len(b.blocks)-1].Message.Slot < b.state.Slot {
		if err := b.block(b.state.Slot+1, Step{}, nil); err != nil {
			return nil, err
		}
	}
	return &Vector{Config: cfg, Pre: b.pre, Blocks: b.blocks, Post: b.state, BLSSetting: bls}, nil
}
