"""Views (API.md §7): routing keeps its own copy of every ticket from
intake's events and answers /views/{id}/tickets, /count and /execute."""
from harness import Suite, create_ticket

VIEWS = "/api/v2/views"


def new_view(c, title, all_=None, any_=None, **extra):
    body = {"title": title}
    if all_ is not None:
        body["all"] = all_
    if any_ is not None:
        body["any"] = any_
    body.update(extra)
    r = c.request("POST", VIEWS + ".json", {"view": body})
    assert r.status == 201, r
    return r.json["view"]


def ids(c, view, **params):
    q = "&".join(f"{k}={v}" for k, v in params.items())
    r = c.request("GET", f"{VIEWS}/{view['id']}/tickets.json" + (f"?{q}" if q else ""))
    assert r.status == 200, r
    return [t["id"] for t in r.json["tickets"]], r.json


def count(c, view):
    r = c.request("GET", f"{VIEWS}/{view['id']}/count.json")
    assert r.status == 200, r
    return r.json["view_count"]


def test_view_crud(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        r = c.request("POST", VIEWS, {"view": {
            "title": "Open urgent", "all": [{"field": "status", "operator": "less_than", "value": "solved"}],
            "any": [{"field": "priority", "operator": "is", "value": "urgent"}],
            "output": {"columns": ["status", "subject", "requester"], "sort_by": "created_at", "sort_order": "desc"}}})
        assert r.status == 201, r
        v = r.json["view"]
        assert r.headers["location"] == f"http://127.0.0.1:{s.http_port}/api/v2/views/{v['id']}.json"
        assert v["title"] == "Open urgent" and v["raw_title"] == "Open urgent" and v["active"] is True
        assert v["conditions"] == {"all": [{"field": "status", "operator": "less_than", "value": "solved"}],
                                   "any": [{"field": "priority", "operator": "is", "value": "urgent"}]}
        ex = v["execution"]
        assert [col["id"] for col in ex["columns"]] == ["status", "subject", "requester"]
        assert ex["sort_by"] == "created_at" and ex["sort_order"] == "desc"
        assert v["restriction"] is None and v["created_at"].endswith("Z")
        # conditions{all,any} is accepted too, numbers become strings.
        w = new_view(c, "Mine", conditions={"all": [{"field": "assignee_id", "operator": "is", "value": "current_user"},
                                                    {"field": "group_id", "operator": "is_not", "value": 5}]})
        assert w["conditions"]["all"][1]["value"] == "5"
        # Validation names the field.
        for body, key in [
            ({"title": "x", "all": [{"field": "priority", "operator": "is", "value": "high"}]}, "conditions"),
            ({"title": "x", "any": [{"field": "status", "operator": "is", "value": "open"}]}, "conditions"),
            ({"title": "x", "all": [{"field": "status", "operator": "is", "value": "bogus"}]}, "conditions"),
            ({"title": "x", "all": [{"field": "status", "operator": "sounds_like", "value": "open"}]}, "conditions"),
            ({"title": "x", "all": [{"field": "nope", "operator": "is", "value": "1"}]}, "conditions"),
            ({"title": "x", "all": [{"field": "group_id", "operator": "is", "value": "current_user"}]}, "conditions"),
            ({"title": "x", "all": "status"}, "conditions"),
            ({"title": "", "all": [{"field": "status", "operator": "is", "value": "open"}]}, "title"),
            # restriction: JSON types checked by the gateway, values by routing
            ({"title": "x", "all": [{"field": "status", "operator": "is", "value": "open"}],
              "restriction": {"type": "Team", "id": 1}}, "restriction"),
            ({"title": "x", "all": [{"field": "status", "operator": "is", "value": "open"}],
              "restriction": {"type": "Group"}}, "restriction"),
            ({"title": "x", "all": [{"field": "status", "operator": "is", "value": "open"}],
              "restriction": {"type": "Group", "id": 1, "ids": ["a"]}}, "restriction"),
        ]:
            bad = c.request("POST", VIEWS, {"view": body})
            assert bad.status == 422 and key in bad.json["details"], (body, bad)
        # List, active, show, update, delete.
        lst = c.request("GET", VIEWS + ".json")
        assert lst.status == 200 and [x["id"] for x in lst.json["views"]] == [v["id"], w["id"]], lst
        assert lst.json["count"] == 2
        u = c.request("PUT", f"{VIEWS}/{w['id']}.json", {"view": {"title": "Mine (old)", "active": False}})
        assert u.status == 200 and u.json["view"]["title"] == "Mine (old)" and u.json["view"]["active"] is False, u
        assert u.json["view"]["conditions"] == w["conditions"]
        act = c.request("GET", VIEWS + "/active.json")
        assert [x["id"] for x in act.json["views"]] == [v["id"]], act
        assert c.request("GET", f"{VIEWS}/{v['id']}").json["view"] == v
        assert c.request("DELETE", f"{VIEWS}/{v['id']}").status == 204
        assert c.request("GET", f"{VIEWS}/{v['id']}").status == 404
        assert c.request("GET", f"{VIEWS}/{v['id']}/count").status == 404
        cursor = c.request("GET", VIEWS + "?page[size]=100")
        assert cursor.json["meta"]["has_more"] is False and cursor.json["links"]["next"] is None, cursor


def test_views_follow_ticket_changes(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        unsolved = new_view(c, "Unsolved", [{"field": "status", "operator": "less_than", "value": "solved"}])
        mine = new_view(c, "Mine", [{"field": "assignee_id", "operator": "is", "value": "current_user"},
                                    {"field": "status", "operator": "is_not", "value": "closed"}])
        unassigned = new_view(c, "Unassigned", [{"field": "assignee_id", "operator": "is", "value": ""}])
        high = new_view(c, "High+", [{"field": "status", "operator": "is_not", "value": "closed"}],
                        [{"field": "priority", "operator": "greater_than", "value": "normal"},
                         {"field": "current_tags", "operator": "includes", "value": "vip gold"}])
        t = [create_ticket(c, subject=f"t{i}", priority=p).json["ticket"]["id"]
             for i, p in enumerate(["low", "high", "urgent", "normal"])]
        t.append(create_ticket(c, subject="t4", tags=["gold"]).json["ticket"]["id"])
        s.wait_converged()
        assert ids(c, unsolved)[0] == t
        assert ids(c, mine)[0] == []
        assert ids(c, unassigned)[0] == t
        assert sorted(ids(c, high)[0]) == sorted([t[1], t[2], t[4]])
        assert count(c, unsolved)["value"] == 5 and count(c, unsolved)["pretty"] == "5"
        assert s.metric("routing-0", "hd_routing_unassigned_tickets") == 5
        # Assign one to me, solve another, delete a third.
        assert c.request("PUT", f"/api/v2/tickets/{t[0]}", {"ticket": {"assignee_id": me, "status": "open"}}).status == 200
        assert c.request("PUT", f"/api/v2/tickets/{t[1]}", {"ticket": {"assignee_id": me, "status": "solved",
                                                                         "comment": {"body": "done"}}}).status == 200
        assert c.request("DELETE", f"/api/v2/tickets/{t[2]}").status == 204
        s.wait_converged()
        assert ids(c, unsolved)[0] == [t[0], t[3], t[4]]
        assert ids(c, mine)[0] == [t[0], t[1]]
        assert ids(c, unassigned)[0] == [t[3], t[4]]
        assert ids(c, high)[0] == [t[1], t[4]]
        assert s.metric("routing-0", "hd_routing_unassigned_tickets") == 2
        vc = count(c, mine)
        assert vc == {"url": f"http://127.0.0.1:{s.http_port}/api/v2/views/{mine['id']}/count.json",
                      "view_id": mine["id"], "value": 2, "pretty": "2", "fresh": True}, vc
        # Execute: rows, columns, groups.
        ex = c.request("GET", f"{VIEWS}/{unsolved['id']}/execute.json")
        assert ex.status == 200, ex
        assert ex.json["view"]["id"] == unsolved["id"] and ex.json["groups"] == []
        assert [row["ticket"]["id"] for row in ex.json["rows"]] == [t[0], t[3], t[4]]
        row = ex.json["rows"][0]
        assert row["ticket"]["subject"] == "t0" and row["ticket"]["status"] == "open" and row["assignee_id"] == me
        assert row["created"].endswith("Z") and ex.json["count"] == 3


def test_view_ordering_and_pages(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        v = new_view(c, "Everything", [{"field": "status", "operator": "greater_than", "value": "new"},
                                       {"field": "status", "operator": "less_than", "value": "closed"}],
                     output={"sort_by": "priority", "sort_order": "desc"})
        new_only = new_view(c, "New", [{"field": "status", "operator": "is", "value": "new"},
                                       {"field": "type", "operator": "is", "value": "incident"}])
        t = {}
        for p in ["normal", "urgent", "low", "high"]:
            t[p] = create_ticket(c, subject=p, priority=p, status="open").json["ticket"]["id"]
        inc = create_ticket(c, subject="inc", type="incident").json["ticket"]["id"]
        s.wait_converged()
        got, body = ids(c, v)
        assert got == [t["urgent"], t["high"], t["normal"], t["low"]], got
        assert ids(c, new_only)[0] == [inc]
        asc, _ = ids(c, v, sort_by="priority", sort_order="asc")
        assert asc == list(reversed(got))
        p1, b1 = ids(c, v, per_page=3)
        assert p1 == got[:3] and b1["count"] == 4 and "page=2" in b1["next_page"], b1
        p2, b2 = ids(c, v, per_page=3, page=2)
        assert p2 == got[3:] and b2["next_page"] is None
        cur, cb = ids(c, v, **{"page[size]": 2})
        assert cur == got[:2] and cb["meta"]["has_more"] is True, cb
        nxt = c.request("GET", cb["links"]["next"].split(str(s.http_port), 1)[1])
        assert [x["id"] for x in nxt.json["tickets"]] == got[2:], nxt


def test_views_over_two_intake_shards(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        v = new_view(c, "Pending", [{"field": "status", "operator": "is", "value": "new"}],
                     [{"field": "current_tags", "operator": "includes", "value": "blue"}])
        made = []
        for i in range(10):
            r = create_ticket(c, subject=f"s{i}", tags=["blue"] if i % 2 else ["red"],
                              requester={"email": f"cust{i}@example.com"})
            assert r.status == 201, r
            made.append(r.json["ticket"]["id"])
        assert {x & 0xFF for x in made} == {0, 1}
        s.wait_converged()
        want = [x for i, x in enumerate(made) if i % 2]
        assert sorted(ids(c, v)[0]) == sorted(want)
        assert count(c, v)["value"] == 5
        assert s.metric("routing-0", "hd_routing_unassigned_tickets") == 10


def test_views_are_for_staff(ctx):
    import base64
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        v = new_view(c, "New", [{"field": "status", "operator": "is", "value": "new"}])
        r = c.request("POST", "/api/v2/users", {"user": {"name": "Eve", "email": "eve@example.com", "role": "end-user"}})
        assert r.status == 201, r
        p = c.request("PUT", f"/api/v2/users/{r.json['user']['id']}/password", {"password": "Sup3r-secret-pw!"})
        assert p.status in (200, 204), p
        eve = s.client(auth="Basic " + base64.b64encode(b"eve@example.com:Sup3r-secret-pw!").decode())
        for method, path in [("GET", VIEWS), ("GET", f"{VIEWS}/{v['id']}"), ("GET", f"{VIEWS}/{v['id']}/tickets"),
                             ("GET", f"{VIEWS}/{v['id']}/count"), ("GET", f"{VIEWS}/{v['id']}/execute"),
                             ("DELETE", f"{VIEWS}/{v['id']}")]:
            r = eve.request(method, path)
            assert r.status == 403, (path, r)
        r = eve.request("POST", VIEWS, {"view": {"title": "x", "all": [{"field": "status", "operator": "is",
                                                                       "value": "new"}]}})
        assert r.status == 403, r
        assert c.request("GET", f"{VIEWS}/{v['id']}").status == 200
        # A personal view (restriction type User) is its owner's and the admins'.
        r = c.request("POST", "/api/v2/users", {"user": {"name": "Ann", "email": "ann@example.com", "role": "agent"}})
        assert r.status == 201, r
        assert c.request("PUT", f"/api/v2/users/{r.json['user']['id']}/password",
                         {"password": "Sup3r-secret-pw!"}).status in (200, 204)
        ann = s.client(auth="Basic " + base64.b64encode(b"ann@example.com:Sup3r-secret-pw!").decode())
        me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        mine = new_view(c, "Admin only", [{"field": "status", "operator": "is", "value": "new"}],
                        restriction={"type": "User", "id": me})
        assert mine["restriction"] == {"type": "User", "id": me}
        grp = new_view(c, "Two groups", [{"field": "status", "operator": "is", "value": "new"}],
                       restriction={"type": "Group", "id": 3, "ids": [3, 4]})
        assert grp["restriction"] == {"type": "Group", "id": 3, "ids": [3, 4]}
        assert c.request("DELETE", f"{VIEWS}/{grp['id']}").status in (200, 204)
        assert [x["id"] for x in ann.request("GET", VIEWS).json["views"]] == [v["id"]]
        assert ann.request("GET", f"{VIEWS}/{mine['id']}").status == 404
        assert ann.request("GET", f"{VIEWS}/{mine['id']}/count").status == 404
        assert ann.request("GET", f"{VIEWS}/{v['id']}/count").status == 200
        assert [x["id"] for x in c.request("GET", VIEWS).json["views"]] == [v["id"], mine["id"]]
