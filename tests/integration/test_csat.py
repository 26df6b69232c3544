"""CSAT for every channel (issue 17, items 5 and 6), against the real SMTP
server (smtp_sink.py): a solved ticket's requester gets the survey mail
with signed one-click links; the link's page changes nothing on GET and
records the rating on POST, once; reused, tampered, expired and
reopened-ticket links are refused with a page saying so; the "csat"
settings choose channels, groups and the delay; admins edit the e-mail
templates (versions, preview, Korean particles) and the mail settings
(sender per brand, acknowledgements per channel)."""
import os
import re
import time
import urllib.parse

from harness import create_ticket
from html_tidy import tidy_errors
from test_chat_voice import CHAT, transcript
from test_notify import Sink, start, wait_for

DAY = 86400000
SURVEY_KO = "상담은 만족스러우셨나요?"


def run_with_sink(fn, extra=None):
    with start(extra) as s:
        sink = Sink(s.dir)
        s.env["HD_SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}"
        s.env["HD_PUBLIC_URL"] = f"http://127.0.0.1:{s.http_port}"
        try:
            s.start()
            fn(s, sink)
        finally:
            sink.close()


def user(c, name, email, locale="ko", role="end-user"):
    r = c.request("POST", "/api/v2/users", {"user": {"name": name, "email": email, "role": role,
                                                     "locale": locale}})
    assert r.status == 201, r
    return r.json["user"]["id"]


def csat(c, **doc):
    r = c.request("PUT", "/api/v2/hd/csat_settings", {"csat_settings": doc})
    assert r.status == 200, r
    return r.json["csat_settings"]


def solve(c, tid, **extra):
    me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
    t = {"status": "solved", "assignee_id": me}
    t.update(extra)
    r = c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": t})
    assert r.status == 200, r


def new_ticket(c, requester, subject="배송이 늦어요", **extra):
    r = create_ticket(c, subject=subject, body="언제 오나요?", requester_id=requester, **extra)
    assert r.status == 201, r
    return r.json["ticket"]["id"]


def surveys(sink, addr, tid):
    return [m for m in sink.to(addr) if re.search(rf"#{tid}\b", str(m["Subject"]))
            and ("만족" in str(m["Subject"]) or "How did we do" in str(m["Subject"]))]


def survey(sink, addr, tid, timeout=30):
    return wait_for(lambda: surveys(sink, addr, tid), timeout, f"survey mail of #{tid}")[0]


def links(m):
    text = m.get_body(("plain",)).get_content()
    found = re.findall(r"(https?://\S+/hc/(?:ko|en)/satisfaction/[^\s?]+)\?score=(good|bad)", text)
    return {score: url for url, score in found}


def path_of(url):
    return urllib.parse.urlsplit(url).path


def page(s, method, url, form=None, query=""):
    """A survey page's status and HTML; every page must be valid HTML."""
    c = s.client(auth=None)
    body = urllib.parse.urlencode(form) if form is not None else None
    r = c.request(method, path_of(url) + query, body,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    html = r.raw.decode()
    assert r.headers.get("content-type", "").startswith("text/html"), r.headers
    assert tidy_errors(html) == [], (tidy_errors(html), html)
    return r.status, html


def rating_of(c, tid):
    r = c.request("GET", f"/api/v2/tickets/{tid}")
    assert r.status == 200, r
    return r.json["ticket"]["satisfaction_rating"]


def test_survey_link_rates_once(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir

    def run(s, sink):
        c = s.client()
        assert csat(c, enabled=True, delay_minutes=0)["enabled"] is True
        minjun = user(c, "김민준", "minjun@example.kr")
        tid = new_ticket(c, minjun)
        assert not surveys(sink, "minjun@example.kr", tid)
        t0 = time.monotonic()
        solve(c, tid)
        m = survey(sink, "minjun@example.kr", tid)
        print(f"measure csat_mail_after_solve_s {time.monotonic() - t0:.2f}")
        assert m["Subject"] == f"[요청 #{tid}] {SURVEY_KO}", m["Subject"]
        text = m.get_body(("plain",)).get_content()
        assert "김민준님, 안녕하세요." in text and f"요청 #{tid}" in text, text
        got = links(m)
        assert set(got) == {"good", "bad"} and got["good"] == got["bad"], got
        url = got["bad"]
        assert url.startswith(f"http://127.0.0.1:{s.http_port}/hc/ko/satisfaction/"), url

        # GET shows the link's choice pre-selected and changes nothing.
        t0 = time.monotonic()
        st, html = page(s, "GET", url, query="?score=bad")
        print(f"measure csat_page_get_ms {(time.monotonic() - t0) * 1000:.1f} (with tidy)")
        assert st == 200, html
        assert 'value="bad" required checked' in html and 'value="good" required>' in html, html
        assert 'method="post"' in html and 'name="comment"' in html and 'name="reason_code"' in html
        assert '<html lang="ko"' in html and "배송이 늦어요" in html
        st, _ = page(s, "GET", url, query="?score=good")
        assert st == 200
        assert rating_of(c, tid) is None

        # A POST without a score is asked again, nothing stored.
        st, html = page(s, "POST", url, {"comment": "x"})
        assert st == 400 and "골라 주세요" in html, (st, html)
        assert rating_of(c, tid) is None

        # POST records it: bad, with the comment and a reason.
        st, html = page(s, "POST", url, {"score": "bad", "comment": "답변이 너무 늦었어요", "reason_code": "5"})
        assert st == 200 and "감사합니다" in html, (st, html)
        assert rating_of(c, tid) == {"score": "bad", "comment": "답변이 너무 늦었어요"}
        audits = c.request("GET", f"/api/v2/tickets/{tid}/audits").json["audits"]
        last = audits[-1]
        assert last["author_id"] == minjun, last
        assert any(e.get("field_name") == "satisfaction_rating" for e in last["events"]), last

        def listed():
            r = c.request("GET", "/api/v2/satisfaction_ratings")
            assert r.status == 200, r
            return [x for x in r.json["satisfaction_ratings"] if x["ticket_id"] == tid]
        got = wait_for(listed, 20, "the rating in /satisfaction_ratings")[0]
        assert got["score"] == "bad" and got["comment"] == "답변이 너무 늦었어요", got
        assert got["reason_code"] == 5 and got["reason"] == "The issue took too long to resolve", got
        me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        csat_sum = c.request("GET", "/api/v2/hd/satisfaction_ratings/summary.json?group_by=agent").json
        assert csat_sum["csat"] == [{"agent_id": me, "good": 0, "bad": 1, "rated": 1,
                                     "satisfaction_percent": 0.0}], csat_sum  # in the CSAT report

        # Used: the same link again, by GET or POST, is refused.
        st, html = page(s, "GET", url)
        assert st == 409 and "이미 사용한 평가 링크" in html, (st, html)
        st, html = page(s, "POST", url, {"score": "good"})
        assert st == 409, st
        assert rating_of(c, tid)["score"] == "bad"

        # Tampered: any changed character of the token is not ours (404);
        # so is a token moved to another ticket.
        token = path_of(url).rsplit("/", 1)[1]
        tick, req, exp, nonce, mac = token.split("-")
        other = new_ticket(c, minjun, subject="다른 요청")
        solve(c, other)
        for bad in (f"{tick}-{req}-{exp}-{nonce}-{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
                    f"{other}-{req}-{exp}-{nonce}-{mac}",
                    f"{tick}-{req}-{int(exp) + 86400}-{nonce}-{mac}",
                    "not-a-token", "1-2-3"):
            st, html = page(s, "GET", f"/hc/ko/satisfaction/{bad}")
            assert st == 404 and "유효하지 않은 평가 링크" in html, (bad, st, html)
            st, html = page(s, "POST", f"/hc/ko/satisfaction/{bad}", {"score": "good"})
            assert st == 404, (bad, st)
        assert rating_of(c, other) is None

        # The other ticket's own link works (English page), once reopened it
        # is refused, and once expired too.
        m2 = survey(sink, "minjun@example.kr", other)
        url2 = links(m2)["good"]
        st, html = page(s, "GET", url2.replace("/hc/ko/", "/hc/en/"), query="?score=good")
        assert st == 200 and '<html lang="en"' in html and "Send my rating" in html, html
        r = c.request("PUT", f"/api/v2/tickets/{other}", {"ticket": {"status": "open"}})
        assert r.status == 200, r
        st, html = page(s, "GET", url2)
        assert st == 409 and "다시 열려" in html, (st, html)
        solve(c, other)
        s.advance_clock(15 * DAY)  # past link_days (14)
        st, html = page(s, "GET", url2)
        assert st == 410 and "평가 기간이 지난" in html, (st, html)
        st, html = page(s, "POST", url2, {"score": "good"})
        assert st == 410, st
        assert rating_of(c, other) is None

    run_with_sink(run)


def test_settings_choose_channels_groups_and_delay(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir

    def run(s, sink):
        c = s.client()
        # Bad settings are refused naming the field.
        for doc, field in (({"delay_minutes": -1}, "delay_minutes"), ({"enabled": "yes"}, "enabled"),
                           ({"channels": ["e mail"]}, "channels"), ({"groups": [{"group_id": "x"}]}, "groups"),
                           ({"link_days": 0}, "link_days")):
            r = c.request("PUT", "/api/v2/hd/csat_settings", {"csat_settings": doc})
            assert r.status == 422 and field in str(r.json), (doc, r)
        r = c.request("GET", "/api/v2/hd/csat_settings")
        assert r.status == 200 and r.json["csat_settings"]["enabled"] is False, r  # off by default
        quiet = c.request("POST", "/api/v2/groups", {"group": {"name": "조용한 팀"}}).json["group"]["id"]
        slow = c.request("POST", "/api/v2/groups", {"group": {"name": "느린 팀"}}).json["group"]["id"]
        got = csat(c, enabled=True, delay_minutes=0, channels=["api"],
                   groups=[{"group_id": quiet, "enabled": False}, {"group_id": slow, "delay_minutes": 1}])
        assert got["channels"] == ["api"] and got["link_days"] == 14, got
        assert got["groups"] == [{"group_id": quiet, "enabled": False},
                                 {"group_id": slow, "enabled": True, "delay_minutes": 1}], got

        ann = user(c, "Ann Lee", "ann@example.com", locale="en-US")
        in_quiet = new_ticket(c, ann, subject="quiet", group_id=quiet)
        in_slow = new_ticket(c, ann, subject="slow", group_id=slow)
        reopened = new_ticket(c, ann, subject="reopened", group_id=slow)
        plain = new_ticket(c, ann, subject="plain")
        agent = user(c, "상담원 박", "park@hana.local", role="agent")
        r = c.request("POST", CHAT, transcript("csat-chat-1", agent, [("visitor", "안녕하세요", "2024-05-01T10:01:00Z")]))
        assert r.status == 201, r
        chat_tid = r.json["ticket"]["id"]
        solve(c, in_quiet)
        solve(c, chat_tid)  # chat is not among the channels
        solve(c, reopened)
        r = c.request("PUT", f"/api/v2/tickets/{reopened}", {"ticket": {"status": "open"}})
        assert r.status == 200, r
        solved_slow = time.time()
        solve(c, in_slow)
        solve(c, plain)
        m = survey(sink, "ann@example.com", plain)
        assert m["Subject"] == f"[Request #{plain}] How did we do?", m["Subject"]
        assert set(links(m)) == {"good", "bad"} and "/hc/en/satisfaction/" in links(m)["good"]
        # Mail goes out in order: the earlier solved tickets would be here.
        assert not surveys(sink, "ann@example.com", in_quiet)
        assert not surveys(sink, "yuna@example.kr", chat_tid)
        assert not surveys(sink, "ann@example.com", in_slow)
        # The slow group's survey waits its minute (a generous deadline).
        survey(sink, "ann@example.com", in_slow, timeout=240)
        waited = time.time() - solved_slow
        print(f"measure csat_delay_1min_arrived_after_s {waited:.1f}")
        assert waited >= 59, waited
        # Reopened before its minute was up: its survey (due first, in the
        # same lane) was dropped unsent.
        assert not surveys(sink, "ann@example.com", reopened)
        assert s.metric("notifications-0", "hd_notify_dead_letters") == 0  # not a failure
        c = s.client()  # the idle keep-alive connection may be gone

        # Chat customers get it too once chat is listed: by e-mail, as intake
        # knows their address.
        csat(c, enabled=True, delay_minutes=0, channels=["api", "chat"])
        r = c.request("POST", CHAT, transcript("csat-chat-2", agent, [("visitor", "또 왔어요", "2024-05-02T10:01:00Z")]))
        assert r.status == 201, r
        chat2 = r.json["ticket"]["id"]
        solve(c, chat2)
        m = survey(sink, "yuna@example.kr", chat2)
        assert SURVEY_KO in str(m["Subject"]), m["Subject"]
        assert not surveys(sink, "yuna@example.kr", chat_tid)

    run_with_sink(run)


def test_templates_versions_preview_and_particles(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir

    def run(s, sink):
        c = s.client()
        r = c.request("GET", "/api/v2/hd/email_templates")
        assert r.status == 200, r
        ids = {t["id"]: t for t in r.json["email_templates"]}
        assert {"csat_survey.ko", "csat_survey.en", "request_received.ko", "agent_reply.en"} <= set(ids), ids
        first = ids["csat_survey.ko"]
        assert first["version"] == 1 and first["subject"] == "[요청 #{{ticket.id}}] " + SURVEY_KO, first
        assert first["updated_by_id"] is None

        # An unknown particle filter is refused naming the field; nothing stored.
        r = c.request("PUT", "/api/v2/hd/email_templates/csat_survey.ko",
                      {"email_template": {"subject": "{{ticket.requester.name|께서}} 평가"}})
        assert r.status == 422 and "subject" in str(r.json) and "|께서" in str(r.json), r
        for path in ("/api/v2/hd/email_templates/nothing.ko", "/api/v2/hd/email_templates/csat_survey.fr",
                     "/api/v2/hd/email_templates/csat_survey"):
            r = c.request("GET", path)
            assert r.status in (404, 422), (path, r)

        subject = "{{ticket.requester.name|은는}} 만족하셨나요? 요청 #{{ticket.id}}"
        r = c.request("PUT", "/api/v2/hd/email_templates/csat_survey.ko",
                      {"email_template": {"subject": subject, "note": "조사 넣기"}})
        assert r.status == 200, r
        v2 = r.json["email_template"]
        assert v2["version"] == 2 and v2["subject"] == subject and v2["text"] == first["text"], v2
        assert v2["updated_by_id"] is not None and v2["note"] == "조사 넣기"
        r = c.request("GET", "/api/v2/hd/email_templates/csat_survey.ko/versions")
        assert [v["version"] for v in r.json["versions"]] == [2, 1], r.json
        r = c.request("GET", "/api/v2/hd/email_templates/csat_survey.ko?version=1")
        assert r.json["email_template"]["subject"] == first["subject"], r.json
        assert c.request("GET", "/api/v2/hd/email_templates/csat_survey.ko").json["email_template"]["version"] == 2

        # Preview: the stored version with a sample ticket (김민준 ends in a
        # consonant), a draft, and a real ticket (이민수 ends in a vowel).
        r = c.request("POST", "/api/v2/hd/email_templates/csat_survey.ko/preview", {})
        assert r.status == 200 and r.json["preview"]["subject"] == "김민준은 만족하셨나요? 요청 #1234", r
        r = c.request("POST", "/api/v2/hd/email_templates/csat_survey.ko/preview",
                      {"email_template": {"subject": "{{ticket.requester.name|을를}} 위한 {{ticket.title|과와}} 답"}})
        assert r.json["preview"]["subject"] == "김민준을 위한 배송이 늦어요와 답", r.json
        assert f"http://127.0.0.1:{s.http_port}/hc/ko/satisfaction/sample?score=good" in r.json["preview"]["text"]
        minsu = user(c, "이민수", "minsu@example.kr")
        cheol = user(c, "박철", "cheol@example.kr")
        tid = new_ticket(c, minsu, subject="환불 요청")
        wait_for(lambda: c.request("POST", "/api/v2/hd/email_templates/csat_survey.ko/preview",
                                   {"ticket_id": tid}).status == 200, 20, "notifications' copy of the ticket")
        r = c.request("POST", "/api/v2/hd/email_templates/csat_survey.ko/preview", {"ticket_id": tid})
        assert r.json["preview"]["subject"] == f"이민수는 만족하셨나요? 요청 #{tid}", r.json
        r = c.request("POST", "/api/v2/hd/email_templates/csat_survey.ko/preview", {"ticket_id": 999999999})
        assert r.status == 404, r

        # Mail settings: a sender per brand, acknowledgements per channel.
        r = c.request("PUT", "/api/v2/hd/mail_settings",
                      {"mail_settings": {"senders": [{"brand_id": 0, "name": "하나 고객센터", "address": "help@example.kr"},
                                                     {"recipient": "vip@example.kr", "name": "VIP 센터",
                                                      "address": "vip@example.kr"}],
                                         "acknowledgements": {"api": False}}})
        assert r.status == 200, r
        assert r.json["mail_settings"]["senders"][1]["recipient"] == "vip@example.kr", r.json
        r = c.request("PUT", "/api/v2/hd/mail_settings",
                      {"mail_settings": {"senders": [{"name": "x\r\nBcc: a@b", "address": "help@example.kr"}]}})
        assert r.status == 422 and "senders" in str(r.json), r
        csat(c, enabled=True, delay_minutes=0)
        t2 = new_ticket(c, cheol, subject="교환 문의")
        solve(c, t2)
        m = survey(sink, "cheol@example.kr", t2)
        assert m["Subject"] == f"박철은 만족하셨나요? 요청 #{t2}", m["Subject"]  # ㄹ: 은
        assert m["From"].addresses[0].addr_spec == "help@example.kr", m["From"]
        assert m["From"].addresses[0].display_name == "하나 고객센터", m["From"]
        # A ticket that came in to the VIP address is answered from it.
        t3 = new_ticket(c, cheol, subject="VIP 문의", recipient="vip@example.kr")
        solve(c, t3)
        m = survey(sink, "cheol@example.kr", t3)
        assert m["From"].addresses[0].addr_spec == "vip@example.kr", m["From"]
        assert m["From"].addresses[0].display_name == "VIP 센터", m["From"]
        # No acknowledgement for an API ticket now (the survey came after it).
        assert not [x for x in sink.to("cheol@example.kr") if "접수" in str(x["Subject"])], \
            [str(x["Subject"]) for x in sink.to("cheol@example.kr")]
        # minsu's ticket came before the switch: acknowledged.
        assert [x for x in sink.to("minsu@example.kr") if "접수" in str(x["Subject"])]

    run_with_sink(run)
