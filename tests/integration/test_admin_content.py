"""What the console's content sections (issue 18) need from the API:
GET /macros/actions offers only fields and values that POST /macros
accepts (its lists and knowledge's check are kept in two places), and a
stored webhook's test call is kept in its delivery log — a finished
delivery of event type webhook.test with its one attempt, a failed one too,
and never a dead letter (so it cannot be replayed). And the help center's
category and section lists answer an empty store (knowledge used to abort:
qsort on no items is undefined behaviour, caught by UBSan)."""
import socket

from harness import Suite
from test_notify import Receiver, make_hook

SERVICES = ["intake", "gateway", "knowledge", "notifications"]


def test_macro_actions_are_what_macros_accept(ctx):
    with Suite(ctx.bin_dir, services=SERVICES).start() as s:
        c = s.client()
        r = c.request("GET", "/api/v2/macros/actions")
        assert r.status == 200, r
        defs = {d["output_key"]: d for d in r.json["actions"]}
        assert {"status", "priority", "type", "group_id", "assignee_id", "comment_value",
                "comment_mode_is_public", "set_tags", "current_tags", "remove_tags"} <= set(defs), defs
        assert [v["value"] for v in defs["status"]["values"]] == ["open", "pending", "hold", "solved"]
        group = c.request("POST", "/api/v2/groups", {"group": {"name": "배송팀"}}).json["group"]["id"]
        samples = {"list": None, "text": "안녕하세요 {{ticket.id}}", "tags": "배송 지연",
                   "group": group, "user": "current_user"}
        tried = 0
        for key, d in defs.items():
            values = [v["value"] for v in d["values"]] if d["type"] == "list" else [samples[d["type"]]]
            for v in values:
                if key == "comment_mode_is_public":
                    v = v == "true"
                r = c.request("POST", "/api/v2/macros",
                              {"macro": {"title": f"{key}={v}", "actions": [{"field": key, "value": v}]}})
                assert r.status == 201, (key, v, r)
                tried += 1
        assert tried >= 20, tried
        # A field it does not offer is refused by name.
        r = c.request("POST", "/api/v2/macros", {"macro": {"title": "x", "actions": [{"field": "satisfaction", "value": "good"}]}})
        assert r.status == 422 and "satisfaction" in str(r.json), r
        # End-users are not told.
        assert s.client(auth=None).request("GET", "/api/v2/macros/actions").status in (401, 403)


def test_webhook_test_call_is_in_the_delivery_log(ctx):
    rec = Receiver()
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))  # bound, never listening: refused
    try:
        with Suite(ctx.bin_dir, services=SERVICES).start() as s:
            c = s.client()
            hook = make_hook(c, rec.url("/ok"), ["conditional_ticket_events"])
            r = c.request("POST", f"/api/v2/webhooks/test?webhook_id={hook['id']}",
                          {"request": {"payload": {"안녕": "세계"}}})
            assert r.status == 200 and r.json["response"]["status_code"] == 200, r
            inv = c.request("GET", f"/api/v2/webhooks/{hook['id']}/invocations").json["invocations"]
            assert len(inv) == 1, inv
            assert inv[0]["event_type"] == "zen:event-type:webhook.test" and inv[0]["status"] == "success", inv
            assert inv[0]["status_code"] == 200 and inv[0]["attempts"] == 1, inv
            assert "세계" in inv[0]["body"], inv
            at = c.request("GET", f"/api/v2/webhooks/{hook['id']}/invocations/{inv[0]['id']}/attempts").json["attempts"]
            assert len(at) == 1 and at[0]["status_code"] == 200 and at[0]["status"] == "delivered", at
            assert len(rec.on("/ok")) == 1  # sent once, never queued again

            bad = make_hook(c, f"http://127.0.0.1:{dead.getsockname()[1]}/no", ["conditional_ticket_events"])
            r = c.request("POST", f"/api/v2/webhooks/test?webhook_id={bad['id']}", {})
            assert r.status == 200 and r.json["response"]["status_code"] == 0, r
            inv = c.request("GET", f"/api/v2/webhooks/{bad['id']}/invocations").json["invocations"]
            assert len(inv) == 1 and inv[0]["status"] == "failed" and inv[0]["last_error"], inv
            dl = c.request("GET", f"/api/v2/hd/webhooks/{bad['id']}/dead_letters").json["dead_letters"]
            assert dl == [], dl
            r = c.request("POST", f"/api/v2/hd/webhooks/{bad['id']}/dead_letters/{inv[0]['id']}/replay")
            assert r.status == 404, r

            # An unsaved webhook's test has no log to go to.
            r = c.request("POST", "/api/v2/webhooks/test",
                          {"webhook": {"name": "t", "endpoint": rec.url("/unsaved"), "http_method": "POST",
                                       "request_format": "json", "status": "active",
                                       "subscriptions": ["conditional_ticket_events"]}})
            assert r.status == 200 and r.json["response"]["status_code"] == 200, r
            assert len(rec.on("/unsaved")) == 1
    finally:
        dead.close()
        rec.close()


def test_empty_help_center_lists(ctx):
    with Suite(ctx.bin_dir, services=SERVICES).start() as s:
        c = s.client()
        for path in ("/api/v2/help_center/categories", "/api/v2/help_center/sections",
                     "/api/v2/help_center/ko/categories"):
            r = c.request("GET", path)
            assert r.status == 200, (path, r)
        assert c.request("GET", "/api/v2/help_center/categories").json["categories"] == []
        r = c.request("POST", "/api/v2/help_center/categories", {"category": {"name": "계정", "locale": "ko"}})
        assert r.status == 201, r
        cats = c.request("GET", "/api/v2/help_center/categories").json["categories"]
        assert [x["name"] for x in cats] == ["계정"], cats
        assert c.request("GET", "/api/v2/help_center/sections").json["sections"] == []
