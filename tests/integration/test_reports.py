"""Reports and the live wallboard on a known data set: tickets over two
days, four channels and three groups on the test clock, replies, solves,
ratings and calls; every report's numbers are hand-computed below, CSV
included. Replaying the whole event log into a fresh metrics store gives
byte-identical reports. Hostile parameters get a 4xx naming the field."""
import base64
import json
import os
import shutil
import subprocess
import time
from urllib.parse import quote

import report_golden
from harness import Suite

REPORTS = "/api/v2/hd/reports/"
SEC = 1000
MIN = 60 * SEC
HOUR = 60 * MIN
DAY = 24 * HOUR
KST = 9 * HOUR


def next_monday_seoul():
    """A Monday 00:00 in Seoul (UTC+9) two to three weeks ahead. Ahead, not
    behind: outboxes trim by age against the wall clock, so events stamped
    in the business past could be trimmed before a replay pulls them."""
    day = (int(time.time() * 1000) + KST) // DAY + 14
    day += (4 - day) % 7  # 1970-01-01 was a Thursday: day % 7 == 4 is Monday
    return day * DAY - KST


D0 = next_monday_seoul()
D1, D2 = D0 + DAY, D0 + 2 * DAY


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))


def kst(day, h, m=0):
    return day + h * HOUR + m * MIN


# Where in its second each kind of event lands, so that the whole seconds
# between two of them are exact despite request latency (< 200 ms):
# created +0.1 s, assigned +0.3 s, replied/solved +0.7 s, queried +0.5 s
# (reports of "now" only look at creation times).
NEW, ASSIGN, ACT, QUERY = 100, 300, 700, 500


def at(s, ms, frac=ACT):
    """Move the business clock to ms + frac."""
    s.set_clock_offset(ms + frac - int(time.time() * 1000))


def password_client(s, c, uid, email):
    r = c.request("PUT", f"/api/v2/users/{uid}/password.json", {"password": "Secret-pass-123"})
    assert r.status in (200, 204), r
    return s.client(auth="Basic " + base64.b64encode(f"{email}:Secret-pass-123".encode()).decode())


def user(s, c, name, email, role):
    r = c.request("POST", "/api/v2/users.json", {"user": {"name": name, "email": email, "role": role}})
    assert r.status == 201, r
    uid = r.json["user"]["id"]
    return uid, password_client(s, c, uid, email)


def group(c, name, members):
    g = c.request("POST", "/api/v2/groups", {"group": {"name": name}})
    assert g.status == 201, g
    gid = g.json["group"]["id"]
    for uid in members:
        r = c.request("POST", "/api/v2/group_memberships",
                      {"group_membership": {"user_id": uid, "group_id": gid}})
        assert r.status == 201, r
    return gid


def ticket(c, subject, body, requester, **extra):
    t = {"subject": subject, "comment": {"body": body}, "requester_id": requester}
    t.update(extra)
    r = c.request("POST", "/api/v2/tickets.json", {"ticket": t})
    assert r.status == 201, r
    return r.json["ticket"]["id"]


def update(c, tid, **fields):
    r = c.request("PUT", f"/api/v2/tickets/{tid}.json", {"ticket": fields})
    assert r.status == 200, r


def reply(c, tid, body):
    update(c, tid, comment={"body": body, "public": True})


def call(c, call_id, caller, started, outcome, wait, agent=None):
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started // 1000))
    rec = {"call_id": call_id, "direction": "inbound", "caller": caller, "called": "1588-1234",
           "agent_id": agent, "started_at": iso, "outcome": outcome, "wait_seconds": wait,
           "talk_seconds": 0}
    if outcome == "answered":
        rec.update(answered_at=iso, ended_at=iso, talk_seconds=60)
    r = c.request("POST", "/api/v2/hd/channels/voice", {"call": rec})
    assert r.status == 201, r
    return r.json["ticket"]["id"]


