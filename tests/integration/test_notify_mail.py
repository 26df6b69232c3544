"""Mail that had no test yet, against the real SMTP server (smtp_sink.py):
assignment (to the new assignee), knowledge card verification due (to the
verifier, after the test clock passes the interval), a trigger's
notification_user mail, and notification_webhook end to end (rendered JSON
body, signed). Each recipient's locale picks the Korean or English template."""
import json
import os
import time

from harness import basic, create_ticket
from rules_helpers import TRIGGERS, cond, new_rule
from test_notify import Receiver, Sink, make_hook, start, verify, wait_for

DAY = 86400000


def make_user(c, name, email, role, locale):
    r = c.request("POST", "/api/v2/users",
                  {"user": {"name": name, "email": email, "role": role, "locale": locale}})
    assert r.status == 201, r
    return r.json["user"]


def body_text(m):
    return m.get_body(("plain",)).get_content()


def body_html(m):
    return m.get_body(("html",)).get_content()


def with_sink(extra, fn):
    with start(extra) as s:
        sink = Sink(s.dir)
        s.env["HD_SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}"
        try:
            s.start()
            fn(s, sink)
        finally:
            sink.close()


def test_assignment_mail_follows_locale(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir

    def run(s, sink):
        c = s.client()
        ko = make_user(c, "김서연", "seoyeon@example.kr", "agent", "ko")
        en = make_user(c, "Emma Stone", "emma@example.com", "agent", "en-US")
        john = make_user(c, "John Park", "john@example.com", "end-user", "en-US")
        r = create_ticket(c, subject="환불 요청", body="두 번 결제되었습니다", requester_id=john["id"])
        assert r.status == 201, r
        tid = r.json["ticket"]["id"]
        # The en-US requester gets the English "request received".
        m = wait_for(lambda: sink.to("john@example.com"), what="request mail")[0]
        assert m["Subject"] == f"[Request #{tid}] Received: 환불 요청", m["Subject"]
        assert "Hello John Park," in body_text(m)
        # Assigning an agent mails them, in their language.
        r = c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"assignee_id": ko["id"]}})
        assert r.status == 200, r
        m = wait_for(lambda: sink.to("seoyeon@example.kr"), what="assignment mail")[0]
        assert m["Subject"] == f"[요청 #{tid}] 티켓이 배정되었습니다: 환불 요청", m["Subject"]
        text = body_text(m)
        assert f"김서연님, 요청 #{tid} \"환불 요청\"이(가) 배정되었습니다." in text, text
        assert "상태: open, 요청자: John Park" in text, text
        assert "<b>환불 요청</b>" in body_html(m)
        assert m["Auto-Submitted"] == "auto-generated"
        assert m["In-Reply-To"] and m["In-Reply-To"] in m["References"]  # threads under the ticket
        # An update that keeps the assignee mails nobody again.
        r = c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"priority": "high"}})
        assert r.status == 200, r
        # Reassigning mails the new assignee, in English.
        r = c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"assignee_id": en["id"]}})
        assert r.status == 200, r
        m = wait_for(lambda: sink.to("emma@example.com"), what="English assignment mail")[0]
        assert m["Subject"] == f"[Request #{tid}] Assigned to you: 환불 요청", m["Subject"]
        assert "Emma Stone, request #" in body_text(m) and "requester: John Park" in body_text(m)
        time.sleep(1)
        assert len(sink.to("seoyeon@example.kr")) == 1, [x["Subject"] for x in sink.to("seoyeon@example.kr")]
        assert len(sink.to("emma@example.com")) == 1

    with_sink(None, run)


