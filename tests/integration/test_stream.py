"""Live updates (issue 16): GET /api/v2/hd/stream, Server-Sent Events fed by
the bus. Ticket changes arrive within a second with who made them; an
end-user sees only their own tickets; view counts are pushed (one
views.count_many per recount); presence, assignment and viewing events;
Last-Event-ID replays from the ring and an unknown one gets a reset;
heartbeats; the per-user limit."""
import http.client
import json
import threading
import time

from harness import Suite, scaled, wait_until
from test_session import Browser, cookie_of, sign_in
from test_tickets_api import agent, end_user

STREAM = "/api/v2/hd/stream"


class Stream:
    """One SSE connection read by a thread; events land in self.events."""

    def __init__(self, port, headers, query=""):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=scaled(60))
        self.conn.request("GET", STREAM + query, headers=headers)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        self.events, self.comments = [], []
        self.closed = False
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        cur = {}
        try:
            while True:
                line = self.resp.readline()  # decodes the chunks
                if not line:
                    break
                line = line.decode("utf-8").rstrip("\n")
                if line == "":
                    if "event" in cur or "data" in cur:
                        cur["at"] = time.monotonic()
                        if "data" in cur:
                            cur["json"] = json.loads(cur["data"])
                        self.events.append(cur)
                    cur = {}
                elif line.startswith(":"):
                    self.comments.append(line)
                else:
                    k, _, v = line.partition(":")
                    cur[k] = v[1:] if v.startswith(" ") else v
        except Exception:  # closed under the reader by close()
            pass
        self.closed = True

    def of(self, name, pred=lambda d: True):
        return [e for e in list(self.events) if e.get("event") == name and pred(e.get("json"))]

    def wait(self, name, pred=lambda d: True, what=None, timeout=20):
        return wait_until(lambda: self.of(name, pred), timeout, what or name)[0]

    def close(self):
        try:
            self.conn.sock.shutdown(2)
        except OSError:
            pass
        self.conn.close()


def auth_headers(client):
    return {"Authorization": client.auth}


