"""A dead receiver never delays deliveries to healthy ones: mail to an SMTP
port nobody listens on while a webhook receiver is healthy. The breaker
opens once (one log line, not one per mail), the webhooks all arrive
promptly, and when the SMTP server comes back the breaker's probe closes it
and every held mail is delivered."""
import os
import re
import time

from harness import create_ticket, free_port
from test_notify import Receiver, Sink, make_hook, start, wait_for

N = 300


def test_dead_smtp_does_not_starve_webhooks(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    rec = Receiver()
    smtp_port = free_port()  # nothing listens here until the sink starts
    smtp = f"smtp://127.0.0.1:{smtp_port}"
    with start({"HD_SMTP_URL": smtp, "HD_WEBHOOK_BREAKER_COOLDOWN_MS": "2000"}) as s:
        s.start()
        c = s.client()
        make_hook(c, rec.url("/fair"), ["zen:event-type:ticket.created"])
        t0 = time.time()
        for i in range(N):
            # Every ticket also queues a request-received mail to its requester.
            r = create_ticket(c, subject=f"공정성 {i}", body="본문",
                              requester={"name": f"고객 {i}", "email": f"c{i}@example.com"})
            assert r.status == 201, r
        created = time.time() - t0
        wait_for(lambda: len({g[2]["X-HD-Delivery-Id"] for g in rec.on("/fair")}) >= N,
                 timeout=30, what=f"{N} webhook deliveries")
        lag = time.time() - t0 - created
        assert lag < 10, f"webhooks finished {lag:.1f}s after the last ticket"
        log = open(s.logs["notifications-0"], errors="replace").read()
        opened = re.findall(rf"event=notify\.breaker_open host={re.escape(smtp)} ", log)
        assert len(opened) == 1, opened
        # The held mails are still in the outbox, not dead.
        assert s.metric("notifications-0", "hd_notify_dead_letters") == 0
        assert s.metric("notifications-0", "hd_notify_outbox_depth") >= N
        # The server comes back: a probe closes the breaker, the mail flows.
        sink = Sink(s.dir, smtp_port)
        try:
            got = wait_for(lambda: len(sink.messages()) >= N and sink.messages(), timeout=90,
                           what=f"{N} mails after the SMTP server came back")
            to = {str(m["To"]) for m in got}
            assert len(to) == N and len(got) == N, (len(to), len(got))
            log = open(s.logs["notifications-0"], errors="replace").read()
            assert len(re.findall(rf"event=notify\.breaker_closed host={re.escape(smtp)} ",
                                  log)) == 1, log[-3000:]
        finally:
            sink.close()
    rec.close()
