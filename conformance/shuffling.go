package conformance

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/beaconcheck/beaconcheck/spec"
)

// The shuffling runner: mapping.yaml gives a seed, a count and the mapping with
// mapping[i] = compute_shuffled_index(i, count, seed). Both the plain per-index function and
// the whole-list shuffle the committees use must reproduce it.
func init() {
	registerRunner("shuffling", &runnerDef{handlers: map[string]handlerFunc{"core": runShuffling}})
}

func runShuffling(c *Case) error {
	if _, err := c.files(map[string]bool{"mapping.yaml": true}); err != nil {
		return err
	}
	var m struct {
		Seed    string   `yaml:"seed"`
		Count   uint64   `yaml:"count"`
		Mapping []uint64 `yaml:"mapping"`
	}
	if err := c.decodeYAML("mapping.yaml", &m); err != nil {
		return err
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(m.Seed, "0x"))
	if err != nil || len(raw) != 32 {
		return fmt.Errorf("mapping.yaml: seed %q is not 32 bytes of hex", m.Seed)
	}
	if uint64(len(m.Mapping)) != m.Count {
		return fmt.Errorf("mapping.yaml: %d mappings for count %d", len(m.Mapping), m.Count)
	}
	var seed spec.Root
	copy(seed[:], raw)
	identity := make([]spec.ValidatorIndex, m.Count)
	for i := range identity {
		identity[i] = spec.ValidatorIndex(i)
	}
	whole := c.Config.ShuffleList(identity, seed)
	for i := uint64(0); i < m.Count; i++ {
		got, err := c.Config.ComputeShuffledIndex(i, m.Count, seed)
		if err != nil {
			return err
		}
		if got != m.Mapping[i] {
			return fmt.Errorf("compute_shuffled_index(%d, %d) = %d, want %d", i, m.Count, got, m.Mapping[i])
		}
		if uint64(whole[i]) != m.Mapping[i] {
			return fmt.Errorf("whole-list shuffle position %d = %d, want %d", i, whole[i], m.Mapping[i])
		}
	}
	return nil
}
