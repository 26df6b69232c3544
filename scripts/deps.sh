#!/usr/bin/env bash
# Install whatever the suite needs that this Debian machine lacks. Called by
# `make run` and `make test`; safe to run again (it installs nothing when all
# packages are present). Uses sudo when not root.
# The packages are listed once, in scripts/packages/{build,runtime,test}.txt;
# the Dockerfile installs build.txt and runtime.txt from the same files.
set -euo pipefail

LISTS=$(dirname "$0")/packages
mapfile -t PKGS < <("$LISTS/install.sh" --print build runtime test)

# Node.js runs the Zendesk client-library tests (node-zendesk from npm) and
# the Kubernetes manifest checks (kubernetes-models); a machine that already
# has a node (e.g. from nodesource) keeps its own.
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
