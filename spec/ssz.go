package spec

import (
	"fmt"
	"sort"

	"github.com/beaconcheck/beaconcheck/ssz"
)

// cfgOf returns the configuration a codec carries. The SSZ entry points of this package
// (Marshal, Unmarshal, HashTreeRoot, ...) always pass one; calling the ssz package directly
// on a config-sized container without a *Config is a programming error.
func cfgOf(c ssz.Codec) *Config {
	cfg, ok := c.Context().(*Config)
	if !ok || cfg == nil {
		panic(fmt.Sprintf("spec: SSZ codec context is %T, not *spec.Config: use spec.Marshal, spec.Unmarshal or spec.HashTreeRoot", c.Context()))
	}
	return cfg
}

// Marshal serializes a container with the list limits and vector lengths of cfg.
func Marshal(cfg *Config, obj ssz.Object) ([]byte, error) { return ssz.Marshal(cfg, obj) }

// Unmarshal decodes SSZ bytes into a container with the sizes of cfg.
func Unmarshal(cfg *Config, data []byte, obj ssz.Object) error { return ssz.Unmarshal(cfg, data, obj) }

// HashTreeRoot computes hash_tree_root for a container sized by cfg, without a Model;
// Model.HashTreeRoot is the spec function, with its contract.
//
// A state with a hash cache (EnableHashCache) is hashed through its cache: the same root,
// with only the written paths hashed again.
func HashTreeRoot(cfg *Config, obj ssz.Object) (Root, error) {
	if s, ok := obj.(*BeaconState); ok && s.hashCache() != nil {
		r, err := ssz.HashTreeRootWith(cfg, s, s.hashCache())
		return Root(r), err
	}
	r, err := ssz.HashTreeRoot(cfg, obj)
	return Root(r), err
}

// typeRegistry maps the spec's container names to constructors.
var typeRegistry = map[string]func() ssz.Object{
	"Fork":                    func() ssz.Object { return new(Fork) },
	"ForkData":                func() ssz.Object { return new(ForkData) },
	"Checkpoint":              func() ssz.Object { return new(Checkpoint) },
	"Validator":               func() ssz.Object { return new(Validator) },
	"AttestationData":         func() ssz.Object { return new(AttestationData) },
	"IndexedAttestation":      func() ssz.Object { return new(IndexedAttestation) },
	"PendingAttestation":      func() ssz.Object { return new(PendingAttestation) },
	"Eth1Data":                func() ssz.Object { return new(Eth1Data) },
	"HistoricalBatch":         func() ssz.Object { return new(HistoricalBatch) },
	"DepositMessage":          func() ssz.Object { return new(DepositMessage) },
	"DepositData":             func() ssz.Object { return new(DepositData) },
	"BeaconBlockHeader":       func() ssz.Object { return new(BeaconBlockHeader) },
	"SigningData":             func() ssz.Object { return new(SigningData) },
	"Eth1Block":               func() ssz.Object { return new(Eth1Block) },
	"ProposerSlashing":        func() ssz.Object { return new(ProposerSlashing) },
	"AttesterSlashing":        func() ssz.Object { return new(AttesterSlashing) },
	"Attestation":             func() ssz.Object { return new(Attestation) },
	"Deposit":                 func() ssz.Object { return new(Deposit) },
	"VoluntaryExit":           func() ssz.Object { return new(VoluntaryExit) },
	"SignedVoluntaryExit":     func() ssz.Object { return new(SignedVoluntaryExit) },
	"BeaconBlockBody":         func() ssz.Object { return new(BeaconBlockBody) },
	"BeaconBlock":             func() ssz.Object { return new(BeaconBlock) },
	"SignedBeaconBlock":       func() ssz.Object { return new(SignedBeaconBlock) },
	"SignedBeaconBlockHeader": func() ssz.Object { return new(SignedBeaconBlockHeader) },
	"BeaconState":             func() ssz.Object { return new(BeaconState) },
	"AggregateAndProof":       func() ssz.Object { return new(AggregateAndProof) },
	"SignedAggregateAndProof": func() ssz.Object { return new(SignedAggregateAndProof) },
}

// NewObject returns a new zero container of the named spec type (e.g. "BeaconState").
func NewObject(typeName string) (ssz.Object, error) {
	mk, ok := typeRegistry[typeName]
	if !ok {
		return nil, fmt.Errorf("unknown container type %q (known: %v)", typeName, TypeNames())
	}
	return mk(), nil
}

// TypeNames lists the Phase 0 container types, sorted.
func TypeNames() []string {
	names := make([]string, 0, len(typeRegistry))
	for n := range typeRegistry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
