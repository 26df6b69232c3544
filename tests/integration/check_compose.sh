#!/usr/bin/env bash
# Static checks of the container deployment files; needs no Docker engine and
# no cluster:
#   - docker-compose.yml is valid for Debian's docker-compose (`config -q`);
#   - every services/<name> has a compose service running hd-<name>, and every
#     compose service runs the binary of an existing services/<name>;
#   - compose's HD_SHARDS equals the number of intake containers;
#   - the cluster key: every service reads HD_CLUSTER_KEY_FILE from the
#     cluster-key volume that the one-shot cluster-key service fills from a
#     compose secret; no default admin token (no "change-me-now" anywhere);
#     HD_SMTP_* reach notifications; the image tag is VERSION, not latest;
#   - the Dockerfile builds in release mode, copies all the binaries into
#     /usr/local/bin and runs as a non-root user; .dockerignore keeps build/ out;
#   - every YAML file under deploy/k8s parses (PyYAML, else Ruby, else skipped
#     with a note) and, with PyYAML, the manifests cover every service, take
#     the shard count from one place, have startup/readiness/liveness probes,
#     memory requests and limits, a PodDisruptionBudget, volumes of at least
#     HD_MAP_MAX_MB + 20 %, the cluster key from a Secret, a NetworkPolicy
#     that opens each RPC port only to the pods that call it, the image at
#     VERSION; with kubectl, `kubectl kustomize` renders them and intake's
#     replicas follow HD_SHARDS.
# (tests/k8s/check_k8s.sh validates every object against the Kubernetes
# schemas with kubernetes-models.)
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

# One-shot helpers in docker-compose.yml that run no hd-<service> binary.
HELPERS=" cluster-key "
VERSION=$(cat VERSION 2>/dev/null)

# The services: the Makefile's SERVICES (services/workspace holds the web
# app the gateway embeds, not a service of its own).
mapfile -t SERVICES < <(sed -n 's/^SERVICES := //p' Makefile | tr ' ' '\n' | sed '/^$/d' | sort)
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
    [[ "$HELPERS" == *" $cs "* ]] && continue
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
      [[ "$HELPERS" == *" $cs "* ]] && continue
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

  # The cluster key and the rest of the container configuration, from the
  # normalized config (a YAML document: PyYAML reads it when present).
  if python3 -c 'import yaml' 2>/dev/null; then
    out=$(python3 - "$VERSION" "$HELPERS" <(printf '%s\n' "$normalized") <<'PYEOF'
import sys, yaml
version, helpers = sys.argv[1], sys.argv[2].split()
c = yaml.safe_load(open(sys.argv[3]))
svcs = c.get("services", {})
def out(ok, name, why="", detail=""):
    print((f"PASS {name}" + (f" ({detail})" if detail else "")) if ok else f"FAIL {name}: {why}")
key = svcs.get("cluster-key")
why = []
if not key:
    why.append("no cluster-key service")
else:
    if "cluster_key" not in [s if isinstance(s, str) else s.get("source") for s in key.get("secrets", [])]:
        why.append("cluster-key does not get the cluster_key secret")
    if "cluster_key" not in (c.get("secrets") or {}):
        why.append("no top-level cluster_key secret (file:)")
    cmd = " ".join(key.get("command") or [])
    if "-m 0600" not in cmd or "10001" not in cmd:
        why.append(f"cluster-key must install the key 0600 for uid 10001: {cmd}")
for n, s in svcs.items():
    if n in helpers:
        continue
    env = s.get("environment") or {}
    f = env.get("HD_CLUSTER_KEY_FILE", "")
    vols = [v if isinstance(v, str) else f"{v.get('source')}:{v.get('target')}" for v in s.get("volumes") or []]
    if not f.startswith("/run/hanadesk/"):
        why.append(f"{n}: HD_CLUSTER_KEY_FILE={f!r}, want the key volume's file")
    elif not any(v.startswith("cluster-key:/run/hanadesk") for v in vols):
        why.append(f"{n}: does not mount the cluster-key volume at /run/hanadesk")
    dep = s.get("depends_on") or {}
    if "cluster-key" not in dep or (isinstance(dep, dict) and
            dep["cluster-key"].get("condition") != "service_completed_successfully"):
        why.append(f"{n}: does not wait for cluster-key to complete")
out(not why, "compose-cluster-key", "; ".join(why))
tok = (svcs.get("intake-0", {}).get("environment") or {}).get("HD_ADMIN_TOKEN")
out(tok in (None, ""), "compose-admin-token", f"HD_ADMIN_TOKEN defaults to {tok!r}: require it or let intake generate it",
    "empty: intake-0 generates one")
env = svcs.get("notifications", {}).get("environment") or {}
miss = [v for v in ("HD_SMTP_URL", "HD_SMTP_STARTTLS", "HD_SMTP_USER", "HD_SMTP_PASSWORD") if v not in env]
out(not miss, "compose-smtp", f"notifications lacks {miss}")
bad = sorted({s.get("image", "") for s in svcs.values() if s.get("image") != f"hanadesk:{version}"})
out(bool(version) and not bad, "compose-image-tag", f"images {bad}, want hanadesk:{version} (VERSION)", f"hanadesk:{version}")
PYEOF
    )
    echo "$out"
    grep -q '^FAIL' <<<"$out" && failed=1
  else
    skip compose-cluster-key "PyYAML not installed"
  fi
