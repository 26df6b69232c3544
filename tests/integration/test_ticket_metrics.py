"""Ticket metrics, metric events, satisfaction ratings and the incremental
export (API.md §9, §10, §12; issue 8 items 1, 2, 5 and the deterministic
scenario). The business clock is placed with suite.set_clock_offset at each
step of a scripted timeline in Seoul business hours (09:00–18:00, lunch
12:00–13:00, a holiday), and every metric is checked against minutes worked
out by hand below. Replaying the event log into an empty metrics store must
give the same answers."""
import datetime
import os
import shutil
import time

from harness import Suite, wait_until
from test_tickets_api import end_user

KST = datetime.timezone(datetime.timedelta(hours=9))
BH = "/api/v2/business_hours/schedules"
# Monday to Friday, 09:00–12:00 and 13:00–18:00, in minutes from Sunday 00:00.
SEOUL_WEEK = [{"start_time": d * 1440 + a, "end_time": d * 1440 + b}
              for d in range(1, 6) for a, b in ((540, 720), (780, 1080))]


def kst(day, h, mi):
    """ms of 2026-03-<day> h:mi in Seoul (2026-03-02 is a Monday)."""
    return int(datetime.datetime(2026, 3, day, h, mi, tzinfo=KST).timestamp() * 1000)


def place(s, ms):
    s.set_clock_offset(ms - int(time.time() * 1000))


