"""Assignment, agent profiles, presence and the durable queue (issue 5 item
2): routing assigns waiting tickets of a group to available agents under
their capacity — round-robin, least-loaded, skills with a fallback — records
every presence change with its business time, and neither loses nor
duplicates an assignment when it is SIGKILLed mid-stream."""
import json
import threading
import time

from harness import Suite, basic, scaled, wait_until
from outbox import payloads

ENV = {"HD_ROUTING_TICK_MS": "100"}
GROUPS = "/api/v2/hd/groups"
AGENTS = "/api/v2/hd/agents"


def until(fn, timeout=60, what="condition", step=0.05, progress=None):
    return wait_until(fn, timeout, what, step, progress)


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
    if r.status != 200:
        load.last_error = r  # shown when a wait on the books times out
        return None
    return r.json["group_load"]


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


def create_many(s, g, n, threads=4, at=None, then=None):
    """n tickets from several clients; then() runs once when `at` exist."""
    ids, lock = [], threading.Lock()
    prios = ["low", "normal", "high", "urgent"]

    def work(k):
        c = s.client()
        for i in range(k, n, threads):
            t = new_ticket(c, g, subject=f"문의 {i}", priority=prios[i % 4])
            with lock:
                ids.append(t["id"])
                fire = then and len(ids) == at
            if fire:
                then()
    ts = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert len(ids) == n
    return ids


def solve_all(s, c, ids, caps, off, on_round=None):
    """Solve assigned tickets until every ticket was assigned and solved;
    checks intake's view of each agent's open tickets against capacity.
    Fails only when no ticket got assigned for a long time: a loaded machine
    is slow, a lost wake-up or stuck queue makes no progress at all."""
    left, rounds = set(ids), 0
    stall = scaled(60)
    deadline = time.time() + stall
    while left:
        assert time.time() < deadline, (f"{len(left)} tickets never assigned: none in {stall:.0f}s "
                                         f"after {rounds} rounds")
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
        if todo:
            deadline = time.time() + stall
        else:
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
            def restart():
                s.kill("routing")
                s.restart("routing")
            ids = create_many(s, g, 1000, at=400, then=restart if kill_midway else None)
            # Before anyone solves, exactly the 30 seats are taken.
            until(lambda: (lambda gl: gl and gl["queued"] == 970 and gl)(load(c, g)), what="970 queued",
                  progress=lambda: (load(c, g) or {}).get("queued"))
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
                    restart()
            solve_all(s, c, ids, caps, off, maybe_kill)
        finally:
            mon.stop.set()
            mon.join()
        assert mon.samples > 10 and not mon.errors, (mon.samples, mon.errors[:5])
        # Every solve reaches routing's books: no load left, nothing queued.
        until(lambda: (lambda x: x and x["queued"] == 0 and
                       all(not a["load"] for a in x["agents"]) and x)(load(c, g)),
              what=lambda: f"empty books (last error: {getattr(load, 'last_error', None)!r})")
        audit_once(s, ids, agents, off)


def test_round_robin_1000(ctx):
    run_thousand(ctx, "round_robin", kill_midway=False)


def test_least_loaded_1000_with_sigkill(ctx):
    run_thousand(ctx, "least_loaded", kill_midway=True)


def presence_events(ctx, s):
    return payloads(ctx, s, "routing-0", lambda t: t == "presence.changed")


