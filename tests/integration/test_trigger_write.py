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
