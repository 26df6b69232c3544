"""Triggers (API.md §7): CRUD over /api/v2/triggers, and the cycle routing
runs on every ticket create/update — conditions, actions, restart, once per
update, loops cut off, notifications, and the audit's via rule."""
from harness import Suite, create_ticket
from rules_helpers import (TRIGGERS, FAST_TICK, cond, new_rule, ticket, wait_for, settle, audits,
                           rule_events)


def test_trigger_smoke(ctx):
    with Suite(ctx.bin_dir, env=FAST_TICK).start() as s:
        c = s.client()
        t = new_rule(c, TRIGGERS, "긴급 표시", [cond("update_type", "is", "Create"),
                                               cond("comment_includes_word", "includes", "환불")],
                     actions=[{"field": "priority", "value": "urgent"},
                              {"field": "current_tags", "value": "환불요청"}])
        tid = create_ticket(c, subject="주문 문의", body="환불해 주세요").json["ticket"]["id"]
        other = create_ticket(c, subject="주문 문의", body="배송은 언제 오나요").json["ticket"]["id"]
        settle(s)
        tk = wait_for(lambda: (lambda x: x if x["priority"] == "urgent" else None)(ticket(c, tid)))
        assert "환불요청" in tk["tags"], tk
        assert ticket(c, other)["priority"] is None
        last = audits(c, tid)[-1]
        assert last["via"] == {"channel": "rule", "source": {
            "rel": "trigger", "from": {"id": t["id"], "title": "긴급 표시"},
            "rules": [{"id": t["id"], "title": "긴급 표시"}]}}, last
