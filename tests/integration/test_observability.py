"""SRE observability: every service's own figures on /metrics, the shipped
Prometheus config and Grafana dashboard, and a real Prometheus (Debian's
package) scraping a running suite."""
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse

from harness import SERVICES, Suite, create_ticket, free_port

PROM_CONFIG = os.path.join("deploy", "prometheus", "prometheus.yml")
DASHBOARD = os.path.join("deploy", "grafana", "hana-desk.json")
# PromQL words that are not metric names.
PROMQL_WORDS = {"by", "without", "and", "or", "unless", "on", "ignoring", "group_left",
                "group_right", "bool", "offset", "inf", "nan"}


def traffic(s):
    """A little of everything: creates, reads, a 404, a comment, so every
    histogram (HTTP, RPC server and client, group commit) has samples."""
    c = s.client()
    ids = []
    for i in range(3):
        r = create_ticket(c, subject=f"배송 문의 {i}", body="배송이 지연되고 있습니다")
        assert r.status == 201, r
        ids.append(r.json["ticket"]["id"])
    assert c.request("GET", f"/api/v2/tickets/{ids[0]}.json").status == 200
    assert c.request("GET", "/api/v2/tickets/999999999.json").status == 404
    r = c.request("PUT", f"/api/v2/tickets/{ids[1]}.json",
                  {"ticket": {"comment": {"body": "확인했습니다", "public": True}}})
    assert r.status == 200, r
    s.wait_converged(30)
    return ids


def samples(text):
    """{series text before the value: value} of a /metrics body."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            out[series] = float(value)
    return out


def sample_names(text):
    return {series.split("{", 1)[0] for series in samples(text)}


def all_metrics(s):
    texts = {}
    for k in s.procs:
        status, text = s.admin_get(k, "/metrics")
        assert status == 200, (k, status)
        texts[k] = text
    return texts


def metric_names_in(expr):
    """Metric names a PromQL expression reads: strip strings, label
    matchers, ranges and by/without lists, then drop function calls and
    keywords."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)
    e = re.sub(r"\{[^}]*\}", "", e)
    e = re.sub(r"\[[^\]]*\]", "", e)
    e = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", e)
    names = set()
    for m in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", e):
        rest = e[m.end():].lstrip()
        if rest.startswith("(") or m.group(0).lower() in PROMQL_WORDS:
            continue
        names.add(m.group(0))
    return names


def test_metrics_name_routes_and_methods_not_raw_input(ctx):
    """Labels come from the route table and the RPC method table: a hostile
    method or path lands in "other"/"unmatched", never in a label."""
    with Suite(ctx.bin_dir).start() as s:
        ids = traffic(s)
        conn = http.client.HTTPConnection("127.0.0.1", s.http_port, timeout=10)
        conn.request("BREW", "/api/v2/tickets.json")
        assert conn.getresponse().read() is not None
        conn.request("GET", "/api/v2/zz-probe-7f3a/../../etc/passwd")
        assert conn.getresponse().status == 404
        conn.close()
        gw = samples(all_metrics(s)["gateway-0"])
        created = gw['hd_http_request_duration_seconds_count{method="POST",'
                     'route="/api/v2/tickets",code="2xx"}']
        assert created == 3, created
        assert gw['hd_http_request_duration_seconds_count{method="GET",'
                  'route="/api/v2/tickets/{id}",code="2xx"}'] == 1
        assert gw['hd_http_request_duration_seconds_count{method="GET",'
                  'route="/api/v2/tickets/{id}",code="4xx"}'] == 1
        # The +Inf bucket and _count agree for every series.
        for series, v in gw.items():
            if series.startswith("hd_http_request_duration_seconds_bucket") and 'le="+Inf"' in series:
                count = series.replace("_bucket", "_count").replace(',le="+Inf"', "")
                assert gw[count] == v, series
        text = all_metrics(s)["gateway-0"]
        assert "BREW" not in text and "zz-probe" not in text and "passwd" not in text
        assert 'method="other",route="unmatched"' in text, text
        # The gateway's calls and intake's answers: same method, both sides.
        client = gw['hd_rpc_client_duration_seconds_count{method="tickets.write",outcome="OK"}']
        intake = samples(all_metrics(s)["intake-0"])
        served = intake['hd_rpc_server_duration_seconds_count{method="tickets.write",outcome="OK"}']
        assert client == served >= 4, (client, served)
        assert intake['hd_store_commit_batch_jobs_count{store="intake"}'] >= 1
        assert intake['hd_store_commit_batch_jobs_sum{store="intake"}'] >= 4
        assert len(ids) == 3


def test_bus_lag_outbox_and_store_gauges_agree(ctx):
    with Suite(ctx.bin_dir).start() as s:
        traffic(s)
        m = all_metrics(s)
        intake = samples(m["intake-0"])
        latest = intake["hd_bus_outbox_latest_seq"]
        assert latest >= 5, latest  # the admin user, 3 tickets, an update
        # Nothing trimmed yet: the outbox holds every event from seq 1.
        assert intake["hd_bus_outbox_oldest_seq"] == 1
        assert intake["hd_bus_outbox_depth_events"] == latest
        for k in ("routing-0", "knowledge-0", "notifications-0", "metrics-0"):
            got = samples(m[k])
            src = '{source="intake",shard="0"}'
            assert got["hd_bus_source_latest_seq" + src] == latest, (k, got)
            assert got["hd_bus_lag_events" + src] == 0, k
            assert got["hd_bus_cursor_seq" + src] == latest, k
        for k in s.procs:
            if k.startswith("gateway"):
                continue  # stateless: no store
            got = samples(m[k])
            assert 0 < got["hd_store_used_bytes"] <= got["hd_store_map_bytes"], k
            ratio = got["hd_store_used_bytes"] / got["hd_store_map_bytes"]
            assert abs(got["hd_store_map_usage_ratio"] - ratio) < 1e-5, k
            assert got["hd_store_disk_bytes"] > 0, k
            # Errors start at zero, and a healthy run makes none.
            assert got['hd_errors_total{kind="store_commit"}'] == 0, k
            assert got['hd_errors_total{kind="bus_apply"}'] == 0, k


