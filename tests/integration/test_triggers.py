"""Triggers (API.md §7): CRUD over /api/v2/triggers, and the cycle intake
runs inside every ticket create/update (Zendesk's behaviour: one audit, the
rule's changes in it as events with via rule) — every condition field and
operator, every action, the restart after a firing, once per update, loops
cut off, notifications (rule.notification, read back over events.since)."""
from urllib.parse import quote

from harness import Suite, create_ticket
from rules_helpers import (TRIGGERS, FAST_TICK, cond, new_rule, ticket, wait_for, settle, audits,
                           rule_events)
from test_fields import new_field
from test_tickets_api import end_user


def rule_changes(audit):
    """The events of one audit a trigger made: (rule id, title, type, field)."""
    out = []
    for e in audit["events"]:
        via = e.get("via")
        if via:
            assert via["channel"] == "rule" and via["source"]["rel"] == "trigger", e
            f = via["source"]["from"]
            out.append((f["id"], f["title"], e["type"], e.get("field_name")))
    return out


def fired_by_title(s, ctx, tid, seen):
    """Titles of the rules that notified about tid since `seen` events."""
    evs = [e for e in rule_events(s, ctx) if e["ticket_id"] == tid]
    return evs[seen:], len(evs)


def test_trigger_conditions(ctx):
    """Each row: conditions, and the updates (1 create by an end-user, 2 an
    admin's change with a private note, 3 the end-user's public reply) on
    which the trigger must fire — and on no others."""
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        eu, ec = end_user(s, "고객@example.com")
        loc = c.request("PUT", f"/api/v2/users/{eu}", {"user": {"locale": "ko"}})
        assert loc.status == 200 and loc.json["user"]["locale"] == "ko", loc
        g = c.request("POST", "/api/v2/groups.json", {"group": {"name": "2차 지원"}}).json["group"]["id"]
        f = new_field(c, type="text", title="주문번호")["id"]
        cf = f"custom_fields_{f}"
        rows = [
            ("update_type is Create", [cond("update_type", "is", "Create")], {1}),
            ("update_type is Change", [cond("update_type", "is", "Change")], {2, 3}),
            ("status is new", [cond("status", "is", "new")], {1}),
            ("status is_not new", [cond("status", "is_not", "new")], {2, 3}),
            ("status less_than open", [cond("status", "less_than", "open")], {1}),
            ("status value pending", [cond("status", "value", "pending")], {2}),
            ("status value_previous new", [cond("status", "value_previous", "new")], {2}),
            ("status not_value_previous new", [cond("status", "not_value_previous", "new")], {1, 3}),
            ("priority is high", [cond("priority", "is", "high")], {2, 3}),
            ("priority less_than normal", [cond("priority", "less_than", "normal")], {1}),
            ("priority greater_than normal", [cond("priority", "greater_than", "normal")], {2, 3}),
            ("priority changed", [cond("priority", "changed")], {2}),
            ("priority not_changed", [cond("priority", "not_changed")], {1, 3}),
            ("priority not_value high", [cond("priority", "not_value", "high")], {1, 3}),
            ("type is question", [cond("type", "is", "question")], {2, 3}),
            ("type is_not question", [cond("type", "is_not", "question")], {1}),
            ("type value_previous none", [cond("type", "value_previous", "")], {2}),
            ("group_id is g", [cond("group_id", "is", str(g))], {2, 3}),
            ("group_id is none", [cond("group_id", "is", "")], {1}),
            ("assignee_id is current_user", [cond("assignee_id", "is", "current_user")], {2}),
            ("assignee_id is me", [cond("assignee_id", "is", str(me))], {2, 3}),
            ("assignee_id value me", [cond("assignee_id", "value", str(me))], {2}),
            ("requester_id is eu", [cond("requester_id", "is", str(eu))], {1, 2, 3}),
            ("requester_id is current_user", [cond("requester_id", "is", "current_user")], {1, 3}),
            ("organization_id is none", [cond("organization_id", "is", "")], {1, 2, 3}),
            ("ticket_form_id is none", [cond("ticket_form_id", "is", "")], {1, 2, 3}),
            ("current_tags includes", [cond("current_tags", "includes", "vip gold")], {2, 3}),
            ("current_tags not_includes", [cond("current_tags", "not_includes", "vip")], {1}),
            ("via_id is api", [cond("via_id", "is", "5")], {1, 2, 3}),
            ("via_id is email", [cond("via_id", "is", "4")], set()),
            ("via_id is_not email", [cond("via_id", "is_not", "4")], {1, 2, 3}),
            ("custom is", [cond(cf, "is", "A-100")], {2, 3}),
            ("custom is_not", [cond(cf, "is_not", "A-100")], {1}),
            ("custom present", [cond(cf, "present")], {2, 3}),
            ("custom not_present", [cond(cf, "not_present")], {1}),
            ("custom changed", [cond(cf, "changed")], {2}),
            ("comment public", [cond("comment_is_public", "is", "true")], {1, 3}),
            ("comment private", [cond("comment_is_public", "is", "false")], {2}),
            ("comment includes 환불", [cond("comment_includes_word", "includes", "환불 반품")], {1, 2}),
            ("comment not_includes 환불", [cond("comment_includes_word", "not_includes", "환불")], {3}),
            ("comment is phrase", [cond("comment_includes_word", "is", "부탁드립니다")], {1}),
            ("comment is_not phrase", [cond("comment_includes_word", "is_not", "부탁드립니다")], {2, 3}),
            ("subject includes 지연", [cond("subject_includes_word", "includes", "지연")], {1, 2, 3}),
            ("subject not_includes 지연", [cond("subject_includes_word", "not_includes", "지연")], set()),
            ("role is end_user", [cond("role", "is", "end_user")], {1, 3}),
            ("role is admin", [cond("role", "is", "admin")], {2}),
            ("role is agent", [cond("role", "is", "agent")], set()),
            ("role is_not end_user", [cond("role", "is_not", "end_user")], {2}),
            ("locale ko", [cond("locale_id", "is", "ko")], {1, 2, 3}),
            ("locale not en-US", [cond("locale_id", "is_not", "en-US")], {1, 2, 3}),
            ("locale en-US", [cond("locale_id", "is", "en-US")], set()),
            ("satisfaction none", [cond("satisfaction_score", "is", "")], {1, 2, 3}),
            ("satisfaction is_not good", [cond("satisfaction_score", "is_not", "good")], {1, 2, 3}),
        ]
        any_rows = [("any solved or high", [cond("status", "is", "solved"), cond("priority", "is", "high")], {2, 3})]
        for title, conds, _ in rows:
            new_rule(c, TRIGGERS, title, conds, actions=[{"field": "notification_webhook", "value": ["1", title]}])
        for title, conds, _ in any_rows:
            new_rule(c, TRIGGERS, title, [], conds, actions=[{"field": "notification_webhook", "value": ["1", title]}])

        fired = {}
        r = ec.request("POST", "/api/v2/tickets", {"ticket": {"subject": "배송 지연 문의",
                                                              "comment": {"body": "환불 부탁드립니다"}}})
        assert r.status == 201, r
        tid = r.json["ticket"]["id"]
        updates = [
            (c, {"status": "pending", "priority": "high", "type": "question", "assignee_id": me, "group_id": g,
                 "tags": ["vip"], "custom_fields": [{"id": f, "value": "A-100"}],
                 "comment": {"body": "내부 메모: 환불 승인", "public": False}}),
            (ec, {"comment": {"body": "감사합니다"}}),
        ]
        seen = 0
        for step in (1, 2, 3):
            if step > 1:
                who, body = updates[step - 2]
                u = who.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": body})
                assert u.status == 200, u
            settle(s)
            new, seen = fired_by_title(s, ctx, tid, seen)
            for e in new:
                fired.setdefault(e["body"], set()).add(step)
        wrong = {t: (fired.get(t, set()), want) for t, _, want in rows + any_rows
                 if fired.get(t, set()) != want}
        assert not wrong, wrong


