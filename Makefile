# beaconcheck: the two commands of the README are `make report` and `make test`.
# Both fetch what they need (the official test vectors) on first use.

GO        ?= go
BIN       := bin/beaconcheck
FUZZTIME  ?= 30s

.PHONY: all build test report spec-tests vet fmt-check fuzz bench clean help

all: build

help:
	@echo "make report      build, fetch vectors, run the official vectors and the bound analysis (plots in docs/img)"
	@echo "make test        fetch vectors, gofmt/vet, go test ./..., and beaconcheck spectest on the vectors"
	@echo "make spec-tests  download and extract the official v0.12.3 Phase 0 vectors into .cache/"
	@echo "make fuzz        run every SSZ decoder fuzz target for FUZZTIME each (default $(FUZZTIME))"
	@echo "make bench       run the benchmarks"

build:
	$(GO) build -o $(BIN) ./cmd/beaconcheck

spec-tests:
	@scripts/fetch-spec-tests.sh

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test: spec-tests fmt-check vet build
	@echo "== go test ./... (unit, property and conformance tests; vectors in .cache/)"
	$(GO) test -count=1 ./...
	@echo "== beaconcheck spectest --preset all (every Phase 0 case of the official v0.12.3 vectors)"
	$(BIN) spectest --preset all

report: spec-tests build
	@echo "== official vectors"
	$(BIN) spectest --preset all
	@echo "== committee-size bound analysis (mainnet, then minimal) and plots"
	$(BIN) bounds --preset mainnet --plots docs/img --grid 4194355
	$(BIN) bounds --preset minimal

fuzz:
	@for t in $$(grep -ho '^func Fuzz[A-Za-z0-9]*' spec/*_test.go | cut -c6-); do \
		echo "== $$t"; $(GO) test ./spec/ -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
