#!/usr/bin/env bash
# Ticket create, this tree against an older one, in the same run (issue #14:
# "ticket create in make bench is not slower"). Each round starts a fresh
# suite of each tree in turn (its own scripts/run.sh and release binaries),
# runs wrk's create phase at c=16 against it and against the floor right
# before it, and measures two things per side:
#   ratio       creates/s divided by the floor's posts/s of the same round
#               (what make bench reports; moves with the machine's load);
#   cpu_ms      CPU time (user+system) of all six services per ticket
#               created, from /proc — far less sensitive to a busy machine,
#               since time spent waiting for a core is not counted.
# The sides alternate (A B B A A B ...) so a load that drifts over the run
# weighs on both alike. Prints one line per side and round and the medians.
#   usage: tests/bench/create_ab.sh BASE_TREE NEW_TREE [ROUNDS]
#   (each tree built with make build MODE=release; BENCH_DURATION, 10s)
set -euo pipefail
BASE=$(cd "${1:?BASE_TREE}" && pwd)
NEW=$(cd "${2:?NEW_TREE}" && pwd)
ROUNDS=${3:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${BENCH_DURATION:-10s}
OUT=$ROOT/build/bench-ab
TOKEN=bench-token-0123456789abcdef
EMAIL=bench@example.com
export HD_AUTH="Basic $(printf '%s/token:%s' "$EMAIL" "$TOKEN" | base64 -w0)"
mkdir -p "$OUT"
: >"$OUT/results.tsv"

. "$ROOT/tests/bench/ports.sh"

# wrk_rps URL → creates per second of one wrk create phase at c=16
wrk_rps() {
  local tmp
  tmp=$(mktemp --suffix=.lua)
  cat "$ROOT/tests/bench/post_ticket.lua" "$ROOT/tests/bench/report.lua" >"$tmp"
  wrk -t2 -c16 -d"$DURATION" -s "$tmp" "$1" | awk '/^BENCH/ {sub(/^rps=/, "", $2); print $2}'
  rm -f "$tmp"
}

descendants() { local c; for c in $(ps -o pid= --ppid "$1"); do echo "$c"; descendants "$c"; done; }

# cpu_ticks PID... → the sum of their utime+stime in clock ticks
cpu_ticks() {
  local p sum=0 t
  for p in "$@"; do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null) || t=0
    sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}

stop_suite() {
  local pids=$1 suite=$2 left
  kill -TERM "$suite" 2>/dev/null || true
  for _ in $(seq 200); do
    left=$(for p in $pids; do kill -0 "$p" 2>/dev/null && echo "$p"; done) || true
    [ -z "$left" ] && break
    sleep 0.1
  done
  for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
  wait "$suite" 2>/dev/null || true
}

# side NAME TREE → appends "NAME ratio cpu_ms_per_ticket tickets" to results.tsv
side() {
  local name=$1 tree=$2 port fport floor suite data
  data=$OUT/data-$name
  rm -rf "$data"; mkdir -p "$data"
  fport=$(free_port)
  "$ROOT/build/release/tools/hd-bench-floor" "$fport" 64 & floor=$!
  port=$(free_port)
  HD_RATE_LIMIT=1000000 HD_DATA=$data HD_HTTP_PORT=$port HD_ADMIN_EMAIL=$EMAIL \
    HD_ADMIN_TOKEN=$TOKEN HD_HTTP_THREADS=64 \
    "$tree/scripts/run.sh" "$tree/build/release/bin" >"$data/run.log" 2>&1 &
  suite=$!
  local up=0
  for _ in $(seq 600); do
    curl -fsS -H "Authorization: $HD_AUTH" "http://127.0.0.1:$port/api/v2/users/me" \
      >/dev/null 2>&1 && { up=1; break; }
    sleep 0.1
  done
  if [ "$up" = 0 ]; then
    echo "  $name: the suite did not come up in 60 s (see $data/run.log); round skipped"
    kill "$floor" 2>/dev/null; stop_suite "$(descendants "$suite")" "$suite"
    return 0
  fi
  local floor_rps rps before after pids n cpu
  floor_rps=$(wrk_rps "http://127.0.0.1:$fport/api/v2/tickets.json")
  kill "$floor" 2>/dev/null; wait "$floor" 2>/dev/null || true
  pids=$(descendants "$suite" | while read -r p; do
    case "$(readlink "/proc/$p/exe" 2>/dev/null)" in */hd-*) echo "$p" ;; esac; done)
  # What the idle suite spends (ticks, timers) is not the creates' cost:
  # its rate over 5 s is taken off the total below.
  local idle0 idle1 t0 t1
  idle0=$(cpu_ticks $pids); t0=$(date +%s.%N)
  sleep 5
  idle1=$(cpu_ticks $pids); t1=$(date +%s.%N)
  before=$idle1; t0=$(awk -v a="$t0" -v b="$t1" -v i=$((idle1 - idle0)) 'BEGIN {print i / (b - a)}')
  local started; started=$(date +%s.%N)
  n0=$(curl -fsS -H "Authorization: $HD_AUTH" "http://127.0.0.1:$port/api/v2/tickets/count.json" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["count"]["value"])')
  rps=$(wrk_rps "http://127.0.0.1:$port/api/v2/tickets.json")
  # The consumers (routing, metrics, notifications) finish what the creates
  # started: wait until the CPU stops moving, then count it all.
  local last=-1 now
  while :; do
    sleep 1
    now=$(cpu_ticks $pids)
    [ "$now" = "$last" ] && break
    last=$now
  done
  after=$now
  local spent idle
  spent=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')
  idle=$(awk -v r="$t0" -v s="$spent" 'BEGIN {printf "%d", r * s}')
  after=$((after - idle))
  n=$(curl -fsS -H "Authorization: $HD_AUTH" "http://127.0.0.1:$port/api/v2/tickets/count.json" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["count"]["value"])')
  n=$((n - n0))
  cpu=$(awk -v t=$((after - before)) -v n="$n" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.3f", n ? t * 1000 / hz / n : 0}')
  stop_suite "$pids" "$suite"
  local ratio
  ratio=$(awk -v a="$rps" -v b="$floor_rps" 'BEGIN {printf "%.4f", b ? a / b : 0}')
  echo "$name $ratio $cpu $n $rps $floor_rps" >>"$OUT/results.tsv"
  echo "  $name: ratio $ratio (creates/s $rps, floor $floor_rps), cpu_ms/ticket $cpu over $n tickets (idle $t0 ticks/s taken off)"
}

echo "create A/B: base=$BASE new=$NEW, $ROUNDS rounds of $DURATION"
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then side base "$BASE"; side new "$NEW"
  else side new "$NEW"; side base "$BASE"; fi
done
python3 - "$OUT/results.tsv" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
med = {}
for side in ("base", "new"):
    r = [float(x[1]) for x in rows if x[0] == side]
    c = [float(x[2]) for x in rows if x[0] == side]
    med[side] = (statistics.median(r), statistics.median(c))
    print(f"CREATE_AB {side} ratio_median={med[side][0]:.4f} cpu_ms_per_ticket_median={med[side][1]:.3f}")
print(f"CREATE_AB new/base ratio={med['new'][0] / med['base'][0]:.3f} "
      f"cpu={med['new'][1] / med['base'][1]:.3f}")
EOF
