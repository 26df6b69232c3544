"""Macros (API.md §7): CRUD, active/search/categories, apply as a preview
that saves nothing with placeholders rendered (missing data renders empty),
personal and group restrictions, usage counts on the test clock, and
proposing a macro from a solved ticket's reply."""
from urllib.parse import quote

from harness import Suite, basic, create_ticket
from test_fields import new_field

SERVICES = ["intake", "knowledge", "gateway"]
MACROS = "/api/v2/macros"
HOUR = 3600000
DAY = 24 * HOUR


def make_user(c, name, email, role):
    r = c.request("POST", "/api/v2/users", {"user": {"name": name, "email": email, "role": role}})
    assert r.status == 201, r
    return r.json["user"]


def setup(s):
    c = s.client()
    tok = c.request("POST", "/api/v2/api_tokens", {"api_token": {"description": "m"}}).json["api_token"]["token"]
    out = {"admin": c}
    for key, name, role in [("agent", "김지은", "agent"), ("agent2", "박서준", "agent"),
                            ("customer", "이 하나", "end-user")]:
        u = make_user(c, name, f"{key}@example.kr", role)
        out[key] = u
        out[key + "_c"] = s.client(auth=basic(f"{key}@example.kr", tok))
    return out


def new_macro(c, **m):
    r = c.request("POST", MACROS, {"macro": m})
    assert r.status == 201, r
    return r.json["macro"]


REPLY = [{"field": "comment_value",
          "value": "{{ticket.requester.first_name}}님, 안녕하세요. #{{ticket.id}} ({{ticket.title}}) 건은 "
                   "{{ticket.assignee.name}}가 처리합니다. 상태: {{ticket.status}} — {{current_user.name}}"},
         {"field": "status", "value": "pending"}, {"field": "priority", "value": "high"},
         {"field": "assignee_id", "value": "current_user"}, {"field": "current_tags", "value": "배송 vip"},
         {"field": "remove_tags", "value": "old"}, {"field": "comment_mode_is_public", "value": "false"}]


