"""Notifications against real receivers: a local HTTP server in threads for
webhooks and a real SMTP server (aiosmtpd, tests/integration/smtp_sink.py)."""
import base64
import hashlib
import hmac
import json
import os
import re
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import Suite, create_ticket, free_port, scaled, wait_until
from mail_sink import Sink, sink_for  # noqa: F401 (the mail tests import Sink from here too)

HERE = os.path.dirname(os.path.abspath(__file__))


class Receiver:
    """Answers each path with the scripted statuses in turn, then 200."""

    def __init__(self):
        self.scripts = {}
        self.got = []
        self.lock = threading.Lock()
        rec = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with rec.lock:
                    rec.got.append((time.time(), self.path, dict(self.headers), body))
                    script = rec.scripts.get(self.path, [])
                    status, extra = script.pop(0) if script else (200, {})
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.port = free_port()
        self.srv = ThreadingHTTPServer(("127.0.0.1", self.port), H)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def on(self, path):
        with self.lock:
            return [g for g in self.got if g[1] == path]

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


def wait_for(fn, timeout=20, what="condition"):
    return wait_until(fn, timeout, what)


def start(extra=None):
    env = {"HD_WEBHOOK_BACKOFF_MS": "100", "HD_WEBHOOK_TIMEOUT_MS": "1000",
           "HD_WEBHOOK_CONNECT_TIMEOUT_MS": "1000", "HD_SUGGEST_WAIT_MS": "0"}
    env.update(extra or {})
    return Suite_(env)


class Suite_(Suite):
    def __init__(self, env):
        super().__init__(os.environ["HD_IT_BIN"], env=env)


def make_hook(c, endpoint, subs, **extra):
    w = {"name": "웹훅 " + endpoint[-10:], "endpoint": endpoint, "http_method": "POST",
         "request_format": "json", "status": "active", "subscriptions": subs}
    w.update(extra)
    r = c.request("POST", "/api/v2/webhooks", {"webhook": w})
    assert r.status == 201, r
    return r.json["webhook"]


