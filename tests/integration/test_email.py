"""Inbound e-mail: the real MIME files in tests/data/email/ through
POST /api/v2/hd/channels/email against the running suite (tickets,
comments, requesters, via, attachments, byte for byte), the failed-mail
store, hd-mail-ingest with the suite up and down, and 1,000 randomly
corrupted messages."""
import base64
import json
import os
import random
import shutil
import subprocess
import tempfile
import time

import mail_mac
from harness import Suite, basic

SERVICES = ["intake", "notifications", "gateway"]
SECRET = "mail-channel-secret-0123456789"
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "email")
MAIL = "/api/v2/hd/channels/email"
RFC822 = {"Content-Type": "message/rfc822", "X-HD-Channel-Secret": SECRET}


def eml(name, ticket_id=None, s=None):
    with open(os.path.join(DATA, name), "rb") as f:
        raw = f.read()
    # Reply fixtures name the ticket they answer as {{ticket_id}}: its id is
    # only known once the suite has made it; the MAC of our Message-IDs
    # ({{mac}}) needs that suite's cluster key.
    if ticket_id is not None:
        raw = raw.replace(b"{{ticket_id}}", str(ticket_id).encode())
    return mail_mac.sign(raw, s.data) if s is not None else raw


def suite(ctx, **env):
    e = {"HD_MAIL_SECRET": SECRET}
    e.update(env)
    return Suite(ctx.bin_dir, services=SERVICES, env=e).start()


def post(c, raw, headers=None):
    r = c.request("POST", MAIL, raw, headers or RFC822, auth=None)
    assert r.status == 201, r
    return r.json


def comments(c, tid):
    r = c.request("GET", f"/api/v2/tickets/{tid}/comments.json")
    assert r.status == 200, r
    return r.json["comments"]


def ticket(c, tid):
    r = c.request("GET", f"/api/v2/tickets/{tid}.json")
    assert r.status == 200, r
    return r.json["ticket"]


def ticket_count(c):
    r = c.request("GET", "/api/v2/tickets.json")
    assert r.status == 200, r
    return r.json["count"]


def user(c, uid):
    r = c.request("GET", f"/api/v2/users/{uid}.json")
    assert r.status == 200, r
    return r.json["user"]


def via(addr, name, to_addr="support@hana.local", to_name=None):
    return {"channel": "email", "source": {"from": {"address": addr, "name": name},
                                           "to": {"address": to_addr, "name": to_name}, "rel": None}}


# fixture → (subject, first comment body, from address, from name, to name)
NEW_TICKETS = {
    "plain.eml": ("로그인이 안 됩니다",
                  "안녕하세요,\n\n어제부터 로그인이 안 됩니다. 비밀번호를 재설정해도 같은 오류가 납니다.\n"
                  "오류 코드: E-401\n\n감사합니다.\n김민수",
                  "minsu.kim@example.kr", "김민수", "Hana Support"),
    "alternative.eml": ("결제 영수증 재발급 요청", "3월 결제 영수증을 다시 받을 수 있을까요?\n주문번호: 2024-0305-77",
                        "seoyeon@example.kr", "이서연", None),
    "attachments.eml": ("Screenshot of the error", "오류 화면 캡처와 로그를 첨부합니다.",
                        "jiho.park@example.com", "Park Jiho", None),
    "euckr.eml": ("배송 지연 문의", "주문한 상품이 아직 도착하지 않았습니다.\n배송 조회를 부탁드립니다.",
                  "younghee@example.co.kr", "최영희", None),
    "iso2022kr.eml": ("환불 요청", "환불 절차를 안내해 주세요.\n감사합니다.", "woosung@example.kr", "정우성", None),
    "rfc2047.eml": ("계정 삭제 문의 (account)", "계정을 삭제하고 싶습니다.", "jimin.han@example.kr", "한 지민",
                    "하나 지원팀"),
    "html_only.eml": ("앱이 자꾸 종료돼요", "앱이 자꾸 종료돼요 & 재설치해도 같아요.\n\n버전: 3.2.1\n기기: Galaxy S23",
                      "dongwook@example.com", "Lee Dongwook", None),
}


