"""People and authentication: users, organizations, groups, memberships,
API and OAuth tokens, passwords, roles and the per-user rate limit."""
import base64
import os
import time

from harness import ADMIN_EMAIL, ADMIN_TOKEN, Client, Suite, basic, free_port, make_user

PEOPLE = ["intake", "gateway"]


def password_auth(email, password):
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


def test_users_crud_and_shape(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        r = c.request("POST", "/api/v2/users.json",
                      {"user": {"name": "김민준", "email": "MinJun@Example.KR", "phone": "+82-10-1234-5678",
                                "tags": ["vip"], "external_id": "crm-1", "user_fields": {"tier": "gold"}}})
        assert r.status == 201, r
        u = r.json["user"]
        assert u["name"] == "김민준" and u["email"] == "minjun@example.kr"
        assert r.headers["location"] == f"http://127.0.0.1:{s.http_port}/api/v2/users/{u['id']}.json"
        assert u["url"] == r.headers["location"]
        assert u["role"] == "end-user" and u["role_type"] is None
        assert u["ticket_restriction"] == "requested"
        assert u["time_zone"] == "Asia/Seoul" and u["iana_time_zone"] == "Asia/Seoul"
        assert u["locale"] == "ko" and u["active"] is True and u["suspended"] is False
        assert u["tags"] == ["vip"] and u["external_id"] == "crm-1"
        assert u["user_fields"] == {"tier": "gold"} and u["organization_id"] is None
        assert u["created_at"].endswith("Z") and len(u["created_at"]) == 20
        g = c.request("GET", f"/api/v2/users/{u['id']}")
        assert g.status == 200 and g.json["user"] == u, g
        # Update: only the keys sent change.
        p = c.request("PUT", f"/api/v2/users/{u['id']}.json", {"user": {"locale": "en-US", "time_zone": "America/New_York"}})
        assert p.status == 200, p
        assert p.json["user"]["locale"] == "en-US" and p.json["user"]["name"] == "김민준"
        assert p.json["user"]["time_zone"] == "America/New_York" and p.json["user"]["tags"] == ["vip"]
        # Duplicate e-mail, case-insensitively.
        d = c.request("POST", "/api/v2/users", {"user": {"name": "X", "email": "minjun@EXAMPLE.kr"}})
        assert d.status == 422 and "email" in d.json["details"], d
        assert d.json["error"] == "RecordInvalid"
        bad = c.request("POST", "/api/v2/users", {"user": {"name": "X", "email": "nope"}})
        assert bad.status == 422 and "email" in bad.json["details"], bad
        noname = c.request("POST", "/api/v2/users", {"user": {"email": "a@b.co"}})
        assert noname.status == 422 and "name" in noname.json["details"], noname
        badrole = c.request("POST", "/api/v2/users", {"user": {"name": "r", "role": "boss"}})
        assert badrole.status == 422 and "role" in badrole.json["details"], badrole
        # Soft delete: 200 with active:false, still readable.
        dl = c.request("DELETE", f"/api/v2/users/{u['id']}")
        assert dl.status == 200 and dl.json["user"]["active"] is False, dl
        assert c.request("GET", f"/api/v2/users/{u['id']}").json["user"]["active"] is False
        assert u["id"] not in [x["id"] for x in c.request("GET", "/api/v2/users").json["users"]]
        assert c.request("GET", f"/api/v2/users/show_many?ids={u['id']}").json["users"][0]["active"] is False
        assert c.request("GET", f"/api/v2/users/{u['id'] + 256 * 1000}").status == 404


def test_users_me_show_many_search_upsert(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        me = c.request("GET", "/api/v2/users/me.json")
        assert me.status == 200 and me.json["user"]["email"] == ADMIN_EMAIL, me
        assert me.json["user"]["role"] == "admin" and me.json["user"]["role_type"] == 4
        anon = s.client(auth=None).request("GET", "/api/v2/users/me")
        assert anon.status == 200 and anon.json["user"]["name"] == "Anonymous user", anon
        assert anon.json["user"]["id"] is None
        bad = s.client(auth=basic(ADMIN_EMAIL, "wrong")).request("GET", "/api/v2/users/me")
        # Wrong credentials are not anonymous (issue 13, hole 15): 401, as Zendesk.
        assert bad.status == 401 and bad.json == {"error": "Couldn't authenticate you"}, bad
        a = make_user(c, "Alice Park", "alice@corp.example", external_id="ext-a")
        b = make_user(c, "Bob Kim", "bob@corp.example")
        sm = c.request("GET", f"/api/v2/users/show_many.json?ids={a['id']},{b['id']}")
        assert sm.status == 200 and [u["id"] for u in sm.json["users"]] == [a["id"], b["id"]], sm
        assert c.request("GET", "/api/v2/users/show_many?ids=x,1").status == 400
        q = c.request("GET", "/api/v2/users/search.json?query=ALICE")
        assert q.status == 200 and [u["id"] for u in q.json["users"]] == [a["id"]], q
        q = c.request("GET", "/api/v2/users/search?query=corp.example")
        assert {u["id"] for u in q.json["users"]} == {a["id"], b["id"]} and q.json["count"] == 2
        q = c.request("GET", "/api/v2/users/search?external_id=ext-a")
        assert [u["id"] for u in q.json["users"]] == [a["id"]], q
        # create_or_update: 200 on a match (by e-mail), 201 otherwise.
        up = c.request("POST", "/api/v2/users/create_or_update", {"user": {"email": "ALICE@corp.example", "phone": "010"}})
        assert up.status == 200 and up.json["user"]["id"] == a["id"] and up.json["user"]["phone"] == "010", up
        up = c.request("POST", "/api/v2/users/create_or_update", {"user": {"external_id": "ext-a", "name": "Alice P."}})
        assert up.status == 200 and up.json["user"]["id"] == a["id"] and up.json["user"]["name"] == "Alice P.", up
        nn = c.request("POST", "/api/v2/users/create_or_update", {"user": {"email": "noname@x.example"}})
        assert nn.status == 422 and "name" in nn.json["details"], nn
        cr = c.request("POST", "/api/v2/users/create_or_update", {"user": {"name": "Carol", "email": "carol@x.example"}})
        assert cr.status == 201 and "location" in cr.headers, cr
        agents = c.request("GET", "/api/v2/users?role=admin")
        assert [u["email"] for u in agents.json["users"]] == [ADMIN_EMAIL], agents


def test_users_pagination(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        ids = [make_user(c, f"user {i}", f"u{i}@page.example")["id"] for i in range(5)]
        everyone = ids + [c.request("GET", "/api/v2/users/me").json["user"]["id"]]
        seen, url, pages = [], "/api/v2/users.json?per_page=2", 0
        while url:
            r = c.request("GET", url.replace(f"http://127.0.0.1:{s.http_port}", ""))
            assert r.status == 200 and r.json["count"] == 6, r
            seen += [u["id"] for u in r.json["users"]]
            url, pages = r.json["next_page"], pages + 1
        assert pages == 3 and sorted(seen) == sorted(everyone) and len(seen) == len(set(seen)), seen
        seen, url, pages = [], "/api/v2/users?page%5Bsize%5D=2", 0
        while url:
            r = c.request("GET", url.replace(f"http://127.0.0.1:{s.http_port}", ""))
            assert r.status == 200 and "count" not in r.json, r
            seen += [u["id"] for u in r.json["users"]]
            url, pages = r.json["links"]["next"], pages + 1
            assert r.json["meta"]["has_more"] == (url is not None)
        assert pages == 3 and sorted(seen) == sorted(everyone) and len(seen) == len(set(seen)), seen
        # A previous link leads back to the page before.
        first = c.request("GET", "/api/v2/users?page[size]=2").json
        second = c.request("GET", first["links"]["next"].split(str(s.http_port))[1]).json
        back = c.request("GET", second["links"]["prev"].split(str(s.http_port))[1]).json
        assert [u["id"] for u in back["users"]] == [u["id"] for u in first["users"]], back


def test_roles(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        # API tokens authenticate as any user (cheap to check; passwords are
        # covered by test_passwords_and_suspension).
        tok = c.request("POST", "/api/v2/api_tokens", {"api_token": {"description": "roles"}}).json["api_token"]["token"]
        end = make_user(c, "End User", "end@x.example")
        other = make_user(c, "Other", "other@x.example")
        make_user(c, "Agent", "agent@x.example", role="agent")
        e = s.client(auth=basic("end@x.example", tok))
        assert e.request("GET", "/api/v2/users/me").json["user"]["id"] == end["id"]
        assert e.request("GET", f"/api/v2/users/{end['id']}").status == 200
        assert e.request("GET", f"/api/v2/users/{other['id']}").status in (403, 404)
        assert e.request("GET", "/api/v2/users").status == 403
        assert e.request("GET", "/api/v2/users/search?query=x").status == 403
        assert e.request("POST", "/api/v2/users", {"user": {"name": "n"}}).status == 403
        assert e.request("GET", "/api/v2/api_tokens").status == 403
        assert e.request("GET", "/api/v2/groups").status == 403
        assert e.request("GET", "/api/v2/organizations").status == 403
        # End-users update themselves but not their role.
        assert e.request("PUT", f"/api/v2/users/{end['id']}", {"user": {"name": "새 이름"}}).json["user"]["name"] == "새 이름"
        assert e.request("PUT", f"/api/v2/users/{end['id']}", {"user": {"role": "admin"}}).status == 403
        assert e.request("PUT", f"/api/v2/users/{other['id']}", {"user": {"name": "x"}}).status == 403
        a = s.client(auth=basic("agent@x.example", tok))
        assert a.request("GET", "/api/v2/users").status == 200
        assert a.request("GET", f"/api/v2/users/{other['id']}").status == 200
        assert a.request("DELETE", f"/api/v2/users/{other['id']}").status == 403
        assert a.request("POST", "/api/v2/users", {"user": {"name": "Boss", "role": "admin"}}).status == 403
        assert a.request("POST", "/api/v2/users", {"user": {"name": "Customer"}}).status == 201
        assert a.request("PUT", f"/api/v2/users/{other['id']}", {"user": {"role": "agent"}}).status == 403
        assert a.request("GET", "/api/v2/api_tokens").status == 403
        assert a.request("POST", "/api/v2/groups", {"group": {"name": "g"}}).status == 403
        assert a.request("GET", "/api/v2/groups").status == 200
        # Only admins change roles.
        r = c.request("PUT", f"/api/v2/users/{other['id']}", {"user": {"role": "agent"}})
        assert r.status == 200 and r.json["user"]["role"] == "agent" and r.json["user"]["ticket_restriction"] is None


def test_passwords_and_suspension(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        u = make_user(c, "Pat", "pat@x.example", password="first-pass")
        ok = s.client(auth=password_auth("PAT@x.example", "first-pass")).request("GET", "/api/v2/users/me")
        assert ok.json["user"]["id"] == u["id"], ok
        wrong = s.client(auth=password_auth("pat@x.example", "nope-nope")).request("GET", f"/api/v2/users/{u['id']}")
        assert wrong.status == 401 and wrong.json == {"error": "Couldn't authenticate you"}, wrong
        short = c.request("POST", f"/api/v2/users/{u['id']}/password", {"password": "abc"})
        assert short.status == 422 and "password" in short.json["details"], short
        # Self-service change needs the previous password.
        me = s.client(auth=password_auth("pat@x.example", "first-pass"))
        bad = me.request("PUT", f"/api/v2/users/{u['id']}/password", {"previous_password": "x", "password": "second-pass"})
        assert bad.status == 422, bad
        good = me.request("PUT", f"/api/v2/users/{u['id']}/password",
                          {"previous_password": "first-pass", "password": "second-pass"})
        assert good.status == 200, good
        assert s.client(auth=password_auth("pat@x.example", "first-pass")).request(
            "GET", f"/api/v2/users/{u['id']}").status == 401
        p2 = s.client(auth=password_auth("pat@x.example", "second-pass"))
        assert p2.request("GET", f"/api/v2/users/{u['id']}").status == 200
        tok = c.request("POST", "/api/v2/api_tokens", {"api_token": {"description": "pat"}}).json["api_token"]["token"]
        t = s.client(auth=basic("pat@x.example", tok))
        assert t.request("GET", f"/api/v2/users/{u['id']}").status == 200
        # An agent cannot suspend; an admin can, and every auth path then fails.
        sus = c.request("PUT", f"/api/v2/users/{u['id']}", {"user": {"suspended": True}})
        assert sus.status == 200 and sus.json["user"]["suspended"] is True, sus
        assert p2.request("GET", f"/api/v2/users/{u['id']}").status == 401
        assert t.request("GET", f"/api/v2/users/{u['id']}").status == 401
        c.request("PUT", f"/api/v2/users/{u['id']}", {"user": {"suspended": False}})
        assert p2.request("GET", f"/api/v2/users/{u['id']}").status == 200


def test_api_and_oauth_tokens(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        r = c.request("POST", "/api/v2/api_tokens.json", {"api_token": {"description": "CI"}})
        assert r.status == 201, r
        tok = r.json["api_token"]
        assert tok["description"] == "CI" and len(tok["token"]) >= 32
        lst = c.request("GET", "/api/v2/api_tokens").json["api_tokens"]
        assert tok["id"] in [t["id"] for t in lst] and all("token" not in t for t in lst), lst
        agent = make_user(c, "Agent", "agent@x.example", role="agent")
        t = s.client(auth=basic("agent@x.example", tok["token"]))
        assert t.request("GET", "/api/v2/users/me").json["user"]["id"] == agent["id"]
        assert t.request("GET", f"/api/v2/users/{agent['id']}").status == 200
        assert c.request("DELETE", f"/api/v2/api_tokens/{tok['id']}").status == 204
        assert t.request("GET", f"/api/v2/users/{agent['id']}").status == 401
        assert c.request("DELETE", f"/api/v2/api_tokens/{tok['id']}").status == 404
        # OAuth: the admin mints a token for the agent; Bearer authenticates.
        o = c.request("POST", "/api/v2/oauth/tokens", {"token": {"user_id": agent["id"], "scopes": ["read", "write"]}})
        assert o.status == 201 and o.json["token"]["scopes"] == ["read", "write"], o
        full = o.json["token"]["full_token"]
        b = s.client(auth="Bearer " + full)
        assert b.request("GET", "/api/v2/users/me").json["user"]["id"] == agent["id"]
        assert s.client(auth=basic("agent@x.example", full)).request("GET", "/api/v2/users").status == 401
        assert c.request("DELETE", f"/api/v2/oauth/tokens/{o.json['token']['id']}").status == 204
        assert b.request("GET", f"/api/v2/users/{agent['id']}").status == 401
        assert s.client(auth="Bearer nope").request("GET", "/api/v2/users").status == 401


def test_auth_cache_expires(ctx):
    # Two gateways: a revoke through one reaches the other within the TTL.
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        tok = c.request("POST", "/api/v2/api_tokens", {"api_token": {"description": "x"}}).json["api_token"]
        port2 = free_port()
        s.start_service("gateway", 1, extra_env={"HD_HTTP_PORT": str(port2), "HD_SHARD": "0",
                                                 "HD_DATA": os.path.join(s.dir, "data2")})
        s.wait_ready("gateway", 1)
        other = Client(port2, auth=basic(ADMIN_EMAIL, tok["token"]))
        assert other.request("GET", "/api/v2/users/me").json["user"]["email"] == ADMIN_EMAIL
        assert c.request("DELETE", f"/api/v2/api_tokens/{tok['id']}").status == 204
        time.sleep(2.5)
        assert other.request("GET", "/api/v2/users").status == 401
        other.close()


def test_rate_limit(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE, env={"HD_RATE_LIMIT": "5"}).start() as s:
        c = s.client()
        seen = []
        for _ in range(5):
            r = c.request("GET", "/api/v2/groups")
            seen.append(r)
        assert all(r.status == 200 for r in seen[:2]), seen
        r = c.request("GET", "/api/v2/groups")
        assert r.status == 429, r
        assert int(r.headers["retry-after"]) >= 1 and r.headers["x-rate-limit"] == "5"
        assert r.headers["x-rate-limit-remaining"] == "0" and r.headers["ratelimit-remaining"] == "0"
        ok = seen[0]
        for h in ("x-rate-limit", "x-rate-limit-remaining", "ratelimit-limit", "ratelimit-remaining",
                  "ratelimit-reset", "rate-limit", "rate-limit-remaining", "rate-limit-reset"):
            assert h in ok.headers, (h, ok.headers)
        assert "retry-after" not in ok.headers
        # Another user has a budget of its own.
        other = s.client(auth=basic(ADMIN_EMAIL.upper(), ADMIN_TOKEN))
        assert other.request("GET", "/api/v2/groups").status == 429  # same user, other spelling
        assert s.client(auth=None).request("GET", "/api/v2/users/me").status == 200


def test_organizations(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        early = make_user(c, "Early", "early@acme.example")
        r = c.request("POST", "/api/v2/organizations.json",
                      {"organization": {"name": "Acme", "domain_names": ["ACME.example"], "tags": ["b2b"],
                                        "external_id": "org-1", "shared_tickets": True}})
        assert r.status == 201, r
        o = r.json["organization"]
        assert o["domain_names"] == ["acme.example"] and o["shared_tickets"] is True and o["tags"] == ["b2b"]
        assert o["url"].endswith(f"/api/v2/organizations/{o['id']}.json") and o["organization_fields"] == {}
        dup = c.request("POST", "/api/v2/organizations", {"organization": {"name": "ACME"}})
        assert dup.status == 422 and "name" in dup.json["details"], dup
        u = make_user(c, "New", "new@acme.example")
        assert u["organization_id"] == o["id"], u
        assert c.request("GET", f"/api/v2/users/{early['id']}").json["user"]["organization_id"] == o["id"]
        members = c.request("GET", f"/api/v2/organizations/{o['id']}/users")
        assert {x["id"] for x in members.json["users"]} == {u["id"], early["id"]}, members
        p = c.request("PUT", f"/api/v2/organizations/{o['id']}", {"organization": {"notes": "vip"}})
        assert p.status == 200 and p.json["organization"]["notes"] == "vip" and p.json["organization"]["name"] == "Acme"
        o2 = c.request("POST", "/api/v2/organizations", {"organization": {"name": "Beta"}}).json["organization"]
        sm = c.request("GET", f"/api/v2/organizations/show_many?ids={o['id']},{o2['id']}")
        assert [x["id"] for x in sm.json["organizations"]] == [o["id"], o2["id"]], sm
        assert [x["id"] for x in c.request("GET", "/api/v2/organizations/search?name=acme").json["organizations"]] == [o["id"]]
        assert [x["id"] for x in c.request("GET", "/api/v2/organizations/search?external_id=org-1").json["organizations"]] == [o["id"]]
        lst = c.request("GET", "/api/v2/organizations?per_page=1")
        assert lst.json["count"] == 2 and len(lst.json["organizations"]) == 1 and lst.json["next_page"], lst
        # End-users read only their own organization.
        c.request("POST", f"/api/v2/users/{u['id']}/password", {"password": "acme-pass"})
        e = s.client(auth=password_auth("new@acme.example", "acme-pass"))
        assert e.request("GET", f"/api/v2/organizations/{o['id']}").status == 200
        assert e.request("GET", f"/api/v2/organizations/{o2['id']}").status == 403
        assert e.request("GET", "/api/v2/organizations").status == 403
        assert e.request("POST", "/api/v2/organizations", {"organization": {"name": "Z"}}).status == 403
        assert c.request("DELETE", f"/api/v2/organizations/{o2['id']}").status == 204
        assert c.request("GET", f"/api/v2/organizations/{o2['id']}").status == 404


def test_groups_and_memberships(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        r = c.request("POST", "/api/v2/groups", {"group": {"name": "1차 지원", "description": "Tier 1"}})
        assert r.status == 201, r
        g = r.json["group"]
        assert g["name"] == "1차 지원" and g["deleted"] is False and g["is_public"] is True
        g2 = c.request("POST", "/api/v2/groups.json", {"group": {"name": "Billing"}}).json["group"]
        assert c.request("POST", "/api/v2/groups", {"group": {"description": "x"}}).status == 422
        assert c.request("GET", f"/api/v2/groups/{g['id']}").json["group"] == g
        u = c.request("PUT", f"/api/v2/groups/{g2['id']}", {"group": {"name": "Billing KR"}})
        assert u.status == 200 and u.json["group"]["name"] == "Billing KR", u
        agent = make_user(c, "Agent", "agent@x.example", role="agent")
        end = make_user(c, "End", "end@x.example")
        m = c.request("POST", "/api/v2/group_memberships", {"group_membership": {"user_id": agent["id"], "group_id": g["id"]}})
        assert m.status == 201 and m.json["group_membership"]["user_id"] == agent["id"], m
        mid = m.json["group_membership"]["id"]
        again = c.request("POST", "/api/v2/group_memberships", {"group_membership": {"user_id": agent["id"], "group_id": g["id"]}})
        assert again.status == 422, again
        no = c.request("POST", "/api/v2/group_memberships", {"group_membership": {"user_id": end["id"], "group_id": g["id"]}})
        assert no.status == 422 and "user_id" in no.json["details"], no
        assert [x["id"] for x in c.request("GET", "/api/v2/group_memberships").json["group_memberships"]] == [mid]
        assert [x["id"] for x in c.request("GET", f"/api/v2/groups/{g['id']}/memberships").json["group_memberships"]] == [mid]
        assert c.request("GET", f"/api/v2/groups/{g2['id']}/memberships").json["group_memberships"] == []
        assert [x["id"] for x in c.request("GET", f"/api/v2/users/{agent['id']}/group_memberships").json["group_memberships"]] == [mid]
        assert c.request("GET", f"/api/v2/group_memberships/{mid}").json["group_membership"]["group_id"] == g["id"]
        gu = c.request("GET", f"/api/v2/groups/{g['id']}/users")
        assert gu.status == 200 and [x["id"] for x in gu.json["users"]] == [agent["id"]], gu
        assert c.request("GET", "/api/v2/groups/count").json["count"]["value"] == 2
        assert c.request("DELETE", f"/api/v2/groups/{g2['id']}").status == 204
        assert c.request("GET", f"/api/v2/groups/{g2['id']}").json["group"]["deleted"] is True
        assert [x["id"] for x in c.request("GET", "/api/v2/groups/assignable").json["groups"]] == [g["id"]]
        assert c.request("GET", "/api/v2/groups/count").json["count"]["value"] == 1
        assert c.request("DELETE", f"/api/v2/group_memberships/{mid}").status == 204
        assert c.request("GET", "/api/v2/group_memberships").json["group_memberships"] == []
        assert c.request("DELETE", f"/api/v2/group_memberships/{mid}").status == 404