def test_presence_states_history_and_events(ctx):
    with Suite(ctx.bin_dir, env=ENV).start() as s:
        c = s.client()
        tok = c.request("POST", "/api/v2/api_tokens", {"api_token": {"description": "p"}}).json["api_token"]["token"]
        a = make_agent(c, "김상담", "kim@hana.example")
        b = make_agent(c, "이상담", "lee@hana.example")
        end = make_agent(c, "고객", "customer@hana.example", role="end-user")
        me = s.client(auth=basic("kim@hana.example", tok))
        cust = s.client(auth=basic("customer@hana.example", tok))
        # The seeded states; 상담준비 is the only custom one that takes work.
        st = c.request("GET", "/api/v2/hd/presence_states")
        assert st.status == 200, st
        states = {x["name"]: x["available"] for x in st.json["presence_states"]}
        assert states == {"online": True, "away": False, "offline": False, "상담준비": True, "통화중": False,
                          "후처리": False, "회의": False, "자리비움": False, "교육": False}, states
        r = c.request("POST", "/api/v2/hd/presence_states", {"presence_state": {"name": "점심", "available": False}})
        assert r.status == 201 and r.json["presence_state"] == {"name": "점심", "available": False, "builtin": False}, r
        for body, field in [({"name": "online", "available": False}, "name"), ({"name": ""}, "name"),
                            ({"name": 5}, "name"), ({"name": "x", "available": "yes"}, "available"),
                            ({"name": "가" * 30}, "name")]:
            bad = c.request("POST", "/api/v2/hd/presence_states", {"presence_state": body})
            assert bad.status == 422 and field in bad.json["details"], (body, bad)
        assert me.request("POST", "/api/v2/hd/presence_states", {"presence_state": {"name": "y"}}).status == 403
        assert cust.request("GET", "/api/v2/hd/presence_states").status == 403
        # Unknown until routing has the agents from intake's events; offline then.
        until(lambda: c.request("GET", f"{AGENTS}/{a['id']}/presence").status == 200, what="agent known")
        until(lambda: c.request("GET", f"{AGENTS}/{b['id']}/presence").status == 200, what="agent known")
        p0 = c.request("GET", f"{AGENTS}/{a['id']}/presence").json["presence"]
        assert p0 == {"agent_id": a["id"], "state": "offline", "available": False, "since": None}, p0
        assert c.request("GET", f"{AGENTS}/{end['id']}/presence").status == 404
        assert c.request("PUT", f"{AGENTS}/{end['id']}/presence", {"presence": {"state": "online"}}).status == 404
        # An agent sets its own presence, not another's; admins anyone's.
        t0 = s.now_ms()
        r = me.request("PUT", f"{AGENTS}/{a['id']}/presence", {"presence": {"state": "상담준비"}})
        assert r.status == 200 and r.json["presence"]["state"] == "상담준비" and r.json["presence"]["available"], r
        assert me.request("PUT", f"{AGENTS}/{b['id']}/presence", {"presence": {"state": "online"}}).status == 403
        assert cust.request("PUT", f"{AGENTS}/{end['id']}/presence", {"presence": {"state": "online"}}).status == 403
        assert c.request("PUT", f"{AGENTS}/{b['id']}/presence", {"presence": {"state": "회의"}}).status == 200
        bad = me.request("PUT", f"{AGENTS}/{a['id']}/presence", {"presence": {"state": "춤"}})
        assert bad.status == 422 and "state" in bad.json["details"], bad
        bad = me.request("PUT", f"{AGENTS}/{a['id']}/presence", {"presence": {"state": None}})
        assert bad.status == 422 and "state" in bad.json["details"], bad
        # A day of work on the business clock.
        s.advance_clock(3600 * 1000)
        me.request("PUT", f"{AGENTS}/{a['id']}/presence", {"presence": {"state": "통화중"}})
        s.advance_clock(600 * 1000)
        me.request("PUT", f"{AGENTS}/{a['id']}/presence", {"presence": {"state": "후처리"}})
        same = me.request("PUT", f"{AGENTS}/{a['id']}/presence", {"presence": {"state": "후처리"}})
        assert same.status == 200
        s.advance_clock(300 * 1000)
        me.request("PUT", f"{AGENTS}/{a['id']}/presence", {"presence": {"state": "점심"}})
        h = me.request("GET", f"{AGENTS}/{a['id']}/presence/history")
        assert h.status == 200, h
        ch = h.json["presence_history"]
        assert [(x["previous_state"], x["state"], x["available"]) for x in ch] == [
            ("offline", "상담준비", True), ("상담준비", "통화중", False), ("통화중", "후처리", False),
            ("후처리", "점심", False)], ch
        at = [x["at_ms"] for x in ch]
        assert t0 - 1000 <= at[0] <= t0 + 5000, (t0, at)
        assert abs((at[1] - at[0]) - 3600 * 1000) < 5000 and abs((at[2] - at[1]) - 600 * 1000) < 5000, at
        assert abs((at[3] - at[2]) - 300 * 1000) < 5000, at
        assert all(x["changed_by"] == a["id"] and x["at"].endswith("Z") for x in ch), ch
        since = me.request("GET", f"{AGENTS}/{a['id']}/presence/history?since={at[2]}")
        assert [x["state"] for x in since.json["presence_history"]] == ["후처리", "점심"], since
        assert c.request("GET", f"{AGENTS}/{a['id']}/presence/history?since=yesterday").status == 400
        assert me.request("GET", f"{AGENTS}/{b['id']}/presence/history").status == 403
        # The same changes were published as presence.changed (for metrics).
        evs = [e for e in presence_events(ctx, s) if e["agent_id"] == a["id"]]
        assert [(e["previous_state"], e["state"], e["available"], e["at"]) for e in evs] == [
            (x["previous_state"], x["state"], x["available"], x["at_ms"]) for x in ch], (evs, ch)
        other = [e for e in presence_events(ctx, s) if e["agent_id"] == b["id"]]
        admin_id = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        assert [(e["state"], e["changed_by"]) for e in other] == [("회의", admin_id)], other