def test_prometheus_config_is_valid_and_covers_every_service(ctx):
    path = os.path.join(ctx.root, PROM_CONFIG)
    r = subprocess.run(["promtool", "check", "config", path], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, (r.stdout, r.stderr)
    text = open(path, encoding="utf-8").read()
    jobs = re.findall(r"job_name:\s*(\S+)", text)
    assert sorted(jobs) == sorted(SERVICES), jobs
    # Every target is a compose service's admin port.
    compose = open(os.path.join(ctx.root, "docker-compose.yml"), encoding="utf-8").read()
    for host in re.findall(r'"([a-z0-9-]+):9100"', text):
        assert re.search(rf"^  {re.escape(host)}:|^\s+- {re.escape(host)}$", compose, re.M), host
    assert 'HD_ADMIN_PORT: "9100"' in compose


def test_dashboard_queries_only_exported_metrics(ctx):
    dash = json.load(open(os.path.join(ctx.root, DASHBOARD), encoding="utf-8"))
    exprs = [(p["title"], t["expr"]) for p in dash["panels"] for t in p["targets"]]
    assert len(dash["panels"]) >= 10 and exprs
    titles = " ".join(p["title"] for p in dash["panels"]).lower()
    for want in ("request rate", "latency", "rpc", "bus lag", "outbox", "map usage",
                 "deliveries", "ticket creation"):
        assert want in titles, want
    with Suite(ctx.bin_dir).start() as s:
        traffic(s)
        exported = set()
        for text in all_metrics(s).values():
            exported |= sample_names(text)
    exported |= mail_ingest_metrics(ctx)
    for title, expr in exprs:
        names = metric_names_in(expr)
        assert names, (title, expr)
        for n in names - {"up"}:  # up is Prometheus's own
            assert n in exported, (title, n, sorted(exported))


def mail_ingest_metrics(ctx):
    """hd-mail-ingest has no /metrics: it writes its spool gauges to
    HD_MAIL_METRICS_FILE for node_exporter's textfile collector."""
    work = tempfile.mkdtemp(prefix="hd-mi-")
    try:
        path = os.path.join(work, "hd-mail-ingest.prom")
        r = subprocess.run([os.path.join(ctx.bin_dir, "hd-mail-ingest"), "--flush", "--spool",
                            os.path.join(work, "spool")],
                           env=dict(os.environ, HD_MAIL_METRICS_FILE=path, HD_MAIL_SECRET="unused"),
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return sample_names(open(path, encoding="utf-8").read())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def prom_query(port, q):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", "/api/v1/query?" + urllib.parse.urlencode({"query": q}))
        r = c.getresponse()
        body = json.loads(r.read())
        assert r.status == 200 and body["status"] == "success", body
        return body["data"]["result"]
    finally:
        c.close()


def scrape_config(s, root):
    """The shipped config's jobs, scraping this suite's admin ports every
    second instead of the compose hosts."""
    jobs = re.findall(r"job_name:\s*(\S+)", open(os.path.join(root, PROM_CONFIG)).read())
    lines = ["global:", "  scrape_interval: 1s", "  scrape_timeout: 1s", "scrape_configs:"]
    for job in jobs:
        targets = [f'"127.0.0.1:{port}"' for k, port in sorted(s.admin.items())
                   if k.rsplit("-", 1)[0] == job]
        lines += [f"  - job_name: {job}", "    static_configs:",
                  f"      - targets: [{', '.join(targets)}]"]
    return "\n".join(lines) + "\n"


def test_real_prometheus_scrapes_every_service(ctx):
    prom = shutil.which("prometheus")
    assert prom, "prometheus missing: scripts/deps.sh installs it"
    work = tempfile.mkdtemp(prefix="hd-prom-")
    proc = None
    try:
        with Suite(ctx.bin_dir).start() as s:
            traffic(s)
            cfg = os.path.join(work, "prometheus.yml")
            with open(cfg, "w") as f:
                f.write(scrape_config(s, ctx.root))
            port = free_port()
            log = open(os.path.join(work, "prometheus.log"), "wb")
            proc = subprocess.Popen(
                [prom, f"--config.file={cfg}", f"--storage.tsdb.path={work}/data",
                 f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                stdout=log, stderr=subprocess.STDOUT)
            up, deadline = [], time.time() + 40
            while time.time() < deadline:
                assert proc.poll() is None, open(log.name).read()
                try:
                    up = prom_query(port, "up")
                except (OSError, ValueError, http.client.HTTPException):
                    up = []
                if len(up) == len(SERVICES) and all(r["value"][1] == "1" for r in up):
                    break
                time.sleep(0.5)
            jobs = {r["metric"]["job"]: r["value"][1] for r in up}
            assert jobs == {name: "1" for name in SERVICES}, (jobs, open(log.name).read())
            # The histograms were ingested as series, not only up.
            got = prom_query(port, 'hd_http_request_duration_seconds_count{route="/api/v2/tickets"}')
            assert got and float(got[0]["value"][1]) == 3, got
            lag = prom_query(port, "hd_bus_lag_events")
            assert {r["metric"]["job"] for r in lag} >= {"routing", "metrics"}, lag
    finally:
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)