def iso_ms(iso):
    return int(datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def assert_at(iso, ms, what):
    """The services stamp real time + offset, and real time runs on for the
    few ms a request takes after the clock was placed: a stamp is at or just
    after the placed instant, never before it."""
    got = iso_ms(iso)
    assert ms <= got < ms + 5000, f"{what}: {iso} is not at {ms}"


def wait_for(fn, what, timeout=20):
    return wait_until(fn, timeout, what)


def seoul_schedule(c):
    r = c.request("POST", BH, {"schedule": {"name": "서울 본사", "time_zone": "Asia/Seoul"}})
    assert r.status == 201, r
    sid = r.json["schedule"]["id"]
    w = c.request("PUT", f"{BH}/{sid}/workweek", {"workweek": {"intervals": SEOUL_WEEK}})
    assert w.status == 200, w
    h = c.request("POST", f"{BH}/{sid}/holidays",
                  {"holiday": {"name": "임시공휴일", "start_date": "2026-03-03", "end_date": "2026-03-03"}})
    assert h.status == 201, h
    return sid


def put(c, tid, **fields):
    r = c.request("PUT", f"/api/v2/tickets/{tid}.json", {"ticket": fields})
    assert r.status == 200, r
    return r.json["ticket"]


def metrics_of(c, tid, updated_after=None):
    def get():
        r = c.request("GET", f"/api/v2/tickets/{tid}/metrics.json")
        if r.status == 200 and (updated_after is None or
                                iso_ms(r.json["ticket_metric"]["updated_at"]) >= updated_after):
            return r.json["ticket_metric"]
        return None
    return wait_for(get, f"metrics of ticket {tid}")


def scenario(s, c, uc, requester, admin_id):
    """The scripted timeline; returns the ticket id and each step's instant."""
    T = {"created": kst(2, 8, 50), "assigned": kst(2, 9, 30), "replied": kst(2, 11, 40),
         "pending": kst(2, 11, 50), "requester1": kst(2, 13, 20), "solved1": kst(2, 17, 30),
         "reopened": kst(3, 10, 0), "hold": kst(4, 9, 40), "solved2": kst(4, 10, 10),
         "rated": kst(4, 10, 20)}
    place(s, T["created"])
    r = uc.request("POST", "/api/v2/tickets.json",
                   {"ticket": {"subject": "환불 요청", "comment": {"body": "주문한 상품을 환불하고 싶습니다."}}})
    assert r.status == 201, r
    tid = r.json["ticket"]["id"]
    assert r.json["ticket"]["status"] == "new"
    place(s, T["assigned"])
    assert put(c, tid, assignee_id=admin_id)["status"] == "open"
    place(s, T["replied"])
    put(c, tid, comment={"body": "확인 후 환불 도와드리겠습니다. 주문번호를 알려주세요.", "public": True})
    place(s, T["pending"])
    put(c, tid, status="pending")
    place(s, T["requester1"])
    # The requester answers; the agent reopens the ticket at the same instant.
    r = uc.request("PUT", f"/api/v2/tickets/{tid}.json", {"ticket": {"comment": {"body": "주문번호는 2026-0302 입니다."}}})
    assert r.status == 200, r
    put(c, tid, status="open")
    place(s, T["solved1"])
    put(c, tid, status="solved")
    # Tuesday is a holiday: the requester writes again and the ticket reopens.
    place(s, T["reopened"])
    r = uc.request("PUT", f"/api/v2/tickets/{tid}.json", {"ticket": {"comment": {"body": "아직 환불이 안 되었어요."}}})
    assert r.status == 200, r
    put(c, tid, status="open")
    place(s, T["hold"])
    put(c, tid, status="hold")
    place(s, T["solved2"])
    put(c, tid, status="solved")
    place(s, T["rated"])
    r = uc.request("POST", f"/api/v2/tickets/{tid}/satisfaction_rating.json",
                   {"satisfaction_rating": {"score": "good", "comment": "친절한 답변 감사합니다"}})
    assert r.status == 200, r
    sr = r.json["satisfaction_rating"]
    assert sr["score"] == "good" and sr["comment"] == "친절한 답변 감사합니다" and sr["ticket_id"] == tid
    assert sr["requester_id"] == requester and sr["assignee_id"] == admin_id, sr
    return tid, T


def check_metrics(m, tid, T):
    assert m["id"] == tid and m["ticket_id"] == tid
    assert m["url"].endswith(f"/api/v2/ticket_metrics/{tid}.json"), m["url"]
    # Reply: Mon 08:50 → 11:40 = 170 min; business from the 09:00 opening:
    # 09:00 → 11:40 = 160.
    assert m["reply_time_in_minutes"] == {"calendar": 170, "business": 160}, m
    # Both stamps are the placed instant plus that request's own delay
    # (assert_at), so their difference may fall a second either side when
    # the create took longer than the reply (10199 seen on a busy machine).
    assert abs(m["reply_time_in_seconds"]["calendar"] - 170 * 60) <= 5, m
    # First resolution: Mon 08:50 → 17:30 = 520 min; business 09:00–12:00
    # (180) + 13:00–17:30 (270) = 450.
    assert m["first_resolution_time_in_minutes"] == {"calendar": 520, "business": 450}, m
    # Full resolution: Mon 08:50 → Wed 10:10 = 2 days (2880) + 80 = 2960;
    # business Mon 480 (9 h less lunch) + Tue 0 (holiday) + Wed 09:00–10:10
    # (70) = 550.
    assert m["full_resolution_time_in_minutes"] == {"calendar": 2960, "business": 550}, m
    # Agent wait (pending): Mon 11:50 → 13:20 = 90; business 11:50–12:00
    # (10) + 13:00–13:20 (20) = 30.
    assert m["agent_wait_time_in_minutes"] == {"calendar": 90, "business": 30}, m
    # Requester wait (new, open, hold):
    #   new  Mon 08:50 → 09:30    40 cal,  30 biz (from 09:00)
    #   open Mon 09:30 → 11:50   140 cal, 140 biz
    #   open Mon 13:20 → 17:30   250 cal, 250 biz
    #   open Tue 10:00 → Wed 09:40 1420 cal (23 h 40), 40 biz (holiday; Wed 09:00–09:40)
    #   hold Wed 09:40 → 10:10    30 cal,  30 biz
    #   = 1880 calendar, 490 business
    assert m["requester_wait_time_in_minutes"] == {"calendar": 1880, "business": 490}, m
    # On hold: Wed 09:40 → 10:10 = 30, all in business hours.
    assert m["on_hold_time_in_minutes"] == {"calendar": 30, "business": 30}, m
    # One reopen (solved Mon → open Tue), one public agent reply, one
    # assignee, no group.
    assert (m["reopens"], m["replies"], m["assignee_stations"], m["group_stations"]) == (1, 1, 1, 0), m
    assert_at(m["created_at"], T["created"], "created_at")
    assert_at(m["initially_assigned_at"], T["assigned"], "initially_assigned_at")
    assert_at(m["assigned_at"], T["assigned"], "assigned_at")
    assert_at(m["solved_at"], T["solved2"], "solved_at")
    assert_at(m["status_updated_at"], T["solved2"], "status_updated_at")
    # The requester's last comment was Tuesday's; the rating adds none.
    assert_at(m["latest_comment_added_at"], T["reopened"], "latest_comment_added_at")
    # The requester last changed the ticket by rating it; the assignee by
    # solving it.
    assert_at(m["requester_updated_at"], T["rated"], "requester_updated_at")
    assert_at(m["assignee_updated_at"], T["solved2"], "assignee_updated_at")
    assert_at(m["updated_at"], T["rated"], "updated_at")


def check_metric_events(c, tid, T):
    r = c.request("GET", f"/api/v2/incremental/ticket_metric_events.json?start_time={T['created'] // 1000}")
    assert r.status == 200, r
    evs = [e for e in r.json["ticket_metric_events"] if e["ticket_id"] == tid]
    seq = [(e["metric"], e["type"], e["instance_id"]) for e in evs]
    # At creation every stream starts, in this order (same instant, by id).
    assert seq[:4] == [("reply_time", "activate", 1), ("agent_work_time", "activate", 1),
                       ("requester_wait_time", "activate", 1), ("resolution_time", "activate", 1)], seq
    for want in [("reply_time", "fulfill", 1), ("reply_time", "update_status", 1),
                 ("agent_work_time", "pause", 1), ("requester_wait_time", "pause", 1),
                 ("resolution_time", "fulfill", 1), ("resolution_time", "activate", 2),
                 ("resolution_time", "fulfill", 2), ("agent_work_time", "fulfill", 2)]:
        assert want in seq, (want, seq)
    st = [e for e in evs if e["metric"] == "reply_time" and e["type"] == "update_status"][0]
    assert st["status"] == {"calendar": 170, "business": 160}, st
    res = [e for e in evs if e["metric"] == "resolution_time" and e["type"] == "update_status"]
    assert [e["status"] for e in res] == [{"calendar": 520, "business": 450},
                                          {"calendar": 2960, "business": 550}], res
    assert r.json["count"] == len(r.json["ticket_metric_events"]) and r.json["end_of_stream"] is True
    assert c.request("GET", "/api/v2/incremental/ticket_metric_events.json").status == 400
    assert c.request("GET", "/api/v2/incremental/ticket_metric_events.json?start_time=abc").status == 400
    return r.json


def check_ratings(s, c, uc, other, tid, requester, admin_id):
    # The rating sits on the ticket and in its audit.
    tk = c.request("GET", f"/api/v2/tickets/{tid}.json").json["ticket"]
    assert tk["satisfaction_rating"] == {"score": "good", "comment": "친절한 답변 감사합니다"}, tk
    audits = c.request("GET", f"/api/v2/tickets/{tid}/audits.json").json["audits"]
    assert any(e.get("field_name") == "satisfaction_rating" and e.get("value") == "good"
               for a in audits for e in a["events"]), audits[-1]
    one = wait_for(lambda: c.request("GET", f"/api/v2/satisfaction_ratings/{tid}.json").json.get("satisfaction_rating"),
                   "the rating in metrics")
    assert one["score"] == "good" and one["ticket_id"] == tid and one["assignee_id"] == admin_id
    for q, n in [("", 1), ("?score=good", 1), ("?score=good_with_comment", 1), ("?score=received", 1),
                 ("?score=bad", 0), ("?score=good_without_comment", 0), ("?score=offered", 0),
                 (f"?start_time={kst(4, 10, 30) // 1000}", 0), (f"?end_time={kst(4, 10, 0) // 1000}", 0),
                 (f"?start_time={kst(4, 10, 0) // 1000}&end_time={kst(4, 11, 0) // 1000}", 1)]:
        r = c.request("GET", f"/api/v2/satisfaction_ratings.json{q}")
        assert r.status == 200 and len(r.json["satisfaction_ratings"]) == n and r.json["count"] == n, (q, r)
    assert c.request("GET", "/api/v2/satisfaction_ratings.json?score=great").status == 422
    assert c.request("GET", "/api/v2/satisfaction_ratings.json?start_time=-5").status == 400
    assert uc.request("GET", "/api/v2/satisfaction_ratings.json").status == 403
    csat = c.request("GET", "/api/v2/hd/satisfaction_ratings/summary.json?group_by=agent").json
    assert csat["csat"] == [{"agent_id": admin_id, "good": 1, "bad": 0, "rated": 1,
                             "satisfaction_percent": 100.0}], csat
    assert c.request("GET", "/api/v2/hd/satisfaction_ratings/summary.json?group_by=planet").status == 422
    # Only the requester, only a solved ticket, only good or bad.
    rate = {"satisfaction_rating": {"score": "bad", "comment": "별로예요"}}
    assert other.request("POST", f"/api/v2/tickets/{tid}/satisfaction_rating.json", rate).status in (403, 404)
    assert c.request("POST", f"/api/v2/tickets/{tid}/satisfaction_rating.json", rate).status == 403
    r = uc.request("POST", f"/api/v2/tickets/{tid}/satisfaction_rating.json",
                   {"satisfaction_rating": {"score": "offered"}})
    assert r.status == 422 and "score" in r.json["details"], r
    r = uc.request("POST", f"/api/v2/tickets/{tid}/satisfaction_rating.json", {"satisfaction_rating": "good"})
    assert r.status == 400, r
    fresh = uc.request("POST", "/api/v2/tickets.json", {"ticket": {"subject": "배송 문의", "comment": {"body": "언제 오나요?"}}})
    fid = fresh.json["ticket"]["id"]
    r = uc.request("POST", f"/api/v2/tickets/{fid}/satisfaction_rating.json", rate)
    assert r.status == 422 and "status" in r.json["details"], r
    assert c.request("GET", f"/api/v2/tickets/{fid}.json").json["ticket"]["satisfaction_rating"] is None


def check_export(s, c, uc, tid):
    # A deleted ticket stays in the export, flagged.
    gone = uc.request("POST", "/api/v2/tickets.json", {"ticket": {"subject": "삭제될 문의", "comment": {"body": "테스트"}}})
    gid = gone.json["ticket"]["id"]
    assert c.request("DELETE", f"/api/v2/tickets/{gid}.json").status == 204
    # Changes of the last minute wait for the next call.
    s.advance_clock(61 * 1000)

    def cursor_all():
        r = c.request("GET", f"/api/v2/incremental/tickets/cursor.json?start_time={kst(2, 0, 0) // 1000}&per_page=1")
        pages, tickets = 0, []
        while True:
            assert r.status == 200, r
            tickets += r.json["tickets"]
            pages += 1
            assert r.json["before_cursor"] is None and r.json["after_cursor"]
            if r.json["end_of_stream"]:
                return tickets, pages
            assert r.json["after_url"].endswith("cursor=" + r.json["after_cursor"]), r.json
            r = c.request("GET", "/api/v2/incremental/tickets/cursor.json?per_page=1&cursor=" + r.json["after_cursor"])
    def has_all():
        # metrics applies the deletion after the creation: wait for it,
        # not only for the ticket to appear
        t, _ = cursor_all()
        gone_now = any(x["id"] == gid and x["status"] == "deleted" for x in t)
        return t if {tid, gid} <= {x["id"] for x in t} and gone_now else None
    tickets = wait_for(has_all, "the export to hold both tickets, the deleted one flagged")
    by_id = {t["id"]: t for t in tickets}
    assert len(by_id) == len(tickets), "each ticket once, at its newest state"
    assert by_id[tid]["status"] == "solved" and by_id[gid]["status"] == "deleted"
    assert all("generated_timestamp" in t for t in tickets)
    stamps = [t["generated_timestamp"] for t in tickets]
    assert stamps == sorted(stamps), stamps
    t = c.request("GET", f"/api/v2/incremental/tickets.json?start_time={kst(2, 0, 0) // 1000}")
    assert t.status == 200 and t.json["end_of_stream"] is True and t.json["count"] == len(t.json["tickets"]), t
    assert {tid, gid} <= {x["id"] for x in t.json["tickets"]}
    assert t.json["end_time"] == max(x["generated_timestamp"] for x in t.json["tickets"])
    assert t.json["next_page"].endswith(f"start_time={t.json['end_time']}")
    for bad in ["", "?start_time=x", "?start_time=1&per_page=1001", "?start_time=1&per_page=0"]:
        assert c.request("GET", f"/api/v2/incremental/tickets.json{bad}").status == 400, bad
    assert c.request("GET", "/api/v2/incremental/tickets/cursor.json?cursor=zz").status == 422
    assert uc.request("GET", "/api/v2/incremental/tickets.json?start_time=1").status == 403
    return tickets


def test_ticket_metrics_scenario_and_replay(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        sid = seoul_schedule(c)
        assert sid
        admin_id = c.request("GET", "/api/v2/users/me.json").json["user"]["id"]
        requester, uc = end_user(s, "minji@example.kr")
        _, other = end_user(s, "junho@example.kr")
        tid, T = scenario(s, c, uc, requester, admin_id)
        m = metrics_of(c, tid, updated_after=T["rated"])
        check_metrics(m, tid, T)
        assert c.request("GET", f"/api/v2/ticket_metrics/{tid}.json").json["ticket_metric"] == m
        lst = c.request("GET", "/api/v2/ticket_metrics.json?per_page=100").json
        assert m in lst["ticket_metrics"] and lst["count"] == len(lst["ticket_metrics"]), lst
        assert uc.request("GET", f"/api/v2/tickets/{tid}/metrics.json").status == 403
        assert c.request("GET", "/api/v2/ticket_metrics/99999999.json").status == 404
        events = check_metric_events(c, tid, T)
        check_ratings(s, c, uc, other, tid, requester, admin_id)
        exported = check_export(s, c, uc, tid)

        # Replay: metrics starts again on an empty store and pulls the whole
        # log from intake and routing; every answer must be the same.
        def answers():
            return {"metrics": c.request("GET", "/api/v2/ticket_metrics.json?per_page=100").json,
                    "events": c.request("GET", f"/api/v2/incremental/ticket_metric_events.json"
                                                f"?start_time={T['created'] // 1000}").json,
                    "ratings": c.request("GET", "/api/v2/satisfaction_ratings.json").json,
                    "export": c.request("GET", f"/api/v2/incremental/tickets.json"
                                               f"?start_time={kst(2, 0, 0) // 1000}").json}
        before = answers()
        mine = [e for e in before["events"]["ticket_metric_events"] if e["ticket_id"] == tid]
        assert mine == [e for e in events["ticket_metric_events"] if e["ticket_id"] == tid]
        assert len(before["export"]["tickets"]) == len(exported)
        assert s.stop_service("metrics") == 0
        shutil.rmtree(os.path.join(s.data, "metrics-0"))
        s.restart("metrics")
        s.wait_converged()
        after = wait_for(lambda: (lambda a: a if a == before else None)(answers()),
                         "replayed metrics to match", timeout=30)
        assert after == before
