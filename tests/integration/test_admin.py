"""Operations: --help on every binary, admin endpoints, valid Prometheus."""
import fcntl
import os
import shutil
import subprocess

from harness import SERVICES, Suite, create_ticket


def test_every_binary_has_help_and_rejects_bad_flags(ctx):
    for name in SERVICES:
        exe = os.path.join(ctx.bin_dir, f"hd-{name}")
        r = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=10)
        assert r.returncode == 0, (name, r.stderr)
        assert "HD_DATA" in r.stdout and "--data" in r.stdout, r.stdout
        bad = subprocess.run([exe, "--no-such-flag"], capture_output=True, text=True, timeout=10)
        assert bad.returncode != 0 and "no-such-flag" in bad.stderr, (name, bad.stderr)
        bad = subprocess.run([exe], capture_output=True, text=True, timeout=10,
                             env=dict(os.environ, HD_SHARD="3", HD_SHARDS="2"))
        assert bad.returncode != 0 and "HD_SHARD" in bad.stderr, (name, bad.stderr)


def test_health_ready_and_metrics_pass_promtool(ctx):
    promtool = shutil.which("promtool")
    assert promtool, "promtool missing: scripts/deps.sh installs prometheus"
    with Suite(ctx.bin_dir).start() as s:
        assert create_ticket(s.client()).status == 201
        # Some traffic first, so the histograms have samples to check.
        c = s.client()
        assert c.request("GET", "/api/v2/tickets/256.json").status == 200
        assert c.request("GET", "/api/v2/tickets/999999999.json").status == 404
        assert c.request("GET", "/api/v2/no-such-endpoint").status == 404
        s.wait_converged(20)
        families = {"gateway-0": ["hd_http_request_duration_seconds",
                                  "hd_rpc_client_duration_seconds"],
                    "intake-0": ["hd_rpc_server_duration_seconds",
                                 "hd_store_commit_duration_seconds",
                                 "hd_store_commit_batch_jobs"]}
        for k, names in families.items():
            text = s.admin_get(k, "/metrics")[1]
            for name in names:
                assert f"# TYPE {name} histogram" in text and f"{name}_bucket{{" in text, (k, name)
        for k in s.procs:
            assert s.admin_get(k, "/healthz") == (200, "ok\n"), k
            assert s.admin_get(k, "/readyz")[0] == 200, k
            assert s.admin_get(k, "/nope")[0] == 404, k
            status, text = s.admin_get(k, "/metrics")
            assert status == 200 and "# TYPE" in text, k
            r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                               text=True, timeout=20)
            assert r.returncode == 0, (k, r.stdout, r.stderr, text)
        # The bootstrap admin's user.created, then the ticket.
        assert s.metric("metrics-0", 'hd_bus_cursor_seq{source="intake",shard="0"}') == 2
        assert s.metric("intake-0", "hd_bus_outbox_latest_seq") == 2


def test_second_instance_on_same_data_is_refused(ctx):
    with Suite(ctx.bin_dir, services=["intake", "gateway"]).start() as s:
        env = dict(s.env, HD_SHARD="0", HD_ADMIN_PORT="0")
        r = subprocess.run([os.path.join(ctx.bin_dir, "hd-intake")], env=env, capture_output=True,
                           text=True, timeout=20)
        assert r.returncode != 0 and "already_running" in r.stderr, r.stderr
        # The first instance still takes new connections.
        assert create_ticket(s.client()).status == 201


def test_a_locked_store_is_not_opened(ctx):
    """The instance lock is taken before the store is opened: a service
    started while hd-restore (or anyone) holds the lock leaves the store
    untouched — no data.mdb is created, no migration runs."""
    with Suite(ctx.bin_dir, services=["intake", "gateway"]).start() as s:
        data = os.path.join(s.data, "knowledge-0")
        os.makedirs(data, exist_ok=True)
        with open(os.path.join(data, "instance.lock"), "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            env = dict(s.env, HD_SHARD="0", HD_ADMIN_PORT="0")
            r = subprocess.run([os.path.join(ctx.bin_dir, "hd-knowledge")], env=env,
                               capture_output=True, text=True, timeout=20)
            assert r.returncode != 0 and "already_running" in r.stderr, r.stderr
            assert not os.path.exists(os.path.join(data, "data.mdb")), os.listdir(data)
