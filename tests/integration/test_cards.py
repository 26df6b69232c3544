"""Knowledge cards (/api/v2/hd/cards): verification by a user or a group on
an interval, expiry with the test clock and exactly one kb.card_expired
event, proposals from any account, versions, diffs, restore, roles."""
import time
from urllib.parse import quote

from harness import Suite, basic, scaled
from outbox import payloads

SERVICES = ["intake", "knowledge", "gateway"]
CARDS = "/api/v2/hd/cards"
DAY = 86400000


def make_user(c, name, email, role):
    r = c.request("POST", "/api/v2/users", {"user": {"name": name, "email": email, "role": role}})
    assert r.status == 201, r
    return r.json["user"]


def people(s):
    """Admin client, plus agents and an end-user each with their own client."""
    c = s.client()
    tok = c.request("POST", "/api/v2/api_tokens", {"api_token": {"description": "cards"}}).json["api_token"]["token"]
    out = {"admin": (None, c)}
    for key, name, role in [("verifier", "김지은", "agent"), ("owner", "박서준", "agent"),
                            ("other", "최민호", "agent"), ("customer", "이하나", "end-user")]:
        u = make_user(c, name, f"{key}@example.kr", role)
        out[key] = (u, s.client(auth=basic(f"{key}@example.kr", tok)))
    return out


def expired_events(s, ctx):
    return payloads(ctx, s, "knowledge-0", lambda t: t == "kb.card_expired")


def wait_state(c, cid, state, timeout=15):
    deadline = time.time() + scaled(timeout)
    while time.time() < deadline:
        card = c.request("GET", f"{CARDS}/{cid}").json["card"]
        if card["state"] == state:
            return card
        time.sleep(0.1)
    raise AssertionError(f"card {cid} never became {state}: {card}")


TITLE = "배송 지연 안내"
V1 = "배송은 보통 2일 걸립니다.\n지연되면 고객센터로 연락하세요.\n"
V2 = "배송은 보통 3일 걸립니다.\n지연되면 고객센터로 연락하세요.\n"


