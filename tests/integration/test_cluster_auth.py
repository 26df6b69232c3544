"""The internal network is not trusted either (issue 13): an RPC or a bus
frame without the cluster key's tag is refused and counted, with real
processes; a neighbour who can reach a service's socket is tests/tools/
hd-forge. Each forgery has a control sealed with the right key, which is
taken: the refusals come from the tag, not from the forgery being malformed.
Also: the generated admin token never reaches a log file."""
import glob
import os
import re
import subprocess

from harness import Suite, basic, create_ticket, wait_until
from outbox import outbox


def labelled(s, k, name, labels):
    """The value of name{labels} in service k's /metrics, or 0."""
    status, text = s.admin_get(k, "/metrics")
    assert status == 200, status
    for line in text.splitlines():
        if line.startswith(f"{name}{{{labels}}} "):
            return float(line.rsplit(" ", 1)[1])
    return 0


def forge(ctx, s, *args):
    out = subprocess.run([os.path.join(ctx.tools_dir, "hd-forge"), *args],
                         capture_output=True, text=True, timeout=60, env=s.env)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()


def log_text(s, k):
    with open(s.logs[k], errors="replace") as f:
        return f.read()


def test_forged_rpc_is_refused_and_counted(ctx):
    with Suite(ctx.bin_dir, services=["intake"]).start() as s:
        url = f"ipc://{s.run}/intake-0.rpc"
        rejected = lambda: labelled(s, "intake-0", "hd_cluster_auth_rejected_total", 'kind="rpc"')
        assert rejected() == 0
        # An admin's request without a tag, then with another key's tag.
        for mode in ("none", "wrong"):
            [line] = forge(ctx, s, "rpc", url, "api_tokens.list", mode)
            assert line.startswith("status=UNAUTHORIZED "), (mode, line)
        assert rejected() == 2
        # The control: the same request with the suite's key is served.
        [line] = forge(ctx, s, "rpc", url, "api_tokens.list", "right")
        assert line.startswith("status=OK reply_verified=yes"), line
        # A sealed request captured and sent again is refused.
        first, again = forge(ctx, s, "rpc", url, "api_tokens.list", "replay")
        assert first.startswith("status=OK "), first
        assert again.startswith("status=UNAUTHORIZED reply_verified=yes"), again
        assert rejected() == 3
        # One log line per peer per minute, however many refusals.
        text = log_text(s, "intake-0")
        assert len(re.findall(r"event=cluster_auth\.rejected", text)) == 1, text[-3000:]
        assert "kind=rpc" in text


def test_forged_bus_frame_is_refused_and_counted(ctx):
    # metrics consumes intake's events. With intake stopped, a neighbour
    # listens on intake's pub address and publishes the event that would
    # come next: metrics dials it like the real intake.
    with Suite(ctx.bin_dir, services=["intake", "gateway", "metrics"]).start() as s:
        c = s.client()
        assert create_ticket(c, subject="real").status == 201
        created = lambda: s.metric("metrics-0", "hd_tickets_created_total")
        wait_until(lambda: created() == 1, what="the real ticket counted")
        nxt = str(outbox(ctx, s, "intake-0")[-1]["seq"] + 1)
        assert s.stop_service("intake") == 0
        url = f"ipc://{s.run}/intake-0.pub"
        rejected = lambda: labelled(s, "metrics-0", "hd_cluster_auth_rejected_total", 'kind="bus"')
        for mode in ("none", "wrong"):
            before = rejected()
            p = subprocess.Popen([os.path.join(ctx.tools_dir, "hd-forge"), "bus", url,
                                  "intake", "0", nxt, "60", mode], env=s.env)
            try:
                wait_until(lambda: rejected() >= before + 5, what=f"forged frames ({mode}) refused")
            finally:
                p.kill()
                p.wait()
            assert created() == 1, f"a forged frame ({mode}) was applied"
        # The control: the same frame sealed with the suite's key is applied
        # (so without cluster authentication the forgeries above would be).
        p = subprocess.Popen([os.path.join(ctx.tools_dir, "hd-forge"), "bus", url,
                              "intake", "0", nxt, "60", "right"], env=s.env)
        try:
            wait_until(lambda: created() == 2, what="the keyed frame applied")
        finally:
            p.kill()
            p.wait()
        text = log_text(s, "metrics-0")
        assert "event=cluster_auth.rejected" in text and "kind=bus" in text
        assert len(re.findall(r"event=cluster_auth\.rejected", text)) == 1, text[-3000:]


def test_an_old_heartbeat_replayed_does_not_stop_consumers(ctx):
    # A heartbeat recorded long ago (here: of another incarnation, sealed
    # with the suite's key ten minutes back) is dropped as stale; the same
    # heartbeat sealed now is acted on (the control: metrics stops applying
    # from "a different intake", as it must for a real restore).
    with Suite(ctx.bin_dir, services=["intake", "gateway", "metrics"]).start() as s:
        assert create_ticket(s.client(), subject="real").status == 201
        wait_until(lambda: s.metric("metrics-0", "hd_tickets_created_total") == 1, what="the ticket counted")
        assert s.stop_service("intake") == 0
        url = f"ipc://{s.run}/intake-0.pub"
        stale = lambda: s.metric("metrics-0", "hd_bus_stale_frames_total") or 0
        failed = lambda: labelled(s, "metrics-0", "hd_bus_source_failed", 'source="intake",shard="0"')
        p = subprocess.Popen([os.path.join(ctx.tools_dir, "hd-forge"), "hb", url, "intake", "0", "99", "60", "old"],
                             env=s.env)
        try:
            wait_until(lambda: stale() >= 10, what="old heartbeats dropped as stale")
        finally:
            p.kill()
            p.wait()
        assert failed() == 0, "an old heartbeat made metrics stop following intake"
        p = subprocess.Popen([os.path.join(ctx.tools_dir, "hd-forge"), "hb", url, "intake", "0", "99", "60", "right"],
                             env=s.env)
        try:
            wait_until(lambda: failed() == 1, what="a fresh heartbeat of another incarnation acted on")
        finally:
            p.kill()
            p.wait()


def test_generated_admin_token_is_not_logged(ctx):
    # No HD_ADMIN_TOKEN: intake generates one on the first start and saves
    # it 0600 in $HD_DATA/admin-credentials; no service log may contain it.
    with Suite(ctx.bin_dir, services=["intake", "gateway"], env={"HD_ADMIN_TOKEN": ""}).start() as s:
        path = os.path.join(s.data, "admin-credentials")
        assert os.stat(path).st_mode & 0o077 == 0
        with open(path) as f:
            saved = dict(line.strip().split("=", 1) for line in f if "=" in line)
        token = saved["token"]
        assert len(token) >= 32
        c = s.client(auth=basic(saved["email"], token))
        assert c.request("GET", "/api/v2/users/me").json["user"]["role"] == "admin"
        for k in s.logs:
            assert token not in log_text(s, k), f"the admin token is in {k}'s log"
        for name in glob.glob(os.path.join(s.data, "**", "*.log"), recursive=True):
            with open(name, errors="replace") as f:
                assert token not in f.read(), name
        assert "bootstrap.admin_created" in log_text(s, "intake-0")