def deflect(s, tools, *args):
    """A visitor's deflection through knowledge's RPC (no HTTP route yet)."""
    url = f"ipc://{s.run}/knowledge-0.rpc"
    return subprocess.run([os.path.join(tools, "hd-kb-deflect"), url, *args], check=True,
                          capture_output=True, text=True, timeout=30, env=s.env).stdout.strip()


def presence(s, c, agent, state, when):
    """Agent's presence set to state at business time when (+ ACT)."""
    path = f"/api/v2/hd/agents/{agent}/presence"
    deadline = time.time() + 20
    while c.request("GET", path).status != 200:  # routing learns the agent
        assert time.time() < deadline, f"routing never knew agent {agent}"
        time.sleep(0.1)
    at(s, when)
    r = c.request("PUT", path, {"presence": {"state": state}})
    assert r.status == 200, r


def build(s, tools):
    """The data set. Returns the ids the assertions need."""
    c = s.client()
    at(s, kst(D0, 8))
    ids = {}
    ids["A"], a = user(s, c, "김상담", "kim@hana.local", "agent")
    ids["B"], b = user(s, c, "이상담", "lee@hana.local", "agent")
    ids["C"], cc = user(s, c, "박상담", "park@hana.local", "agent")
    r1, r1c = user(s, c, "최고객", "choi@example.kr", "end-user")
    r2, _ = user(s, c, "정고객", "jung@example.kr", "end-user")
    ids["G1"] = group(c, "배송팀", [ids["A"], ids["C"]])
    ids["G2"] = group(c, "결제팀", [ids["B"]])
    ids["G3"] = group(c, "반품팀", [])
    # Presence (seconds per state are checked in check_work).
    presence(s, c, ids["A"], "상담준비", kst(D0, 8))
    presence(s, c, ids["B"], "상담준비", kst(D0, 8))
    # Monday
    at(s, kst(D0, 9), NEW)
    t1 = ticket(c, "배송이 너무 늦어요", "주문한 노트북 배송이 늦어요. 배송 조회 부탁드립니다.", r1,
                group_id=ids["G1"], tags=["배송"])
    at(s, kst(D0, 9, 10), NEW)
    t2 = ticket(c, "결제 오류", "카드 결제 오류가 났어요", r2, group_id=ids["G2"], tags=["결제"])
    at(s, kst(D0, 9, 20), NEW)
    w = r1c.request("POST", "/api/v2/requests.json",
                    {"request": {"subject": "배송지 변경", "comment": {"body": "배송지 주소를 변경하고 싶어요"}}})
    assert w.status == 201, w
    t3 = w.json["request"]["id"]
    at(s, kst(D0, 9, 30), ASSIGN)
    update(c, t1, assignee_id=ids["A"])
    presence(s, c, ids["A"], "통화중", kst(D0, 9, 40))
    presence(s, c, ids["A"], "후처리", kst(D0, 9, 45))
    presence(s, c, ids["A"], "상담준비", kst(D0, 9, 50))
    at(s, kst(D0, 10), NEW)
    call(c, "call-1", "010-1111-0001", kst(D0, 10), "answered", 5, ids["A"])
    at(s, kst(D0, 10, 5), NEW)
    call(c, "call-2", "010-1111-0002", kst(D0, 10, 5), "abandoned", 25)
    at(s, kst(D0, 10, 30))
    reply(a, t1, "확인해 보니 내일 도착합니다.")
    at(s, kst(D0, 11), ASSIGN)
    update(c, t2, assignee_id=ids["B"])
    at(s, kst(D0, 11, 20))
    reply(b, t2, "결제 내역을 확인하겠습니다.")
    at(s, kst(D0, 11, 40))
    update(c, t2, status="pending")
    # Tuesday
    at(s, kst(D1, 9))
    update(c, t1, status="solved")
    at(s, kst(D1, 9, 5))
    update(c, t1, satisfaction_rating={"score": "good", "comment": "빨라요"})
    at(s, kst(D1, 10), NEW)
    ticket(c, "배송 지연 문의", "배송이 3일째 늦어요", r1, group_id=ids["G1"], tags=["배송"],
           assignee_id=ids["A"])
    at(s, kst(D1, 10, 2), NEW)
    ticket(c, "환불 요청", "환불 부탁드립니다", r2, group_id=ids["G3"], tags=["반품"])
    at(s, kst(D1, 11), NEW)
    ticket(c, "앱 로그인 오류", "앱에 로그인이 안 돼요", r2, group_id=ids["G1"], assignee_id=ids["A"])
    at(s, kst(D1, 12))
    shown = [deflect(s, tools, "create", q) for q in ("배송 조회", "환불 방법", "비밀번호 변경")]
    deflect(s, tools, "resolve", shown[1])
    at(s, kst(D1, 14), NEW)
    call(c, "call-3", "010-1111-0003", kst(D1, 14), "missed", 70)
    at(s, kst(D1, 15))
    update(c, t2, status="solved")
    at(s, kst(D1, 15, 5))
    update(c, t2, satisfaction_rating={"score": "bad"})
    at(s, kst(D1, 16), ASSIGN)
    update(c, t3, assignee_id=ids["C"])
    at(s, kst(D1, 16, 10))
    reply(cc, t3, "주소 변경해 드렸습니다.")
    presence(s, c, ids["B"], "offline", kst(D1, 17))
    # Wednesday morning: one answered call today.
    at(s, kst(D2, 8, 30), NEW)
    call(c, "call-4", "010-1111-0004", kst(D2, 8, 30), "answered", 12, ids["B"])
    return ids