def check_new_ticket(a, name, res):
    subject, body, addr, nm, to_name = NEW_TICKETS[name]
    assert res["result"] == "ticket" and res["reason"] is None, (name, res)
    tk = ticket(a, res["ticket_id"])
    assert tk["subject"] == subject, (name, tk["subject"])
    assert tk["description"] == body, (name, tk["description"])
    assert tk["via"] == via(addr, nm, to_name=to_name), (name, tk["via"])
    cs = comments(a, res["ticket_id"])
    assert len(cs) == 1 and cs[0]["id"] == res["comment_id"], (name, cs)
    assert cs[0]["body"] == body and cs[0]["public"] is True, (name, cs[0])
    assert cs[0]["via"]["channel"] == "email"
    u = user(a, tk["requester_id"])
    assert u["email"] == addr and u["name"] == nm and u["role"] == "end-user", (name, u)
    assert cs[0]["author_id"] == u["id"] and tk["submitter_id"] == u["id"]
    return tk, cs[0]


def test_email_fixtures(ctx):
    with suite(ctx) as s:
        a = s.client()
        made = {}
        for name in NEW_TICKETS:
            res = post(a, eml(name))
            made[name] = check_new_ticket(a, name, res)
        # Attachments: names (RFC 2231 Korean too), types and the bytes.
        att = made["attachments.eml"][1]["attachments"]
        assert [(x["file_name"], x["content_type"]) for x in att] == [
            ("screen.png", "image/png"), ("오류로그.txt", "text/plain")], att
        png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
                               "awAAAABJRU5ErkJggg==")
        log = b"2024-03-06 11:00:01 ERROR login failed\n2024-03-06 11:00:02 ERROR retry\n"
        for x, want in zip(att, [png, log]):
            assert x["size"] == len(want)
            r = a.request("GET", "/" + x["content_url"].split("/", 3)[3])
            assert r.status == 200 and r.raw == want, r
        total = ticket_count(a)

        # The same message again changes nothing.
        first = made["plain.eml"]
        dup = post(a, eml("plain.eml"))
        assert dup["result"] == "duplicate", dup
        assert dup["ticket_id"] == first[0]["id"] and dup["comment_id"] == first[1]["id"]
        assert ticket_count(a) == total and len(comments(a, first[0]["id"])) == 1

        # Loops never make tickets.
        for name, reason in [("autoreply.eml", "auto-reply"), ("bounce.eml", "bounce"),
                             ("list_bulk.eml", "mailing list"), ("own_address.eml", "our own address")]:
            res = post(a, eml(name))
            assert res["result"] == "ignored" and reason in res["reason"], (name, res)
            assert res["ticket_id"] is None
        assert ticket_count(a) == total

        # A reply threading by In-Reply-To: a public comment by the sender,
        # the quoted history gone.
        tid = first[0]["id"]
        res = post(a, eml("reply_in_reply_to.eml", tid, s))
        assert res["result"] == "comment" and res["ticket_id"] == tid, res
        cs = comments(a, tid)
        assert len(cs) == 2 and cs[1]["id"] == res["comment_id"]
        assert cs[1]["body"] == "캐시를 지우니 로그인이 됩니다. 감사합니다!", cs[1]
        assert cs[1]["author_id"] == first[0]["requester_id"] and cs[1]["public"] is True
        assert cs[1]["via"]["channel"] == "email"
        assert post(a, eml("reply_in_reply_to.eml", tid, s))["result"] == "duplicate"
        assert ticket(a, tid)["status"] == "new"

        # The requester answering a pending ticket reopens it.
        r = a.request("PUT", f"/api/v2/tickets/{tid}.json", {"ticket": {"status": "pending"}})
        assert r.status == 200 and r.json["ticket"]["status"] == "pending", r
        res = post(a, eml("reply_in_reply_to.eml", tid, s).replace(b"reply-0008", b"reply-0008-b"))
        assert res["result"] == "comment" and ticket(a, tid)["status"] == "open", res

        # A reply threading by the subject token; an inline quote answered
        # in between stays, the Outlook-style history goes.
        tid2 = made["alternative.eml"][0]["id"]
        res = post(a, eml("reply_subject_token.eml", tid2))
        assert res["result"] == "comment" and res["ticket_id"] == tid2, res
        body = comments(a, tid2)[1]["body"]
        assert body == "영수증 잘 받았습니다.\n> 영수증 주소가 맞나요?\n네, 맞습니다.", body

        # A stranger cannot append to a ticket by writing its token.
        forged = eml("reply_subject_token.eml", tid2).replace(
            b"seoyeon@example.kr", b"mallory@evil.example").replace(b"reply-0009", b"forged-0009")
        res = post(a, forged)
        assert res["result"] == "ticket" and res["ticket_id"] != tid2, res
        assert len(comments(a, tid2)) == 2

        # A reply to a side conversation notifications does not know is kept
        # as failed mail, never dropped.
        res = post(a, eml("reply_side_conversation.eml", tid, s))
        assert res["result"] == "failed" and "side conversation 77" in res["reason"], res
        assert "NOTFOUND" in res["reason"], res
        check_failed_store(a, eml("malformed.eml"), res["failed_id"])


