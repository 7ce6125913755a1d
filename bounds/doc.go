// Package bounds finds, by exhaustive analysis over the number of active validators V, the
// values of V at which the Phase 0 spec's committee arithmetic outgrows the SSZ list limits
// it is read against.
//
// The analysis reproduces the committee-size bound of the Consensys Dafny formalisation
// (eth2.0-dafny; "Formal Verification of the Ethereum 2.0 Beacon Chain", part one):
// get_attesting_indices reads bits[i] for every member i of a beacon committee, and bits is
// a Bitlist[MAX_VALIDATORS_PER_COMMITTEE], so a committee longer than
// MAX_VALIDATORS_PER_COMMITTEE makes that read fall off the end of the list. Which
// committees are that long depends on V alone (see committee.go); Scan evaluates every V of
// a range with one of two engines that a test holds equal (Referee, the spec's own
// expressions for every combination, and Fast, a closed form), and derives the thresholds
// (Summary) from what it saw, so no threshold is written into the code.
//
// Files: committee.go holds the per-V committee analysis and its two engines, scan.go the
// parallel scan and the thresholds, csv.go the CSV form, shards and merging, plot.go the
// figures.
//
// Beyond committees, the catalogue (catalogue*.go) lists every runtime-error site of the
// Phase 0 state transition: each uint64 overflow, underflow and division, each list or
// vector index, each bitlist read and each append to a bounded list, with the exact
// threshold where it fails on a config or the invariant under which it cannot, tied by a
// label to the model's code (a test holds the two together). It is rendered to
// docs/bounds.md (CatalogueMarkdown), to JSON (CatalogueJSON), and to a figure per
// threshold (WriteSitePlots).
//
// Imports: among this module's packages, only spec. Nothing in spec (or any package the
// state transition is built from) may import bounds: the analysis reads the model, the model
// never reads the analysis.
package bounds

//go:generate go run ../cmd/beaconcheck bounds --preset mainnet --plots ../docs/img --grid 4194355
//go:generate go run ../internal/gendocs bounds ../docs/bounds.md