def test_queue_order_presence_and_human_reassign(ctx):
    with Suite(ctx.bin_dir, env=ENV).start() as s:
        c = s.client()
        g = make_group(c, "야간팀")
        a = make_agent(c, "박상담", "park@hana.example")
        b = make_agent(c, "최상담", "choi@hana.example")
        join(c, a, g)
        join(c, b, g)
        set_profile(c, a, capacity={"default": 1})
        set_profile(c, b, capacity={"default": 3})
        assert set_routing(c, g, strategy="least_loaded")["strategy"] == "least_loaded"
        # Nobody available: every ticket waits, oldest and most urgent first.
        t_low = new_ticket(c, g, "낮음", priority="low")
        t_urg1 = new_ticket(c, g, "긴급1", priority="urgent")
        t_norm = new_ticket(c, g, "보통", priority="normal")
        t_urg2 = new_ticket(c, g, "긴급2", priority="urgent")
        t_none = new_ticket(c, g, "없음")
        until(lambda: (load(c, g) or {}).get("queued") == 5, what="5 queued")
        set_presence(c, a, "통화중")  # busy: not available
        time.sleep(0.5)
        assert all(t["assignee_id"] is None for t in fetch(c, [t_low["id"], t_urg1["id"]]).values())
        set_presence(c, a, "상담준비")
        order = []
        for want in [t_urg1, t_urg2, t_norm]:
            t = until(lambda: (lambda x: x["assignee_id"] and x)(fetch(c, [want["id"]])[want["id"]]),
                      what=f"{want['subject']} assigned")
            assert t["assignee_id"] == a["id"], t
            order.append(t["subject"])
            # Capacity 1: the next waits until this one is solved.
            if want is not t_norm:
                time.sleep(0.3)
                assert load(c, g)["queued"] == 5 - len(order)
                assert c.request("PUT", f"/api/v2/tickets/{t['id']}", {"ticket": {"status": "solved"}}).status == 200
        assert order == ["긴급1", "긴급2", "보통"]
        # A human reassigns 보통 to b (offline): routing follows intake, a's seat frees, 낮음 goes to a.
        r = c.request("PUT", f"/api/v2/tickets/{t_norm['id']}", {"ticket": {"assignee_id": b["id"]}})
        assert r.status == 200, r
        t = until(lambda: (lambda x: x["assignee_id"] and x)(fetch(c, [t_low["id"]])[t_low["id"]]), what="낮음")
        assert t["assignee_id"] == a["id"]
        gl = until(lambda: (lambda x: {y["agent_id"]: y["load"] for y in x["agents"]}.get(b["id"]) and x)(load(c, g)),
                   what="b's load")
        loads = {y["agent_id"]: y["load"] for y in gl["agents"]}
        assert loads == {a["id"]: {"api": 1}, b["id"]: {"api": 1}}, loads
        assert gl["queued"] == 1
        # A new available member takes the rest at once.
        cc = make_agent(c, "정상담", "jung@hana.example")
        set_profile(c, cc, capacity={"api": 2})
        set_presence(c, cc, "online")
        join(c, cc, g)
        t = until(lambda: (lambda x: x["assignee_id"] and x)(fetch(c, [t_none["id"]])[t_none["id"]]), what="없음")
        assert t["assignee_id"] == cc["id"]
        # manual: nothing is assigned automatically any more.
        set_routing(c, g, strategy="manual")
        t6 = new_ticket(c, g, "수동")
        time.sleep(0.5)
        assert fetch(c, [t6["id"]])[t6["id"]]["assignee_id"] is None
        assert load(c, g)["queued"] == 0
        for t in [t_urg1, t_urg2, t_norm, t_low, t_none]:
            assert len(assignments_in_audits(c, t["id"])) == (2 if t is t_norm else 1), t["subject"]


