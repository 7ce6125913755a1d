#!/usr/bin/env bash
# Makes sure z3 (the SMT solver `beaconcheck prove` and the proofs tests run) is installed.
#
# If z3 is on $PATH (or $BEACONCHECK_Z3 names it), prints its version and exits 0. Otherwise,
# when running as root on Debian or Ubuntu (apt-get available), installs the distribution's
# z3 package; anywhere else, prints what to install and exits 1.
#
# Usage: scripts/ensure-z3.sh      (Makefile-friendly: no prompts, non-zero exit on failure)
set -euo pipefail

z3=${BEACONCHECK_Z3:-z3}

if command -v "$z3" >/dev/null 2>&1; then
  echo "z3: $("$z3" -version)"
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -r /etc/debian_version ]; then
  echo "z3: not found; installing the z3 package with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq z3 >/dev/null
  if command -v "$z3" >/dev/null 2>&1; then
    echo "z3: $("$z3" -version)"
    exit 0
  fi
  echo "z3: apt-get installed the package but '$z3' is still not on PATH" >&2
  exit 1
fi

cat >&2 <<MSG
z3: '$z3' not found. beaconcheck prove and the proofs tests need the z3 SMT solver:
  Debian/Ubuntu:  sudo apt-get install z3   (or run this script as root)
  macOS:          brew install z3
  other:          https://github.com/Z3Prover/z3/releases, then put z3 on PATH
                  (or set BEACONCHECK_Z3 to its path)
MSG
exit 1
