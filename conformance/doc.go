// Package conformance runs the official consensus-spec test vectors against the model:
// the v0.12.3 release (.ssz files, a config/phase0.yaml per preset) that `make spec-tests`
// downloads, or any v1.x release directory (.ssz_snappy files).
//
// Every Phase 0 case found is run or reported failed: a runner, handler, case layout or
// file that the package does not know is a failure with a reason, never a silent skip.
// It imports spec and ssz; nothing imports it but the CLI and its tests.
package conformance
