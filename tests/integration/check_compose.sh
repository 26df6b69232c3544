#!/usr/bin/env bash
# Static checks of the container deployment files; needs no Docker engine and
# no cluster:
#   - docker-compose.yml is valid for Debian's docker-compose (`config -q`);
#   - every services/<name> has a compose service running hd-<name>, and every
#     compose service runs the binary of an existing services/<name>;
#   - compose's HD_SHARDS equals the number of intake containers;
#   - the Dockerfile builds in release mode, copies all the binaries into
#     /usr/local/bin and runs as a non-root user; .dockerignore keeps build/ out;
#   - every YAML file under deploy/k8s parses (PyYAML, else Ruby, else skipped
#     with a note) and, with PyYAML, the manifests cover every service and
#     agree on the shard count.
# Prints "PASS <check>" or "FAIL <check>: <why>" per check (and "SKIP <check>:
# <why>" for a check it cannot run here); exits 1 if any check failed.
#   usage: tests/integration/check_compose.sh
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 2
COMPOSE_FILE=docker-compose.yml
K8S_DIR=deploy/k8s
failed=0

# pass NAME [DETAIL] | fail NAME WHY | skip NAME WHY; NAME is one word.
pass() { echo "PASS $1${2:+ ($2)}"; }
fail() { echo "FAIL $1: $2"; failed=1; }
skip() { echo "SKIP $1: $2"; }

