"""Chat and voice channels: a transcript becomes a chat ticket with one
comment per message in time order, a follow-up inside the window joins it,
a duplicate chat_id changes nothing; a call becomes a ticket or a
VoiceComment on the caller's open ticket, a missed call a callback ticket,
a duplicate call_id is ignored, and call records are queryable."""
import base64
import json
import random

from harness import Suite
from outbox import payloads

CHAT = "/api/v2/hd/channels/chat"
VOICE = "/api/v2/hd/channels/voice"
CALLS = VOICE + "/calls"
MIN = 60 * 1000


def user(c, name, email, role="end-user", **extra):
    r = c.request("POST", "/api/v2/users.json", {"user": dict(name=name, email=email, role=role, **extra)})
    assert r.status == 201, r
    return r.json["user"]["id"]


def end_user_client(s, c, uid, email):
    p = c.request("PUT", f"/api/v2/users/{uid}/password.json", {"password": "Secret-pass-123"})
    assert p.status in (200, 204), p
    return s.client(auth="Basic " + base64.b64encode(f"{email}:Secret-pass-123".encode()).decode())


def invalid(r, key):
    assert r.status == 422, r
    assert r.json["error"] == "RecordInvalid" and key in r.json["details"], r


def comments(c, tid):
    r = c.request("GET", f"/api/v2/tickets/{tid}/comments.json")
    assert r.status == 200, r
    return r.json["comments"]


def ticket_count(c):
    return c.request("GET", "/api/v2/tickets/count.json").json["count"]["value"]


def transcript(chat_id, agent_id, lines, **extra):
    chat = {"chat_id": chat_id, "agent_id": agent_id,
            "visitor": {"name": "최유나", "email": "yuna@example.kr", "phone": "010-2222-3333"},
            "started_at": "2024-05-01T10:00:00Z", "ended_at": "2024-05-01T10:20:00Z",
            "messages": [{"author": a, "text": t, "at": at} for a, t, at in lines]}
    chat.update(extra)
    return {"chat": chat}