def check_failed_store(a, malformed, sc_failed_id):
    res = post(a, malformed)
    assert res["result"] == "failed" and res["reason"] == "no usable From address", res
    fid = res["failed_id"]
    r = a.request("GET", MAIL + "/failed")
    assert r.status == 200 and r.json["count"] == 2, r
    first = r.json["failed_mail"][0]  # newest first
    assert first["id"] == fid and first["subject"] == "깨진 메일" and first["size"] == len(malformed)
    assert first["processed"] is False and first["reason"] == "no usable From address"
    assert r.json["failed_mail"][1]["id"] == sc_failed_id
    r = a.request("GET", MAIL + f"/failed/{fid}")
    assert r.status == 200 and base64.b64decode(r.json["failed_mail"]["raw_base64"]) == malformed, r
    r = a.request("GET", MAIL + f"/failed/{fid}?format=rfc822")
    assert r.status == 200 and r.raw == malformed and r.headers["content-type"].startswith("message/rfc822")
    # Reprocessing a message that still cannot be read keeps the one entry.
    r = a.request("POST", MAIL + f"/failed/{fid}/reprocess")
    assert r.status == 200 and r.json["result"] == "failed" and r.json["failed_id"] == fid, r
    assert a.request("GET", MAIL + "/failed").json["count"] == 2
    assert a.request("GET", MAIL + "/failed/999999").status == 404


def test_email_reprocess_after_the_admin_fixes_the_cause(ctx):
    """Mail that failed for a reason an admin can fix is reprocessed into a
    ticket and its entry marked processed. E-mail tickets obey the same
    ticket-field rules as API tickets, so a required field fails them."""
    with suite(ctx) as s:
        a = s.client()
        r = a.request("POST", "/api/v2/ticket_fields.json",
                      {"ticket_field": {"type": "text", "title": "주문번호", "required": True}})
        assert r.status == 201, r
        fid_field = r.json["ticket_field"]["id"]
        res = post(a, eml("euckr.eml"))
        assert res["result"] == "failed" and "required" in res["reason"], res
        fid = res["failed_id"]
        r = a.request("PUT", f"/api/v2/ticket_fields/{fid_field}.json", {"ticket_field": {"required": False}})
        assert r.status == 200, r
        r = a.request("POST", MAIL + f"/failed/{fid}/reprocess")
        assert r.status == 200 and r.json["result"] == "ticket", r
        tid = r.json["ticket_id"]
        assert ticket(a, tid)["subject"] == "배송 지연 문의"
        e = a.request("GET", MAIL + f"/failed/{fid}").json["failed_mail"]
        assert e["processed"] is True and e["result"] == "ticket" and e["ticket_id"] == tid, e
        assert e["processed_at"] is not None
        r = a.request("POST", MAIL + f"/failed/{fid}/reprocess")
        assert r.status == 409, r
        # The message is now known: posting it again is a duplicate.
        assert post(a, eml("euckr.eml"))["ticket_id"] == tid


