"""The trigger builder's endpoints: GET /triggers/definitions (routing's
condition and action tables, with intake's custom fields, groups and
agents) and POST /hd/triggers/preview — "test against ticket #N" — which
must name the triggers the real update fires, in the same order, with the
same result, and write nothing."""
from harness import Suite, create_ticket
from rules_helpers import TRIGGERS, FAST_TICK, cond, new_rule, ticket, settle, audits
from test_fields import new_field

PREVIEW = "/api/v2/hd/triggers/preview"


def preview(c, tid, update_type="Create", trigger=None):
    body = {"ticket_id": tid, "update_type": update_type}
    if trigger is not None:
        body["trigger"] = trigger
    r = c.request("POST", PREVIEW, body)
    assert r.status == 200, r
    return r.json["preview"]


def fired_ids(audit):
    """The triggers that changed the ticket in this audit, in firing order
    (their events carry via rule; Zendesk records them in the update's own
    audit)."""
    ids = []
    for e in audit["events"]:
        via = e.get("via")
        if via and via["channel"] == "rule" and via["source"]["from"]["id"] not in ids:
            ids.append(via["source"]["from"]["id"])
    return ids


def change(p, title, field):
    rule = next(f for f in p["fired"] if f["title"] == title)
    return next((x for x in rule["changes"] if x["field"] == field), None)


def test_preview_fires_as_the_real_update(ctx):
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        g = c.request("POST", "/api/v2/groups.json", {"group": {"name": "환불팀"}}).json["group"]["id"]
        f = new_field(c, type="tagger", title="문의 종류", custom_field_options=[
            {"name": "환불", "value": "refund"}, {"name": "배송", "value": "shipping"}])["id"]
        cf = f"custom_fields_{f}"
        values = [{"id": f, "value": "refund"}]
        # Filed before any trigger exists: routing's copy is the ticket as
        # created, which the preview replays as a Create.
        t0, fresh = (create_ticket(c, subject="환불 요청", body="환불해 주세요", custom_fields=values).json["ticket"]["id"]
                     for _ in range(2))
        settle(s)
        # B is first but needs the tag only A adds: the cycle restarts.
        b = new_rule(c, TRIGGERS, "B 환불팀", [cond("current_tags", "includes", "refund_tag")],
                     actions=[{"field": "group_id", "value": str(g)}])
        a = new_rule(c, TRIGGERS, "A 환불 태그", [cond(cf, "is", "refund")],
                     actions=[{"field": "current_tags", "value": "refund_tag"},
                              {"field": "priority", "value": "high"}])
        once = new_rule(c, TRIGGERS, "한 번만", [cond("status", "is", "new")],
                        actions=[{"field": "current_tags", "value": "seen"}])
        new_rule(c, TRIGGERS, "배송", [cond(cf, "is", "shipping")], actions=[{"field": "priority", "value": "urgent"}])
        created = new_rule(c, TRIGGERS, "생성 때만", [cond("update_type", "is", "Create")],
                           actions=[{"field": "current_tags", "value": "created"}])
        fired_before = s.metric("intake-0", "hd_intake_trigger_firings_total")

        p = preview(c, t0, "Create")
        assert [x["id"] for x in p["fired"]] == [a["id"], b["id"], once["id"], created["id"]], p
        assert change(p, "B 환불팀", "group_id") == {"field": "group_id", "from": None, "to": g}, p
        assert change(p, "A 환불 태그", "tags")["added"] == ["refund_tag"], p
        assert change(p, "A 환불 태그", "priority")["to"] == "high", p
        assert p["loop"] is False and p["ticket"]["group_id"] == g, p

        # The real create fires the same triggers in the same order.
        t1 = create_ticket(c, subject="환불 요청", body="환불해 주세요", custom_fields=values).json["ticket"]["id"]
        settle(s)
        real = ticket(c, t1)
        aus = audits(c, t1)
        assert len(aus) == 1, aus  # the triggers ran inside the create
        assert fired_ids(aus[0]) == [x["id"] for x in p["fired"]], (aus, p)
        assert real["group_id"] == p["ticket"]["group_id"] and real["priority"] == p["ticket"]["priority"], real
        assert sorted(real["tags"]) == sorted(p["ticket"]["tags"]), (real, p)

        # Nothing was written or fired by the preview.
        settle(s)
        assert ticket(c, t0)["group_id"] is None and len(audits(c, t0)) == 1
        assert s.metric("intake-0", "hd_intake_trigger_firings_total") == fired_before + 4

        # As an update: "Create only" stays quiet, the rest fire as a real
        # update of t0 does.
        p = preview(c, t0, "Change")
        assert [x["id"] for x in p["fired"]] == [a["id"], b["id"], once["id"]], p
        r = c.request("PUT", f"/api/v2/tickets/{t0}", {"ticket": {"comment": {"body": "메모", "public": False}}})
        assert r.status == 200, r
        settle(s)
        aus = audits(c, t0)
        assert len(aus) == 2, aus  # the create, then this update with its triggers
        assert fired_ids(aus[-1]) == [x["id"] for x in p["fired"]], (aus, p)
        assert ticket(c, t0)["group_id"] == g

        # An unsaved trigger: a new one goes last; one with an id stands in
        # for the saved trigger (here A without its priority action).
        mine = {"title": "미저장 배정", "conditions": {"all": [cond(cf, "is", "refund")]},
                "actions": [{"field": "assignee_id", "value": str(me)}]}
        p = preview(c, t1, "Create", mine)
        assert p["fired"][-1]["unsaved"] is True and p["fired"][-1]["id"] is None, p
        assert change(p, "미저장 배정", "assignee_id")["to"] == me, p
        edited = {"id": a["id"], "actions": [{"field": "current_tags", "value": "refund_tag"}]}
        p = preview(c, fresh, "Create", edited)
        assert [x["id"] for x in p["fired"]] == [a["id"], b["id"], once["id"], created["id"]], p
        assert p["fired"][0]["unsaved"] is True and change(p, "A 환불 태그", "priority") is None, p
        assert c.request("GET", f"{TRIGGERS}/{a['id']}").json["trigger"]["actions"][1]["value"] == "high"
        # t1 was last changed by the triggers (via rule); as a Create it is
        # replayed with its own channel (api), as it was filed.
        by_api = {"title": "API로 접수", "conditions": {"all": [cond("via_id", "is", "5")]},
                  "actions": [{"field": "current_tags", "value": "api"}]}
        assert preview(c, t1, "Create", by_api)["fired"][-1]["unsaved"] is True

        # Two triggers undoing each other: the preview says the cycle would
        # be cut off, as the real update logs intake.trigger_loop.
        new_rule(c, TRIGGERS, "핑", [cond("current_tags", "includes", "pong")],
                 actions=[{"field": "current_tags", "value": "ping"}, {"field": "remove_tags", "value": "pong"}])
        new_rule(c, TRIGGERS, "퐁", [cond("current_tags", "includes", "ping")],
                 actions=[{"field": "current_tags", "value": "pong"}, {"field": "remove_tags", "value": "ping"}])
        t2 = create_ticket(c, subject="반복", body="핑퐁", tags=["pong"]).json["ticket"]["id"]
        settle(s)
        p = preview(c, t2, "Change")
        assert p["loop"] is True and [x["title"] for x in p["fired"] if x["title"] in "핑퐁"] == ["핑", "퐁"], p
        assert s.metric("intake-0", "hd_intake_trigger_loops_total") == 1  # t2's real create


