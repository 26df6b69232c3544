#!/usr/bin/env python3
"""Build the root filesystem of the Dockerfile's last stage without Docker.

No Docker engine runs on our machines, so this carries out the runtime
stage's instructions itself on a Debian 12 made by debootstrap — the same
FROM, RUN, COPY, ENV, USER, WORKDIR as `docker build` would run — and writes
the image's configuration (Env, User, WorkingDir, Cmd, Healthcheck, …) as
JSON beside it for tests/image/check_rootfs.sh, which starts the suite
from the result.

  FROM debian:12               the debootstrap --variant=minbase bookworm base
  RUN cmd                      chroot ROOTFS /bin/sh -c cmd, as USER, in WORKDIR,
                               with ARG and ENV set, /proc and /dev mounted in
                               a private mount namespace (nothing leaks)
  COPY src dst                 from the build context (the repository)
  COPY --from=builder /out/x   from BIN/x: the builder stage compiles with the
                               same `make build MODE=release` from the same
                               package list, so the host's release build
                               stands in for it (checked: the builder stage
                               must install build/release/bin/x into /out)
  ENV, ARG, USER, WORKDIR, VOLUME, EXPOSE, STOPSIGNAL, HEALTHCHECK, CMD
                               recorded (WORKDIR and VOLUME also created)

Caching: the debootstrap base is kept as CACHE/base-<suite>.tar; the root
filesystem after every instruction before the first COPY --from (the package
installs and the user) as CACHE/stage-<key>.tar, where key hashes the base,
those instructions and every context file they copy, so changing
scripts/packages/runtime.txt rebuilds it and nothing else does.

usage: dockerfile_rootfs.py --dockerfile F --context DIR --bin DIR
                            --cache DIR --rootfs DIR --config OUT.json
Prints one line per step; exits non-zero with the reason on failure.
"""
import argparse
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import time