fi
if grep -rn 'change-me-now' "$COMPOSE_FILE" "$K8S_DIR" >/dev/null 2>&1; then
  fail no-default-token "a default admin token 'change-me-now' is still in: $(grep -rln 'change-me-now' "$COMPOSE_FILE" "$K8S_DIR" | tr '\n' ' ')"
else
  pass no-default-token
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
  for extra in hd-mail-ingest; do
    if grep -qE "COPY[[:space:]]+--from=builder[[:space:]]+/out/$extra[[:space:]]+/usr/local/bin" <<<"$copies"; then
      pass "dockerfile-copies-$extra"
    else
      fail "dockerfile-copies-$extra" "no COPY of $extra into /usr/local/bin"
    fi
  done
  if grep -qiE '^[[:space:]]*HEALTHCHECK[[:space:]].*CMD[[:space:]].*/healthz' <<<"$instr"; then
    pass dockerfile-healthcheck
  else
    fail dockerfile-healthcheck "no HEALTHCHECK … CMD … /healthz"
  fi
  # One package list: the stages install scripts/packages/{build,runtime}.txt
  # through install.sh, never a list of their own.
  if grep -qE 'install\.sh build' <<<"$instr" && grep -qE 'install\.sh runtime' <<<"$instr" &&
     ! grep -qE 'apt-get install' <<<"$instr"; then
    pass dockerfile-package-lists
  else
    fail dockerfile-package-lists "the Dockerfile must install scripts/packages/build.txt and runtime.txt with install.sh (no apt-get install of its own)"
  fi
  if grep -qE 'install\.sh" --print build runtime test|install\.sh --print build runtime test' scripts/deps.sh; then
    pass deps-package-lists
  else
    fail deps-package-lists "scripts/deps.sh does not read scripts/packages/{build,runtime,test}.txt"
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

# One shard count: HD_SHARDS in exactly one ConfigMap, copied into the intake
# StatefulSet's replicas by a kustomize replacement.
intake = next((w for w in sts.values() if runs(w, "hd-intake")), None)
shards = [(n, c.get("data", {}).get("HD_SHARDS")) for n, c in cms.items()
          if "HD_SHARDS" in (c.get("data") or {})]
