"""Assignment, agent profiles, presence and the durable queue (issue 5 item
2): routing assigns waiting tickets of a group to available agents under
their capacity — round-robin, least-loaded, skills with a fallback — records
every presence change with its business time, and neither loses nor
duplicates an assignment when it is SIGKILLed mid-stream."""
import json
import threading
import time

from harness import Suite, basic

ENV = {"HD_ROUTING_TICK_MS": "100"}
GROUPS = "/api/v2/hd/groups"
AGENTS = "/api/v2/hd/agents"


def until(fn, timeout=60, what="condition", step=0.05):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}: {last!r}")


def make_agent(c, name, email, role="agent", **extra):
    u = {"name": name, "email": email, "role": role}
    u.update(extra)
    r = c.request("POST", "/api/v2/users", {"user": u})
    assert r.status == 201, r
    return r.json["user"]


def make_group(c, name):
    r = c.request("POST", "/api/v2/groups", {"group": {"name": name}})
    assert r.status == 201, r
    return r.json["group"]


def join(c, agent, group):
    r = c.request("POST", "/api/v2/group_memberships",
                  {"group_membership": {"user_id": agent["id"], "group_id": group["id"]}})
    assert r.status == 201, r


def set_profile(c, agent, **profile):
    # routing learns users from intake's events: retry until it has.
    def put():
        r = c.request("PUT", f"{AGENTS}/{agent['id']}/profile", {"agent_profile": profile})
        assert r.status in (200, 404), r
        return r if r.status == 200 else None
    return until(put, what="routing to know the agent").json["agent_profile"]


def set_presence(c, agent, state):
    r = c.request("PUT", f"{AGENTS}/{agent['id']}/presence", {"presence": {"state": state}})
    assert r.status == 200, r
    return r.json["presence"]


def set_routing(c, group, **cfg):
    r = c.request("PUT", f"{GROUPS}/{group['id']}/routing", {"group_routing": cfg})
    assert r.status == 200, r
    return r.json["group_routing"]


def load(c, group):
    r = c.request("GET", f"{GROUPS}/{group['id']}/routing/load")
    return r.json["group_load"] if r.status == 200 else None


def new_ticket(c, group, subject="문의", **extra):
    t = {"subject": subject, "comment": {"body": "상담 요청드립니다"}, "group_id": group["id"]}
    t.update(extra)
    r = c.request("POST", "/api/v2/tickets", {"ticket": t})
    assert r.status == 201, r
    return r.json["ticket"]


def fetch(c, ids):
    out = {}
    ids = list(ids)
    for i in range(0, len(ids), 100):
        chunk = ",".join(str(x) for x in ids[i:i + 100])
        r = c.request("GET", f"/api/v2/tickets/show_many?ids={chunk}")
        assert r.status == 200, r
        for t in r.json["tickets"]:
            out[t["id"]] = t
    return out


def assignments_in_audits(c, tid):
    r = c.request("GET", f"/api/v2/tickets/{tid}/audits")
    assert r.status == 200, r
    return [e for a in r.json["audits"] for e in a["events"]
            if e.get("type") == "Change" and e.get("field_name") == "assignee_id"]


class Monitor(threading.Thread):
    """Polls the group's load report: nobody over capacity, nobody
    unavailable holding new work, round-robin spread while all have room."""

    def __init__(self, s, group, caps, check_spread):
        super().__init__(daemon=True)
        self.c = s.client()
        self.group, self.caps = group, caps
        self.check_spread = check_spread
        self.stop = threading.Event()
        self.errors, self.samples = [], 0

    def run(self):
        while not self.stop.is_set():
            gl = load(self.c, self.group)
            if gl:
                self.samples += 1
                loads = {}
                for a in gl["agents"]:
                    n = sum(a["load"].values())
                    loads[a["agent_id"]] = n
                    cap = self.caps.get(a["agent_id"], 0)
                    if n > cap:
                        self.errors.append(f"agent {a['agent_id']} holds {n} > capacity {cap}")
                vals = [loads.get(a, 0) for a in self.caps]
                if self.check_spread.is_set() and all(v < self.caps[a] for a, v in zip(self.caps, vals)):
                    if max(vals) - min(vals) > 1:
                        self.errors.append(f"round-robin spread {vals}")
            time.sleep(0.02)


