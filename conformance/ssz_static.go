package conformance

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/beaconcheck/beaconcheck/spec"
	"github.com/beaconcheck/beaconcheck/ssz"
)

// The ssz_static runner: for every Phase 0 container type (the handler names the type), a
// case holds serialized.ssz[_snappy], value.yaml and roots.yaml. The model must decode the
// bytes, re-encode them identically, render the value exactly as value.yaml, and compute
// the root in roots.yaml.
func init() {
	registerRunner("ssz_static", &runnerDef{anyHandler: func(handler string) (handlerFunc, error) {
		if _, err := spec.NewObject(handler); err != nil {
			return nil, fmt.Errorf("ssz_static: %v", err)
		}
		return func(c *Case) error { return runSSZStatic(c, handler) }, nil
	}})
}

func runSSZStatic(c *Case, typeName string) error {
	if _, err := c.files(allowSSZ(map[string]bool{"value.yaml": true, "roots.yaml": true}, "serialized")); err != nil {
		return err
	}
	data, err := c.readSSZ("serialized")
	if err != nil {
		return err
	}
	var roots struct {
		Root string `yaml:"root"`
	}
	if err := c.decodeYAML("roots.yaml", &roots); err != nil {
		return err
	}
	want, err := c.readYAML("value.yaml")
	if err != nil {
		return err
	}
	obj, _ := spec.NewObject(typeName)
	return checkRoundTrip(c.Config, obj, data, roots.Root, want)
}

// checkRoundTrip decodes data into obj and checks re-encoding, root and YAML rendering.
func checkRoundTrip(ctx any, obj ssz.Object, data []byte, wantRoot string, wantValue *yaml.Node) error {
	if err := ssz.Unmarshal(ctx, data, obj); err != nil {
		return fmt.Errorf("decoding: %v", err)
	}
	again, err := ssz.Marshal(ctx, obj)
	if err != nil {
		return fmt.Errorf("re-encoding: %v", err)
	}
	if !bytes.Equal(again, data) {
		return fmt.Errorf("re-encoding differs from the serialized bytes (%d vs %d bytes)", len(again), len(data))
	}
	root, err := ssz.HashTreeRoot(ctx, obj)
	if err != nil {
		return fmt.Errorf("hash_tree_root: %v", err)
	}
	if got := "0x" + hex.EncodeToString(root[:]); !strings.EqualFold(got, wantRoot) {
		return fmt.Errorf("hash_tree_root %s, want %s", got, wantRoot)
	}
	got, err := ssz.ToYAML(ctx, obj)
	if err != nil {
		return fmt.Errorf("rendering YAML: %v", err)
	}
	if d := sameYAML("value", got, wantValue); d != "" {
		return fmt.Errorf("value differs from value.yaml: %s", d)
	}
	return nil
}
