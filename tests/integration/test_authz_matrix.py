"""The authorization matrix: every route the gateway has (hd-gateway
--routes), requested as every kind of caller, against the access its row in
authz_routes.py declares. A route without a row fails the test, so a new
endpoint cannot ship without someone deciding who may use it.

One suite; GETs first, then writes with empty bodies (a validation error
still proves the caller got past authorization), then deletes on throwaway
objects. Requests run in a thread pool. HD_AUTHZ_DUMP=1 prints every
observed status, for writing new rows.
"""
import base64
import os
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import authz_routes as decl
from harness import ADMIN_EMAIL, ADMIN_TOKEN, Client, Suite, basic, create_ticket

RULE = {"title": "R", "conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}], "any": []},
        "actions": [{"field": "priority", "value": "high"}]}
AUTO = dict(RULE, conditions={"all": [{"field": "status", "operator": "is", "value": "new"},
                                      {"field": "NEW", "operator": "greater_than", "value": "48"}], "any": []})
SLA = {"title": "S", "filter": {"all": [], "any": []},
       "policy_metrics": [{"priority": "normal", "metric": "first_reply_time", "target": 60}]}
HOOK = {"name": "W", "endpoint": "https://hooks.example.invalid/x", "http_method": "POST",
        "request_format": "json", "status": "inactive", "subscriptions": ["conditional_ticket_events"]}
PRINCIPALS = ["anon", "a", "b", "agent", "admin", "suspended", "read_token", "wrong"]
V2 = "/api/v2"


