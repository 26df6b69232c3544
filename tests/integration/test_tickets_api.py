"""Tickets, comments, audits, tags, lists and pagination (API.md §2)."""
import threading
import time

from harness import Suite, create_ticket, password_user

T = "/api/v2/tickets"


def ticket_count(c):
    r = c.request("GET", T + "/count.json")
    assert r.status == 200, r
    return r.json["count"]["value"]


def end_user(s, email, password="Secret-pass-123"):
    """An end-user with a password, made through the users endpoints."""
    return password_user(s, email, password=password)


def agent(s, email):
    c = s.client()
    r = c.request("POST", "/api/v2/users.json",
                  {"user": {"name": "Agent", "email": email, "role": "agent"}})
    assert r.status == 201, r
    return r.json["user"]["id"]


def test_create_full_model_and_audit(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        body = {"ticket": {
            "subject": "Printer", "comment": {"body": "It <b>burns</b> & smokes"},
            "priority": "urgent", "type": "task", "due_at": "2030-01-02T03:04:05Z",
            "tags": ["Hot", "hot", "printer"], "external_id": "ext-1",
            "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
            "requester": {"name": "Ann", "email": "ann@example.com"},
            "brand_id": 3,
            "collaborator_ids": [5], "bogus_key": 1}}
        r = c.request("POST", T + ".json", body)
        assert r.status == 201, r
        t, audit = r.json["ticket"], r.json["audit"]
        assert r.headers["location"].endswith(f"/api/v2/tickets/{t['id']}.json")
        assert "ticket.bogus_key" in r.headers.get("x-zendesk-api-warn", ""), r.headers
        assert t["status"] == "new" and t["priority"] == "urgent" and t["type"] == "task"
        assert t["tags"] == ["hot", "printer"] and t["due_at"] == "2030-01-02T03:04:05Z"
        assert t["via"]["channel"] == "web" and t["external_id"] == "ext-1"
        assert t["collaborator_ids"] == [5] and t["brand_id"] == 3
        assert t["requester_id"] != t["submitter_id"] and t["description"].startswith("It <b>")
        kinds = {(e["type"], e.get("field_name")) for e in audit["events"]}
        assert ("Create", "subject") in kinds and ("Create", "status") in kinds, kinds
        comment = [e for e in audit["events"] if e["type"] == "Comment"][0]
        assert comment["public"] is True
        cs = c.request("GET", f"{T}/{t['id']}/comments.json")
        assert cs.status == 200 and len(cs.json["comments"]) == 1, cs
        html = cs.json["comments"][0]["html_body"]
        assert "<b>" not in html and "&lt;b&gt;burns&lt;/b&gt; &amp; smokes" in html, html
        assert html.startswith('<div class="zd-comment" dir="auto"><p dir="auto">')
        assert cs.json["comments"][0]["plain_body"] == "It <b>burns</b> & smokes"
        # html_body input keeps only bare allow-listed tags
        h = c.request("POST", T, {"ticket": {"subject": "h", "comment": {
            "html_body": '<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>'}}})
        assert h.status == 201, h
        hc = c.request("GET", f"{T}/{h.json['ticket']['id']}/comments").json["comments"][0]
        assert "<script>" not in hc["html_body"] and "onclick" not in hc["html_body"], hc
        assert "<b>there</b>" in hc["html_body"], hc


def test_validation_names_the_field_and_writes_nothing(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        before = ticket_count(c)
        bad = [("priority", "sky-high"), ("type", 3), ("status", "weird"), ("subject", 5),
               ("assignee_id", "me"), ("group_id", -1), ("tags", "a b"), ("tags", ["a b"]),
               ("due_at", "tomorrow"), ("collaborator_ids", ["x"]), ("custom_fields", {"id": 1}),
               ("via", "web"), ("external_id", []), ("satisfaction_rating", {"score": "meh"}),
               ("problem_id", "x"), ("ticket_form_id", "x"), ("comment", "text"),
               ("requester", {"name": "x"})]
        for field, value in bad:
            r = create_ticket(c, **{field: value})
            assert r.status == 422, (field, r)
            assert r.json["error"] == "RecordInvalid" and field in r.json["details"], (field, r.json)
            assert r.json["details"][field][0]["error"] == "InvalidValue"
        blank = c.request("POST", T, {"ticket": {"subject": "x", "comment": {"body": "  "}}})
        assert blank.status == 422 and "comment" in blank.json["details"], blank
        due = create_ticket(c, due_at="2030-01-01T00:00:00Z")  # not a task
        assert due.status == 422 and "due_at" in due.json["details"], due
        prob = create_ticket(c, problem_id=5, type="question")
        assert prob.status == 422 and "problem_id" in prob.json["details"], prob
        solve = create_ticket(c, status="solved")
        assert solve.status == 422 and "assignee_id" in solve.json["details"], solve
        assert ticket_count(c) == before
        missing = c.request("POST", T, {"nope": {}})
        assert missing.status == 400, missing


def test_update_status_rules_and_safe_update(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        aid = agent(s, "agent1@example.com")
        t = create_ticket(c).json["ticket"]
        url = f"{T}/{t['id']}.json"
        r = c.request("PUT", url, {"ticket": {"assignee_id": aid, "id": 999, "description": "x",
                                              "comment": {"body": "internal", "public": False}}})
        assert r.status == 200, r
        assert r.json["ticket"]["status"] == "open" and r.json["ticket"]["assignee_id"] == aid
        assert "ticket.id" in r.headers.get("x-zendesk-api-warn", ""), r.headers
        ch = {e["field_name"]: e for e in r.json["audit"]["events"] if e["type"] == "Change"}
        assert ch["status"]["previous_value"] == "new" and ch["status"]["value"] == "open", ch
        assert ch["assignee_id"]["previous_value"] is None and ch["assignee_id"]["value"] == aid
        note = [e for e in r.json["audit"]["events"] if e["type"] == "Comment"][0]
        assert note["public"] is False
        back = c.request("PUT", url, {"ticket": {"status": "new"}})
        assert back.status == 422 and "status" in back.json["details"], back
        stamp = c.request("GET", url).json["ticket"]["updated_at"]
        time.sleep(1.1)
        ok = c.request("PUT", url, {"ticket": {"priority": "low", "safe_update": True, "updated_stamp": stamp}})
        assert ok.status == 200, ok
        stale = c.request("PUT", url, {"ticket": {"priority": "high", "safe_update": True, "updated_stamp": stamp}})
        assert stale.status == 409, stale
        cc = c.request("PUT", url, {"ticket": {"email_ccs": [{"user_id": aid, "action": "put"}],
                                               "followers": [{"user_id": aid}], "collaborators": [aid]}})
        assert cc.status == 200, cc
        tk = cc.json["ticket"]
        assert tk["email_cc_ids"] == [aid] and tk["follower_ids"] == [aid] and tk["collaborator_ids"] == [aid], tk
        cc = c.request("PUT", url, {"ticket": {"email_ccs": [{"user_id": aid, "action": "delete"}]}})
        assert cc.json["ticket"]["email_cc_ids"] == [], cc
        closed = c.request("PUT", url, {"ticket": {"status": "closed"}})
        assert closed.status == 200, closed
        again = c.request("PUT", url, {"ticket": {"subject": "x"}})
        assert again.status == 422, again
        assert again.json["details"]["status"][0]["description"] == "Status: closed prevents ticket update"
        audits = c.request("GET", f"{T}/{t['id']}/audits.json")
        assert audits.status == 200 and len(audits.json["audits"]) == 6, audits
        cs = c.request("GET", f"{T}/{t['id']}/comments.json?sort_order=desc")
        assert [x["body"] for x in cs.json["comments"]] == ["internal", "Please help"], cs


def test_comments_pagination(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        tid = create_ticket(c, body="c0").json["ticket"]["id"]
        for i in range(1, 7):
            assert c.request("PUT", f"{T}/{tid}", {"ticket": {"comment": {"body": f"c{i}"}}}).status == 200
        p1 = c.request("GET", f"{T}/{tid}/comments.json?per_page=4")
        assert [x["body"] for x in p1.json["comments"]] == ["c0", "c1", "c2", "c3"], p1
        assert p1.json["count"] == 7 and p1.json["next_page"].startswith(f"http://127.0.0.1:{s.http_port}/")
        p2 = c.request("GET", f"{T}/{tid}/comments.json?per_page=4&page=2")
        assert [x["body"] for x in p2.json["comments"]] == ["c4", "c5", "c6"] and p2.json["next_page"] is None
        seen, url = [], f"{T}/{tid}/comments.json?page[size]=3"
        while url:
            r = c.request("GET", url)
            assert r.status == 200, r
            seen += [x["body"] for x in r.json["comments"]]
            nxt = r.json["links"]["next"]
            url = nxt[nxt.index("/api"):] if nxt else None
        assert seen == [f"c{i}" for i in range(7)], seen


def test_end_user_sees_own_tickets_without_internal_notes(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        uid, eu = end_user(s, "eve@example.com")
        other = create_ticket(c, requester_id=agent(s, "x@example.com")).json["ticket"]["id"]
        mine = create_ticket(eu, subject="mine")
        assert mine.status == 201 and mine.json["ticket"]["requester_id"] == uid, mine
        tid = mine.json["ticket"]["id"]
        assert c.request("PUT", f"{T}/{tid}", {"ticket": {"comment": {"body": "secret", "public": False}}}).status == 200
        assert eu.request("GET", f"{T}/{other}").status == 404
        assert eu.request("GET", f"{T}/{other}/comments").status == 404
        assert eu.request("PUT", f"{T}/{other}", {"ticket": {"subject": "x"}}).status == 404
        cs = eu.request("GET", f"{T}/{tid}/comments")
        assert [x["body"] for x in cs.json["comments"]] == ["Please help"], cs
        au = eu.request("GET", f"{T}/{tid}/audits")
        assert "secret" not in au.raw.decode(), au
        assert "secret" in c.request("GET", f"{T}/{tid}/audits").raw.decode()
        lst = eu.request("GET", T)
        assert [x["id"] for x in lst.json["tickets"]] == [tid], lst
        r = eu.request("PUT", f"{T}/{tid}", {"ticket": {"assignee_id": uid}})
        assert r.status == 403, r
        r = eu.request("PUT", f"{T}/{tid}", {"ticket": {"status": "pending"}})
        assert r.status == 403, r
        r = eu.request("PUT", f"{T}/{tid}", {"ticket": {"status": "solved", "comment": {"body": "thx", "public": False}}})
        assert r.status == 200 and r.json["ticket"]["status"] == "solved", r
        assert eu.request("GET", f"/api/v2/users/{uid}/tickets/requested").json["count"] == 1


def test_tags_delete_restore_and_idempotency(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        tid = create_ticket(c, tags=["a"]).json["ticket"]["id"]
        tags = f"{T}/{tid}/tags.json"
        assert c.request("GET", tags).json == {"tags": ["a"]}
        r = c.request("PUT", tags, {"tags": ["b", "c"]})
        assert r.status == 200 and r.json == {"tags": ["a", "b", "c"]}, r
        r = c.request("DELETE", tags, {"tags": ["a"]})
        assert r.status == 200 and r.json == {"tags": ["b", "c"]}, r
        r = c.request("POST", tags, {"tags": ["z"]})
        assert r.status == 201 and r.json == {"tags": ["z"]}, r
        assert c.request("DELETE", f"{T}/{tid}").status == 204
        assert c.request("GET", f"{T}/{tid}").status == 404
        d = c.request("GET", "/api/v2/deleted_tickets.json")
        assert [x["id"] for x in d.json["deleted_tickets"]] == [tid], d
        r = c.request("PUT", f"/api/v2/deleted_tickets/{tid}/restore.json")
        assert r.status == 200 and r.json == {}, r
        assert c.request("GET", f"{T}/{tid}").status == 200
        body = {"ticket": {"subject": "once", "comment": {"body": "x"}}}
        h = {"Idempotency-Key": "k-1"}
        a = c.request("POST", T, body, headers=h)
        b = c.request("POST", T, body, headers=h)
        assert a.status == 201 and b.status == 201 and a.json["ticket"]["id"] == b.json["ticket"]["id"]
        other = c.request("POST", T, {"ticket": {"subject": "twice", "comment": {"body": "x"}}}, headers=h)
        assert other.status == 400 and other.json["error"] == "IdempotencyKeyReused", other


def test_lists_across_two_shards(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        ids = []
        for i in range(12):
            r = create_ticket(c, subject=f"s{i}", requester={"email": f"r{i}@example.com"},
                              priority=["low", "high"][i % 2])
            assert r.status == 201, r
            ids.append(r.json["ticket"]["id"])
        assert {i & 0xff for i in ids} == {0, 1}, ids
        assert ticket_count(c) == 12
        r = c.request("GET", T + ".json?per_page=5&sort_by=created_at")
        assert r.json["count"] == 12 and len(r.json["tickets"]) == 5
        got = []
        for page in (1, 2, 3):
            r = c.request("GET", f"{T}.json?per_page=5&page={page}&sort_by=created_at")
            got += [x["id"] for x in r.json["tickets"]]
        assert got == ids, (got, ids)
        r = c.request("GET", f"{T}.json?sort_by=priority&sort_order=desc")
        assert [x["priority"] for x in r.json["tickets"]] == ["high"] * 6 + ["low"] * 6
        sm = c.request("GET", f"{T}/show_many.json?ids={ids[0]},{ids[1]},{ids[5]}")
        assert sorted(x["id"] for x in sm.json["tickets"]) == sorted([ids[0], ids[1], ids[5]]), sm
        many = ",".join(str(i) for i in range(1, 102))
        tm = c.request("GET", f"{T}/show_many.json?ids={many}")
        assert tm.status == 400 and tm.json["error"] == "TooManyValues", tm
        one = c.request("GET", f"{T}/{ids[3]}.json?include=users")
        assert {u["id"] for u in one.json["users"]} >= {one.json["ticket"]["requester_id"]}, one
        org = c.request("POST", "/api/v2/organizations.json", {"organization": {"name": "Acme"}})
        grp = c.request("POST", "/api/v2/groups.json", {"group": {"name": "Level 2"}})
        assert org.status == 201 and grp.status == 201, (org, grp)
        oid, gid = org.json["organization"]["id"], grp.json["group"]["id"]
        t = create_ticket(c, organization_id=oid, group_id=gid).json["ticket"]
        sl = c.request("GET", f"{T}.json?include=users,groups,organizations&sort_by=created_at&sort_order=desc&per_page=1")
        assert sl.json["tickets"][0]["id"] == t["id"], sl
        assert [o["name"] for o in sl.json["organizations"]] == ["Acme"], sl
        assert [x["name"] for x in sl.json["groups"]] == ["Level 2"], sl
        assert [u["id"] for u in sl.json["users"]] == [t["requester_id"]], sl
        of = c.request("GET", f"/api/v2/organizations/{oid}/tickets.json")
        assert [x["id"] for x in of.json["tickets"]] == [t["id"]] and of.json["count"] == 1, of


def test_cursor_pagination_under_concurrent_creates(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        before = [create_ticket(c, subject=f"p{i}", requester={"email": f"p{i}@example.com"}).json["ticket"]["id"]
                  for i in range(23)]
        stop = threading.Event()

        def writer():
            w = s.client()
            i = 0
            while not stop.is_set() and i < 40:
                create_ticket(w, subject=f"n{i}", requester={"email": f"n{i}@example.com"})
                i += 1

        th = threading.Thread(target=writer)
        th.start()
        try:
            seen, url = [], T + ".json?page[size]=5&sort=created_at"
            while url:
                r = c.request("GET", url)
                assert r.status == 200, r
                seen += [x["id"] for x in r.json["tickets"]]
                nxt = r.json["links"]["next"]
                assert nxt is None or nxt.startswith(f"http://127.0.0.1:{s.http_port}/"), nxt
                url = nxt[nxt.index("/api"):] if nxt else None
                time.sleep(0.02)
        finally:
            stop.set()
            th.join()
        assert len(seen) == len(set(seen)), "a ticket was repeated"
        for tid in before:
            assert seen.count(tid) == 1, tid
        assert r.json["meta"]["has_more"] is False


def test_bulk_jobs_and_merge(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        aid = agent(s, "bulk-agent@example.com")
        r = c.request("POST", T + "/create_many.json", {"tickets": [
            {"subject": "b0", "comment": {"body": "x"}},
            {"subject": "b1", "comment": {"body": "y"}, "requester": {"email": "bulk1@example.com"}},
            {"subject": "bad", "comment": {"body": "z"}, "priority": "nope"}]})
        assert r.status == 200, r
        js = r.json["job_status"]
        assert js["status"] == "completed" and js["total"] == 3 and js["id"].startswith("V3-"), js
        assert js["url"] == f"http://127.0.0.1:{s.http_port}/api/v2/job_statuses/{js['id']}.json"
        ok = [x for x in js["results"] if "id" in x and x.get("success", True)]
        assert [x["index"] for x in ok] == [0, 1], js["results"]
        assert js["results"][2]["success"] is False and "priority" in js["results"][2]["details"]
        again = c.request("GET", f"/api/v2/job_statuses/{js['id']}.json")
        assert again.status == 200 and again.json["job_status"]["results"] == js["results"], again
        many = c.request("GET", f"/api/v2/job_statuses/show_many.json?ids={js['id']},V3-nope")
        assert [x["id"] for x in many.json["job_statuses"]] == [js["id"]], many
        assert c.request("GET", "/api/v2/job_statuses/V3-missing.json").status == 404
        ids = [x["id"] for x in ok]
        u = c.request("PUT", f"{T}/update_many.json?ids={ids[0]},{ids[1]}", {"ticket": {"priority": "high"}})
        assert u.status == 200 and all(x["success"] for x in u.json["job_status"]["results"]), u
        sm = c.request("GET", f"{T}/show_many.json?ids={ids[0]},{ids[1]}")
        assert {x["priority"] for x in sm.json["tickets"]} == {"high"}, sm
        u2 = c.request("PUT", f"{T}/update_many.json", {"tickets": [{"id": ids[0], "assignee_id": aid}]})
        assert u2.json["job_status"]["results"][0]["status"] == "Updated", u2
        assert c.request("GET", f"{T}/{ids[0]}").json["ticket"]["status"] == "open"
        asg = c.request("GET", f"/api/v2/users/{aid}/tickets/assigned.json")
        assert [x["id"] for x in asg.json["tickets"]] == [ids[0]], asg
        cc = create_ticket(c, collaborator_ids=[aid]).json["ticket"]["id"]
        ccd = c.request("GET", f"/api/v2/users/{aid}/tickets/ccd.json")
        assert [x["id"] for x in ccd.json["tickets"]] == [cc], ccd
        third = create_ticket(c, subject="target").json["ticket"]["id"]
        m = c.request("POST", f"{T}/{third}/merge.json", {"ids": [ids[1]], "source_comment": "gone"})
        assert m.status == 200 and m.json["job_status"]["status"] == "completed", m
        src = c.request("GET", f"{T}/{ids[1]}").json["ticket"]
        assert src["status"] == "closed", src
        assert c.request("GET", f"{T}/{ids[1]}/comments").json["comments"][-1]["body"] == "gone"
        assert len(c.request("GET", f"{T}/{third}/comments").json["comments"]) == 2
        d = c.request("DELETE", f"{T}/destroy_many.json?ids={ids[0]},{third}")
        assert d.status == 200 and [x["status"] for x in d.json["job_status"]["results"]] == ["Deleted"] * 2, d
        assert c.request("GET", f"{T}/{third}").status == 404
        big = c.request("POST", T + "/create_many.json", {"tickets": [{"subject": "x"}] * 101})
        assert big.status == 400 and big.json["error"] == "TooManyValues", big


def test_uploads_attach_to_comments(ctx):
    with Suite(ctx.bin_dir, shards=2, env={"HD_RPC_TIMEOUT_MS": "15000"}).start() as s:
        c = s.client()
        blob = bytes(range(256)) * 4800  # 1.2 MB: over the 1 MiB JSON limit
        r = c.request("POST", "/api/v2/uploads.json?filename=dump.bin", blob,
                      headers={"Content-Type": "application/binary"})
        assert r.status == 201, r
        up = r.json["upload"]
        assert up["attachment"]["size"] == len(blob) and up["attachment"]["file_name"] == "dump.bin"
        assert up["expires_at"].endswith("Z") and len(up["attachments"]) == 1
        r2 = c.request("POST", f"/api/v2/uploads?filename=b.txt&token={up['token']}", b"hello",
                       headers={"Content-Type": "text/plain"})
        assert r2.status == 201 and r2.json["upload"]["token"] == up["token"], r2
        assert [a["file_name"] for a in r2.json["upload"]["attachments"]] == ["dump.bin", "b.txt"]
        att = c.request("GET", f"/api/v2/attachments/{up['attachment']['id']}.json")
        assert att.status == 200 and att.json["attachment"]["content_url"].startswith(
            f"http://127.0.0.1:{s.http_port}/"), att
        # content_url serves the exact bytes, as a download nobody renders.
        dl = c.request("GET", att.json["attachment"]["content_url"].split(str(s.http_port), 1)[1])
        assert dl.status == 200 and dl.raw == blob, (dl.status, len(dl.raw))
        assert dl.headers["content-type"] == "application/binary", dl.headers
        assert dl.headers["x-content-type-options"] == "nosniff"
        assert dl.headers["content-disposition"] == 'attachment; filename="dump.bin"'
        other = r2.json["upload"]["attachments"][1]
        assert c.request("GET", other["content_url"].split(str(s.http_port), 1)[1]).raw == b"hello"
        assert c.request("GET", f"/api/v2/attachments/{other['id']}/content").status == 404
        assert c.request("GET", "/api/v2/attachments/999999999/content").status == 404
        t = create_ticket(c, comment={"body": "see files", "uploads": [up["token"]],
                                      "hd_attachments": [{"id": 1, "file_name": "forged"}]})
        assert t.status == 201, t
        cs = c.request("GET", f"{T}/{t.json['ticket']['id']}/comments").json["comments"]
        assert [a["file_name"] for a in cs[0]["attachments"]] == ["dump.bin", "b.txt"], cs
        bad = create_ticket(c, comment={"body": "x", "uploads": ["nope"]})
        assert bad.status == 422 and "uploads" in bad.json["details"], bad
        assert c.request("POST", "/api/v2/uploads", b"x").status == 400
        huge = s.client().request("POST", "/api/v2/uploads?filename=big", b"x" * (11 << 20))
        assert huge.status == 413, huge
