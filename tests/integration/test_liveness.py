"""Liveness: /healthz answers 503 naming a loop that has work pending and has
not progressed for HD_LIVENESS_STALL_S (common/liveness.c), and 200 for a
loop that merely idles. The stuck loops are real: another process
(tests/tools/hd-lmdb-hold) holds the LMDB write lock of a service's store
while work arrives — tickets for intake (its writer and, with two RPC
workers, its worker pool), ticket events for routing (its writer and its
bus consumer) — so the group-commit writer cannot commit."""
import os
import subprocess
import threading
import time

from harness import Client, Suite, create_ticket, scaled, wait_until

STALL_S = 2
SERVICES = ["intake", "routing", "gateway"]


def health(s):
    return {k: s.admin_get(k, "/healthz") for k in s.procs}


def assert_all_ok(s, keys):
    got = health(s)
    bad = {k: v for k, v in got.items() if k in keys and v != (200, "ok\n")}
    assert not bad, f"/healthz not ok on an idle or healthy service: {bad}"


class Holder:
    """hd-lmdb-hold on a data directory: the write lock is held between
    start() and release()."""

    def __init__(self, tools_dir, data_dir):
        self.argv = [os.path.join(tools_dir, "hd-lmdb-hold"), data_dir]
        self.p = None

    def start(self):
        self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()  # blocks until the lock is held
        assert line == "held\n", (line, self.p.stderr.read() if self.p.poll() is not None else "")
        return self

    def release(self):
        if self.p and self.p.poll() is None:
            self.p.stdin.write("\n")
            self.p.stdin.flush()
            self.p.wait(scaled(30))
        rc, err = (self.p.returncode, self.p.stderr.read()) if self.p else (0, "")
        self.p = None
        assert rc == 0, (rc, err)


def send_tickets(s, n, results):
    """n ticket creations in threads; their writes queue behind the lock."""
    def one(i):
        c = Client(s.http_port, s.auth, timeout=scaled(60))
        try:
            results.append(create_ticket(c, subject=f"막힘 {i}").status)
        except OSError as e:
            results.append(repr(e))
        finally:
            c.close()
    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    return threads


def test_stuck_writer_fails_healthz_idle_stays_ok_and_recovers(ctx):
    env = {"HD_LIVENESS_STALL_S": str(STALL_S), "HD_RPC_WORKERS": "2"}
    with Suite(ctx.bin_dir, services=SERVICES, env=env).start() as s:
        assert create_ticket(s.client()).status == 201
        wait_until(lambda: s.metric("routing-0", 'hd_bus_cursor_seq{source="intake",shard="0"}')
                   == s.metric("intake-0", "hd_bus_outbox_latest_seq"), timeout=30,
                   what="routing to apply intake's events")
        # Idle for three stall times: an idle loop is never stuck.
        end = time.time() + 3 * STALL_S
        while time.time() < end:
            assert_all_ok(s, s.procs)
            time.sleep(0.1)
        metrics = s.admin_get("intake-0", "/metrics")[1]
        for loop in ("store.writer", "rpc.workers"):
            assert f'hd_loop_stalled_seconds{{loop="{loop}"}} 0.000' in metrics, (loop, metrics)
        assert 'hd_loop_stalled_seconds{loop="routing.tick"}' in \
            s.admin_get("routing-0", "/metrics")[1]

        hold = Holder(ctx.tools_dir, os.path.join(s.data, "intake-0")).start()
        results, threads = [], []
        try:
            sent = time.time()
            threads = send_tickets(s, 4, results)
            others = [k for k in s.procs if k != "intake-0"]

            def intake_stuck():
                # The idle services stay healthy over the same period.
                assert_all_ok(s, others)
                status, body = s.admin_get("intake-0", "/healthz")
                return (status, body) if status == 503 else None
            status, body = wait_until(intake_stuck, timeout=30 + STALL_S,
                                      what="intake /healthz to name its stuck writer")
            elapsed = time.time() - sent
            assert body.startswith("stuck: store.writer pending="), body
            # Both workers wait on the writer: the pool is stuck as well.
            wait_until(lambda: "stuck: rpc.workers pending=2 " in
                       s.admin_get("intake-0", "/healthz")[1], timeout=30,
                       what="intake /healthz to name its RPC workers")
            fields = dict(kv.split("=") for kv in body.split("\n")[0].split()[2:])
            assert int(fields["pending"]) >= 1 and int(fields["idle_ms"]) >= STALL_S * 1000, body
            # Not before the stall time: the work arrived after `sent`.
            assert elapsed >= STALL_S, (elapsed, body)
            stalled = s.metric("intake-0", 'hd_loop_stalled_seconds{loop="store.writer"}')
            assert stalled >= STALL_S, stalled
            assert_all_ok(s, others)
        finally:
            hold.release()
        wait_until(lambda: s.admin_get("intake-0", "/healthz") == (200, "ok\n"), timeout=30,
                   what="intake /healthz back to ok once the lock is released")
        for t in threads:
            t.join(scaled(60))
        assert create_ticket(s.client()).status == 201
        assert_all_ok(s, s.procs)
        with open(s.logs["intake-0"], errors="replace") as f:
            log = f.read()
        assert "event=liveness.stuck" in log and "loop=store.writer" in log, log[-3000:]
        assert "event=liveness.recovered" in log, log[-3000:]

        # routing's consumer: events arrive while its store is held.
        hold = Holder(ctx.tools_dir, os.path.join(s.data, "routing-0")).start()
        try:
            for i in range(2):
                assert create_ticket(s.client(), subject=f"라우팅 {i}").status == 201
            others = [k for k in s.procs if k != "routing-0"]

            def routing_stuck():
                assert_all_ok(s, others)
                status, body = s.admin_get("routing-0", "/healthz")
                ok = status == 503 and "stuck: bus.consumer pending=" in body and \
                    "stuck: store.writer pending=" in body
                return body if ok else None
            body = wait_until(routing_stuck, timeout=30 + STALL_S,
                              what="routing /healthz to name its writer and consumer")
            stalled = s.metric("routing-0", 'hd_loop_stalled_seconds{loop="bus.consumer"}')
            assert stalled >= STALL_S, (stalled, body)
        finally:
            hold.release()
        wait_until(lambda: s.admin_get("routing-0", "/healthz") == (200, "ok\n"), timeout=30,
                   what="routing /healthz back to ok once the lock is released")
        wait_until(lambda: s.metric("routing-0", 'hd_bus_cursor_seq{source="intake",shard="0"}')
                   == s.metric("intake-0", "hd_bus_outbox_latest_seq"), timeout=30,
                   what="routing to apply what it received while held")
