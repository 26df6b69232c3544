#!/usr/bin/env bash
# The live wallboard's latency at COUNT tickets: load them (reports_load.py),
# then wrk GET /api/v2/hd/reports/live through the gateway at c=1 (one
# request at a time: the latency a screen sees) and c=16, and add the rows
# to results.json (reports_live.py, after report.py has written it).
#   usage: tests/bench/reports_live.sh PORT OUT_DIR COUNT   (HD_AUTH set)
set -euo pipefail
PORT=${1:?PORT}; OUT=${2:?OUT_DIR}; COUNT=${3:?COUNT}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# The growth phase may already have loaded tickets: top up to COUNT only.
have=$(curl -fsS -H "Authorization: $HD_AUTH" "http://127.0.0.1:$PORT/api/v2/tickets/count.json" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["count"]["value"])' 2>/dev/null || echo 0)
if [ "$have" -lt "$COUNT" ]; then
  python3 "$ROOT/tests/bench/reports_load.py" "$PORT" "$((COUNT - have))"
fi
COUNT=$(( have > COUNT ? have : COUNT ))
: >"$OUT/reports_live.tsv"
tmp=$(mktemp --suffix=.lua)
cat "$ROOT/tests/bench/get.lua" "$ROOT/tests/bench/report.lua" >"$tmp"
for c in 1 16; do
  line=$(wrk -t1 -c"$c" -d"${BENCH_DURATION:-5s}" -s "$tmp" \
    "http://127.0.0.1:$PORT/api/v2/hd/reports/live" | grep '^BENCH')
  echo "reports_live $c $COUNT $line" >>"$OUT/reports_live.tsv"
  echo "  reports_live c=$c at $COUNT tickets: $line"
done
rm -f "$tmp"
