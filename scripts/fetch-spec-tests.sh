#!/usr/bin/env bash
# Obtains the official Phase 0 consensus-spec test vectors (release v0.12.3) and extracts the
# files beaconcheck's runners read into a git-ignored cache.
#
# Source: the npm package @chainsafe/eth2-spec-tests@0.12.3, a byte-for-byte mirror of the
# official consensus-spec-tests v0.12.3 release. `npm pack` exits non-zero on this package
# (its tarball is larger than npm's 4 GiB unpack buffer) *after* writing the tarball, so the
# tarball's sha1 is what we trust, not npm's exit status.
#
# Usage: scripts/fetch-spec-tests.sh [CACHE_DIR]   (default: .cache/spec-tests)
# Result: CACHE_DIR/v0.12.3/tests/{general,minimal,mainnet}/... ready for `beaconcheck spectest`.
set -euo pipefail

pkg="@chainsafe/eth2-spec-tests@0.12.3"
want_sha1="c2b4157a74505423612e4ab48ee0ee8745655dff"
tarball="chainsafe-eth2-spec-tests-0.12.3.tgz"

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-"$root/.cache/spec-tests"}
dest="$cache/v0.12.3"
stamp="$dest/.complete"

if [ -f "$stamp" ]; then
  echo "spec tests: already extracted in $dest"
  exit 0
fi

for tool in npm tar sha1sum; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "spec tests: '$tool' is required (Debian: apt-get install nodejs npm tar coreutils)" >&2
    exit 1
  fi
done

mkdir -p "$cache"
cd "$cache"

have_sha1() { [ -f "$tarball" ] && [ "$(sha1sum "$tarball" | cut -d' ' -f1)" = "$want_sha1" ]; }

if ! have_sha1; then
  rm -f "$tarball"
  echo "spec tests: downloading $pkg with npm pack (about 130 MB; npm reports an error at the end, expected)"
  npm pack "$pkg" --silent >npm-pack.log 2>&1 || true
  if ! have_sha1; then
    echo "spec tests: $tarball missing or its sha1 is not $want_sha1; see $cache/npm-pack.log" >&2
    exit 1
  fi
fi
echo "spec tests: tarball sha1 verified ($want_sha1)"

# Extract only Phase 0 (and the preset-independent 'general' tests and each preset's config).
# Where a case carries both X.ssz and its YAML rendering X.yaml, only X.ssz is read by the
# runners (as the official runners do), so the large YAML twins of states and operations
# are left in the tarball: they account for nearly all of its 4 GB.
tmp="$dest.partial"
rm -rf "$tmp"
mkdir -p "$tmp"
echo "spec tests: extracting Phase 0 files into $dest (takes about a minute)"
tar -xzf "$tarball" -C "$tmp" --strip-components=1 \
  --exclude='*/pre.yaml' --exclude='*/post.yaml' --exclude='*/state.yaml' \
  --exclude='*/genesis.yaml' --exclude='*/block.yaml' --exclude='*/blocks_*.yaml' \
  --exclude='*/deposits_*.yaml' --exclude='*/attestation.yaml' \
  --exclude='*/attester_slashing.yaml' --exclude='*/proposer_slashing.yaml' \
  --exclude='*/deposit.yaml' --exclude='*/voluntary_exit.yaml' --exclude='*_deltas.yaml' \
  --wildcards 'package/tests/general/phase0/*' 'package/tests/minimal/phase0/*' \
  'package/tests/mainnet/phase0/*' 'package/tests/*/config/phase0.yaml'
rm -rf "$dest"
mv "$tmp" "$dest"
date -u +%Y-%m-%dT%H:%M:%SZ >"$stamp"
echo "spec tests: done: $(find "$dest/tests" -type f | wc -l) files, $(du -sh "$dest" | cut -f1) in $dest"