def test_card_due_mail_to_verifier(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir

    def run(s, sink):
        c = s.client()
        tok = c.request("POST", "/api/v2/api_tokens",
                        {"api_token": {"description": "cards"}}).json["api_token"]["token"]
        ko = make_user(c, "이도윤", "doyun@example.kr", "agent", "ko")
        en = make_user(c, "Liam Kim", "liam@example.com", "agent", "en-US")
        cards = {}
        for who, title in ((ko, "반품 절차"), (en, "교환 정책")):
            r = c.request("POST", "/api/v2/hd/cards",
                          {"card": {"title": title, "content": "내용", "verifier": {"user_id": who["id"]},
                                    "verification_interval_days": 1}})
            assert r.status == 201, r
            cid = r.json["card"]["id"]
            vc = s.client(auth=basic(who["email"], tok))
            r = vc.request("POST", f"/api/v2/hd/cards/{cid}/verify")
            assert r.status == 200 and r.json["card"]["state"] == "verified", r
            cards[who["email"]] = (cid, title)
        time.sleep(0.5)
        assert sink.to("doyun@example.kr") == [] and sink.to("liam@example.com") == []
        s.advance_clock(2 * DAY)
        m = wait_for(lambda: sink.to("doyun@example.kr"), what="Korean card mail")[0]
        cid, title = cards["doyun@example.kr"]
        assert m["Subject"] == f"[지식 카드] 검증 기한이 지났습니다: {title}", m["Subject"]
        assert f"이도윤님, 지식 카드 \"{title}\" (#{cid})의 검증 기한이 지났습니다." in body_text(m)
        assert m["Auto-Submitted"] == "auto-generated"
        m = wait_for(lambda: sink.to("liam@example.com"), what="English card mail")[0]
        cid, title = cards["liam@example.com"]
        assert m["Subject"] == f"[Knowledge card] Verification due: {title}", m["Subject"]
        assert f"Liam Kim, the knowledge card \"{title}\" (#{cid}) needs verifying." in body_text(m)
        time.sleep(1)  # many more sweeps: still one mail each
        assert len(sink.to("doyun@example.kr")) == 1 and len(sink.to("liam@example.com")) == 1

    with_sink({"HD_CARD_SWEEP_MS": "50"}, run)


def test_trigger_mail_and_webhook(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    rec = Receiver()

    def run(s, sink):
        c = s.client()
        hook = make_hook(c, rec.url("/rule"), ["conditional_ticket_events"])
        secret = c.request("GET", f"/api/v2/webhooks/{hook['id']}/signing_secret").json["signing_secret"]["secret"]
        body_tmpl = ('{"티켓":"{{ticket.id}}","제목":"{{ticket.title}}",'
                     '"설명":"{{ticket.description}}","요청자":"{{ticket.requester.name}}"}')
        r = c.request("POST", TRIGGERS, {"trigger": {
            "title": "접수 알림", "conditions": {"all": [cond("update_type", "is", "Create")], "any": []},
            "actions": [{"field": "notification_user",
                         "value": ["requester_id", "[{{ticket.id}}] 접수 확인: {{ticket.title}}",
                                   "{{ticket.requester.name}}님, \"{{ticket.title}}\" 요청을 받았습니다."]},
                        {"field": "notification_webhook", "value": [hook["id"], body_tmpl]}]}})
        assert r.status == 201, r
        # The action's webhook id must be a webhook id.
        r = c.request("POST", TRIGGERS, {"trigger": {
            "title": "잘못된 웹훅", "conditions": {"all": [cond("update_type", "is", "Create")], "any": []},
            "actions": [{"field": "notification_webhook", "value": ["not a webhook", "{}"]}]}})
        assert r.status == 422, r
        subject = '따옴표 "인용" \\ 역슬래시'
        desc = "첫 줄\n둘째 줄\t탭 </script>"
        r = create_ticket(c, subject=subject, body=desc,
                          requester={"name": "정하은", "email": "haeun@example.kr"})
        assert r.status == 201, r
        tid = r.json["ticket"]["id"]
        got = wait_for(lambda: rec.on("/rule"), what="rule webhook")
        time.sleep(0.5)
        got = rec.on("/rule")
        assert len(got) == 1, got
        _, _, headers, raw = got[0]
        assert verify(secret, headers, raw), headers
        assert headers["Content-Type"].startswith("application/json")
        assert json.loads(raw) == {"티켓": str(tid), "제목": subject, "설명": desc, "요청자": "정하은"}, raw
        inv = c.request("GET", f"/api/v2/webhooks/{hook['id']}/invocations").json["invocations"]
        assert len(inv) == 1 and inv[0]["event_type"] == "conditional_ticket_events", inv
        # The trigger's own mail, rendered for the requester.
        mails = wait_for(lambda: [m for m in sink.to("haeun@example.kr")
                                  if m["Subject"].startswith(f"[{tid}]")], what="trigger mail")
        m = mails[0]
        assert m["Subject"] == f"[{tid}] 접수 확인: {subject}", m["Subject"]
        assert body_text(m).strip() == f"정하은님, \"{subject}\" 요청을 받았습니다.", body_text(m)
        html = body_html(m)
        assert "&quot;인용&quot;" in html or "&#34;인용&#34;" in html, html
        assert m["Auto-Submitted"] == "auto-generated"

    try:
        with_sink(None, run)
    finally:
        rec.close()
