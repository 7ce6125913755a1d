package chain

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/beaconcheck/beaconcheck/internal/atomicdir"
	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// The official sanity-vector layout of a case directory: pre.ssz_snappy (or pre.ssz), the
// blocks blocks_0 .. blocks_{N-1}, post (absent when the blocks are invalid), and
// meta.yaml with blocks_count and bls_setting (1: signatures must be verified; 2: they
// must not; 0 or absent: either).

// Vector is a case directory in memory.
type Vector struct {
	Pre    *spec.BeaconState
	Blocks []*spec.SignedBeaconBlock
	// Files are the block files, for messages.
	Files []string
	// Post is nil when the case has none.
	Post       *spec.BeaconState
	BLSSetting int
}

// layoutFile matches the names of the files of the layout.
var layoutFile = regexp.MustCompile(`^(pre|post|blocks_[0-9]+)\.ssz(_snappy)?$|^meta\.yaml$`)

// Write stores the chain in dir in the sanity-vector layout, snappy-compressed, with
// bls_setting 1: the blocks are signed and verifying them is part of replaying them.
// meta.yaml also records the config (see VectorConfig), so that replay needs no flag.
//
// The vector is written into a temporary directory beside dir and renamed into place
// (package internal/atomicdir): a failed or interrupted write leaves the old vector, or
// nothing, never a partial vector that could pass for a case of invalid blocks. A dir
// holding a file that is not of the layout is not replaced (dir is not a vector
// directory).
func (c *Chain) Write(cfg *spec.Config, dir string) error {
	check := func(old []fs.DirEntry) error {
		for _, e := range old {
			if !layoutFile.MatchString(e.Name()) || e.IsDir() {
				return fmt.Errorf("it holds %s, which is not a file of a vector: write the chain to an empty directory", e.Name())
			}
		}
		return nil
	}
	err := atomicdir.Write(dir, check, func(put func(string, []byte) error) error {
		write := func(name string, obj ssz.Object) error {
			data, err := spec.Marshal(cfg, obj)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			return put(name, ssz.EncodeSnappy(data))
		}
		if err := write("pre.ssz_snappy", c.Pre); err != nil {
			return err
		}
		for i, b := range c.Blocks {
			if err := write(fmt.Sprintf("blocks_%d.ssz_snappy", i), b); err != nil {
				return err
			}
		}
		if err := write("post.ssz_snappy", c.Post); err != nil {
			return err
		}
		return put("meta.yaml", vectorMeta(cfg, len(c.Blocks)))
	})
	if err != nil {
		return fmt.Errorf("chain: %w", err)
	}
	return nil
}

// VectorError is a case directory that cannot be read as a vector.
type VectorError struct {
	Dir    string
	Reason string
}

func (e *VectorError) Error() string { return fmt.Sprintf("%s: %s", e.Dir, e.Reason) }

// ReadVector reads a case directory in the sanity-vector layout, with either encoding.
// Without meta.yaml the blocks are blocks_0, blocks_1, ... as far as they go.
func ReadVector(cfg *spec.Config, dir string) (*Vector, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	present := map[string]bool{}
	maxBlock := -1
	for _, e := range entries {
		present[e.Name()] = true
		if n, ok := blockNumber(e.Name()); ok {
			maxBlock = max(maxBlock, n)
		}
	}
	v := &Vector{}
	count, bls, err := readCaseMeta(dir, present["meta.yaml"], maxBlock)
	if err != nil {
		return nil, err
	}
	v.BLSSetting = bls
	read := func(base string, obj ssz.Object, required bool) (string, bool, error) {
		for _, name := range []string{base + ".ssz_snappy", base + ".ssz"} {
			if !present[name] {
				continue
			}
			path := filepath.Join(dir, name)
			data, err := os.ReadFile(path)
			if err != nil {
				return "", false, err
			}
			if strings.HasSuffix(name, ".ssz_snappy") {
				if data, err = ssz.DecodeSnappyFor(cfg, data, obj); err != nil {
					return "", false, &VectorError{dir, fmt.Sprintf("%s: %v", name, err)}
				}
			}
			if err := spec.Unmarshal(cfg, data, obj); err != nil {
				return "", false, &VectorError{dir, fmt.Sprintf("%s is not a valid %s for config %q: %v", name, typeName(obj), cfg.ConfigName, err)}
			}
			return path, true, nil
		}
		if required {
			return "", false, &VectorError{dir, fmt.Sprintf("no %s.ssz_snappy or %s.ssz", base, base)}
		}
		return "", false, nil
	}
	v.Pre = new(spec.BeaconState)
	if _, _, err := read("pre", v.Pre, true); err != nil {
		return nil, err
	}
	for i := 0; i < count; i++ {
		b := new(spec.SignedBeaconBlock)
		path, _, err := read(fmt.Sprintf("blocks_%d", i), b, true)
		if err != nil {
			return nil, err
		}
		v.Blocks = append(v.Blocks, b)
		v.Files = append(v.Files, path)
	}
	post := new(spec.BeaconState)
	if _, ok, err := read("post", post, false); err != nil {
		return nil, err
	} else if ok {
		v.Post = post
	}
	return v, nil
}

func blockNumber(name string) (int, bool) {
	base, ok := strings.CutPrefix(name, "blocks_")
	if !ok {
		return 0, false
	}
	base, _, _ = strings.Cut(base, ".")
	n, err := strconv.Atoi(base)
	return n, err == nil && n >= 0
}

func typeName(obj any) string {
	name := fmt.Sprintf("%T", obj)
	return name[strings.LastIndexByte(name, '.')+1:]
}

// IsVectorDir says whether dir looks like a case directory: it holds a pre-state.
func IsVectorDir(dir string) bool {
	for _, name := range []string{"pre.ssz_snappy", "pre.ssz"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		} else if !errors.Is(err, fs.ErrNotExist) {
			return false
		}
	}
	return false
}

// readCaseMeta reads a case's meta.yaml, if it has one, for the two things a sanity case
// keeps there: how many blocks it has (at least maxBlock+1; without meta.yaml or
// blocks_count, exactly that) and its bls_setting (0, 1 or 2).
func readCaseMeta(dir string, hasMeta bool, maxBlock int) (count, blsSetting int, err error) {
	count = maxBlock + 1
	if !hasMeta {
		return count, 0, nil
	}
	data, err := os.ReadFile(filepath.Join(dir, "meta.yaml"))
	if err != nil {
		return 0, 0, err
	}
	var meta struct {
		BlocksCount *int `yaml:"blocks_count"`
		BLSSetting  int  `yaml:"bls_setting"`
	}
	if err := yaml.Unmarshal(data, &meta); err != nil {
		return 0, 0, &VectorError{dir, "meta.yaml: " + err.Error()}
	}
	if meta.BLSSetting < 0 || meta.BLSSetting > 2 {
		return 0, 0, &VectorError{dir, fmt.Sprintf("meta.yaml: unknown bls_setting %d", meta.BLSSetting)}
	}
	if meta.BlocksCount != nil {
		if *meta.BlocksCount < 0 || *meta.BlocksCount <= maxBlock {
			return 0, 0, &VectorError{dir, fmt.Sprintf("meta.yaml says %d blocks, but blocks_%d is there", *meta.BlocksCount, maxBlock)}
		}
		count = *meta.BlocksCount
	}
	return count, meta.BLSSetting, nil
}
