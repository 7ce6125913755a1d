package conformance

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// Release is the spec release a vectors tree was made with, as DetectRelease reads it from
// the tree, and what follows from it: the config of each preset and the rules.
type Release struct {
	// Name is one of spec.Releases: the release whose presets and rules the vectors need.
	Name string
	// Rules are the release's rules (spec.ReleaseRules): RulesV0123 for v0.12.3.
	Rules spec.Rules
	// Layout is "v0.12 (.ssz)" or "v1.x (.ssz_snappy)", from the files the tree holds.
	Layout string
	// Reason says how the release was decided, for the report's header.
	Reason string

	// configs are the preset configs the tree carries (nil for presets it carries none for).
	configs map[string]*spec.Config
}

// v1.1 markers: what the v1.1 generators write and earlier releases do not.
var v11EpochHandlers = []string{"effective_balance_updates", "eth1_data_reset", "historical_roots_update",
	"participation_record_updates", "randao_mixes_reset", "slashings_reset"}

// DetectRelease decides which release the vectors under dir (a tests directory or its
// parent) were made with. forced, when not empty, is a release name (spec.ParseRelease)
// that wins; the tree's configs are still loaded. Otherwise, in order:
//
//  1. The configs the tree carries: PRESET/config/phase0.yaml (the v0.12 and v1.0 layout)
//     or the split presets/PRESET/phase0.yaml plus configs/PRESET.yaml (as in consensus-specs
//     v1.1, beside tests/ or inside it). Each is compared with the embedded presets of every
//     release; the releases every carried config equals remain candidates.
//  2. The layout: .ssz files mean v0.12.3 (v1.0 and later write .ssz_snappy). With
//     .ssz_snappy, a v1.1 marker (a split epoch_processing handler, the random runner, a
//     genesis eth1.yaml, an altair fork directory) means v1.1.10, otherwise v1.0.0.
//
// When configs and layout disagree, the configs win where they single out one release;
// a custom config that matches no embedded preset leaves the layout to decide the rules.
func DetectRelease(dir, forced string) (*Release, error) {
	root, err := findTestsRoot(dir)
	if err != nil {
		return nil, err
	}
	rel := &Release{configs: map[string]*spec.Config{}}
	presets, err := subdirs(root)
	if err != nil {
		return nil, err
	}
	var carried []string
	for _, p := range presets {
		if p == "general" {
			continue
		}
		cfg, err := carriedConfig(dir, root, p)
		if err != nil {
			return nil, err
		}
		if cfg != nil {
			rel.configs[p] = cfg
			carried = append(carried, p)
		}
	}
	scan := scanTree(root)
	switch {
	case scan.ssz:
		rel.Layout = "v0.12 (.ssz)"
	case scan.snappy:
		rel.Layout = "v1.x (.ssz_snappy)"
	default:
		rel.Layout = "no serialized files"
	}
	byLayout, layoutWhy := spec.ReleaseV100, "no v1.1 marker"
	switch {
	case scan.ssz:
		byLayout, layoutWhy = spec.ReleaseV0123, ".ssz files"
	case scan.v11 != "":
		byLayout, layoutWhy = spec.ReleaseV1110, scan.v11
	}
	if forced != "" {
		name, err := spec.ParseRelease(forced)
		if err != nil {
			return nil, err
		}
		rel.Name, rel.Reason = name, "given (--release)"
	} else {
		candidates := spec.Releases()
		for _, p := range carried {
			var keep []string
			for _, r := range candidates {
				if emb, err := spec.Preset(p + "@" + r); err == nil && emb.SameValues(rel.configs[p]) {
					keep = append(keep, r)
				}
			}
			candidates = keep
		}
		switch {
		case len(carried) == 0:
			rel.Name, rel.Reason = byLayout, "layout: "+layoutWhy+"; the tree carries no config"
		case len(candidates) == 0:
			rel.Name, rel.Reason = byLayout, "layout: "+layoutWhy+"; the tree's config matches no embedded preset"
		case len(candidates) == 1:
			rel.Name, rel.Reason = candidates[0], "the tree's config equals the "+candidates[0]+" preset"
		case contains(candidates, byLayout):
			rel.Name, rel.Reason = byLayout, "the tree's config equals the presets of "+strings.Join(candidates, ", ")+"; layout: "+layoutWhy
		default:
			rel.Name, rel.Reason = candidates[len(candidates)-1], "the tree's config equals the presets of "+strings.Join(candidates, ", ")
		}
	}
	rel.Rules = spec.ReleaseRules(rel.Name)
	for _, cfg := range rel.configs {
		cfg.Rules = rel.Rules
	}
	return rel, nil
}

// Config is the config for a preset's vectors: the one the tree carries, otherwise the
// embedded preset of the release. Its Rules are the release's.
func (r *Release) Config(preset string) (*spec.Config, error) {
	if cfg, ok := r.configs[preset]; ok {
		return cfg, nil
	}
	cfg, err := spec.Preset(preset + "@" + r.Name)
	if err != nil {
		return nil, fmt.Errorf("vectors for preset %q carry no config and no such preset is embedded: pass a config", preset)
	}
	cfg.Rules = r.Rules
	return cfg, nil
}

// carriedConfig loads the config the tree carries for preset, nil when it carries none.
func carriedConfig(dir, root, preset string) (*spec.Config, error) {
	single := filepath.Join(root, preset, "config", "phase0.yaml")
	if isFile(single) {
		return spec.LoadConfig(single)
	}
	for _, base := range []string{root, filepath.Dir(root), dir} {
		p, c := filepath.Join(base, "presets", preset, "phase0.yaml"), filepath.Join(base, "configs", preset+".yaml")
		switch {
		case isFile(p) && isFile(c):
			return spec.LoadConfig(p, c)
		case isFile(p) || isFile(c):
			return nil, fmt.Errorf("split config for preset %q is incomplete: need both %s and %s", preset, p, c)
		}
	}
	return nil, nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type treeScan struct {
	ssz, snappy bool
	v11         string // the first v1.1 marker seen, described
}

var errScanDone = errors.New("done")

// scanTree finds the v1.1 markers (directories at known depths, and genesis eth1.yaml
// files) and the format of the first serialized file.
func scanTree(root string) treeScan {
	var s treeScan
	presets, _ := subdirs(root)
	for _, p := range presets {
		forks, _ := subdirs(filepath.Join(root, p))
		for _, f := range forks {
			if f == "altair" && s.v11 == "" {
				s.v11 = "an altair fork directory"
			}
			if f != Fork {
				continue
			}
			runnerNames, _ := subdirs(filepath.Join(root, p, f))
			for _, r := range runnerNames {
				if r == "random" && s.v11 == "" {
					s.v11 = "the random runner"
				}
			}
			handlers, _ := subdirs(filepath.Join(root, p, f, "epoch_processing"))
			for _, h := range handlers {
				if contains(v11EpochHandlers, h) && s.v11 == "" {
					s.v11 = "the epoch_processing handler " + h
				}
			}
			if m, _ := filepath.Glob(filepath.Join(root, p, f, "genesis", "initialization", "*", "*", "eth1.yaml")); len(m) > 0 && s.v11 == "" {
				s.v11 = "a genesis eth1.yaml"
			}
		}
	}
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		switch name := d.Name(); {
		case strings.HasSuffix(name, ".ssz"):
			s.ssz = true
			return errScanDone
		case strings.HasSuffix(name, ".ssz_snappy"):
			s.snappy = true
			return errScanDone
		}
		return nil
	})
	return s
}