def test_skills_with_fallback(ctx):
    with Suite(ctx.bin_dir, env=ENV).start() as s:
        c = s.client()
        g = make_group(c, "전문상담")
        a = make_agent(c, "결제 담당", "billing@hana.example")
        b = make_agent(c, "기술 담당", "tech@hana.example")
        en = make_agent(c, "John", "john@customer.example", role="end-user", locale="en-US")
        for x in (a, b):
            join(c, x, g)
        set_profile(c, a, skills=["billing"], languages=["ko"], capacity={"default": 5})
        set_profile(c, b, skills=["tech"], languages=["ko", "en"], capacity={"default": 5})
        # A multiselect field names required skills too (the group's skill field).
        f = c.request("POST", "/api/v2/ticket_fields", {"ticket_field": {
            "type": "multiselect", "title": "전문 분야",
            "custom_field_options": [{"name": "결제", "value": "billing"}, {"name": "기술", "value": "tech"}]}})
        assert f.status == 201, f
        fid = f.json["ticket_field"]["id"]
        cfg = set_routing(c, g, strategy="skills", skills_fallback_after_seconds=600, fallback="any_member",
                          skill_field_id=fid)
        assert cfg["skills_fallback_after_seconds"] == 600 and cfg["fallback"] == "any_member", cfg
        assert cfg["skill_field_id"] == fid, cfg
        set_presence(c, a, "online")
        set_presence(c, b, "online")
        t0 = s.now_ms()  # no ticket waits from before this
        t1 = new_ticket(c, g, "결제 오류", tags=["skill_billing"])            # ko requester (admin)
        t2 = new_ticket(c, g, "Login broken", tags=["skill_tech"], requester_id=en["id"])
        t3 = new_ticket(c, g, "Refund", tags=["skill_billing"], requester_id=en["id"])  # nobody has billing+en
        t4 = new_ticket(c, g, "법률 문의", tags=["skill_legal"])
        t5 = new_ticket(c, g, "Card declined", requester_id=en["id"], custom_fields=[{"id": fid, "value": ["tech"]}])
        t6 = new_ticket(c, g, "결제와 기술", custom_fields=[{"id": fid, "value": ["billing", "tech"]}])
        ids = [t["id"] for t in (t1, t2, t3, t4, t5, t6)]

        def assigned():
            return {k: v["assignee_id"] for k, v in fetch(c, ids).items()}
        got = until(lambda: (lambda x: x[t1["id"]] and x[t2["id"]] and x[t5["id"]] and x)(assigned()),
                    what="t1 t2 t5")
        assert got[t1["id"]] == a["id"] and got[t2["id"]] == b["id"] and got[t5["id"]] == b["id"], got
        # 30 s short of the oldest ticket's 10 minutes, however long the
        # real time since was on a loaded machine.
        s.advance_clock(t0 + 570 * 1000 - s.now_ms())
        time.sleep(1.0)  # ten ticks
        got = assigned()
        assert got[t3["id"]] is None and got[t4["id"]] is None and got[t6["id"]] is None, got
        assert load(c, g)["queued"] == 3
        s.advance_clock(31 * 1000)
        late = [t3["id"], t4["id"], t6["id"]]
        got = until(lambda: (lambda x: all(x[i] for i in late) and x)(assigned()), what="fallback")
        assert {got[i] for i in late} <= {a["id"], b["id"]}, got
        via = c.request("GET", f"/api/v2/tickets/{t4['id']}/audits").json["audits"]
        assert len(assignments_in_audits(c, t4["id"])) == 1, via


