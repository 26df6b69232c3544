#!/usr/bin/env bash
# make lint: formatting (clang-format, .clang-format at the root) and the
# functions the project never uses (STYLE.md habit 6).
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
mapfile -t files < <({ git ls-files '*.c' '*.h'; git ls-files --others --exclude-standard '*.c' '*.h'; } 2>/dev/null | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done)
[ ${#files[@]} -eq 0 ] && { echo "lint: no sources"; exit 1; }

if ! command -v clang-format >/dev/null; then
  echo "lint: clang-format is missing (scripts/deps.sh installs it)"; exit 1
fi
if ! clang-format --dry-run -Werror "${files[@]}" 2>/tmp/hd-lint-format.$$; then
  head -40 /tmp/hd-lint-format.$$
  echo "lint: formatting differs (run 'make format')"
  status=1
fi
rm -f /tmp/hd-lint-format.$$

# Banned: unbounded or error-swallowing functions. Word match, calls only.
banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets)[[:space:]]*\('
if grep -nE "$banned" "${files[@]}" | grep -vE '^\S+:[0-9]+:\s*(\*|//)'; then
  echo "lint: banned function used (see STYLE.md habit 6)"
  status=1
fi
# Tests link a service's library (lib<svc>.a) and include its headers; a
# .c file pulled in with #include would be a second copy of the service.
if grep -nE '^#include "[^"]*\.c"' "${files[@]}"; then
  echo "lint: #include of a .c file (link the service's library instead)"
  status=1
fi
[ $status -eq 0 ] && echo "lint: ok (${#files[@]} files)"
exit $status
