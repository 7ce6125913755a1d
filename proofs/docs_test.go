package proofs

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/beaconcheck/beaconcheck/spec"
)

// docs/proofs.md is what the code generates (go generate ./proofs): a document that can
// drift from the lemmas will.
func TestDocsUpToDate(t *testing.T) {
	if !slices.Equal(DocConfigs, spec.PresetNames()) {
		t.Fatalf("DocConfigs %v, presets %v", DocConfigs, spec.PresetNames())
	}
	var cfgs []*spec.Config
	var results [][]Result
	for _, name := range DocConfigs {
		cfgs = append(cfgs, spec.MustPreset(name))
		results = append(results, checkPreset(t, name))
	}
	want := render(cfgs, results)
	got, err := os.ReadFile("../docs/proofs.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/proofs.md is not what the code generates: run go generate ./proofs")
	}
}
