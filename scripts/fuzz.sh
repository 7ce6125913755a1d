#!/usr/bin/env bash
# Run every Go fuzz target of the module for FUZZTIME each, and print the execs per target.
#
#   scripts/fuzz.sh [FUZZTIME [MINIMIZETIME]]     (defaults 30s and 1s)
#
# -fuzzminimizetime is kept small: with Go's default (60s per new input) a run spends nearly
# all its time minimising. The toolchain sometimes ends a healthy run with "context deadline
# exceeded" (a race in the fuzz coordinator at the -fuzztime deadline, go.dev/issue/75804,
# fixed in Go 1.27): it prints "--- FAIL: FuzzX" and "context deadline exceeded" but writes
# no failing input. Such a run is retried, at most twice, and not counted as a failure. A
# target that finds something (a "Failing input written to" line, a panic, or a failure
# without the deadline message) fails the whole run, after the other targets have run.
set -uo pipefail
fuzztime=${1:-30s}
minimize=${2:-1s}
go=${GO:-go}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

targets=()
for f in $(git ls-files '*_test.go' 2>/dev/null || find . -name '*_test.go' -not -path './.cache/*'); do
	for t in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$f" | cut -c6-); do
		targets+=("./$(dirname "$f") $t")
	done
done

# deadline_flake LOG: the run failed only with the coordinator's deadline race.
deadline_flake() {
	grep -q 'context deadline exceeded' "$1" && ! grep -qE 'Failing input written to|panic:' "$1"
}

results=()
failed=0
for entry in "${targets[@]}"; do
	pkg=${entry% *}
	t=${entry#* }
	for attempt in 1 2 3; do
		echo "== $pkg $t (fuzztime $fuzztime, attempt $attempt)"
		$go test "$pkg" -run '^$' -fuzz "^$t\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		if [ "$rc" -eq 0 ]; then
			break
		fi
		if deadline_flake "$log"; then
			echo "== $t: the toolchain's 'context deadline exceeded' at the end of the run, not a finding; retrying"
			continue
		fi
		break
	done
	last=$(grep -E '^fuzz: elapsed: .*execs: [0-9]+' "$log" | tail -1)
	execs=$(echo "$last" | sed -E 's/.*execs: ([0-9]+).*/\1/')
	elapsed=$(echo "$last" | sed -E 's/^fuzz: elapsed: ([0-9hms]+),.*/\1/')
	if [ "$rc" -eq 0 ]; then
		status=ok
	elif deadline_flake "$log"; then
		status="ok (deadline flake, 3 attempts)"
	else
		status=FAILED
		failed=1
	fi
	results+=("$(printf '%-28s %-7s %12s execs  %s' "$t" "${elapsed:-?}" "${execs:-?}" "$status")")
done

echo
echo "== execs per target (fuzztime $fuzztime, minimize time $minimize)"
printf '%s\n' "${results[@]}"
exit $failed
