package chain

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/beaconcheck/beaconcheck/spec"
)

// A generated chain's meta.yaml records the config it was generated with, beside the
// official keys blocks_count and bls_setting:
//
//	config: minimal           the config's name (CONFIG_NAME)
//	config_yaml: |            only when the config is not an embedded preset: every
//	  CONFIG_NAME: "custom"   key of it, as spec.Config.YAML writes them
//	  ...

// vectorMeta is the meta.yaml of a chain of n blocks generated with cfg.
func vectorMeta(cfg *spec.Config, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "blocks_count: %d\nbls_setting: 1\nconfig: %q\n", n, cfg.ConfigName)
	if !IsPreset(cfg) {
		b.WriteString("config_yaml: |\n")
		for _, line := range strings.SplitAfter(cfg.YAML(), "\n") {
			if line != "" {
				b.WriteString("  " + line)
			}
		}
	}
	return []byte(b.String())
}

// IsPreset says whether cfg is the embedded preset of its name, unchanged.
func IsPreset(cfg *spec.Config) bool {
	p, err := spec.Preset(cfg.ConfigName)
	return err == nil && *p == *cfg
}

// VectorConfig returns the config dir's meta.yaml records (as Write records it) and
// where it comes from, for messages: "preset minimal, recorded in DIR/meta.yaml". It
// returns nil and no error when the directory records none (an official vector, or one
// generated before configs were recorded).
func VectorConfig(dir string) (*spec.Config, string, error) {
	path := filepath.Join(dir, "meta.yaml")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	var meta struct {
		Config     string `yaml:"config"`
		ConfigYAML string `yaml:"config_yaml"`
	}
	if err := yaml.Unmarshal(data, &meta); err != nil {
		return nil, "", &VectorError{dir, "meta.yaml: " + err.Error()}
	}
	switch {
	case meta.ConfigYAML != "":
		cfg, err := spec.ParseConfig(path+" config_yaml", []byte(meta.ConfigYAML))
		if err != nil {
			return nil, "", &VectorError{dir, "meta.yaml: config_yaml: " + err.Error()}
		}
		if meta.Config != "" && cfg.ConfigName != meta.Config {
			return nil, "", &VectorError{dir, fmt.Sprintf("meta.yaml: config %q, but config_yaml is config %q", meta.Config, cfg.ConfigName)}
		}
		return cfg, fmt.Sprintf("config %s, recorded in %s", cfg.ConfigName, path), nil
	case meta.Config != "":
		cfg, err := spec.Preset(meta.Config)
		if err != nil {
			return nil, "", &VectorError{dir, fmt.Sprintf("meta.yaml: config %q is not an embedded preset and config_yaml is absent", meta.Config)}
		}
		return cfg, fmt.Sprintf("preset %s, recorded in %s", meta.Config, path), nil
	}
	return nil, "", nil
}
