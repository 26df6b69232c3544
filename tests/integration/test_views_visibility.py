"""Who sees which view (Zendesk's agent interface): a shared view every
agent and admin; a group view the members of one of its groups and the
admins; a personal view its owner alone — admins do not see other agents'
personal views. Routing decides, from the memberships it learns from
intake's events; a view the caller may not see answers 404 everywhere
(show, count, tickets, execute, edit) and is left out of the lists and
count_many."""
import base64

from harness import Suite, create_ticket, wait_until

V2 = "/api/v2"
VIEWS = f"{V2}/views"
NEW = [{"field": "status", "operator": "is", "value": "new"}]
PW = "Sup3r-secret-pw!"


def ok(c, method, path, body=None):
    r = c.request(method, path, body)
    assert r.status in (200, 201), (method, path, r)
    return r.json


def person(s, c, name, email, role):
    u = ok(c, "POST", f"{V2}/users", {"user": {"name": name, "email": email, "role": role}})["user"]
    assert c.request("PUT", f"{V2}/users/{u['id']}/password", {"password": PW}).status in (200, 204)
    return u["id"], s.client(auth="Basic " + base64.b64encode(f"{email}:{PW}".encode()).decode())


def view(c, title, restriction=None):
    body = {"title": title, "all": NEW}
    if restriction is not None:
        body["restriction"] = restriction
    return ok(c, "POST", VIEWS, {"view": body})["view"]["id"]


def listed(c, path=VIEWS):
    r = c.request("GET", path)
    assert r.status == 200, (path, r)
    return {v["id"] for v in r.json["views"]}


def counted(c, ids):
    r = c.request("GET", f"{VIEWS}/count_many?ids=" + ",".join(str(i) for i in sorted(ids)))
    assert r.status == 200, r
    got = r.json["view_counts"]
    assert all(x["url"].endswith(f"/views/{x['view_id']}/count.json") and x["pretty"] == str(x["value"])
               for x in got), got
    return {x["view_id"] for x in got}