def test_ticket_events_reach_the_right_people_fast(ctx):
    with Suite(ctx.bin_dir).start() as s:
        admin = s.client()
        aid = agent(s, "minji.kim@example.kr")
        admin.request("PUT", f"/api/v2/users/{aid}.json", {"user": {"name": "김민지"}})
        admin.request("PUT", f"/api/v2/users/{aid}/password.json", {"password": "Agent-pass-123"})
        r = sign_in(s, "minji.kim@example.kr", "Agent-pass-123")
        minji = Browser(s, cookie_of(r), r.json["session"]["csrf_token"])
        a_id, a = end_user(s, "owner@example.kr")
        b_id, b = end_user(s, "other@example.kr")
        view = admin.request("POST", "/api/v2/views.json", {"view": {
            "title": "열린 티켓", "all": [{"field": "status", "operator": "less_than", "value": "solved"}]}})
        assert view.status == 201, view
        vid = str(view.json["view"]["id"])

        # The agent by cookie, the end-users by their passwords.
        st_agent = Stream(s.http_port, {"Cookie": f"hd_session={minji.sid}"})
        assert st_agent.status == 200, st_agent.status
        assert st_agent.headers["content-type"].startswith("text/event-stream"), st_agent.headers
        st_a = Stream(s.http_port, auth_headers(a))
        st_b = Stream(s.http_port, auth_headers(b))
        # The first counts come at once for staff.
        first = st_agent.wait("view_counts", lambda d: vid in d["view_counts"], "initial counts")
        before = first["json"]["view_counts"][vid]

        t0 = time.monotonic()
        tk = a.request("POST", "/api/v2/tickets.json", {"ticket": {"subject": "주문 문의", "comment": {"body": "?"}}})
        assert tk.status == 201, tk
        tid = tk.json["ticket"]["id"]
        ev = st_agent.wait("ticket", lambda d: d["id"] == tid, "the agent's ticket event")
        assert ev["json"]["change"] == "created" and ev["json"]["status"] == "new", ev
        counts = st_agent.wait("view_counts", lambda d: d["view_counts"].get(vid) == before + 1, "count +1")
        mine = st_a.wait("ticket", lambda d: d["id"] == tid, "the requester's event")
        # Generous bound on a busy machine; the budget is one second.
        assert ev["at"] - t0 < scaled(1.0) * 3, ev["at"] - t0
        assert counts["at"] - t0 < scaled(1.0) * 4, counts["at"] - t0

        # The agent's reply: "updated by 김민지".
        up = minji.request("PUT", f"/api/v2/tickets/{tid}.json", {"ticket": {
            "status": "open", "comment": {"body": "확인 중입니다", "public": True}}})
        assert up.status == 200, up
        upd = st_a.wait("ticket", lambda d: d["id"] == tid and d["change"] == "updated", "update")
        assert upd["json"]["updated_by"] == {"id": aid, "name": "김민지"}, upd
        assert upd["json"]["status"] == "open" and upd["json"]["updated_at"].endswith("Z"), upd
        assert "id" in upd  # replayable

        # Assignment goes to the assignee only.
        admin.request("PUT", f"/api/v2/tickets/{tid}.json", {"ticket": {"assignee_id": aid}})
        asg = st_agent.wait("assignment", lambda d: d["ticket_id"] == tid, "assignment")
        assert asg["json"]["subject"] == "주문 문의", asg
        st_agent.wait("ticket", lambda d: d["id"] == tid and d["assignee_id"] == aid)

        # B saw nothing of A's ticket, and no assignment of anyone's.
        own = b.request("POST", "/api/v2/tickets.json", {"ticket": {"subject": "b", "comment": {"body": "b"}}})
        st_b.wait("ticket", lambda d: d["id"] == own.json["ticket"]["id"], "B's own ticket")
        assert not st_b.of("ticket", lambda d: d["id"] == tid), st_b.events
        assert not st_b.of("assignment") and not st_a.of("assignment"), (st_a.events, st_b.events)
        assert not st_a.of("view_counts") and not st_a.of("ticket", lambda d: d["id"] == own.json["ticket"]["id"])

        # Viewing: staff streams learn who else has the ticket open.
        v = minji.request("POST", f"/api/v2/hd/viewing/{tid}")
        assert v.status == 200 and v.json["viewing"]["viewers"] == [{"id": aid, "name": "김민지"}], v
        st_agent.wait("viewing", lambda d: d["ticket_id"] == tid and d["viewers"], "viewing")
        assert not st_a.of("viewing")
        assert a.request("POST", f"/api/v2/hd/viewing/{tid}").status == 403
        # Without the CSRF token a cookie may not say so.
        assert Browser(s, minji.sid).request("POST", f"/api/v2/hd/viewing/{tid}").status == 403

        # Presence changes go to staff (routing learns the agent from the bus).
        def presence():
            p = minji.request("PUT", f"/api/v2/hd/agents/{aid}/presence", {"presence": {"state": "통화중"}})
            assert p.status in (200, 404), p
            return p.status == 200
        wait_until(presence, 20, "routing to know the agent")
        pr = st_agent.wait("presence", lambda d: d["agent_id"] == aid, "presence")
        assert pr["json"]["state"] == "통화중" and pr["json"]["agent"]["name"] == "김민지", pr
        assert not st_a.of("presence")
        for st in (st_agent, st_a, st_b):
            st.close()