def test_status_change_operators(ctx):
    """Status operators whose answer on the end-user's reply would depend
    on intake reopening the ticket: create, an agent's change, and an update
    that leaves status alone."""
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        rows = [
            ("status greater_than open", [cond("status", "greater_than", "open")], {2, 3}),
            ("status changed", [cond("status", "changed")], {1, 2}),
            ("status not_changed", [cond("status", "not_changed")], {3}),
            ("status not_value pending", [cond("status", "not_value", "pending")], {1, 3}),
        ]
        for title, conds, _ in rows:
            new_rule(c, TRIGGERS, title, conds, actions=[{"field": "notification_webhook", "value": ["1", title]}])
        tid = create_ticket(c, subject="상태 변경", body="확인 부탁").json["ticket"]["id"]
        fired, seen = {}, 0
        for step, body in ((1, None), (2, {"status": "pending", "assignee_id": me}), (3, {"priority": "low"})):
            if body:
                assert c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": body}).status == 200
            settle(s)
            new, seen = fired_by_title(s, ctx, tid, seen)
            for e in new:
                fired.setdefault(e["body"], set()).add(step)
        wrong = {t: (fired.get(t, set()), want) for t, _, want in rows if fired.get(t, set()) != want}
        assert not wrong, wrong


def test_trigger_actions(ctx):
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        g = c.request("POST", "/api/v2/groups.json", {"group": {"name": "결제팀"}}).json["group"]["id"]
        f = new_field(c, type="text", title="주문번호")["id"]
        act = new_rule(c, TRIGGERS, "모든 액션", [cond("update_type", "is", "Create"),
                                                 cond("subject_includes_word", "includes", "액션")], actions=[
            {"field": "status", "value": "pending"},
            {"field": "priority", "value": "urgent"},
            {"field": "type", "value": "incident"},
            {"field": "group_id", "value": str(g)},
            {"field": "assignee_id", "value": "current_user"},
            {"field": "set_tags", "value": "가 나"},
            {"field": "current_tags", "value": ["다"]},
            {"field": "remove_tags", "value": "가"},
            {"field": f"custom_fields_{f}", "value": "B-200"},
            {"field": "subject", "value": "[자동] 액션 확인"},
            {"field": "comment_value", "value": ["channel:all", "자동 응답입니다"]},
            {"field": "comment_mode_is_public", "value": "false"},
            {"field": "notification_user", "value": ["requester_id", "접수 안내", "{{ticket.id}} 접수"]},
            {"field": "notification_group", "value": ["group_id", "새 티켓", "확인해 주세요"]},
            {"field": "notification_webhook", "value": ["42", "{\"id\":\"{{ticket.id}}\"}"]},
        ])
        html = new_rule(c, TRIGGERS, "HTML 댓글", [cond("update_type", "is", "Create"),
                                                  cond("subject_includes_word", "includes", "서식")], actions=[
            {"field": "comment_value", "value": "글자만 안내"},
            {"field": "comment_value_html", "value": "<p><b>굵게</b> 안내</p>"},
        ])
        tid = create_ticket(c, subject="액션 시험", body="안녕하세요").json["ticket"]["id"]
        hid = create_ticket(c, subject="서식 시험", body="안녕하세요").json["ticket"]["id"]
        settle(s)
        tk = ticket(c, tid)
        assert (tk["status"], tk["priority"], tk["type"], tk["group_id"], tk["assignee_id"]) == \
            ("pending", "urgent", "incident", g, me), tk
        assert sorted(tk["tags"]) == ["나", "다"], tk
        assert tk["subject"] == "[자동] 액션 확인", tk
        assert {"id": f, "value": "B-200"} in tk["custom_fields"], tk
        comments = c.request("GET", f"/api/v2/tickets/{tid}/comments").json["comments"]
        assert len(comments) == 2 and comments[1]["body"] == "자동 응답입니다", comments
        assert comments[1]["public"] is False and comments[1]["author_id"] == me, comments
        # One audit: the create's own events, then the rule's, each with via rule.
        aus = audits(c, tid)
        assert len(aus) == 1, aus
        assert aus[0]["via"]["channel"] == "api", aus[0]
        made = rule_changes(aus[0])
        assert {x[:2] for x in made} == {(act["id"], "모든 액션")}, made
        assert {x[3] for x in made if x[2] == "Change"} >= {"status", "priority", "type", "group_id", "assignee_id",
                                                             "tags", "subject"}, made
        assert "Comment" in [x[2] for x in made], made
        evs = [e for e in rule_events(s, ctx) if e["ticket_id"] == tid]
        got = sorted((e["target_kind"], e["target_id"], e["target_role"], e["subject"], e["body"]) for e in evs)
        assert got == sorted([
            ("user", 0, "requester_id", "접수 안내", "{{ticket.id}} 접수"),
            ("group", 0, "", "새 티켓", "확인해 주세요"),  # the ticket had no group yet when it fired
            ("webhook", 42, "", "", "{\"id\":\"{{ticket.id}}\"}"),
        ]) or got == sorted([
            ("user", 0, "requester_id", "접수 안내", "{{ticket.id}} 접수"),
            ("group", g, "", "새 티켓", "확인해 주세요"),
            ("webhook", 42, "", "", "{\"id\":\"{{ticket.id}}\"}"),
        ]), got
        assert all(e["rule_kind"] == "trigger" and e["rule_id"] == act["id"] for e in evs), evs
        # No assignee: the rule's comment is the account owner's (the admin).
        hc = c.request("GET", f"/api/v2/tickets/{hid}/comments").json["comments"]
        assert len(hc) == 2 and hc[1]["author_id"] == me and hc[1]["public"] is True, hc
        # comment_value_html wins over comment_value in the same run.
        assert "<b>굵게</b>" in hc[1]["html_body"] and hc[1]["body"].strip() == "굵게 안내", hc
        haus = audits(c, hid)
        assert len(haus) == 1 and [x[:3] for x in rule_changes(haus[0])] == [(html["id"], "HTML 댓글", "Comment")], haus


