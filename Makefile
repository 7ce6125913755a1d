# beaconcheck: the two commands of the README are `make report` and `make test`.
# Both fetch what they need on first use: the official test vectors (npm) and z3 (apt-get).

GO        ?= go
BIN       := bin/beaconcheck
FUZZTIME  ?= 30s
FUZZMINIMIZE ?= 1s
PROPRUNS  ?= 200
# make mutation MUTATIONFLAGS=-mainnet: the mainnet vectors too (layers a and b; much longer)
MUTATIONFLAGS ?=

.PHONY: all build test report mutation spec-tests tools vet fmt-check docs-check fuzz bench bench-report clean help

all: build

help:
	@echo "make report      bounds and plots, the lemmas (z3), a quick property campaign and the official vectors"
	@echo "make test        vectors and z3 if missing, gofmt/vet, generated docs current, go test ./..., spectest --checked"
	@echo "make spec-tests  download and extract the official v0.12.3 Phase 0 vectors into .cache/"
	@echo "make tools       install z3 if missing (apt-get on Debian; otherwise says what to install)"
	@echo "make fuzz        run every fuzz target (SSZ decoders, state transition, config loader) for FUZZTIME each (default $(FUZZTIME)) and print execs per target"
	@echo "make bench       run the benchmarks"
	@echo "make bench-report  the hash-cache and replay benchmarks beside main before the cache (8dbb5f0), in turns; a table (long)"
	@echo "make mutation    the mutation programme: every mutant through vectors, contracts, properties; writes docs/mutation.md (long)"

build:
	$(GO) build -o $(BIN) ./cmd/beaconcheck

spec-tests:
	@scripts/fetch-spec-tests.sh

tools:
	@scripts/ensure-z3.sh

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# The documents and plots in docs/ are generated from the code; regenerating them must
# change nothing.
docs-check:
	@echo "== go generate ./... (docs/contracts.md, docs/bounds.md, docs/proofs.md, docs/img)"
	$(GO) generate ./...
	@if [ -n "$$(git status --porcelain -- docs)" ]; then \
		echo "docs/ is not what the code generates; run 'go generate ./...' and commit:"; git status --short -- docs; exit 1; fi

test: spec-tests tools fmt-check vet docs-check build
	@echo "== go test ./... (unit, property, proof, mutation and conformance tests; vectors in .cache/)"
	$(GO) test -count=1 -timeout 30m ./...
	@echo "== beaconcheck spectest --preset all --checked (every Phase 0 case of the official v0.12.3 vectors, contracts on)"
	$(BIN) spectest --preset all --checked

report: spec-tests tools build
	@echo "== committee-size bound analysis (mainnet, then minimal), plots in docs/img, the runtime-error catalogue"
	$(BIN) bounds --preset mainnet --plots docs/img --grid 4194355
	$(BIN) bounds --preset minimal
	$(BIN) bounds catalogue --preset mainnet
	@echo "== machine-checked lemmas (z3)"
	$(BIN) prove --preset mainnet
	$(BIN) prove --preset minimal
	@echo "== a quick property campaign ($(PROPRUNS) runs each; 'make report PROPRUNS=10000' for a long one)"
	$(BIN) props --runs $(PROPRUNS) --seed 1
	@echo "== official vectors"
	$(BIN) spectest --preset all

# The mutation programme (internal/mutantcheck): long (an hour or more on two cores), so not
# part of make test, which checks that every mutant still applies and compiles, that the
# list in docs/mutation.md is the code's, and kills a quick subset.
mutation: spec-tests
	nice -n 10 $(GO) run ./internal/mutantcheck -programme -out docs/mutation.md $(MUTATIONFLAGS)

fuzz:
	@GO=$(GO) scripts/fuzz.sh $(FUZZTIME) $(FUZZMINIMIZE)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

bench-report:
	@GO=$(GO) scripts/bench-report.sh

clean:
	rm -rf bin
