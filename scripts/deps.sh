#!/usr/bin/env bash
# Install whatever the suite needs that this Debian machine lacks. Called by
# `make run` and `make test`; safe to run again (it installs nothing when all
# packages are present). Uses sudo when not root.
set -euo pipefail

PKGS=(
  build-essential pkg-config
  libnng-dev libprotobuf-c-dev protobuf-c-compiler liblmdb-dev
  libmicrohttpd-dev libcmocka-dev libjansson-dev libutf8proc-dev
  libsodium-dev libcurl4-openssl-dev libgmime-3.0-dev
  python3-aiosmtpd clang libclang-rt-14-dev
  python3 curl lmdb-utils wrk
  docker-compose clang-format prometheus gdb
  tzdata
  chromium fonts-nanum  # the workspace's browser tests (tests/browser/)
)

# Node.js runs the Zendesk client-library tests (node-zendesk from npm); a
# machine that already has a node (e.g. from nodesource) keeps its own.
command -v node >/dev/null && command -v npm >/dev/null || PKGS+=(nodejs npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The browser tests' npm packages, pinned by tests/browser/package-lock.json.
browser_npm() {
  local dir; dir="$(dirname "$0")/../tests/browser"
  [ -d "$dir/node_modules" ] || (cd "$dir" && npm ci --no-audit --no-fund --silent)
}
[ ${#missing[@]} -eq 0 ] && { browser_npm; exit 0; }

echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends keeps prometheus from pulling a web UI stack.
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
browser_npm
echo "deps: done"