def team(s, c, strategy, caps, name="상담1팀"):
    """A group of agents (capacities on channel api) all online, plus one
    offline member who must never receive work."""
    tok = c.request("POST", "/api/v2/api_tokens", {"api_token": {"description": "assign"}}).json["api_token"]["token"]
    g = make_group(c, name)
    agents = []
    for i, cap in enumerate(caps):
        a = make_agent(c, f"상담원{i}", f"agent{i}@{name.encode().hex()}.example")
        join(c, a, g)
        set_profile(c, a, skills=["상담"], languages=["ko"], capacity={"api": cap, "default": 1})
        agents.append(a)
    off = make_agent(c, "퇴근한 상담원", f"off@{name.encode().hex()}.example")
    join(c, off, g)
    set_profile(c, off, capacity={"api": 10})
    set_routing(c, g, strategy=strategy)
    for a in agents:
        set_presence(c, a, "online")
    return g, agents, off, tok


def create_many(s, g, n, threads=4):
    ids, lock = [], threading.Lock()
    prios = ["low", "normal", "high", "urgent"]

    def work(k):
        c = s.client()
        for i in range(k, n, threads):
            t = new_ticket(c, g, subject=f"문의 {i}", priority=prios[i % 4])
            with lock:
                ids.append(t["id"])
    ts = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert len(ids) == n
    return ids


def solve_all(s, c, ids, caps, off, on_round=None):
    """Solve assigned tickets until every ticket was assigned and solved;
    checks intake's view of each agent's open tickets against capacity."""
    left, rounds = set(ids), 0
    deadline = time.time() + 150
    while left:
        assert time.time() < deadline, f"{len(left)} tickets never assigned"
        rounds += 1
        if on_round:
            on_round(rounds)
        snap = fetch(c, left)
        held = {}
        for t in snap.values():
            if t["assignee_id"] and t["status"] in ("new", "open", "pending"):
                held[t["assignee_id"]] = held.get(t["assignee_id"], 0) + 1
        assert off["id"] not in held, "an offline agent got work"
        for a, n in held.items():
            assert n <= caps[a], f"intake shows agent {a} with {n} > {caps[a]}"
        todo = [t for t in snap.values() if t["assignee_id"] and t["status"] == "open"]
        for t in todo:
            r = c.request("PUT", f"/api/v2/tickets/{t['id']}", {"ticket": {"status": "solved"}})
            assert r.status == 200, r
            left.discard(t["id"])
        if not todo:
            time.sleep(0.05)
    return rounds


def audit_once(s, ids, agents, off):
    """Every ticket's audits show exactly one assignment, from nobody to an
    online agent of the team."""
    ok_ids = {a["id"] for a in agents}
    bad, lock = [], threading.Lock()

    def work(k):
        c = s.client()
        for tid in ids[k::4]:
            ch = assignments_in_audits(c, tid)
            if len(ch) != 1 or ch[0]["previous_value"] is not None or ch[0]["value"] not in ok_ids:
                with lock:
                    bad.append((tid, ch))
    ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not bad, f"{len(bad)} tickets not assigned exactly once: {bad[:3]}"


def run_thousand(ctx, strategy, kill_midway):
    with Suite(ctx.bin_dir, env=ENV).start() as s:
        c = s.client()
        g, agents, off, _ = team(s, c, strategy, [2, 4, 6, 8, 10])
        caps = {a["id"]: cap for a, cap in zip(agents, [2, 4, 6, 8, 10])}
        caps[off["id"]] = 0
        spread = threading.Event()
        if strategy == "round_robin":
            spread.set()
        mon = Monitor(s, g, caps, spread)
        mon.start()
        try:
            ids = create_many(s, g, 1000)
            # Before anyone solves, exactly the 30 seats are taken.
            until(lambda: (lambda gl: gl and gl["queued"] == 970 and gl)(load(c, g)), what="970 queued")
            def held():
                h = {}
                for t in fetch(c, ids).values():
                    if t["assignee_id"]:
                        h[t["assignee_id"]] = h.get(t["assignee_id"], 0) + 1
                return h if sum(h.values()) >= 30 else None
            h = until(held, what="intake to show 30 assignments", step=0.2)
            assert h == {a: n for a, n in caps.items() if n}, h
            spread.clear()

            def maybe_kill(rnd):
                if kill_midway and rnd == 8:
                    s.kill("routing")
                    s.restart("routing")
            solve_all(s, c, ids, caps, off, maybe_kill)
        finally:
            mon.stop.set()
            mon.join()
        assert mon.samples > 10 and not mon.errors, (mon.samples, mon.errors[:5])
        gl = until(lambda: (lambda x: x and x["queued"] == 0 and x)(load(c, g)), what="empty queue")
        assert all(sum(a["load"].values()) == 0 for a in gl["agents"]), gl
        audit_once(s, ids, agents, off)


def test_round_robin_1000(ctx):
    run_thousand(ctx, "round_robin", kill_midway=False)


def test_least_loaded_1000_with_sigkill(ctx):
    run_thousand(ctx, "least_loaded", kill_midway=True)
