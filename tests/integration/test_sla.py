"""SLA policies, business hours and breach timers (API.md §8; issue 5 items
3, 4, 5, 7): a Seoul schedule 09:00–18:00 with lunch 12:00–13:00 and the
Korean 2026 holidays imported from tests/data/holidays/kr-2026.ics, the
business clock placed with suite.set_clock_offset, alerts read from
routing's outbox (events.since) with tests/tools/hd-events."""
import datetime
import os
import time

from harness import Suite, wait_until
from outbox import payloads
from test_tickets_api import end_user

KST = datetime.timezone(datetime.timedelta(hours=9))
BH = "/api/v2/business_hours/schedules"
ICS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "holidays", "kr-2026.ics")
# Monday to Friday, 09:00–12:00 and 13:00–18:00, in minutes from Sunday 00:00.
SEOUL_WEEK = [{"start_time": d * 1440 + a, "end_time": d * 1440 + b}
              for d in range(1, 6) for a, b in ((540, 720), (780, 1080))]


def kst_ms(y, mo, d, h, mi):
    return int(datetime.datetime(y, mo, d, h, mi, tzinfo=KST).timestamp() * 1000)


def place(s, ms):
    """Put the suite's business clock at ms (it runs on from there)."""
    s.set_clock_offset(ms - int(time.time() * 1000))


