#!/usr/bin/env bash
# The container image, proved without a Docker engine: builds the root
# filesystem of the Dockerfile's runtime stage on a clean Debian 12
# (debootstrap + chroot, tests/image/dockerfile_rootfs.py: the Dockerfile's
# own RUN/COPY/ENV/USER lines), then, from inside it:
#   - every binary in /usr/local/bin starts (--help): no shared library missing;
#   - mdb_copy is there, the image's user is not root;
#   - the whole suite (the image's hd-suite = scripts/run.sh) runs as that user
#     with the image's Env, a ticket is created and read back through the
#     gateway, the image's HEALTHCHECK passes, a mail goes in through
#     hd-mail-ingest, and mdb_copy takes a hot backup of intake's store;
#   - SIGTERM stops the suite.
# Prints "PASS <check>" / "FAIL <check>: <why>" / "SKIP <check>: <why>";
# exits 1 if any check failed.
#   usage: tests/image/check_rootfs.sh [BIN_DIR]   (default: builds build/release/bin)
# Needs root (debootstrap, chroot, mount in a private namespace); the first
# run fetches Debian packages (debootstrap, runtime.txt), later runs reuse
# build/image/cache/ until scripts/packages/ or the Dockerfile's package
# lines change.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
IMG=$ROOT/build/image
ROOTFS=$IMG/rootfs
CONFIG=$IMG/config.json
failed=0
pass() { echo "PASS $1${2:+ ($2)}"; }
fail() { echo "FAIL $1: $2"; failed=1; }
skip() { echo "SKIP $1: $2"; }
finish() {
  if [ "$failed" -ne 0 ]; then echo "check_rootfs: FAILED"; exit 1; fi
  echo "check_rootfs: all passed"; exit 0
}

if [ "$(id -u)" -ne 0 ]; then
  skip image-rootfs "needs root for debootstrap/chroot (CI runs as root)"
  finish
fi

BIN=${1:-}
if [ -z "$BIN" ]; then
  BIN=build/release/bin
  bins=$(sed -n 's|.*build/release/bin/\(hd-[a-z-]*\).*|\1|p' Dockerfile | sort -u)
  if ! out=$(make --no-print-directory MODE=release $(printf "$BIN/%s " $bins) 2>&1); then
    fail image-release-build "$(tail -5 <<<"$out" | tr '\n' ' ')"
    finish
  fi
  pass image-release-build "$(echo $bins)"
fi

t0=$SECONDS
mkdir -p "$IMG"
if out=$(python3 tests/image/dockerfile_rootfs.py --dockerfile Dockerfile --context . \
           --bin "$BIN" --cache "$IMG/cache" --rootfs "$ROOTFS" --config "$CONFIG" 2>&1); then
  pass image-rootfs "built in $((SECONDS - t0)) s; $(grep -o 'cached layers\|new layers' <<<"$out")"
else
  echo "$out"
  fail image-rootfs "the Dockerfile's runtime stage did not build (above)"
  finish
fi