mapfile -t SERVICES < <(find services -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
if [ ${#SERVICES[@]} -eq 0 ]; then
  fail services-found "no directories under services/"
else
  pass services-found "${SERVICES[*]}"
fi
is_service() { [ -d "services/$1" ]; }

# ---- docker-compose.yml ----
compose_ok=0
if [ ! -f "$COMPOSE_FILE" ]; then
  fail compose-config "$COMPOSE_FILE not found"
elif ! command -v docker-compose >/dev/null 2>&1; then
  fail compose-config "docker-compose not installed (Debian: apt-get install docker-compose)"
elif ! err=$(docker-compose -f "$COMPOSE_FILE" config -q 2>&1); then
  fail compose-config "$(echo "$err" | tr '\n' ' ')"
else
  pass compose-config
  compose_ok=1
fi

if [ "$compose_ok" -eq 1 ]; then
  # The normalized config (variables resolved, anchors merged) is regular
  # enough to read with awk: "  <service>:" under "services:", then
  # "    command:" / "    entrypoint:" as an inline string or a "    - item"
  # list, and "      HD_SHARDS: '1'" under "    environment:".
  # Emits "<service> <command words…>" and "<service> HD_SHARDS=<n>" lines.
  normalized=$(docker-compose -f "$COMPOSE_FILE" config 2>/dev/null)
  parsed=$(awk '
    /^[^ ]/ { in_svcs = ($0 == "services:"); svc = ""; next }
    !in_svcs { next }
    /^  [^ ].*:$/ { sub(/^  /, ""); sub(/:$/, ""); svc = $0; key = ""; next }
    svc == "" { next }
    /^    [^ -]/ {
      key = $1; sub(/:$/, "", key)
      if (key == "command" || key == "entrypoint") {
        v = $0; sub(/^    [a-z_]+:[ ]*/, "", v)
        if (v != "") cmd[svc] = cmd[svc] " " v
      }
      next
    }
    /^    - / && (key == "command" || key == "entrypoint") {
      v = $0; sub(/^    - /, "", v); cmd[svc] = cmd[svc] " " v; next
    }
    /^      HD_SHARDS:/ && key == "environment" {
      v = $2; gsub(/["\047]/, "", v); print svc " HD_SHARDS=" v; next
    }
    END { for (s in cmd) print s " CMD" cmd[s] }
  ' <<<"$normalized")
  mapfile -t compose_services < <(docker-compose -f "$COMPOSE_FILE" config --services 2>/dev/null | sort)

  # binary_of SERVICE: the hd-<name> word(s) its command names (basename).
  binary_of() {
    awk -v s="$1" '$1 == s && $2 == "CMD" {
      for (i = 3; i <= NF; i++) {
        w = $i; gsub(/["\047;&|]/, "", w); sub(/.*\//, "", w)
        if (w ~ /^hd-[a-z0-9_-]+$/) print w
      }
    }' <<<"$parsed" | sort -u
  }

  declare -A runs=()
  for cs in "${compose_services[@]}"; do
    mapfile -t bins < <(binary_of "$cs")
    if [ ${#bins[@]} -eq 0 ]; then
      fail "compose-service-$cs" "its command names no hd-<service> binary"
    elif [ ${#bins[@]} -gt 1 ]; then
      fail "compose-service-$cs" "its command names several binaries: ${bins[*]}"
    elif ! is_service "${bins[0]#hd-}"; then
      fail "compose-service-$cs" "runs ${bins[0]} but services/${bins[0]#hd-} does not exist"
    else
      pass "compose-service-$cs" "${bins[0]}"
      runs[${bins[0]#hd-}]+="$cs "
    fi
  done
  for s in "${SERVICES[@]}"; do
    if [ -n "${runs[$s]:-}" ]; then
      pass "compose-runs-$s" "${runs[$s]% }"
    else
      fail "compose-runs-$s" "no compose service runs hd-$s"
    fi
  done

  # Every container must agree on HD_SHARDS = number of intake containers.
  if is_service intake; then
    n_intake=$(wc -w <<<"${runs[intake]:-}")
    bad=$(awk -v n="$n_intake" '$2 ~ /^HD_SHARDS=/ {
      v = $2; sub(/^HD_SHARDS=/, "", v); if (v != n) printf "%s=%s ", $1, v
    }' <<<"$parsed")
    missing=""
    for cs in "${compose_services[@]}"; do
      grep -q "^$cs HD_SHARDS=" <<<"$parsed" || missing+="$cs "
    done
    if [ -n "$bad" ]; then
      fail compose-shards "HD_SHARDS differs from the $n_intake intake container(s): ${bad% }"
    elif [ -n "$missing" ]; then
      fail compose-shards "HD_SHARDS not set for: ${missing% } (default 1; set it everywhere)"
    else
      pass compose-shards "HD_SHARDS=$n_intake everywhere"
    fi
  fi
fi

# ---- Dockerfile ----
if [ ! -f Dockerfile ]; then
  fail dockerfile "Dockerfile not found"
else
  # Instructions only: drop comments, join continuation lines.
  instr=$(sed -e 's/^[[:space:]]*#.*$//' Dockerfile | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta')
  copies=$(grep -iE '^[[:space:]]*COPY[[:space:]]' <<<"$instr")
  for s in "${SERVICES[@]}"; do
    if grep -E "(^|[/[:space:]])hd-$s([[:space:]]|$)" <<<"$copies" |
         grep -qE '/usr/local/bin/?(hd-'"$s"')?[[:space:]]*$'; then
      pass "dockerfile-copies-hd-$s"
    else
      fail "dockerfile-copies-hd-$s" "no COPY of hd-$s into /usr/local/bin"
    fi
  done
  if grep -qE 'make[^&;|]*[[:space:]]build([[:space:]]|$)' <<<"$instr" &&
     grep -qE 'make[^&;|]*MODE=release' <<<"$instr"; then
    pass dockerfile-build-release
  else
    fail dockerfile-build-release "no 'make build MODE=release' in the builder stage"
  fi
  last_user=$(grep -iE '^[[:space:]]*USER[[:space:]]' <<<"$instr" | tail -n1 | awk '{print $2}')
  if [ -z "$last_user" ]; then
    fail dockerfile-nonroot "no USER instruction: the image runs as root"
  elif [[ "$last_user" =~ ^(root|0)(:.*)?$ ]]; then
    fail dockerfile-nonroot "final USER is $last_user"
  else
    pass dockerfile-nonroot "USER $last_user"
  fi
  if grep -qiE '^[[:space:]]*VOLUME[[:space:]].*/var/lib/hanadesk' <<<"$instr"; then
    pass dockerfile-volume
  else
    fail dockerfile-volume "no VOLUME /var/lib/hanadesk"
  fi
fi
if [ -f .dockerignore ] && grep -qE '^/?build/?(\*\*?)?$' .dockerignore; then
  pass dockerignore-build
else
  fail dockerignore-build ".dockerignore must exclude build/ (a stale host build makes make skip the image build)"
fi

# ---- deploy/k8s ----
mapfile -t yamls < <(find "$K8S_DIR" -type f \( -name '*.yaml' -o -name '*.yml' \) 2>/dev/null | sort)
if [ ${#yamls[@]} -eq 0 ]; then
  fail k8s-yaml "no YAML files under $K8S_DIR"
else
  PY=""
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import yaml' >/dev/null 2>&1; then
      PY=$p
      break
    fi
  done
  if [ -n "$PY" ]; then
    # One line per check, in the PASS/FAIL format, from Python.
    out=$("$PY" - "$K8S_DIR" "${SERVICES[@]}" <<'PYEOF'
import os, re, sys, yaml

k8s_dir, services = sys.argv[1], sys.argv[2:]
lines, docs = [], []
def out(ok, name, why="", detail=""):
    lines.append((f"PASS {name}" + (f" ({detail})" if detail else "")) if ok
                 else f"FAIL {name}: {why}")

files = sorted(os.path.join(d, f) for d, _, fs in os.walk(k8s_dir)
               for f in fs if f.endswith((".yaml", ".yml")))
for path in files:
    try:
        with open(path) as fh:
            loaded = [d for d in yaml.safe_load_all(fh) if d is not None]
    except yaml.YAMLError as e:
        out(False, f"yaml:{path}", " ".join(str(e).split()))
        continue
    bad = [i for i, d in enumerate(loaded)
           if not isinstance(d, dict) or not d.get("apiVersion") or not d.get("kind")]
    if bad:
        out(False, f"yaml:{path}", f"document(s) {bad} lack apiVersion/kind")
        continue
    out(True, f"yaml:{path}")
    docs += [(path, d) for d in loaded]

def named(kind):
    return {d["metadata"]["name"]: d for _, d in docs
            if d.get("kind") == kind and d.get("metadata", {}).get("name")}
sts, deps, svcs, cms = named("StatefulSet"), named("Deployment"), named("Service"), named("ConfigMap")

def containers(w):
    return (w.get("spec", {}).get("template", {}).get("spec", {}) or {}).get("containers") or []
def runs(w, binary):
    for c in containers(w):
        words = " ".join(str(x) for x in (c.get("command") or []) + (c.get("args") or []))
        if re.search(r"(^|[\s/])" + re.escape(binary) + r"($|[\s;&|])", words):
            return True
    return False

for s in services:
    kind, pool = ("Deployment", deps) if s == "gateway" else ("StatefulSet", sts)
    hits = [n for n, w in pool.items() if runs(w, f"hd-{s}")]
    name = f"k8s-{kind.lower()}-{s}"
    if not hits:
        out(False, name, f"no {kind} runs hd-{s}")
        continue
    w = pool[hits[0]]
    spec, why = w["spec"], []
    pspec = spec.get("template", {}).get("spec", {})
    for c in containers(w):
        for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
            got = ((c.get(probe) or {}).get("httpGet") or {}).get("path")
            if got != path:
                why.append(f"{c.get('name')}: {probe} path {got!r}, want {path}")
    if kind == "StatefulSet":
        if not spec.get("volumeClaimTemplates"):
            why.append("no volumeClaimTemplates")
        hs = svcs.get(spec.get("serviceName", ""))
        if not hs or hs["spec"].get("clusterIP") != "None":
            why.append(f"serviceName {spec.get('serviceName')!r} is not a headless Service")
    else:
        labels = (spec.get("template", {}).get("metadata", {}).get("labels") or {}).items()
        if not any((sv["spec"].get("selector") or {}) and
                   (sv["spec"].get("selector") or {}).items() <= labels
                   for sv in svcs.values() if sv["spec"].get("clusterIP") != "None"):
            why.append("no (non-headless) Service selects the gateway pods")
    if pspec.get("securityContext", {}).get("runAsNonRoot") is not True:
        why.append("pod securityContext.runAsNonRoot is not true")
    out(not why, name, "; ".join(why), hits[0])

# HD_SHARDS (ConfigMap) must equal the intake StatefulSet's replicas.
intake = next((w for w in sts.values() if runs(w, "hd-intake")), None)
shards = [(n, c.get("data", {}).get("HD_SHARDS")) for n, c in cms.items()
          if "HD_SHARDS" in (c.get("data") or {})]
if intake is None:
    out(False, "k8s-shards", "no intake StatefulSet")
elif len(shards) != 1:
    out(False, "k8s-shards", f"want HD_SHARDS in exactly one ConfigMap, found {shards}")
else:
    rep = intake["spec"].get("replicas", 1)
    out(str(rep) == str(shards[0][1]), "k8s-shards",
        f"ConfigMap {shards[0][0]} HD_SHARDS={shards[0][1]} but intake replicas={rep}",
        f"HD_SHARDS={shards[0][1]}, intake replicas={rep}")

# kustomization.yaml lists every manifest and nothing missing.
kpath = os.path.join(k8s_dir, "kustomization.yaml")
if not os.path.exists(kpath):
    out(False, "k8s-kustomization", "deploy/k8s/kustomization.yaml not found")
else:
    k = yaml.safe_load(open(kpath)) or {}
    listed = set(k.get("resources") or [])
    missing = sorted(r for r in listed if not os.path.exists(os.path.join(k8s_dir, r)))
    top = {f for f in os.listdir(k8s_dir) if f.endswith((".yaml", ".yml"))} - {"kustomization.yaml"}
    unlisted = sorted(top - listed)
    why = []
    if missing: why.append(f"listed but missing: {missing}")
    if unlisted: why.append(f"not listed: {unlisted}")
    out(not why, "k8s-kustomization", "; ".join(why))
print("\n".join(lines))
PYEOF
    )
    rc=$?
    echo "$out"
    if [ $rc -ne 0 ]; then
      fail k8s-checks "the Python checker crashed (status $rc)"
    elif grep -q '^FAIL ' <<<"$out"; then
      failed=1
    fi
  elif command -v ruby >/dev/null 2>&1; then
    for y in "${yamls[@]}"; do
      if err=$(ruby -ryaml -e 'YAML.load_stream(File.read(ARGV[0]))' "$y" 2>&1); then
        pass "yaml:$y"
      else
        fail "yaml:$y" "$(echo "$err" | head -n1)"
      fi
    done
    skip k8s-structure "PyYAML not installed; only YAML syntax was checked (with Ruby)"
  else
    skip k8s-yaml "neither PyYAML (python3 -c 'import yaml') nor Ruby is installed; YAML under $K8S_DIR not checked"
  fi
fi

if [ "$failed" -ne 0 ]; then
  echo "check_compose: FAILED"
  exit 1
fi
echo "check_compose: all passed"
