"""SSRF (issue 13, hole 7): notifications' outbound HTTP — webhooks,
/webhooks/test and side conversations' slack_webhook_url — refuses
loopback, private, link-local, unique-local, unspecified and CGNAT addresses
unless HD_OUTBOUND_ALLOW covers them, judged on the address actually
connected to; /webhooks/test never returns the receiver's body. The harness
allows 127.0.0.0/8 for every other suite; here it is unset, then set."""
import time

from harness import Suite, create_ticket
from test_notify import Receiver, make_hook, wait_for

SERVICES = ["intake", "gateway", "notifications"]
FAST = {"HD_WEBHOOK_BACKOFF_MS": "100", "HD_WEBHOOK_TIMEOUT_MS": "2000",
        "HD_WEBHOOK_CONNECT_TIMEOUT_MS": "2000"}


def hook_test(c, endpoint):
    r = c.request("POST", "/api/v2/webhooks/test",
                  {"webhook": {"name": "t", "endpoint": endpoint, "http_method": "POST",
                               "request_format": "json", "status": "active",
                               "subscriptions": ["conditional_ticket_events"]},
                   "request": {"payload": {"안녕": "세계"}}})
    assert r.status == 200, r
    return r.json["response"]


def test_internal_addresses_refused_unless_allowed(ctx):
    rec = Receiver()
    try:
        with Suite(ctx.bin_dir, services=SERVICES, env=dict(FAST, HD_OUTBOUND_ALLOW="")).start() as s:
            c = s.client()
            # A webhook to 127.0.0.1: the delivery fails, permanently, with
            # the reason in the invocation log; the receiver sees nothing.
            hook = make_hook(c, rec.url("/hook"), ["zen:event-type:ticket.created"])
            assert create_ticket(c, subject="내부 주소").status == 201
            inv = wait_for(lambda: [i for i in c.request("GET", f"/api/v2/webhooks/{hook['id']}/invocations")
                                    .json["invocations"] if i["status"] == "failed"],
                           what="the refused delivery")
            assert "refused to connect to 127.0.0.1: loopback" in inv[0]["last_error"], inv
            assert "HD_OUTBOUND_ALLOW" in inv[0]["last_error"], inv
            assert inv[0]["attempts"] == 1, inv

            # /webhooks/test: refused before connecting, whatever the name
            # resolves to or however the address is spelled.
            for endpoint, why in [
                    (rec.url("/test"), "loopback"),
                    (f"http://localhost:{rec.port}/test", "loopback"),
                    (f"http://[::1]:{rec.port}/test", "loopback"),
                    (f"http://[::ffff:127.0.0.1]:{rec.port}/test", "loopback"),
                    ("http://0.0.0.0:9/test", "unspecified"),
                    ("http://169.254.169.254/latest/meta-data/", "link-local"),
                    ("http://10.1.2.3:9/", "private (RFC 1918)"),
                    ("http://172.31.0.1:9/", "private (RFC 1918)"),
                    ("http://192.168.1.1:9/", "private (RFC 1918)"),
                    ("http://100.64.0.1:9/", "CGNAT"),
                    ("http://[fd00::1]:9/", "unique-local"),
                    ("http://[fe80::1]:9/", "link-local")]:
                t0 = time.time()
                resp = hook_test(c, endpoint)
                assert resp["status_code"] == 0, (endpoint, resp)
                assert "refused to connect" in resp["error"] and why in resp["error"], (endpoint, resp)
                assert time.time() - t0 < 2, "refused only after a connect attempt"

            # A side conversation's Slack URL on loopback: dead-lettered.
            tid = create_ticket(c, subject="슬랙").json["ticket"]["id"]
            dead0 = s.metric("notifications-0", "hd_notify_dead_letters_total") or 0
            r = c.request("POST", f"/api/v2/tickets/{tid}/side_conversations",
                          {"message": {"subject": "채널", "body": "안녕하세요",
                                       "to": [{"slack_webhook_url": rec.url("/slack")}]}})
            assert r.status == 201, r
            wait_for(lambda: (s.metric("notifications-0", "hd_notify_dead_letters_total") or 0) > dead0,
                     what="the chat delivery refused")
            with open(s.logs["notifications-0"]) as f:
                assert "refused to connect to 127.0.0.1: loopback" in f.read()
            assert rec.got == [], rec.got

        # Allowed: the same receiver gets webhooks and chat, and the test
        # answers status and timing but not the receiver's body ("ok").
        with Suite(ctx.bin_dir, services=SERVICES, env=dict(FAST, HD_OUTBOUND_ALLOW="127.0.0.0/8")).start() as s:
            c = s.client()
            hook = make_hook(c, rec.url("/hook2"), ["zen:event-type:ticket.created"])
            tid = create_ticket(c, subject="허용").json["ticket"]["id"]
            wait_for(lambda: rec.on("/hook2"), what="the allowed delivery")
            resp = hook_test(c, rec.url("/test2"))
            assert resp["status_code"] == 200 and resp["error"] == "", resp
            assert isinstance(resp["duration_ms"], int) and resp["duration_ms"] >= 0, resp
            assert "payload" not in resp and "ok" not in [h["value"] for h in resp["headers"]], resp
            assert rec.on("/test2")
            r = c.request("POST", f"/api/v2/tickets/{tid}/side_conversations",
                          {"message": {"subject": "채널", "body": "안녕하세요",
                                       "to": [{"slack_webhook_url": rec.url("/slack2")}]}})
            assert r.status == 201, r
            wait_for(lambda: rec.on("/slack2"), what="the allowed chat delivery")
            # Still refused outside the allowed range.
            assert "link-local" in hook_test(c, "http://169.254.169.254/")["error"]
    finally:
        rec.close()


def test_bad_allow_list_is_a_clear_startup_error(ctx):
    s = Suite(ctx.bin_dir, services=["notifications"], env={"HD_OUTBOUND_ALLOW": "127.0.0.0/8, 10.0.0.300/8"})
    p = s.start_service("notifications")
    assert p.wait(30) != 0
    with open(s.logs["notifications-0"]) as f:
        text = f.read()
    assert "HD_OUTBOUND_ALLOW" in text and "10.0.0.300/8" in text, text
    s.close(check=False)