def test_macro_crud_and_lists(ctx):
    with Suite(ctx.bin_dir, services=SERVICES).start() as s:
        p = setup(s)
        c, a, e = p["admin"], p["agent_c"], p["customer_c"]
        m = new_macro(c, title="배송::지연 안내", actions=REPLY, description="배송 지연 답변")
        assert m["active"] is True and m["restriction"] is None and m["raw_title"] == "배송::지연 안내"
        assert m["actions"][1] == {"field": "status", "value": "pending"}
        assert m["url"] == f"http://127.0.0.1:{s.http_port}/api/v2/macros/{m['id']}.json"
        off = new_macro(c, title="환불::거절", active=False, actions=[{"field": "status", "value": "solved"}])
        mine = new_macro(a, title="My note", actions=[{"field": "comment_value", "value": "hi"}],
                         restriction={"type": "User", "id": p["agent"]["id"]})
        # agents write only personal macros; end-users nothing
        assert a.request("POST", MACROS, {"macro": {"title": "shared", "actions": REPLY}}).status == 403
        assert a.request("PUT", f"{MACROS}/{m['id']}", {"macro": {"title": "x"}}).status == 403
        assert e.request("GET", MACROS).status == 403
        assert e.request("GET", f"{MACROS}/{m['id']}/apply").status == 403
        # personal macros are their owner's alone, admins included
        ids = lambda cl, q="": [x["id"] for x in cl.request("GET", MACROS + q).json["macros"]]
        assert ids(a) == [m["id"], off["id"], mine["id"]]
        assert ids(c) == [m["id"], off["id"]]
        assert ids(p["agent2_c"]) == [m["id"], off["id"]]
        assert c.request("GET", f"{MACROS}/{mine['id']}").status == 404
        assert p["agent2_c"].request("GET", f"{MACROS}/{mine['id']}/apply").status == 404
        assert ids(a, "/active") == [m["id"], mine["id"]]
        assert ids(a, "?active=false") == [off["id"]]
        assert [x["id"] for x in a.request("GET", MACROS + "/search?title=" + quote("지연")).json["macros"]] == [m["id"]]
        assert [x["id"] for x in a.request("GET", MACROS + "/search?query=MY").json["macros"]] == [mine["id"]]
        assert a.request("GET", MACROS + "/search").status == 400
        assert a.request("GET", MACROS + "/categories").json == {"categories": ["배송", "환불"]}
        page = a.request("GET", MACROS + "?per_page=2").json
        assert page["count"] == 3 and len(page["macros"]) == 2 and page["next_page"]
        # group macros: members and admins
        g = c.request("POST", "/api/v2/groups", {"group": {"name": "VIP"}}).json["group"]
        c.request("POST", "/api/v2/group_memberships", {"group_membership": {"user_id": p["agent2"]["id"], "group_id": g["id"]}})
        gm = new_macro(c, title="VIP", actions=[{"field": "priority", "value": "urgent"}],
                       restriction={"type": "Group", "ids": [g["id"]]})
        assert gm["restriction"] == {"type": "Group", "id": g["id"], "ids": [g["id"]]}
        assert gm["id"] in ids(p["agent2_c"]) and gm["id"] not in ids(a) and gm["id"] in ids(c)
        # update, validation, delete
        r = c.request("PUT", f"{MACROS}/{off['id']}", {"macro": {"active": True, "title": "환불::거절 (개정)"}})
        assert r.status == 200 and r.json["macro"]["active"] is True and r.json["macro"]["actions"] == off["actions"]
        for body, field in [({"actions": REPLY}, "title"), ({"title": "t"}, "actions"),
                            ({"title": "t", "actions": [{"field": "nope", "value": 1}]}, "actions"),
                            ({"title": "t", "actions": [{"field": "status", "value": "closed"}]}, "actions"),
                            ({"title": "t", "actions": "x"}, "actions"),
                            # values are text, numbers, booleans, null or flat lists of those
                            ({"title": "t", "actions": [{"field": "set_tags", "value": [["a"]]}]}, "actions"),
                            ({"title": "t", "actions": [{"field": "current_tags", "value": {"a": 1}}]}, "actions"),
                            ({"title": "t", "actions": REPLY, "restriction": {"type": "Org", "id": 1}}, "restriction"),
                            ({"title": "t", "actions": REPLY, "active": "yes"}, "active")]:
            r = c.request("POST", MACROS, {"macro": body})
            assert r.status == 422 and field in r.json["details"], (body, r)
        assert c.request("DELETE", f"{MACROS}/{off['id']}").status == 204
        assert c.request("GET", f"{MACROS}/{off['id']}").status == 404
        assert a.request("DELETE", f"{MACROS}/{mine['id']}").status == 204


