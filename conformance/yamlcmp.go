package conformance

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// readYAML parses a case's YAML file into a node.
func (c *Case) readYAML(name string) (*yaml.Node, error) {
	b, err := os.ReadFile(filepath.Join(c.Dir, name))
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty document", name)
	}
	return doc.Content[0], nil
}

// decodeYAML parses a case's YAML file into v, rejecting fields v does not have.
func (c *Case) decodeYAML(name string, v any) error {
	b, err := os.ReadFile(filepath.Join(c.Dir, name))
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}

// sameYAML compares two YAML values the way the vectors mean them: integers by value
// whether written as numbers or quoted decimal strings, hex strings case-insensitively,
// mappings by key (order and flow style do not matter). It returns a description of the
// first difference, or "".
func sameYAML(path string, got, want *yaml.Node) string {
	if got.Kind == yaml.DocumentNode {
		got = got.Content[0]
	}
	if want.Kind == yaml.DocumentNode {
		want = want.Content[0]
	}
	if got.Kind != want.Kind {
		return fmt.Sprintf("%s: kind differs", path)
	}
	switch got.Kind {
	case yaml.ScalarNode:
		if normScalar(got.Value) != normScalar(want.Value) {
			return fmt.Sprintf("%s: got %s, want %s", path, got.Value, want.Value)
		}
	case yaml.SequenceNode:
		if len(got.Content) != len(want.Content) {
			return fmt.Sprintf("%s: %d elements, want %d", path, len(got.Content), len(want.Content))
		}
		for i := range got.Content {
			if d := sameYAML(fmt.Sprintf("%s[%d]", path, i), got.Content[i], want.Content[i]); d != "" {
				return d
			}
		}
	case yaml.MappingNode:
		g, w := mapOf(got), mapOf(want)
		if len(g) != len(w) {
			return fmt.Sprintf("%s: %d fields, want %d", path, len(g), len(w))
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s: missing field %s", path, k)
			}
			if d := sameYAML(path+"."+k, gv, wv); d != "" {
				return d
			}
		}
	default:
		return fmt.Sprintf("%s: unexpected YAML node kind %d", path, got.Kind)
	}
	return ""
}

func mapOf(n *yaml.Node) map[string]*yaml.Node {
	m := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = n.Content[i+1]
	}
	return m
}

func normScalar(s string) string {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return strings.ToLower(s)
	}
	if v, ok := new(big.Int).SetString(s, 10); ok {
		return v.String()
	}
	return s
}