MIRROR = os.environ.get("HD_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITES = {"debian:12": "bookworm", "debian:bookworm": "bookworm"}
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class Fail(Exception):
    pass


def log(msg):
    print(f"rootfs: {msg}", flush=True)


def parse(path):
    """[(instruction, rest, line)] with comments dropped, continuations
    joined."""
    out, cur, start = [], "", 0
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if not cur and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if cur and line.lstrip().startswith("#"):
                continue  # a comment inside a continued instruction
            if not cur:
                start = n
            if line.endswith("\\"):
                cur += line[:-1] + " "
                continue
            cur += line
            word, _, rest = cur.strip().partition(" ")
            out.append((word.upper(), rest.strip(), start))
            cur = ""
    if cur:
        raise Fail(f"{path}: the file ends inside a continued line")
    return out


def stages(instrs):
    """[(name, from, [instructions after FROM])]"""
    res = []
    for ins in instrs:
        if ins[0] == "FROM":
            words = ins[1].split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            res.append((name, words[0], []))
        elif not res:
            if ins[0] != "ARG":
                raise Fail(f"line {ins[2]}: {ins[0]} before the first FROM")
        else:
            res[-1][2].append(ins)
    if not res:
        raise Fail("no FROM in the Dockerfile")
    return res


def copy_args(rest):
    """(--from value or None, [sources], dest) of a COPY."""
    if rest.startswith("["):
        words = json.loads(rest)
    else:
        words = shlex.split(rest)
    frm = None
    while words and words[0].startswith("--"):
        opt = words.pop(0)
        if opt.startswith("--from="):
            frm = opt[len("--from="):]
        elif opt.startswith("--chmod=") or opt.startswith("--chown="):
            raise Fail(f"COPY {opt} is not supported by this builder")
    if len(words) < 2:
        raise Fail(f"COPY needs a source and a destination: {rest}")
    return frm, words[:-1], words[-1]


def env_args(rest):
    """ENV k=v k2=v2 (or the old `ENV k v`) as a list of pairs."""
    words = shlex.split(rest)
    if words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    pairs = []
    for w in words:
        k, eq, v = w.partition("=")
        if not eq:
            raise Fail(f"ENV word without '=': {w}")
        pairs.append((k, v))
    return pairs


def context_digest(ctx, src, h):
    """Hash a context source (file or folder) into h."""
    p = os.path.join(ctx, src)
    if not os.path.exists(p):
        raise Fail(f"COPY source {src} is not in the build context")
    if os.path.isfile(p):
        h.update(src.encode() + b"\0" + open(p, "rb").read())
        return
    for d, dirs, files in sorted(os.walk(p)):
        dirs.sort()
        for f in sorted(files):
            fp = os.path.join(d, f)
            h.update(os.path.relpath(fp, ctx).encode() + b"\0")
            h.update(oct(os.stat(fp).st_mode).encode())
            h.update(open(fp, "rb").read())


def untar(tar, root):
    if os.path.exists(root):
        with open("/proc/mounts") as fh:
            if any(f" {root}/" in line or f" {root} " in line for line in fh):
                raise Fail(f"something is mounted under {root}: not removing it")
        shutil.rmtree(root)
    os.makedirs(root)
    subprocess.run(["tar", "-C", root, "--numeric-owner", "-xpf", tar], check=True)


def mktar(root, tar):
    tmp = tar + ".part"
    subprocess.run(["tar", "-C", root, "--numeric-owner", "-cpf", tmp, "."], check=True)
    os.replace(tmp, tar)


def base(cache, suite):
    tar = os.path.join(cache, f"base-{suite}-minbase.tar")
    if os.path.exists(tar):
        return tar
    if not shutil.which("debootstrap"):
        raise Fail("debootstrap is not installed (apt-get install debootstrap; scripts/deps.sh does)")
    tmp = os.path.join(cache, f"base-{suite}.tmp")
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    log(f"debootstrap --variant=minbase {suite} from {MIRROR} (once; cached as {tar})")
    t0 = time.monotonic()
    r = subprocess.run(["debootstrap", "--variant=minbase", suite, tmp, MIRROR],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise Fail("debootstrap failed:\n" + r.stdout[-3000:])
    # apt's downloaded .debs are not part of an image.
    subprocess.run(["sh", "-c", f"rm -rf {shlex.quote(tmp)}/var/cache/apt/archives/*.deb"], check=True)
    mktar(tmp, tar)
    shutil.rmtree(tmp)
    log(f"debootstrap took {time.monotonic() - t0:.0f} s")
    return tar


class Image:
    def __init__(self, root):
        self.root = root
        self.env = {"PATH": PATH}
        self.args = {}
        self.user = "0"
        self.workdir = "/"
        self.config = {"Volumes": [], "ExposedPorts": [], "StopSignal": None,
                       "Healthcheck": None, "Cmd": None}

    def path(self, p):
        return os.path.join(self.root, p.lstrip("/"))

    def run(self, cmd):
        env = dict(self.args)
        env.update(self.env)
        # Docker gives RUN the host's resolver; so do we (for apt-get).
        shutil.copyfile("/etc/resolv.conf", self.path("/etc/resolv.conf"))
        user = self.user if ":" in self.user else f"{self.user}:{self.user}" \
            if self.user.isdigit() else self.user
        inner = (f"mount -t proc proc {shlex.quote(self.path('/proc'))} && "
                 f"mount --bind /dev {shlex.quote(self.path('/dev'))} && "
                 f"exec chroot --userspec={shlex.quote(user)} {shlex.quote(self.root)} "
                 f"/bin/sh -c 'cd \"$0\" && exec /bin/sh -c \"$1\"' "
                 f"{shlex.quote(self.workdir)} {shlex.quote(cmd)}")
        r = subprocess.run(["unshare", "--mount", "--propagation", "private", "--fork",
                            "sh", "-c", inner], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise Fail(f"RUN failed (status {r.returncode}): {cmd}\n{r.stdout[-4000:]}")

    def copy_in(self, src, dst):
        d = self.path(dst)
        if os.path.isdir(src):
            os.makedirs(d, exist_ok=True)
            shutil.copytree(src, d, dirs_exist_ok=True, symlinks=True)
            return
        if dst.endswith("/") or os.path.isdir(d):
            os.makedirs(d, exist_ok=True)
            d = os.path.join(d, os.path.basename(src))
        os.makedirs(os.path.dirname(d), exist_ok=True)
        shutil.copy2(src, d)
        os.chown(d, 0, 0)


def build(a):
    instrs = parse(a.dockerfile)
    st = stages(instrs)
    builder = {name: body for name, _, body in st if name}
    _, frm, body = st[-1]
    suite = SUITES.get(frm)
    if not suite:
        raise Fail(f"the runtime stage is FROM {frm}; this builder makes only {sorted(SUITES)}")
    os.makedirs(a.cache, exist_ok=True)
    base_tar = base(a.cache, suite)

    # The cached prefix: everything before the first COPY --from.
    cut = next((i for i, ins in enumerate(body)
                if ins[0] == "COPY" and copy_args(ins[1])[0]), len(body))
    h = hashlib.sha256(f"{suite}\0{MIRROR}\0".encode())
    for word, rest, _ in body[:cut]:
        h.update(f"{word} {rest}\n".encode())
        if word == "COPY":
            for src in copy_args(rest)[1]:
                context_digest(a.context, src, h)
    key = h.hexdigest()[:16]
    stage_tar = os.path.join(a.cache, f"stage-{key}.tar")
    img = Image(os.path.abspath(a.rootfs))
    cached = os.path.exists(stage_tar)
    untar(stage_tar if cached else base_tar, img.root)
    log(f"{'cached' if cached else 'new'} layers up to line {body[cut][2] if cut < len(body) else 'end'} (key {key})")

    t0 = time.monotonic()
    for i, (word, rest, line) in enumerate(body):
        if i == cut and not cached:
            mktar(img.root, stage_tar)
            for f in os.listdir(a.cache):  # keep one stage: the disk is shared
                if f.startswith("stage-") and f != os.path.basename(stage_tar):
                    os.remove(os.path.join(a.cache, f))
            log(f"cached as {stage_tar} ({time.monotonic() - t0:.0f} s of RUN)")
        skip = i < cut and cached  # replayed from the cache, state still tracked
        if word == "ARG":
            k, _, v = rest.partition("=")
            img.args[k] = v
        elif word == "ENV":
            img.env.update(env_args(rest))
        elif word == "USER":
            img.user = rest.strip()
        elif word == "WORKDIR":
            img.workdir = rest.strip()
            os.makedirs(img.path(img.workdir), exist_ok=True)
        elif word == "RUN":
            if not skip:
                log(f"line {line}: RUN {rest[:70]}…")
                img.run(rest)
        elif word == "COPY":
            frm_stage, srcs, dst = copy_args(rest)
            if skip:
                continue
            for src in srcs:
                if frm_stage is None:
                    img.copy_in(os.path.join(a.context, src), dst)
                    continue
                if frm_stage not in builder:
                    raise Fail(f"line {line}: COPY --from={frm_stage}: no such stage")
                name = os.path.basename(src)
                made = " ".join(r for w, r, _ in builder[frm_stage] if w == "RUN")
                if not src.startswith("/out/") or f"build/release/bin/{name}" not in made:
                    raise Fail(f"line {line}: the {frm_stage} stage does not install "
                               f"build/release/bin/{name} into /out")
                host = os.path.join(a.bin, name)
                if not os.path.exists(host):
                    raise Fail(f"line {line}: {host} not built")
                img.copy_in(host, dst)
        elif word == "VOLUME":
            for v in (json.loads(rest) if rest.startswith("[") else rest.split()):
                os.makedirs(img.path(v), exist_ok=True)
                img.config["Volumes"].append(v)
        elif word == "EXPOSE":
            img.config["ExposedPorts"] += rest.split()
        elif word == "STOPSIGNAL":
            img.config["StopSignal"] = rest.strip()
        elif word == "HEALTHCHECK":
            words = rest.split(" CMD ", 1)
            if len(words) != 2:
                raise Fail(f"line {line}: HEALTHCHECK without CMD")
            opts = dict(o.lstrip("-").split("=", 1) for o in words[0].split())
            cmd = words[1].strip()
            img.config["Healthcheck"] = {"Options": opts,
                                         "Test": json.loads(cmd) if cmd.startswith("[")
                                         else ["CMD-SHELL", cmd]}
        elif word == "CMD":
            img.config["Cmd"] = json.loads(rest) if rest.startswith("[") else ["/bin/sh", "-c", rest]
        elif word == "LABEL":
            pass
        else:
            raise Fail(f"line {line}: {word} is not supported by this builder")
    img.config.update({"Env": [f"{k}={v}" for k, v in img.env.items()],
                       "User": img.user, "WorkingDir": img.workdir, "Suite": suite,
                       "StageKey": key, "StageCached": cached})
    with open(a.config, "w") as fh:
        json.dump(img.config, fh, indent=1)
    log(f"done: {img.root} (config {a.config})")


def main():
    p = argparse.ArgumentParser()
    for opt in ("dockerfile", "context", "bin", "cache", "rootfs", "config"):
        p.add_argument("--" + opt, required=True)
    a = p.parse_args()
    if os.geteuid() != 0:
        print("rootfs: needs root (debootstrap, chroot, mount)", file=sys.stderr)
        return 3
    try:
        build(a)
    except Fail as e:
        print(f"rootfs: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