kpath = os.path.join(k8s_dir, "kustomization.yaml")
kust = (yaml.safe_load(open(kpath)) or {}) if os.path.exists(kpath) else {}
def replaces_shards(r):
    src, ok = r.get("source") or {}, False
    if (src.get("kind"), src.get("fieldPath")) != ("ConfigMap", "data.HD_SHARDS"):
        return False
    if src.get("name") != (shards[0][0] if shards else None):
        return False
    for t in r.get("targets") or []:
        sel = t.get("select") or {}
        if sel.get("kind") == "StatefulSet" and intake and sel.get("name") == intake["metadata"]["name"] \
                and "spec.replicas" in (t.get("fieldPaths") or []):
            ok = True
    return ok
if intake is None:
    out(False, "k8s-shards", "no intake StatefulSet")
elif len(shards) != 1:
    out(False, "k8s-shards", f"want HD_SHARDS in exactly one ConfigMap, found {shards}")
elif not any(replaces_shards(r) for r in kust.get("replacements") or []):
    out(False, "k8s-shards", "kustomization.yaml does not copy the ConfigMap's HD_SHARDS into the intake StatefulSet's spec.replicas")
elif str(intake["spec"].get("replicas", 1)) != str(shards[0][1]):
    out(False, "k8s-shards", f"HD_SHARDS={shards[0][1]} but intake.yaml says replicas={intake['spec'].get('replicas')} (kubectl apply -f users get that)")
else:
    out(True, "k8s-shards", detail=f"HD_SHARDS={shards[0][1]} -> intake replicas (kustomize replacement)")

# Probes, resources, the cluster key, the image, volumes and PDBs.
pdbs = [d for _, d in docs if d.get("kind") == "PodDisruptionBudget"]
def mib(q):
    m = re.fullmatch(r"(\d+)(Mi|Gi|Ti)", str(q))
    return int(m.group(1)) * {"Mi": 1, "Gi": 1024, "Ti": 1 << 20}[m.group(2)] if m else None
key_file = next((c["data"].get("HD_CLUSTER_KEY_FILE") for c in cms.values()
                 if "HD_CLUSTER_KEY_FILE" in (c.get("data") or {})), None)
version = open("VERSION").read().strip() if os.path.exists("VERSION") else ""
for wname, w in list(sts.items()) + list(deps.items()):
    why = []
    pod = w["spec"]["template"]
    pspec = pod.get("spec") or {}
    labels = (pod.get("metadata") or {}).get("labels") or {}
    for c in pspec.get("containers") or []:
        cn = c.get("name")
        if not (c.get("startupProbe") or {}).get("httpGet"):
            why.append(f"{cn}: no startupProbe")
        res = c.get("resources") or {}
        req = mib((res.get("requests") or {}).get("memory"))
        lim = mib((res.get("limits") or {}).get("memory"))
        if req is None or lim is None:
            why.append(f"{cn}: memory requests and limits (Mi/Gi) are required")
        elif lim < req:
            why.append(f"{cn}: memory limit {lim}Mi below request {req}Mi")
        mounts = [m.get("mountPath") for m in c.get("volumeMounts") or []]
        if not key_file or not any(key_file.startswith(m.rstrip("/") + "/") for m in mounts):
            why.append(f"{cn}: HD_CLUSTER_KEY_FILE={key_file} is not on a mounted volume")
    for c in (pspec.get("containers") or []) + (pspec.get("initContainers") or []):
        if c.get("image") != f"hanadesk:{version}":
            why.append(f"{c.get('name')}: image {c.get('image')}, want hanadesk:{version} (VERSION)")
    if not any((v.get("secret") or {}).get("secretName") == "hanadesk-cluster-key"
               for v in pspec.get("volumes") or []):
        why.append("the cluster key Secret hanadesk-cluster-key is not mounted")
    if not any((p["spec"].get("selector") or {}).get("matchLabels", {}).items() <= labels.items()
               and (p["spec"].get("selector") or {}).get("matchLabels") for p in pdbs):
        why.append("no PodDisruptionBudget selects its pods")
    if w["kind"] == "StatefulSet":
        env = {e.get("name"): e.get("value") for c in pspec.get("containers") or [] for e in c.get("env") or []}
        mmax = env.get("HD_MAP_MAX_MB")
        claims = w["spec"].get("volumeClaimTemplates") or []
        size = mib(((claims[0].get("spec") or {}).get("resources") or {}).get("requests", {}).get("storage")) if claims else None
        if not mmax or not mmax.isdigit():
            why.append("HD_MAP_MAX_MB not set in the container's env (the volume must hold the map)")
        elif size is None or size < int(mmax) * 1.2:
            why.append(f"volume {size}Mi is smaller than HD_MAP_MAX_MB={mmax} + 20 %")
    out(not why, f"k8s-ops-{wname}", "; ".join(why))
