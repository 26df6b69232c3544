#!/usr/bin/env bash
# Build the real image with podman (no Docker engine, no registry) and run the
# suite from it: the Dockerfile as is, both stages, the builder compiling the
# release. Slower than check_rootfs.sh (about 6 minutes on 2 cores), so not
# part of `make test`; run it by hand before a release.
#   usage: tests/image/podman_build.sh          (root; apt-get install podman runc)
# What it takes on our machines (Debian 12 podman 4.3.1 in a VM with cgroup v1):
#   - FROM debian:12 cannot be pulled (only Debian's package mirror is
#     reachable): the debootstrap base of check_rootfs.sh is imported as
#     docker.io/library/debian:12 and the build runs with --pull=never;
#   - crun refuses cgroups in hybrid mode, and both crun and runc fail to
#     raise RLIMIT_NOFILE/RLIMIT_NPROC to podman's defaults ("setrlimit …
#     Operation not permitted"): so runc, with lowered --ulimit values;
#   - --format docker keeps the HEALTHCHECK (OCI images drop it).
# Prints PASS/FAIL lines like the other checks.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
TAG=localhost/hanadesk:$(cat VERSION)
P=(podman --runtime "$(command -v runc || echo /usr/sbin/runc)")
U=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
failed=0
pass() { echo "PASS $1${2:+ ($2)}"; }
fail() { echo "FAIL $1: $2"; failed=1; }

command -v podman >/dev/null && command -v runc >/dev/null ||
  { fail podman "apt-get install podman runc"; exit 1; }
if ! podman image exists docker.io/library/debian:12; then
  base=build/image/cache/base-bookworm-minbase.tar
  [ -f "$base" ] || { fail podman-base "$base missing: run tests/image/check_rootfs.sh first"; exit 1; }
  podman import "$base" docker.io/library/debian:12 >/dev/null || { fail podman-base "podman import failed"; exit 1; }
fi
t0=$SECONDS
if out=$("${P[@]}" build --format docker "${U[@]}" --network host --pull=never -t "$TAG" . 2>&1); then
  pass podman-build "$TAG in $((SECONDS - t0)) s"
else
  tail -20 <<<"$out"; fail podman-build "see above"; exit 1
fi
hc=$(podman image inspect "$TAG" --format '{{.Config.Healthcheck.Test}}' 2>/dev/null)
[[ "$hc" == *healthz* ]] && pass podman-healthcheck-kept "$hc" || fail podman-healthcheck-kept "image has no HEALTHCHECK: $hc"

PORT=$((41000 + RANDOM % 8000))
TOK=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
cid=$("${P[@]}" run -d --rm --network host "${U[@]}" -e HD_HTTP_BIND=127.0.0.1 -e HD_ADMIN_BIND=127.0.0.1 \
  -e HD_HTTP_PORT=$PORT -e HD_RPC_LISTEN= -e HD_PUB_LISTEN= -e HD_ADMIN_TOKEN="$TOK" "$TAG" hd-suite /usr/local/bin)
trap '[ -n "${cid:-}" ] && podman stop -t 30 "$cid" >/dev/null 2>&1' EXIT
AUTH="admin@hana.local/token:$TOK"
deadline=$((SECONDS + 90))
until curl -fsS --max-time 5 -o /dev/null -u "$AUTH" "http://127.0.0.1:$PORT/api/v2/users/me.json" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { fail podman-suite "no answer in 90 s"; exit 1; }
  sleep 0.5
done
code=$(curl -sS -o /dev/null -w '%{http_code}' -u "$AUTH" -H 'Content-Type: application/json' \
  -d '{"ticket":{"subject":"podman 이미지","comment":{"body":"진짜 이미지"}}}' "http://127.0.0.1:$PORT/api/v2/tickets.json")
[ "$code" = 201 ] && pass podman-ticket || fail podman-ticket "POST /tickets answered $code"
[ "$failed" -eq 0 ]