def test_settings_validation_and_access(ctx):
    with Suite(ctx.bin_dir, env=ENV).start() as s:
        c = s.client()
        tok = c.request("POST", "/api/v2/api_tokens", {"api_token": {"description": "v"}}).json["api_token"]["token"]
        g = make_group(c, "검증팀")
        a = make_agent(c, "한상담", "han@hana.example")
        agent = s.client(auth=basic("han@hana.example", tok))
        d = c.request("GET", f"{GROUPS}/{g['id']}/routing")
        assert d.status == 200 and d.json["group_routing"] == {
            "group_id": g["id"], "strategy": "manual", "skills_fallback_after_seconds": 0,
            "fallback": "any_member", "skill_field_id": None, "updated_at": None}, d
        for body, field in [({"strategy": "random"}, "strategy"), ({"strategy": 3}, "strategy"),
                            ({"skills_fallback_after_seconds": -1}, "skills_fallback_after_seconds"),
                            ({"skills_fallback_after_seconds": "10"}, "skills_fallback_after_seconds"),
                            ({"fallback": "group_id:abc"}, "fallback"), ({"fallback": "everyone"}, "fallback"),
                            ({"skill_field_id": "x"}, "skill_field_id")]:
            r = c.request("PUT", f"{GROUPS}/{g['id']}/routing", {"group_routing": body})
            assert r.status == 422 and field in r.json["details"], (body, r)
        assert c.request("PUT", f"{GROUPS}/{g['id']}/routing", "{not json").status == 400
        assert c.request("PUT", f"{GROUPS}/{g['id']}/routing", {"group_routing": []}).status == 400
        ok = c.request("PUT", f"{GROUPS}/{g['id']}/routing", {"strategy": "round_robin", "fallback": "group_id:7"})
        assert ok.status == 200 and ok.json["group_routing"]["fallback"] == "group_id:7", ok
        assert agent.request("PUT", f"{GROUPS}/{g['id']}/routing", {"strategy": "manual"}).status == 403
        assert agent.request("GET", f"{GROUPS}/{g['id']}/routing").status == 200
        assert agent.request("GET", f"{GROUPS}/{g['id']}/routing/load").status == 200
        p = set_profile(c, a, skills=["결제", "ko"], languages=["ko"], capacity={"email": 10, "chat": 3, "default": 5})
        assert p["skills"] == ["결제", "ko"] and p["capacity"] == {"email": 10, "chat": 3, "default": 5}, p
        for body, field in [({"capacity": {"api": -1}}, "capacity"), ({"capacity": {"API!": 1}}, "capacity"),
                            ({"capacity": {"api": 1001}}, "capacity"), ({"capacity": [1]}, "capacity"),
                            ({"skills": "billing"}, "skills"), ({"skills": [""]}, "skills"),
                            ({"skills": ["x" * 65]}, "skills"), ({"skills": ["s"] * 101}, "skills"),
                            ({"languages": [1]}, "languages")]:
            r = c.request("PUT", f"{AGENTS}/{a['id']}/profile", {"agent_profile": body})
            assert r.status == 422 and field in r.json["details"], (body, r)
        # Partial update keeps the rest; an agent reads its own profile only.
        p2 = c.request("PUT", f"{AGENTS}/{a['id']}/profile", {"agent_profile": {"languages": ["ko", "en"]}})
        assert p2.json["agent_profile"]["skills"] == ["결제", "ko"] and p2.json["agent_profile"]["languages"] == ["ko", "en"]
        assert agent.request("GET", f"{AGENTS}/{a['id']}/profile").json["agent_profile"] == p2.json["agent_profile"]
        assert agent.request("PUT", f"{AGENTS}/{a['id']}/profile", {"agent_profile": {"skills": []}}).status == 403
        assert c.request("GET", f"{AGENTS}/999999/profile").status == 404
        assert c.request("PUT", f"{AGENTS}/999999/profile", {"agent_profile": {"skills": []}}).status == 404
        # A ticket waits while nobody is available; deleting the group empties its queue.
        t = new_ticket(c, g, "대기")
        until(lambda: (load(c, g) or {}).get("queued") == 1, what="1 queued")
        assert c.request("DELETE", f"/api/v2/groups/{g['id']}").status in (200, 204)
        until(lambda: (load(c, g) or {}).get("queued") == 0, what="queue emptied")
        assert c.request("GET", f"{GROUPS}/{g['id']}/routing").json["group_routing"]["strategy"] == "manual"
        assert fetch(c, [t["id"]])[t["id"]]["assignee_id"] is None