tag = [i.get("newTag") for i in kust.get("images") or [] if i.get("name") == "hanadesk"]
out(tag == [version] and version not in ("", "latest"), "k8s-image-tag",
    f"kustomization images newTag {tag}, want [{version!r}] (VERSION)", f"hanadesk:{version}")

# NetworkPolicy: deny by default; each service's RPC port open exactly to
# the gateway, its consumers (events.since) and, for intake, routing
# (tickets.write); its event port exactly to its consumers. The consumers
# come from each service's `sources[]` in services/<name>/main.c.
consumers = {s: set() for s in services}
for s in services:
    try:
        src = open(f"services/{s}/main.c").read()
    except OSError:
        continue
    m = re.search(r"sources\[\]\s*=\s*\{([^}]*)\}", src)
    # "intake@0": one shard of a source (intake shards read shard 0)
    for p in re.findall(r'"([a-z]+)(?:@[0-9]+)?"', m.group(1)) if m else []:
        consumers.setdefault(p, set()).add(s)
callers = {"intake": {"routing"}}  # RPCs besides the gateway's and events.since
nps = [d for _, d in docs if d.get("kind") == "NetworkPolicy"]
deny = [p for p in nps if p["spec"].get("podSelector") in ({}, None)
        and "Ingress" in (p["spec"].get("policyTypes") or []) and not p["spec"].get("ingress")]
out(bool(deny), "k8s-netpol-default-deny", "no NetworkPolicy denies ingress to every pod by default")
def allowed(pol, port):
    names = set()
    for rule in pol["spec"].get("ingress") or []:
        if not any(p.get("port") == port for p in rule.get("ports") or []):
            continue
        if not rule.get("from"):
            names.add("*")
        for f in rule.get("from") or []:
            names.add(((f.get("podSelector") or {}).get("matchLabels") or {}).get("app.kubernetes.io/name", "*"))
    return names
for s in services:
    if s == "gateway":
        continue
    pols = [p for p in nps if ((p["spec"].get("podSelector") or {}).get("matchLabels") or {}).get("app.kubernetes.io/name") == s]
    if not pols:
        out(False, f"k8s-netpol-{s}", f"no NetworkPolicy selects {s}")
        continue
    want_rpc = {"gateway"} | consumers.get(s, set()) | callers.get(s, set())
    want_pub = consumers.get(s, set())
    got_rpc = set().union(*(allowed(p, "rpc") for p in pols))
    got_pub = set().union(*(allowed(p, "events") for p in pols))
    why = []
    if got_rpc != want_rpc:
        why.append(f"rpc from {sorted(got_rpc)}, want {sorted(want_rpc)}")
    if got_pub != want_pub:
        why.append(f"events from {sorted(got_pub)}, want {sorted(want_pub)}")
    out(not why, f"k8s-netpol-{s}", "; ".join(why), f"rpc: {', '.join(sorted(want_rpc))}")

# kustomization.yaml lists every manifest and nothing missing.
if not os.path.exists(kpath):
    out(False, "k8s-kustomization", "deploy/k8s/kustomization.yaml not found")
else:
    listed = set(kust.get("resources") or [])
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
