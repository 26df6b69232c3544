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


SECRET = "addr-mail-secret-0123456789"


def _mail(frm, to, subject, body="forwarded"):
    return (f"From: {frm}\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{abs(hash((frm, to, subject)))}@forwarder.example>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
            f"{body}\r\n").encode()


def test_support_address_verified_by_forwarding(ctx):
    """Zendesk's recipient_addresses on intake: create (one default, e-mail
    unique and lower-cased, bad input named), verify mails a token to the
    address through a real SMTP server, and only that mail coming back in
    to that address verifies it: a wrong token or the right token sent to
    another address changes nothing. No ticket is made of it."""
    import glob
    import os
    from mail_sink import sink_for
    from test_notify import start, wait_for

    os.environ["HD_IT_BIN"] = ctx.bin_dir
    with start({"HD_MAIL_SECRET": SECRET}) as s, sink_for(s) as sink:
        s.start()
        c = s.client()
        path = "/api/v2/recipient_addresses"
        r = c.request("POST", path, {"recipient_address": {"name": "하나 고객센터", "email": "Help@Hana.example"}})
        assert r.status == 201, r
        help_ = r.json["recipient_address"]
        assert help_["email"] == "help@hana.example" and help_["default"] is True, help_
        assert help_["forwarding_status"] == "unknown" and "verify_token" not in help_, help_
        r = c.request("POST", path, {"recipient_address": {"name": "결제 문의", "email": "billing@hana.example"}})
        assert r.status == 201 and r.json["recipient_address"]["default"] is False, r
        billing = r.json["recipient_address"]
        for body, field in (({"email": "HELP@hana.example"}, "email"), ({"email": "not-an-address"}, "email"),
                            ({"name": "x"}, "email"), ({"email": 3}, "email")):
            r = c.request("POST", path, {"recipient_address": body})
            assert r.status == 422 and field in r.json["details"], (body, r)
        r = c.request("PUT", f"{path}/{help_['id']}/verify", {"type": "dns"})
        assert r.status == 422 and "type" in r.json["details"], r

        r = c.request("PUT", f"{path}/{help_['id']}/verify", {"type": "forwarding"})
        assert r.status == 200 and r.json["recipient_address"]["forwarding_status"] == "waiting", r
        wait_for(lambda: sink.to("help@hana.example"), what="the verification mail")
        [file] = [p for p in glob.glob(os.path.join(sink.dir, "*.eml"))
                  if "help@hana.example" in str(sink.messages()[0]["To"])]
        with open(file, "rb") as f:
            raw = f.read()
        subject = str(sink.to("help@hana.example")[0]["Subject"])
        token = subject.split("[hd-verify:", 1)[1].split("]", 1)[0]
        assert len(token) == 32, subject
        # Asking again within a minute sends no second mail.
        assert c.request("PUT", f"{path}/{help_['id']}/verify", {}).status == 200

        hdrs = {"Content-Type": "message/rfc822", "X-HD-Channel-Secret": SECRET}
        wrong = "0" * 32 if token != "0" * 32 else "1" * 32
        for mail in (_mail("help@hana.example", "help@hana.example", f"Fwd: [hd-verify:{wrong}]"),
                     _mail("help@hana.example", "billing@hana.example", f"Fwd: [hd-verify:{token}]")):
            c.request("POST", "/api/v2/hd/channels/email", mail, hdrs)
            st = c.request("GET", f"{path}/{help_['id']}").json["recipient_address"]["forwarding_status"]
            assert st == "waiting", st
        r = c.request("POST", "/api/v2/hd/channels/email", raw, hdrs)
        assert r.status in (200, 201) and r.json["result"] == "ignored", r
        assert "verified" in r.json["reason"], r.json
        got = c.request("GET", f"{path}/{help_['id']}").json["recipient_address"]
        assert got["forwarding_status"] == "verified", got
        assert c.request("GET", f"{path}/{billing['id']}").json["recipient_address"]["forwarding_status"] == "unknown"
        tickets = c.request("GET", "/api/v2/tickets").json["tickets"]
        # The two that proved nothing are ordinary mail (tickets); the
        # verification mail itself is not.
        assert len(tickets) == 2 and all(t["description"] == "forwarded" for t in tickets), tickets

        # One default; a changed e-mail is unverified again; delete.
        r = c.request("PUT", f"{path}/{billing['id']}", {"recipient_address": {"default": True}})
        assert r.status == 200 and r.json["recipient_address"]["default"] is True, r
        lst = c.request("GET", path).json["recipient_addresses"]
        assert [a["default"] for a in lst] == [False, True], lst
        r = c.request("PUT", f"{path}/{help_['id']}", {"recipient_address": {"email": "desk@hana.example"}})
        assert r.json["recipient_address"]["forwarding_status"] == "unknown", r
        assert c.request("DELETE", f"{path}/{billing['id']}").status == 204
        assert c.request("GET", f"{path}/{billing['id']}").status == 404
        # The default went with it: the one left is the default now.
        lst = c.request("GET", path).json["recipient_addresses"]
        assert [(a["email"], a["default"]) for a in lst] == [("desk@hana.example", True)], lst
        assert c.request("PUT", f"{path}/{billing['id']}/verify", {}).status == 404
