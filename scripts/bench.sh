#!/usr/bin/env bash
# bench.sh: runs the benchmarks that compare earshot's parts with a baseline
# in the same run, and writes docs/benchmarks.md (machine, Go version, date,
# commands, raw output and ratios). BENCHTIME overrides the iteration count.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/benchmarks.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # name package pattern benchtime
  local name=$1 pkg=$2 pat=$3 bt=${4:-$BT}
  echo "== $name" >&2
  echo "go test -run '^\$' -bench '$pat' -benchtime $bt -benchmem -timeout 30m $pkg" > "$tmp/$name.cmd"
  go test -run '^$' -bench "$pat" -benchtime "$bt" -benchmem -timeout 30m "$pkg" > "$tmp/$name.txt" 2>&1 || true
}

# Each benchmark's own iteration count: some ops are one segment, some are a
# whole 100,000-utterance search run. BENCHTIME overrides them all.
BT=${BENCHTIME:-}
pick() { echo "${BT:-$1}"; }
run lexicon ./lexicon/ 'BenchmarkMatch' "$(pick 10x)"
run phonetic ./lexicon/phonetic/ . "$(pick 20x)"
run backtest ./lexicon/backtest/ . "$(pick 3x)"
run lifecycle ./lexicon/version/ PublishToActive "$(pick 30x)"
run resample ./ingest/resample/ . "$(pick 2000x)"
run ring ./ingest/ring/ . "$(pick 2000x)"
run wavfile ./ingest/wavfile/ . "$(pick 20x)"
run whip ./ingest/whip/ . "$(pick 250x)"
run ffmpeg ./ingest/ffmpeg/ . "$(pick 5x)"
run rooms ./rooms/ BenchmarkLiveRooms "$(pick 3x)"
run natsink ./alerter/natsink/ Send "$(pick 1s)"
run sphinx ./transcript/sphinx/ . "$(pick 3x)"
run store-index ./transcript/store/ BenchmarkIndex "$(pick 20000x)"
run store-search ./transcript/store/ BenchmarkSearch "$(pick 400x)"

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
  echo
  echo "Earlier, annotated runs with the reasoning behind each benchmark: docs/bench-lexicon.txt,"
  echo "docs/bench-lexicon-lifecycle.txt, docs/bench-rooms.txt, docs/bench-store.txt, docs/bench-whip.txt,"
  echo "ingest/BENCHMARKS.md, alerter/natsink/BENCHMARKS.md."
  for name in lexicon phonetic backtest lifecycle resample ring wavfile whip ffmpeg rooms natsink sphinx store-index store-search; do
    echo
    echo "## $name"
    echo
    echo '```'
    echo "\$ $(cat "$tmp/$name.cmd")"
    grep -E '^(Benchmark|ok|FAIL|PASS|cpu:|--- )|^ +[a-z_]+ ' "$tmp/$name.txt" || echo "(no output)"
    echo '```'
  done
} > "$out"
echo "wrote $out" >&2