def test_card_lifecycle_with_clock(ctx):
    with Suite(ctx.bin_dir, services=SERVICES, env={"HD_CARD_SWEEP_MS": "50"}).start() as s:
        p = people(s)
        verifier, vc = p["verifier"]
        owner, oc = p["owner"]
        other, xc = p["other"]
        customer, ec = p["customer"]
        # created: needs verification until the verifier says so
        r = oc.request("POST", CARDS, {"card": {"title": TITLE, "content": V1, "collection": "배송",
                                                "verifier": {"user_id": verifier["id"]},
                                                "verification_interval_days": 30}})
        assert r.status == 201, r
        card = r.json["card"]
        cid = card["id"]
        assert r.headers["location"] == f"http://127.0.0.1:{s.http_port}/api/v2/hd/cards/{cid}.json"
        assert card["state"] == "needs_verification" and card["version"] == 1
        assert card["owner_id"] == owner["id"]
        assert card["verifier"] == {"user_id": verifier["id"], "group_id": None}
        assert card["next_verification_at"] is None and card["last_verified_at"] is None
        assert card["content"] == V1 and card["collection"] == "배송"
        # only the verifier verifies
        for c in (oc, xc, p["admin"][1]):
            r = c.request("POST", f"{CARDS}/{cid}/verify")
            assert r.status == 403, r
        assert ec.request("POST", f"{CARDS}/{cid}/verify").status == 403
        r = vc.request("POST", f"{CARDS}/{cid}/verify")
        assert r.status == 200, r
        card = r.json["card"]
        assert card["state"] == "verified" and card["last_verified_by_id"] == verifier["id"]
        assert card["next_verification_at"].endswith("Z")
        # 29 days later: still verified, no event
        s.advance_clock(29 * DAY)
        time.sleep(0.5)
        assert oc.request("GET", f"{CARDS}/{cid}").json["card"]["state"] == "verified"
        assert expired_events(s, ctx) == []
        # past the interval: needs verification by itself, exactly one event
        s.advance_clock(2 * DAY)
        wait_state(oc, cid, "needs_verification")
        time.sleep(0.5)  # many more sweeps
        ev = expired_events(s, ctx)
        assert len(ev) == 1, ev
        assert ev[0]["card_id"] == cid and ev[0]["verifier_user_id"] == verifier["id"]
        assert ev[0]["owner_id"] == owner["id"] and ev[0]["verifier_group_id"] == 0
        # verified again, then an end-user proposes an edit
        assert vc.request("POST", f"{CARDS}/{cid}/verify").json["card"]["state"] == "verified"
        r = ec.request("POST", f"{CARDS}/{cid}/proposals", {"proposal": {"content": V2}})
        assert r.status == 201, r
        prop = r.json["proposal"]
        assert prop["state"] == "pending" and prop["author_id"] == customer["id"]
        assert prop["card_id"] == cid and prop["base_version"] == 1
        assert ec.request("GET", f"{CARDS}/{cid}").status == 403
        pending = oc.request("GET", f"{CARDS}/{cid}/proposals").json["proposals"]
        assert [x["id"] for x in pending] == [prop["id"]]
        for c in (ec, xc):  # neither owner nor verifier
            r = c.request("POST", f"{CARDS}/{cid}/proposals/{prop['id']}/accept")
            assert r.status == 403, r
        r = oc.request("POST", f"{CARDS}/{cid}/proposals/{prop['id']}/accept")
        assert r.status == 200, r
        assert r.json["proposal"]["state"] == "accepted"
        assert r.json["proposal"]["decided_by_id"] == owner["id"]
        card = r.json["card"]
        assert card["version"] == 2 and card["content"] == V2
        assert card["state"] == "needs_verification" and card["next_verification_at"] is None
        again = oc.request("POST", f"{CARDS}/{cid}/proposals/{prop['id']}/accept")
        assert again.status == 409, again
        # the event is not repeated for a card that is no longer verified
        s.advance_clock(40 * DAY)
        time.sleep(0.5)
        assert len(expired_events(s, ctx)) == 1
        # verified again, by the verifier only
        assert oc.request("POST", f"{CARDS}/{cid}/verify").status == 403
        assert vc.request("POST", f"{CARDS}/{cid}/verify").json["card"]["state"] == "verified"
        # versions and an exact diff
        vs = oc.request("GET", f"{CARDS}/{cid}/versions").json["versions"]
        assert [(v["number"], v["reason"], v["author_id"]) for v in vs] == [
            (1, "created", owner["id"]), (2, "proposal", customer["id"])]
        assert vs[1]["proposal_id"] == prop["id"]
        v1 = oc.request("GET", f"{CARDS}/{cid}/versions/1").json["version"]
        assert v1["content"] == V1 and v1["title"] == TITLE
        assert oc.request("GET", f"{CARDS}/{cid}/versions/9").status == 404
        d = oc.request("GET", f"{CARDS}/{cid}/diff?from=1&to=2")
        assert d.status == 200, d
        assert d.json["diff"] == {"card_id": cid, "from": 1, "to": 2, "unified":
                                  "@@ -1,4 +1,4 @@\n 배송 지연 안내\n \n"
                                  "-배송은 보통 2일 걸립니다.\n+배송은 보통 3일 걸립니다.\n"
                                  " 지연되면 고객센터로 연락하세요.\n"}
        assert oc.request("GET", f"{CARDS}/{cid}/diff?from=2&to=2").json["diff"]["unified"] == ""
        assert oc.request("GET", f"{CARDS}/{cid}/diff?from=1").status == 400
        # the verifier's own edit keeps it verified; anyone else's does not
        r = vc.request("PUT", f"{CARDS}/{cid}", {"card": {"title": "배송 지연 안내 (개정)"}})
        assert r.status == 200, r
        assert r.json["card"]["state"] == "verified" and r.json["card"]["version"] == 3
        r = xc.request("PUT", f"{CARDS}/{cid}", {"card": {"content": V2 + "주말은 제외합니다.\n"}})
        assert r.json["card"]["state"] == "needs_verification" and r.json["card"]["version"] == 4
        # restore version 1: a new version with the old text
        r = oc.request("POST", f"{CARDS}/{cid}/versions/1/restore")
        assert r.status == 200, r
        card = r.json["card"]
        assert card["version"] == 5 and card["content"] == V1 and card["title"] == TITLE
        v5 = oc.request("GET", f"{CARDS}/{cid}/versions/5").json["version"]
        assert v5["reason"] == "restored" and v5["restored_from"] == 1
        assert oc.request("POST", f"{CARDS}/{cid}/versions/5/restore").status == 409
        assert len(oc.request("GET", f"{CARDS}/{cid}/versions").json["versions"]) == 5


