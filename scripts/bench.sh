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
run webrtcaudio ./ingest/internal/webrtcaudio/ . "$(pick 250x)"
run ffmpeg ./ingest/ffmpeg/ . "$(pick 5x)"
run rooms ./rooms/ BenchmarkLiveRooms "$(pick 3x)"
run metrics ./internal/app/ BenchmarkScrape "$(pick 20x)"
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
      for (k in keys) {
        e = ns[k, "engine"]; n = ns[k, "naive-bleve"]; a = ns[k, "aho-corasick"]
        printf "| %s | %d | %s | %s |\n", k, e, (n && e) ? sprintf("%.0fx", n / e) : "not run", (a && e) ? sprintf("%.0fx", e / a) : "-"
      }
    }' "$tmp/lexicon.txt" | sort
}

# value NAME BENCH-REGEX UNIT: the number before UNIT on the first matching line.
value() {
  grep -E "$2" "$tmp/$1.txt" | head -1 | awk -v u="$3" '{ for (i = 2; i <= NF; i++) if ($i == u) { print $(i-1); exit } }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", a / b; else print "n/a" }'; }

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
  echo "| segment set | engine ns/op | naive bleve / engine | engine / Aho-Corasick |"
  echo "| --- | --- | --- | --- |"
  ratios
  echo
  echo "## Side by side, in this run"
  echo
  echo "| what | ours | baseline | ratio |"
  echo "| --- | --- | --- | --- |"
  js=$(value natsink 'Send/jetstream' ns/op); core=$(value natsink 'Send/core' ns/op)
  echo "| alert Send: JetStream (stored, acked) vs core NATS publish | ${js} ns | ${core} ns | $(ratio "$js" "$core") slower, the price of durability |"
  sinc=$(value resample 'sinc/48000' ns/frame); lin=$(value resample 'linear/48000' ns/frame)
  echo "| resample 48 kHz stereo: windowed sinc vs linear interpolation | ${sinc} ns/frame | ${lin} ns/frame | $(ratio "$sinc" "$lin") slower, for a real anti-alias filter |"
  echo "| lifecycle: publish to active on 3 workers p50 / p99 | $(value lifecycle PublishToActive p50-ms) / $(value lifecycle PublishToActive p99-ms) ms | goal 1000 ms | |"
  echo "| backtest at 1,000 / 10,000 rules | $(value backtest 1kRules utterances/s) / $(value backtest 10kRules utterances/s) utterances/s | | |"
  echo "| transcript search at 100k utterances p50 / p99 | $(value store-search Search p50-ms) / $(value store-search Search p99-ms) ms | | |"
  echo "| transcript indexing | $(value store-index Index utterances/s) utterances/s | | |"
  echo "| PocketSphinx decode | $(value sphinx BenchmarkDecode rtf) x real time | | |"
  echo "| live room, no-op recognizer, 1,000 rooms | $(value rooms 'rooms=1000/evidence=0s' cpu-ns/room-s) CPU ns per room-second | | |"
  echo "| WHIP, 100 sessions: CPU per session, ingest latency p50 / p99 | $(value whip 'Sessions/100' cpu%/session) % / $(value whip 'Sessions/100' p50-ms) / $(value whip 'Sessions/100' p99-ms) ms | | |"
  echo "| /metrics scrape at 100 / 3,000 live rooms | $(value metrics 'rooms=100-' bytes/scrape) / $(value metrics 'rooms=3000-' bytes/scrape) bytes | 596,896 bytes at 3,000 rooms with per-room series | |"
  echo
  echo "Earlier, annotated runs with the reasoning behind each benchmark: docs/bench-lexicon.txt,"
  echo "docs/bench-lexicon-lifecycle.txt, docs/bench-rooms.txt, docs/bench-store.txt, docs/bench-whip.txt,"
  echo "ingest/BENCHMARKS.md, alerter/natsink/BENCHMARKS.md."
  for name in lexicon phonetic backtest lifecycle resample ring wavfile whip webrtcaudio ffmpeg rooms metrics natsink sphinx store-index store-search; do
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