def test_view_visibility_by_role_and_group(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        me = ok(c, "GET", f"{V2}/users/me")["user"]["id"]
        ann, c_ann = person(s, c, "김안나", "ann@example.com", "agent")
        bo, c_bo = person(s, c, "박보영", "bo@example.com", "agent")
        _, c_eve = person(s, c, "이은비", "eve@example.com", "end-user")
        ga = ok(c, "POST", f"{V2}/groups", {"group": {"name": "결제팀"}})["group"]["id"]
        gb = ok(c, "POST", f"{V2}/groups", {"group": {"name": "배송팀"}})["group"]["id"]
        m_ann = ok(c, "POST", f"{V2}/group_memberships", {"group_membership": {
            "user_id": ann, "group_id": ga}})["group_membership"]["id"]
        ok(c, "POST", f"{V2}/group_memberships", {"group_membership": {"user_id": bo, "group_id": gb}})
        v = {
            "shared": view(c, "모두의 뷰"),
            "group_a": view(c, "결제팀 뷰", {"type": "Group", "id": ga}),
            "group_b": view(c, "배송팀 뷰", {"type": "Group", "id": gb, "ids": [gb]}),
            "both": view(c, "두 팀 뷰", {"type": "Group", "id": gb, "ids": [gb, ga]}),
            "admin_own": view(c, "관리자 개인 뷰", {"type": "User", "id": me}),
            "ann_own": view(c_ann, "안나 개인 뷰", {"type": "User", "id": ann}),
            "bo_own": view(c_bo, "보영 개인 뷰", {"type": "User", "id": bo}),
        }
        every = set(v.values())
        sees = {
            "admin": (c, {v[k] for k in ("shared", "group_a", "group_b", "both", "admin_own")}),
            "ann": (c_ann, {v[k] for k in ("shared", "group_a", "both", "ann_own")}),
            "bo": (c_bo, {v[k] for k in ("shared", "group_b", "both", "bo_own")}),
        }
        # Routing learns the memberships from intake's events: wait for them.
        wait_until(lambda: all(listed(cl) == want for cl, want in sees.values()), timeout=60, step=0.25,
                   what="each caller lists exactly their views",
                   progress=lambda: {k: sorted(listed(cl)) for k, (cl, _) in sees.items()})
        for who, (cl, want) in sees.items():
            assert listed(cl, f"{VIEWS}/active") == want, who
            assert counted(cl, every) == want, who
            for vid in every:
                for suffix in ("", "/count", "/tickets", "/execute"):
                    st = cl.request("GET", f"{VIEWS}/{vid}{suffix}").status
                    assert st == (200 if vid in want else 404), (who, vid, suffix, st)
        # Nobody edits or deletes a view they cannot see: 404, not 403.
        for cl, vid in ((c, v["ann_own"]), (c_ann, v["group_b"]), (c_bo, v["admin_own"])):
            assert cl.request("PUT", f"{VIEWS}/{vid}", {"view": {"title": "x"}}).status == 404
            assert cl.request("DELETE", f"{VIEWS}/{vid}").status == 404
        # A personal view is its owner's own: not even an admin saves one for
        # someone else, nor turns a shared view into one.
        r = c.request("POST", VIEWS, {"view": {"title": "x", "all": NEW, "restriction": {"type": "User", "id": ann}}})
        assert r.status == 403 and "personal view" in r.raw.decode(), r
        r = c.request("PUT", f"{VIEWS}/{v['shared']}", {"view": {"restriction": {"type": "User", "id": bo}}})
        assert r.status == 403, r
        # Agents still cannot change a group view they see (the admins').
        assert c_ann.request("PUT", f"{VIEWS}/{v['group_a']}", {"view": {"title": "x"}}).status == 403
        # End-users see no views at all.
        for path in (VIEWS, f"{VIEWS}/active", f"{VIEWS}/count_many?ids={v['shared']}",
                     f"{VIEWS}/{v['shared']}", f"{VIEWS}/{v['shared']}/count"):
            assert c_eve.request("GET", path).status == 403, path
        # Leaving the group takes its views away; the view itself stays.
        assert c.request("DELETE", f"{V2}/group_memberships/{m_ann}").status in (200, 204)
        ann_now = {v[k] for k in ("shared", "ann_own")}
        wait_until(lambda: listed(c_ann) == ann_now, timeout=60, step=0.25, what="ann no longer sees the group views",
                   progress=lambda: sorted(listed(c_ann)))
        assert c_ann.request("GET", f"{VIEWS}/{v['group_a']}/tickets").status == 404
        assert counted(c_ann, every) == ann_now
        assert v["group_a"] in listed(c)
        # A deleted group has no members: its views are the admins' alone.
        assert c.request("DELETE", f"{V2}/groups/{gb}").status in (200, 204)
        bo_now = {v[k] for k in ("shared", "bo_own")}
        wait_until(lambda: listed(c_bo) == bo_now, timeout=60, step=0.25, what="bo no longer sees group B's views",
                   progress=lambda: sorted(listed(c_bo)))
        assert c_bo.request("GET", f"{VIEWS}/{v['group_b']}/count").status == 404
        assert {v["group_b"], v["both"]} <= listed(c)


def test_count_many_input(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        a = view(c, "하나")
        r = c.request("GET", f"{VIEWS}/count_many")
        assert r.status == 400 and "ids" in r.raw.decode(), r
        r = c.request("GET", f"{VIEWS}/count_many?ids=1,x")
        assert r.status == 400 and "ids" in r.raw.decode(), r
        r = c.request("GET", f"{VIEWS}/count_many?ids=" + ",".join(str(i) for i in range(1, 102)))
        assert r.status == 400 and "ids" in r.raw.decode(), r
        # Unknown ids are left out; a repeated id is counted once; once the
        # view's index is built its count is fresh here too.
        wait_until(lambda: c.request("GET", f"{VIEWS}/{a}/count.json").json["view_count"]["fresh"],
                   what=f"view {a}'s index built")
        r = c.request("GET", f"{VIEWS}/count_many.json?ids={a},{a},987654")
        assert r.status == 200 and [x["view_id"] for x in r.json["view_counts"]] == [a], r
        assert r.json["view_counts"][0]["value"] == 0 and r.json["view_counts"][0]["fresh"] is True, r


def routing_view_rpcs(s):
    """How many views.* RPCs routing has served (every method, outcome)."""
    status, text = s.admin_get("routing-0", "/metrics")
    assert status == 200, status
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("hd_rpc_server_duration_seconds_count{") and 'method="views.' in line)


def test_count_many_is_one_rpc_with_the_single_counts(ctx):
    """count_many answers, in one routing RPC, exactly what each view's own
    /count answers, for the views the caller may see, in the order asked
    (a repeated id once; hidden and unknown ids left out)."""
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        me = ok(c, "GET", f"{V2}/users/me")["user"]["id"]
        ann, c_ann = person(s, c, "김안나", "ann@example.com", "agent")
        ga = ok(c, "POST", f"{V2}/groups", {"group": {"name": "결제팀"}})["group"]["id"]
        gb = ok(c, "POST", f"{V2}/groups", {"group": {"name": "배송팀"}})["group"]["id"]
        ok(c, "POST", f"{V2}/group_memberships", {"group_membership": {"user_id": ann, "group_id": ga}})
        for i in range(3):
            assert create_ticket(c, f"새 문의 {i}").status == 201
        v = {
            "shared": view(c, "모두의 뷰"),
            "open": ok(c, "POST", VIEWS, {"view": {"title": "열린 티켓", "all": [
                {"field": "status", "operator": "is", "value": "open"}]}})["view"]["id"],
            "group_a": view(c, "결제팀 뷰", {"type": "Group", "id": ga}),
            "group_b": view(c, "배송팀 뷰", {"type": "Group", "id": gb}),
            "admin_own": view(c, "관리자 개인 뷰", {"type": "User", "id": me}),
            "ann_own": view(c_ann, "안나 개인 뷰", {"type": "User", "id": ann}),
        }
        sees = {
            "admin": (c, {v[k] for k in ("shared", "open", "group_a", "group_b", "admin_own")}),
            "ann": (c_ann, {v[k] for k in ("shared", "open", "group_a", "ann_own")}),
        }
        wait_until(lambda: all(listed(cl) == want for cl, want in sees.values()), timeout=60, step=0.25,
                   what="each caller lists exactly their views",
                   progress=lambda: {k: sorted(listed(cl)) for k, (cl, _) in sees.items()})
        asked = [v["ann_own"], v["group_b"], 987654, v["shared"], v["admin_own"], v["group_a"], v["shared"],
                 v["open"]]
        query = f"{VIEWS}/count_many?ids=" + ",".join(str(i) for i in asked)
        for who, (cl, want) in sees.items():
            order = [i for n, i in enumerate(asked) if i in want and i not in asked[:n]]

            def singles():
                got = [ok(cl, "GET", f"{VIEWS}/{i}/count")["view_count"] for i in order]
                settled = all(x["fresh"] for x in got) and got[order.index(v["shared"])]["value"] == 3
                return got if settled else None
            expect = wait_until(singles, timeout=60, step=0.25, what=f"{who}'s counts fresh, the tickets in")
            before = routing_view_rpcs(s)
            r = cl.request("GET", query)
            after = routing_view_rpcs(s)
            assert r.status == 200, (who, r)
            assert r.json == {"view_counts": expect}, (who, r.json, expect)
            assert after - before == 1, (who, "routing RPCs for one count_many", after - before)