def test_preview_and_definitions_refuse_bad_input(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        t = create_ticket(c).json["ticket"]["id"]
        settle(s)
        for body, field in [({}, "ticket_id"), ({"ticket_id": "x"}, "ticket_id"),
                            ({"ticket_id": 999999}, "ticket_id"),
                            ({"ticket_id": t, "update_type": "Delete"}, "update_type"),
                            ({"ticket_id": t, "trigger": []}, "trigger"),
                            ({"ticket_id": t, "trigger": {"title": " ", "conditions": {"all": [cond("status", "is", "new")]},
                                                          "actions": [{"field": "status", "value": "open"}]}}, "title"),
                            ({"ticket_id": t, "trigger": {"title": "x", "conditions": {"all": [cond("status", "is", "nope")]},
                                                          "actions": [{"field": "status", "value": "open"}]}}, "conditions")]:
            r = c.request("POST", PREVIEW, body)
            assert r.status == 422 and field in r.json["details"], (body, r)
        assert c.request("POST", PREVIEW, [1]).status in (400, 422)

        g = c.request("POST", "/api/v2/groups.json", {"group": {"name": "1차"}}).json["group"]["id"]
        f = new_field(c, type="tagger", title="종류", custom_field_options=[{"name": "환불", "value": "refund"}])["id"]
        d = c.request("GET", f"{TRIGGERS}/definitions")
        assert d.status == 200, d
        defs = d.json["definitions"]
        subj = {x["subject"]: x for x in defs["conditions_all"]}
        assert "update_type" in subj and "NEW" not in subj, subj.keys()
        assert [o["value"] for o in subj["status"]["operators"]][:2] == ["is", "is_not"]
        assert {"value": "refund", "title": "환불"} in subj[f"custom_fields_{f}"]["values"]
        assert "value" in [o["value"] for o in subj[f"custom_fields_{f}"]["operators"]]
        assert {"value": str(g), "title": "1차"} in subj["group_id"]["values"]
        acts = {x["subject"]: x for x in defs["actions"]}
        assert {"value": str(g), "title": "1차"} in acts["group_id"]["values"]
        assert f"custom_fields_{f}" in acts and "operators" not in acts[f"custom_fields_{f}"]
        # routing's typed tables (hd.RuleDefinitions) rendered by the gateway
        assert defs["conditions_any"] == defs["conditions_all"] and "custom_field_operators" not in defs
        assert {"value": "open"} in subj["status"]["values"] and {"value": "closed"} in acts["status"]["values"]
        assert all(set(o) == {"value", "terminal"} for o in subj["status"]["operators"]), subj["status"]
        auto = c.request("GET", "/api/v2/automations/definitions").json["definitions"]
        names = {x["subject"] for x in auto["conditions_all"]}
        assert "NEW" in names and "update_type" not in names, names
