"""Triggers inside the ticket write (issue 14 items 3 and 6): node-zendesk
creates a ticket a trigger routes, and sees the trigger's group, tags and
priority in the create response and an immediate show, with one audit
(tests/client/trigger_client.js); the volume, backlog and assignment
reports filtered by that group count the ticket, and replaying the whole
event log into a fresh metrics store gives byte-identical reports."""
import json
import os
import shutil
import subprocess
import time

from harness import ADMIN_EMAIL, ADMIN_TOKEN, Suite

REPORTS = "/api/v2/hd/reports/"


def run_node(ctx, s, script):
    client_dir = os.path.join(ctx.root, "tests", "client")
    if not os.path.isdir(os.path.join(client_dir, "node_modules", "node-zendesk")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=client_dir, check=True,
                       capture_output=True, timeout=300)
    env = dict(os.environ, HD_URL=f"http://127.0.0.1:{s.http_port}", HD_EMAIL=ADMIN_EMAIL, HD_TOKEN=ADMIN_TOKEN)
    r = subprocess.run(["node", script], cwd=client_dir, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "client: all steps passed" in r.stdout, r.stdout + r.stderr
    line = next(x for x in r.stdout.splitlines() if x.startswith("trigger-write: "))
    return json.loads(line[len("trigger-write: "):])


def reports(c, group, now):
    q = f"start_time={now - 86400}&end_time={now + 86400}"
    out = {}
    for name in ("volume", "backlog", "assignment"):
        for extra in ("", f"&group_id={group}"):
            r = c.request("GET", f"{REPORTS}{name}?{q}{extra}")
            assert r.status == 200, r
            out[name + extra] = r.raw
    return out


def test_trigger_changes_are_in_the_create_and_the_reports(ctx):
    with Suite(ctx.bin_dir, env={"HD_OUTBOX_RETENTION_HOURS": "0"}).start() as s:
        got = run_node(ctx, s, "trigger_client.js")
        tid, group = got["ticket"], got["group"]
        s.wait_converged()
        c = s.client()
        now = int(time.time())
        first = reports(c, group, now)
        vol = json.loads(first[f"volume&group_id={group}"])["report"]["rows"]
        assert sum(x["tickets"] for x in vol) == 1, vol
        back = json.loads(first[f"backlog&group_id={group}"])["report"]["rows"]
        # one row per day of the range (the ticket is in each day's backlog)
        assert back and {(x["group_id"], x["new"], x["total"]) for x in back} == {(group, 1, 1)}, back
        asg = json.loads(first[f"assignment&group_id={group}"])["report"]["rows"]
        assert [(x["group_id"], x["total"]) for x in asg] == [(group, 1)], asg
        # Unfiltered, nothing counts the ticket under "no group".
        asg_all = json.loads(first["assignment"])["report"]["rows"]
        assert all(x["group_id"] == group for x in asg_all if x["total"]), asg_all
        assert c.request("GET", f"/api/v2/tickets/{tid}").json["ticket"]["group_id"] == group
        # Replay: a fresh metrics store pulls every event again.
        s.stop_service("metrics")
        shutil.rmtree(os.path.join(s.data, "metrics-0"))
        s.start_service("metrics")
        s.wait_ready("metrics")
        s.wait_converged()
        again = reports(c, group, now)
        for k in first:
            assert first[k] == again[k], (k, first[k], again[k])


def test_the_copy_follows_every_definition_change(ctx):
    """Each shard's copy follows create, update, reorder and delete at once
    (the trigger API answers after the copies have the change), and each
    intake shard shows its routing cursor on /hd/bus."""
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()

        def rule(title, prio):
            r = c.request("POST", "/api/v2/triggers", {"trigger": {
                "title": title, "conditions": {"all": [{"field": "current_tags", "operator": "includes",
                                                         "value": "정렬"}], "any": []},
                "actions": [{"field": "priority", "value": prio}]}})
            assert r.status == 201, r
            return r.json["trigger"]["id"]

        def created_priorities():
            # tickets land on both shards: every shard's copy is exercised
            # a requester's tickets live on one shard: several requesters
            made = [c.request("POST", "/api/v2/tickets", {"ticket": {
                "subject": "순서", "comment": {"body": "본문"}, "tags": ["정렬"],
                "requester": {"name": f"고객 {i}", "email": f"c{i}@example.kr"}}}).json["ticket"]
                for i in range(8)]
            assert {t["id"] & 255 for t in made} == {0, 1}, made
            return {t["priority"] for t in made}

        a, b = rule("낮게", "low"), rule("높게", "high")
        assert created_priorities() == {"high"}  # A then B: B's value stays
        r = c.request("PUT", "/api/v2/triggers/reorder", {"trigger_ids": [b, a]})
        assert r.status == 200, r
        assert created_priorities() == {"low"}
        assert c.request("PUT", f"/api/v2/triggers/{a}", {"trigger": {"actions": [
            {"field": "priority", "value": "urgent"}]}}).status == 200
        assert created_priorities() == {"urgent"}
        assert c.request("DELETE", f"/api/v2/triggers/{a}").status == 204
        assert created_priorities() == {"high"}
        assert c.request("PUT", f"/api/v2/triggers/{b}", {"trigger": {"active": False}}).status == 200
        assert created_priorities() == {None}
        bus = s.wait_converged()
        shards = [x for x in bus["consumers"] if x["service"] == "intake"]
        assert sorted(x["shard"] for x in shards) == [0, 1], bus
        # Every shard follows routing's triggers; shard 1 also shard 0's
        # field and form definitions.
        for x in shards:
            want = [("routing", 0, False)] if x["shard"] == 0 else [("intake", 0, False), ("routing", 0, False)]
            assert [(k["source"], k["lag"], k["failed"]) for k in x["cursors"]] == want, x