def test_macro_apply_renders_and_saves_nothing(ctx):
    with Suite(ctx.bin_dir, services=SERVICES).start() as s:
        p = setup(s)
        c, a = p["admin"], p["agent_c"]
        t = create_ticket(c, subject="배송이 늦어요", body="언제 오나요?",
                          requester_id=p["customer"]["id"], tags=["old", "문의"]).json["ticket"]
        before = c.request("GET", f"/api/v2/tickets/{t['id']}").json["ticket"]
        m = new_macro(c, title="지연 안내", actions=REPLY)
        r = a.request("GET", f"/api/v2/tickets/{t['id']}/macros/{m['id']}/apply")
        assert r.status == 200, r
        tk = r.json["result"]["ticket"]
        assert tk["id"] == t["id"] and tk["subject"] == "배송이 늦어요"
        assert tk["status"] == "pending" and tk["priority"] == "high"
        assert tk["assignee_id"] == p["agent"]["id"]
        assert tk["tags"] == ["문의", "배송", "vip"]
        body = (f"이님, 안녕하세요. #{t['id']} (배송이 늦어요) 건은 김지은가 처리합니다. "
                f"상태: pending — 김지은")
        assert tk["comment"]["body"] == body
        assert tk["comment"]["public"] is False
        assert tk["comment"]["scoped_body"] == [["channel:all", body]]
        assert tk["comment"]["html_body"] == (
            '<div class="zd-comment" dir="auto"><p dir="auto">' + body + "</p></div>")
        # nothing was saved
        after = c.request("GET", f"/api/v2/tickets/{t['id']}").json["ticket"]
        assert after == before
        assert len(c.request("GET", f"/api/v2/tickets/{t['id']}/comments").json["comments"]) == 1
        # without a ticket: only the changes, ticket placeholders empty
        r = a.request("GET", f"{MACROS}/{m['id']}/apply")
        assert r.status == 200, r
        ch = r.json["result"]["ticket"]
        assert ch["status"] == "pending" and ch["assignee_id"] == p["agent"]["id"]
        assert ch["tags"] == ["배송", "vip"] and "subject" not in ch
        assert ch["comment"]["body"] == "님, 안녕하세요. # () 건은 김지은가 처리합니다. 상태: pending — 김지은"
        # html templates escape inserted values; unknown placeholders are empty
        f77 = new_field(c, type="text", title="주문번호")["id"]
        h = new_macro(c, title="html", actions=[
            {"field": "comment_value_html", "value": "<p>{{ticket.title}} {{ticket.nope.name}}</p>"},
            {"field": "set_tags", "value": ["a", "b"]}, {"field": f"custom_fields_{f77}", "value": "x"}])
        t2 = create_ticket(c, subject="<b>굵게</b> & 기호", body="x").json["ticket"]
        # The preview runs the real update (intake's write job, undone): a
        # field that is not a ticket field is refused exactly as the update
        # would refuse it.
        bad = new_macro(c, title="no field", actions=[{"field": "custom_fields_77", "value": "x"}])
        pr = a.request("GET", f"/api/v2/tickets/{t2['id']}/macros/{bad['id']}/apply")
        real = a.request("PUT", f"/api/v2/tickets/{t2['id']}", {"ticket": {"custom_fields": [{"id": 77, "value": "x"}]}})
        assert pr.status == real.status == 422 and pr.json == real.json, (pr, real)
        r = a.request("GET", f"/api/v2/tickets/{t2['id']}/macros/{h['id']}/apply").json["result"]["ticket"]
        # the comment as the update stores it (intake's sanitized HTML and
        # its text), not a second rendering
        assert r["comment"]["html_body"] == (
            '<div class="zd-comment" dir="auto"><p>&lt;b&gt;굵게&lt;/b&gt; &amp; 기호 </p></div>'), r["comment"]
        assert r["comment"]["body"] == "<b>굵게</b> & 기호", r["comment"]
        assert r["comment"]["public"] is True
        assert r["tags"] == ["a", "b"]
        assert {"id": f77, "value": "x"} in r["custom_fields"]
        # a ticket without an assignee: the assignee renders empty
        n = new_macro(c, title="who", actions=[{"field": "comment_value",
                                                  "value": "담당: [{{ticket.assignee.name}}] {{ticket.requester.first_name}}"}])
        r = a.request("GET", f"/api/v2/tickets/{t2['id']}/macros/{n['id']}/apply").json["result"]["ticket"]
        assert r["comment"]["body"] == "담당: [] Admin" and r["assignee_id"] is None
        # missing ticket or macro
        assert a.request("GET", f"/api/v2/tickets/999999/macros/{m['id']}/apply").status == 404
        assert a.request("GET", f"/api/v2/tickets/{t['id']}/macros/999/apply").status == 404


