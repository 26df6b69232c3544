"""SLA achievement (issue 8 item 3): routing publishes sla.achieved once
when a metric is fulfilled within its target, and metrics' sla report
counts achieved against breached per policy, metric, priority and group.
One ticket is replied to in time, one after its breach (test clock)."""
import time

from harness import Suite
from test_sla import alerts, wait_for

REPORTS = "/api/v2/hd/reports/"
MIN = 60 * 1000
HOUR = 60 * MIN
DAY = 24 * HOUR
KST = 9 * HOUR


def seoul_day_ahead():
    """Midnight in Seoul 14 days ahead (outboxes trim by wall-clock age)."""
    return ((int(time.time() * 1000) + KST) // DAY + 14) * DAY - KST


def at(s, ms):
    s.set_clock_offset(ms - int(time.time() * 1000))


def ticket(c, subject, email):
    r = c.request("POST", "/api/v2/tickets.json", {"ticket": {
        "subject": subject, "comment": {"body": "주문한 상품이 아직 도착하지 않았어요."},
        "priority": "high", "requester": {"name": "김고객", "email": email}}})
    assert r.status == 201, r
    return r.json["ticket"]["id"]


def reply(c, tid):
    r = c.request("PUT", f"/api/v2/tickets/{tid}.json",
                  {"ticket": {"comment": {"body": "확인해 드리겠습니다.", "public": True}}})
    assert r.status == 200, r


def test_sla_achievement_percent(ctx):
    with Suite(ctx.bin_dir, env={"HD_ROUTING_TICK_MS": "100"}).start() as s:
        c = s.client()
        r = c.request("POST", "/api/v2/slas/policies", {"sla_policy": {"title": "긴급 응답", "policy_metrics": [
            {"priority": "high", "metric": "first_reply_time", "target": 60, "business_hours": False}]}})
        assert r.status == 201, r
        pol = r.json["sla_policy"]["id"]
        d0 = seoul_day_ahead()
        at(s, d0 + 9 * HOUR)
        on_time = ticket(c, "배송 문의", "on-time@example.kr")
        late = ticket(c, "환불 문의", "late@example.kr")
        at(s, d0 + 9 * HOUR + 30 * MIN)
        reply(c, on_time)
        achieved = wait_for(lambda: alerts(s, ctx, on_time, "sla.achieved", "first_reply_time"), "sla.achieved")
        assert achieved[0]["policy_id"] == pol and achieved[0]["policy_title"] == "긴급 응답", achieved
        at(s, d0 + 10 * HOUR + 5 * MIN)
        wait_for(lambda: alerts(s, ctx, late, "sla.breached", "first_reply_time"), "the late ticket's breach")
        reply(c, late)
        # Replying again, or a later refresh, never announces it twice.
        reply(c, on_time)
        s.wait_converged()
        assert len(alerts(s, ctx, on_time, "sla.achieved", "first_reply_time")) == 1
        assert alerts(s, ctx, late, "sla.achieved", "first_reply_time") == []
        q = f"?start_time={d0 // 1000}&end_time={(d0 + DAY) // 1000}"
        rep = c.request("GET", REPORTS + "sla" + q)
        assert rep.status == 200, rep
        assert rep.json["report"]["rows"] == [
            {"policy_id": pol, "policy_title": "긴급 응답", "metric": "first_reply_time", "priority": "high",
             "group_id": None, "warnings": 1, "breaches": 1, "achieved": 1, "achievement_percent": 50.0}], rep.json
        csv = c.request("GET", REPORTS + "sla" + q + "&format=csv").raw.decode("utf-8").split("\r\n")
        assert csv[0] == ('\ufeff"policy_id","policy_title","metric","priority","group_id","warnings",'
                          '"breaches","achieved","achievement_percent"'), csv
        # The wallboard's rate for the business clock's day (Seoul).
        live = c.request("GET", REPORTS + "live")
        assert live.status == 200, live
        assert live.json["live"]["sla_today"] == {"achieved": 1, "breached": 1, "achievement_rate": 50.0}, live.json
