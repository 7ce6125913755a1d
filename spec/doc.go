// Package spec is the Phase 0 beacon chain of the Ethereum consensus specification
// (consensus-specs v1.0.0, specs/phase0/beacon-chain.md), written to be read beside the
// Python: one Go function per spec function, named after it (process_attestation is
// ProcessAttestation), with the spec section in its doc comment.
//
// It holds the configuration (Config: embedded mainnet and minimal presets, or any YAML at
// run time), the custom types and containers with their SSZ definitions, and the state
// transition. Every spec function has entry and exit hooks, on which checked mode
// (contract.go) and tracing (trace.go) hang; unchecked and untraced, they cost one test.
// It may import ssz, merkle and spec/bls; the analysis packages (bounds,
// proofs, properties, conformance) import it, never the reverse.
package spec

//go:generate go run ../internal/gendocs contracts ../docs/contracts.md
