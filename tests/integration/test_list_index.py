"""Ticket lists walk an index (issue 15 item 3): /tickets, a requester's,
an assignee's, an organization's and the deleted list, offset and cursor
pages, read only their page's tickets (hd_intake_list_tickets_decoded_total)
and stay exactly right as tickets move between lists."""
import os
import subprocess
import urllib.parse

from harness import Suite, wait_until

T = "/api/v2/tickets"
DECODED = "hd_intake_list_tickets_decoded_total"


def ok(r, status=200):
    assert r.status == status, r
    return r.json


def test_lists_walk_the_index(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        admin = ok(c.request("GET", "/api/v2/users/me.json"))["user"]["id"]
        org = ok(c.request("POST", "/api/v2/organizations.json",
                           {"organization": {"name": "Hana Corp"}}), 201)["organization"]["id"]
        people = []
        for i in range(3):
            u = {"name": f"고객 {i}", "email": f"c{i}@example.com"}
            if i == 0:
                u["organization_id"] = org
            people.append(ok(c.request("POST", "/api/v2/users.json", {"user": u}), 201)["user"]["id"])
        model = {}  # id -> (requester, assignee, org)
        for b in range(20):
            batch = []
            for i in range(100):
                n = b * 100 + i
                t = {"subject": f"목록 {n}", "comment": {"body": "x"}, "requester_id": people[n % 3]}
                if n % 2 == 0:
                    t["assignee_id"] = admin
                if n % 3 == 0:
                    t["organization_id"] = org
                batch.append(t)
            r = ok(c.request("POST", T + "/create_many.json", {"tickets": batch}))
            got = [x["id"] for x in r["job_status"]["results"] if "id" in x]
            assert len(got) == 100, r
            for k, tid in enumerate(got):
                n = b * 100 + k
                model[tid] = [people[n % 3], admin if n % 2 == 0 else None, org if n % 3 == 0 else None]
        # Move some tickets between lists and delete a few.
        moved = sorted(model)[::97]
        for tid in moved:
            t = ok(c.request("PUT", f"{T}/{tid}.json", {"ticket": {"assignee_id": None}}))["ticket"]
            model[tid][1] = t["assignee_id"]
        gone = sorted(model)[5::211]
        for tid in gone:
            assert c.request("DELETE", f"{T}/{tid}.json").status == 204
            del model[tid]

        def expect(pred):
            return sorted(tid for tid, m in model.items() if pred(m))

        lists = [
            (T + ".json", expect(lambda m: True)),
            (f"/api/v2/users/{people[1]}/tickets/requested.json", expect(lambda m: m[0] == people[1])),
            (f"/api/v2/users/{admin}/tickets/assigned.json", expect(lambda m: m[1] == admin)),
            (f"/api/v2/organizations/{org}/tickets.json", expect(lambda m: m[2] == org)),
        ]
        for path, want in lists:
            assert len(want) > 100, (path, len(want))
            for q, page, rev in (("per_page=25", 1, False), ("per_page=25&page=3", 3, False),
                                 ("per_page=25&sort_order=desc", 1, True)):
                before = s.metric("intake-0", DECODED)
                body = ok(c.request("GET", f"{path}?{q}"))
                d = s.metric("intake-0", DECODED) - before
                assert body["count"] == len(want), (path, body["count"], len(want))
                order = want[::-1] if rev else want
                assert [t["id"] for t in body["tickets"]] == order[(page - 1) * 25:page * 25], (path, q)
                assert d <= 25 * page + 2, (path, q, d)
            # Cursor pages, both ways, to the end: exactly the list.
            for sort in ("id", "-id"):
                seen, url = [], f"{path}?page[size]=100&sort={sort}"
                while url:
                    before = s.metric("intake-0", DECODED)
                    body = ok(c.request("GET", url.replace("http://", "").split("/", 1)[-1]
                                        if url.startswith("http") else url))
                    d = s.metric("intake-0", DECODED) - before
                    assert d <= 101 + 2, (path, d)
                    seen += [t["id"] for t in body["tickets"]]
                    url = body["links"]["next"] if body["meta"]["has_more"] else None
                    if url and url.startswith("http"):
                        url = "/" + url.split("/", 3)[3]
                assert seen == (want if sort == "id" else want[::-1]), (path, sort)
        before = s.metric("intake-0", DECODED)
        body = ok(c.request("GET", "/api/v2/deleted_tickets.json?per_page=25"))
        assert sorted(t["id"] for t in body["deleted_tickets"]) == sorted(gone)
        assert s.metric("intake-0", DECODED) - before <= len(gone) + 2


def drop_dbs(env_dir, names):
    """Rewrite intake's LMDB env without the named sub-databases, as a store
    written before they existed (mdb_dump -a / mdb_load)."""
    dump = subprocess.run(["mdb_dump", "-a", env_dir], check=True, capture_output=True).stdout
    sections, keep = dump.split(b"VERSION=3\n"), []
    for sec in sections[1:]:
        if not any(b"\ndatabase=" + n.encode() + b"\n" in b"\n" + sec for n in names):
            keep.append(b"VERSION=3\n" + sec)
    assert len(keep) == len(sections) - 1 - len(names), "a db was not in the dump"
    fresh = env_dir + ".old"
    os.mkdir(fresh)
    subprocess.run(["mdb_load", "-f", "/dev/stdin", fresh], input=b"".join(keep), check=True,
                   capture_output=True)
    os.replace(os.path.join(fresh, "data.mdb"), os.path.join(env_dir, "data.mdb"))


def test_indexes_are_built_for_a_store_from_before_them(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        admin = ok(c.request("GET", "/api/v2/users/me.json"))["user"]["id"]
        mine, other = [], []
        for i in range(60):
            t = {"subject": f"이전 저장소 {i}", "comment": {"body": "환불 문의"}}
            if i % 3 == 0:
                t["assignee_id"] = admin
            tid = ok(c.request("POST", T + ".json", {"ticket": t}), 201)["ticket"]["id"]
            (mine if i % 3 == 0 else other).append(tid)
        gone = other.pop()
        assert c.request("DELETE", f"{T}/{gone}.json").status == 204
        s.wait_converged()
        wait_until(lambda: ok(c.request("GET", "/api/v2/search/count.json?query=%ED%99%98%EB%B6%88"))["count"] == 59,
                   what="indexed")
        assert s.stop_service("intake") == 0
        drop_dbs(os.path.join(s.data, "intake-0"), ["tk_lists", "search_fields"])
        s.restart("intake")
        wait_until(lambda: c.request("GET", f"{T}/{mine[0]}.json").status == 200, what="intake back")
        # (the first start built both for its empty store: docs=0, tickets=0)
        wait_until(lambda: "event=search.fields_built docs=59" in s.log_tail("intake-0", 400),
                   what="postings built")
        assert "event=tickets.lists_built tickets=60" in s.log_tail("intake-0", 400)
        before = s.metric("intake-0", DECODED)
        body = ok(c.request("GET", f"/api/v2/users/{admin}/tickets/assigned.json?per_page=100"))
        assert [t["id"] for t in body["tickets"]] == mine and body["count"] == len(mine), body["count"]
        body = ok(c.request("GET", T + ".json?per_page=5"))
        assert body["count"] == 59 and [t["id"] for t in body["tickets"]] == sorted(mine + other)[:5]
        assert s.metric("intake-0", DECODED) - before <= len(mine) + 5 + 4
        sdec = "hd_intake_search_tickets_decoded_total"
        before = s.metric("intake-0", sdec)
        r = ok(c.request("GET", "/api/v2/search.json?" + urllib.parse.urlencode(
            {"per_page": 5, "query": f"환불 assignee:{admin}"})))
        assert r["count"] == len(mine) and len(r["results"]) == 5, r["count"]
        assert s.metric("intake-0", sdec) - before <= 5 + 2
