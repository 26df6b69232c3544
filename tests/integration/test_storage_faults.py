"""Storage faults: a store that runs out of map space grows its map while it
may, then refuses writes with 507 and a log line — never a crash, never a
half-written ticket — and recovers when space is given. A full disk (a small
tmpfs under intake's data directory) behaves the same way."""
import os
import subprocess

from harness import Suite, create_ticket

BODY = "배송 지연 문의입니다. " * 1800  # ~56 KB of Korean text (limit 64 KB)


def fill_until_refused(client, limit=400):
    """Create big tickets until one is refused; returns (ids, refusal)."""
    ids = []
    for i in range(limit):
        r = create_ticket(client, subject=f"용량 테스트 {i}", body=BODY)
        if r.status != 201:
            return ids, r
        ids.append(r.json["ticket"]["id"])
    raise AssertionError(f"{limit} big tickets all accepted: the limit never bit")


def assert_intact(client, ids):
    for tid in ids:
        r = client.request("GET", f"/api/v2/tickets/{tid}.json")
        assert r.status == 200, (tid, r.status, r.raw[:200])
        assert r.json["ticket"]["description"] == BODY.strip() or \
            r.json["ticket"]["description"].startswith("배송 지연 문의입니다."), tid


def assert_refusal(s, r):
    assert r.status == 507, (r.status, r.raw[:300])
    err = r.json
    assert err["error"] == "InsufficientStorage", err
    assert "full" in err["description"].lower(), err
    assert s.procs["intake-0"].poll() is None, "intake died on a full store"
    assert s.admin_get("intake-0", "/healthz")[0] == 200
    log = open(s.logs["intake-0"], errors="replace").read()
    assert "store.full" in log or "store.commit_failed" in log, log[-2000:]


def test_map_full_grows_then_507_then_recovers(ctx):
    env = {"HD_MAP_SIZE_MB": "2", "HD_MAP_MAX_MB": "8"}
    with Suite(ctx.bin_dir, services=["intake", "gateway"], env=env).start() as s:
        c = s.client()
        ids, refusal = fill_until_refused(c)
        log = open(s.logs["intake-0"], errors="replace").read()
        # 2 → 4 → 8 MiB, then refused.
        assert "from_mb=2 to_mb=4" in log and "from_mb=4 to_mb=8" in log, log[-2000:]
        assert len(ids) > 10, len(ids)
        assert_refusal(s, refusal)
        # Refused again (no half-write made it worse), reads still work.
        assert create_ticket(c, subject="또", body=BODY).status == 507
        assert_intact(c, ids)
        # Space is given: a larger limit after a restart.
        assert s.stop_service("intake") == 0
        s.start_service("intake", extra_env={"HD_MAP_MAX_MB": "64"})
        s.wait_ready("intake")
        r = create_ticket(c, subject="복구됨", body=BODY)
        assert r.status == 201, (r.status, r.raw[:300])
        assert_intact(c, ids + [r.json["ticket"]["id"]])


def as_root(cmd):
    """Mounting needs root: run directly when we are, else via sudo -n (the
    same route scripts/deps.sh takes to install packages)."""
    if os.geteuid() != 0:
        cmd = ["sudo", "-n"] + cmd
    return subprocess.run(cmd, capture_output=True, text=True)


def test_full_disk_507_then_recovers(ctx):
    suite = Suite(ctx.bin_dir, services=["intake", "gateway"])
    mnt = os.path.join(suite.data, "intake-0")
    os.makedirs(mnt)
    m = as_root(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt])
    assert m.returncode == 0, f"cannot mount a tmpfs (need root): {m.stderr}"
    try:
        with suite.start() as s:
            c = s.client()
            ids, refusal = fill_until_refused(c)
            assert len(ids) > 3, len(ids)
            assert_refusal(s, refusal)
            assert_intact(c, ids)
            # Space is given: grow the tmpfs while intake runs.
            g = as_root(["mount", "-o", "remount,size=64m", mnt])
            assert g.returncode == 0, g.stderr
            r = create_ticket(c, subject="디스크 복구", body=BODY)
            assert r.status == 201, (r.status, r.raw[:300])
            assert_intact(c, ids + [r.json["ticket"]["id"]])
            # And a restart opens the store cleanly.
            assert s.stop_service("intake") == 0
            s.restart("intake")
            assert_intact(c, ids + [r.json["ticket"]["id"]])
    finally:
        as_root(["umount", "-l", mnt])
