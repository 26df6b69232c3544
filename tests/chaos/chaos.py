"""Chaos: mixed load while a driver kills, freezes and restarts random
services (the gateway and intake included), then invariants once the suite
settles. Prints the seed; `--seed N` replays the same schedule of actions.

usage: chaos.py BIN_DIR [--seconds N] [--seed N] [--shards N]
Used by `make chaos` (long form) and tests/integration/test_chaos.py (short
form inside `make test`).
"""
import argparse
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import Suite, create_ticket, scaled  # noqa: E402


class Ledger:
    """What the load generator attempted and what was acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempted = set()     # ticket subjects sent
        self.acked = {}            # subject -> ticket id (got 201)
        self.comments = {}         # marker -> ticket id (got 200)
        self.errors = 0
        self.statuses = {}

    def note(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1


def worker(s, ledger, rnd, tag, stop):
    c = s.client()
    mine = []
    i = 0
    while not stop.is_set():
        i += 1
        op = rnd.random()
        try:
            if op < 0.6 or not mine:
                subject = f"chaos {tag}-{i} 혼돈"
                with ledger.lock:
                    ledger.attempted.add(subject)
                r = create_ticket(c, subject=subject, body=f"본문 {tag}-{i}",
                                  requester={"email": f"chaos{rnd.randrange(50)}@example.com"})
                ledger.note(r.status)
                if r.status == 201:
                    tid = r.json["ticket"]["id"]
                    mine.append(tid)
                    with ledger.lock:
                        ledger.acked[subject] = tid
            elif op < 0.85:
                tid = rnd.choice(mine)
                marker = f"댓글 {tag}-{i}"
                r = c.request("PUT", f"/api/v2/tickets/{tid}.json",
                              {"ticket": {"comment": {"body": marker, "public": True}}})
                ledger.note(r.status)
                if r.status == 200:
                    with ledger.lock:
                        ledger.comments[marker] = tid
            else:
                tid = rnd.choice(mine)
                r = c.request("PUT", f"/api/v2/tickets/{tid}.json",
                              {"ticket": {"priority": rnd.choice(["low", "normal", "high"]),
                                          "tags": [f"t{rnd.randrange(5)}"]}})
                ledger.note(r.status)
        except Exception:  # the gateway died under us: not acknowledged
            with ledger.lock:
                ledger.errors += 1
            c.close()
            time.sleep(0.05)
    c.close()


def chaos_driver(s, rnd, stop, log):
    victims = sorted(s.procs)
    while not stop.is_set():
        time.sleep(rnd.uniform(0.4, 1.5))
        if stop.is_set():
            break
        k = rnd.choice(victims)
        name, shard = k.rsplit("-", 1)
        act = rnd.choice(["kill", "stop", "term"])
        log.append(f"{time.strftime('%H:%M:%S')} {act} {k}")
        try:
            if act == "kill":
                s.kill(name, shard)
                time.sleep(rnd.uniform(0.0, 0.8))
                s.restart(name, shard)
            elif act == "stop":
                s.signal(name, signal.SIGSTOP, shard)
                time.sleep(rnd.uniform(0.2, 1.2))
                s.signal(name, signal.SIGCONT, shard)
            else:
                rc = s.stop_service(name, shard)
                assert rc == 0, f"{k} exited {rc} on SIGTERM:\n{s.log_tail(k)}"
                s.restart(name, shard)
        except Exception as e:
            import traceback
            log.append(f"driver error: {e!r}\n{traceback.format_exc()}")
            raise


def all_tickets(c):
    """Every live ticket, by cursor pagination."""
    out = []
    path = "/api/v2/tickets.json?page[size]=100"
    while path:
        deadline = time.time() + scaled(60)
        while True:  # the suite may still be catching up: 503 retries
            r = c.request("GET", path)
            if r.status != 503 or time.time() > deadline:
                break
            time.sleep(0.5)
        assert r.status == 200, r
        out += r.json["tickets"]
        nxt = r.json.get("links", {}).get("next") if r.json["meta"]["has_more"] else None
        path = nxt[nxt.index("/api/"):] if nxt else None
    return out


def check_invariants(s, ledger):
    c = s.client()
    tickets = all_tickets(c)
    by_subject = {}
    for t in tickets:
        by_subject.setdefault(t["subject"], []).append(t["id"])
    for subject, tid in ledger.acked.items():
        assert by_subject.get(subject) == [tid], (subject, tid, by_subject.get(subject))
    for subject, ids in by_subject.items():
        assert len(ids) == 1, (subject, ids)        # nothing doubled
        assert subject in ledger.attempted, subject  # nothing invented
    per_ticket = {}
    for marker, tid in ledger.comments.items():
        per_ticket.setdefault(tid, []).append(marker)
    for tid, markers in per_ticket.items():
        r = c.request("GET", f"/api/v2/tickets/{tid}/comments.json?page[size]=100")
        assert r.status == 200, r
        bodies = [x["body"] for x in r.json["comments"]]
        for m in markers:
            assert bodies.count(m) == 1, (tid, m, bodies.count(m))
    bus = s.wait_converged(180)
    for consumer in bus["consumers"]:
        for cur in consumer["cursors"]:
            src = [x for x in bus["sources"] if x["shard"] == cur["shard"]
                   and x["source"] == cur["source"]]
            assert src and cur["applied_seq"] == src[0]["latest_seq"], (consumer, src)
    created = s.metric("metrics-0", "hd_tickets_created_total")
    assert created == len(tickets), (created, len(tickets))
    return len(tickets)


def run(bin_dir, seconds=20, seed=None, shards=2, workers=4, out=print):
    seed = seed if seed is not None else random.randrange(1 << 30)
    out(f"chaos: seed={seed} seconds={seconds} shards={shards}")
    rnd = random.Random(seed)
    ledger, log = Ledger(), []
    # Long runs make big shards: give listing RPCs room under the sanitizers.
    with Suite(bin_dir, shards=shards, env={"HD_RPC_TIMEOUT_MS": "15000"}).start() as s:
        stop = threading.Event()
        threads = [threading.Thread(target=worker,
                                    args=(s, ledger, random.Random(rnd.random()), f"{seed}.{n}", stop))
                   for n in range(workers)]
        for t in threads:
            t.start()
        driver_stop = threading.Event()
        failure = []

        def drive():
            try:
                chaos_driver(s, random.Random(rnd.random()), driver_stop, log)
            except Exception as e:
                failure.append(e)

        d = threading.Thread(target=drive)
        d.start()
        time.sleep(seconds)
        driver_stop.set()
        d.join(120)
        stop.set()
        for t in threads:
            t.join(120)
        assert not failure, (failure, log[-10:])
        for k, p in list(s.procs.items()):  # anything left dead comes back
            if p.poll() is not None:
                s.restart(*k.rsplit("-", 1))
        n = check_invariants(s, ledger)
        # Every store reopens cleanly: stop everything, start again, recheck.
        for k in sorted(s.procs, key=lambda k: k.startswith("intake")):
            assert s.stop_service(*k.rsplit("-", 1)) == 0, k
        for k in sorted(s.procs, key=lambda k: not k.startswith("intake")):
            s.restart(*k.rsplit("-", 1))
        assert check_invariants(s, ledger) == n
        out(f"chaos: seed={seed} actions={len(log)} tickets={n} acked={len(ledger.acked)} "
            f"comments={len(ledger.comments)} connection_errors={ledger.errors} "
            f"statuses={dict(sorted(ledger.statuses.items()))}")
        return seed, log


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin_dir")
    ap.add_argument("--seconds", type=int, default=300)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--shards", type=int, default=2)
    a = ap.parse_args()
    try:
        run(a.bin_dir, a.seconds, a.seed, a.shards)
    except Exception:
        import traceback
        traceback.print_exc()
        print("chaos: FAILED (replay with the seed above)")
        return 1
    print("chaos: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