def test_card_roles_groups_and_lists(ctx):
    with Suite(ctx.bin_dir, services=SERVICES).start() as s:
        p = people(s)
        admin = p["admin"][1]
        verifier, vc = p["verifier"]
        owner, oc = p["owner"]
        other, xc = p["other"]
        customer, ec = p["customer"]
        g = admin.request("POST", "/api/v2/groups", {"group": {"name": "상담팀"}}).json["group"]
        r = admin.request("POST", "/api/v2/group_memberships",
                          {"group_membership": {"user_id": other["id"], "group_id": g["id"]}})
        assert r.status == 201, r
        # end-users: no cards, but proposals of new cards
        assert ec.request("GET", CARDS).status == 403
        assert ec.request("POST", CARDS, {"card": {"title": "x", "content": "y"}}).status == 403
        r = ec.request("POST", CARDS + "/proposals", {"proposal": {"title": "환불 규정", "content": "환불은 7일 이내"}})
        assert r.status == 201, r
        pid = r.json["proposal"]["id"]
        assert r.json["proposal"]["card_id"] is None
        assert ec.request("GET", CARDS + "/proposals").status == 403
        assert [x["id"] for x in oc.request("GET", CARDS + "/proposals").json["proposals"]] == [pid]
        r = oc.request("POST", f"{CARDS}/proposals/{pid}/accept")
        assert r.status == 200, r
        new = r.json["card"]
        assert new["title"] == "환불 규정" and new["owner_id"] == owner["id"]
        assert new["verifier"]["user_id"] == owner["id"] and new["state"] == "needs_verification"
        assert oc.request("GET", CARDS + "/proposals").json["proposals"] == []
        # a rejected proposal changes nothing
        pid2 = ec.request("POST", f"{CARDS}/{new['id']}/proposals", {"proposal": {"title": "엉터리"}}).json["proposal"]["id"]
        r = oc.request("POST", f"{CARDS}/proposals/{pid2}/reject")
        assert r.status == 200 and r.json["proposal"]["state"] == "rejected" and r.json["card"] is None
        assert oc.request("GET", f"{CARDS}/{new['id']}").json["card"]["version"] == 1
        # a group verifies through any member
        r = oc.request("POST", CARDS, {"card": {"title": "Escalation", "content": "Call L2",
                                                "collection": "ops", "verifier": {"group_id": g["id"]}}})
        assert r.status == 201, r
        gid_card = r.json["card"]
        assert gid_card["verification_interval_days"] == 90
        assert vc.request("POST", f"{CARDS}/{gid_card['id']}/verify").status == 403
        assert xc.request("POST", f"{CARDS}/{gid_card['id']}/verify").json["card"]["state"] == "verified"
        # lists filter by state and collection, with pages
        ids = lambda q: [c["id"] for c in oc.request("GET", CARDS + q).json["cards"]]
        assert ids("?state=verified") == [gid_card["id"]]
        assert ids("?state=needs_verification") == [new["id"]]
        assert ids("?collection=ops") == [gid_card["id"]]
        assert oc.request("GET", CARDS + "?state=bogus").status == 400
        page = oc.request("GET", CARDS + "?per_page=1").json
        assert page["count"] == 2 and len(page["cards"]) == 1 and page["next_page"]
        cur = oc.request("GET", CARDS + "?page[size]=1").json
        assert cur["meta"]["has_more"] is True
        nxt = oc.request("GET", CARDS + f"?page[size]=1&page[after]={cur['meta']['after_cursor']}").json
        assert [c["id"] for c in nxt["cards"]] == [gid_card["id"]] and nxt["meta"]["has_more"] is False
        # validation names the field
        for body, field in [({"content": "no title"}, "title"), ({"title": "t"}, "content"),
                            ({"title": "t", "content": "c", "verification_interval_days": 0}, "verification_interval_days"),
                            ({"title": "t", "content": "c", "verifier": {"user_id": 1, "group_id": 2}}, "verifier"),
                            ({"title": 5, "content": "c"}, "title"),
                            ({"title": "t" * 2000, "content": "c"}, "title"),
                            ({"title": "t", "content": "c", "verifier": {"user_id": customer["id"]}}, "verifier"),
                            ({"title": "t", "content": "c", "verifier": {"user_id": 999999}}, "verifier"),
                            ({"title": "t", "content": "c", "verifier": {"group_id": 999999}}, "verifier"),
                            ({"title": "t", "content": "c", "owner_id": customer["id"]}, "owner_id")]:
            r = oc.request("POST", CARDS, {"card": body})
            assert r.status == 422 and field in r.json["details"], (body, r)
        assert oc.request("POST", CARDS, {"nope": {}}).status == 400
        assert oc.request("POST", CARDS, {"card": []}).status == 400
        assert ec.request("POST", CARDS + "/proposals", {"proposal": {"title": "only title"}}).status == 422
        assert oc.request("GET", f"{CARDS}/999999").status == 404
        # delete: owner or admin
        assert xc.request("DELETE", f"{CARDS}/{gid_card['id']}").status == 403
        assert oc.request("DELETE", f"{CARDS}/{gid_card['id']}").status == 204
        assert oc.request("GET", f"{CARDS}/{gid_card['id']}").status == 404
        assert oc.request("GET", f"{CARDS}/{gid_card['id']}/versions").status == 404