def test_cycle_restart_once_per_update_and_no_refire(ctx):
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        # B comes first but needs the priority only A sets: the cycle
        # restarts after A and B fires in the same update.
        b = new_rule(c, TRIGGERS, "B 긴급 태그", [cond("priority", "is", "urgent")],
                     actions=[{"field": "current_tags", "value": "b_fired"},
                              {"field": "notification_webhook", "value": ["1", "B"]}])
        a = new_rule(c, TRIGGERS, "A 긴급", [cond("update_type", "is", "Create"),
                                            cond("subject_includes_word", "includes", "재시작")],
                     actions=[{"field": "priority", "value": "urgent"},
                              {"field": "notification_webhook", "value": ["1", "A"]}])
        # Matches before and after every firing: still fires once per update.
        once = new_rule(c, TRIGGERS, "한 번만", [cond("status", "is", "new")],
                        actions=[{"field": "notification_webhook", "value": ["1", "once"]}])
        assert (b["position"], a["position"], once["position"]) == (1, 2, 3)
        tid = create_ticket(c, subject="재시작 확인", body="본문").json["ticket"]["id"]
        settle(s)
        tk = ticket(c, tid)
        assert tk["priority"] == "urgent" and "b_fired" in tk["tags"], tk
        evs = [e["body"] for e in rule_events(s, ctx) if e["ticket_id"] == tid]
        assert evs == ["A", "B", "once"], evs  # firing order
        aus = audits(c, tid)
        made = rule_changes(aus[0])
        assert made == [(a["id"], "A 긴급", "Change", "priority"), (b["id"], "B 긴급 태그", "Change", "tags")], made
        # The triggers ran inside the create: one audit, no second write.
        assert len(aus) == 1, aus
        # A later update by an agent does: B still matches (urgent) and
        # fires again; A (Create only) does not.
        assert c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"type": "question"}}).status == 200
        settle(s)
        evs = [e["body"] for e in rule_events(s, ctx) if e["ticket_id"] == tid]
        assert sorted(evs) == ["A", "B", "B", "once", "once"], evs
        assert s.metric("intake-0", "hd_intake_trigger_firings_total") == 5


