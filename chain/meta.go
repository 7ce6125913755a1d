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
//	preset: minimal@v1.0.0    when the config is an embedded preset (spec.Preset)
//	rules: final              otherwise: the rules (spec.Rules) and every key of the
//	config_yaml: |            config, as spec.Config.YAML writes them
//	  CONFIG_NAME: "custom"
//	  ...

// vectorMeta is the meta.yaml of a chain of n blocks generated with cfg.
func vectorMeta(cfg *spec.Config, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "blocks_count: %d\nbls_setting: 1\nconfig: %q\n", n, cfg.ConfigName)
	if id := PresetID(cfg); id != "" {
		fmt.Fprintf(&b, "preset: %q\n", id)
		return []byte(b.String())
	}
	fmt.Fprintf(&b, "rules: %q\nconfig_yaml: |\n", cfg.Rules.String())
	for _, line := range strings.SplitAfter(cfg.YAML(), "\n") {
		if line != "" {
			b.WriteString("  " + line)
		}
	}
	return []byte(b.String())
}

// PresetID is the embedded preset cfg is, unchanged, as NAME@RELEASE ("minimal@v1.0.0"),
// or "" when it is none.
func PresetID(cfg *spec.Config) string {
	releases := append([]string{spec.DefaultRelease}, spec.Releases()...)
	for _, rel := range releases {
		id := cfg.ConfigName + "@" + rel
		p, err := spec.Preset(id)
		if err == nil && p.Rules == cfg.Rules && p.YAML() == cfg.YAML() {
			return id
		}
	}
	return ""
}

// VectorConfig returns the config dir's meta.yaml records (as Write records it) and
// where it comes from, for messages: "preset minimal@v1.0.0, recorded in DIR/meta.yaml".
// It returns nil and no error when the directory records none (an official vector, or one
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
		Preset     string `yaml:"preset"`
		Rules      string `yaml:"rules"`
		ConfigYAML string `yaml:"config_yaml"`
	}
	if err := yaml.Unmarshal(data, &meta); err != nil {
		return nil, "", &VectorError{dir, "meta.yaml: " + err.Error()}
	}
	var cfg *spec.Config
	var source string
	switch {
	case meta.ConfigYAML != "":
		if cfg, err = spec.ParseConfig(path+" config_yaml", []byte(meta.ConfigYAML)); err != nil {
			return nil, "", &VectorError{dir, "meta.yaml: config_yaml: " + err.Error()}
		}
		if meta.Rules != "" {
			if cfg.Rules, err = spec.ParseRules(meta.Rules); err != nil {
				return nil, "", &VectorError{dir, "meta.yaml: rules: " + err.Error()}
			}
		}
		cfg.Source = path
		source = fmt.Sprintf("config %s (rules %s), recorded in %s", cfg.ConfigName, cfg.Rules, path)
	case meta.Preset != "" || meta.Config != "":
		id := meta.Preset
		if id == "" {
			id = meta.Config
		}
		if cfg, err = spec.Preset(id); err != nil {
			return nil, "", &VectorError{dir, fmt.Sprintf("meta.yaml: %q is not an embedded preset and config_yaml is absent", id)}
		}
		source = fmt.Sprintf("preset %s, recorded in %s", id, path)
	default:
		return nil, "", nil
	}
	if meta.Config != "" && cfg.ConfigName != meta.Config {
		return nil, "", &VectorError{dir, fmt.Sprintf("meta.yaml: config %q, but the config it records is named %q", meta.Config, cfg.ConfigName)}
	}
	return cfg, source, nil
}
