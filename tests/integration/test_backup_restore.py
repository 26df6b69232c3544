"""hd-backup / hd-restore and source incarnations (docs/operations.md).

Restoring one store from an older copy makes it reuse sequences and ids:
consumers must notice (the restored store has a new incarnation), stop
applying from it, say so on /api/v2/hd/bus and in metrics, and apply nothing
of the restored store's different history until an operator re-syncs them.
Restoring a whole backup set gives a suite that converges with the same
tickets."""
import os
import subprocess
import time

from harness import SERVICES, Suite, create_ticket

STATEFUL = ["intake", "routing", "knowledge", "notifications", "metrics"]
CONSUMERS = ["routing", "knowledge", "notifications", "metrics"]


def tool(ctx, name, *args):
    r = subprocess.run([os.path.join(ctx.bin_dir, name), *args], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, (name, args, r.stdout, r.stderr)
    return r.stdout


def open_view(c):
    r = c.request("POST", "/api/v2/views.json", {"view": {
        "title": "Everything open",
        "all": [{"field": "status", "operator": "less_than", "value": "solved"}]}})
    assert r.status == 201, r
    return r.json["view"]["id"]


def routing_subjects(c, view):
    """{id: subject} as routing has them (views are answered by routing)."""
    r = c.request("GET", f"/api/v2/views/{view}/tickets.json")
    assert r.status == 200, r
    return {t["id"]: t["subject"] for t in r.json["tickets"]}


def new_ticket(c, subject):
    r = create_ticket(c, subject=subject, body="백업 복원 시험")
    assert r.status == 201, r
    return r.json["ticket"]["id"]


def wait_for(what, fn, timeout=60):
    deadline, last = time.time() + timeout, None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what} not seen in {timeout}s; last: {last!r}")


def intake_cursors(bus):
    """{consumer service: its cursor for intake/0}."""
    return {c["service"]: cur for c in bus["consumers"] if c.get("reachable")
            for cur in c["cursors"] if cur["source"] == "intake" and cur["shard"] == 0}


def test_restore_one_store_is_detected_not_applied(ctx):
    backup = None
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        view = open_view(c)
        for i in range(2):
            new_ticket(c, f"before {i}")
        s.wait_converged()
        backup = os.path.join(s.dir, "backup")
        out = tool(ctx, "hd-backup", "--data", s.data, "--out", backup, "--store", "intake-0")
        assert "intake-0" in out and "routing-0" not in out, out
        after = [new_ticket(c, f"after {i}") for i in range(2)]
        s.wait_converged()
        assert routing_subjects(c, view)[after[0]] == "after 0"
        old_inc = {x["source"]: x.get("incarnation") for x in s.bus()["sources"]}["intake"]

        assert s.stop_service("intake") == 0
        out = tool(ctx, "hd-restore", "--from", backup, "--data", s.data, "--store", "intake-0")
        assert "intake-0 restored" in out, out
        s.restart("intake")
        reused = new_ticket(c, "다른 티켓 reused id")
        # The restored intake hands out the id again: the scenario.
        assert reused == after[0], (reused, after)
        got = c.request("GET", f"/api/v2/tickets/{reused}.json")
        assert got.status == 200 and got.json["ticket"]["subject"] == "다른 티켓 reused id", got

        def diverged():
            bus = s.bus()
            cur = intake_cursors(bus)
            if len(cur) == 4 and all(x["failed"] for x in cur.values()):
                return bus
            return None
        bus = wait_for("every consumer stopping on intake", diverged)
        assert bus["converged"] is False
        for svc, cur in intake_cursors(bus).items():
            assert cur["reason"] == "incarnation_changed", (svc, cur)
            assert cur["incarnation"] == old_inc, (svc, cur)
        new_inc = {x["source"]: x.get("incarnation") for x in bus["sources"]}["intake"]
        assert new_inc and new_inc != old_inc, (new_inc, old_inc)
        # Metrics and logs say so too.
        for svc in CONSUMERS:
            got = s.metric(f"{svc}-0", 'hd_bus_source_diverged{source="intake",shard="0",'
                                       'reason="incarnation_changed"}')
            assert got == 1, (svc, got)
            assert s.metric(f"{svc}-0", 'hd_bus_source_failed{source="intake",shard="0"}') == 1
        with open(s.logs["routing-0"], errors="replace") as f:
            assert "bus.source_diverged" in f.read()
        # No wrong data: routing still has the ticket it was told about,
        # not the restored intake's different one under the same id.
        assert routing_subjects(c, view)[after[0]] == "after 0"
        # The stop survives a restart of the consumer.
        assert s.stop_service("routing") == 0
        s.restart("routing")
        cur = intake_cursors(s.bus())["routing"]
        assert cur["failed"] and cur["reason"] == "incarnation_changed", cur
        assert routing_subjects(c, view)[after[0]] == "after 0"

        # The runbook's re-sync: stop the consumers, point them at the
        # restored intake, start them; the suite converges on its history.
        for svc in CONSUMERS:
            assert s.stop_service(svc) == 0
        out = tool(ctx, "hd-restore", "--resync", "intake-0", "--data", s.data)
        assert "routing-0 follows intake/0" in out, out
        for svc in CONSUMERS:
            s.restart(svc)
        bus = s.wait_converged()
        assert all(not x["failed"] for x in intake_cursors(bus).values()), bus
        assert wait_for("routing showing the restored intake's ticket",
                        lambda: routing_subjects(c, view).get(reused) == "다른 티켓 reused id")


