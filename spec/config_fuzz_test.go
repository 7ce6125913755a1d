package spec

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParseConfig: whatever the bytes, the config loader does not panic; it returns a
// config that passes Validate and survives a round trip through its YAML, or a
// *ConfigError.
func FuzzParseConfig(f *testing.F) {
	for _, rel := range Releases() {
		for _, name := range PresetNames() {
			data, err := presetFS.ReadFile("presets/" + rel + "/" + name + ".yaml")
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("SLOTS_PER_EPOCH: 0x20\nTARGET_COMMITTEE_SIZE: 18446744073709551615\n"))
	f.Add([]byte("MAX_ATTESTATIONS: 137438953473\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig("fuzz.yaml", data)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *ConfigError: %v", err, err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("accepted a config Validate rejects: %v", err)
		}
		again, err := ParseConfig("again.yaml", []byte(cfg.YAML()))
		if err != nil {
			t.Fatalf("its own YAML does not load: %v\n%s", err, cfg.YAML())
		}
		again.Source, cfg.Source = "", ""
		if !reflect.DeepEqual(again, cfg) {
			t.Fatalf("YAML round trip changed the config:\n%+v\n%+v", cfg, again)
		}
	})
}
