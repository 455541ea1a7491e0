#!/usr/bin/env bash
# fuzz.sh [DURATION [PACKAGES...]]: runs every fuzz target (every
# `func FuzzX` in a _test.go file, so a new target needs no entry here) of
# the module, or of the given package patterns, for DURATION each (30s).
# Inputs that fail are written by `go test` under the package's
# testdata/fuzz/FuzzX and should be committed with the fix.
#
# FUZZ_MINIMIZE (default 5s) bounds the minimization of each new
# interesting input: go test's default, 60s, stalls targets whose single
# execution is slower (FuzzOffer runs pion) for most of a short run.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-30s}
shift || true
min=${FUZZ_MINIMIZE:-5s}
for pkg in $(go list "${@:-./...}"); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/func //'); do
    echo "== $pkg $target ($dur)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$dur" -fuzzminimizetime "$min" "$pkg"
  done
done