def verify(secret, headers, body):
    ts = headers["X-Zendesk-Webhook-Signature-Timestamp"]
    mac = hmac.new(secret.encode(), ts.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode() == headers["X-Zendesk-Webhook-Signature"]


def test_webhooks(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    rec = Receiver()
    with start() as s:
        s.start()
        c = s.client()
        # Bad input names the field.
        r = c.request("POST", "/api/v2/webhooks", {"webhook": {"name": "x", "endpoint": "ftp://a"}})
        assert r.status == 422 and "endpoint" in r.json["details"], r
        r = c.request("POST", "/api/v2/webhooks", {"webhook": {"name": "x", "endpoint": rec.url("/x"),
                      "custom_headers": {"X-A": "a\r\nX-Evil: 1"}}})
        assert r.status == 422 and "custom_headers" in r.json["details"], r
        hook = make_hook(c, rec.url("/flaky"), ["zen:event-type:ticket.created"],
                         authentication={"type": "bearer_token", "data": {"token": "s3cret"},
                                         "add_position": "header"},
                         custom_headers={"X-Team": "고객지원"})
        assert "s3cret" not in json.dumps(hook), hook
        assert hook["authentication"]["type"] == "bearer_token"
        sec = c.request("GET", f"/api/v2/webhooks/{hook['id']}/signing_secret").json
        secret = sec["signing_secret"]["secret"]
        assert sec["signing_secret"]["algorithm"] == "SHA256"
        rec.scripts["/flaky"] = [(500, {}), (500, {}), (500, {})]
        t = create_ticket(c, subject="결제 오류", body="카드 결제가 안 됩니다").json["ticket"]
        got = wait_for(lambda: len(rec.on("/flaky")) >= 4 and rec.on("/flaky"), what="4 attempts")
        time.sleep(0.5)
        got = rec.on("/flaky")
        assert len(got) == 4, [g[0] for g in got]
        ids = {g[2]["X-HD-Delivery-Id"] for g in got}
        assert len(ids) == 1, ids
        for g in got:
            assert verify(secret, g[2], g[3]), g[2]
            assert g[2]["Authorization"] == "Bearer s3cret"
            assert g[2]["X-Zendesk-Webhook-Invocation-Id"] == g[2]["X-HD-Delivery-Id"]
        ev = json.loads(got[-1][3])
        assert ev["type"] == "zen:event-type:ticket.created"
        assert ev["detail"]["subject"] == "결제 오류" and ev["detail"]["id"] == t["id"]
        inv = wait_for(lambda: [i for i in c.request("GET", f"/api/v2/webhooks/{hook['id']}/invocations")
                                .json["invocations"] if i["status"] == "success"], what="delivered")
        assert inv[0]["attempts"] == 4, inv
        att = c.request("GET", f"/api/v2/webhooks/{hook['id']}/invocations/{inv[0]['id']}/attempts").json
        assert [a["status_code"] for a in att["attempts"]] == [500, 500, 500, 200], att
        # Rotating the secret changes the signature key.
        r = c.request("POST", f"/api/v2/webhooks/{hook['id']}/signing_secret")
        assert r.status == 201 and r.json["signing_secret"]["secret"] != secret

        # 429 with Retry-After is honoured.
        h429 = make_hook(c, rec.url("/busy"), ["zen:event-type:ticket.created"])
        rec.scripts["/busy"] = [(429, {"Retry-After": "2"})]
        # 410 goes to the dead letters; replay delivers it.
        h410 = make_hook(c, rec.url("/gone"), ["zen:event-type:ticket.created"])
        rec.scripts["/gone"] = [(410, {})]
        create_ticket(c, subject="두 번째", body="본문")
        busy = wait_for(lambda: len(rec.on("/busy")) >= 2 and rec.on("/busy"), what="429 retry")
        gap = busy[1][0] - busy[0][0]
        assert 1.9 <= gap < 5, gap
        dl = wait_for(lambda: c.request("GET", f"/api/v2/hd/webhooks/{h410['id']}/dead_letters")
                      .json["dead_letters"], what="dead letter")
        assert dl[0]["status_code"] == 410 and dl[0]["status"] == "failed", dl
        n_before = len(rec.on("/gone"))
        r = c.request("POST", f"/api/v2/hd/webhooks/{h410['id']}/dead_letters/{dl[0]['id']}/replay")
        assert r.status == 200, r
        wait_for(lambda: len(rec.on("/gone")) == n_before + 1, what="replay")
        assert rec.on("/gone")[-1][2]["X-HD-Delivery-Id"] == dl[0]["id"]
        wait_for(lambda: not c.request("GET", f"/api/v2/hd/webhooks/{h410['id']}/dead_letters")
                 .json["dead_letters"], what="dead letters emptied")

        # A receiver that never answers does not hold up a healthy one.
        hang = socket.socket()
        hang.bind(("127.0.0.1", 0))
        hang.listen(50)
        make_hook(c, f"http://127.0.0.1:{hang.getsockname()[1]}/hang", ["zen:event-type:ticket.created"])
        healthy = make_hook(c, rec.url("/healthy"), ["zen:event-type:ticket.created"])
        t0 = time.time()
        for i in range(5):
            create_ticket(c, subject=f"티켓 {i}", body="본문")
        wait_for(lambda: len(rec.on("/healthy")) >= 5, timeout=10, what="healthy deliveries")
        assert time.time() - t0 < 5, time.time() - t0
        hang.close()

        # List, update (204), delete (204), 404 after.
        r = c.request("GET", "/api/v2/webhooks")
        assert r.status == 200 and len(r.json["webhooks"]) == 5, r
        r = c.request("PATCH", f"/api/v2/webhooks/{healthy['id']}", {"webhook": {"status": "inactive"}})
        assert r.status == 204, r
        assert c.request("GET", f"/api/v2/webhooks/{healthy['id']}").json["webhook"]["status"] == "inactive"
        assert c.request("DELETE", f"/api/v2/webhooks/{healthy['id']}").status == 204
        assert c.request("GET", f"/api/v2/webhooks/{healthy['id']}").status == 404

        # /webhooks/test returns the receiver's answer.
        r = c.request("POST", f"/api/v2/webhooks/test?webhook_id={hook['id']}",
                      {"request": {"payload": {"안녕": "세계"}}})
        assert r.status == 200 and r.json["response"]["status_code"] == 200, r

        # Metrics parse with promtool.
        st, text = s.admin_get("notifications-0", "/metrics")
        assert "hd_notify_deliveries_total" in text and "hd_notify_outbox_depth" in text
        p = subprocess.run(["promtool", "check", "metrics"], input=text.encode(),
                           capture_output=True)
        assert p.returncode == 0, p.stderr + p.stdout
    rec.close()


def test_crash_burst(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    rec = Receiver()
    with start() as s:
        s.start()
        c = s.client()
        make_hook(c, rec.url("/burst"), ["zen:event-type:ticket.created"])
        done = []

        def make(k):
            cc = s.client()
            for i in range(k, 500, 4):
                assert create_ticket(cc, subject=f"버스트 {i}", body="본문").status == 201
                done.append(i)

        ts = [threading.Thread(target=make, args=(k,)) for k in range(4)]
        for t in ts:
            t.start()
        wait_for(lambda: len(rec.on("/burst")) >= 50, timeout=60, what="first deliveries")
        s.kill("notifications")
        for t in ts:
            t.join()
        s.restart("notifications")
        wait_for(lambda: len({g[2]["X-HD-Delivery-Id"] for g in rec.on("/burst")}) >= 500,
                 timeout=120, what="500 distinct deliveries")
        time.sleep(1)
        ids = [g[2]["X-HD-Delivery-Id"] for g in rec.on("/burst")]
        subjects = {json.loads(g[3])["detail"]["subject"] for g in rec.on("/burst")}
        assert len(set(ids)) == 500 and len(subjects) == 500, (len(set(ids)), len(subjects))
    rec.close()


def test_mail_and_side_conversation(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    with start() as s, sink_for(s) as sink:
        s.start()
        c = s.client()
        r = create_ticket(c, subject="배송이 늦어요", body="주문한 물건이 안 왔습니다",
                          requester={"name": "김민준", "email": "minjun@example.com"})
        assert r.status == 201, r
        tid = r.json["ticket"]["id"]
        m = wait_for(lambda: sink.to("minjun@example.com"), what="request mail")[0]
        assert m["Subject"] == f"[요청 #{tid}] 접수되었습니다: 배송이 늦어요", m["Subject"]
        assert "=?utf-8?" in m.as_string().lower() or "=?UTF-8?" in m.as_string()
        root = m["Message-ID"]
        assert re.fullmatch(rf"<hd\.t\.{tid}\.[A-Za-z0-9]+\.[0-9a-f]{{24}}@hana\.local>", root), root
        assert m["Auto-Submitted"] == "auto-generated"
        assert m.get_content_type() == "multipart/alternative"
        parts = {p.get_content_type(): p.get_content() for p in m.iter_parts()}
        assert "김민준님, 안녕하세요" in parts["text/plain"], parts
        assert "<b>배송이 늦어요</b>" in parts["text/html"], parts
        # Side conversation by e-mail; end-users are refused.
        r = c.request("POST", f"/api/v2/tickets/{tid}/side_conversations",
                      {"message": {"subject": "재고 확인 부탁드립니다", "body": "창고에 재고가 있나요?",
                                   "to": [{"email": "warehouse@vendor.example", "name": "물류팀"}]}})
        assert r.status == 201, r
        sc = r.json["side_conversation"]
        assert sc["state"] == "open" and sc["participants"][0]["email"] == "warehouse@vendor.example"
        sm = wait_for(lambda: sink.to("warehouse@vendor.example"), what="side mail")[0]
        assert sm["Subject"] == "재고 확인 부탁드립니다"
        assert "물류팀" in str(sm["To"])
        assert re.fullmatch(rf"<hd\.sc\.{sc['id']}\.{tid}\.[A-Za-z0-9]+\.[0-9a-f]{{24}}@hana\.local>", sm["Message-ID"])
        r = c.request("POST", f"/api/v2/tickets/{tid}/side_conversations",
                      {"message": {"body": "x", "to": [{"email": "not-an-email"}]}})
        assert r.status == 422 and "message.to" in r.json["details"], r
        # The vendor's reply, as intake's e-mail channel would hand it over.
        tool = os.path.join(ctx.tools_dir, "hd-sc-inbound")
        url = f"ipc://{s.run}/notifications-0.rpc"
        for _ in range(2):  # idempotent by Message-ID
            subprocess.run([tool, url, str(sc["id"]), str(tid), "warehouse@vendor.example",
                            "reply1@vendor.example", "Re: 재고 확인", "재고 3개 있습니다."], check=True,
                           env=s.env)
        r = c.request("GET", f"/api/v2/tickets/{tid}/side_conversations/{sc['id']}?include=events")
        evs = r.json["side_conversation"]["events"]
        assert [e["type"] for e in evs] == ["create", "inbound"], evs
        assert evs[1]["message"]["body"] == "재고 3개 있습니다."
        comments = c.request("GET", f"/api/v2/tickets/{tid}/comments").json["comments"]
        assert all("재고 3개" not in x["body"] for x in comments), comments
        # A reply from the agent threads to the vendor's message.
        r = c.request("POST", f"/api/v2/tickets/{tid}/side_conversations/{sc['id']}/reply",
                      {"message": {"body": "감사합니다!"}})
        assert r.status == 200, r
        sm2 = wait_for(lambda: len(sink.to("warehouse@vendor.example")) >= 2
                       and sink.to("warehouse@vendor.example")[1], what="side reply mail")
        assert sm2["In-Reply-To"] == "<reply1@vendor.example>", sm2["In-Reply-To"]
        r = c.request("PUT", f"/api/v2/tickets/{tid}/side_conversations/{sc['id']}",
                      {"side_conversation": {"state": "closed"}})
        assert r.status == 200 and r.json["side_conversation"]["state"] == "closed", r
        # A public reply by an agent threads under the first mail. Needs intake
        # to publish user.created for the bootstrap admin (it does not yet).
        r = c.request("PUT", f"/api/v2/tickets/{tid}",
                      {"ticket": {"comment": {"body": "내일 도착합니다.", "public": True}}})
        assert r.status == 200, r
        reply = wait_for(lambda: len(sink.to("minjun@example.com")) >= 2
                         and sink.to("minjun@example.com")[1], what="reply mail")
        assert reply["In-Reply-To"] == root and root in reply["References"], reply
        assert "내일 도착합니다." in reply.get_body(("plain",)).get_content()


def test_smtp_off_unless_configured(ctx):
    """Without HD_SMTP_URL no mail is tried anywhere (the old default was
    smtp://127.0.0.1:25, someone else's server on a shared host): the start
    says so, and each mail not sent is counted, not queued."""
    with Suite(ctx.bin_dir).start() as s:
        assert "HD_SMTP_URL" not in s.env
        with open(s.logs["notifications-0"], errors="replace") as f:
            assert "event=notify.smtp_off" in f.read()
        c = s.client()
        r = create_ticket(c, subject="메일 꺼짐", body="알림 메일이 없어야 합니다",
                          requester={"name": "김민준", "email": "minjun@example.com"})
        assert r.status == 201, r
        tid = r.json["ticket"]["id"]
        r = c.request("POST", f"/api/v2/tickets/{tid}/side_conversations",
                      {"message": {"subject": "재고", "body": "재고 확인", "to": [{"email": "warehouse@vendor.example"}]}})
        assert r.status == 201, r
        wait_until(lambda: (s.metric("notifications-0", "hd_notify_mail_unsent_total") or 0) >= 2,
                   what="two mails counted as unsent")
        s.wait_converged()
        assert not s.metric("notifications-0", "hd_notify_queued_total"), "a mail was queued"
        with open(s.logs["notifications-0"], errors="replace") as f:
            log = f.read()
        assert "event=notify.mail_unsent" in log and "127.0.0.1:25" not in log, log[-2000:]
    with Suite(ctx.bin_dir, services=["notifications"], env={"HD_SMTP_URL": "mail.example:25"}) as s:
        p = s.start_service("notifications")
        assert p.wait(scaled(30)) == 78
        assert "var=HD_SMTP_URL" in s.log_tail("notifications-0")
        del s.procs["notifications-0"]  # its exit status is the point here
