"""The bus loses nothing and counts nothing twice, while consumers crash and
stall; acknowledged tickets survive intake being killed."""
import random
import signal
import threading
import time

from harness import Suite, create_ticket, scaled


def load(s, total, clients, results, errors):
    """total creates spread over `clients` keep-alive connections."""
    per = total // clients

    def worker(n):
        c = s.client()
        for i in range(per):
            subject = f"load {n}-{i} 부하"
            try:
                r = create_ticket(c, subject=subject, body="배송이 지연되고 있습니다")
            except Exception as e:  # connection trouble while intake is down
                errors.append(repr(e))
                c.close()
                continue
            if r.status == 201:
                results.append((r.json["ticket"]["id"], subject))
            else:
                errors.append((r.status, r.raw[:200]))
                # A well-behaved client: the gateway answers a peer it
                # knows down at once, with Retry-After (test_resilience).
                if "retry-after" in r.headers:
                    time.sleep(min(float(r.headers["retry-after"]), 0.5))
        c.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    return threads


def test_no_loss_no_double_count_while_consumers_crash(ctx):
    with Suite(ctx.bin_dir).start() as s:
        results, errors = [], []
        threads = load(s, 2000, 8, results, errors)

        def created():
            return len(results)

        def wait_for(n):
            deadline = time.time() + scaled(120)
            while created() < n and time.time() < deadline and any(t.is_alive() for t in threads):
                time.sleep(0.02)

        wait_for(300)
        s.kill("metrics")            # SIGKILL mid-load
        wait_for(500)
        s.restart("metrics")
        # What metrics missed while dead comes back by pulling: the
        # guaranteed path, not pub/sub.
        deadline = time.time() + scaled(15)
        while time.time() < deadline and not s.metric("metrics-0", "hd_bus_events_pulled_total"):
            time.sleep(0.05)
        assert s.metric("metrics-0", "hd_bus_events_pulled_total") > 0
        wait_for(800)
        s.signal("routing", signal.SIGSTOP)
        time.sleep(3)                # routing frozen while tickets pour in
        s.signal("routing", signal.SIGCONT)
        wait_for(1200)
        s.kill("metrics")
        time.sleep(0.3)
        s.restart("metrics")
        for t in threads:
            t.join(300)
        assert not errors, errors[:5]
        assert created() == 2000
        assert len({tid for tid, _ in results}) == 2000
        bus = s.wait_converged(90)
        latest = bus["sources"][0]["latest_seq"]
        assert latest == 2001, latest  # 2,000 tickets after the admin's user.created
        # every consumer of intake (intake's own shards consume routing)
        for consumer in [x for x in bus["consumers"] if x["service"] != "intake"]:
            assert consumer["cursors"][0]["applied_seq"] == latest, consumer
        assert s.metric("metrics-0", "hd_tickets_created_total") == 2000
        assert s.metric("routing-0", "hd_routing_unassigned_tickets") == 2000
        assert s.metric("notifications-0", 'hd_bus_cursor_seq{source="intake",shard="0"}') == latest


def test_acknowledged_tickets_survive_intake_kill(ctx):
    with Suite(ctx.bin_dir).start() as s:
        results, errors = [], []
        threads = load(s, 1600, 8, results, errors)
        deadline = time.time() + scaled(60)
        while len(results) < 200 and time.time() < deadline:
            time.sleep(0.01)
        s.kill("intake")             # SIGKILL in the middle of the load
        time.sleep(random.uniform(0.2, 0.6))
        s.restart("intake")
        for t in threads:
            t.join(300)
        # Some requests failed while intake was down (503s or dropped
        # connections): fine. Every 201 must be readable, with its data.
        assert len(results) >= 800, (len(results), errors[:3])
        c = s.client()
        for tid, subject in results:
            g = c.request("GET", f"/api/v2/tickets/{tid}.json")
            assert g.status == 200, (tid, g)
            assert g.json["ticket"]["subject"] == subject
        assert all(e[0] == 503 for e in errors if isinstance(e, tuple)), errors[:5]
        bus = s.wait_converged(60)
        # Every event but the bootstrap admin's user.created is a ticket.
        assert s.metric("metrics-0", "hd_tickets_created_total") == bus["sources"][0]["latest_seq"] - 1


def test_two_intake_shards_behind_one_gateway(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        made = []
        for i in range(40):
            r = create_ticket(c, subject=f"shard test {i}",
                              requester={"email": f"customer{i}@example.com", "name": f"고객 {i}"})
            assert r.status == 201, r
            made.append(r.json["ticket"])
        shards = {t["id"] & 0xFF for t in made}
        assert shards == {0, 1}, shards
        for t in made:
            g = c.request("GET", f"/api/v2/tickets/{t['id']}")
            assert g.status == 200 and g.json["ticket"]["subject"] == t["subject"], g
        # One requester's tickets stay on one shard.
        again = [create_ticket(c, requester={"email": "customer7@example.com"}).json["ticket"]["id"] & 0xFF
                 for _ in range(3)]
        assert len(set(again)) == 1
        bus = s.wait_converged(30)
        intake = [x for x in bus["sources"] if x["source"] == "intake"]
        assert sorted(x["shard"] for x in intake) == [0, 1]
        total = sum(x["latest_seq"] for x in intake)
        assert total >= 43  # tickets plus the user.created events on shard 0
        assert s.metric("metrics-0", "hd_tickets_created_total") == 43
        for consumer in bus["consumers"]:
            intake_cursors = [c for c in consumer["cursors"] if c["source"] == "intake"]
            if consumer["service"] == "intake":
                # Shard 1 takes shard 0's definition events; shard 0 none
                # (every shard also follows routing's triggers).
                want = [(0, 0)] if consumer["shard"] == 1 else []
                assert [(c["shard"], c["lag"]) for c in intake_cursors] == want, consumer
                continue
            assert len(intake_cursors) == 2, consumer
