"""The thin slice: create and read tickets through the gateway."""
from harness import ADMIN_EMAIL, Suite, basic, create_ticket


def test_create_show_and_not_found(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        r = create_ticket(c, subject="배송 문의", body="배송이 지연되고 있습니다",
                          priority="high", tags=["Shipping", "vip", "vip"])
        assert r.status == 201, r
        t = r.json["ticket"]
        assert t["subject"] == "배송 문의" and t["description"] == "배송이 지연되고 있습니다"
        assert t["status"] == "new" and t["priority"] == "high"
        assert t["tags"] == ["shipping", "vip"], t["tags"]
        assert t["via"]["channel"] == "api"
        assert t["created_at"].endswith("Z") and len(t["created_at"]) == 20
        assert r.headers["location"] == f"http://127.0.0.1:{s.http_port}/api/v2/tickets/{t['id']}.json"
        assert r.headers["content-type"] == "application/json; charset=utf-8"
        for path in (f"/api/v2/tickets/{t['id']}", f"/api/v2/tickets/{t['id']}.json"):
            g = c.request("GET", path)
            assert g.status == 200, g
            assert g.json["ticket"] == t
        # The plain path also creates (without .json).
        r2 = c.request("POST", "/api/v2/tickets", {"ticket": {"description": "only a description"}})
        assert r2.status == 201 and r2.json["ticket"]["description"] == "only a description", r2
        missing = c.request("GET", f"/api/v2/tickets/{t['id'] + 256 * 1000}.json")
        assert missing.status == 404, missing
        assert missing.json == {"error": "RecordNotFound", "description": "Not found"}
        bogus = c.request("GET", "/api/v2/tickets/abc")
        assert bogus.status == 404, bogus


def test_authentication(ctx):
    with Suite(ctx.bin_dir).start() as s:
        for auth in (None, basic(ADMIN_EMAIL, "wrong"), basic("nobody@example.com", "test-token-0123456789abcdef"),
                     "Basic !!!notbase64", "Bearer abc", "Basic " + "A" * 5000):
            r = s.client(auth=auth).request("GET", "/api/v2/tickets/256.json")
            assert r.status == 401, (auth, r)
            assert r.json == {"error": "Couldn't authenticate you"}, r
            assert r.headers.get("www-authenticate") == 'Basic realm="Web Password"'
        # E-mail matching is case-insensitive.
        r = s.client(auth=basic(ADMIN_EMAIL.upper(), "test-token-0123456789abcdef")).request(
            "POST", "/api/v2/tickets", {"ticket": {"comment": {"body": "hi"}}})
        assert r.status == 201, r


def test_requester_by_email_creates_end_user(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        a = create_ticket(c, requester={"name": "김민준", "email": "Minjun@Example.kr"})
        b = create_ticket(c, requester={"email": "minjun@example.kr"})
        assert a.status == 201 and b.status == 201, (a, b)
        assert a.json["ticket"]["requester_id"] == b.json["ticket"]["requester_id"]
        assert a.json["ticket"]["requester_id"] != a.json["ticket"]["submitter_id"]
        bad = create_ticket(c, requester={"email": "not an email"})
        assert bad.status == 422 and "requester" in bad.json["details"], bad


def test_consumers_apply_each_ticket_once(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        for i in range(25):
            assert create_ticket(c, subject=f"t{i}").status == 201
        bus = s.wait_converged(30)
        assert bus["sources"][0]["latest_seq"] == 26  # the admin's user.created + 25
        assert [x["service"] for x in bus["consumers"]] == ["routing", "knowledge", "notifications", "metrics",
                                                            "intake"]
        # each intake shard consumes routing: its copy of the triggers
        assert [(c["source"], c["failed"]) for c in bus["consumers"][4]["cursors"]] == [("routing", False)], bus
        assert s.metric("metrics-0", "hd_tickets_created_total") == 25
        assert s.metric("routing-0", "hd_routing_unassigned_tickets") == 25
        assert s.metric("notifications-0", 'hd_bus_cursor_seq{source="intake",shard="0"}') == 26
        assert s.metric("knowledge-0", "hd_knowledge_suggested_tickets") == 25


def test_bus_status_is_for_admins_only(ctx):
    with Suite(ctx.bin_dir).start() as s:
        from test_tickets_api import end_user
        _, customer = end_user(s, "customer@example.com")
        r = customer.request("GET", "/api/v2/hd/bus")
        assert r.status == 403, r
        r = s.client(auth=None).request("GET", "/api/v2/hd/bus")
        assert r.status == 401, r
        r = s.client().request("DELETE", "/api/v2/hd/bus")
        assert r.status == 405, r
        r = s.client().request("GET", "/api/v2/nothing/here")
        assert r.status == 404 and r.json["error"] == "InvalidEndpoint", r


def test_graceful_shutdown_keeps_data(ctx):
    s = Suite(ctx.bin_dir).start()
    try:
        c = s.client()
        ids = [create_ticket(c, subject=f"keep {i}").json["ticket"]["id"] for i in range(10)]
        c.close()
        for name in ["gateway", "metrics", "routing", "knowledge", "notifications", "intake"]:
            assert s.stop_service(name) == 0, s.log_tail(f"{name}-0")
        s.start()
        c = s.client()
        for i, tid in enumerate(ids):
            g = c.request("GET", f"/api/v2/tickets/{tid}")
            assert g.status == 200 and g.json["ticket"]["subject"] == f"keep {i}", g
        s.wait_converged(30)
        assert s.metric("metrics-0", "hd_tickets_created_total") == 10
    finally:
        s.close()
