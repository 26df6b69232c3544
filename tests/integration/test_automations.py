"""Automations (API.md §7): CRUD over /api/v2/automations, the default
"close 96 hours after solved" automation, time conditions read on the tick
with the business clock (suite.advance_clock), and the firing rule: once per
ticket while the conditions hold."""
from datetime import datetime, timezone
import time
from urllib.parse import quote

from harness import Suite, create_ticket
from rules_helpers import (AUTOMATIONS, FAST_TICK, cond, new_rule, ticket, wait_for, settle, audits,
                           rule_events)
from test_tickets_api import end_user

HOUR = 3600 * 1000


def ticks(s):
    """Let the tick run a few times at the current business time."""
    settle(s)
    time.sleep(0.5)
    settle(s)


def test_default_automation_closes_solved_after_96_hours(ctx):
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        lst = c.request("GET", AUTOMATIONS).json["automations"]
        assert len(lst) == 1 and lst[0]["default"] is True, lst
        auto = lst[0]
        assert auto["conditions"]["all"] == [cond("status", "is", "solved"), cond("SOLVED", "greater_than", "96")]
        assert auto["actions"] == [{"field": "status", "value": "closed"}]
        tid = create_ticket(c, subject="해결된 문의", body="고맙습니다").json["ticket"]["id"]
        keep = create_ticket(c, subject="열린 문의", body="아직 진행 중").json["ticket"]["id"]
        u = c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"status": "solved", "assignee_id": me}})
        assert u.status == 200, u
        settle(s)
        s.advance_clock(95 * HOUR)
        ticks(s)
        assert ticket(c, tid)["status"] == "solved"
        s.advance_clock(2 * HOUR)
        wait_for(lambda: ticket(c, tid)["status"] == "closed", what="closed after 97 h")
        assert ticket(c, keep)["status"] == "new"
        via = audits(c, tid)[-1]["via"]
        assert via == {"channel": "rule", "source": {"rel": "automation",
                                                     "from": {"id": auto["id"], "title": auto["title"]}}}, via
        assert s.metric("routing-0", "hd_routing_automation_firings_total") == 1


def test_automation_fires_once_per_ticket(ctx):
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        # No nullifying action: Zendesk would fire it every hour; we fire it
        # once per ticket while its conditions hold.
        a = new_rule(c, AUTOMATIONS, "오래된 티켓 표시", [cond("status", "is", "new"), cond("NEW", "greater_than", "2")],
                     actions=[{"field": "current_tags", "value": "오래됨"},
                              {"field": "notification_webhook", "value": ["7", "stale {{ticket.id}}"]}])
        t1 = create_ticket(c, subject="첫째", body="본문").json["ticket"]["id"]
        t2 = create_ticket(c, subject="둘째", body="본문").json["ticket"]["id"]
        settle(s)
        s.advance_clock(2 * HOUR + 60000)
        ticks(s)
        assert "오래됨" not in ticket(c, t1)["tags"]  # 2 hours is not more than 2
        s.advance_clock(HOUR)
        wait_for(lambda: "오래됨" in ticket(c, t1)["tags"] and "오래됨" in ticket(c, t2)["tags"], what="tagged")
        for _ in range(3):
            s.advance_clock(HOUR)
            ticks(s)
        evs = [e for e in rule_events(s, ctx) if e["rule_id"] == a["id"]]
        assert sorted(e["ticket_id"] for e in evs) == sorted([t1, t2]), evs
        assert all(e["rule_kind"] == "automation" and e["target_id"] == 7 for e in evs), evs
        assert len(audits(c, t1)) == 2 and len(audits(c, t2)) == 2


