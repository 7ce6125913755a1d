package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/pflag"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// sszFileFlags are the flags shared by the commands that read one SSZ object from a file.
type sszFileFlags struct {
	typeName string
	format   string
	cfg      configFlags
}

func (f *sszFileFlags) declare(fs *pflag.FlagSet) {
	fs.StringVar(&f.typeName, "type", "", "container type, e.g. BeaconState, SignedBeaconBlock (required)")
	fs.StringVar(&f.format, "format", "auto", "file format: ssz, ssz_snappy, or auto (by extension: .ssz_snappy is snappy)")
	f.cfg.declare(fs)
}

// load reads and decodes the object in the single file argument.
func (f *sszFileFlags) load(args []string) (*spec.Config, ssz.Object, error) {
	if f.typeName == "" {
		return nil, nil, usagef("--type is required (one of %s)", strings.Join(spec.TypeNames(), ", "))
	}
	if len(args) != 1 {
		return nil, nil, usagef("expected exactly one FILE argument, got %d", len(args))
	}
	obj, err := spec.NewObject(f.typeName)
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	cfg, err := f.cfg.load()
	if err != nil {
		return nil, nil, err
	}
	if err := readSSZFile(cfg, args[0], f.format, f.typeName, obj); err != nil {
		return nil, nil, err
	}
	return cfg, obj, nil
}

// readSSZFile decodes a .ssz or .ssz_snappy file into obj, a typeName under cfg. Snappy
// input may decode to at most the largest encoding of obj's type, and 1 GiB
// (ssz.DecodeSnappyFor). Once obj holds the value the file's bytes are garbage; when they
// are large a collection runs then, so that the work that follows (hashing, a transition)
// starts from a heap the size of the value, not of the value and the bytes together
// (`root` of a 48 MB .ssz_snappy mainnet state that decodes to 1.03 GB: 4.1 GB peak RSS
// without it, 2.6 GB with it).
func readSSZFile(cfg *spec.Config, path, format, typeName string, obj ssz.Object) error {
	data, err := readSSZBytes(cfg, path, format, obj)
	if err != nil {
		return err
	}
	if err := spec.Unmarshal(cfg, data, obj); err != nil {
		return fmt.Errorf("%s is not a valid %s for config %q: %w", path, typeName, cfg.ConfigName, err)
	}
	if len(data) > 64<<20 {
		data = nil
		runtime.GC()
	}
	return nil
}

// readSSZBytes reads the SSZ bytes of obj from a .ssz or .ssz_snappy file.
func readSSZBytes(cfg *spec.Config, path, format string, obj ssz.Object) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	snappy := false
	switch format {
	case "auto":
		snappy = strings.HasSuffix(path, ".ssz_snappy")
	case "ssz":
	case "ssz_snappy":
		snappy = true
	default:
		return nil, usagef("--format must be ssz, ssz_snappy or auto, not %q", format)
	}
	if !snappy {
		return raw, nil
	}
	data, err := ssz.DecodeSnappyFor(cfg, raw, obj)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

func init() {
	register(&command{
		name:    "root",
		summary: "print the hash_tree_root of an SSZ or SSZ-snappy file",
		usage:   "--type NAME [flags] FILE",
		help: `Decodes FILE as the given Phase 0 container, with the list limits and vector lengths
of the chosen config, and prints its hash_tree_root as 0x-prefixed hex. Malformed input is
reported with the path of the offending field.

Types: ` + strings.Join(spec.TypeNames(), ", ") + `.`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func([]string) error {
			var f sszFileFlags
			f.declare(fs)
			return func(args []string) error {
				cfg, obj, err := f.load(args)
				if err != nil {
					return err
				}
				root, err := spec.HashTreeRoot(cfg, obj)
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "0x%x\n", root)
				return nil
			}
		},
	})
	register(&command{
		name:    "inspect",
		summary: "print an SSZ or SSZ-snappy file as YAML, in the test vectors' format",
		usage:   "--type NAME [flags] FILE",
		help: `Decodes FILE as the given Phase 0 container and prints it as YAML with the spec's field
names and the value formats of the official vectors' value.yaml files: integers as numbers,
roots, byte strings and bitfields as 0x-prefixed hex.`,
		setup: func(fs *pflag.FlagSet, stdout, stderr io.Writer) func([]string) error {
			var f sszFileFlags
			f.declare(fs)
			return func(args []string) error {
				cfg, obj, err := f.load(args)
				if err != nil {
					return err
				}
				out, err := ssz.MarshalYAML(cfg, obj)
				if err != nil {
					return err
				}
				_, err = stdout.Write(out)
				return err
			}
		},
	})
}
