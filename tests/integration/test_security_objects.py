"""Object-level rules from issue 13: who may read an attachment, whose mail
may join a thread, who may change an address, which references a ticket may
hold, and what an anonymous request may do. Every case here was an open
hole before; each test fails on the code from before its fix."""
import time

from harness import Suite, create_ticket
from test_tickets_api import agent, end_user

T = "/api/v2/tickets"


def path(url):
    """The path and query of one of our absolute URLs."""
    return "/" + url.split("/", 3)[3]


def upload(c, name, data):
    r = c.request("POST", f"/api/v2/uploads.json?filename={name}", data,
                  headers={"Content-Type": "text/plain"})
    assert r.status == 201, r
    return r.json["upload"]


def test_attachments_follow_their_comment(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        admin = s.client()
        owner_id, owner = end_user(s, "owner@example.kr")
        _, stranger = end_user(s, "stranger@example.kr")
        mine = create_ticket(owner, subject="내 문의", body="봐 주세요")
        assert mine.status == 201, mine
        tid = mine.json["ticket"]["id"]

        # An internal note with a file, and a public reply with another.
        secret = upload(admin, "internal.txt", b"agents only")
        public = upload(admin, "public.txt", b"for the requester")
        r = admin.request("PUT", f"{T}/{tid}.json", {"ticket": {"comment": {
            "body": "내부 메모", "public": False, "uploads": [secret["token"]]}}})
        assert r.status == 200, r
        r = admin.request("PUT", f"{T}/{tid}.json", {"ticket": {"comment": {
            "body": "답변", "public": True, "uploads": [public["token"]]}}})
        assert r.status == 200, r
        sid, pid = secret["attachment"]["id"], public["attachment"]["id"]
        surl = path(secret["attachment"]["content_url"])
        purl = path(public["attachment"]["content_url"])

        # The requester: the public file yes, the internal note's file no,
        # both as "not found" (no 403 that confirms the id exists).
        assert owner.request("GET", f"/api/v2/attachments/{pid}.json").status == 200
        got = owner.request("GET", purl)
        assert got.status == 200 and got.raw == b"for the requester", got
        assert owner.request("GET", f"/api/v2/attachments/{sid}.json").status == 404
        assert owner.request("GET", surl).status == 404
        # Comment lists carry only visible comments, with working URLs.
        cs = owner.request("GET", f"{T}/{tid}/comments.json").json["comments"]
        names = [a["file_name"] for c in cs for a in c["attachments"]]
        assert names == ["public.txt"], cs
        listed = [a for c in cs for a in c["attachments"]][0]
        assert owner.request("GET", path(listed["content_url"])).raw == b"for the requester"

        # A stranger: nothing, whatever the id.
        for aid, url in [(pid, purl), (sid, surl)]:
            assert stranger.request("GET", f"/api/v2/attachments/{aid}.json").status == 404
            assert stranger.request("GET", url).status == 404

        # Staff see both; the id alone (no or wrong token) opens nothing.
        assert admin.request("GET", surl).raw == b"agents only"
        assert admin.request("GET", f"/api/v2/attachments/{sid}/content").status == 404
        forged = surl[:-4] + ("0000" if not surl.endswith("0000") else "1111")
        assert admin.request("GET", forged).status == 404

        # Unattached uploads: the uploader only (not even staff).
        loose = upload(owner, "draft.txt", b"not sent yet")
        lid, lurl = loose["attachment"]["id"], path(loose["attachment"]["content_url"])
        assert owner.request("GET", lurl).raw == b"not sent yet"
        assert owner.request("GET", f"/api/v2/attachments/{lid}.json").status == 200
        assert stranger.request("GET", f"/api/v2/attachments/{lid}.json").status == 404
        assert stranger.request("GET", lurl).status == 404
        assert admin.request("GET", lurl).status == 404

        # Counting ids finds nothing for a stranger.
        for guess in range(max(sid, pid, lid) + 1, max(sid, pid, lid) + 8):
            assert stranger.request("GET", f"/api/v2/attachments/{guess}/content").status == 404


MAIL_SECRET = "objects-mail-secret-0123456789"
RFC822 = {"Content-Type": "message/rfc822", "X-HD-Channel-Secret": MAIL_SECRET}


def mail(sender, msgid, in_reply_to, body, subject="Re: 문의"):
    return (f"From: {sender}\r\nTo: support@hana.local\r\nSubject: {subject}\r\n"
            f"Message-ID: <{msgid}>\r\nIn-Reply-To: {in_reply_to}\r\nReferences: {in_reply_to}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n").encode()


def deliver(c, raw):
    r = c.request("POST", "/api/v2/hd/channels/email", raw, RFC822, auth=None)
    assert r.status == 201, r
    return r.json


def test_mail_thread_forgery(ctx):
    import os
    from mail_sink import sink_for
    from test_notify import start, wait_for
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    with start({"HD_MAIL_SECRET": MAIL_SECRET}) as s, sink_for(s) as sink:
        s.start()
        c = s.client()
        r = create_ticket(c, subject="배송 문의", body="주문이 안 왔어요",
                          requester={"name": "김민준", "email": "minjun@example.com"})
        assert r.status == 201, r
        tid = r.json["ticket"]["id"]
        root = wait_for(lambda: sink.to("minjun@example.com"), what="request mail")[0]["Message-ID"]

        def count():
            return len(c.request("GET", f"{T}/{tid}/comments.json").json["comments"])

        # A stranger naming the ticket in In-Reply-To, old style and with
        # a made-up MAC: a new ticket of their own, nothing on ours.
        for i, ref in enumerate([f"<hd.t.{tid}.anything@anything>",
                                 f"<hd.t.{tid}.anything.{'0' * 24}@hana.local>",
                                 root.replace(f"hd.t.{tid}.", f"hd.t.{tid + 256}.")]):
            res = deliver(c, mail("mallory@evil.example", f"forged-{i}@evil.example", ref, "제가 요청자입니다"))
            assert res["result"] == "ticket" and res["ticket_id"] != tid, (ref, res)
        # A stranger with our real Message-ID (a forwarded copy): still a
        # new ticket, the sender is nobody on this ticket.
        res = deliver(c, mail("mallory@evil.example", "fwd-1@evil.example", root, "전달받은 메일"))
        assert res["result"] == "ticket" and res["ticket_id"] != tid, res
        assert count() == 1
        # The requester's real reply threads.
        res = deliver(c, mail("minjun@example.com", "reply-1@example.com", root, "아직 안 왔습니다"))
        assert res["result"] == "comment" and res["ticket_id"] == tid, res
        assert count() == 2

        # Side conversations: a forged reference is no reference.
        r = c.request("POST", f"{T}/{tid}/side_conversations",
                      {"message": {"subject": "재고 확인", "body": "재고 있나요?",
                                   "to": [{"email": "warehouse@vendor.example"}]}})
        assert r.status == 201, r
        sc = r.json["side_conversation"]["id"]
        wait_for(lambda: sink.to("warehouse@vendor.example"), what="side mail")
        res = deliver(c, mail("mallory@evil.example", "forged-sc@evil.example",
                              f"<hd.sc.{sc}.{tid}.z9.{'1' * 24}@hana.local>", "가짜 답장"))
        assert res["result"] == "ticket" and res["ticket_id"] != tid, res
        r = c.request("GET", f"{T}/{tid}/side_conversations/{sc}?include=events")
        assert [e["type"] for e in r.json["side_conversation"]["events"]] == ["create"], r


def test_dangling_references(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        admin = s.client()
        eu_id, eu = end_user(s, "customer@example.kr")
        agent_id = agent(s, "agent@hana.local")
        g = admin.request("POST", "/api/v2/groups.json", {"group": {"name": "지원팀"}})
        assert g.status == 201, g
        gid = g.json["group"]["id"]
        o = admin.request("POST", "/api/v2/organizations.json", {"organization": {"name": "하나 상사"}})
        assert o.status == 201, o
        oid = o.json["organization"]["id"]

        def refused(r, field):
            assert r.status == 422 and r.json["error"] == "RecordInvalid", r
            assert field in r.json["details"], r
            assert field in r.json["details"][field][0]["description"], r

        bad = [("assignee_id", eu_id), ("assignee_id", 987654321), ("group_id", 987654321),
               ("organization_id", 987654321)]
        before = admin.request("GET", f"{T}/count.json").json["count"]["value"]
        for field, v in bad:
            refused(create_ticket(admin, **{field: v}), field)
        assert admin.request("GET", f"{T}/count.json").json["count"]["value"] == before
        good = create_ticket(admin, assignee_id=agent_id, group_id=gid, organization_id=oid)
        assert good.status == 201, good
        tid = good.json["ticket"]["id"]
        for field, v in bad:
            refused(admin.request("PUT", f"{T}/{tid}.json", {"ticket": {field: v}}), field)
        t = admin.request("GET", f"{T}/{tid}.json").json["ticket"]
        assert (t["assignee_id"], t["group_id"], t["organization_id"]) == (agent_id, gid, oid), t
        # Clearing is still fine; end-users still get their 403 for staff fields.
        r = admin.request("PUT", f"{T}/{tid}.json", {"ticket": {"group_id": None}})
        assert r.status == 200 and r.json["ticket"]["group_id"] is None, r
        mine = create_ticket(eu)
        assert mine.status == 201, mine
        r = eu.request("PUT", f"{T}/{mine.json['ticket']['id']}.json", {"ticket": {"assignee_id": 987654321}})
        assert r.status == 403, r


def link_in(m):
    import re
    text = m.get_body(preferencelist=("plain",)).get_content()
    found = re.findall(r"https?://\S+(/api/v2/hd/email_verifications/[0-9a-f.]+)", text)
    return found[0] if found else None


def test_email_change_needs_the_new_address(ctx):
    import base64
    import os
    from mail_sink import sink_for
    from test_notify import start, wait_for
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    with start() as s, sink_for(s) as sink:
        s.start()
        admin = s.client()
        mallory, mal = end_user(s, "mallory@example.kr")
        uid, me = end_user(s, "eve@example.kr")
        victim, _ = end_user(s, "ceo@victim.test")

        def email_of(i):
            return admin.request("GET", f"/api/v2/users/{i}.json").json["user"]["email"]

        # Asking for an address someone else has and for a free one look
        # the same from outside: 200, the old address kept.
        taken = mal.request("PUT", f"/api/v2/users/{mallory}.json", {"user": {"email": "CEO@victim.test"}})
        free = me.request("PUT", f"/api/v2/users/{uid}.json", {"user": {"email": "new-home@example.kr"}})
        for r, old in ((taken, "mallory@example.kr"), (free, "eve@example.kr")):
            assert r.status == 200 and r.json["user"]["email"] == old, r
            assert b"already" not in r.raw and b"used" not in r.raw, r
        assert sorted(taken.json["user"]) == sorted(free.json["user"])
        assert email_of(mallory) == "mallory@example.kr" and email_of(victim) == "ceo@victim.test"
        assert email_of(uid) == "eve@example.kr"
        # At most one mail a minute per account: this one sends nothing.
        again = me.request("PUT", f"/api/v2/users/{uid}.json", {"user": {"email": "third@example.kr"}})
        assert again.status == 200 and again.json["user"]["email"] == "eve@example.kr", again

        # The free address gets a link; the taken one a notice without one.
        m = wait_for(lambda: sink.to("new-home@example.kr"), what="verification mail")[0]
        link = link_in(m)
        assert link, m.get_body(preferencelist=("plain",)).get_content()
        notice = wait_for(lambda: sink.to("ceo@victim.test"), what="in-use notice")[0]
        assert link_in(notice) is None
        assert not sink.to("mallory@example.kr") and not sink.to("eve@example.kr")

        # A tampered link does nothing; the real one switches once.
        anon = s.client(auth=None)
        last = link[-1]
        bad = link[:-1] + ("0" if last != "0" else "1")
        assert anon.request("GET", bad).status == 404
        other = link.replace(f"/{uid}.", f"/{victim}.", 1)
        assert anon.request("POST", other).status == 404
        assert email_of(uid) == "eve@example.kr"
        ok = anon.request("GET", link)
        assert ok.status == 200 and ok.json["email_verification"]["email"] == "new-home@example.kr", ok
        assert email_of(uid) == "new-home@example.kr"
        assert anon.request("GET", link).status == 404  # used
        assert not sink.to("third@example.kr")
        raw = base64.b64encode(b"new-home@example.kr:Secret-pass-123").decode()
        again = s.client(auth="Basic " + raw).request("GET", "/api/v2/users/me.json")
        assert again.status == 200 and again.json["user"]["id"] == uid, again

        # Staff changing someone's address works at once, as before.
        r = admin.request("PUT", f"/api/v2/users/{uid}.json", {"user": {"email": "set-by-admin@example.kr"}})
        assert r.status == 200 and r.json["user"]["email"] == "set-by-admin@example.kr", r
        assert email_of(uid) == "set-by-admin@example.kr"


def test_anonymous_requests_cannot_impersonate(ctx):
    import os
    from mail_sink import sink_for
    from test_notify import start, wait_for
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    with start({"HD_ANONYMOUS_REQUESTS": "1", "HD_ANON_RATE_LIMIT": "4"}) as s, sink_for(s) as sink:
        s.start()
        admin = s.client()
        anon = s.client(auth=None)
        me = admin.request("GET", "/api/v2/users/me.json").json["user"]
        member_id, member = end_user(s, "member@example.kr")

        def file(email, name, subject, body):
            r = anon.request("POST", "/api/v2/requests.json", {"request": {
                "requester": {"name": name, "email": email}, "subject": subject,
                "comment": {"body": body}}})
            assert r.status == 201, r  # the same answer for any address
            return r.json["request"]

        # In the admin's and a member's name: neither becomes the requester.
        for uid, email, c in [(me["id"], me["email"], admin), (member_id, "member@example.kr", member)]:
            req = file(email, "관리자", "권한 요청", "제 계정에 관리자 권한을 주세요")
            assert req["requester_id"] != uid, req
            t = admin.request("GET", f"{T}/{req['id']}.json").json["ticket"]
            assert t["via"]["source"]["rel"] == "anonymous", t["via"]
            assert t["via"]["source"]["from"]["address"] == email, t["via"]
            who = admin.request("GET", f"/api/v2/users/{req['requester_id']}.json").json["user"]
            assert who["email"] is None and who["role"] == "end-user", who
            mine = c.request("GET", "/api/v2/requests.json").json["requests"]
            assert req["id"] not in [x["id"] for x in mine], mine

        # A fresh address gets an acknowledgement quoting none of the
        # filer's words.
        bait = "긴급: 계정이 잠겼습니다 http://evil.example/login"
        req = file("target@example.kr", "Security Team http://evil.example", bait, "여기를 누르세요 http://evil.example")
        m = wait_for(lambda: sink.to("target@example.kr"), what="acknowledgement")[0]
        text = m.get_body(preferencelist=("plain",)).get_content()
        assert str(req["id"]) in m["Subject"], m["Subject"]
        for words in ("evil.example", "긴급", "Security Team"):
            assert words not in m["Subject"] and words not in text, (m["Subject"], text)
        # Signed-in requesters still get their subject back.
        r = member.request("POST", "/api/v2/requests.json", {"request": {
            "subject": "배송 문의", "comment": {"body": "언제 오나요?"}}})
        assert r.status == 201, r
        got = wait_for(lambda: sink.to("member@example.kr"), what="member acknowledgement")[0]
        assert "배송 문의" in got["Subject"], got["Subject"]

        # Anonymous deflection has a per-address limit too.
        codes = [anon.request("POST", "/api/v2/hd/deflection",
                              {"subject": f"비밀번호 {i}", "locale": "ko"}).status for i in range(6)]
        assert codes[:4] == [201] * 4 and codes[4] == 429, codes
        r = anon.request("POST", "/api/v2/hd/deflection", {"subject": "또", "locale": "ko"})
        assert r.status == 429 and int(r.headers["retry-after"]) >= 1, r
        assert member.request("POST", "/api/v2/hd/deflection",
                              {"subject": "로그인", "locale": "ko"}).status == 201