def test_time_conditions(ctx):
    """Each time field with is / less_than / greater_than, 5 hours after a
    pending, assigned task due in 10 hours was last touched by its
    requester-assignee (the admin)."""
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        due = datetime.fromtimestamp((s.now_ms() + 10 * HOUR) / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        tid = create_ticket(c, subject="시간 조건", body="본문", type="task", due_at=due,
                            status="pending", assignee_id=me, tags=["tbl"]).json["ticket"]["id"]
        rows = [
            ("NEW greater_than 4", cond("NEW", "greater_than", "4"), True),
            ("NEW less_than 4", cond("NEW", "less_than", "4"), False),
            ("NEW is 5", cond("NEW", "is", "5"), True),
            ("PENDING greater_than 4", cond("PENDING", "greater_than", "4"), True),
            ("PENDING less_than 5", cond("PENDING", "less_than", "5"), False),
            ("OPEN greater_than 4", cond("OPEN", "greater_than", "4"), False),
            ("HOLD greater_than 0", cond("HOLD", "greater_than", "0"), False),
            ("SOLVED greater_than 0", cond("SOLVED", "greater_than", "0"), False),
            ("CLOSED greater_than 0", cond("CLOSED", "greater_than", "0"), False),
            ("assigned_at is 5", cond("assigned_at", "is", "5"), True),
            ("updated_at greater_than 4", cond("updated_at", "greater_than", "4"), True),
            ("updated_at greater_than 5", cond("updated_at", "greater_than", "5"), False),
            ("requester_updated_at is 5", cond("requester_updated_at", "is", "5"), True),
            ("assignee_updated_at less_than 6", cond("assignee_updated_at", "less_than", "6"), True),
            ("until_due_date less_than 5", cond("until_due_date", "less_than", "5"), True),
            ("until_due_date greater_than 5", cond("until_due_date", "greater_than", "5"), False),
            ("due_date greater_than 0", cond("due_date", "greater_than", "0"), False),
        ]
        for title, cnd, _ in rows:
            new_rule(c, AUTOMATIONS, title, [cnd, cond("current_tags", "includes", "tbl")],
                     actions=[{"field": "notification_webhook", "value": ["1", title]}])
        settle(s)
        s.advance_clock(5 * HOUR + 60000)
        ticks(s)
        fired = {e["body"] for e in rule_events(s, ctx) if e["ticket_id"] == tid}
        wrong = {t: want for t, _, want in rows if (t in fired) != want}
        assert not wrong, (wrong, fired)
        # Past the due date: due_date counts hours since it.
        s.advance_clock(6 * HOUR)
        ticks(s)
        fired = {e["body"] for e in rule_events(s, ctx) if e["ticket_id"] == tid}
        assert "due_date greater_than 0" in fired, fired


def test_automation_crud_and_validation(ctx):
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        default = c.request("GET", AUTOMATIONS).json["automations"][0]
        a = new_rule(c, AUTOMATIONS, "보류 알림", [cond("status", "is", "hold"), cond("HOLD", "greater_than", "24")],
                     actions=[{"field": "notification_user", "value": ["assignee_id", "보류 중", "확인"]}])
        assert set(a) >= {"url", "id", "title", "active", "updated_at", "created_at", "default", "actions",
                          "conditions", "position", "raw_title"}, a
        assert a["url"].endswith(f"/api/v2/automations/{a['id']}.json") and a["position"] > default["position"]
        for body, key in [
            ({"title": "x", "conditions": {"all": [cond("status", "is", "hold")]},
              "actions": [{"field": "status", "value": "open"}]}, "conditions"),  # no time condition
            ({"title": "x", "conditions": {"all": [cond("HOLD", "greater_than", "x")]},
              "actions": [{"field": "status", "value": "open"}]}, "conditions"),
            ({"title": "x", "conditions": {"all": [cond("HOLD", "greater_than", "1"), cond("update_type", "is", "Change")]},
              "actions": [{"field": "status", "value": "open"}]}, "conditions"),
            ({"title": "x", "conditions": {"all": [cond("HOLD", "greater_than", "1"), cond("status", "changed")]},
              "actions": [{"field": "status", "value": "open"}]}, "conditions"),
            ({"title": "x", "conditions": {"all": [cond("HOLD", "greater_than", "1")]},
              "actions": [{"field": "priority", "value": "extreme"}]}, "actions"),
        ]:
            r = c.request("POST", AUTOMATIONS, {"automation": body})
            assert r.status == 422 and key in r.json["details"], (body, r)
        found = c.request("GET", AUTOMATIONS + "/search?query=" + quote("보류"))
        assert [x["id"] for x in found.json["automations"]] == [a["id"]], found
        ro = c.request("PUT", AUTOMATIONS + "/reorder", {"automation_ids": [a["id"], default["id"]]})
        assert ro.status == 200 and [x["id"] for x in ro.json["automations"]] == [a["id"], default["id"]], ro
        u = c.request("PUT", f"{AUTOMATIONS}/{a['id']}", {"automation": {"active": False}})
        assert u.status == 200 and u.json["automation"]["active"] is False
        assert [x["id"] for x in c.request("GET", AUTOMATIONS + "/active").json["automations"]] == [default["id"]]
        assert c.request("GET", f"/api/v2/triggers/{a['id']}").status == 404
        _, ec = end_user(s, "손님@example.com")
        assert ec.request("GET", AUTOMATIONS).status == 403
        assert c.request("DELETE", f"{AUTOMATIONS}/{a['id']}").status == 204
        assert c.request("GET", f"{AUTOMATIONS}/{a['id']}").status == 404
        # The default automation is created once: a restart does not add another.
        assert s.stop_service("routing") == 0
        s.restart("routing")
        assert [x["id"] for x in c.request("GET", AUTOMATIONS).json["automations"]] == [default["id"]]