def iso_ms(iso):
    return int(datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def ms_iso(ms):
    return datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def events(s, ctx):
    return payloads(ctx, s, "routing-0", lambda t: t.startswith("sla.") or t == "rule.notification")


def alerts(s, ctx, ticket, kind, metric):
    return [e for e in events(s, ctx) if e["type"] == kind and e.get("ticket_id") == ticket
            and e.get("metric") == metric]


def wait_for(fn, what, timeout=20):
    return wait_until(fn, timeout, what, step=0.1)


def slas(c, tid):
    r = c.request("GET", f"/api/v2/tickets/{tid}.json?include=slas")
    assert r.status == 200, r
    return {m["metric"]: m for m in r.json["ticket"]["slas"]["policy_metrics"]}


def seoul_schedule(c):
    r = c.request("POST", BH, {"schedule": {"name": "서울 본사", "time_zone": "Asia/Seoul"}})
    assert r.status == 201, r
    sid = r.json["schedule"]["id"]
    assert r.json["schedule"]["time_zone"] == "Asia/Seoul" and r.json["schedule"]["intervals"] == []
    w = c.request("PUT", f"{BH}/{sid}/workweek", {"workweek": {"intervals": SEOUL_WEEK}})
    assert w.status == 200, w
    assert w.json["workweek"]["intervals"] == SEOUL_WEEK
    with open(ICS, "rb") as f:
        ics = f.read()
    imp = c.request("POST", f"/api/v2/hd/business_hours/schedules/{sid}/holidays/import", ics,
                    headers={"Content-Type": "text/calendar; charset=utf-8"})
    assert imp.status == 200, imp
    assert imp.json["count"] == 16, imp.json
    again = c.request("POST", f"/api/v2/hd/business_hours/schedules/{sid}/holidays/import", ics,
                      headers={"Content-Type": "text/calendar; charset=utf-8"})
    assert again.status == 200 and again.json["count"] == 0, again  # same file: nothing new
    hol = {h["name"]: h for h in c.request("GET", f"{BH}/{sid}/holidays").json["holidays"]}
    assert len(hol) == 16, hol
    # Folded line and escaped comma; a multi-day event with an exclusive DTEND.
    seol = hol["설날 연휴, 전날·당일·다음날"]
    assert (seol["start_date"], seol["end_date"]) == ("2026-02-16", "2026-02-18"), seol
    assert (hol["추석 연휴"]["start_date"], hol["추석 연휴"]["end_date"]) == ("2026-09-24", "2026-09-26")
    sub = hol["대체공휴일(삼일절)"]
    assert (sub["start_date"], sub["end_date"]) == ("2026-03-02", "2026-03-02"), sub
    return sid


def policy(c, sid):
    r = c.request("POST", "/api/v2/slas/policies", {"sla_policy": {
        "title": "기본 응답 SLA", "description": "평일 업무시간 기준",
        "filter": {"all": [{"field": "status", "operator": "less_than", "value": "solved"}], "any": []},
        "policy_metrics": [
            {"priority": "normal", "metric": "first_reply_time", "target": 60, "business_hours": True},
            {"priority": "normal", "metric": "requester_wait_time", "target": 120, "business_hours": True},
            {"priority": "urgent", "metric": "first_reply_time", "target": 30, "business_hours": True}],
        "hd_schedule_id": sid,
        "hd_escalations": [{"on": "breach", "metric": "first_reply_time", "actions": [
            {"field": "priority", "value": "urgent"},
            {"field": "notification_user", "value": [1, "SLA 위반: {{ticket.id}}", "첫 응답 시간 초과"]}]}]}})
    assert r.status == 201, r
    p = r.json["sla_policy"]
    assert p["url"].endswith(f"/api/v2/slas/policies/{p['id']}.json") and p["position"] == 1
    assert p["policy_metrics"][0]["target_in_seconds"] == 3600
    return p


def new_ticket(c, subject, email):
    r = c.request("POST", "/api/v2/tickets.json", {"ticket": {
        "subject": subject, "comment": {"body": "주문한 상품이 아직 도착하지 않았어요."},
        "priority": "normal", "requester": {"name": "김고객", "email": email}}})
    assert r.status == 201, r
    return r.json["ticket"]


def same_second(created_iso, expected_ms):
    """breach_at of a clock that ran without pause since creation keeps the
    creation's sub-minute part; expected_ms is the minute it must fall in."""
    return ms_iso(expected_ms + (iso_ms(created_iso) % 60000))


def test_sla_business_hours_timers_and_escalation(ctx):
    # The clock jumps by months: keep the outbox by count, not by age.
    env = {"HD_ROUTING_TICK_MS": "100", "HD_OUTBOX_RETENTION_HOURS": "0"}
    with Suite(ctx.bin_dir, env=env).start() as s:
        c = s.client()
        sid = seoul_schedule(c)
        pol = policy(c, sid)

        # Friday 17:30 KST, 60 business minutes: Monday 09:30.
        place(s, kst_ms(2026, 1, 9, 17, 30))
        t1 = new_ticket(c, "배송 지연 1", "kim1@example.kr")
        t2 = new_ticket(c, "배송 지연 2", "kim2@example.kr")
        m1 = wait_for(lambda: slas(c, t1["id"]) or None, "t1 SLA")
        assert m1["first_reply_time"]["stage"] == "active", m1
        assert m1["first_reply_time"]["breach_at"] == same_second(t1["created_at"], kst_ms(2026, 1, 12, 9, 30)), m1
        # Requester wait 120: 30 on Friday, 90 on Monday → 10:30.
        assert m1["requester_wait_time"]["breach_at"] == same_second(t1["created_at"], kst_ms(2026, 1, 12, 10, 30))
        assert m1["first_reply_time"]["hours"] == 1, m1  # 60 business minutes left
        assert m1["requester_wait_time"]["hours"] == 2, m1
        listed = c.request("GET", "/api/v2/tickets.json?include=slas").json["tickets"]
        in_list = {t["id"]: t["slas"]["policy_metrics"] for t in listed}
        assert {m["metric"] for m in in_list[t1["id"]]} == {"first_reply_time", "requester_wait_time"}, in_list

        # Monday 09:05: a public agent reply and pending in one update.
        place(s, kst_ms(2026, 1, 12, 9, 5))
        r = c.request("PUT", f"/api/v2/tickets/{t1['id']}.json", {"ticket": {
            "status": "pending", "comment": {"body": "확인 후 안내드리겠습니다.", "public": True}}})
        assert r.status == 200, r
        m1 = wait_for(lambda: (lambda m: m if m["first_reply_time"]["stage"] == "achieved" else None)(
            slas(c, t1["id"])), "first reply achieved")
        assert m1["first_reply_time"]["breach_at"] is None
        rwt = m1["requester_wait_time"]
        assert rwt["stage"] == "paused" and rwt["breach_at"] is None, rwt
        assert rwt["hours"] == 1, rwt  # 85 of 120 left: 30 used Friday, 5 Monday
        # One business hour pending, then open again: breach moves by that hour.
        place(s, kst_ms(2026, 1, 12, 10, 5))
        r = c.request("PUT", f"/api/v2/tickets/{t1['id']}.json", {"ticket": {"status": "open"}})
        assert r.status == 200, r
        rwt = wait_for(lambda: (lambda m: m if m["stage"] == "active" else None)(
            slas(c, t1["id"])["requester_wait_time"]), "requester wait resumed")
        assert abs(iso_ms(rwt["breach_at"]) - kst_ms(2026, 1, 12, 11, 30)) <= 2000, rwt  # was 10:30

        # t2: warning at 75 % (09:15), breach at 09:30, each emitted once.
        place(s, kst_ms(2026, 1, 12, 9, 20) + 3600 * 1000)  # 10:20: both due
        wait_for(lambda: alerts(s, ctx, t2["id"], "sla.breached", "first_reply_time"), "t2 breach")
        warn = alerts(s, ctx, t2["id"], "sla.warning", "first_reply_time")
        assert len(warn) == 1, warn
        br = alerts(s, ctx, t2["id"], "sla.breached", "first_reply_time")
        assert len(br) == 1 and br[0]["policy_id"] == pol["id"] and br[0]["policy_title"] == "기본 응답 SLA", br
        assert br[0]["breach_at"] == iso_ms(same_second(t2["created_at"], kst_ms(2026, 1, 12, 9, 30))) + \
            (br[0]["breach_at"] % 1000), br
        assert warn[0]["seq"] < br[0]["seq"]
        # The escalation: priority raised through the command queue, a manager notified.
        wait_for(lambda: c.request("GET", f"/api/v2/tickets/{t2['id']}.json").json["ticket"]["priority"] == "urgent",
                 "escalated priority")
        notes = [e for e in events(s, ctx) if e["type"] == "rule.notification" and e["ticket_id"] == t2["id"]]
        assert len(notes) == 1 and notes[0]["rule_kind"] == "sla_escalation" and notes[0]["target_id"] == 1, notes
        assert notes[0]["subject"] == "SLA 위반: {{ticket.id}}" and notes[0]["rule_id"] == pol["id"]
        audits = c.request("GET", f"/api/v2/tickets/{t2['id']}/audits.json").json["audits"]
        rule = [a for a in audits if any(e.get("field_name") == "priority" and e.get("value") == "urgent"
                                         for e in a["events"])]
        assert len(rule) == 1, audits
        change = [e for e in rule[0]["events"] if e.get("field_name") == "priority"][0]
        assert change["previous_value"] == "normal", change
        assert rule[0]["via"]["channel"] == "rule", rule
        src = rule[0]["via"]["source"]
        assert src["rel"] == "sla_escalation" and src["from"]["id"] == pol["id"], src
        assert src["from"]["title"] == "기본 응답 SLA" and src["from"]["metric"] == "first_reply_time", src
        # t1's first reply was achieved in time: its timers were cancelled.
        time.sleep(1)
        assert alerts(s, ctx, t1["id"], "sla.breached", "first_reply_time") == []
        assert len(alerts(s, ctx, t2["id"], "sla.breached", "first_reply_time")) == 1

        # Friday 27 February 17:30; Monday 2 March is 대체공휴일: Tuesday 09:30.
        place(s, kst_ms(2026, 2, 27, 17, 30) + 500)  # never exactly :00.000
        t3 = new_ticket(c, "환불 문의", "lee@example.kr")
        m3 = wait_for(lambda: slas(c, t3["id"]) or None, "t3 SLA")
        assert m3["first_reply_time"]["breach_at"] == same_second(t3["created_at"], kst_ms(2026, 3, 3, 9, 30)), m3

        # Routing down while the breach falls: emitted once, right after restart.
        s.kill("routing")
        place(s, kst_ms(2026, 3, 3, 9, 45))
        s.restart("routing")
        wait_for(lambda: alerts(s, ctx, t3["id"], "sla.breached", "first_reply_time"), "t3 breach after restart")
        s.stop_service("routing")
        s.restart("routing")
        time.sleep(1)
        assert len(alerts(s, ctx, t3["id"], "sla.breached", "first_reply_time")) == 1
        assert len(alerts(s, ctx, t3["id"], "sla.warning", "first_reply_time")) == 1
        m3 = slas(c, t3["id"])
        # Escalated to urgent (30 minutes): already breached, so no second alert;
        # 30 business minutes from Friday 17:30:xx end just after Friday's
        # closing, so at Tuesday 09:00:xx; 45 business minutes overdue.
        assert c.request("GET", f"/api/v2/tickets/{t3['id']}.json").json["ticket"]["priority"] == "urgent"
        frt = m3["first_reply_time"]
        assert frt["stage"] == "active" and frt["minutes"] == -45, m3
        assert frt["breach_at"] == same_second(t3["created_at"], kst_ms(2026, 3, 3, 9, 0)), frt

        # A schedule change re-times open tickets at once: a new holiday on
        # the breach day moves Thursday 09:30 to Friday 09:30.
        place(s, kst_ms(2026, 4, 8, 17, 30) + 500)
        t4 = new_ticket(c, "교환 요청", "park@example.kr")
        m4 = wait_for(lambda: slas(c, t4["id"]) or None, "t4 SLA")
        assert m4["first_reply_time"]["breach_at"] == same_second(t4["created_at"], kst_ms(2026, 4, 9, 9, 30)), m4
        r = c.request("POST", f"{BH}/{sid}/holidays", {"holiday": {
            "name": "임시 휴무", "start_date": "2026-04-09", "end_date": "2026-04-09"}})
        assert r.status == 201, r
        m4 = slas(c, t4["id"])
        assert m4["first_reply_time"]["breach_at"] == same_second(t4["created_at"], kst_ms(2026, 4, 10, 9, 30)), m4


def details(r, field):
    assert r.status == 422, r
    assert r.json["error"] == "RecordInvalid", r.json
    assert field in r.json["details"], r.json
    return r.json["details"][field][0]["description"]


def test_sla_policies_and_schedules_api(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        # Schedules: default zone, Zendesk names, validation naming the field.
        r = c.request("POST", BH, {"schedule": {"name": "부산 지점"}})
        assert r.status == 201 and r.json["schedule"]["time_zone"] == "Asia/Seoul", r
        sid = r.json["schedule"]["id"]
        assert r.headers["location"].endswith(f"{BH}/{sid}.json"), r.headers
        r = c.request("POST", BH, {"schedule": {"name": "NY", "time_zone": "Eastern Time (US & Canada)",
                                                "intervals": [{"start_time": 1980, "end_time": 2460}]}})
        assert r.status == 201 and r.json["schedule"]["intervals"] == [{"start_time": 1980, "end_time": 2460}], r
        ny = r.json["schedule"]["id"]
        details(c.request("POST", BH, {"schedule": {"name": "x", "time_zone": "Mars/Olympus"}}), "time_zone")
        details(c.request("POST", BH, {"schedule": {"name": "x", "time_zone": "../../etc/passwd"}}), "time_zone")
        details(c.request("POST", BH, {"schedule": {"time_zone": "Asia/Seoul"}}), "name")
        assert "within one day" in details(c.request("PUT", f"{BH}/{sid}/workweek", {"workweek": {
            "intervals": [{"start_time": 1380, "end_time": 1500}]}}), "intervals")
        details(c.request("PUT", f"{BH}/{sid}/workweek", {"workweek": {"intervals": [{"start_time": "9"}]}}),
                "intervals")
        details(c.request("PUT", f"{BH}/{sid}/workweek", {"workweek": {}}), "intervals")
        r = c.request("PUT", f"{BH}/{sid}", {"schedule": {"name": "부산 지점 (수정)"}})
        assert r.status == 200 and r.json["schedule"]["name"] == "부산 지점 (수정)", r
        listed = c.request("GET", BH).json["schedules"]
        assert [x["id"] for x in listed] == [sid, ny], listed
        assert c.request("GET", f"{BH}/999999").status == 404
        # Holidays CRUD.
        r = c.request("POST", f"{BH}/{sid}/holidays", {"holiday": {
            "name": "창립기념일", "start_date": "2026-04-10", "end_date": "2026-04-10"}})
        assert r.status == 201, r
        hid = r.json["holiday"]["id"]
        r = c.request("PUT", f"{BH}/{sid}/holidays/{hid}", {"holiday": {"end_date": "2026-04-11"}})
        assert r.status == 200 and r.json["holiday"]["end_date"] == "2026-04-11", r
        assert c.request("GET", f"{BH}/{sid}/holidays/{hid}").json["holiday"]["name"] == "창립기념일"
        details(c.request("POST", f"{BH}/{sid}/holidays", {"holiday": {
            "name": "x", "start_date": "2026-02-30", "end_date": "2026-03-01"}}), "start_date")
        details(c.request("POST", f"{BH}/{sid}/holidays", {"holiday": {
            "name": "x", "start_date": "2026-03-02", "end_date": "2026-03-01"}}), "end_date")
        assert c.request("DELETE", f"{BH}/{sid}/holidays/{hid}").status == 204
        assert c.request("GET", f"{BH}/{sid}/holidays/{hid}").status == 404
        # iCalendar errors name the line; hostile bodies never crash routing.
        imp = f"/api/v2/hd/business_hours/schedules/{sid}/holidays/import"
        ct = {"Content-Type": "text/calendar"}
        bad = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nDTSTART;VALUE=DATE:2026XX01\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        assert "line 4" in details(c.request("POST", imp, bad.encode(), headers=ct), "body")
        timed = bad.replace("2026XX01", "20260101T090000")
        assert "all-day" in details(c.request("POST", imp, timed.encode(), headers=ct), "body")
        for body in [b"", b"\xff\xfe\x00garbage", b"BEGIN:VCALENDAR\r\n" + b"X" * 20000 + b"\r\n",
                     b"BEGIN:VCALENDAR\r\n" + b"BEGIN:X\r\n" * 50, b"END:VEVENT\r\n",
                     b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nEND:VEVENT\r\nEND:VCALENDAR",
                     b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nDTSTART;VALUE=DATE:20260105\r\n"
                     b"DTEND;VALUE=DATE:20260101\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"]:
            r = c.request("POST", imp, body, headers=ct)
            assert r.status == 422, (body[:40], r)
        assert c.request("GET", f"{BH}/{sid}/holidays").json["holidays"] == []  # nothing half-written

        # SLA policies: shape, validation, reorder, definitions.
        def pol(title, **extra):
            body = {"title": title, "policy_metrics": [
                {"priority": "high", "metric": "first_reply_time", "target": 30, "business_hours": False}]}
            body.update(extra)
            return c.request("POST", "/api/v2/slas/policies", {"sla_policy": body})
        a = pol("VIP", filter={"all": [{"field": "current_tags", "operator": "includes", "value": "vip"}], "any": []})
        assert a.status == 201, a
        a = a.json["sla_policy"]
        assert a["filter"]["all"][0]["value"] == "vip" and a["position"] == 1 and a["created_at"].endswith("Z"), a
        b = pol("기본", hd_schedule_id=ny).json["sla_policy"]
        assert b["position"] == 2 and b["hd_schedule_id"] == ny, b
        details(pol(""), "title")
        details(pol("x", policy_metrics=[{"priority": "high", "metric": "coffee_time", "target": 3}]),
                "policy_metrics")
        details(pol("x", policy_metrics=[{"priority": "high", "metric": "first_reply_time", "target": 0}]),
                "policy_metrics")
        details(pol("x", policy_metrics=[{"priority": "high", "metric": "first_reply_time", "target": 5}] * 2),
                "policy_metrics")
        details(pol("x", filter={"all": [{"field": "nope", "operator": "is", "value": "1"}]}), "filter")
        details(pol("x", filter={"all": "status"}), "filter")
        details(pol("x", hd_schedule_id=424242), "hd_schedule_id")
        details(pol("x", hd_escalations=[{"on": "later", "actions": []}]), "hd_escalations")
        details(pol("x", hd_escalations=[{"on": "breach", "actions": [{"field": "priority", "value": "asap"}]}]),
                "hd_escalations")
        r = c.request("PUT", "/api/v2/slas/policies/reorder", {"sla_policy_ids": [b["id"], a["id"]]})
        assert r.status == 200, r
        listed = c.request("GET", "/api/v2/slas/policies").json
        assert [p["id"] for p in listed["sla_policies"]] == [b["id"], a["id"]] and listed["count"] == 2, listed
        assert listed["sla_policies"][0]["url"].endswith(f"/slas/policies/{b['id']}.json")
        details(c.request("PUT", "/api/v2/slas/policies/reorder", {"sla_policy_ids": [777]}), "sla_policy_ids")
        r = c.request("PUT", f"/api/v2/slas/policies/{a['id']}", {"sla_policy": {"title": "VIP 고객"}})
        assert r.status == 200 and r.json["sla_policy"]["title"] == "VIP 고객", r
        assert r.json["sla_policy"]["policy_metrics"] == a["policy_metrics"]
        d = c.request("GET", "/api/v2/slas/policies/definitions")
        assert d.status == 200 and any(x["value"] == "priority" for x in d.json["definitions"]["all"]), d
        assert c.request("DELETE", f"/api/v2/slas/policies/{a['id']}").status == 204
        assert c.request("GET", f"/api/v2/slas/policies/{a['id']}").status == 404
        # End-users may not read or change them; agents read.
        _, eu = end_user(s, "customer@example.kr")
        assert eu.request("GET", "/api/v2/slas/policies").status == 403
        assert eu.request("GET", BH).status == 403
        assert eu.request("POST", BH, {"schedule": {"name": "x"}}).status == 403
        t = eu.request("POST", "/api/v2/tickets.json", {"ticket": {"subject": "문의", "comment": {"body": "안녕하세요"}}})
        assert t.status == 201, t
        shown = eu.request("GET", f"/api/v2/tickets/{t.json['ticket']['id']}.json?include=slas")
        assert shown.status == 200 and "slas" not in shown.json["ticket"], shown


def test_sla_long_pause_history_keeps_exact_time(ctx):
    """A ticket flipped between pending and open 70 times (more spans than a
    clock keeps) still has every paused minute added to its breach time."""
    with Suite(ctx.bin_dir, env={"HD_ROUTING_TICK_MS": "100"}).start() as s:
        c = s.client()
        r = c.request("POST", "/api/v2/slas/policies", {"sla_policy": {"title": "대기 시간", "policy_metrics": [
            {"priority": "high", "metric": "requester_wait_time", "target": 600, "business_hours": False}]}})
        assert r.status == 201, r
        place(s, kst_ms(2026, 5, 6, 10, 0))
        r = c.request("POST", "/api/v2/tickets.json", {"ticket": {
            "subject": "반복 보류", "comment": {"body": "확인 부탁드립니다"}, "priority": "high"}})
        assert r.status == 201, r
        t = r.json["ticket"]
        t0 = time.time()
        for _ in range(70):
            assert c.request("PUT", f"/api/v2/tickets/{t['id']}.json", {"ticket": {"status": "pending"}}).status == 200
            s.advance_clock(60000)
            assert c.request("PUT", f"/api/v2/tickets/{t['id']}.json", {"ticket": {"status": "open"}}).status == 200
            s.advance_clock(60000)
        real_ms = int((time.time() - t0) * 1000)
        # Read the clock only once routing has applied every status change:
        # with 69 of the 70 applied it is already active and past 669
        # minutes (69 pauses plus their real seconds), 59 s short.
        s.wait_converged()
        rwt = slas(c, t["id"])["requester_wait_time"]
        assert rwt["stage"] == "active", rwt
        # Each pause is its business minute plus the real time between the
        # two writes (a PUT and a clock write: milliseconds idle, far more
        # on a loaded machine), so the breach lies between 670 minutes after
        # creation and that plus the loop's real time; the times shown are
        # whole seconds.
        expected = iso_ms(t["created_at"]) + (600 + 70) * 60000
        got = iso_ms(rwt["breach_at"])
        assert expected - 2000 <= got <= expected + real_ms + 2000, (rwt, ms_iso(expected), real_ms)