def test_email_two_shards(ctx):
    """With two intake shards a new e-mail ticket is placed by its requester
    and a reply goes to its ticket's shard (mail.apply there, duplicate check
    included). While that shard is down the reply waits as failed mail, and
    reprocessing after the restart makes the comment."""
    with Suite(ctx.bin_dir, shards=2, services=SERVICES, env={"HD_MAIL_SECRET": SECRET}).start() as s:
        a = s.client()
        made = {}
        for name in NEW_TICKETS:
            made[name] = check_new_ticket(a, name, post(a, eml(name)))[0]
        shards = {tk["id"] & 0xFF for tk in made.values()}
        assert shards == {0, 1}, shards
        remote = next(tk for tk in made.values() if tk["id"] & 0xFF == 1)
        # Only people on the ticket thread by Message-ID: the reply comes
        # from the remote ticket's requester.
        sender = remote["via"]["source"]["from"]["address"].encode()
        reply = eml("reply_in_reply_to.eml", remote["id"], s).replace(b"minsu.kim@example.kr", sender)
        res = post(a, reply)
        assert res["result"] == "comment" and res["ticket_id"] == remote["id"], res
        assert comments(a, remote["id"])[1]["body"] == "캐시를 지우니 로그인이 됩니다. 감사합니다!"
        again = post(a, reply)
        assert again["result"] == "duplicate" and again["comment_id"] == res["comment_id"], again
        assert len(comments(a, remote["id"])) == 2

        s.stop_service("intake", 1)
        late = reply.replace(b"reply-0008", b"reply-0008-late")
        res = post(a, late)
        assert res["result"] == "failed" and "intake shard 1 unreachable" in res["reason"], res
        s.restart("intake", 1)
        r = a.request("POST", MAIL + f"/failed/{res['failed_id']}/reprocess")
        assert r.status == 200 and r.json["result"] == "comment" and r.json["ticket_id"] == remote["id"], r
        assert len(comments(a, remote["id"])) == 3
        e = a.request("GET", MAIL + f"/failed/{res['failed_id']}").json["failed_mail"]
        assert e["processed"] is True and e["result"] == "comment" and e["ticket_id"] == remote["id"], e


def test_email_auth_and_bad_input(ctx):
    with suite(ctx, HD_MAIL_MAX_BYTES="65536") as s:
        a = s.client()
        raw = eml("plain.eml")
        c = s.client(auth=None)
        r = c.request("POST", MAIL, raw, {"Content-Type": "message/rfc822"}, auth=None)
        assert r.status == 401, r
        r = c.request("POST", MAIL, raw, {"Content-Type": "message/rfc822", "X-HD-Channel-Secret": "wrong"},
                      auth=None)
        assert r.status == 401, r
        # Bearer carries the secret too; an admin's own credentials work.
        r = c.request("POST", MAIL, raw, {"Content-Type": "message/rfc822"}, auth="Bearer " + SECRET)
        assert r.status == 201 and r.json["result"] == "ticket", r
        r = a.request("POST", MAIL, eml("euckr.eml"), {"Content-Type": "message/rfc822"})
        assert r.status == 201 and r.json["result"] == "ticket", r
        # An agent is neither.
        r = a.request("POST", "/api/v2/users.json", {"user": {"name": "상담원", "email": "agent@hana.local",
                                                             "role": "agent"}})
        assert r.status == 201, r
        r = a.request("POST", "/api/v2/users/{}/password".format(r.json["user"]["id"]),
                      {"password": "Agent-pass-12345"})
        assert r.status == 200, r
        agent = "Basic " + base64.b64encode(b"agent@hana.local:Agent-pass-12345").decode()
        r = c.request("POST", MAIL, raw, {"Content-Type": "message/rfc822"}, auth=agent)
        assert r.status == 403, r
        assert c.request("GET", MAIL + "/failed", auth=agent).status == 403
        assert c.request("GET", MAIL + "/failed", auth=None).status == 401
        r = c.request("POST", MAIL, raw, {"Content-Type": "application/json", "X-HD-Channel-Secret": SECRET},
                      auth=None)
        assert r.status == 415 and r.json["error"] == "UnsupportedMediaType", r
        r = c.request("POST", MAIL, b"", RFC822, auth=None)
        assert r.status == 422 and "message" in r.json["details"], r
        r = c.request("POST", MAIL, raw + b"x" * 70000, RFC822, auth=None)
        assert r.status == 413, r
        r = c.request("GET", MAIL + "/failed?page[size]=10")
        assert r.status in (400, 401), r