def test_replay_reset_heartbeat_and_limits(ctx):
    env = {"HD_STREAM_HEARTBEAT_S": "1", "HD_STREAM_PER_USER": "2", "HD_STREAM_RING": "16"}
    with Suite(ctx.bin_dir, env=env).start() as s:
        admin = s.client()
        h = auth_headers(admin)
        st = Stream(s.http_port, h)
        ids = []
        for i in range(3):
            r = admin.request("POST", "/api/v2/tickets.json", {"ticket": {"subject": f"t{i}", "comment": {"body": "x"}}})
            ids.append(r.json["ticket"]["id"])
        for t in ids:
            st.wait("ticket", lambda d, t=t: d["id"] == t)
        first = st.of("ticket", lambda d: d["id"] == ids[0])[0]
        # Heartbeat comments while nothing happens.
        wait_until(lambda: any(c.startswith(": hb") for c in st.comments), 20, "heartbeat")

        # Two streams per user at most.
        st2 = Stream(s.http_port, h)
        assert st2.status == 200
        third = Stream(s.http_port, h)
        assert third.status == 429, third.status
        st.close()
        st2.close()

        # Reconnect after the first: the two later ones come again, in order.
        wait_until(lambda: Stream(s.http_port, h, "?once=1").status == 200, 20, "a slot is free")
        again = Stream(s.http_port, dict(h, **{"Last-Event-ID": first["id"]}), "?once=1")
        wait_until(lambda: again.closed, 20, "the replay ends (once=1)")
        got = [e["json"]["id"] for e in again.of("ticket")]
        assert got == ids[1:], (got, again.events)
        assert not again.of("reset")

        # An id from another process, or one out of the ring: reset.
        other = Stream(s.http_port, dict(h, **{"Last-Event-ID": "deadbeef-3"}), "?once=1")
        wait_until(lambda: other.closed, 20, "reset stream ends")
        assert other.of("reset") and not other.of("ticket"), other.events
        for i in range(20):
            admin.request("POST", "/api/v2/tickets.json", {"ticket": {"subject": f"n{i}", "comment": {"body": "x"}}})
        watcher = Stream(s.http_port, h)
        wait_until(lambda: True, 1)
        old = Stream(s.http_port, dict(h, **{"Last-Event-ID": first["id"]}), "?once=1")
        wait_until(lambda: old.closed, 20, "old stream ends")
        assert old.of("reset"), old.events
        watcher.close()

        # Without credentials: 401.
        anon = Stream(s.http_port, {})
        assert anon.status == 401
        # A stream left open does not hold the gateway's shutdown (the
        # suite's close checks every exit code and sanitizer report).
        lingering = Stream(s.http_port, h)
        assert lingering.status == 200
        t0 = time.monotonic()
        assert s.stop_service("gateway") == 0
        assert time.monotonic() - t0 < scaled(8), "the stream held the shutdown"
        wait_until(lambda: lingering.closed, 20, "the stream ends with the gateway")


def test_one_agent_cannot_fill_the_viewing_table(ctx):
    """An agent is shown on at most 16 tickets at once: a 17th gives up the
    ticket beaten least recently (announced to staff), so one agent — or a
    script with an agent's session — cannot push everyone else out."""
    with Suite(ctx.bin_dir, services=["intake", "gateway"]).start() as s:
        admin = s.client()
        aid = agent(s, "viewer.two@example.kr")
        admin.request("PUT", f"/api/v2/users/{aid}/password.json", {"password": "Agent-pass-123"})
        r = sign_in(s, "viewer.two@example.kr", "Agent-pass-123")
        other = Browser(s, cookie_of(r), r.json["session"]["csrf_token"])
        st = Stream(s.http_port, {"Cookie": f"hd_session={other.sid}"})
        me = admin.request("GET", "/api/v2/users/me.json").json["user"]["id"]
        for tid in range(1001, 1018):  # 17 tickets
            v = admin.request("POST", f"/api/v2/hd/viewing/{tid}")
            assert v.status == 200, v
        # 1001 was given up when the admin opened the 17th; staff heard it.
        st.wait("viewing", lambda d: d["ticket_id"] == 1001 and d["viewers"] == [], "1001 given up")
        v = other.request("POST", "/api/v2/hd/viewing/1001")
        assert [x["id"] for x in v.json["viewing"]["viewers"]] == [aid], v
        v = other.request("POST", "/api/v2/hd/viewing/1017")
        assert sorted(x["id"] for x in v.json["viewing"]["viewers"]) == sorted([me, aid]), v
        st.close()