def test_skills_fallback_to_another_group(ctx):
    with Suite(ctx.bin_dir, env=ENV).start() as s:
        c = s.client()
        g = make_group(c, "해외결제")
        backup = make_group(c, "백업팀")
        a = make_agent(c, "해외 담당", "global@hana.example")
        b = make_agent(c, "백업 담당", "backup@hana.example")
        join(c, a, g)
        join(c, b, backup)
        set_profile(c, a, skills=["visa"], languages=["ko"], capacity={"default": 5})
        set_profile(c, b, languages=["ko"], capacity={"default": 5})
        set_routing(c, g, strategy="skills", skills_fallback_after_seconds=3600, fallback=f"group_id:{backup['id']}")
        for x in (a, b):
            set_presence(c, x, "online")
        t = new_ticket(c, g, "마스터카드 결제", tags=["skill_mastercard"])
        time.sleep(0.5)
        assert fetch(c, [t["id"]])[t["id"]]["assignee_id"] is None
        s.advance_clock(3601 * 1000)
        got = until(lambda: fetch(c, [t["id"]])[t["id"]]["assignee_id"], what="fallback group")
        assert got == b["id"], got  # the other group's member, not a (who lacks the skill)


def test_hostile_settings_get_clear_errors(ctx):
    import os
    import random
    import urllib.parse
    from test_hostile import junk
    seed = int(os.environ.get("HD_HOSTILE_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    keys = ["strategy", "skills_fallback_after_seconds", "fallback", "skill_field_id", "skills", "languages",
            "capacity", "state", "name", "available", "default", "api", "email"]
    with Suite(ctx.bin_dir, env=ENV).start() as s:
        c = s.client()
        g = make_group(c, "공격팀")
        a = make_agent(c, "방어 담당", "guard@hana.example")
        set_profile(c, a, capacity={"api": 1})
        ends = [("PUT", f"{GROUPS}/{g['id']}/routing", "group_routing"),
                ("PUT", f"{AGENTS}/{a['id']}/profile", "agent_profile"),
                ("PUT", f"{AGENTS}/{a['id']}/presence", "presence"),
                ("POST", "/api/v2/hd/presence_states", "presence_state"),
                ("GET", f"{AGENTS}/{a['id']}/presence/history?since=", None)]
        for i in range(300):
            method, path, key = rng.choice(ends)
            if key is None:
                r = c.request(method, path + urllib.parse.quote(str(junk(rng))[:80]))
            else:
                body = {key: {rng.choice(keys): junk(rng, 1) for _ in range(rng.randrange(1, 6))}}
                r = c.request(method, path, json.dumps(body))
            assert r.status < 500, (seed, i, path, r)
        for k, p in s.procs.items():
            assert p.poll() is None, f"{k} died (seed {seed})"
        assert load(c, g) is not None