def test_chat_transcript_followup_and_duplicate(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        agent = user(c, "상담원 김", "kim@hana.local", role="agent")
        # Given out of order: the ticket keeps time order (ties keep input order).
        lines = [("agent", "주문 번호를 알려주시겠어요?", "2024-05-01T10:02:00Z"),
                 ("visitor", "안녕하세요, 배송이 늦어요.", "2024-05-01T10:01:00+00:00"),
                 ("system", "상담원이 입장했습니다.", "2024-05-01T19:01:30+09:00"),
                 ("visitor", "ORD-1234 입니다.", "2024-05-01T10:03:00.500Z"),
                 ("agent", "내일 도착 예정입니다. 감사합니다.", "2024-05-01T10:04:00Z")]
        r = c.request("POST", CHAT, transcript("chat-001", agent, lines))
        assert r.status == 201, r
        assert r.json["result"] == "ticket" and len(r.json["comment_ids"]) == 5, r.json
        tk = r.json["ticket"]
        tid = tk["id"]
        assert tk["via"]["channel"] == "chat" and tk["via"]["source"]["from"]["chat_id"] == "chat-001"
        assert tk["subject"] == "채팅 상담: 최유나" and tk["assignee_id"] == agent and "chat" in tk["tags"]
        visitor = tk["requester_id"]
        v = c.request("GET", f"/api/v2/users/{visitor}.json").json["user"]
        assert v["email"] == "yuna@example.kr" and v["name"] == "최유나" and v["role"] == "end-user", v
        got = comments(c, tid)
        assert [x["body"] for x in got] == ["안녕하세요, 배송이 늦어요.", "상담원이 입장했습니다.",
                                            "주문 번호를 알려주시겠어요?", "ORD-1234 입니다.",
                                            "내일 도착 예정입니다. 감사합니다."], got
        assert [x["author_id"] for x in got] == [visitor, s.client().request(
            "GET", "/api/v2/users/me").json["user"]["id"], agent, visitor, agent]
        assert [x["public"] for x in got] == [True, False, True, True, True]
        assert [x["id"] for x in got] == r.json["comment_ids"]
        assert tk["description"] == "안녕하세요, 배송이 늦어요."

        # The same chat again: nothing changes.
        again = c.request("POST", CHAT, transcript("chat-001", agent, lines))
        assert again.status == 200 and again.json["result"] == "duplicate", again
        assert again.json["ticket"]["id"] == tid and again.json["comment_ids"] == []
        assert len(comments(c, tid)) == 5

        # A follow-up inside HD_CHAT_FOLLOWUP_MINUTES (30) joins the open ticket.
        s.advance_clock(20 * MIN)
        f = c.request("POST", CHAT, transcript("chat-002", agent, [
            ("visitor", "하나 더 물어볼게요. 반품도 되나요?", "2024-05-01T10:30:00Z"),
            ("agent", "네, 7일 이내 가능합니다.", "2024-05-01T10:31:00Z")]))
        assert f.status == 201 and f.json["result"] == "appended" and f.json["ticket"]["id"] == tid, f
        assert [x["body"] for x in comments(c, tid)][-2:] == ["하나 더 물어볼게요. 반품도 되나요?",
                                                              "네, 7일 이내 가능합니다."]
        # Outside the window: a new ticket.
        s.advance_clock(31 * MIN)
        n = c.request("POST", CHAT, transcript("chat-003", agent, [
            ("visitor", "다른 문의입니다.", "2024-05-01T11:30:00Z")]))
        assert n.status == 201 and n.json["result"] == "ticket" and n.json["ticket"]["id"] != tid, n
        assert n.json["ticket"]["requester_id"] == visitor
        # A solved ticket is never joined, even inside the window.
        assert c.request("PUT", f"/api/v2/tickets/{n.json['ticket']['id']}.json",
                         {"ticket": {"status": "solved"}}).status == 200
        m = c.request("POST", CHAT, transcript("chat-004", agent, [
            ("visitor", "또 왔어요.", "2024-05-01T11:40:00Z")]))
        assert m.json["result"] == "ticket" and m.json["ticket"]["id"] != n.json["ticket"]["id"], m

        # Bad input: a 422 naming the field, and nothing written.
        before = ticket_count(c)
        bad = transcript("chat-bad", agent, [("visitor", "안녕", "2024-05-01T10:00:00Z")])
        del bad["chat"]["chat_id"]
        invalid(c.request("POST", CHAT, bad), "chat_id")
        invalid(c.request("POST", CHAT, transcript("chat bad", agent, [("visitor", "x", "2024-05-01T10:00:00Z")])),
                "chat_id")
        invalid(c.request("POST", CHAT, transcript("chat-bad", agent, [("visitor", "안녕", "2024-05-01T10:00:00Z"),
                                                                      ("robot", "삐", "2024-05-01T10:00:01Z")])),
                "messages[1].author")
        invalid(c.request("POST", CHAT, transcript("chat-bad", agent, [("visitor", "  ", "2024-05-01T10:00:00Z")])),
                "messages[0].text")
        invalid(c.request("POST", CHAT, transcript("chat-bad", agent, [("visitor", "안녕", "어제")])),
                "messages[0].at")
        invalid(c.request("POST", CHAT, transcript("chat-bad", None, [("agent", "안녕하세요", "2024-05-01T10:00:00Z")])),
                "messages[0].author_id")
        invalid(c.request("POST", CHAT, transcript("chat-bad", visitor, [("visitor", "안녕", "2024-05-01T10:00:00Z")])),
                "agent_id")
        invalid(c.request("POST", CHAT, transcript("chat-bad", agent, [])), "messages")
        nov = transcript("chat-bad", agent, [("visitor", "안녕", "2024-05-01T10:00:00Z")])
        nov["chat"]["visitor"]["email"] = "not-an-email"
        invalid(c.request("POST", CHAT, nov), "visitor.email")
        assert c.request("POST", CHAT, {"chat": "no"}).status == 400
        assert ticket_count(c) == before
        # Only agents and admins submit chats.
        eu = end_user_client(s, c, visitor, "yuna@example.kr")
        assert eu.request("POST", CHAT, transcript("chat-005", agent, lines)).status == 403


def call(call_id, caller, outcome="answered", agent=None, direction="inbound", **extra):
    rec = {"call_id": call_id, "direction": direction, "caller": caller, "called": "1588-1234",
           "agent_id": agent, "started_at": "2024-05-02T09:00:00+09:00", "outcome": outcome,
           "wait_seconds": 12, "talk_seconds": 0}
    if outcome == "answered":
        rec.update(answered_at="2024-05-02T09:00:12+09:00", ended_at="2024-05-02T09:03:32+09:00",
                   talk_seconds=200, recording_url="https://rec.example.kr/call-1.mp3",
                   transcript="고객: 요금이 두 번 청구됐어요.\n상담원: 확인해 보겠습니다.")
    rec.update(extra)
    return {"call": rec}


def test_voice_calls(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        agent = user(c, "상담원 이", "lee@hana.local", role="agent")
        cust = user(c, "홍길동", "gildong@example.kr", phone="010-1234-5678")

        r = c.request("POST", VOICE, call("call-1", "+82 10-1234-5678", agent=agent))
        assert r.status == 201 and r.json["result"] == "ticket", r
        tk, rec = r.json["ticket"], r.json["call"]
        tid = tk["id"]
        assert tk["requester_id"] == cust and tk["via"]["channel"] == "voice" and tk["assignee_id"] == agent
        assert tk["subject"] == "전화 문의: 01012345678" and "voice" in tk["tags"], tk
        assert rec["ticket_id"] == tid and rec["customer_id"] == cust and rec["caller"] == "01012345678"
        assert rec["started_at"] == "2024-05-02T00:00:00Z" and rec["talk_seconds"] == 200, rec
        vc = comments(c, tid)
        assert len(vc) == 1 and vc[0]["type"] == "VoiceComment" and vc[0]["public"] is False, vc
        assert vc[0]["id"] == rec["comment_id"] and vc[0]["author_id"] == agent
        d = vc[0]["data"]
        assert d["call_id"] == "call-1" and d["recording_url"] == "https://rec.example.kr/call-1.mp3", d
        assert d["call_duration"] == 200 and d["answered_by_id"] == agent and d["from"] == "01012345678"
        assert d["transcription_text"].startswith("고객: 요금이 두 번")
        assert vc[0]["body"].startswith("수신 전화: 01012345678 → 15881234\n결과: 응답"), vc[0]["body"]

        # The same number again: a VoiceComment on the open ticket.
        r2 = c.request("POST", VOICE, call("call-2", "010.1234.5678", agent=agent,
                                            started_at="2024-05-02T10:00:00+09:00"))
        assert r2.status == 201 and r2.json["result"] == "comment" and r2.json["ticket"]["id"] == tid, r2
        vc = comments(c, tid)
        assert [x["type"] for x in vc] == ["VoiceComment", "VoiceComment"]
        assert vc[1]["data"]["call_id"] == "call-2"

        # A missed call from an unknown number: a new customer and a callback ticket.
        m = c.request("POST", VOICE, call("call-3", "02-555-0199", outcome="missed",
                                           started_at="2024-05-02T11:00:00+09:00"))
        assert m.status == 201 and m.json["result"] == "ticket", m
        cb = m.json["ticket"]
        assert cb["id"] != tid and "callback" in cb["tags"] and cb["priority"] == "high", cb
        assert cb["subject"] == "부재중 전화: 025550199" and cb["assignee_id"] is None
        nc = c.request("GET", f"/api/v2/users/{cb['requester_id']}.json").json["user"]
        assert nc["phone"] == "025550199" and nc["role"] == "end-user" and nc["email"] is None, nc
        assert comments(c, cb["id"])[0]["body"].startswith("수신 전화: 025550199 → 15881234\n결과: 부재중")
        # Another missed call from that number joins its open callback ticket.
        m2 = c.request("POST", VOICE, call("call-4", "025550199", outcome="abandoned",
                                            started_at="2024-05-02T11:05:00+09:00"))
        assert m2.json["result"] == "comment" and m2.json["ticket"]["id"] == cb["id"], m2

        # A duplicate call_id changes nothing.
        dup = c.request("POST", VOICE, call("call-2", "010-1234-5678", agent=agent))
        assert dup.status == 200 and dup.json["result"] == "duplicate", dup
        assert dup.json["ticket"]["id"] == tid and dup.json["call"]["call_id"] == "call-2"
        assert len(comments(c, tid)) == 2

        # Call records per ticket, per agent, by time (newest first).
        per_ticket = c.request("GET", f"{CALLS}?ticket_id={tid}")
        assert per_ticket.status == 200, per_ticket
        assert [x["call_id"] for x in per_ticket.json["calls"]] == ["call-2", "call-1"], per_ticket.json
        assert per_ticket.json["count"] == 2
        per_agent = c.request("GET", f"{CALLS}.json?agent_id={agent}")
        assert [x["call_id"] for x in per_agent.json["calls"]] == ["call-2", "call-1"], per_agent.json
        ranged = c.request("GET", f"{CALLS}?start_time=2024-05-02T01:00:00Z&end_time=2024-05-02T02:06:00Z")
        assert [x["call_id"] for x in ranged.json["calls"]] == ["call-4", "call-3", "call-2"], ranged.json
        epoch = c.request("GET", f"{CALLS}?end_time=1714608000")  # 2024-05-02T00:00:00Z, exclusive
        assert epoch.json["calls"] == [] and epoch.json["count"] == 0, epoch.json
        paged = c.request("GET", f"{CALLS}?per_page=3")
        assert len(paged.json["calls"]) == 3 and paged.json["count"] == 4 and paged.json["next_page"], paged.json
        assert c.request("GET", f"{CALLS}?ticket_id=abc").status == 400

        # call.recorded: once per call_id, for metrics' answer rates and waits.
        calls = [(e["call_id"], e["ticket_id"], e["agent_id"], e["outcome"], e["wait_seconds"])
                 for e in payloads(ctx, s, "intake-0", lambda t: t == "call.recorded")]
        assert calls == [("call-1", tid, agent, "answered", 12), ("call-2", tid, agent, "answered", 12),
                         ("call-3", cb["id"], 0, "missed", 12), ("call-4", cb["id"], 0, "abandoned", 12)], calls

        # Bad input names the field and writes nothing.
        before = ticket_count(c)
        invalid(c.request("POST", VOICE, call("call-x", "010-1234-5678", outcome="hung up", agent=agent)),
                "outcome")
        invalid(c.request("POST", VOICE, call("call-x", "전화번호", agent=agent)), "caller")
        invalid(c.request("POST", VOICE, call("call-x", "010-1234-5678")), "agent_id")
        invalid(c.request("POST", VOICE, call("call-x", "010-1234-5678", agent=agent, direction="sideways")),
                "direction")
        invalid(c.request("POST", VOICE, call("call-x", "010-1234-5678", agent=agent,
                                               recording_url="javascript:alert(1)")), "recording_url")
        invalid(c.request("POST", VOICE, call("call-x", "010-1234-5678", agent=agent, wait_seconds=-1)),
                "wait_seconds")
        assert ticket_count(c) == before
        assert c.request("GET", f"{CALLS}?ticket_id={tid}").json["count"] == 2
        # End-users neither record calls nor read them.
        eu = end_user_client(s, c, cust, "gildong@example.kr")
        assert eu.request("POST", VOICE, call("call-9", "010-1234-5678", agent=agent)).status == 403
        assert eu.request("GET", CALLS).status == 403


def test_outbound_call_matches_the_called_customer(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        agent = user(c, "상담원 박", "park@hana.local", role="agent")
        cust = user(c, "성춘향", "chunhyang@example.kr", phone="+82-10-9876-5432")
        open_tk = c.request("POST", "/api/v2/tickets.json", {"ticket": {
            "subject": "요금 문의", "comment": {"body": "요금제 변경하고 싶어요"}, "requester_id": cust}})
        assert open_tk.status == 201, open_tk
        r = c.request("POST", VOICE, call("out-1", "1588-1234", agent=agent, direction="outbound",
                                           called="010-9876-5432"))
        assert r.status == 201 and r.json["result"] == "comment", r
        assert r.json["ticket"]["id"] == open_tk.json["ticket"]["id"]
        assert comments(c, r.json["ticket"]["id"])[-1]["body"].startswith("발신 전화: 15881234 → 01098765432")


def test_channels_across_two_shards(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        agent = user(c, "상담원 최", "choi@hana.local", role="agent")
        shards = set()
        for i in range(6):
            body = transcript(f"two-{i}", agent, [("visitor", f"문의 {i}", "2024-05-01T10:00:00Z")])
            body["chat"]["visitor"]["email"] = f"visitor{i}@example.kr"
            r = c.request("POST", CHAT, body)
            assert r.status == 201 and r.json["result"] == "ticket", r
            shards.add(r.json["ticket"]["id"] & 0xFF)
            again = c.request("POST", CHAT, body)
            assert again.json["result"] == "duplicate" and again.json["ticket"]["id"] == r.json["ticket"]["id"]
        for i in range(6):
            r = c.request("POST", VOICE, call(f"two-call-{i}", f"010-5555-000{i}", agent=agent))
            assert r.status == 201 and r.json["result"] == "ticket", r
            shards.add(r.json["ticket"]["id"] & 0xFF)
            r2 = c.request("POST", VOICE, call(f"two-call-{i}b", f"010-5555-000{i}", agent=agent))
            assert r2.json["result"] == "comment" and r2.json["ticket"]["id"] == r.json["ticket"]["id"], r2
            per = c.request("GET", f"{CALLS}?ticket_id={r.json['ticket']['id']}")
            assert [x["call_id"] for x in per.json["calls"]] == [f"two-call-{i}b", f"two-call-{i}"], per.json
        assert shards == {0, 1}, shards
        every = c.request("GET", f"{CALLS}?agent_id={agent}&per_page=5")
        assert every.json["count"] == 12 and len(every.json["calls"]) == 5, every.json
        page3 = c.request("GET", f"{CALLS}?agent_id={agent}&per_page=5&page=3")
        assert len(page3.json["calls"]) == 2 and page3.json["next_page"] is None, page3.json


def test_hostile_channel_input(ctx):
    """Seeded random corruption of valid chat, call and request bodies:
    never a 5xx, never a crash (the suite's close checks exit codes and
    sanitizers)."""
    seed = random.randrange(1 << 30)
    print(f"  seed={seed}")
    rnd = random.Random(seed)
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        agent = user(c, "상담원 정", "jung@hana.local", role="agent")
        samples = [(CHAT, json.dumps(transcript("fz", agent, [("visitor", "안녕하세요 😀", "2024-05-01T10:00:00Z"),
                                                               ("agent", "네", "2024-05-01T10:00:05Z")]),
                                     ensure_ascii=False).encode()),
                   (VOICE, json.dumps(call("fz", "010-1234-5678", agent=agent), ensure_ascii=False).encode()),
                   ("/api/v2/requests", json.dumps({"request": {
                       "subject": "환불", "comment": {"body": "환불해 주세요", "uploads": []}, "solved": True,
                       "custom_fields": [{"id": 1, "value": "x"}], "ticket_form_id": 1}},
                       ensure_ascii=False).encode())]
        junk = [b"\x00", b"\xff", b"{", b"}", b"[", b"]", b'"', b"\\u0000", b"-1", b"1e999", b"null", b"true",
                b"18446744073709551616", "가".encode(), b"\xed\xa0\x80"]
        for i in range(300):
            path, body = samples[i % 3]
            b = bytearray(body)
            for _ in range(rnd.randint(1, 4)):
                pos = rnd.randrange(len(b))
                op = rnd.random()
                if op < 0.4:
                    b[pos:pos + 1] = rnd.choice(junk)
                elif op < 0.7:
                    del b[pos:pos + rnd.randint(1, 8)]
                else:
                    b[pos] = rnd.randrange(256)
            r = c.request("POST", path, bytes(b))
            assert r.status < 500, (seed, i, bytes(b), r)
        assert c.request("GET", f"{CALLS}").status == 200
