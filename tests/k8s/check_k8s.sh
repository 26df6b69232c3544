#!/usr/bin/env bash
# Offline checks of the Kubernetes deployment (no cluster needed):
#   - every object in deploy/k8s/ and deploy/examples/ validates against the
#     Kubernetes schemas with the npm package kubernetes-models (validate.js;
#     installed here with `npm ci` from the pinned lockfile);
#   - a deliberately broken manifest (broken.yaml beside this script) is
#     rejected, so the validation can fail;
#   - with kubectl present, `kubectl kustomize deploy/k8s` renders and the
#     rendered objects validate too (the shard count copied into replicas);
#   - deploy/prometheus/kubernetes.yml passes `promtool check config`.
# Prints PASS/FAIL/SKIP lines; exits 1 if any check failed.
#   usage: tests/k8s/check_k8s.sh
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
HERE=tests/k8s
failed=0
pass() { echo "PASS $1${2:+ ($2)}"; }
fail() { echo "FAIL $1: $2"; failed=1; }
skip() { echo "SKIP $1: $2"; }
finish() {
  [ "$failed" -ne 0 ] && { echo "check_k8s: FAILED"; exit 1; }
  echo "check_k8s: all passed"; exit 0
}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  fail k8s-node "node and npm are needed (scripts/deps.sh installs them)"
  finish
fi
if [ ! -d "$HERE/node_modules/kubernetes-models" ] ||
   [ "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]; then
  if ! out=$(cd "$HERE" && npm ci --no-audit --no-fund 2>&1); then
    fail k8s-npm-ci "$(tail -5 <<<"$out" | tr '\n' ' ')"
    finish
  fi
fi

# deploy/examples: manifests shipped as examples (e.g. a CronJob) validate too.
mapfile -t files < <(find deploy/k8s deploy/examples -name '*.yaml' ! -name kustomization.yaml 2>/dev/null | sort)
out=$(node "$HERE/validate.js" "${files[@]}" 2>&1)
echo "$out"
grep -q '^FAIL' <<<"$out" && failed=1
n=$(grep -c '^PASS' <<<"$out")
[ "$n" -gt 0 ] || fail k8s-valid "no object validated"

# The validation must be able to fail: every object in broken.yaml is wrong
# in one way (see its comments) and each must be refused.
want=$(grep -c '^kind:' "$HERE/broken.yaml")
out=$(node "$HERE/validate.js" "$HERE/broken.yaml" 2>&1)
got=$(grep -c '^FAIL' <<<"$out")
if [ "$got" -eq "$want" ] && [ "$want" -gt 0 ]; then
  pass k8s-valid-rejects-broken "$got of $want broken objects refused"
else
  fail k8s-valid-rejects-broken "refused $got of $want broken objects: $(grep '^PASS' <<<"$out" | tr '\n' ' ')"
fi

if command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  if kubectl kustomize deploy/k8s >"$tmp/rendered.yaml" 2>"$tmp/err"; then
    out=$(node "$HERE/validate.js" "$tmp/rendered.yaml" 2>&1)
    if grep -q '^FAIL' <<<"$out"; then
      echo "$out" | grep '^FAIL'
      fail k8s-kustomize "the rendered objects do not validate"
    else
      pass k8s-kustomize "$(grep -c '^PASS' <<<"$out") objects rendered and valid"
    fi
  else
    fail k8s-kustomize "$(tr '\n' ' ' <"$tmp/err")"
  fi
  rm -rf "$tmp"
else
  skip k8s-kustomize "kubectl not installed (Debian 12 has no package); the replacement is checked by check_compose.sh"
fi

prom=deploy/prometheus/kubernetes.yml
if ! command -v promtool >/dev/null 2>&1; then
  fail prometheus-k8s-config "promtool not installed (Debian: prometheus)"
elif [ ! -f "$prom" ]; then
  fail prometheus-k8s-config "$prom not found"
else
  tmp=$(mktemp -d)
  # Debian's promtool knows no kubernetes_sd_configs: check the file with a
  # static target in its place (relabel rules, regexes, the rest).
  if ! grep -q 'kubernetes_sd_configs' "$prom"; then
    fail prometheus-k8s-config "$prom has no kubernetes_sd_configs"
  elif python3 - "$prom" "$tmp/p.yml" <<'PY' && out=$(promtool check config "$tmp/p.yml" 2>&1); then
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
for j in c.get("scrape_configs", []):
    if j.pop("kubernetes_sd_configs", None) is not None:
        j["static_configs"] = [{"targets": ["placeholder:9100"]}]
yaml.safe_dump(c, open(sys.argv[2], "w"))
PY
    pass prometheus-k8s-config "promtool check config, discovery swapped for a static target"
  else
    fail prometheus-k8s-config "$(tr '\n' ' ' <<<"${out:-}")"
  fi
  rm -rf "$tmp"
fi
finish
