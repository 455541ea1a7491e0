#!/usr/bin/env bash
# demo.sh: synthesizes a short sample broadcast (clean talk with a few
# violations), starts `earshot serve` on embedded defaults, streams the sample
# as a live room in real time, and prints each reminder as the anchor's NATS
# subscriber receives it, with its timing.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin/earshot}
HTTP=${EARSHOT_DEMO_HTTP:-127.0.0.1:8080}
NATS=${EARSHOT_DEMO_NATS:-127.0.0.1:4222}
ROOM=${EARSHOT_DEMO_ROOM:-demo}
VOICE=${EARSHOT_DEMO_VOICE:-slt}
WORK=$(mktemp -d /tmp/earshot-demo.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

# The sample broadcast (LINES), shared with the other demo.
. "$(dirname "$0")/sample-lines.sh"

echo "== synthesizing the sample broadcast (flite voice $VOICE)"
parts=()
offset=0
i=0
sox -n -r 16000 -c 1 -b 16 "$WORK/gap.wav" trim 0 1.0
for line in "${LINES[@]}"; do
  kind=${line%%|*}; text=${line#*|}
  flite -voice "$VOICE" -t "$text" -o "$WORK/raw$i.wav"
  sox "$WORK/raw$i.wav" -r 16000 -c 1 -b 16 "$WORK/p$i.wav"
  dur=$(soxi -D "$WORK/p$i.wav")
  end=$(echo "$offset + $dur" | bc -l)
  if [ "$kind" = v ]; then
    printf '   violation at %6.2fs-%6.2fs: %s\n' "$offset" "$end" "$text"
  fi
  parts+=("$WORK/p$i.wav" "$WORK/gap.wav")
  offset=$(echo "$end + 1.0" | bc -l)
  i=$((i + 1))
done
sox "${parts[@]}" "$WORK/sample.wav"
printf '   sample: %.1f s of audio\n' "$(soxi -D "$WORK/sample.wav")"

echo "== starting earshot serve (embedded NATS on $NATS, HTTP on $HTTP)"
"$BIN" serve --data "$WORK/data" --http "$HTTP" --nats "$NATS" --log-level warn > "$WORK/serve.out" &
for _ in $(seq 1 100); do
  curl -fsS "http://$HTTP/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://$HTTP/healthz" >/dev/null
sed 's/^earshot: /   /' "$WORK/serve.out"
# Every route needs a token: the platform's service posts audio with an
# ingest token, the compliance reads use a compliance token.
token() { "$BIN" token --data "$WORK/data" "$@" 2>/dev/null; }
INGEST=$(token --role ingest --subject demo-platform)
STAFF=$(token --role compliance --subject demo-compliance)
echo "   anchor overlay (an OBS browser source): http://$HTTP/overlay/$ROOM#token=$(token --room "$ROOM")"
if [ -t 0 ]; then
  read -r -t 30 -p "   open the console or overlay now; press Enter to start the broadcast (starts in 30 s) " _ || echo
fi

echo "== the anchor's subscriber (earshot.room.$ROOM.reminder, with the room's anchor creds); times are from the start of the stream"
"$BIN" creds --data "$WORK/data" --room "$ROOM" --out "$WORK/anchor.creds" 2>/dev/null
"$BIN" watch --nats-url "nats://$NATS" --nats-creds "$WORK/anchor.creds" --room "$ROOM" &
sleep 0.5

echo "== streaming the sample into room $ROOM in real time"
curl -fsS -X POST -H "Authorization: Bearer $INGEST" -H 'Content-Type: audio/wav' --data-binary "@$WORK/sample.wav" \
  "http://$HTTP/v1/rooms/$ROOM/audio?anchor=demo-anchor" >/dev/null
for _ in $(seq 1 600); do
  state=$(curl -fsS -H "Authorization: Bearer $STAFF" "http://$HTTP/v1/rooms/$ROOM" | sed -n 's/.*"state": "\([a-z]*\)".*/\1/p')
  [ "$state" != live ] && break
  sleep 0.5
done
sleep 1

echo "== alerts stored for compliance staff (GET /v1/alerts?room=$ROOM)"
curl -fsS -H "Authorization: Bearer $STAFF" "http://$HTTP/v1/alerts?room=$ROOM" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["alerts"]:
    print("  %-15s %-22s lexicon v%-3s %-30r clip %s" % (a["category"], a["rule_id"], a.get("lexicon_version", "?"), a["matched_text"], a.get("clip_url", "")))'

echo "== transcript search (GET /v1/transcripts?q=\"lowest price\")"
curl -fsS -G -H "Authorization: Bearer $STAFF" "http://$HTTP/v1/transcripts" --data-urlencode 'q="lowest price"' | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("  %d hit(s)" % r["total"])
for h in r["hits"][:3]:
    print("  [%s %s ms] %s" % (h["room"], h["start_ms"], " ".join(h.get("highlights", {}).get("text", [h["text"]]))))'

echo "== a returning violator: a banned anchor's WeChat id said again by a new anchor in another room"
# The platform posts what its own ASR heard (text), naming each room's
# anchor and merchant; compliance bans the first anchor; the new anchor
# reads the same id out letter by letter. The alert is for staff only: the
# new anchor's overlay hears nothing about it.
say() { curl -fsS -X POST -H "Authorization: Bearer $INGEST" -H 'Content-Type: application/json' \
  "http://$HTTP/v1/rooms/$1/utterances?anchor=$2&merchant=$3" --data "{\"text\": \"$4\", \"start_ms\": 2000, \"end_ms\": 5000}" >/dev/null; }
say shop-old lily-old lily-beauty "家人们加我微信 abc123，私聊有优惠"
echo "   shop-old (anchor lily-old): 家人们加我微信 abc123，私聊有优惠"
curl -fsS -X POST -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' "http://$HTTP/v1/bans" \
  --data '{"anchor": "lily-old", "reason": "sold counterfeit creams (demo case 1)"}' | python3 -c '
import json, sys
b = json.load(sys.stdin)
print("   POST /v1/bans: %s %s banned by %s at %s: %s" % (b["kind"], b["id"], b["by"], b["at"][:19], b["reason"]))'
say shop-new rose-new fresh-store "新号开播，加我V信 a b c 1 2 3 领券"
echo "   shop-new (anchor rose-new): 新号开播，加我V信 a b c 1 2 3 领券"
for _ in $(seq 1 20); do
  out=$(curl -fsS -H "Authorization: Bearer $STAFF" "http://$HTTP/v1/alerts?category=returning-violator" | python3 -c '
import json, sys
for v in json.load(sys.stdin)["alerts"]:
    a = v["alert"] if "alert" in v else v
    for l in a.get("links", []):
        e = l["earlier"]
        print("  returning-violator in %s (anchor %s) said %r: the %s id of banned %s %s (%s; by %s)" % (
            a["room"], a.get("anchor", ""), a["matched_text"], l["identifier_kind"], l["account_kind"], l["account_id"], l["reason"], l["by"]))
        print("    earlier: room %s, %s, %d-%d ms: %s" % (e["room"], e["at"][:19], e["start_ms"], e["end_ms"], e.get("text", "")))
        print("    now:     room %s, %s, %d-%d ms: %s" % (a["room"], a["at"][:19], a["start_ms"], a["end_ms"], a["context"]))')
  [ -n "$out" ] && break
  sleep 0.25
done
[ -n "$out" ] || { echo "   no returning-violator alert" >&2; exit 1; }
echo "$out"
echo "   links view: GET /v1/links?anchor=rose-new (raw identifiers for compliance tokens only)"

if [ -t 0 ]; then
  read -r -p "== the service keeps running for the console and overlay; press Enter to stop " _ || true
fi
echo "== done: 'bin/earshot creds --data DATA --role compliance --out c.creds; make nats-cli && bin/nats sub \"earshot.alert.>\" --creds c.creds --server nats://$NATS' shows the raw alerts, see docs/nats-permissions.md"