def test_restore_all_stores_converges_with_same_tickets(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        view = open_view(c)
        kept = {new_ticket(c, f"보관 {i}"): f"보관 {i}" for i in range(3)}
        s.wait_converged()
        # metrics is behind intake in the backup: after the restore it
        # must go on through events the restored intake's outbox held.
        assert s.stop_service("metrics") == 0
        kept.update({new_ticket(c, f"지연 {i}"): f"지연 {i}" for i in range(2)})
        backup = os.path.join(s.dir, "backup")
        out = tool(ctx, "hd-backup", "--data", s.data, "--out", backup)  # hot
        s.restart("metrics")
        for name in STATEFUL:
            assert f"{name}-0 ->" in out, (name, out)
        assert os.path.exists(os.path.join(backup, "MANIFEST"))
        lost = new_ticket(c, "after the backup")
        s.wait_converged()
        before = {x["source"]: x.get("incarnation") for x in s.bus()["sources"]}

        for name in ["routing", "knowledge", "notifications", "metrics", "intake"]:
            assert s.stop_service(name) == 0
        out = tool(ctx, "hd-restore", "--from", backup, "--data", s.data)
        for name in STATEFUL:
            assert f"{name}-0 restored" in out, (name, out)
        for name in STATEFUL:
            s.restart(name)
        bus = s.wait_converged()
        after = {x["source"]: x.get("incarnation") for x in bus["sources"]}
        for name in STATEFUL:
            if before.get(name):
                assert after[name] != before[name], (name, before, after)
        for tid, subject in kept.items():
            got = c.request("GET", f"/api/v2/tickets/{tid}.json")
            assert got.status == 200 and got.json["ticket"]["subject"] == subject, got
        assert c.request("GET", f"/api/v2/tickets/{lost}.json").status == 404
        assert routing_subjects(c, view) == kept


def test_restore_refuses_a_running_store_and_bad_names(ctx):
    with Suite(ctx.bin_dir, services=["intake"]).start() as s:
        backup = os.path.join(s.dir, "backup")
        tool(ctx, "hd-backup", "--data", s.data, "--out", backup)
        r = subprocess.run([os.path.join(ctx.bin_dir, "hd-restore"), "--from", backup,
                            "--data", s.data], capture_output=True, text=True, timeout=60)
        assert r.returncode == 1 and "intake-0 is running" in r.stderr, r
        r = subprocess.run([os.path.join(ctx.bin_dir, "hd-backup"), "--data", s.data, "--out",
                            os.path.join(s.dir, "b2"), "--store", "nope-0"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 1 and "no store named 'nope-0'" in r.stderr, r
        r = subprocess.run([os.path.join(ctx.bin_dir, "hd-backup"), "--data", s.data, "--out",
                            backup], capture_output=True, text=True, timeout=60)
        assert r.returncode == 1 and "already holds a backup" in r.stderr, r
