#!/usr/bin/env bash
# make bench: measure the suite against a floor measured in the same run.
# The per-user rate limit is lifted: the load comes from one admin.
# Starts a fresh suite on loopback (scripts/run.sh, release build), runs wrk
# with identical settings against the floor (tests/bench/floor.c) and the
# gateway, samples each service's memory, prints one table and writes the
# same figures to build/bench/results.json.
#   usage: tests/bench/run.sh BIN_DIR TOOLS_DIR
set -euo pipefail
BIN=$(cd "${1:?BIN_DIR}" && pwd)
TOOLS=$(cd "${2:?TOOLS_DIR}" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/build/bench
DURATION=${BENCH_DURATION:-5s}
THREADS=${BENCH_WRK_THREADS:-2}
HTTP_THREADS=${HD_HTTP_THREADS:-64}
# BENCH_REUSE=1 keeps build/bench/data from an earlier run: the phases at a
# size that is already there run without loading it again (the 1,000,000-
# ticket load takes tens of minutes), e.g. BENCH_ONLY=scale BENCH_REUSE=1
# BENCH_SIZES=1000000.
[ "${BENCH_REUSE:-}" = 1 ] || rm -rf "$OUT/data"
mkdir -p "$OUT/data"
. "$ROOT/tests/bench/ports.sh"

TOKEN=bench-token-0123456789abcdef
EMAIL=bench@example.com
export HD_AUTH="Basic $(printf '%s/token:%s' "$EMAIL" "$TOKEN" | base64 -w0)"

FLOOR_PORT=$(free_port 8)
"$TOOLS/hd-bench-floor" "$FLOOR_PORT" "$HTTP_THREADS" & FLOOR=$!
PORT=$(free_port 8)
HD_RATE_LIMIT=1000000 HD_DATA=$OUT/data HD_HTTP_PORT=$PORT HD_ADMIN_EMAIL=$EMAIL HD_ADMIN_TOKEN=$TOKEN \
  HD_HTTP_THREADS=$HTTP_THREADS "$ROOT/scripts/run.sh" "$BIN" >"$OUT/run.log" 2>&1 &
SUITE=$!
descendants() { local c; for c in $(ps -o pid= --ppid "$1"); do echo "$c"; descendants "$c"; done; }
# Stop the suite against a deadline: a service stuck in shutdown (nng 1.5.2's
# nng_close can hang) must not keep make bench from ending; name it instead.
cleanup() {
  local pids left
  pids=$(descendants "$SUITE")
  kill -TERM "$SUITE" "$FLOOR" 2>/dev/null || true
  for _ in $(seq 200); do
    left=$(for p in $pids; do kill -0 "$p" 2>/dev/null && echo "$p"; done) || true
    [ -z "$left" ] && break
    sleep 0.1
  done
  for p in $left; do
    echo "bench: $(cat "/proc/$p/comm" 2>/dev/null) (pid $p) did not stop in 20 s; killed" >&2
    kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do grep -q "Press Ctrl-C" "$OUT/run.log" 2>/dev/null && break; sleep 0.1; done
for _ in $(seq 50); do
  curl -fsS -H "Authorization: $HD_AUTH" "http://127.0.0.1:$PORT/api/v2/users/me" >/dev/null 2>&1 && break
  sleep 0.1
done
if ! curl -fsS -H "Authorization: $HD_AUTH" "http://127.0.0.1:$PORT/api/v2/users/me" >/dev/null; then
  echo "bench: the suite did not come up; see $OUT/data/*.log" >&2
  tail -5 "$OUT"/data/*.log >&2
  exit 1
fi
# The RPC tools (hd-bench-e2e, hd-kb-load) read the suite's cluster key there.
export HD_DATA=$OUT/data

# wrk NAME CONNS URL SCRIPT → appends "NAME rps p50 p99 errors" to results.tsv
wrk_run() {
  local name=$1 conns=$2 url=$3 script=$4 tmp
  tmp=$(mktemp --suffix=.lua)
  cat "$ROOT/tests/bench/prelude.lua" "$ROOT/tests/bench/$script" \
    "$ROOT/tests/bench/report.lua" >"$tmp"
  local line
  line=$(wrk -t"$THREADS" -c"$conns" -d"$DURATION" -s "$tmp" "$url" | grep '^BENCH')
  rm -f "$tmp"
  echo "$name $conns $line" >>"$OUT/results.tsv"
  echo "  $name c=$conns: $line"
}

# rss PHASE → appends memory lines per service: anonymous and file-backed
# (LMDB's pages) resident, VmRSS and its peak VmHWM, kB
rss() {
  for svc in gateway intake routing knowledge notifications metrics; do
    local pid="" p
    # by executable path: pgrep -f missed live services under load
    for p in /proc/[0-9]*; do
      [ "$(readlink "$p/exe" 2>/dev/null)" = "$BIN/hd-$svc" ] && { pid=${p#/proc/}; break; }
    done
    [ -n "$pid" ] || { echo "bench: hd-$svc is not running" >&2; continue; }
    awk -v s="$svc" -v p="$1" '/^RssAnon|^RssFile|^VmRSS|^VmHWM/ {v[$1]=$2}
      END {print "MEM", s, p, v["RssAnon:"], v["RssFile:"], v["VmRSS:"], v["VmHWM:"]}' \
      "/proc/$pid/status" >>"$OUT/results.tsv"
  done
}

: >"$OUT/results.tsv"
echo "Hana Desk bench: wrk -t$THREADS, $DURATION per run, gateway and floor with $HTTP_THREADS HTTP threads"
sleep 1
rss idle
# BENCH_ONLY=search: only the floor, the growth to each size and issue
# #15's search and list phases there (search_list_at in growth.sh).
if [ "${BENCH_ONLY:-}" = search ]; then
  . "$ROOT/tests/bench/growth.sh"
  for c in 2 16; do
    wrk_run floor_get "$c" "http://127.0.0.1:$FLOOR_PORT/api/v2/tickets/256.json" get.lua
  done
  for n in ${BENCH_SIZES:-100000}; do
    label=$((n / 1000))k
    grow_to "$n" "$label"
    search_list_at "$label"
  done
  python3 "$ROOT/tests/bench/report.py" "$OUT/results.tsv" "$OUT/results.json"
  exit 0
fi
# BENCH_ONLY=scale: only the floor, the growth to each size (by hd-import
# from BENCH_GROW_IMPORT_MIN on) and the create, search, list and view
# phases there, with store sizes and memory at each size — BENCH_SCALE=full
# BENCH_ONLY=scale is issue #15's 1,000,000-ticket run without the rest.
if [ "${BENCH_ONLY:-}" = scale ]; then
  . "$ROOT/tests/bench/growth.sh"
  for c in 2 16; do
    wrk_run floor_get "$c" "http://127.0.0.1:$FLOOR_PORT/api/v2/tickets/256.json" get.lua
  done
  wrk_run floor_post 16 "http://127.0.0.1:$FLOOR_PORT/api/v2/tickets.json" post_ticket.lua
  grow_each_size
  python3 "$ROOT/tests/bench/report.py" "$OUT/results.tsv" "$OUT/results.json"
  exit 0
fi
for c in 16 64; do
  wrk_run floor_post "$c" "http://127.0.0.1:$FLOOR_PORT/api/v2/tickets.json" post_ticket.lua
  wrk_run ticket_create "$c" "http://127.0.0.1:$PORT/api/v2/tickets.json" post_ticket.lua
done
for c in 16 64; do
  wrk_run floor_get "$c" "http://127.0.0.1:$FLOOR_PORT/api/v2/tickets/256.json" get.lua
  wrk_run ticket_show "$c" "http://127.0.0.1:$PORT/api/v2/tickets/256.json" get.lua
done
# ---- event end-to-end latency and growth (tests/bench/growth.sh) ----
. "$ROOT/tests/bench/growth.sh"
e2e steady 1000 32
e2e max 0 32
grow_each_size
# ---- end of event end-to-end latency and growth ----
# Article search at 100,000 articles, through the gateway (anonymous):
# c=2 (one connection per wrk thread) for latency, c=16 under load.
"$ROOT/tests/bench/kb_load.sh" "$PORT" "$TOOLS" "$OUT/data/run" "${BENCH_KB_ARTICLES:-100000}"
for c in 2 16; do wrk_run kb_search "$c" "http://127.0.0.1:$PORT/api/v2/help_center/articles/search.json" kb_search.lua; done
# The live wallboard at 100,000 tickets, through the gateway.
"$ROOT/tests/bench/reports_live.sh" "$PORT" "$OUT" "${BENCH_LIVE_TICKETS:-100000}"
# The workspace's speed budget in Chromium at this size (tests/browser/).
node "$ROOT/tests/browser/run.mjs" --budget "http://127.0.0.1:$PORT" "$EMAIL" "$TOKEN" | tee "$OUT/workspace_budget.txt" ||
  echo "bench: the workspace budget failed (see $OUT/workspace_budget.txt)"
rss loaded
# hd-import of a generated Zendesk export into a suite of its own
# (tests/bench/import.sh: 100,000 tickets; BENCH_IMPORT_TICKETS overrides;
# with BENCH_SCALE=full the growth to 1,000,000 was an hd-import too).
"$ROOT/tests/bench/import.sh" "$BIN" "$OUT" ||
  echo "bench: the import phase failed (see $OUT/import-data)"
python3 "$ROOT/tests/bench/report.py" "$OUT/results.tsv" "$OUT/results.json"
python3 "$ROOT/tests/bench/reports_live.py" "$OUT/reports_live.tsv" "$OUT/results.json"
# BENCH_BASELINE=TREE: ticket create of this tree against an older checkout
# built with make build MODE=release (tests/bench/create_ab.sh: alternating
# suites, creates/s over the floor and the services' CPU per ticket).
if [ -n "${BENCH_BASELINE:-}" ]; then
  "$ROOT/tests/bench/create_ab.sh" "$BENCH_BASELINE" "$ROOT" "${BENCH_AB_ROUNDS:-3}" ||
    echo "bench: the create A/B failed (see build/bench-ab)"
fi
