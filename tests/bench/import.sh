#!/usr/bin/env bash
# The import phase of make bench: a generated Zendesk export (tests/bench/
# zd_gen.py: N tickets with 5 comments each, seeded) imported by hd-import
# into a fresh suite of its own (its own data folder and ports, so the main
# bench suite's figures are not disturbed and this phase runs alone too).
# hd-import's batches are acknowledged only after intake's group commit is
# fsync'd, so tickets/s over the whole run is the durable rate. Then the
# time until every consumer (search index, routing's views, metrics …) has
# applied the import, each service's CPU seconds meanwhile, and each
# store's size on disk.
# With --suite PORT DATA LABEL it imports into that running suite instead
# (run.sh's growth to 1,000,000 tickets with BENCH_SCALE=full: HD_AUTH
# from the environment).
# Appends to OUT/results.tsv:
#   IMPORT LABEL tickets=N comments=C secs=S rps=R caught_up_secs=S2 …
#   CPU LABEL <service> import=<s> catch_up=<s>
#   STORE LABEL <store> <kB>
#   usage: tests/bench/import.sh BIN_DIR OUT_DIR [N] [--suite PORT DATA LABEL]
#   (N default: BENCH_IMPORT_TICKETS, else 100000)
set -euo pipefail
BIN=$(cd "${1:?BIN_DIR}" && pwd)
OUT=${2:?OUT_DIR}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/bench/ports.sh"
N=${3:-${BENCH_IMPORT_TICKETS:-100000}}
LABEL=import
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
EXPORT=$OUT/zd-export-$N
if [ "${4:-}" = --suite ]; then
  PORT=${5:?PORT}
  DATA=$(cd "${6:?DATA}" && pwd)
  LABEL=${7:?LABEL}
  AUTH=${HD_AUTH:?HD_AUTH}
  CKPT=$OUT/import-$LABEL.checkpoint
  rm -f "$CKPT"
else
  DATA=$OUT/import-data
  rm -rf "$DATA"
  mkdir -p "$DATA"
  CKPT=$DATA/import.checkpoint
  # The gateway's port and the services' admin ports after it (scripts/
  # run.sh: PORT+1…): all free, or a service that cannot bind its admin
  # port restarts over and over while the import runs.
  PORT=$(free_port 8)
  TOKEN=import-bench-token-0123456789ab
  EMAIL=import-bench@example.com
  AUTH="Basic $(printf '%s/token:%s' "$EMAIL" "$TOKEN" | base64 -w0)"
  HD_DATA=$DATA HD_HTTP_PORT=$PORT HD_ADMIN_EMAIL=$EMAIL HD_ADMIN_TOKEN=$TOKEN HD_RATE_LIMIT=1000000 \
    "$ROOT/scripts/run.sh" "$BIN" >"$DATA/run.log" 2>&1 &
  SUITE=$!
  stop() { kill -TERM "$SUITE" 2>/dev/null || true; wait "$SUITE" 2>/dev/null || true; }
  trap stop EXIT
fi
if [ ! -s "$EXPORT/comments.ndjson" ]; then
  echo "  import: generating a $N-ticket export (5 comments each) in $EXPORT"
  python3 "$ROOT/tests/bench/zd_gen.py" "$EXPORT.tmp" --tickets "$N" --comments 5 \
    --users $((N / 10 > 10 ? N / 10 : 10)) --seed 15 >/dev/null
  rm -rf "$EXPORT"
  mv "$EXPORT.tmp" "$EXPORT"
fi
for _ in $(seq 300); do
  curl -fsS -H "Authorization: $AUTH" "http://127.0.0.1:$PORT/api/v2/users/me" >/dev/null 2>&1 && break
  sleep 0.1
done
# CPU seconds (user+system) of each of the suite's services (by executable
# and HD_DATA): with the machine shared, the CPU an import costs is
# steadier than its wall time. "service seconds" lines.
cpu() {
  local p e
  for p in /proc/[0-9]*; do
    e=$(readlink "$p/exe" 2>/dev/null) || continue
    case $e in "$BIN"/hd-*) ;; *) continue ;; esac
    tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx "HD_DATA=$DATA" || continue
    awk -v s="${e##*/hd-}" -v hz="$(getconf CLK_TCK)" '{printf "%s %.2f\n", s, ($14 + $15) / hz}' "$p/stat"
  done | sort
}
cpu >"$OUT/cpu-$LABEL.0"
t0=$(date +%s.%N)
HD_DATA=$DATA /usr/bin/time -f "%U %S" -o "$OUT/import-$LABEL.cpu" "$BIN/hd-import" \
  --organizations "$EXPORT/organizations.json" --users "$EXPORT/users.ndjson" \
  --tickets "$EXPORT/tickets.ndjson" --comments "$EXPORT/comments.ndjson" \
  --batch "${BENCH_IMPORT_BATCH:-1000}" --inflight "${BENCH_IMPORT_INFLIGHT:-3}" \
  --checkpoint "$CKPT" 2>"$OUT/import-$LABEL.log"