def test_email_hostile_structure(ctx):
    """Structures that would make GMime recurse or allocate without bound
    (deep multipart nesting, a chain of message/rfc822, a million parts) are
    refused before parsing, kept as failed mail, and intake lives on."""
    head = b"From: a@example.kr\r\nTo: support@hana.local\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    deep = head + b"".join(b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
                           for i in range(100000)) + b"Content-Type: text/plain\r\n\r\nx\r\n"
    chain = head + b"Content-Type: message/rfc822\r\n\r\n" * 200000 + b"From: b@x.kr\r\n\r\nx\r\n"
    wide = head + b"Content-Type: multipart/mixed; boundary=w\r\n\r\n" + b"--w\r\n\r\nx\r\n" * 500000 + b"--w--\r\n"
    with suite(ctx) as s:
        a = s.client()
        for raw in (deep, chain, wide):
            res = post(a, raw)
            assert res["result"] == "failed" and "nested parts" in res["reason"], res
            assert a.request("GET", MAIL + f"/failed/{res['failed_id']}").json["failed_mail"]["size"] == len(raw)
        assert post(a, eml("plain.eml"))["result"] == "ticket"


def run_ingest(ctx, s, raw, *args, spool):
    env = dict(s.env)
    env.update({"HD_MAIL_URL": f"http://127.0.0.1:{s.http_port}{MAIL}", "HD_MAIL_SECRET": SECRET,
                "HD_MAIL_SPOOL": spool})
    p = subprocess.run([os.path.join(ctx.bin_dir, "hd-mail-ingest"), *args], input=raw, env=env,
                       capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def spooled(spool):
    d = os.path.join(spool, "new")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def test_mail_ingest_command(ctx):
    spool = tempfile.mkdtemp(prefix="hd-spool-")
    exe = os.path.join(ctx.bin_dir, "hd-mail-ingest")
    r = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and "HD_MAIL_URL" in r.stdout and "--flush" in r.stdout, r
    r = subprocess.run([exe, "--no-such-flag"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 64 and "no-such-flag" in r.stderr, r
    with suite(ctx) as s:
        a = s.client()
        rc, out, err = run_ingest(ctx, s, eml("plain.eml"), spool=spool)
        assert rc == 0, (rc, out, err)
        assert json.loads(out)["result"] == "ticket"
        rc, out, err = run_ingest(ctx, s, eml("plain.eml"), spool=spool)
        assert rc == 0 and json.loads(out)["result"] == "duplicate", (rc, out, err)
        rc, out, err = run_ingest(ctx, s, eml("autoreply.eml"), spool=spool)
        assert rc == 0 and json.loads(out)["result"] == "ignored", (rc, out, err)

        # The gateway is down: the message waits in the spool, EX_TEMPFAIL.
        s.stop_service("gateway")
        rc, out, err = run_ingest(ctx, s, eml("euckr.eml"), spool=spool)
        assert rc == 75 and "unreachable" in err and "spooled" in err, (rc, err)
        files = spooled(spool)
        assert len(files) == 1
        with open(os.path.join(spool, "new", files[0]), "rb") as f:
            assert f.read() == eml("euckr.eml")
        rc, out, err = run_ingest(ctx, s, b"", "--flush", spool=spool)
        assert rc == 75 and len(spooled(spool)) == 1, (rc, err)
        s.restart("gateway")

        # intake is down behind a live gateway: a 5xx, spooled too.
        s.stop_service("intake")
        rc, out, err = run_ingest(ctx, s, eml("iso2022kr.eml"), spool=spool)
        assert rc == 75 and "answered 5" in err, (rc, err)
        assert len(spooled(spool)) == 2
        s.restart("intake")

        rc, out, err = run_ingest(ctx, s, b"", "--flush", spool=spool)
        assert rc == 0 and "flushed 2" in err, (rc, out, err)
        assert spooled(spool) == []
        for name, subject in [("euckr.eml", "배송 지연 문의"), ("iso2022kr.eml", "환불 요청")]:
            res = post(a, eml(name))
            assert res["result"] == "duplicate", res
            assert ticket(a, res["ticket_id"])["subject"] == subject
        # Rejected for good (not a message at all): EX_DATAERR, not spooled.
        rc, out, err = run_ingest(ctx, s, b"", spool=spool)
        assert rc == 65 and "422" in err and spooled(spool) == [], (rc, err)
    shutil.rmtree(spool, ignore_errors=True)


def test_mail_ingest_secret_file_and_one_spool_entry_per_message(ctx):
    """--secret-file; no secret is a clear start-up error (EX_CONFIG) and
    spools nothing; an MTA retrying while the suite is away spools one copy
    of a message, not one per try, and a flush delivers it once."""
    spool = tempfile.mkdtemp(prefix="hd-spool-")
    exe = os.path.join(ctx.bin_dir, "hd-mail-ingest")
    keys = tempfile.mkdtemp(prefix="hd-secret-")
    secret_file = os.path.join(keys, "mail.secret")
    with open(secret_file, "w") as f:
        f.write(SECRET + "\n")
    try:
        with suite(ctx) as s:
            base = dict(s.env, HD_MAIL_URL=f"http://127.0.0.1:{s.http_port}{MAIL}", HD_MAIL_SPOOL=spool)
            base.pop("HD_MAIL_SECRET", None)

            def ingest(raw, *args, **env):
                p = subprocess.run([exe, *args], input=raw, env=dict(base, **env), capture_output=True,
                                   timeout=120)
                return p.returncode, p.stdout.decode(), p.stderr.decode()
            for args, env in [((), {}), ((), {"HD_MAIL_SECRET": ""}),
                              (("--secret-file", os.devnull), {}),
                              (("--secret-file", spool + "/missing"), {"HD_MAIL_SECRET": SECRET})]:
                rc, out, err = ingest(eml("plain.eml"), *args, **env)
                assert rc == 78 and "secret" in err, (args, env, rc, err)
                assert spooled(spool) == [], (args, env)
            rc, out, err = ingest(eml("plain.eml"), "--secret-file", secret_file)
            assert rc == 0 and json.loads(out)["result"] == "ticket", (rc, out, err)
            rc, out, err = ingest(eml("plain.eml"), HD_MAIL_SECRET_FILE=secret_file)
            assert rc == 0 and json.loads(out)["result"] == "duplicate", (rc, out, err)

            s.stop_service("gateway")
            for _ in range(3):  # the MTA tries again and again
                rc, out, err = ingest(eml("euckr.eml"), "--secret-file", secret_file)
                assert rc == 75, (rc, err)
            assert "already spooled" in err, err
            rc, out, err = ingest(eml("rfc2047.eml"), "--secret-file", secret_file)
            assert rc == 75 and len(spooled(spool)) == 2, (err, spooled(spool))
            s.restart("gateway")
            rc, out, err = ingest(b"", "--flush", "--secret-file", secret_file)
            assert rc == 0 and "flushed 2," in err, (rc, err)
            assert spooled(spool) == []
            assert post(s.client(), eml("euckr.eml"))["result"] == "duplicate"
    finally:
        shutil.rmtree(spool, ignore_errors=True)
        shutil.rmtree(keys, ignore_errors=True)


FIXTURES = ["plain.eml", "alternative.eml", "attachments.eml", "euckr.eml", "iso2022kr.eml", "rfc2047.eml",
            "html_only.eml", "reply_in_reply_to.eml", "reply_subject_token.eml", "autoreply.eml", "bounce.eml",
            "list_bulk.eml", "own_address.eml", "malformed.eml", "reply_side_conversation.eml"]
NOISE = [b"\x00", b"\xff\xfe", b"\r\n\r\n", b"--", b"=?UTF-8?B?", b"?=", b"=\r\n", b"Content-Type: multipart/mixed",
         b"; boundary=\"", b"charset=ISO-2022-KR", b"charset=x-unknown", b"\x1b$)C\x0e", b"From: <>", b"<",
         "한국어".encode("euc-kr"), b"Content-Transfer-Encoding: base64"]


def corrupt(rng, raw, i):
    b = bytearray(raw)
    for _ in range(rng.randint(1, 4)):
        op = rng.choice([0, 0, 1, 1, 2, 3, 4, 5])
        pos = rng.randrange(len(b) + 1)
        if op == 0 and b:
            b[min(pos, len(b) - 1)] = rng.randrange(256)
        elif op == 1:
            b[pos:pos] = rng.choice(NOISE)
        elif op == 2:
            del b[pos:pos + rng.randint(1, 40)]
        elif op == 3:
            b = b[:pos]
        elif op == 4:
            lines = bytes(b).split(b"\r\n")
            rng.shuffle(lines)
            b = bytearray(b"\r\n".join(lines))
        else:
            b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 30)))
    # Half keep a fresh Message-ID so they are not all duplicates.
    if i % 2:
        b = bytearray(b"Message-ID: <fuzz-%d@example.kr>\r\n" % i) + b
    return bytes(b)