def test_card_search(ctx):
    with Suite(ctx.bin_dir, services=SERVICES).start() as s:
        p = people(s)
        verifier, vc = p["verifier"]
        owner, oc = p["owner"]
        ec = p["customer"][1]
        mk = lambda title, content, coll="": oc.request("POST", CARDS, {"card": {
            "title": title, "content": content, "collection": coll,
            "verifier": {"user_id": verifier["id"]}}}).json["card"]
        delay = mk("배송 지연", "배송이 지연되면 고객센터로 연락하세요.", "배송")
        refund = mk("환불 규정", "환불은 7일 이내에 가능합니다. 배송비는 제외.", "결제")
        vpn = mk("VPN Setup", "Install the VPN client, then sign in.", "IT")
        q = lambda query, extra="": oc.request("GET", f"{CARDS}/search?query={quote(query)}{extra}")
        r = q("배송")
        assert r.status == 200, r
        res = r.json["results"]
        assert [x["id"] for x in res] == [delay["id"], refund["id"]] and r.json["count"] == 2
        assert res[0]["result_type"] == "card" and res[0]["score"] > res[1]["score"]
        assert "<em>배송이</em>" in res[0]["snippet"]
        assert [x["id"] for x in q("vpn").json["results"]] == [vpn["id"]]
        assert [x["id"] for x in q("환불").json["results"]] == [refund["id"]]
        # state filter, and updates are searchable at once
        vc.request("POST", f"{CARDS}/{refund['id']}/verify")
        assert [x["id"] for x in q("배송", "&state=verified").json["results"]] == [refund["id"]]
        assert [x["id"] for x in q("배송", "&state=needs_verification").json["results"]] == [delay["id"]]
        oc.request("PUT", f"{CARDS}/{vpn['id']}", {"card": {"content": "배송 추적은 VPN 없이"}})
        assert [x["id"] for x in q("추적").json["results"]] == [vpn["id"]]
        every = [x["id"] for x in q("배송").json["results"]]
        assert len(every) == 3 and every[0] == delay["id"]
        page2 = q("배송", "&per_page=1&page=2").json
        assert [x["id"] for x in page2["results"]] == every[1:2] and page2["count"] == 3 and page2["next_page"]
        oc.request("DELETE", f"{CARDS}/{delay['id']}")
        assert delay["id"] not in [x["id"] for x in q("배송").json["results"]]
        assert ec.request("GET", f"{CARDS}/search?query=x").status == 403
        assert oc.request("GET", f"{CARDS}/search").status == 400
        assert oc.request("GET", f"{CARDS}/search?query=x&state=odd").status == 400
