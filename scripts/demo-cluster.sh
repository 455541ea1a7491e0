#!/usr/bin/env bash
# demo-cluster.sh: earshot scaled out on this machine. Starts a 3-server NATS
# JetStream cluster (nats-server built from go.mod, operator mode trusting the
# demo's keys, R3 streams), two `--roles ingest,scan` workers, one index and
# one api node; streams the sample broadcast's lines into 4 rooms; shows the
# anchor's reminders and `earshot cluster status`; then kill -9s one worker
# and one NATS server, shows the partitions moving, streams more, and checks
# that every alert sent is in the log exactly once. Stops all it started.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin/earshot}
NATSD=${NATSD:-bin/nats-server}
BASE=${EARSHOT_DEMO_PORT:-18400}    # NATS clients BASE+1..3, routes BASE+11..13, HTTP BASE+21..24
ROOMS=(shop1 shop2 shop3 shop4)
WORK=$(mktemp -d /tmp/earshot-demo-cluster.XXXXXX)
declare -A PID=()

cleanup() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done
  fi
  for name in "${!PID[@]}"; do kill "${PID[$name]}" 2>/dev/null || true; done
  for name in "${!PID[@]}"; do wait "${PID[$name]}" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# poll DESC SECONDS CMD...: run CMD until it succeeds or the deadline passes.
poll() {
  local desc=$1 secs=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $end ]; then echo "demo-cluster: timed out after ${secs}s waiting for $desc" >&2; exit 1; fi
    sleep 0.2
  done
}

[ -x "$NATSD" ] || go build -o "$NATSD" github.com/nats-io/nats-server/v2
[ -x "$BIN" ] || go build -o "$BIN" ./cmd/earshot

echo "== keys: one earshot serve on a fresh data dir creates them; every node gets a copy of keys/"
KEYS=$WORK/keys-origin
"$BIN" serve --data "$KEYS" --http 127.0.0.1:$((BASE + 29)) --nats 127.0.0.1:$((BASE + 9)) --log-level error --console-token-ttl 0 >/dev/null &
PID[keys]=$!
poll "the key-making serve" 30 curl -fsS "http://127.0.0.1:$((BASE + 29))/healthz"
kill "${PID[keys]}"; wait "${PID[keys]}" 2>/dev/null || true; unset 'PID[keys]'
"$BIN" creds --data "$KEYS" --role service --name demo-cluster --out "$WORK/service.creds" 2>/dev/null
go run scripts/natsconf/main.go "$KEYS" > "$WORK/trust.conf"

echo "== 3 NATS servers (JetStream, cluster 'earshot', operator mode) on 127.0.0.1:$((BASE + 1))-$((BASE + 3))"
URLS=""
for i in 1 2 3; do
  routes=""
  for j in 1 2 3; do [ "$j" = "$i" ] || routes+="nats-route://127.0.0.1:$((BASE + 10 + j)),"; done
  cat > "$WORK/n$i.conf" <<CONF
server_name: n$i
listen: 127.0.0.1:$((BASE + i))
jetstream { store_dir: "$WORK/n$i", max_file_store: 4G, max_memory_store: 64M }
cluster { name: earshot, listen: 127.0.0.1:$((BASE + 10 + i)), routes: [${routes%,}] }
CONF
  cat "$WORK/trust.conf" >> "$WORK/n$i.conf"
  "$NATSD" -c "$WORK/n$i.conf" > "$WORK/n$i.log" 2>&1 &
  PID[n$i]=$!
  URLS+="nats://127.0.0.1:$((BASE + i)),"
done
URLS=${URLS%,}
status() { "$BIN" cluster status --nats-url "$URLS" --nats-creds "$WORK/service.creds" "$@"; }
poll "JetStream on the NATS cluster" 60 status

# R3 streams, each bounded small: JetStream places a stream only where its
# max_bytes fits into a server's max_file_store.
cat > "$WORK/earshot.yaml" <<YAML
cluster: { replicas: 3, max_bytes: 64MiB }
alerts: { max_bytes: 64MiB, dispositions_max_bytes: 16MiB }
lexicon: { max_bytes: 16MiB }
YAML
node() { # node NAME HTTP_PORT ROLES
  local name=$1 port=$2 roles=$3
  mkdir -p "$WORK/$name"
  cp -a "$KEYS/keys" "$WORK/$name/keys"
  "$BIN" serve --config "$WORK/earshot.yaml" --data "$WORK/$name" --http "127.0.0.1:$port" --roles "$roles" \
    --nats-url "$URLS" --nats-creds "$WORK/service.creds" --log-level warn --console-token-ttl 0 \
    > "$WORK/$name.log" 2>&1 &
  PID[$name]=$!
  # Only the api role serves HTTP; a node prints its addresses once it is up.
  poll "$name to start" 60 grep -q 'NATS on' "$WORK/$name.log"
  if [ "$roles" = api ]; then poll "$name ready (GET /readyz)" 30 curl -fsS "http://127.0.0.1:$port/readyz"; fi
  printf '   %-9s %-12s pid %s\n' "$name" "$roles" "${PID[$name]}"
}
# One after another: nodes that create the R3 streams at the same moment
# time out on the cluster's stream API (see the report of issue 11).
echo "== earshot nodes, each started when the previous one is ready"
node api-1    $((BASE + 24)) api
node index-1  $((BASE + 23)) index
node worker-1 $((BASE + 21)) ingest,scan
node worker-2 $((BASE + 22)) ingest,scan
API=http://127.0.0.1:$((BASE + 24))