# The image's configuration, as docker would apply it.
cfg() { python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print(v if isinstance(v,str) else "\n".join(v) if isinstance(v,list) else json.dumps(v))' "$CONFIG" "$1"; }
USERSPEC=$(cfg 'c["User"]')
WORKDIR=$(cfg 'c["WorkingDir"]')
mapfile -t IMAGE_ENV < <(cfg 'c["Env"]')
HEALTH=$(cfg '" ".join(c["Healthcheck"]["Test"][1:]) if c["Healthcheck"] and c["Healthcheck"]["Test"][0]=="CMD-SHELL" else ""')
[[ "$USERSPEC" == *:* ]] || USERSPEC="$USERSPEC:$USERSPEC"

if [[ "$USERSPEC" =~ ^(0|root)(:|$) ]]; then
  fail image-nonroot "the image runs as $USERSPEC"
else
  pass image-nonroot "USER $USERSPEC"
fi

# The unpacked root filesystem is rebuilt from the cache on every run: remove
# it afterwards (disk space, and its etc/*.d folders confuse make's
# dependency search) — never while anything is mounted inside it.
remove_rootfs() {
  if grep -q " $ROOTFS/" /proc/mounts; then
    echo "check_rootfs: something is still mounted under $ROOTFS; not removing it" >&2
  else
    rm -rf "$ROOTFS"
  fi
}
trap remove_rootfs EXIT

# in_image [VAR=value…] -- command…: run in the image as its user, with its
# Env (then the extra variables), in a private mount namespace with /proc
# and /dev, like `docker run -e VAR=value IMAGE command`.
in_image() {
  local extra=()
  while [ "$1" != "--" ]; do extra+=("$1"); shift; done
  shift
  unshare --mount --propagation private --fork sh -c '
    root=$1; user=$2; dir=$3; shift 3
    mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev" || exit 125
    exec chroot --userspec="$user" "$root" /usr/bin/env -i "$@"' sh \
    "$ROOTFS" "$USERSPEC" "$WORKDIR" "${IMAGE_ENV[@]}" "${extra[@]}" \
    /bin/sh -c 'cd "$0" && exec "$@"' "$WORKDIR" "$@"
}

# ---- every binary starts: its shared libraries are in the image ----
for b in $(sed -n 's|^COPY --from=builder /out/\(hd-[a-z-]*\).*|\1|p' Dockerfile); do
  if out=$(in_image -- "$b" --help 2>&1) && grep -q HD_ <<<"$out"; then
    pass "image-bin-$b"
  else
    fail "image-bin-$b" "$(head -3 <<<"$out" | tr '\n' ' ')"
  fi
done
if out=$(in_image -- sh -c 'command -v mdb_copy && command -v mdb_stat && command -v curl' 2>&1); then
  pass image-tools "$(echo $out)"
else
  fail image-tools "mdb_copy, mdb_stat or curl missing: $out"
fi

# ---- the suite, all in one container (hd-suite = scripts/run.sh) ----
# Seven free ports from 127.0.0.1: HTTP and HTTP+1…+6 (admin).
PORT=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randrange(20000, 60000, 10)
    try:
        socks = []
        for q in range(p, p + 7):
            s = socket.socket(); s.bind(("127.0.0.1", q)); socks.append(s)
        print(p); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
)
TOKEN=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
LOG=$IMG/suite.log
PIDFILE=$ROOTFS/tmp/hd-suite.pid
rm -f "$PIDFILE"
# Loopback only: the image's 0.0.0.0 defaults would publish these on the
# host. HD_RPC_LISTEN/HD_PUB_LISTEN emptied: six services in one container
# use their own ipc:// sockets, not the image's one tcp port each.
in_image HD_HTTP_BIND=127.0.0.1 HD_ADMIN_BIND=127.0.0.1 HD_HTTP_PORT="$PORT" \
  HD_RPC_LISTEN= HD_PUB_LISTEN= HD_ADMIN_TOKEN="$TOKEN" HD_MAIL_SECRET="$TOKEN" -- \
  sh -c 'echo $$ >/tmp/hd-suite.pid; exec hd-suite /usr/local/bin' >"$LOG" 2>&1 &
UNSHARE_PID=$!

# Stop what this test started: the suite (SIGTERM, as docker stop would),
# then any process still running from this root filesystem.
stop_suite() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) && kill -TERM "$pid" 2>/dev/null
  local deadline=$((SECONDS + 30))
  while [ $SECONDS -lt $deadline ] && kill -0 "$UNSHARE_PID" 2>/dev/null; do sleep 0.1; done
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOTFS" ] && kill -KILL "${p#/proc/}" 2>/dev/null
  done
  wait "$UNSHARE_PID" 2>/dev/null
  remove_rootfs
}
trap stop_suite EXIT

API=http://127.0.0.1:$PORT/api/v2
AUTH="admin@hana.local/token:$TOKEN"
ready=0
deadline=$((SECONDS + 90))  # generous: the machine may be busy
while [ $SECONDS -lt $deadline ]; do
  kill -0 "$UNSHARE_PID" 2>/dev/null || break
  curl -fsS --max-time 5 -o /dev/null -u "$AUTH" "$API/users/me.json" 2>/dev/null && { ready=1; break; }
  sleep 0.2
done
if [ "$ready" -ne 1 ]; then
  fail image-suite-start "no signed-in answer from the gateway in 90 s; $LOG:"; tail -20 "$LOG"
  finish
fi
pass image-suite-start "port $PORT"

