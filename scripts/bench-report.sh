#!/usr/bin/env bash
# bench-report.sh: the hash-cache and replay benchmarks of this checkout beside a baseline
# checkout, run in turns (base, new, base, new, ...) so that a busy machine weighs on both
# alike, and printed as a table. Raw `go test -bench` output goes to .cache/bench/.
#
#   scripts/bench-report.sh [ROUNDS]      (default 2; INSTR=1 adds instruction counts, below)
#
# BASE (default 8dbb5f0, main before the hash cache) is checked out as a detached worktree
# in BASEDIR (default /tmp/perf-base) if it is not there. The baseline has no hash cache, so
# the re-hash benchmark runs in this checkout only, with the cache on and off (off is what
# every root cost before), and so does the first root of a state with a cache. ns/op rows
# give the median and the least of the rounds. BenchmarkColdHashTreeRootMainnet400k is
# copied into the baseline (it uses only what the model had then). The chains of 16,384 and 100,000 validators are
# generated once into the temporary directory by the first replay benchmark run (minutes).
set -euo pipefail
GO=${GO:-go}
ROUNDS=${1:-2}
BASE=${BASE:-8dbb5f0}
BASEDIR=${BASEDIR:-/tmp/perf-base}
NEW=$(cd "$(dirname "$0")/.." && pwd)
OUT=$NEW/.cache/bench
mkdir -p "$OUT"
if [ ! -d "$BASEDIR" ]; then
	git -C "$NEW" worktree add --detach "$BASEDIR" "$BASE" >/dev/null
fi
cp "$NEW/spec/interop/coldroot_bench_test.go" "$BASEDIR/spec/interop/"
# The replay benchmarks (16,384 and 100,000 validators) come from this checkout's
# chain/replay_bench_test.go, which uses only the chain API the baseline has; the baseline's
# own chain/bench_test.go held its 16,384-validator benchmark only, and would define it twice.
cp "$NEW/chain/replay_bench_test.go" "$BASEDIR/chain/"
rm -f "$BASEDIR/chain/bench_test.go"

# run TREE LABEL ROUND: the benchmarks both trees have.
run() {
	local tree=$1 label=$2 round=$3 f=$OUT/$2-$3.txt
	: >"$f"
	(cd "$tree" &&
		$GO test -run '^$' -bench 'ReplayMainnet(16k|100k)/signatures=(batch|off)$' -benchtime 1x -count 1 -timeout 60m ./chain &&
		$GO test -run '^$' -bench 'ColdHashTreeRootMainnet400k|EpochTransitionMainnet400k' -benchtime 3x -count 1 -timeout 60m ./spec/interop) >>"$f" 2>&1
}
for r in $(seq 1 "$ROUNDS"); do
	echo "round $r of $ROUNDS: base ($BASE)" >&2
	run "$BASEDIR" base "$r"
	echo "round $r of $ROUNDS: new" >&2
	run "$NEW" new "$r"
	(cd "$NEW" &&
		$GO test -run '^$' -bench 'RehashAfterOneBalance/.*/cache=on' -benchtime 2000x -count 1 ./spec/interop &&
		$GO test -run '^$' -bench 'RehashAfterOneBalance/.*/cache=off' -benchtime 2x -count 1 ./spec/interop &&
		$GO test -run '^$' -bench 'ColdCachedRootMainnet400k' -benchtime 3x -count 1 ./spec/interop) >"$OUT/rehash-$r.txt" 2>&1
done