def routes(ctx):
    out = subprocess.run([os.path.join(ctx.bin_dir, "hd-gateway"), "--routes"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rows = [line.split() for line in out.stdout.splitlines() if line.strip()]
    assert len(rows) > 100 and all(len(r) == 3 for r in rows), out.stdout[:500]
    return rows


def ok(c, method, path, body=None, want=(200, 201), **kw):
    r = c.request(method, path, body, **kw)
    assert r.status in want, (method, path, r)
    return r.json


def user(c, name, email, role, **extra):
    u = {"name": name, "email": email, "role": role}
    u.update(extra)
    return ok(c, "POST", f"{V2}/users", {"user": u})["user"]


class World:
    """Everything the rows point at; ids by name (authz_routes.OBJECTS)."""

    def __init__(self, s):
        self.s = s
        c = self.admin = s.client()
        self.ids = {}
        org_a = ok(c, "POST", f"{V2}/organizations", {"organization": {"name": "A 상사"}})["organization"]
        org_b = ok(c, "POST", f"{V2}/organizations", {"organization": {"name": "B Corp"}})["organization"]
        a = user(c, "Ann A", "a@example.com", "end-user", organization_id=org_a["id"])
        b = user(c, "Bob B", "b@example.com", "end-user", organization_id=org_b["id"])
        agent = user(c, "Agent", "agent@example.com", "agent")
        agent2 = user(c, "Agent Two", "agent2@example.com", "agent")
        susp = user(c, "Sus", "sus@example.com", "end-user")
        ok(c, "PUT", f"{V2}/users/{susp['id']}", {"user": {"suspended": True}})
        me = ok(c, "GET", f"{V2}/users/me")["user"]
        tok = ok(c, "POST", f"{V2}/oauth/tokens",
                 {"token": {"user_id": me["id"], "scopes": ["read"]}})["token"]["full_token"]
        self.auth = {
            "anon": None,
            "a": basic(a["email"], ADMIN_TOKEN),
            "b": basic(b["email"], ADMIN_TOKEN),
            "agent": basic(agent["email"], ADMIN_TOKEN),
            "agent2": basic(agent2["email"], ADMIN_TOKEN),
            "admin": s.auth,
            "suspended": basic(susp["email"], ADMIN_TOKEN),
            "read_token": "Bearer " + tok,
            "wrong": basic(a["email"], "wrong-token-0000000000"),
        }
        self.ids.update(org_a=org_a["id"], org_b=org_b["id"], user_a=a["id"], user_b=b["id"],
                        agent=agent["id"], agent2=agent2["id"], admin=me["id"])
        self.build(c)

    def deleted_ticket(self):
        d = create_ticket(self.client("a"), subject="to delete").json["ticket"]["id"]
        ok(self.admin, "DELETE", f"{V2}/tickets/{d}", want=(200, 204))
        return d

    def client(self, who):
        return Client(self.s.http_port, self.auth[who])

    def build(self, c):
        ids = self.ids
        ca, cg, cg2 = self.client("a"), self.client("agent"), self.client("agent2")
        t = create_ticket(ca, subject="A's problem", body="my order")
        assert t.status == 201, t
        tid = ids["ticket_a"] = t.json["ticket"]["id"]
        ids["ticket_b"] = create_ticket(self.client("b"), subject="B's").json["ticket"]["id"]
        ok(cg, "PUT", f"{V2}/tickets/{tid}", {"ticket": {"comment": {"body": "public reply", "public": True}}})
        up = ok(cg, "POST", f"{V2}/uploads?filename=secret.txt", b"internal bytes",
                headers={"Content-Type": "text/plain"})["upload"]
        ok(cg, "PUT", f"{V2}/tickets/{tid}", {"ticket": {"comment": {
            "body": "internal note: refund fraud suspected", "public": False, "uploads": [up["token"]]}}})
        ids["attachment_internal"] = up["attachment"]["id"]
        # the content URL's token, where attachments have one (hole 1)
        url = up["attachment"].get("content_url") or ""
        ids["attachment_token"] = url.split("token=", 1)[1] if "token=" in url else "none"
        ids["ticket_deleted"] = self.deleted_ticket()
        cond = [{"field": "status", "operator": "is", "value": "new"}]
        ids["view_shared"] = ok(c, "POST", f"{V2}/views", {"view": {"title": "Shared", "all": cond}})["view"]["id"]
        ids["view_agent2"] = ok(cg2, "POST", f"{V2}/views", {"view": {
            "title": "Mine", "all": cond, "restriction": {"type": "User", "id": ids["agent2"]}}})["view"]["id"]
        act = [{"field": "comment_value", "value": "hi"}]
        ids["macro_shared"] = ok(c, "POST", f"{V2}/macros", {"macro": {"title": "M", "actions": act}})["macro"]["id"]
        ids["macro_agent2"] = ok(cg2, "POST", f"{V2}/macros", {"macro": {
            "title": "Mine", "actions": act, "restriction": {"type": "User", "id": ids["agent2"]}}})["macro"]["id"]
        ids["group"] = ok(c, "POST", f"{V2}/groups", {"group": {"name": "Support"}})["group"]["id"]
        ids["membership"] = ok(c, "POST", f"{V2}/group_memberships", {"group_membership": {
            "user_id": ids["agent"], "group_id": ids["group"]}})["group_membership"]["id"]
        self.more(c)

    def more(self, c):
        ids = self.ids
        ids["field"] = ok(c, "POST", f"{V2}/ticket_fields", {"ticket_field": {
            "type": "text", "title": "Order"}})["ticket_field"]["id"]
        ids["form"] = ok(c, "POST", f"{V2}/ticket_forms", {"ticket_form": {
            "name": "F", "ticket_field_ids": [ids["field"]]}})["ticket_form"]["id"]
        ids["trigger"] = ok(c, "POST", f"{V2}/triggers", {"trigger": RULE})["trigger"]["id"]
        ids["automation"] = ok(c, "POST", f"{V2}/automations", {"automation": AUTO})["automation"]["id"]
        sch = ok(c, "POST", f"{V2}/business_hours/schedules", {"schedule": {
            "name": "Seoul", "time_zone": "Asia/Seoul"}})["schedule"]
        ids["schedule"] = sch["id"]
        ids["holiday"] = ok(c, "POST", f"{V2}/business_hours/schedules/{sch['id']}/holidays", {"holiday": {
            "name": "H", "start_date": "2026-04-09", "end_date": "2026-04-09"}})["holiday"]["id"]
        ids["sla"] = ok(c, "POST", f"{V2}/slas/policies", {"sla_policy": SLA})["sla_policy"]["id"]
        ids["webhook"] = ok(c, "POST", f"{V2}/webhooks", {"webhook": HOOK})["webhook"]["id"]
        ids["recipient_address"] = ok(c, "POST", f"{V2}/recipient_addresses", {"recipient_address": {
            "name": "support", "email": "support@hana.example"}})["recipient_address"]["id"]
        ids["side_conv"] = ok(self.client("agent"), "POST", f"{V2}/tickets/{ids['ticket_a']}/side_conversations",
                              {"message": {"subject": "stock?", "body": "x",
                                           "to": [{"email": "vendor@example.invalid"}]}})["side_conversation"]["id"]
        ids["card"] = ok(c, "POST", f"{V2}/hd/cards", {"card": {"title": "Refunds", "content": "7 days"}})["card"]["id"]
        ids["card_proposal"] = ok(self.client("agent"), "POST", f"{V2}/hd/cards/{ids['card']}/proposals",
                                  {"proposal": {"content": "8 days"}})["proposal"]["id"]
        cat = ok(c, "POST", f"{V2}/help_center/categories", {"category": {"name": "C", "locale": "en-us"}})
        ids["category"] = cat["category"]["id"]
        ids["section"] = ok(c, "POST", f"{V2}/help_center/categories/{ids['category']}/sections",
                            {"section": {"name": "S", "locale": "en-us"}})["section"]["id"]
        ids["article"] = ok(c, "POST", f"{V2}/help_center/sections/{ids['section']}/articles",
                            {"article": {"title": "Refund policy", "body": "<p>7 days</p>", "locale": "en-us"},
                             "notify_subscribers": False})["article"]["id"]
        ids["api_token"] = ok(c, "POST", f"{V2}/api_tokens", {"api_token": {"description": "t"}})["api_token"]["id"]
        ids["oauth_a"] = ok(self.client("a"), "POST", f"{V2}/oauth/tokens",
                            {"token": {"scopes": ["read"]}})["token"]["id"]
        d = ok(Client(self.s.http_port), "POST", f"{V2}/hd/deflection",
               {"subject": "refund", "description": "how", "locale": "en-us"})
        ids["deflection"] = (d.get("deflection") or d)["id"]

    def fresh_objects(self, objs):
        """objs with its last replaceable object made anew: each caller
        allowed to delete gets its own."""
        objs = list(objs)
        if not objs:
            return objs  # the row's query names its throwaway
        for i in range(len(objs) - 1, -1, -1):
            new = self.fresh(objs[i])
            if new is not None:
                objs[i] = new
                return objs
        raise AssertionError(f"no throwaway object for {objs}: add one to World.fresh")

    # ---- throwaway objects for the delete phase ----
    def fresh(self, kind):
        c, ids, n = self.admin, self.ids, os.urandom(4).hex()
        cond = [{"field": "status", "operator": "is", "value": "new"}]
        make = {
            "ticket_deleted": lambda: self.deleted_ticket(),
            "ticket_a": lambda: create_ticket(self.client("a"), subject="throwaway").json["ticket"]["id"],
            "user_a": lambda: user(c, "T", f"t{n}@example.com", "end-user")["id"],
            "org_a": lambda: ok(c, "POST", f"{V2}/organizations", {"organization": {"name": n}})[
                "organization"]["id"],
            "trigger": lambda: ok(c, "POST", f"{V2}/triggers", {"trigger": dict(RULE, title=n)})["trigger"]["id"],
            "automation": lambda: ok(c, "POST", f"{V2}/automations", {"automation": dict(AUTO, title=n)})[
                "automation"]["id"],
            "schedule": lambda: ok(c, "POST", f"{V2}/business_hours/schedules", {"schedule": {
                "name": n, "time_zone": "Asia/Seoul"}})["schedule"]["id"],
            "holiday": lambda: ok(c, "POST", f"{V2}/business_hours/schedules/{ids['schedule']}/holidays",
                                  {"holiday": {"name": n, "start_date": "2026-05-05",
                                               "end_date": "2026-05-05"}})["holiday"]["id"],
            "sla": lambda: ok(c, "POST", f"{V2}/slas/policies", {"sla_policy": dict(SLA, title=n)})[
                "sla_policy"]["id"],
            "webhook": lambda: ok(c, "POST", f"{V2}/webhooks", {"webhook": dict(HOOK, name=n)})["webhook"]["id"],
            "recipient_address": lambda: ok(c, "POST", f"{V2}/recipient_addresses", {"recipient_address": {
                "name": n, "email": f"s{n}@hana.example"}})["recipient_address"]["id"],
            "api_token": lambda: ok(c, "POST", f"{V2}/api_tokens", {"api_token": {"description": n}})[
                "api_token"]["id"],
            "oauth_a": lambda: ok(self.client("a"), "POST", f"{V2}/oauth/tokens",
                                  {"token": {"scopes": ["read"]}})["token"]["id"],
            "org_b": lambda: ok(c, "POST", f"{V2}/organizations", {"organization": {"name": n}})[
                "organization"]["id"],
            "group": lambda: ok(c, "POST", f"{V2}/groups", {"group": {"name": n}})["group"]["id"],
            "membership": lambda: ok(c, "POST", f"{V2}/group_memberships", {"group_membership": {
                "user_id": user(c, "G", f"g{n}@example.com", "agent")["id"],
                "group_id": ids["group"]}})["group_membership"]["id"],
            "field": lambda: ok(c, "POST", f"{V2}/ticket_fields", {"ticket_field": {
                "type": "text", "title": n}})["ticket_field"]["id"],
            "form": lambda: ok(c, "POST", f"{V2}/ticket_forms", {"ticket_form": {
                "name": n, "ticket_field_ids": []}})["ticket_form"]["id"],
            "view_shared": lambda: ok(c, "POST", f"{V2}/views", {"view": {"title": n, "all": cond}})["view"]["id"],
            "macro_shared": lambda: ok(c, "POST", f"{V2}/macros", {"macro": {
                "title": n, "actions": [{"field": "status", "value": "open"}]}})["macro"]["id"],
            "card": lambda: ok(c, "POST", f"{V2}/hd/cards", {"card": {"title": n, "content": "x"}})["card"]["id"],
            "category": lambda: ok(c, "POST", f"{V2}/help_center/categories", {"category": {
                "name": n, "locale": "en-us"}})["category"]["id"],
            "section": lambda: ok(c, "POST", f"{V2}/help_center/categories/{ids['category']}/sections",
                                  {"section": {"name": n, "locale": "en-us"}})["section"]["id"],
            "article": lambda: ok(c, "POST", f"{V2}/help_center/sections/{ids['section']}/articles",
                                  {"article": {"title": n, "body": "x", "locale": "en-us"},
                                   "notify_subscribers": False})["article"]["id"],
        }
        return make[kind]() if kind in make else None


SELF = {"a": "user_a", "b": "user_b", "agent": "agent", "admin": "admin"}


def subst(v, w, who):
    """A row's body or query with "{name}" taken from World.ids ("{self}":
    the caller, "{n}": something unique, "{throwaway}": a new ticket)."""
    if isinstance(v, dict):
        return {k: subst(x, w, who) for k, x in v.items()}
    if isinstance(v, list):
        return [subst(x, w, who) for x in v]
    if not isinstance(v, str):
        return v
    v = v.replace("{n}", os.urandom(4).hex())
    if "{throwaway}" in v:
        v = v.replace("{throwaway}", str(w.fresh("ticket_a")))
    for k in re.findall(r"\{(\w+)\}", v):
        key = SELF.get(who, "admin") if k == "self" else k
        if v == "{" + k + "}":
            return w.ids[key]
        v = v.replace("{" + k + "}", str(w.ids[key]))
    return v


def fill(pattern, keys, w):
    """Put the row's objects into the pattern's {id}/{s} slots, in order."""
    out, parts = pattern, list(keys)
    while "{id}" in out or "{s}" in out:
        i, j = out.find("{id}"), out.find("{s}")
        first = "{id}" if j < 0 or (0 <= i < j) else "{s}"
        k = parts.pop(0) if parts else "none"
        v = w.ids.get(k, k)
        out = out.replace(first, str(v), 1)
    return out


def outcome(status):
    if status < 400 or status in (400, 409, 413, 415, 422):
        return "ok"
    return str(status)


def matches(want, got, missing):
    """missing: the row's object may not exist, so 404 passes for "ok"."""
    if want == "deny":
        return got in ("403", "404")
    return want == got or (want == "ok" and missing and got == "404")


SECRET = "refund fraud suspected"  # the internal note's text


def data_checks(w):
    """Object-level rules the status codes alone cannot show: lists and
    searches filtered per caller, private comments hidden from end-users,
    personal views and macros their owner's. Returns (failures, pending)."""
    ids, fails, pend = w.ids, [], []
    a, b, ag, ag2, adm = (w.client(x) for x in ("a", "b", "agent", "agent2", "admin"))
    ta = ids["ticket_a"]

    def check(cond, what, pending=None):
        if not cond:
            (pend if pending else fails).append(what + (f" [pending: {pending}]" if pending else ""))
        elif pending:
            print(f"authz matrix: pending check now holds (remove its marker): {what}")

    def tids(c, path):
        r = c.request("GET", path)
        body = r.json or {}
        items = body.get("tickets") or body.get("requests") or body.get("results") or []
        return r.status, [t.get("id") for t in items]

    # tickets: A sees hers, B never sees A's in any list or search
    check(ta in tids(a, f"{V2}/tickets")[1], "A lists her own ticket")
    for path in [f"{V2}/tickets", f"{V2}/tickets/show_many?ids={ta}", f"{V2}/requests",
                 f"{V2}/users/{ids['user_a']}/tickets/requested", f"{V2}/users/{ids['user_a']}/tickets/ccd",
                 f"{V2}/organizations/{ids['org_a']}/tickets", f"{V2}/search?query=problem",
                 f"{V2}/search?query=type:ticket"]:
        st, got = tids(b, path)
        # an error would hide a leak: only an answer or a refusal counts
        check(st in (200, 403, 404), f"B's {path} answered {st}")
        check(ta not in got, f"B sees A's ticket in {path} ({st})")
    # a colleague in A's organization sees A's tickets only when it shares them
    user(w.admin, "Colleague", "a2@example.com", "end-user", organization_id=ids["org_a"])
    a2 = Client(w.s.http_port, basic("a2@example.com", ADMIN_TOKEN))
    st = a2.request("GET", f"{V2}/tickets/{ta}").status
    check(st in (403, 404), f"A's colleague reads A's ticket in a non-sharing organization: {st}")
    check(ta not in tids(a2, f"{V2}/organizations/{ids['org_a']}/tickets")[1],
          "A's colleague lists A's ticket in a non-sharing organization")
    nb = len(tids(b, f"{V2}/tickets")[1])
    cnt = (b.request("GET", f"{V2}/tickets/count").json or {}).get("count", {})
    check(cnt.get("value") == nb, f"B's /tickets/count is {cnt}, B has {nb} tickets")
    # end-users never see private comments, in any shape
    for path in [f"{V2}/tickets/{ta}/comments", f"{V2}/requests/{ta}/comments", f"{V2}/tickets/{ta}/audits",
                 f"{V2}/tickets/{ta}", f"{V2}/requests/{ta}", f"{V2}/search?query=fraud",
                 f"{V2}/tickets?include=comments"]:
        r = a.request("GET", path)
        check(r.status in (200, 403, 404), f"A's {path} answered {r.status}")
        check(SECRET not in r.raw.decode(errors="replace"), f"A reads the internal note via {path} ({r.status})")
    cs = a.request("GET", f"{V2}/tickets/{ta}/comments").json["comments"]
    check(all(c["public"] for c in cs), "A's comment list holds a private comment")
    check(SECRET in ag.request("GET", f"{V2}/tickets/{ta}/comments").raw.decode(), "the agent sees the note")
    # attachments on an internal note: agents only (hole 1, branch "objects")
    att = ids["attachment_internal"]
    for who, c in (("A", a), ("B", b)):
        for suffix in ("", "/content"):
            q = f"?token={ids['attachment_token']}" if suffix else ""
            st = c.request("GET", f"{V2}/attachments/{att}{suffix}{q}").status
            check(st == 404, f"{who} GET /attachments/{{internal}}{suffix}: {st}, want 404")
    # views (hole 6): another agent's personal view does not exist for an
    # agent (404, as GET); shared views are visible but the admins' (403)
    v2 = ids["view_agent2"]
    for m, body in (("GET", None), ("PUT", {"view": {"title": "taken"}}), ("DELETE", None)):
        st = ag.request(m, f"{V2}/views/{v2}", body).status
        check(st == 404, f"agent {m} another agent's personal view: {st}, want 404")
    check(v2 not in [v["id"] for v in ag.request("GET", f"{V2}/views").json["views"]],
          "agent lists another agent's personal view")
    cond = [{"field": "status", "operator": "is", "value": "new"}]
    for restriction, want in ((None, 403), ({"type": "User", "id": ids["agent2"]}, 403),
                              ({"type": "Group", "id": ids["group"]}, 403),
                              ({"type": "User", "id": ids["agent"]}, 201)):
        body = {"view": {"title": "v", "all": cond}}
        if restriction:
            body["view"]["restriction"] = restriction
        r = ag.request("POST", f"{V2}/views", body)
        check(r.status == want, f"agent creates a view restricted to {restriction}: {r.status}, want {want}")
        if r.status == 201 and want == 201:
            mine = r.json["view"]["id"]
            st = ag.request("PUT", f"{V2}/views/{mine}", {"view": {"restriction": None}}).status
            check(st == 403, f"agent turns a personal view into a shared one: {st}, want 403")
            st = ag.request("PUT", f"{V2}/views/{mine}", {"view": {"title": "renamed"}}).status
            check(st == 200, f"agent renames her personal view: {st}")
            check(ag.request("DELETE", f"{V2}/views/{mine}").status == 204, "agent deletes her personal view")
    check(ag2.request("GET", f"{V2}/views/{v2}").status == 200, "agent2 reads her personal view")
    # macros: personal macros are their owner's alone
    m2 = ids["macro_agent2"]
    for m, path in (("GET", f"{V2}/macros/{m2}"), ("PUT", f"{V2}/macros/{m2}"), ("DELETE", f"{V2}/macros/{m2}"),
                    ("GET", f"{V2}/macros/{m2}/apply"), ("GET", f"{V2}/tickets/{ta}/macros/{m2}/apply")):
        st = ag.request(m, path, {"macro": {"title": "x"}} if m == "PUT" else None).status
        check(st == 404, f"agent {m} {path} (another agent's personal macro): {st}, want 404")
    check(m2 not in [x["id"] for x in ag.request("GET", f"{V2}/macros").json["macros"]],
          "agent lists another agent's personal macro")
    # people: no self-promotion, no tokens for others, own tokens only
    for change in ({"role": "admin"}, {"role": "agent"}, {"suspended": False, "role": "admin"}):
        st = a.request("PUT", f"{V2}/users/{ids['user_a']}", {"user": change}).status
        check(st == 403, f"A changes her own {sorted(change)}: {st}, want 403")
    check(a.request("GET", f"{V2}/users/me").json["user"]["role"] == "end-user", "A is still an end-user")
    for who, c, target in (("A", a, ids["admin"]), ("agent", ag, ids["admin"]), ("B", b, ids["user_a"])):
        r = c.request("POST", f"{V2}/oauth/tokens", {"token": {"user_id": target, "scopes": ["read"]}})
        check(r.status == 403, f"{who} mints an OAuth token for user {target}: {r.status}, want 403")
    # hole 3 (branch "objects"): a new primary address waits for verification
    tmp = user(w.admin, "Tmp", "tmp-owner@example.com", "end-user")
    tc = Client(w.s.http_port, basic("tmp-owner@example.com", ADMIN_TOKEN))
    tc.request("PUT", f"{V2}/users/{tmp['id']}", {"user": {"email": "ceo@victim.example"}})
    now = w.admin.request("GET", f"{V2}/users/{tmp['id']}").json["user"]["email"]
    check(now == "tmp-owner@example.com", f"an end-user's new e-mail took effect unverified: {now}")
    # hole 11 (branch "objects"): references must name real, fitting records
    for field, value in (("assignee_id", ids["user_b"]), ("assignee_id", 99999999),
                         ("group_id", 99999999), ("organization_id", 99999999)):
        r = ag.request("POST", f"{V2}/tickets", {"ticket": {"subject": "ref", "comment": {"body": "x"},
                                                            field: value}})
        check(r.status == 422 and field in (r.json or {}).get("details", {}),
              f"ticket with {field}={value}: {r.status}, want 422 naming {field}")
    btoks = [t["id"] for t in b.request("GET", f"{V2}/oauth/tokens").json["tokens"]]
    check(ids["oauth_a"] not in btoks, "B lists A's OAuth token")
    fids = [f["id"] for f in a.request("GET", f"{V2}/ticket_fields").json["ticket_fields"]]
    check(ids["field"] not in fids, "A lists a ticket field not visible to end-users")
    # cards: end-users propose but never read; a proposal's answer holds only itself
    r = a.request("POST", f"{V2}/hd/cards/{ids['card']}/proposals", {"proposal": {"content": "z"}})
    check(r.status == 201 and "7 days" not in r.raw.decode(), f"A's proposal reply shows the card: {r}")
    return fails, pend


def test_authz_matrix(ctx):
    rows = routes(ctx)
    missing = [f"{m} {p}" for m, p, _ in rows if f"{m} {p}" not in decl.ROUTES]
    stale = sorted(k for k in set(decl.ROUTES) - {f"{m} {p}" for m, p, _ in rows}
                   if not decl.ROUTES[k].pending)
    assert not missing, "routes without a row in authz_routes.py:\n  " + "\n  ".join(missing)
    assert not stale, "rows in authz_routes.py for routes the gateway no longer has:\n  " + "\n  ".join(stale)
    dump = os.environ.get("HD_AUTHZ_DUMP")
    with Suite(ctx.bin_dir).start() as s:
        w = World(s)
        local = threading.local()

        def send(job):
            key, who, path, method, want, missing_ok = job
            cl = getattr(local, "c", None)
            if cl is None:
                cl = local.c = {}
            if who not in cl:
                cl[who] = w.client(who)
            row = decl.ROUTES[key]
            body = None
            if row.body is not None:
                body = subst(row.body, w, who)
            elif method in ("POST", "PUT", "PATCH"):
                body = {}
            r = cl[who].request(method, path + subst(row.query, w, who), body)
            return job, r.status, outcome(r.status)

        phases = {"read": [], "write": [], "delete": []}
        for m, p, _auth in rows:  # rows ahead of their routes are not run
            key = f"{m} {p}"
            row = decl.ROUTES[key]
            phase = "read" if m == "GET" else ("delete" if row.destroys else "write")
            for who in PRINCIPALS:
                want = decl.expect(row, m, who)
                objs = row.objects
                if row.destroys and want == "ok":
                    objs = w.fresh_objects(objs)
                path = fill(p, objs, w)
                phases[phase].append((key, who, path, m, want, row.missing))
        failures, pending = data_checks(w)
        table, waiting = {}, set()
        with ThreadPoolExecutor(12) as pool:
            for ph in ("read", "write", "delete"):
                for job, status, got in pool.map(send, phases[ph]):
                    key, who, path, m, want, missing_ok = job
                    table.setdefault(key, {})[who] = status
                    if matches(want, got, missing_ok):
                        continue
                    line = f"{key:60} {who:10} want {want:5} got {status} ({path})"
                    row = decl.ROUTES[key]
                    waiting.add(key)
                    (pending if row.pending else failures).append(
                        line + (f" [pending: {row.pending}]" if row.pending else ""))
        if dump:
            for key, st in table.items():
                print(f"{key:64} " + " ".join(f"{who}={st.get(who)}" for who in PRINCIPALS))
        done = sorted(k for k, r in decl.ROUTES.items() if r.pending and k in table and k not in waiting)
        if pending:
            print("authz matrix: rows awaiting other branches:\n  " + "\n  ".join(pending))
        if done:
            print("authz matrix: pending rows that now hold (remove their marker):\n  " + "\n  ".join(done))
        assert not failures, f"{len(failures)} authorization mismatches:\n  " + "\n  ".join(failures)


def test_oauth_scopes(ctx):
    """Hole 8: a token does what its scopes say, as Zendesk's do."""
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        me = ok(c, "GET", f"{V2}/users/me")["user"]["id"]

        def token(*scopes):
            r = c.request("POST", f"{V2}/oauth/tokens", {"token": {"user_id": me, "scopes": list(scopes)}})
            assert r.status == 201, r
            return s.client(auth="Bearer " + r.json["token"]["full_token"])

        for bad in (["tickets:delete"], ["bogus"], [], ["read", "users:admin"]):
            r = c.request("POST", f"{V2}/oauth/tokens", {"token": {"user_id": me, "scopes": bad}})
            assert r.status == 422 and "scopes" in r.json["details"], (bad, r)
        tid = ok(c, "POST", f"{V2}/tickets", {"ticket": {"subject": "s", "comment": {"body": "b"}}},
                 want=(201,))["ticket"]["id"]
        new_ticket = ("POST", f"{V2}/tickets", {"ticket": {"subject": "by token", "comment": {"body": "x"}}})
        get = lambda path: ("GET", f"{V2}/{path}", None)  # noqa: E731
        cases = [
            (["read"], [(get("tickets"), 200), (get("users"), 200), (new_ticket, 403),
                        (("PUT", f"{V2}/tickets/{tid}", {"ticket": {"priority": "high"}}), 403),
                        (("DELETE", f"{V2}/tickets/{tid}", None), 403),
                        (("POST", f"{V2}/requests", {"request": {"subject": "s", "comment": {"body": "b"}}}), 403),
                        (("POST", f"{V2}/hd/channels/email", "From: x@example.com\r\n\r\nx"), 403)]),
            (["write"], [(get("tickets"), 403), (new_ticket, 201)]),
            (["tickets:read"], [(get("tickets"), 200), (get(f"tickets/{tid}/comments"), 200), (get("users"), 403),
                                (new_ticket, 403)]),
            (["tickets:write"], [(new_ticket, 201), (get("tickets"), 403),
                                 (("PUT", f"{V2}/users/{me}", {"user": {"phone": "1"}}), 403)]),
            (["tickets"], [(new_ticket, 201), (get(f"tickets/{tid}"), 200), (get("users"), 403)]),
            (["users:read", "organizations:read"], [(get("users"), 200), (get("organizations"), 200),
                                                    (get("tickets"), 403), (get("views"), 403)]),
            (["hc:read"], [(get("help_center/articles"), 200), (get("tickets"), 403)]),
        ]
        for scopes, calls in cases:
            t = token(*scopes)
            for (method, path, body), want in calls:
                r = t.request(method, path, body)
                assert r.status == want, (scopes, method, path, r)
                if want == 403:
                    assert r.json["error"] == "Forbidden" and "scope" in r.json["description"], r
        # /users/me is a users read, as every route under /users
        assert token("users:read").request("GET", f"{V2}/users/me").json["user"]["id"] == me
        assert token("read").request("GET", f"{V2}/users/me").json["user"]["id"] == me
        assert token("tickets:read").request("GET", f"{V2}/users/me").status == 403


def test_wrong_credentials_are_401_everywhere(ctx):
    """Hole 15: only a request with no credentials at all is anonymous."""
    with Suite(ctx.bin_dir, env={"HD_ANONYMOUS_REQUESTS": "1"}).start() as s:
        c = s.client()
        sus = user(c, "Sus", "sus@example.com", "end-user")
        ok(c, "PUT", f"{V2}/users/{sus['id']}", {"user": {"suspended": True}})
        wrong = [basic(ADMIN_EMAIL, "not-the-token"), basic("nobody@example.com", ADMIN_TOKEN),
                 "Bearer not-a-token", "Basic !!!notbase64", "Basic " + base64.b64encode(b"nocolon").decode(),
                 "Digest abc", basic("sus@example.com", ADMIN_TOKEN)]
        anon = Client(s.http_port)
        assert anon.request("GET", f"{V2}/users/me").json["user"]["name"] == "Anonymous user"
        for auth in wrong:
            for method, path, body in [("GET", f"{V2}/users/me", None), ("GET", f"{V2}/help_center/articles", None),
                                       ("POST", f"{V2}/requests", {"request": {
                                           "subject": "s", "comment": {"body": "b"},
                                           "requester": {"name": "N", "email": "n@example.com"}}}),
                                       ("GET", f"{V2}/tickets", None)]:
                r = Client(s.http_port, auth).request(method, path, body)
                assert r.status == 401, (auth, path, r)
                assert r.json == {"error": "Couldn't authenticate you"}, r
                assert r.headers.get("www-authenticate", "").startswith("Basic"), r.headers