uids=""
for p in /proc/[0-9]*; do
  [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOTFS" ] || continue
  grep -q '^Name:.*hd-' "$p/status" 2>/dev/null || continue
  uids+="$(awk '/^Name:/ {n=$2} /^Uid:/ {print n "=" $2}' "$p/status") "
done
if [ "$(wc -w <<<"$uids")" -ge 6 ] && ! grep -qE '=0( |$)' <<<"$uids"; then
  pass image-suite-user "$(echo $uids)"
else
  fail image-suite-user "want six hd-* processes, none as root: $uids"
fi

body='{"ticket":{"subject":"이미지에서 만든 티켓","comment":{"body":"chroot 안의 스위트"},"priority":"high"}}'
code=$(curl -sS --max-time 30 -o "$IMG/ticket.json" -w '%{http_code}' -u "$AUTH" \
  -H 'Content-Type: application/json' -d "$body" "$API/tickets.json" 2>&1)
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ticket"]["id"])' "$IMG/ticket.json" 2>/dev/null)
if [ "$code" = 201 ] && [ -n "$id" ] &&
   curl -fsS -u "$AUTH" "$API/tickets/$id.json" 2>/dev/null | grep -q '이미지에서 만든 티켓'; then
  pass image-ticket "ticket $id created and read back"
else
  fail image-ticket "POST /tickets answered $code: $(head -c 300 "$IMG/ticket.json" 2>/dev/null)"
fi

# The HEALTHCHECK as docker runs it (a shell command in the container), with
# the gateway's admin port (make run's layout: HTTP port + 1).
if [ -z "$HEALTH" ]; then
  fail image-healthcheck "the Dockerfile has no HEALTHCHECK CMD"
elif out=$(in_image HD_ADMIN_PORT=$((PORT + 1)) -- sh -c "$HEALTH" 2>&1); then
  pass image-healthcheck
else
  fail image-healthcheck "$HEALTH: $out"
fi
if in_image HD_ADMIN_PORT=$((PORT + 7)) -- sh -c "$HEALTH" >/dev/null 2>&1; then
  fail image-healthcheck-fails "the HEALTHCHECK passed against a port nobody listens on"
else
  pass image-healthcheck-fails "a dead port fails it"
fi

# Mail in through hd-mail-ingest (GMime in intake parses it; EUC-KR needs
# the image's iconv modules).
mail=$(printf 'From: =?EUC-KR?B?sejDtrz2?= <kim@example.test>\r\nTo: support@hana.local\r\nSubject: =?UTF-8?B?7J2066+47KeAIOuplOydvA==?=\r\nMessage-ID: <image-%s@example.test>\r\nContent-Type: text/plain; charset=EUC-KR\r\n\r\n' "$TOKEN"; printf '\xbe\xc8\xb3\xe7\xc7\xcf\xbc\xbc\xbf\xe4\r\n')
if out=$(printf '%s' "$mail" | in_image HD_MAIL_URL="$API/hd/channels/email" HD_MAIL_SECRET="$TOKEN" \
           HD_MAIL_SPOOL=/tmp/mail-spool -- hd-mail-ingest 2>&1); then
  if curl -fsS -u "$AUTH" "$API/search.json?query=type:ticket" 2>/dev/null | grep -q '이미지 메일' ||
     curl -fsS -u "$AUTH" "$API/tickets.json" 2>/dev/null | grep -q '이미지 메일'; then
    pass image-mail-ingest "EUC-KR mail became a ticket"
  else
    fail image-mail-ingest "hd-mail-ingest succeeded but no ticket 이미지 메일 is listed: $out"
  fi
else
  fail image-mail-ingest "hd-mail-ingest failed: $out"
fi

# A hot backup of a live store with the image's mdb_copy, as its user.
if out=$(in_image -- sh -c 'rm -rf /tmp/bk && mkdir /tmp/bk && mdb_copy -c /var/lib/hanadesk/intake-0 /tmp/bk && mdb_stat /tmp/bk' 2>&1) &&
   grep -q 'Entries' <<<"$out"; then
  pass image-mdb-copy "hot backup of intake-0"
else
  fail image-mdb-copy "$(tail -3 <<<"$out" | tr '\n' ' ')"
fi

# SIGTERM stops everything (the supervisor passes it on).
t1=$SECONDS
pid=$(cat "$PIDFILE" 2>/dev/null)
kill -TERM "$pid" 2>/dev/null
stopped=0
deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ]; do
  kill -0 "$UNSHARE_PID" 2>/dev/null || { stopped=1; break; }
  sleep 0.1
done
if [ "$stopped" -eq 1 ]; then
  pass image-suite-stop "stopped $((SECONDS - t1)) s after SIGTERM"
else
  fail image-suite-stop "still running 60 s after SIGTERM"
fi
finish
