#!/usr/bin/env bash
# The import phase of make bench: a generated Zendesk export (tests/bench/
# zd_gen.py: N tickets with 5 comments each, seeded) imported by hd-import
# into a fresh suite of its own (its own data folder and ports, so the main
# bench suite's figures are not disturbed and this phase runs alone too).
# hd-import's batches are acknowledged only after intake's group commit is
# fsync'd, so tickets/s over the whole run is the durable rate. Then the
# time until every consumer (search index, routing's views, metrics …) has
# applied the import, and each store's size on disk.
# Appends to OUT/results.tsv:
#   IMPORT tickets=N comments=C secs=S rps=R caught_up_secs=S2
#   STORE import <store> <kB>
#   usage: tests/bench/import.sh BIN_DIR OUT_DIR [N]
#   (N default: 100000; 1000000 with BENCH_SCALE=full)
set -euo pipefail
BIN=$(cd "${1:?BIN_DIR}" && pwd)
OUT=${2:?OUT_DIR}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${3:-${BENCH_IMPORT_TICKETS:-$([ "${BENCH_SCALE:-}" = full ] && echo 1000000 || echo 100000)}}
mkdir -p "$OUT"
EXPORT=$OUT/zd-export-$N
DATA=$OUT/import-data
if [ ! -s "$EXPORT/comments.ndjson" ]; then
  echo "  import: generating a $N-ticket export (5 comments each) in $EXPORT"
  python3 "$ROOT/tests/bench/zd_gen.py" "$EXPORT" --tickets "$N" --comments 5 \
    --users $((N / 10)) --seed 15 >/dev/null
fi
rm -rf "$DATA"; mkdir -p "$DATA"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TOKEN=import-bench-token-0123456789ab
EMAIL=import-bench@example.com
AUTH="Basic $(printf '%s/token:%s' "$EMAIL" "$TOKEN" | base64 -w0)"
HD_DATA=$DATA HD_HTTP_PORT=$PORT HD_ADMIN_EMAIL=$EMAIL HD_ADMIN_TOKEN=$TOKEN HD_RATE_LIMIT=1000000 \
  "$ROOT/scripts/run.sh" "$BIN" >"$DATA/run.log" 2>&1 &
SUITE=$!
stop() { kill -TERM "$SUITE" 2>/dev/null || true; wait "$SUITE" 2>/dev/null || true; }
trap stop EXIT
for _ in $(seq 300); do
  curl -fsS -H "Authorization: $AUTH" "http://127.0.0.1:$PORT/api/v2/users/me" >/dev/null 2>&1 && break
  sleep 0.1
done
# CPU seconds (user+system) of the suite's intake: with the machine shared,
# the CPU an import costs is steadier than its wall time.
intake_cpu() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" = "$BIN/hd-intake" ] || continue
    tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx "HD_DATA=$DATA" || continue
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f\n", ($14 + $15) / hz}' "$p/stat"
    return
  done
  echo 0
}
c0=$(intake_cpu)
t0=$(date +%s.%N)
HD_DATA=$DATA /usr/bin/time -f "%U %S" -o "$DATA/import.cpu" "$BIN/hd-import" --organizations "$EXPORT/organizations.json" --users "$EXPORT/users.ndjson" \
  --tickets "$EXPORT/tickets.ndjson" --comments "$EXPORT/comments.ndjson" --batch 1000 \
  --checkpoint "$DATA/import.checkpoint" 2>"$DATA/import.log"
t1=$(date +%s.%N)
c1=$(intake_cpu)
tail -n 2 "$DATA/import.log" | sed 's/^/  /'
# Caught up: every consumer's cursor on intake at intake's head (/hd/bus).
caught() {
  curl -fsS -H "Authorization: $AUTH" "http://127.0.0.1:$PORT/api/v2/hd/bus" | python3 -c '
import json, sys
b = json.load(sys.stdin)
print("yes" if b.get("bus", b).get("converged") else "no")' 2>/dev/null || echo no
}
for _ in $(seq 36000); do [ "$(caught)" = yes ] && break; sleep 0.5; done
t2=$(date +%s.%N)
comments=$(grep -o 'comments [0-9]*' "$DATA/import.log" | tail -n 1 | cut -d' ' -f2 || true)
rpc=$(grep -o '[0-9.]* s in intake' "$DATA/import.log" | tail -n 1 | cut -d' ' -f1 || true)
tool_cpu=$(awk '{print $1 + $2}' "$DATA/import.cpu" 2>/dev/null || echo 0)
python3 - "$N" "${comments:-0}" "$t0" "$t1" "$t2" "$c0" "$c1" "$tool_cpu" "${rpc:-0}" >>"$OUT/results.tsv" <<'EOF'
import sys
n, c = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2, c0, c1, tool, rpc = map(float, sys.argv[3:])
print(f"IMPORT import tickets={n} comments={c} secs={t1 - t0:.2f} rps={n / (t1 - t0):.0f} "
      f"caught_up_secs={t2 - t0:.2f} intake_cpu_secs={c1 - c0:.2f} tool_cpu_secs={tool:.2f} rpc_secs={rpc:.2f}")
EOF
tail -n 1 "$OUT/results.tsv" | sed 's/^/  /'
for d in "$DATA"/*/; do
  [ -f "$d/data.mdb" ] || continue
  echo "STORE import $(basename "$d") $(du -k "$d/data.mdb" | cut -f1)" >>"$OUT/results.tsv"
  echo "  store $(basename "$d"): $(du -h "$d/data.mdb" | cut -f1)"
done