def test_trigger_loop_is_cut_off(ctx):
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        new_rule(c, TRIGGERS, "x 붙이기", [cond("subject_includes_word", "includes", "루프"),
                                          cond("current_tags", "not_includes", "x")],
                 actions=[{"field": "current_tags", "value": "x"}, {"field": "remove_tags", "value": "y"}])
        new_rule(c, TRIGGERS, "y 붙이기", [cond("subject_includes_word", "includes", "루프"),
                                          cond("current_tags", "not_includes", "y")],
                 actions=[{"field": "current_tags", "value": "y"}, {"field": "remove_tags", "value": "x"}])
        tid = create_ticket(c, subject="루프 시험", body="본문").json["ticket"]["id"]
        settle(s)
        wait_for(lambda: s.metric("intake-0", "hd_intake_trigger_loops_total") == 1, what="loop counted")
        assert "intake.trigger_loop" in "".join(s.log_tail("intake-0", 200))
        tk = ticket(c, tid)
        assert tk["tags"] == ["y"], tk  # one consistent result: A then B
        n = len(audits(c, tid))
        assert n == 1, audits(c, tid)
        settle(s)
        assert len(audits(c, tid)) == n and ticket(c, tid)["tags"] == ["y"]


def test_trigger_crud_and_validation(ctx):
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        t1 = new_rule(c, TRIGGERS, "환불 알림", [cond("status", "is", "new")],
                      actions=[{"field": "priority", "value": "high"}], description="설명", category_id="7")
        assert set(t1) >= {"url", "id", "title", "active", "updated_at", "created_at", "default", "actions",
                           "conditions", "description", "position", "raw_title", "category_id"}, t1
        assert t1["active"] is True and t1["default"] is False and t1["category_id"] == "7"
        assert t1["url"].endswith(f"/api/v2/triggers/{t1['id']}.json")
        assert t1["conditions"] == {"all": [cond("status", "is", "new")], "any": []}
        # zenpy style: top-level all/any come back as conditions.
        r = c.request("POST", TRIGGERS, {"trigger": {"title": "배송 문의", "all": [cond("priority", "is", "low")],
                                                     "actions": [{"field": "status", "value": "open"}]}})
        assert r.status == 201 and r.json["trigger"]["conditions"]["all"] == [cond("priority", "is", "low")], r
        t2 = r.json["trigger"]
        assert t2["position"] > t1["position"]
        bad = [
            ({"title": "x", "conditions": {"all": [cond("nope", "is", "1")]}, "actions": [{"field": "status", "value": "open"}]},
             "conditions", "all[0]"),
            ({"title": "x", "conditions": {"all": [cond("status", "is", "new"), cond("status", "sounds_like", "new")]},
              "actions": [{"field": "status", "value": "open"}]}, "conditions", "all[1]"),
            ({"title": "x", "conditions": {"any": [cond("status", "is", "reopened")]},
              "actions": [{"field": "status", "value": "open"}]}, "conditions", "any[0]"),
            ({"title": "x", "conditions": {"all": [cond("SOLVED", "greater_than", "3")]},
              "actions": [{"field": "status", "value": "open"}]}, "conditions", "all[0]"),
            ({"title": "x", "conditions": {"all": [cond("status", "is", "new")]},
              "actions": [{"field": "status", "value": "open"}, {"field": "explode", "value": "1"}]}, "actions", "[1]"),
            ({"title": "x", "conditions": {"all": [cond("status", "is", "new")]},
              "actions": [{"field": "notification_user", "value": ["nobody", "s", "b"]}]}, "actions", "[0]"),
            ({"title": "x", "conditions": {"all": [cond("status", "is", "new")]}, "actions": []}, "actions", ""),
            ({"title": " ", "conditions": {"all": [cond("status", "is", "new")]},
              "actions": [{"field": "status", "value": "open"}]}, "title", ""),
            ({"title": "x", "conditions": "status", "actions": [{"field": "status", "value": "open"}]}, "conditions", ""),
        ]
        for body, key, where in bad:
            r = c.request("POST", TRIGGERS, {"trigger": body})
            assert r.status == 422 and r.json["error"] == "RecordInvalid" and key in r.json["details"], (body, r)
            assert where in str(r.json["details"][key]), (where, r.json)
        assert c.request("POST", TRIGGERS, {"nope": {}}).status == 400
        # Update keeps what it does not name.
        u = c.request("PUT", f"{TRIGGERS}/{t1['id']}", {"trigger": {"title": "환불 알림 (끔)", "active": False}})
        assert u.status == 200 and u.json["trigger"]["active"] is False, u
        assert u.json["trigger"]["conditions"] == t1["conditions"] and u.json["trigger"]["actions"] == t1["actions"]
        lst = c.request("GET", TRIGGERS)
        assert [x["id"] for x in lst.json["triggers"]] == [t1["id"], t2["id"]] and lst.json["count"] == 2, lst
        assert [x["id"] for x in c.request("GET", TRIGGERS + "/active").json["triggers"]] == [t2["id"]]
        found = c.request("GET", TRIGGERS + "/search?query=" + quote("환불"))
        assert [x["id"] for x in found.json["triggers"]] == [t1["id"]], found
        assert c.request("GET", TRIGGERS + "/search").status == 400
        ro = c.request("PUT", TRIGGERS + "/reorder", {"trigger_ids": [t2["id"], t1["id"]]})
        assert ro.status == 200 and [x["id"] for x in ro.json["triggers"]] == [t2["id"], t1["id"]], ro
        assert c.request("PUT", TRIGGERS + "/reorder", {"trigger_ids": [999999]}).status == 422
        assert c.request("PUT", TRIGGERS + "/reorder", {"trigger_ids": "1"}).status == 422
        assert c.request("GET", f"{TRIGGERS}/{t1['id']}").json["trigger"]["position"] == 2
        # Triggers are not automations.
        assert c.request("GET", f"/api/v2/automations/{t1['id']}").status == 404
        # End-users may not read or change triggers.
        _, ec = end_user(s, "손님@example.com")
        assert ec.request("GET", TRIGGERS).status == 403
        assert ec.request("POST", TRIGGERS, {"trigger": {"title": "x"}}).status == 403
        assert c.request("DELETE", f"{TRIGGERS}/{t1['id']}").status == 204
        assert c.request("GET", f"{TRIGGERS}/{t1['id']}").status == 404
        assert c.request("DELETE", f"{TRIGGERS}/{t1['id']}").status == 404