def get(c, name, **q):
    qs = "&".join(f"{k}={quote(str(v), safe='%')}" for k, v in q.items())
    return c.request("GET", REPORTS + name + ("?" + qs if qs else ""))


def rows(c, name, **q):
    r = get(c, name, **q)
    assert r.status == 200, r
    if os.environ.get("HD_SHOW_REPORTS"):
        print(name, q, r.json["report"]["rows"])
    return r.json["report"]["rows"]


RANGE = {"start_time": D0 // 1000, "end_time": D2 // 1000}


def check_flow(c, ids):
    assert rows(c, "volume", **RANGE) == [
        {"time": iso(D0 + 9 * HOUR), "channel": "web", "tickets": 1},
        {"time": iso(D0 + 9 * HOUR), "channel": "api", "tickets": 2},
        {"time": iso(D0 + 10 * HOUR), "channel": "voice", "tickets": 2},
        {"time": iso(D1 + 10 * HOUR), "channel": "api", "tickets": 2},
        {"time": iso(D1 + 11 * HOUR), "channel": "api", "tickets": 1},
        {"time": iso(D1 + 14 * HOUR), "channel": "voice", "tickets": 1}]
    assert rows(c, "volume", interval="day", **RANGE) == [
        {"time": iso(D0), "channel": "web", "tickets": 1},
        {"time": iso(D0), "channel": "api", "tickets": 2},
        {"time": iso(D0), "channel": "voice", "tickets": 2},
        {"time": iso(D1), "channel": "api", "tickets": 3},
        {"time": iso(D1), "channel": "voice", "tickets": 1}]
    assert rows(c, "volume", tag="배송", **RANGE) == [
        {"time": iso(D0 + 9 * HOUR), "channel": "api", "tickets": 1},
        {"time": iso(D1 + 10 * HOUR), "channel": "api", "tickets": 1}]
    assert rows(c, "volume", group_id=ids["G1"], **RANGE) == [
        {"time": iso(D0 + 9 * HOUR), "channel": "api", "tickets": 1},
        {"time": iso(D1 + 10 * HOUR), "channel": "api", "tickets": 1},
        {"time": iso(D1 + 11 * HOUR), "channel": "api", "tickets": 1}]
    heat = rows(c, "heatmap", **RANGE)
    assert len(heat) == 7 * 24 and sum(x["tickets"] for x in heat) == 9
    assert [(x["weekday"], x["hour"], x["tickets"]) for x in heat if x["tickets"]] == [
        ("mon", 9, 3), ("mon", 10, 2), ("tue", 10, 2), ("tue", 11, 1), ("tue", 14, 1)]
    # Tuesday's api tickets against Monday's (stopwords, 1-char and number
    # tokens dropped; Hangul as bigrams; ties by term).
    kw = get(c, "keywords", channel="api", start_time=D1 // 1000, end_time=D2 // 1000)
    assert kw.status == 200, kw
    assert kw.json["report"]["previous_start_time"] == iso(D0)
    before = {"배송": 1, "송이": 1, "늦어": 1, "오류": 1}
    terms = sorted(["배송", "지연", "송이", "일째", "늦어", "환불", "로그", "그인", "오류", "앱에", "인이", "돼요"],
                   key=lambda t: t.encode())
    assert kw.json["report"]["rows"] == [
        {"rank": i + 1, "term": t, "tickets": 1, "previous_tickets": before.get(t, 0),
         "change": 1 - before.get(t, 0)} for i, t in enumerate(terms)], kw.json


def check_work(c, ids):
    G1, G2, G3 = ids["G1"], ids["G2"], ids["G3"]
    assert rows(c, "backlog", **RANGE) == [
        {"time": iso(D0), "group_id": None, "new": 2, "open": 1, "pending": 0, "hold": 0, "total": 3},
        {"time": iso(D0), "group_id": G1, "new": 0, "open": 1, "pending": 0, "hold": 0, "total": 1},
        {"time": iso(D0), "group_id": G2, "new": 0, "open": 0, "pending": 1, "hold": 0, "total": 1},
        {"time": iso(D1), "group_id": None, "new": 2, "open": 2, "pending": 0, "hold": 0, "total": 4},
        {"time": iso(D1), "group_id": G1, "new": 0, "open": 2, "pending": 0, "hold": 0, "total": 2},
        {"time": iso(D1), "group_id": G3, "new": 1, "open": 0, "pending": 0, "hold": 0, "total": 1}]
    assert rows(c, "assignment", **RANGE) == [
        {"group_id": None, "new": 2, "open": 2, "pending": 0, "hold": 0, "assigned": 2, "unassigned": 2, "total": 4},
        {"group_id": G1, "new": 0, "open": 2, "pending": 0, "hold": 0, "assigned": 2, "unassigned": 0, "total": 2},
        {"group_id": G3, "new": 1, "open": 0, "pending": 0, "hold": 0, "assigned": 0, "unassigned": 1, "total": 1}]
    # First replies 5400 s (T1), 7800 s (T2), 111000 s (T3); resolutions
    # 86400 s (T1), 107400 s (T2). Nearest-rank median and p90.
    # No business-hours schedule here: business minutes are calendar ones
    # (test_proficiency checks them against a schedule).
    assert rows(c, "times", **RANGE) == [
        {"metric": "first_reply_time", "tickets": 3, "median_seconds": 7800, "p90_seconds": 111000,
         "median_business_minutes": 130, "p90_business_minutes": 1850},
        {"metric": "resolution_time", "tickets": 2, "median_seconds": 86400, "p90_seconds": 107400,
         "median_business_minutes": 1440, "p90_business_minutes": 1790}]
    assert rows(c, "times", group_id=G1, **RANGE) == [
        {"metric": "first_reply_time", "tickets": 1, "median_seconds": 5400, "p90_seconds": 5400,
         "median_business_minutes": 90, "p90_business_minutes": 90},
        {"metric": "resolution_time", "tickets": 1, "median_seconds": 86400, "p90_seconds": 86400,
         "median_business_minutes": 1440, "p90_business_minutes": 1440}]
    # Presence: A ready 08:00–09:40 and 09:50 on (open: clipped at the
    # range's end, Wednesday 00:00), on a call 5 min, wrap-up 5 min; B
    # ready Monday 08:00 to Tuesday 17:00 (split at midnight), then offline.
    assert rows(c, "agents", **RANGE) == [
        {"agent_id": ids["A"], "assigned": 4, "solved": 1, "public_replies": 1,
         "median_handle_seconds": 84600, "open_now": 3,
         "time_in_states": {"상담준비": 6000 + 137400, "통화중": 300, "후처리": 300}},
        {"agent_id": ids["B"], "assigned": 1, "solved": 1, "public_replies": 1,
         "median_handle_seconds": 100800, "open_now": 1,
         "time_in_states": {"상담준비": 118800, "offline": 25200}},
        {"agent_id": ids["C"], "assigned": 1, "solved": 0, "public_replies": 1,
         "median_handle_seconds": 0, "open_now": 1, "time_in_states": {}}]
    tue = {r["agent_id"]: r["time_in_states"]
           for r in rows(c, "agents", start_time=D1 // 1000, end_time=D2 // 1000)}
    assert tue[ids["A"]] == {"상담준비": 86400} and tue[ids["B"]] == {"상담준비": 61200, "offline": 25200}, tue
    csv = get(c, "agents", format="csv", **RANGE).raw.decode("utf-8").split("\r\n")
    assert csv[2].endswith(',"{""offline"":25200,""상담준비"":118800}"'), csv
    assert rows(c, "csat", **RANGE) == [
        {"scope": "all", "id": None, "time": None, "good": 1, "bad": 1, "rated": 2, "percent_good": 50.0},
        {"scope": "agent", "id": ids["A"], "time": None, "good": 1, "bad": 0, "rated": 1, "percent_good": 100.0},
        {"scope": "agent", "id": ids["B"], "time": None, "good": 0, "bad": 1, "rated": 1, "percent_good": 0.0},
        {"scope": "group", "id": G1, "time": None, "good": 1, "bad": 0, "rated": 1, "percent_good": 100.0},
        {"scope": "group", "id": G2, "time": None, "good": 0, "bad": 1, "rated": 1, "percent_good": 0.0},
        {"scope": "period", "id": None, "time": iso(D1), "good": 1, "bad": 1, "rated": 2,
         "percent_good": 50.0}]
    assert rows(c, "calls", **RANGE) == [
        {"inbound": 3, "answered": 1, "missed": 1, "abandoned": 1, "voicemail": 0, "answer_rate": 33.3,
         "abandon_rate": 33.3, "wait_lt_10": 1, "wait_lt_20": 0, "wait_lt_30": 1, "wait_lt_60": 0,
         "wait_ge_60": 1, "outbound": 0}]
    assert rows(c, "calls", agent_id=ids["A"], **RANGE)[0]["inbound"] == 1
    # Three visitors were shown articles before asking; one said it helped.
    # No ticket got suggestions (the help center has no articles).
    assert rows(c, "deflection", **RANGE) == [
        {"shown": 3, "resolved": 1, "resolution_rate": 33.3, "tickets_with_suggestions": 0,
         "solved_without_agent_reply": 0, "self_service_rate": 0.0}]
    assert rows(c, "deflection", start_time=D2 // 1000, end_time=(D2 + DAY) // 1000)[0]["shown"] == 0
    # No SLA policies on this branch's routing: no warnings, no breaches.
    assert rows(c, "sla", **RANGE) == []


def check_now(s, c, ids):
    at(s, kst(D2, 9), QUERY)
    # Agents with open work: A 3, B 1, C 1 (median 1): A's load is out of
    # line. Groups: G1 2 tickets / 2 members, G3 1 ticket and no members.
    assert rows(c, "bottlenecks") == [
        {"kind": "group", "id": ids["G3"], "open": 1, "capacity": 0, "load": 1.0,
         "oldest_age_seconds": 82680, "median_load": 1.0, "median_oldest_age_seconds": 82680,
         "reasons": "no_members"},
        {"kind": "agent", "id": ids["A"], "open": 3, "capacity": None, "load": 3.0,
         "oldest_age_seconds": 169200, "median_load": 1.0, "median_oldest_age_seconds": 169200,
         "reasons": "open_work"}]
    at(s, kst(D2, 9), QUERY)
    live = c.request("GET", REPORTS + "live")
    assert live.status == 200, live
    assert live.json == {"live": {
        "time": iso(D2 + 9 * HOUR),
        "queues": [
            {"group_id": None, "queued": 2, "open": 5, "longest_wait_seconds": 168900},
            {"group_id": ids["G1"], "queued": 0, "open": 2, "longest_wait_seconds": 0},
            {"group_id": ids["G3"], "queued": 1, "open": 1, "longest_wait_seconds": 82680}],
        "longest_wait_seconds": 168900,
        "calls_today": {"inbound": 1, "answered": 1, "answer_rate": 100.0},
        "sla_today": {"achieved": 0, "breached": 0, "achievement_rate": None},
        "agents_by_state": {"상담준비": 1, "offline": 1}}}, live.json


def check_csv(c, ids):
    r = get(c, "volume", format="csv", interval="day", **RANGE)
    assert r.status == 200, r
    assert r.headers["content-type"] == "text/csv; charset=utf-8", r.headers
    assert r.raw == ('\ufeff"time","channel","tickets"\r\n'
                      f'"{iso(D0)}","web",1\r\n'
                      f'"{iso(D0)}","api",2\r\n'
                      f'"{iso(D0)}","voice",2\r\n'
                      f'"{iso(D1)}","api",3\r\n'
                      f'"{iso(D1)}","voice",1\r\n').encode(), r.raw
    k = get(c, "keywords", format="csv", channel="api", start_time=D1 // 1000, end_time=D2 // 1000)
    text = k.raw.decode("utf-8")
    assert text.startswith('\ufeff"rank","term","tickets","previous_tickets","change"\r\n')
    assert '\r\n1,"그인",1,0,1\r\n' in text, text
    a = get(c, "assignment", format="csv", **RANGE).raw.decode("utf-8").split("\r\n")
    assert a[1] == ",2,2,0,0,2,2,4" and a[2] == f"{ids['G1']},0,2,0,0,2,0,2", a


def all_reports(s, c, ids):
    at(s, kst(D2, 9), QUERY)
    out = {}
    for name in ["volume", "heatmap", "backlog", "assignment", "times", "sla", "csat", "agents",
                 "calls", "keywords", "deflection"]:
        out[name] = get(c, name, **RANGE).raw
        out[name + ".csv"] = get(c, name, format="csv", **RANGE).raw
    out["tag"] = get(c, "volume", tag="배송", **RANGE).raw
    # Reports of "now": the same business second for both runs.
    at(s, kst(D2, 9), QUERY)
    out["bottlenecks"] = get(c, "bottlenecks").raw
    at(s, kst(D2, 9), QUERY)
    out["live"] = c.request("GET", REPORTS + "live").raw
    return out


def golden(s, c, ids):
    """Every report's and every ticket-metrics endpoint's bytes, against
    tests/integration/golden/reports.json (report_golden.py)."""
    out = all_reports(s, c, ids)
    at(s, kst(D2, 9), QUERY)
    for fmt in ("json", "csv"):
        out["proficiency." + fmt] = get(c, "proficiency", format=fmt, **RANGE).raw
    out["teams"] = c.request("POST", "/api/v2/hd/teams/suggest", {
        "agent_ids": [ids["A"], ids["B"], ids["C"]], "teams": 2,
        "period": {"start_time": iso(D0), "end_time": iso(D2)}}).raw
    for path in ("/api/v2/ticket_metrics.json", "/api/v2/incremental/ticket_metric_events.json?start_time=1",
                 "/api/v2/satisfaction_ratings.json", "/api/v2/satisfaction_ratings.json?score=good",
                 "/api/v2/hd/satisfaction_ratings/summary?group_by=agent",
                 "/api/v2/hd/satisfaction_ratings/summary?group_by=group"):
        r = c.request("GET", path)
        assert r.status == 200, (path, r)
        out[path] = r.raw
    tickets = [m["ticket_id"] for m in json.loads(out["/api/v2/ticket_metrics.json"])["ticket_metrics"]]
    for tid in tickets[:2]:
        out[f"/api/v2/tickets/{{t}}/metrics {tickets.index(tid)}"] = c.request(
            "GET", f"/api/v2/tickets/{tid}/metrics.json").raw
    rating = json.loads(out["/api/v2/satisfaction_ratings.json"])["satisfaction_ratings"][0]["id"]
    out["/api/v2/satisfaction_ratings/{r}"] = c.request(
        "GET", f"/api/v2/satisfaction_ratings/{rating}.json").raw
    users = c.request("GET", "/api/v2/users.json").json["users"]
    names = {v: k for k, v in ids.items()}
    names.update({u["id"]: "U" + str(u["email"] or u["name"]) for u in users if u["id"] not in names})
    report_golden.check({k: report_golden.normalize(v, D0, names) for k, v in out.items()})


def check_hostile(s, c, ids):
    def bad(status, field=None, **q):
        r = get(c, "volume", **q)
        assert r.status == status, (q, r)
        if field and status == 422:
            assert r.json["error"] == "RecordInvalid" and field in r.json["details"], r
        elif field:
            assert field in r.json["description"], r
    bad(400, "start_time", start_time="어제")
    bad(400, "group_id", group_id="-1")
    bad(400, "agent_id", agent_id="0")
    bad(400, "tag", tag="%FF%FE")
    bad(400, "channel", channel="x" * 300)
    bad(422, "channel", channel="fax")
    bad(422, "interval", interval="week")
    bad(422, "interval", interval="minute", start_time=D0 // 1000, end_time=(D2 + DAY) // 1000)
    bad(422, "filters", group_id=ids["G1"], channel="api")
    bad(422, "format", format="xml")
    bad(422, "start_time", start_time=D2 // 1000, end_time=D0 // 1000)
    bad(422, "end_time", start_time=1, end_time=D2 // 1000)
    assert get(c, "csat", tag="배송").status == 422
    assert get(c, "deflection", group_id=ids["G1"]).status == 422
    assert get(c, "nosuch").status == 404
    assert get(c, "volume/extra").status == 404


def test_reports(ctx):
    # The clock runs weeks ahead of the events stamped at start (the admin's
    # user): keep outboxes by count, not by age, so the replay finds them.
    with Suite(ctx.bin_dir, env={"HD_OUTBOX_RETENTION_HOURS": "0"}).start() as s:
        ids = build(s, ctx.tools_dir)
        s.wait_converged()
        c = s.client()
        check_flow(c, ids)
        check_work(c, ids)
        check_now(s, c, ids)
        check_csv(c, ids)
        check_hostile(s, c, ids)
        # End-users see no reports.
        eu = password_client(s, c, c.request("POST", "/api/v2/users.json", {"user": {
            "name": "한고객", "email": "han@example.kr"}}).json["user"]["id"], "han@example.kr")
        assert eu.request("GET", REPORTS + "volume").status == 403
        assert eu.request("GET", REPORTS + "live").status == 403
        s.wait_converged()
        golden(s, c, ids)
        first = all_reports(s, c, ids)
        # Replay: a fresh metrics store pulls every event again.
        s.stop_service("metrics")
        shutil.rmtree(os.path.join(s.data, "metrics-0"))
        s.start_service("metrics")
        s.wait_ready("metrics")
        s.wait_converged()
        again = all_reports(s, c, ids)
        for k in first:
            assert first[k] == again[k], (k, first[k], again[k])
