#!/usr/bin/env bash
# Run every suite — cmocka unit tests, integration tests against the real
# binaries, container, Kubernetes and image checks, the README's
# configuration table, lint — and end with one line
# "N passed, M failed" summing them all.
#   usage: tests/run.sh BUILD_DIR      (e.g. build/asan)
set -uo pipefail
BUILD=${1:?usage: tests/run.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
passed=0
failed=0

count() { # add "P F" to the totals
  passed=$((passed + $1)); failed=$((failed + $2))
}

# phase TITLE: start a phase, and say how long the previous one took (a
# slower suite shows which part grew).
phase_name=""; phase_start=$SECONDS; timings=""
phase() {
  [ -n "$phase_name" ] && timings+="  $((SECONDS - phase_start)) s  $phase_name"$'\n'
  phase_name=$1; phase_start=$SECONDS
  [ -n "$1" ] && echo "== $1"
}

phase "unit tests (cmocka, ASan+UBSan)"
tests/unit/run.sh "$BUILD" | tee "$OUT/unit.log"
line=$(grep -E '^unit: [0-9]+ passed, [0-9]+ failed' "$OUT/unit.log" | tail -1)
if [ -n "$line" ]; then
  count "$(echo "$line" | awk '{print $2}')" "$(echo "$line" | awk '{print $4}')"
else
  count 0 1
fi

phase "fuzz corpora and saved crashes (replayed, ASan+UBSan)"
for t in "$BUILD"/fuzz/fuzz_*; do
  [ -x "$t" ] || continue
  n=$(basename "$t")
  log="$OUT/$n.log"
  if timeout 300 "$t" "tests/fuzz/corpus/$n" "tests/fuzz/regress/$n" >"$log" 2>&1 &&
     ! grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$log"; then
    echo "PASS $n: $(tail -1 "$log")"; count 1 0
  else
    cat "$log"; echo "FAIL $n"; count 0 1
  fi
done

phase "integration tests (real processes)"
python3 tests/integration/run.py "$BUILD/bin" "$BUILD/tools" | tee "$OUT/integration.log"
line=$(grep -E '^integration: [0-9]+ passed, [0-9]+ failed' "$OUT/integration.log" | tail -1)
if [ -n "$line" ]; then
  count "$(echo "$line" | awk '{print $2}')" "$(echo "$line" | awk '{print $4}')"
else
  count 0 1
fi

# check SCRIPT NAME [ARGS…]: run a script that prints PASS/FAIL lines; count
# them (a script that printed neither counts as one failure).
check() {
  local script=$1 name=$2
  shift 2
  if "$script" "$@" >"$OUT/$name.log" 2>&1; then :; fi
  cat "$OUT/$name.log"
  count "$(grep -c '^PASS' "$OUT/$name.log")" "$(grep -c '^FAIL' "$OUT/$name.log")"
  if ! grep -qE '^(PASS|FAIL)' "$OUT/$name.log"; then count 0 1; fi
}

phase "container files"
check tests/integration/check_compose.sh compose

phase "Kubernetes manifests (kubernetes-models, offline)"
check tests/k8s/check_k8s.sh k8s

phase "README documents every variable of every binary's --help"
check tests/docs/check_readme_config.sh readme "$BUILD/bin"

phase "the image, built from the Dockerfile on a clean Debian 12 (debootstrap + chroot)"
check tests/image/check_rootfs.sh image

phase "lint"
if scripts/lint.sh >"$OUT/lint.log" 2>&1; then
  echo "PASS lint"; count 1 0
else
  cat "$OUT/lint.log"; echo "FAIL lint"; count 0 1
fi

phase ""
echo "== time per phase"
printf '%s' "$timings"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
