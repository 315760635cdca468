#!/usr/bin/env bash
# serve's figures while posts wait in the outbox: starts `incident-bot serve` on a fresh SQLite
# file, queues ROWS undelivered posts (not due for an hour, across 64 channels), restarts it, and
# runs `wrk` against it with distinct signed slash commands, as ../shared/bench/loadrun.sh does.
# Run it once with ROWS=0 and once with ROWS=100000, on a quiet machine, and compare.
#
# usage: benches/outbox_backlog.sh BOT_BIN [CONNS=8] [SECONDS=5] [ROWS=100000]
# needs: wrk, python3, and the harness in ../shared/bench (or SHARED_BENCH=DIR)
set -euo pipefail
BOT=$1; CONNS=${2:-8}; SECONDS_=${3:-5}; ROWS=${4:-100000}
BENCH=${SHARED_BENCH:-$(cd "$(dirname "$0")/../../shared/bench" && pwd)}
WORK=$(mktemp -d); SECRET=backlogsecret; ADDR=127.0.0.1:3917; API=3918
python3 "$BENCH/standin.py" $API >/dev/null 2>&1 & standin=$!
bot=
trap 'kill $standin ${bot:-} 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
start() {
  SLACK_SIGNING_SECRET=$SECRET SLACK_BOT_TOKEN=xoxb-backlog SLACK_API_URL=http://127.0.0.1:$API/api \
    INCIDENT_BOT_ADDR=$ADDR DATABASE_URL="sqlite://$WORK/bot.db?mode=rwc" RUST_LOG=error \
    "$BOT" serve >>"$WORK/bot.log" 2>&1 & bot=$!
  for _ in $(seq 1 50); do curl -s -o /dev/null -m 1 -X POST "http://$ADDR/slack/commands" && return; sleep 0.1; done
  echo "serve did not start: $(tail -3 "$WORK/bot.log")" >&2; exit 1
}
# A first run makes a real post to copy.
start
python3 "$BENCH/mkwrk_unique.py" $SECRET /slack/commands 1000 Cwarm "$WORK/warm.txt" > "$WORK/warm.lua"
wrk -t1 -c1 -d1s -s "$WORK/warm.lua" "http://$ADDR" >/dev/null
kill -INT $bot; wait $bot || true
python3 - "$WORK/bot.db" "$ROWS" <<'PY'
import sqlite3, sys, time
db, rows = sqlite3.connect(sys.argv[1]), int(sys.argv[2])
columns = [c[1] for c in db.execute("PRAGMA table_info(outbox)") if c[1] != "id"]
post = dict(zip(columns, db.execute(f"SELECT {','.join(columns)} FROM outbox ORDER BY id DESC LIMIT 1").fetchone()))
later = int(time.time() * 1000) + 3_600_000
def queued(i):
    row = dict(post, sent_at_ms=None, message_ref=None, replaces_outbox_id=None, channel=f"Cbacklog{i % 64}", next_attempt_at_ms=later)
    return tuple(row.get(c) for c in columns)
db.executemany(f"INSERT INTO outbox ({','.join(columns)}) VALUES ({','.join('?' * len(columns))})", (queued(i) for i in range(rows)))
db.commit()
print("posts waiting:", db.execute("SELECT COUNT(*) FROM outbox WHERE sent_at_ms IS NULL").fetchone()[0])
PY
start
python3 "$BENCH/mkwrk_unique.py" $SECRET /slack/commands 150000 "C${CONNS}x" "$WORK/r.txt" > "$WORK/r.lua"
wrk -t1 -c"$CONNS" -d"${SECONDS_}s" --latency -s "$WORK/r.lua" "http://$ADDR" > "$WORK/wrk.txt"
latency() { grep -E "^ +$1%" "$WORK/wrk.txt" | tr -s ' ' | cut -d' ' -f3; }
echo "conns $CONNS: $(grep -oE '[0-9.]+$' <<<"$(grep Requests/sec "$WORK/wrk.txt")") req/s, p50 $(latency 50), p99 $(latency 99), non-2xx: $(grep -oE 'Non-2xx or 3xx responses: [0-9]+' "$WORK/wrk.txt" | grep -oE '[0-9]+$' || echo 0)"
