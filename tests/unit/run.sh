#!/usr/bin/env bash
# Run the cmocka unit tests of a build — all of them, or the one named — and
# end with one line "unit: N passed, M failed". A crash, a sanitizer report or a
# non-zero exit with no failure counted still counts as a failure.
#   usage: tests/unit/run.sh BUILD_DIR [NAME]   (NAME: test_buf or buf)
#   UNIT_JOBS=n: tests run at once (default: the number of cores)
set -uo pipefail
BUILD=${1:?usage: tests/unit/run.sh BUILD_DIR [NAME]}
NAME=${2:-}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(cd "$(dirname "$0")/.." && pwd)/lsan.supp}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
passed=0
failed=0

tests=("$BUILD"/tests/test_*)
if [ -n "$NAME" ]; then
  tests=("$BUILD/tests/test_${NAME#test_}")
  if [ ! -x "${tests[0]}" ]; then
    echo "no unit test named ${NAME} in $BUILD/tests" >&2
    echo "unit: 0 passed, 1 failed"
    exit 1
  fi
fi

# The tests run UNIT_JOBS at a time (default: the number of cores): each
# works in its own scratch directory and mostly waits on fsync, so they
# overlap well. Their reports follow in name order.
jobs_max=${UNIT_JOBS:-$(nproc 2>/dev/null || echo 2)}
for t in "${tests[@]}"; do
  [ -x "$t" ] || continue
  log="$OUT/$(basename "$t").log"
  ( timeout 300 "$t" >"$log" 2>&1; echo $? >"$log.rc" ) &
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
done
wait

for t in "${tests[@]}"; do
  [ -x "$t" ] || continue
  log="$OUT/$(basename "$t").log"
  rc=$(cat "$log.rc" 2>/dev/null || echo 1)
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$log"; then
    [ "$f" -eq 0 ] && f=1
  fi
  echo "$(basename "$t"): $p passed, $f failed"
  [ "$f" -ne 0 ] && cat "$log"
  passed=$((passed + p)); failed=$((failed + f))
done

echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
