"""Hostile input: every bad request gets a clear error naming what was wrong,
the services keep running, and nothing is half-written."""
import os
import subprocess
import time

from harness import Suite, create_ticket, scaled


def intake_latest(s):
    return s.bus()["sources"][0]["latest_seq"]


def expect_422(r, field):
    assert r.status == 422, r
    assert r.json["error"] == "RecordInvalid", r
    assert r.json["description"] == "Record validation errors", r
    assert field in r.json["details"], (field, r)
    detail = r.json["details"][field][0]
    assert detail["description"] and detail["error"], r


def test_bad_requests_are_rejected_and_nothing_is_written(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        assert create_ticket(c).status == 201
        before = intake_latest(s)
        post = lambda body, **kw: c.request("POST", "/api/v2/tickets.json", body, **kw)

        r = post('{"ticket": {"subject": "x", ')
        assert r.status == 400 and r.json["error"] == "InvalidJSON", r
        assert "line 1" in r.json["description"], r
        r = post("[1, 2, 3]")
        assert r.status == 400 and r.json["error"] == "ParameterMissing", r
        r = post({"tickets": {}})
        assert r.status == 400 and "ticket" in r.json["description"], r
        r = post('{"ticket": {"subject": "a", "subject": "b", "comment": {"body": "x"}}}')
        assert r.status == 400 and r.json["error"] == "InvalidJSON", r

        expect_422(post({"ticket": {"subject": "no comment"}}), "comment")
        expect_422(post({"ticket": {"subject": "blank", "comment": {"body": "   "}}}), "comment")
        expect_422(post({"ticket": {"comment": "not an object"}}), "comment")
        expect_422(post({"ticket": {"comment": {"body": 42}}}), "comment")
        expect_422(post({"ticket": {"subject": 5, "comment": {"body": "x"}}}), "subject")
        expect_422(post({"ticket": {"priority": ["high"], "comment": {"body": "x"}}}), "priority")
        expect_422(post({"ticket": {"priority": "asap", "comment": {"body": "x"}}}), "priority")
        expect_422(post({"ticket": {"type": "bug", "comment": {"body": "x"}}}), "type")
        expect_422(post({"ticket": {"tags": "vip", "comment": {"body": "x"}}}), "tags")
        expect_422(post({"ticket": {"tags": ["ok", 7], "comment": {"body": "x"}}}), "tags")
        expect_422(post({"ticket": {"tags": ["has space"], "comment": {"body": "x"}}}), "tags")
        expect_422(post({"ticket": {"tags": ["t%d" % i for i in range(101)], "comment": {"body": "x"}}}), "tags")
        expect_422(post({"ticket": {"requester_id": "abc", "comment": {"body": "x"}}}), "requester_id")
        expect_422(post({"ticket": {"requester_id": -3, "comment": {"body": "x"}}}), "requester_id")
        expect_422(post({"ticket": {"requester": "someone", "comment": {"body": "x"}}}), "requester")
        expect_422(post({"ticket": {"subject": "x" * 5000, "comment": {"body": "x"}}}), "subject")
        expect_422(post({"ticket": {"external_id": 12, "comment": {"body": "x"}}}), "external_id")

        # Invalid UTF-8: 400 naming the field that holds it.
        raw = b'{"ticket": {"subject": "\xed\x95\x9c\xff\xfe", "comment": {"body": "ok"}}}'
        r = post(raw)
        assert r.status == 400 and r.json["error"] == "InvalidUTF8", r
        assert r.json.get("field") == "ticket.subject", r
        r = post(b'{"ticket": {"comment": {"body": "\xc0\xaf"}}}')
        assert r.status == 400 and r.json.get("field") == "ticket.comment.body", r

        # Over the 1 MiB default: 413, whether declared up front or streamed.
        big = {"ticket": {"comment": {"body": "가" * 400000}}}
        r = post(big)
        assert r.status == 413 and r.json["error"] == "RequestTooLarge", r

        # Nothing above wrote anything; the service still takes good requests.
        assert intake_latest(s) == before
        ok = create_ticket(c, subject="still alive")
        assert ok.status == 201, ok
        assert intake_latest(s) == before + 1
        # Unknown keys are dropped and named, as Zendesk does.
        w = create_ticket(c, flux_capacitor=True)
        assert w.status == 201 and "ticket.flux_capacitor" in w.headers.get("x-zendesk-api-warn", ""), w
        for k, p in s.procs.items():
            assert p.poll() is None, f"{k} died"


def test_garbage_on_the_bus_is_counted_and_skipped(ctx):
    # metrics is told there are two intake shards; "shard 1" is a hostile
    # publisher that sends only garbage. The real shard keeps flowing.
    with Suite(ctx.bin_dir, services=["intake", "gateway"]).start() as s:
        inject = subprocess.Popen([os.path.join(ctx.tools_dir, "hd-bus-inject"),
                                   f"ipc://{s.run}/intake-1.pub", "4"], env=s.env)
        try:
            s.start_service("metrics", extra_env={"HD_SHARDS": "2"})
            s.wait_ready("metrics")
            c = s.client()
            deadline = time.time() + scaled(15)
            while time.time() < deadline and not (s.metric("metrics-0", "hd_bus_bad_frames_total") or 0) >= 8:
                time.sleep(0.1)
            for i in range(5):
                assert create_ticket(c, subject=f"after garbage {i}").status == 201
            deadline = time.time() + scaled(15)
            while time.time() < deadline and s.metric("metrics-0", "hd_tickets_created_total") != 5:
                time.sleep(0.1)
            assert s.metric("metrics-0", "hd_tickets_created_total") == 5
            assert s.metric("metrics-0", "hd_bus_bad_frames_total") >= 8
            assert s.procs["metrics-0"].poll() is None
            with open(s.logs["metrics-0"]) as f:
                assert "event=bus.bad_frame" in f.read()
        finally:
            inject.wait(20)
