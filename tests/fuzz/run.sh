#!/usr/bin/env bash
# Run every libFuzzer target for SECONDS each (ASan+UBSan), starting from
# its seed corpus in tests/fuzz/corpus/<target>/ (new finds go to a scratch
# copy, so the checked-in seeds stay small). A crash, leak or UB report
# fails the run and leaves the input in build/fuzz/crashes/<target>/ — copy
# it into tests/fuzz/regress/<target>/ once fixed, and `make test` replays
# it for good.
#   usage: tests/fuzz/run.sh BIN_DIR SECONDS
set -uo pipefail
BIN=${1:?usage: run.sh BIN_DIR SECONDS}
SECS=${2:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp}
failed=0; passed=0
for t in "$BIN"/fuzz_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  work="$ROOT/build/fuzz/corpus/$name"
  crashes="$ROOT/build/fuzz/crashes/$name"
  mkdir -p "$work" "$crashes"
  seeds="$ROOT/tests/fuzz/corpus/$name"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null
  log="$ROOT/build/fuzz/$name.log"
  echo "== $name (${SECS}s)"
  if "$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -artifact_prefix="$crashes/" "$work" >"$log" 2>&1; then
    tail -1 "$log"
    passed=$((passed + 1))
  else
    grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$log" | head -20
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
