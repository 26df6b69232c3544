"""Ticket search (API.md §5): the query language, Korean free text, ordering,
pagination, the 1,000-result limit, shards merged by the gateway, freshness
within one second of a create, and private notes hidden from end-users."""
import time
import urllib.parse

from harness import ADMIN_TOKEN, Suite, basic, create_ticket


def search(c, query, **params):
    params["query"] = query
    return c.request("GET", "/api/v2/search.json?" + urllib.parse.urlencode(params))


def ids(r):
    assert r.status == 200, r
    return [x["id"] for x in r.json["results"]]


def wait_count(c, query, want, timeout=5.0):
    """Poll until the query finds `want` results (the index is built off
    the request path); returns the last response."""
    deadline = time.time() + timeout
    while True:
        r = search(c, query)
        assert r.status == 200, r
        if r.json["count"] == want or time.time() > deadline:
            return r
        time.sleep(0.02)


def update(c, tid, **fields):
    r = c.request("PUT", f"/api/v2/tickets/{tid}.json", {"ticket": fields})
    assert r.status == 200, r
    return r.json["ticket"]


def make(c, subject, body, **extra):
    r = create_ticket(c, subject=subject, body=body, **extra)
    assert r.status == 201, r
    return r.json["ticket"]


def test_search_free_text_korean_and_english(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        ship = make(c, "배송 문의", "배송이 지연되고 있습니다")
        refund = make(c, "환불 요청", "환불은 언제 되나요?")
        en = make(c, "Refund REQUEST", "My SHIPPING label is broken")
        wide = make(c, "ＡＢＣ order", "full-width letters")
        wait_count(c, "type:ticket", 4)
        assert ids(search(c, "배송")) == [ship["id"]]
        assert ids(search(c, "지연")) == [ship["id"]]
        assert ids(search(c, "환불")) == [refund["id"]]
        assert ids(search(c, "있습니다")) == [ship["id"]]  # bigrams in sequence
        assert ids(search(c, "취소")) == []
        assert ids(search(c, "refund")) == [en["id"]]
        assert ids(search(c, "ShIpPiNg")) == [en["id"]]
        assert ids(search(c, "ship")) == [en["id"]]  # prefix match
        assert ids(search(c, "abc")) == [wide["id"]]  # NFKC
        assert ids(search(c, "ａｂｃ")) == [wide["id"]]
        assert ids(search(c, "refund broken")) == [en["id"]]  # AND
        assert ids(search(c, "refund 배송")) == []
        # node-zendesk sends '+' for spaces.
        r = c.request("GET", "/api/v2/search.json?query=refund+broken")
        assert ids(r) == [en["id"]]
        res = search(c, "배송").json
        assert res["results"][0]["result_type"] == "ticket"
        assert res["results"][0]["subject"] == "배송 문의"
        assert res["facets"] is None and res["count"] == 1
        assert res["next_page"] is None and res["previous_page"] is None
        cnt = c.request("GET", "/api/v2/search/count.json?query=" + urllib.parse.quote("환불"))
        assert cnt.status == 200 and cnt.json == {"count": 1}, cnt


def test_search_phrases_negation_and_tags(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        a = make(c, "printer jam", "the paper is stuck in the printer", tags=["hardware", "vip"])
        b = make(c, "stuck paper", "printer paper order", tags=["billing"])
        k = make(c, "배송 지연", "배송이 지연되고 있습니다", tags=["korea"])
        wait_count(c, "type:ticket", 3)
        assert ids(search(c, '"paper is stuck"')) == [a["id"]]
        assert sorted(ids(search(c, "paper stuck"))) == sorted([a["id"], b["id"]])
        assert ids(search(c, '"stuck paper"')) == [b["id"]]
        assert ids(search(c, '"배송이 지연"')) == [k["id"]]
        assert ids(search(c, '"지연 배송이"')) == []
        assert ids(search(c, "paper -jam")) == [b["id"]]
        assert ids(search(c, "tags:vip")) == [a["id"]]
        assert sorted(ids(search(c, "-tags:vip"))) == sorted([b["id"], k["id"]])
        assert sorted(ids(search(c, "tags:vip tags:billing"))) == sorted([a["id"], b["id"]])
        assert ids(search(c, "type:user")) == []
        bad = search(c, "status:bogus")
        assert bad.status == 422 and "query" in bad.json["details"], bad
        bad = search(c, 'subject:"unterminated')
        assert bad.status == 422 and "query" in bad.json["details"], bad
        r = s.client(auth=None).request("GET", "/api/v2/search.json?query=paper")
        assert r.status == 401, r


def test_search_fields_status_priority_dates(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        low = make(c, "one", "alpha", priority="low")
        high = make(c, "two", "alpha", priority="high")
        urgent = make(c, "three", "alpha", priority="urgent")
        none = make(c, "four", "alpha")
        me = c.request("GET", "/api/v2/users/me.json").json["user"]["id"]
        update(c, high["id"], status="solved", assignee_id=me)
        update(c, urgent["id"], status="pending", assignee_id=me)
        wait_count(c, "status:solved status:pending", 2)
        assert sorted(ids(search(c, "status<solved"))) == sorted([low["id"], urgent["id"], none["id"]])
        assert ids(search(c, "status>=solved")) == [high["id"]]
        assert sorted(ids(search(c, "status:new status:pending"))) == sorted(
            [low["id"], urgent["id"], none["id"]])
        assert sorted(ids(search(c, "priority>normal"))) == sorted([high["id"], urgent["id"]])
        assert ids(search(c, "priority:none")) == [none["id"]]
        assert sorted(ids(search(c, "assignee:me"))) == sorted([high["id"], urgent["id"]])
        assert sorted(ids(search(c, f"assignee:{me}"))) == sorted([high["id"], urgent["id"]])
        assert ids(search(c, "assignee:me status:pending")) == [urgent["id"]]
        assert sorted(ids(search(c, "assignee:Admin@Example.com"))) == sorted([high["id"], urgent["id"]])
        assert ids(search(c, "assignee:nobody@example.com")) == []
        assert sorted(ids(search(c, "assignee:none"))) == sorted([low["id"], none["id"]])
        assert sorted(ids(search(c, "-assignee:none"))) == sorted([high["id"], urgent["id"]])
        assert len(ids(search(c, "created>2hours"))) == 4
        assert ids(search(c, "created<2hours")) == []
        assert len(ids(search(c, "created>2020-01-01"))) == 4
        assert len(ids(search(c, "created>=2020-01-01T00:00:00Z"))) == 4
        assert ids(search(c, "created<2020-01-01")) == []
        today = time.strftime("%Y-%m-%d", time.gmtime())
        assert len(ids(search(c, f"created:{today}"))) == 4
        assert len(ids(search(c, "updated>1hours alpha"))) == 4


def test_search_sort_and_pagination(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        made = []
        for i, p in enumerate(["low", "urgent", "normal", "high", "low"]):
            made.append(make(c, f"report {i}", "quarterly report", priority=p)["id"])
            time.sleep(0.01)
        wait_count(c, "report", 5)
        asc = ids(search(c, "report", sort_by="created_at", sort_order="asc"))
        assert asc == made, (asc, made)
        assert ids(search(c, "report", sort_by="created_at")) == made[::-1]
        pr = search(c, "report", sort_by="priority", sort_order="desc").json["results"]
        order = {"low": 1, "normal": 2, "high": 3, "urgent": 4}
        ranks = [order[t["priority"]] for t in pr]
        assert ranks == sorted(ranks, reverse=True), ranks
        # Offset pages: 2 per page over 5 results → 3 pages, no repeats.
        seen, url, pages = [], "/api/v2/search.json?query=report&sort_by=created_at&sort_order=asc&per_page=2", 0
        while url:
            r = c.request("GET", url)
            assert r.status == 200 and r.json["count"] == 5, r
            seen += [t["id"] for t in r.json["results"]]
            pages += 1
            nxt = r.json["next_page"]
            assert nxt is None or nxt.startswith(f"http://127.0.0.1:{s.http_port}/api/v2/search.json?")
            url = nxt[len(f"http://127.0.0.1:{s.http_port}"):] if nxt else None
            if pages == 2:
                assert r.json["previous_page"] is not None
        assert pages == 3 and seen == made, (pages, seen, made)
        # Zendesk stops at 1,000 results per query: 422 with error "invalid".
        r = c.request("GET", "/api/v2/search.json?query=report&page=11&per_page=100")
        assert r.status == 422 and r.json["error"] == "invalid", r
        r = c.request("GET", "/api/v2/search.json?query=report&page=10&per_page=100")
        assert r.status == 200 and r.json["results"] == [] and r.json["count"] == 5, r
        r = c.request("GET", "/api/v2/search.json?query=report&sort_by=bogus")
        assert r.status == 422 and "sort_by" in r.json["details"], r
        # order_by/sort inside the query equal the parameters.
        assert ids(search(c, "report order_by:created sort:asc")) == made


def test_search_two_shards_merged(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        made = []
        for i in range(8):
            t = make(c, f"merge {i}", "shared words", requester={"email": f"req{i}@example.com"})
            made.append(t["id"])
            time.sleep(0.005)
        assert {tid & 0xFF for tid in made} == {0, 1}, made  # both shards hold some
        wait_count(c, "shared", 8)
        assert ids(search(c, "shared", sort_by="created_at", sort_order="asc")) == made
        got = []
        for page in (1, 2, 3):
            got += ids(search(c, "shared", sort_by="created_at", sort_order="desc", per_page=3, page=page))
        assert got == made[::-1], (got, made)
        cnt = c.request("GET", "/api/v2/search/count?query=shared")
        assert cnt.json == {"count": 8}, cnt
        assert ids(search(c, '"merge 5"')) == [made[5]]


def test_search_within_one_second_of_create(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        for word in ("zebrafish", "해파리"):
            r = create_ticket(c, subject="fresh", body=f"{word} sighting")
            assert r.status == 201, r
            t0 = time.time()
            found = []
            while time.time() - t0 < 1.0 and not found:
                found = ids(search(c, word))
            assert found == [r.json["ticket"]["id"]], (word, time.time() - t0)


def test_search_end_user_never_matches_private_notes(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        mine = make(c, "my order", "where is my parcel", requester={"email": "eu@example.com"})
        other = make(c, "other order", "where is the parcel", requester={"email": "other@example.com"})
        hidden = c.request("POST", "/api/v2/tickets.json", {"ticket": {
            "subject": "callback", "requester": {"email": "eu@example.com"},
            "comment": {"body": "first note mentions wombat", "public": False}}})
        assert hidden.status == 201, hidden
        r = c.request("PUT", f"/api/v2/tickets/{mine['id']}.json",
                      {"ticket": {"comment": {"body": "internal codeword platypus", "public": False}}})
        assert r.status == 200, r
        r = c.request("PUT", f"/api/v2/tickets/{mine['id']}.json",
                      {"ticket": {"comment": {"body": "public reply about kangaroo", "public": True}}})
        assert r.status == 200, r
        wait_count(c, "kangaroo", 1)
        # Agents find both kinds of comment text.
        assert ids(search(c, "platypus")) == [mine["id"]]
        assert ids(search(c, '"codeword platypus"')) == [mine["id"]]
        eu = s.client(auth=basic("eu@example.com", ADMIN_TOKEN))
        me = eu.request("GET", "/api/v2/users/me.json")
        assert me.status == 200 and me.json["user"]["role"] == "end-user", me
        assert sorted(ids(search(c, "requester:eu@example.com"))) == sorted([mine["id"], hidden.json["ticket"]["id"]])
        assert ids(search(c, "parcel -requester:eu@example.com")) == [other["id"]]
        # The end-user sees only their own ticket, and never by note text.
        assert ids(search(eu, "parcel")) == [mine["id"]]
        assert ids(search(eu, "kangaroo")) == [mine["id"]]
        assert ids(search(eu, "platypus")) == []
        assert ids(search(eu, '"codeword platypus"')) == []
        assert ids(search(eu, "platypus parcel")) == []
        # A private first comment (the description) is a note too.
        assert ids(search(c, "wombat")) == [hidden.json["ticket"]["id"]]
        assert ids(search(eu, "wombat")) == []
        assert ids(search(eu, "callback")) == [hidden.json["ticket"]["id"]]
        assert other["id"] not in ids(search(eu, "order"))


def test_search_follows_updates_deletes_and_restarts(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        t = make(c, "alpha subject", "first text")
        gone = make(c, "doomed ticket", "first text")
        wait_count(c, "first", 2)
        update(c, t["id"], subject="omega subject")
        wait_count(c, "omega", 1)
        assert ids(search(c, "alpha")) == []  # stale postings were removed
        assert ids(search(c, "subject")) == [t["id"]]
        r = c.request("DELETE", f"/api/v2/tickets/{gone['id']}.json")
        assert r.status == 204, r
        wait_count(c, "first", 1)
        assert ids(search(c, "doomed")) == []
        # The index and its cursor survive kill -9: nothing lost, nothing twice.
        s.kill("intake")
        s.restart("intake")
        fresh = make(c, "after restart", "first text again")
        r = wait_count(c, "first", 2)
        assert sorted(ids(r)) == sorted([t["id"], fresh["id"]]), r
        assert ids(search(c, "omega")) == [t["id"]]


def test_search_groups_and_organizations_by_name(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        g = c.request("POST", "/api/v2/groups.json", {"group": {"name": "Level 2"}})
        o = c.request("POST", "/api/v2/organizations.json", {"organization": {"name": "하나 상사"}})
        assert g.status == 201 and o.status == 201, (g, o)
        gid, oid = g.json["group"]["id"], o.json["organization"]["id"]
        in_group = make(c, "escalated", "needs level two", group_id=gid)
        in_org = make(c, "company", "from the company", organization_id=oid)
        other = make(c, "plain", "nothing special")
        wait_count(c, "type:ticket", 3)
        assert ids(search(c, 'group:"Level 2"')) == [in_group["id"]]
        assert ids(search(c, 'group:"level 2"')) == [in_group["id"]]
        assert ids(search(c, f"group:{gid}")) == [in_group["id"]]
        assert ids(search(c, 'organization:"하나 상사"')) == [in_org["id"]]
        assert ids(search(c, "group:Nobody")) == []
        assert sorted(ids(search(c, '-group:"Level 2" type:ticket'))) == sorted([in_org["id"], other["id"]])
