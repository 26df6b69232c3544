#!/usr/bin/env bash
# Start the whole suite on one host (the embedded default): every service,
# one shard each (HD_SHARDS intake shards), ipc:// sockets under $HD_RUN,
# data under $HD_DATA, under a small supervisor that restarts a crashed
# service. Ctrl-C (or SIGTERM) stops everything gracefully.
# A service that exits 0 (stopped on purpose) is not restarted. A service
# that refuses its configuration exits 78 (EX_CONFIG): restarting cannot
# help, so the whole suite stops with that service's message and status 78.
#   usage: scripts/run.sh BIN_DIR
set -uo pipefail

case "${1:-}" in
  -h | --help)
    cat <<'USAGE'
usage: run.sh BIN_DIR   (the image's hd-suite: run.sh /usr/local/bin)
Starts every Hana Desk service on this host under a supervisor that restarts
a crashed one; Ctrl-C or SIGTERM stops them all. Configuration is the HD_*
environment of the services (each binary's --help lists its own); this script
reads HD_DATA (./var), HD_RUN ($HD_DATA/run), HD_HTTP_PORT (8080; the admin
ports follow it) and HD_SHARDS (1). Exit 78: a service refused its
configuration (its message is printed).
USAGE
    exit 0
    ;;
esac
BIN=${1:?usage: run.sh BIN_DIR}
export HD_DATA=${HD_DATA:-./var}
export HD_RUN=${HD_RUN:-$HD_DATA/run}
export HD_HTTP_PORT=${HD_HTTP_PORT:-8080}
export HD_SHARDS=${HD_SHARDS:-1}
mkdir -p "$HD_DATA" "$HD_RUN"
chmod 700 "$HD_DATA"

# Admin ports follow the HTTP port so two suites can run side by side.
admin_port() { echo $((HD_HTTP_PORT + 1 + $1)); }

stopping=0
pids=()
EX_CONFIG=78
fatal="$HD_RUN/supervisor.fatal"  # why a supervisor stopped the suite
rm -f "$fatal"

# supervise NAME SHARD INDEX: run one service, restart it when it crashes.
supervise() {
  local name=$1 shard=$2 index=$3 backoff=1
  local log="$HD_DATA/$name-$shard.log"
  trap 'stopping=1; [ -n "${child:-}" ] && kill -TERM "$child" 2>/dev/null' TERM INT
  while [ "$stopping" -eq 0 ]; do
    HD_SHARD=$shard HD_ADMIN_PORT=$(admin_port $((index + shard * 10))) \
      "$BIN/hd-$name" >>"$log" 2>&1 &
    child=$!
    local started=$SECONDS
    wait "$child"; local rc=$?
    # A signal interrupts wait before the child is gone: wait again.
    while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
    [ "$stopping" -ne 0 ] && break
    if [ "$rc" -eq 0 ]; then
      echo "supervisor: $name-$shard exited cleanly (status 0); not restarting it" >&2
      break
    fi
    if [ "$rc" -eq "$EX_CONFIG" ]; then
      local why
      why=$(grep -E "event=config\.invalid|unknown option|needs a value" "$log" | tail -n 1)
      [ -n "$why" ] || why=$(tail -n 1 "$log")
      echo "$name-$shard refused its configuration: ${why:-see $log}" >"$fatal"
      echo "supervisor: $(cat "$fatal")" >&2
      kill -TERM $$ 2>/dev/null  # the whole suite stops
      break
    fi
    [ $((SECONDS - started)) -gt 10 ] && backoff=1
    echo "supervisor: $name-$shard exited (status $rc); restarting in ${backoff}s" >&2
    sleep "$backoff"
    backoff=$(( backoff < 8 ? backoff * 2 : 8 ))
  done
}

shutdown() {
  echo; echo "stopping Hana Desk…"
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  wait
  if [ -s "$fatal" ]; then
    echo "stopped: $(cat "$fatal")" >&2
    exit "$EX_CONFIG"
  fi
  echo "stopped."
  exit 0
}
trap shutdown INT TERM

for ((s = 0; s < HD_SHARDS; s++)); do
  supervise intake "$s" 1 & pids+=($!)
done
# intake creates the first admin; give it a moment before the rest dial it.
for _ in $(seq 50); do [ -S "$HD_RUN/intake-0.rpc" ] && break; sleep 0.1; done
for pair in routing:2 knowledge:3 notifications:4 metrics:5 gateway:0; do
  supervise "${pair%%:*}" 0 "${pair##*:}" & pids+=($!)
done

for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$(admin_port 0)/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

email=${HD_ADMIN_EMAIL:-admin@hana.local}
token=${HD_ADMIN_TOKEN:-}
if [ -z "$token" ] && [ -r "$HD_DATA/admin-credentials" ]; then
  token=$(sed -n 's/^token=//p' "$HD_DATA/admin-credentials")
  email=$(sed -n 's/^email=//p' "$HD_DATA/admin-credentials")
fi
# The workspace signs people in by password: on the first start of a data
# directory the admin gets a generated one, set through the API with the
# token and kept (0600) beside it in admin-credentials.
password=""
creds="$HD_DATA/admin-credentials"
if [ -w "$creds" ]; then
  password=$(sed -n 's/^password=//p' "$creds")
  if [ -z "$password" ] && [ -n "$token" ]; then
    api="http://127.0.0.1:$HD_HTTP_PORT/api/v2"
    new=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
    id=$(curl -fsS -u "$email/token:$token" "$api/users/me" 2>/dev/null |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])' 2>/dev/null)
    if [ -n "$id" ] && curl -fsS -o /dev/null -u "$email/token:$token" -X PUT \
      -H 'Content-Type: application/json' -d "{\"password\":\"$new\"}" \
      "$api/users/$id/password" 2>/dev/null; then
      printf 'password=%s\n' "$new" >>"$creds"
      password=$new
    fi
  fi
fi
cat <<MSG

Hana Desk is running.
  workspace  http://127.0.0.1:$HD_HTTP_PORT/agent/   (sign in as $email${password:+, password $password})
  API        http://127.0.0.1:$HD_HTTP_PORT/api/v2
  admin      $email
  API token  ${token:-(set by HD_ADMIN_TOKEN on first start)}
  try        curl -u '$email/token:$token' http://127.0.0.1:$HD_HTTP_PORT/api/v2/hd/bus
  data       $HD_DATA   logs: $HD_DATA/*.log
  health     http://127.0.0.1:$(admin_port 0)/healthz … /metrics (ports $(admin_port 0)-$(admin_port 5))
Press Ctrl-C to stop.
MSG
wait