def test_tabs_of_one_agent_share_their_recounts(ctx):
    """Three open tabs of one agent cost routing one recount per round, not
    three (views.list is asked once per recount)."""
    with Suite(ctx.bin_dir).start() as s:
        admin = s.client()
        view = admin.request("POST", "/api/v2/views.json", {"view": {
            "title": "열린 티켓", "all": [{"field": "status", "operator": "less_than", "value": "solved"}]}})
        vid = str(view.json["view"]["id"])
        h = auth_headers(admin)
        tabs = [Stream(s.http_port, h) for _ in range(3)]
        for st in tabs:
            st.wait("view_counts", lambda d: vid in d["view_counts"], "initial counts")
        calls = lambda: s.metric("gateway-0", 'hd_rpc_client_duration_seconds_count{method="views.list",outcome="OK"}') or 0

        def settled():
            a = calls()
            time.sleep(scaled(2.5))
            return a if calls() == a else None
        before = wait_until(settled, 60, "recounts to settle")
        tk = admin.request("POST", "/api/v2/tickets.json", {"ticket": {"subject": "탭", "comment": {"body": "?"}}})
        assert tk.status == 201, tk
        for st in tabs:
            st.wait("view_counts", lambda d: d["view_counts"].get(vid) == 1, "the new count in every tab")
        after = wait_until(settled, 60, "recounts to settle")
        # One user: one recount per round (two rounds at most per change).
        assert 1 <= after - before <= 2, (before, after)
        for st in tabs:
            st.close()


def test_live_counts_are_one_count_rpc_per_recount(ctx):
    """A recount asks routing for the user's views (views.list) and all
    their counts at once (views.count_many), however many views: never
    one views.tickets per view. The pushed counts are each view's own."""
    with Suite(ctx.bin_dir).start() as s:
        admin = s.client()
        vids = []
        for title, value in (("새 티켓", "new"), ("열린 티켓", "open"), ("보류", "pending"), ("해결", "solved")):
            r = admin.request("POST", "/api/v2/views.json", {"view": {
                "title": title, "all": [{"field": "status", "operator": "is", "value": value}]}})
            assert r.status == 201, r
            vids.append(str(r.json["view"]["id"]))
        st = Stream(s.http_port, auth_headers(admin))

        def calls(method):
            status, text = s.admin_get("gateway-0", "/metrics")
            assert status == 200, status
            head = f'hd_rpc_client_duration_seconds_count{{method="{method}",'
            return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(head))
        st.wait("view_counts", lambda d: all(v in d["view_counts"] for v in vids), "initial counts")
        before = {m: calls(m) for m in ("views.list", "views.count_many", "views.tickets")}
        tk = admin.request("POST", "/api/v2/tickets.json", {"ticket": {"subject": "셋", "comment": {"body": "?"}}})
        assert tk.status == 201, tk
        st.wait("view_counts", lambda d: d["view_counts"].get(vids[0]) == 1, "the new count")
        # Every round that asked views.list has had its one count_many.
        wait_until(lambda: calls("views.count_many") - before["views.count_many"]
                   == calls("views.list") - before["views.list"] >= 1, 60,
                   "one views.count_many per views.list",
                   progress=lambda: (calls("views.list"), calls("views.count_many")))
        assert calls("views.tickets") == before["views.tickets"], "the stream counted view by view"
        pushed = {}  # each event carries the counts that changed
        for e in st.of("view_counts"):
            pushed.update(e["json"]["view_counts"])
        for v in vids:
            single = admin.request("GET", f"/api/v2/views/{v}/count.json").json["view_count"]["value"]
            assert pushed[v] == single, (v, pushed, single)
        st.close()