t1=$(date +%s.%N)
cpu >"$OUT/cpu-$LABEL.1"
tail -n 2 "$OUT/import-$LABEL.log" | sed 's/^/  /'
# Caught up: every consumer's cursor on intake at intake's head (/hd/bus).
caught() {
  curl -fsS -H "Authorization: $AUTH" "http://127.0.0.1:$PORT/api/v2/hd/bus" | python3 -c '
import json, sys
b = json.load(sys.stdin)
print("yes" if b.get("bus", b).get("converged") else "no")' 2>/dev/null || echo no
}
for _ in $(seq 36000); do [ "$(caught)" = yes ] && break; sleep 0.5; done
t2=$(date +%s.%N)
cpu >"$OUT/cpu-$LABEL.2"
comments=$(grep -o 'comments [0-9]*' "$OUT/import-$LABEL.log" | tail -n 1 | cut -d' ' -f2 || true)
rpc=$(grep -o '[0-9.]* s in intake' "$OUT/import-$LABEL.log" | tail -n 1 | cut -d' ' -f1 || true)
tool_cpu=$(awk '{print $1 + $2}' "$OUT/import-$LABEL.cpu" 2>/dev/null || echo 0)
intake_cpu=$(join "$OUT/cpu-$LABEL.0" "$OUT/cpu-$LABEL.1" | awk '$1 == "intake" {s += $3 - $2} END {print s + 0}')
python3 - "$LABEL" "$N" "${comments:-0}" "$t0" "$t1" "$t2" "$intake_cpu" "$tool_cpu" "${rpc:-0}" \
  "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/results.tsv" <<'EOF'
import sys
label, n, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0, t1, t2, intake, tool, rpc = map(float, sys.argv[4:10])
cores, load = sys.argv[10], sys.argv[11].split()
print(f"IMPORT {label} tickets={n} comments={c} secs={t1 - t0:.2f} rps={n / (t1 - t0):.0f} "
      f"caught_up_secs={t2 - t0:.2f} intake_cpu_secs={intake:.2f} tool_cpu_secs={tool:.2f} rpc_secs={rpc:.2f} "
      f"cores={cores} load1={load[0]} load5={load[1]} load15={load[2]}")
EOF
tail -n 1 "$OUT/results.tsv" | sed 's/^/  /'
# Each service's CPU seconds during the import and until caught up, and
# all of them per ticket: what bounds the rate on a machine of C cores
# is C / (CPU seconds per ticket), whatever else runs on it.
join "$OUT/cpu-$LABEL.0" "$OUT/cpu-$LABEL.1" | join - "$OUT/cpu-$LABEL.2" |
  awk -v l="$LABEL" '{printf "CPU %s %s import=%.2f catch_up=%.2f\n", l, $1, $3 - $2, $4 - $3}' >>"$OUT/results.tsv"
echo "CPU $LABEL hd-import import=$tool_cpu catch_up=0" >>"$OUT/results.tsv"
grep "^CPU $LABEL " "$OUT/results.tsv" | awk -v n="$N" '{split($4, a, "="); split($5, b, "="); s += a[2]; c += b[2]
  printf "  cpu %-14s %7.2f s importing, %7.2f s catching up\n", $3, a[2], b[2]}
  END {printf "  cpu per ticket (all processes): %.3f ms importing, %.3f ms in all\n", s * 1000 / n, (s + c) * 1000 / n}'
for d in "$DATA"/*/; do
  [ -f "$d/data.mdb" ] || continue
  echo "STORE $LABEL $(basename "$d") $(du -k "$d/data.mdb" | cut -f1)" >>"$OUT/results.tsv"
  echo "  store $(basename "$d"): $(du -h "$d/data.mdb" | cut -f1)"
done