token() { "$BIN" token --data "$KEYS" "$@" 2>/dev/null; }
INGEST=$(token --role ingest --subject demo-platform)
STAFF=$(token --role compliance --subject demo-compliance)

# The sample broadcast (LINES), shared with the other demo.
. "$(dirname "$0")/sample-lines.sh"
SENT=0
# stream ROOM ROUND: posts the broadcast line by line (a platform's ASR finals)
# through the api node, which publishes them to earshot.utt.ROOM; prints the
# alerts the scanner stored and adds them to SENT.
stream() {
  local room=$1 round=$2 n=0 line text out
  local t=$((round * 100000))
  for line in "${LINES[@]}"; do
    text=${line#*|}
    out=$(curl -fsS -X POST -H "Authorization: Bearer $INGEST" -H 'Content-Type: application/json' \
      --data "[{\"text\":\"$text\",\"start_ms\":$t,\"end_ms\":$((t + 3000))}]" \
      "$API/v1/rooms/$room/utterances?anchor=anchor-$room")
    t=$((t + 4000))
    n=$(($(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["alerts"]))' <<<"$out") + n))
  done
  SENT=$((SENT + n))
  printf '   %s round %s: %d alerts\n' "$room" "$round" "$n"
}

echo "== the anchor of ${ROOMS[0]} watches its reminders (earshot watch, anchor creds: may read earshot.room.${ROOMS[0]}.reminder only)"
"$BIN" creds --data "$KEYS" --room "${ROOMS[0]}" --out "$WORK/anchor.creds" 2>/dev/null
"$BIN" watch --nats-url "$URLS" --nats-creds "$WORK/anchor.creds" --room "${ROOMS[0]}" > "$WORK/watch.out" 2>&1 &
PID[watch]=$!
poll "the anchor's subscription" 10 test -n "$(jobs -p)"

echo "== streaming the sample broadcast into ${ROOMS[*]}"
for r in "${ROOMS[@]}"; do stream "$r" 1; done
poll "reminders at the anchor" 10 grep -q . "$WORK/watch.out"
sed 's/^/   anchor> /' "$WORK/watch.out"

echo "== earshot cluster status"
status | sed 's/^/   /'

echo "== kill -9 worker-1 and NATS server n1"
KILLED=${PID[worker-1]}
kill -9 "${PID[worker-1]}" "${PID[n1]}"
wait "${PID[worker-1]}" "${PID[n1]}" 2>/dev/null || true
unset 'PID[worker-1]' 'PID[n1]'
T0=$SECONDS
# Moved: every partition held again, by the live scanner only (cluster.partitions 8).
moved() { status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
held = sum(len(n.get("partitions") or []) for n in s["nodes"])
dead = [n for n in s["nodes"] if n["holder"].endswith("-%s" % sys.argv[1]) or ("-%s-" % sys.argv[1]) in n["holder"]]
sys.exit(0 if held == 8 and not s.get("unowned_partitions") and not dead else 1)' "$KILLED"; }
poll "worker-2 to take over worker-1's partitions" 30 moved
echo "   partitions moved after $((SECONDS - T0)) s"
status | sed 's/^/   /'

echo "== streaming more (round 2) with one worker and two NATS servers"
for r in "${ROOMS[@]}"; do stream "$r" 2; done

echo "== every alert in the log once (GET /v1/alerts on the api node)"
count() {
  curl -fsS -H "Authorization: Bearer $STAFF" "$API/v1/alerts?limit=1000" | python3 -c '
import json, sys
ids = [a["id"] for a in json.load(sys.stdin)["alerts"]]
print(len(ids), len(set(ids)))'
}
read -r stored distinct < <(count)
echo "   alerts returned to the posts: $SENT; in the log: $stored ($distinct distinct ids)"
if [ "$stored" != "$SENT" ] || [ "$distinct" != "$SENT" ]; then
  echo "demo-cluster: FAIL: the log does not hold each alert exactly once" >&2
  exit 1
fi
echo "== done: no alert lost, none stored twice"
