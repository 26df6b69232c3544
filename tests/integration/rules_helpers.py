"""Helpers shared by test_triggers.py and test_automations.py."""
import time

from harness import wait_until
from outbox import payloads

TRIGGERS = "/api/v2/triggers"
AUTOMATIONS = "/api/v2/automations"
FAST_TICK = {"HD_ROUTING_TICK_MS": "100"}


def cond(field, op, value=""):
    return {"field": field, "operator": op, "value": value}


def new_rule(c, coll, title, all_=None, any_=None, actions=None, **extra):
    kind = "trigger" if coll == TRIGGERS else "automation"
    body = {"title": title, "conditions": {"all": all_ or [], "any": any_ or []},
            "actions": actions or []}
    body.update(extra)
    r = c.request("POST", coll, {kind: body})
    assert r.status == 201, r
    return r.json[kind]


def ticket(c, tid):
    r = c.request("GET", f"/api/v2/tickets/{tid}")
    assert r.status == 200, r
    return r.json["ticket"]


def wait_for(fn, timeout=20, what="condition"):
    """Poll fn until it returns a truthy value; that value is returned."""
    return wait_until(fn, timeout, what, step=0.1)


def settle(s, c=None):
    """Wait until routing's commands reached intake and routing saw the result."""
    s.wait_converged()
    wait_for(lambda: s.metric("routing-0", "hd_routing_commands_pending") == 0,
             what="commands delivered")
    s.wait_converged()


def audits(c, tid):
    r = c.request("GET", f"/api/v2/tickets/{tid}/audits")
    assert r.status == 200, r
    return r.json["audits"]


def rule_events(s, ctx):
    """rule.notification events via events.since: triggers' from intake's
    outbox (they fire inside the ticket write), automations' from
    routing's."""
    want = lambda t: t == "rule.notification"
    return payloads(ctx, s, "intake-0", want) + payloads(ctx, s, "routing-0", want)