def test_macro_usage_counts(ctx):
    with Suite(ctx.bin_dir, services=SERVICES).start() as s:
        p = setup(s)
        c, a = p["admin"], p["agent_c"]
        m = new_macro(c, title="u", actions=[{"field": "status", "value": "open"}])
        other = new_macro(c, title="v", actions=[{"field": "status", "value": "open"}])
        usage = lambda: {k: v for k, v in c.request(
            "GET", f"{MACROS}/{m['id']}?include=usage_1h,usage_24h,usage_7d,usage_30d").json["macro"].items()
            if k.startswith("usage")}
        assert usage() == {"usage_1h": 0, "usage_24h": 0, "usage_7d": 0, "usage_30d": 0}
        assert "usage_7d" not in c.request("GET", f"{MACROS}/{m['id']}").json["macro"]
        for _ in range(3):
            assert a.request("GET", f"{MACROS}/{m['id']}/apply").status == 200
        assert usage() == {"usage_1h": 3, "usage_24h": 3, "usage_7d": 3, "usage_30d": 3}
        s.advance_clock(2 * HOUR)
        a.request("GET", f"{MACROS}/{m['id']}/apply")
        assert usage() == {"usage_1h": 1, "usage_24h": 4, "usage_7d": 4, "usage_30d": 4}
        s.advance_clock(3 * DAY)
        assert usage() == {"usage_1h": 0, "usage_24h": 0, "usage_7d": 4, "usage_30d": 4}
        s.advance_clock(10 * DAY)
        a.request("GET", f"{MACROS}/{m['id']}/apply")
        assert usage() == {"usage_1h": 1, "usage_24h": 1, "usage_7d": 1, "usage_30d": 5}
        s.advance_clock(25 * DAY)
        assert usage() == {"usage_1h": 0, "usage_24h": 0, "usage_7d": 0, "usage_30d": 1}
        listed = c.request("GET", MACROS + "?include=usage_7d,usage_30d").json["macros"]
        assert [(x["id"], x["usage_7d"], x["usage_30d"]) for x in listed] == [(m["id"], 0, 1), (other["id"], 0, 0)]
        assert "usage_1h" not in listed[0]


def test_macro_from_solved_ticket(ctx):
    with Suite(ctx.bin_dir, services=SERVICES).start() as s:
        p = setup(s)
        c, a = p["admin"], p["agent_c"]
        t = create_ticket(c, subject="환불 문의", body="환불해 주세요",
                          requester_id=p["customer"]["id"]).json["ticket"]
        tid = t["id"]
        reply = (f"이 하나님, 안녕하세요. 김지은입니다. 문의하신 #{tid} 건의 환불이 완료되었습니다. "
                 f"이 님께 감사드립니다. 주문번호 {tid}1 은 그대로입니다.")
        r = a.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"comment": {"body": "내부 메모", "public": False}}})
        assert r.status == 200, r
        assert a.request("POST", f"/api/v2/hd/macros/from_ticket/{tid}").status == 422  # not solved yet
        r = a.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"status": "solved", "assignee_id": p["agent"]["id"],
                                                                   "comment": {"body": reply}}})
        assert r.status == 200, r
        a.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"comment": {"body": "마지막 내부 메모", "public": False}}})
        assert p["customer_c"].request("POST", f"/api/v2/hd/macros/from_ticket/{tid}").status == 403
        r = a.request("POST", f"/api/v2/hd/macros/from_ticket/{tid}")
        assert r.status == 201, r
        m = r.json["macro"]
        assert m["active"] is False and m["review_required"] is True and m["source_ticket_id"] == tid
        assert m["title"] == f"Ticket #{tid}: 환불 문의"
        assert m["actions"] == [{"field": "comment_value", "value":
            "{{ticket.requester.name}}님, 안녕하세요. {{current_user.name}}입니다. 문의하신 #{{ticket.id}} 건의 "
            "환불이 완료되었습니다. {{ticket.requester.first_name}} 님께 감사드립니다. "
            f"주문번호 {tid}1 은 그대로입니다."}]
        # an admin reviews it: activating ends the review
        assert a.request("PUT", f"{MACROS}/{m['id']}", {"macro": {"active": True}}).status == 403
        r = c.request("PUT", f"{MACROS}/{m['id']}", {"macro": {"active": True}})
        assert r.status == 200 and r.json["macro"]["review_required"] is False
        # a ticket with no public agent reply cannot become a macro
        t2 = create_ticket(p["customer_c"], subject="x", body="y").json["ticket"]
        c.request("PUT", f"/api/v2/tickets/{t2['id']}", {"ticket": {"status": "solved", "assignee_id": p["agent"]["id"]}})
        r = a.request("POST", f"/api/v2/hd/macros/from_ticket/{t2['id']}")
        assert r.status == 422 and "comment" in r.json["details"], r
        assert a.request("POST", "/api/v2/hd/macros/from_ticket/999999").status == 404
