#!/bin/sh
# Install the Debian packages of the named lists (build, runtime, test: the
# .txt files beside this script; "#" starts a comment) with apt-get, without
# recommends. Used by the Dockerfile, by tests/image/ inside the image's root
# filesystem, and by scripts/deps.sh (which passes only what is missing).
#   usage: install.sh LIST...            install every package of the lists
#          install.sh --print LIST...    print them, one a line
# POSIX sh: it runs in a bare debian:12 before bash matters.
set -eu
dir=$(dirname "$0")
print=0
if [ "${1:-}" = "--print" ]; then
	print=1
	shift
fi
[ $# -gt 0 ] || { echo "usage: install.sh [--print] build|runtime|test..." >&2; exit 2; }
pkgs=""
for list in "$@"; do
	f="$dir/$list.txt"
	[ -r "$f" ] || { echo "install.sh: no package list $f" >&2; exit 2; }
	pkgs="$pkgs $(sed -e 's/#.*//' "$f" | tr -s ' \t' '\n\n' | grep -v '^$' | tr '\n' ' ')"
done
if [ "$print" -eq 1 ]; then
	for p in $pkgs; do echo "$p"; done
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends $pkgs
