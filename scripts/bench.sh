#!/usr/bin/env bash
# bench.sh: runs the benchmarks that compare earshot's parts with a baseline
# in the same run, and writes docs/benchmarks.md (machine, Go version, date,
# commands, raw output and ratios). BENCHTIME overrides the iteration count.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/benchmarks.md
bt=${BENCHTIME:-10x}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # name package pattern
  local name=$1 pkg=$2 pat=$3
  echo "== $name" >&2
  echo "go test -run '^\$' -bench '$pat' -benchtime $bt -benchmem $pkg" > "$tmp/$name.cmd"
  go test -run '^$' -bench "$pat" -benchtime "$bt" -benchmem "$pkg" > "$tmp/$name.txt" 2>&1 || true
}

run lexicon ./lexicon/ 'BenchmarkMatch'
run phonetic ./lexicon/phonetic/ .
run resample ./ingest/resample/ .
run ring ./ingest/ring/ .
run natsink ./alerter/natsink/ .
run whip ./ingest/whip/ .
run sphinx ./transcript/sphinx/ .

# ratios: for each lexicon group, the engine against naive bleve and pure Aho-Corasick.
ratios() {
  awk '/^BenchmarkMatch/ {
      split($1, p, "/"); key = p[2] "/" p[3]; kind = p[4]; sub(/-[0-9]+$/, "", kind)
      ns[key, kind] = $3; keys[key] = 1 }
    END {
      print "| segment set | engine ns/op | naive bleve / engine | engine / Aho-Corasick |"
      print "| --- | --- | --- | --- |"
      for (k in keys) {
        e = ns[k, "engine"]; n = ns[k, "naive-bleve"]; a = ns[k, "aho-corasick"]
        printf "| %s | %d | %s | %s |\n", k, e, (n && e) ? sprintf("%.0fx", n / e) : "not run", (a && e) ? sprintf("%.0fx", e / a) : "-"
      }
    }' "$tmp/lexicon.txt" | sort
}

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` (scripts/bench.sh). Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs),"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB; $(go version); $(date -u +%Y-%m-%dT%H:%MZ). Shared machines are noisy:"
  echo "compare ratios within one run, not absolute numbers across runs."
  echo
  echo "## Lexicon matcher: ours against the naive way and pure Aho-Corasick"
  echo
  echo "16 segments per op. The naive way is one bleve query per rule per segment (capped at 1,000"
  echo "rules); Aho-Corasick matches the same literal phrases exactly, with none of the pinyin, stem,"
  echo "phonetic, slop, exception or guard work, so it is a lower bound, not a peer."
  echo
  ratios
  for name in lexicon phonetic resample ring natsink whip sphinx; do
    echo
    echo "## $name"
    echo
    echo '```'
    echo "\$ $(cat "$tmp/$name.cmd")"
    grep -E '^(Benchmark|ok|FAIL|PASS|cpu:)' "$tmp/$name.txt" || echo "(no output)"
    echo '```'
  done
} > "$out"
echo "wrote $out" >&2