def test_email_fuzz_thousand(ctx):
    seed = int(os.environ.get("HD_FUZZ_SEED", time.time_ns() % 2**32))
    print(f"email fuzz seed {seed} (HD_FUZZ_SEED={seed} repeats it)", flush=True)
    rng = random.Random(seed)
    with suite(ctx) as s:
        a = s.client()
        c = s.client(auth=None)
        base = post(a, eml("plain.eml"))["ticket_id"]
        sources = [eml(n, base) for n in FIXTURES]
        counts = {}
        tickets, failed = set(), set()
        for i in range(1000):
            raw = corrupt(rng, rng.choice(sources), i)
            if not raw:
                raw = b"\r\n"
            r = c.request("POST", MAIL, raw, RFC822, auth=None)
            assert r.status == 201, (seed, i, r, raw[:400])
            res = r.json["result"]
            counts[res] = counts.get(res, 0) + 1
            if res == "ticket":
                tickets.add(r.json["ticket_id"])
            elif res == "failed":
                failed.add(r.json["failed_id"])
            elif res == "comment":
                assert r.json["ticket_id"] and r.json["comment_id"], r
        print(f"email fuzz outcomes: {json.dumps(counts, sort_keys=True)}", flush=True)
        assert set(counts) <= {"ticket", "comment", "ignored", "duplicate", "failed"}, counts
        assert sum(counts.values()) == 1000, counts
        assert len(tickets) == counts.get("ticket", 0)
        assert len(failed) == counts.get("failed", 0)
        r = a.request("GET", MAIL + "/failed")
        assert r.json["count"] == len(failed), (r.json["count"], len(failed))
        assert ticket_count(a) == 1 + len(tickets)
        # Counted where handled (intake's /metrics).
        assert s.metric("intake-0", "hd_mail_failed_total") == len(failed)
        assert s.metric("intake-0", "hd_mail_tickets_total") == 1 + len(tickets)
        assert s.metric("intake-0", "hd_mail_ignored_total") == counts.get("ignored", 0)
        for tid in sorted(tickets)[:20]:
            assert ticket(a, tid)["via"]["channel"] == "email"