# INSTR=1: user-space instruction counts, which a busy machine does not change, of one
# iteration of the cold root (400k) and of the epoch transition (100k: valgrind runs about
# 50x slower), in both trees: cachegrind's instruction count of a run of 2 iterations minus
# that of a run of 1, so the set-up cancels out (the epoch benchmark's untimed state copy
# does not: it is in both trees' figures alike). Go's SHA-256 and gohashtree see no SHA or
# AVX extensions under valgrind and run their generic code, so hashing weighs more than on
# the machine itself.
if [ "${INSTR:-0}" = 1 ]; then
	for tree in base new; do
		dir=$NEW
		[ $tree = base ] && dir=$BASEDIR
		(cd "$dir" && $GO test -c -o "$OUT/$tree-interop.test" ./spec/interop)
	done
	: >"$OUT/instructions.txt"
	for bench in 'ColdHashTreeRootMainnet400k$' 'EpochTransitionMainnet100k$'; do
		for tree in base new; do
			for n in 1 2; do
				valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
					"$OUT/$tree-interop.test" -test.run '^$' -test.bench "$bench" -test.benchtime ${n}x 2>&1 |
					awk -v t=$tree -v b="$bench" -v n=$n '/I *refs/ { gsub(",", "", $4); print b, t, n, $4 }' >>"$OUT/instructions.txt"
			done
		done
	done
fi

# The table: per benchmark, the median over the rounds of ns/op and of blocks/s.
awk -v rounds="$ROUNDS" '
function med(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function least(list,   n, a, i, m) {
	n = split(list, a, " ")
	m = a[1]
	for (i = 2; i <= n; i++) if (a[i] + 0 < m + 0) m = a[i]
	return m
}
function human(ns) {
	if (ns >= 1e9) return sprintf("%.2f s", ns / 1e9)
	if (ns >= 1e6) return sprintf("%.1f ms", ns / 1e6)
	if (ns >= 1e3) return sprintf("%.1f µs", ns / 1e3)
	return sprintf("%d ns", ns)
}
FNR == 1 { split(FILENAME, p, "/"); side = p[length(p)]; sub(/-[0-9]+\.txt$/, "", side) }
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
	if (side == "rehash" && name ~ /\/cache=(on|off)$/) { side2 = name; sub(/\/cache=(on|off)$/, "", side2); c = (name ~ /cache=on$/) ? "new" : "base"; name = side2 }
	else if (side == "rehash") c = "new"
	else c = side
	names[name] = 1
	for (i = 2; i < NF; i++) {
		if ($(i + 1) == "ns/op") ns[name, c] = ns[name, c] " " $i
		if ($(i + 1) == "blocks/s") bps[name, c] = bps[name, c] " " $i
	}
}
END {
	for (n in names) {
		if ((n, "base") in bps && (n, "new") in bps) {
			b = med(bps[n, "base"]); w = med(bps[n, "new"])
			printf "%-58s %10.1f b/s %10.1f b/s %8.2fx\n", n, b, w, w / b
		} else if ((n, "base") in ns && (n, "new") in ns) {
			b = med(ns[n, "base"]); w = med(ns[n, "new"])
			bm = least(ns[n, "base"]); wm = least(ns[n, "new"])
			printf "%-58s %14s %14s %8.3gx   min %s / %s = %.3gx\n", n, human(b), human(w), w / b, human(bm), human(wm), wm / bm
		} else if ((n, "new") in ns) {
			printf "%-58s %14s %14s\n", n, "-", human(med(ns[n, "new"]))
		}
	}
}' "$OUT"/base-*.txt "$OUT"/new-*.txt "$OUT"/rehash-*.txt | sort >"$OUT/rows.txt"
{
	printf "%-58s %14s %14s %9s\n" "benchmark (median of $ROUNDS rounds)" base new new/base
	cat "$OUT/rows.txt"
	echo "RehashAfterOneBalance rows: base is this checkout with the cache off (what every root cost before the cache)"
	echo "ColdCachedRootMainnet400k: this checkout's first root of a state with a hash cache (it builds the trees)"
	if [ -s "$OUT/instructions.txt" ]; then
		echo "instructions of one iteration (valgrind cachegrind, 2 iterations minus 1):"
		awk '{ i[$1, $2, $3] = $4; b[$1] = 1 }
			END { for (k in b) { x = i[k, "base", 2] - i[k, "base", 1]; y = i[k, "new", 2] - i[k, "new", 1]
				printf "  %-34s base %.3f G  new %.3f G  %.3fx\n", k, x / 1e9, y / 1e9, y / x } }' "$OUT/instructions.txt"
	fi
} >"$OUT/table.txt"
cat "$OUT/table.txt"
