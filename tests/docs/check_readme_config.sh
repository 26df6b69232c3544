#!/usr/bin/env bash
# The README's configuration table stays true: every environment variable
# that any binary's --help shows (HD_… names) must appear in the table under
# README.md's "## Configuration" heading, and every variable the table names
# must still be shown by some binary. The table may write HD_<SERVICE>_RPC
# for the per-service variables (every service's name in capitals).
# One PASS/FAIL line per binary and one for stale rows; exits 1 on a failure.
#   usage: tests/docs/check_readme_config.sh [BIN_DIR]   (default build/asan/bin)
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
BIN=${1:-build/asan/bin}
failed=0
pass() { echo "PASS $1${2:+ ($2)}"; }
fail() { echo "FAIL $1: $2"; failed=1; }

# The table: the lines between "## Configuration" and the next "## ".
table=$(awk '/^## Configuration/ {on = 1; next} /^## / {on = 0} on && /^\|/' README.md)
if [ -z "$table" ]; then
  echo "FAIL readme-config-table: no table under '## Configuration' in README.md"
  exit 1
fi
# The services with RPC and event URLs: the Makefile's SERVICES but the
# gateway (services/workspace holds the web app, not a service).
services=$(sed -n 's/^SERVICES := //p' Makefile | tr ' ' '\n' | grep -v '^gateway$' | tr 'a-z' 'A-Z')
documented=$(grep -oE 'HD_[A-Z0-9_<>]+' <<<"$table" | while read -r v; do
  if [[ "$v" == *"<SERVICE>"* ]]; then
    for s in $services; do echo "${v/<SERVICE>/$s}"; done
  else
    echo "$v"
  fi
done | sort -u)

shown_all=""
mapfile -t bins < <(find "$BIN" -maxdepth 1 -type f -name 'hd-*' -perm -u+x 2>/dev/null | sort)
if [ ${#bins[@]} -eq 0 ]; then
  echo "FAIL readme-config-binaries: no hd-* binaries in $BIN (build first)"
  exit 1
fi
for b in "${bins[@]}"; do
  name=$(basename "$b")
  if ! help=$(ASAN_OPTIONS=detect_leaks=0 timeout 20 "$b" --help 2>&1); then
    fail "readme-config-$name" "$name --help failed: $(head -3 <<<"$help" | tr '\n' ' ')"
    continue
  fi
  shown=$(grep -oE '\bHD_[A-Z0-9_]+' <<<"$help" | grep -v '_$' | sort -u)
  shown_all+="$shown"$'\n'
  missing=$(comm -23 <(echo "$shown") <(echo "$documented") | tr '\n' ' ')
  if [ -n "${missing// /}" ]; then
    fail "readme-config-$name" "$name --help shows variables README.md's configuration table lacks: ${missing% }"
  else
    pass "readme-config-$name" "$(wc -w <<<"$shown") variables"
  fi
done
stale=$(comm -13 <(echo "$shown_all" | grep . | sort -u) <(echo "$documented") | tr '\n' ' ')
if [ -n "${stale// /}" ]; then
  fail readme-config-stale "README.md's table names variables no binary's --help shows: ${stale% }"
else
  pass readme-config-stale
fi
[ "$failed" -eq 0 ]
