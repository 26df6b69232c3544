"""hd-import and the ticket import API against real processes: a small
account in Zendesk's exact export shapes (tests/data/zendesk) imported and
checked record by record through the API; a second run changes nothing; a
generated export survives a SIGKILL mid-import and a resume; bad input is
named by file:line; imported tickets send no mail (real SMTP sink) and fire
no triggers; POST /api/v2/imports/tickets keeps times and comments."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from harness import create_ticket, wait_until
from mail_sink import sink_for
from test_notify import start

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "data", "zendesk")
GEN = os.path.join(HERE, "..", "bench", "zd_gen.py")


def iso_ms(s):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(s / 1000))


def hd_import(ctx, s, args, timeout=900):
    exe = os.path.join(ctx.bin_dir, "hd-import")
    return subprocess.run([exe] + args, env=s.env, capture_output=True, text=True, timeout=timeout)


def kill_import(ctx, s, args, ck, enough):
    """Run hd-import with checkpoint file ck until enough(line) holds for a
    line of its stderr, then SIGKILL it; returns the checkpoint's text."""
    exe = os.path.join(ctx.bin_dir, "hd-import")
    p = subprocess.Popen([exe] + args + ["--checkpoint", ck], env=s.env, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in p.stderr:
        seen.append(line)
        if enough(line):
            break
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert p.returncode == -signal.SIGKILL, "".join(seen)
    with open(ck) as f:
        return f.read()


def fixture_args(ckpt=None):
    a = ["--organizations", os.path.join(FIXTURE, "organizations.json"),
         "--users", os.path.join(FIXTURE, "users.json"),
         "--tickets", os.path.join(FIXTURE, "tickets.json"),
         "--comments", os.path.join(FIXTURE, "comments")]
    return a + (["--checkpoint", ckpt] if ckpt else [])


def done_line(err):
    """hd-import's final count line."""
    lines = [x for x in err.splitlines() if "hd-import: done:" in x]
    assert lines, err[-1000:]
    return lines[-1]


def mapped(c, typ, zid):
    r = c.request("GET", f"/api/v2/hd/imports/map?type={typ}&zendesk_id={zid}")
    assert r.status == 200, (typ, zid, r)
    return r.json["import_map"]["id"]


def check_fixture(c):
    """Every fixture record, through the API."""
    exported = json.load(open(os.path.join(FIXTURE, "tickets.json")))["tickets"]
    users = {u["id"]: u for u in json.load(open(os.path.join(FIXTURE, "users.json")))["users"]}
    ids = {}
    for t in exported:
        if t["status"] == "deleted":
            r = c.request("GET", f"/api/v2/hd/imports/map?type=ticket&zendesk_id={t['id']}")
            assert r.status == 404, r  # skipped, never written
            continue
        hid = mapped(c, "ticket", t["id"])
        ids[t["id"]] = hid
        r = c.request("GET", f"/api/v2/tickets/{hid}")
        assert r.status == 200, r
        got = r.json["ticket"]
        for k in ("subject", "status", "priority", "type", "created_at", "external_id"):
            assert got[k] == t[k], (k, got[k], t[k])
        assert sorted(got["tags"]) == sorted(t["tags"]), got["tags"]
        assert got["via"]["channel"] == t["via"]["channel"], got["via"]
        assert got["requester_id"] == mapped(c, "user", t["requester_id"])
        assert got["assignee_id"] == mapped(c, "user", t["assignee_id"])
        assert got["organization_id"] == mapped(c, "organization", t["organization_id"])
        requester = c.request("GET", f"/api/v2/users/{got['requester_id']}").json["user"]
        assert requester["email"] == users[t["requester_id"]]["email"], requester
        assert requester["name"] == users[t["requester_id"]]["name"], requester
        want = json.load(open(os.path.join(FIXTURE, "comments", f"{t['id']}.json")))["comments"]
        r = c.request("GET", f"/api/v2/tickets/{hid}/comments")
        assert r.status == 200, r
        cs = r.json["comments"]
        assert len(cs) == len(want), (len(cs), len(want))
        for g, w in zip(cs, want):
            assert g["body"] == w["body"], (g["body"], w["body"])
            assert g["public"] == w["public"], (g, w)
            assert g["created_at"] == w["created_at"], (g["created_at"], w["created_at"])
            assert g["author_id"] == mapped(c, "user", w["author_id"]), g
    # The Korean ticket's private note stays private; the agent's reply
    # keeps its markup (sanitized) and the description is the first comment.
    hid = ids[35435]
    cs = c.request("GET", f"/api/v2/tickets/{hid}/comments").json["comments"]
    assert [x["public"] for x in cs] == [True, False, True], cs
    assert "<b>3영업일</b>" in cs[2]["html_body"], cs[2]["html_body"]
    t = c.request("GET", f"/api/v2/tickets/{hid}").json["ticket"]
    assert t["description"].startswith("어제 주문한 상품의 결제가"), t["description"]
    return ids


def test_import_fixture_idempotent_no_mail(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    with start() as s, sink_for(s) as sink:
        s.start()
        c = s.client()
        # A trigger that would tag every new ticket: imports must not fire it.
        r = c.request("POST", "/api/v2/triggers", {"trigger": {
            "title": "tag new", "conditions": {"all": [{"field": "update_type", "operator": "is",
                                                       "value": "Create"}], "any": []},
            "actions": [{"field": "set_tags", "value": "triggered"}]}})
        assert r.status == 201, r
        p = hd_import(ctx, s, fixture_args(os.path.join(s.dir, "ck")))
        assert p.returncode == 0, p.stderr
        assert "deleted skipped 1" in p.stderr, p.stderr
        assert "tickets 2/" in p.stderr and "new 2" in p.stderr, p.stderr
        ids = check_fixture(c)
        # The second run (no checkpoint) writes nothing: same ids.
        p = hd_import(ctx, s, fixture_args())
        assert p.returncode == 0, p.stderr
        assert "new 0, already imported 2" in done_line(p.stderr), p.stderr
        assert check_fixture(c) == ids
        count = c.request("GET", "/api/v2/tickets/count").json["count"]["value"]
        assert count == 2, count
        # Control: an ordinary ticket mails its requester and fires the
        # trigger; once that mail is here, the imports' would be too.
        r = create_ticket(c, subject="control", body="control",
                          requester={"email": "control@example.com", "name": "Control"})
        assert r.status == 201, r
        ctl = r.json["ticket"]["id"]
        wait_until(lambda: sink.to("control@example.com"), 60, "control mail")
        wait_until(lambda: "triggered" in c.request("GET", f"/api/v2/tickets/{ctl}").json["ticket"]["tags"],
                   60, "control trigger")
        # The import handed its id counters back: the next ticket takes
        # a new id and leaves every imported one as it was.
        assert ctl not in ids.values() and ctl > max(ids.values()), (ctl, ids)
        assert check_fixture(c) == ids
        for addr in ("minsu.park@hanbit.example", "olivia@northwind.example",
                     "jiwon.agent@support.example", "sam.agent@support.example"):
            assert not sink.to(addr), (addr, [str(m["Subject"]) for m in sink.to(addr)])
        for hid in ids.values():
            tags = c.request("GET", f"/api/v2/tickets/{hid}").json["ticket"]["tags"]
            assert "triggered" not in tags, tags
        # Search sees imported tickets (the index follows the events).
        wait_until(lambda: c.request("GET", "/api/v2/search?query=invoices").json.get("count", 0) >= 1,
                   60, "search finds the imported ticket")


def test_import_kill_resume(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    out = tempfile.mkdtemp(prefix="hd-zd-")
    subprocess.run([sys.executable, GEN, out, "--tickets", "3000", "--comments-min", "5",
                    "--comments-max", "8", "--share", "0.2", "--users", "400", "--seed", "7"],
                   check=True, capture_output=True)
    args = ["--organizations", f"{out}/organizations.json", "--users", f"{out}/users.ndjson",
            "--tickets", f"{out}/tickets.ndjson", "--comments", f"{out}/comments.ndjson",
            "--batch", "250"]
    with start() as s:
        s.start()
        c = s.client()
        ck = os.path.join(s.dir, "ck")
        ck_text = kill_import(ctx, s, args, ck, lambda line: (m := re.search(r"tickets (\d+)/", line))
                              and int(m.group(1)) > 0 and "tickets:" in line)
        assert "phase 2" in ck_text, ck_text
        q = hd_import(ctx, s, args + ["--checkpoint", ck])
        assert q.returncode == 0, q.stderr
        assert "resuming from" in q.stderr, q.stderr
        assert "tickets 3000/" in done_line(q.stderr), q.stderr[-500:]
        count = c.request("GET", "/api/v2/tickets/count").json["count"]["value"]
        assert count == 3000, count  # nothing twice, nothing missing
        # A full re-run finds every ticket already imported.
        q = hd_import(ctx, s, args)
        assert q.returncode == 0, q.stderr
        assert "new 0, already imported 3000" in done_line(q.stderr), q.stderr[-500:]
        assert c.request("GET", "/api/v2/tickets/count").json["count"]["value"] == 3000
        # The map answers for every ticket, each a distinct Hana ticket.
        seen_ids = set()
        for zid in range(1, 3001):
            hid = mapped(c, "ticket", zid)
            assert hid not in seen_ids, zid
            seen_ids.add(hid)
        last = c.request("GET", f"/api/v2/tickets/{mapped(c, 'ticket', 3000)}").json["ticket"]
        first_line = open(f"{out}/tickets.ndjson").readline()
        assert last["created_at"] < "2026-01-01", last
        assert json.loads(first_line)["tickets"][0]["created_at"].startswith("2025-01-01"), first_line[:200]


def test_import_inflight_checkpoint_in_order(ctx):
    """Many small batches in flight on two shards: batches are acknowledged
    out of order, yet the checkpoint only ever passes tickets that are all
    committed (a kill loses nothing), and the resume and a re-run count
    every ticket exactly once."""
    from harness import Suite
    out = tempfile.mkdtemp(prefix="hd-zd-inflight-")
    subprocess.run([sys.executable, GEN, out, "--tickets", "1500", "--comments", "2",
                    "--users", "300", "--seed", "11"], check=True, capture_output=True)
    args = ["--organizations", f"{out}/organizations.json", "--users", f"{out}/users.ndjson",
            "--tickets", f"{out}/tickets.ndjson", "--comments", f"{out}/comments.ndjson",
            "--batch", "20", "--inflight", "8"]
    with Suite(ctx.bin_dir, shards=2) as s:
        s.start()
        c = s.client()
        ck = os.path.join(s.dir, "ck")
        ck_text = kill_import(ctx, s, args, ck, lambda line: (m := re.search(r"tickets: .* tickets (\d+)/", line))
                              and int(m.group(1)) >= 100)
        counts = re.search(r"^counts (\d+) (\d+) (\d+) ", ck_text, re.M)
        assert "phase 2" in ck_text and counts, ck_text
        passed = int(counts.group(3))
        assert 0 < passed < 1500, ck_text
        # Zendesk ids run 1..1500 in file order: all the checkpoint passed
        # are in intake's map (a shard too busy to answer in time is asked
        # again; only an answer counts).
        def answer(zid):
            r = c.request("GET", f"/api/v2/hd/imports/map?type=ticket&zendesk_id={zid}")
            return r if r.status < 500 else None
        for zid in range(1, passed + 1):
            r = wait_until(lambda: answer(zid), 60, f"the map's answer for {zid}")
            assert r.status == 200, (zid, passed, r)
        q = hd_import(ctx, s, args + ["--checkpoint", ck])
        assert q.returncode == 0, q.stderr
        assert "resuming from" in q.stderr, q.stderr
        assert "tickets 1500/" in done_line(q.stderr), q.stderr[-500:]
        # The count sums both shards; a partial answer (a shard skipped as
        # slow) says so, so ask until it is whole.
        def whole_count():
            r = c.request("GET", "/api/v2/tickets/count")
            return r.json["count"]["value"] if r.status == 200 and "hd_partial" not in r.json else None
        assert wait_until(whole_count, 60, "a whole ticket count") == 1500
        q = hd_import(ctx, s, args)
        assert q.returncode == 0, q.stderr
        assert "tickets 1500/" in done_line(q.stderr), q.stderr[-500:]
        assert "new 0, already imported 1500" in done_line(q.stderr), q.stderr[-500:]


def test_import_bad_input_named(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    d = tempfile.mkdtemp(prefix="hd-zd-bad-")
    users = [{"id": 1, "name": "고객", "email": "bad-input@example.com", "role": "end-user"}]
    good = {"id": 10, "subject": "좋은 티켓", "description": "본문", "status": "open",
            "requester_id": 1, "created_at": "2024-01-02T03:04:05Z", "tags": []}
    lines = [json.dumps(good, ensure_ascii=False),
             json.dumps(dict(good, id=11)),
             '{"id": 12, "subject": "cut',
             json.dumps(dict(good, id=13, created_at="yesterday")),
             json.dumps(dict(good, id=14, requester_id=999)),
             json.dumps(dict(good, id=15, status="bogus"))]
    with open(f"{d}/users.ndjson", "w") as f:
        f.write("\n".join(json.dumps(u, ensure_ascii=False) for u in users) + "\n")
    with open(f"{d}/tickets.ndjson", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(f"{d}/broken.json", "w") as f:
        f.write('{\n  "tickets": [\n    {"id": 1,\n  ]\n}\n')
    with start() as s:
        s.start()
        c = s.client()
        p = hd_import(ctx, s, ["--users", f"{d}/users.ndjson", "--tickets", f"{d}/tickets.ndjson"])
        assert p.returncode == 65, (p.returncode, p.stderr)
        err = p.stderr
        assert f"{d}/tickets.ndjson:3: not JSON" in err, err
        assert f"{d}/tickets.ndjson:4: created_at: must be an ISO-8601 time" in err, err
        assert f"{d}/tickets.ndjson:5: requester_id: 999 is not an imported user" in err, err
        assert f"{d}/tickets.ndjson:6: status: bogus is not a status" in err, err
        assert "4 bad records were not imported" in err, err
        assert c.request("GET", "/api/v2/tickets/count").json["count"]["value"] == 2
        # A pretty-printed page that is not JSON stops at once, naming the line.
        p = hd_import(ctx, s, ["--tickets", f"{d}/broken.json", "--stop-on-bad"])
        assert p.returncode == 66, (p.returncode, p.stderr)
        assert re.search(re.escape(f"{d}/broken.json") + r":4: not JSON", p.stderr), p.stderr
        # Missing input: named, before anything is written.
        p = hd_import(ctx, s, ["--tickets", f"{d}/nope.ndjson"])
        assert p.returncode == 66 and "nope.ndjson" in p.stderr, p.stderr


def test_import_api(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    with start() as s:
        s.start()
        c = s.client()
        r = c.request("POST", "/api/v2/users", {"user": {"name": "상담원", "email": "imp-agent@example.com",
                                                          "role": "agent"}})
        agent = r.json["user"]["id"]
        body = {"ticket": {
            "subject": "옛 시스템의 티켓", "requester": {"email": "legacy@example.com", "name": "레거시 고객"},
            "assignee_id": agent, "status": "solved", "tags": ["legacy"],
            "created_at": "2021-06-01T09:00:00Z", "updated_at": "2021-06-03T09:00:00Z",
            "solved_at": "2021-06-03T09:00:00Z",
            "comments": [{"value": "처음 문의", "created_at": "2021-06-01T09:00:00Z"},
                         {"author_id": agent, "value": "내부 메모", "public": False,
                          "created_at": "2021-06-02T09:00:00Z"},
                         {"author_id": agent, "html_body": "<p>해결했습니다</p>",
                          "created_at": "2021-06-03T09:00:00Z"}]}}
        r = c.request("POST", "/api/v2/imports/tickets", body)
        assert r.status == 201, r
        t = r.json["ticket"]
        assert t["created_at"] == "2021-06-01T09:00:00Z", t
        assert t["updated_at"] == "2021-06-03T09:00:00Z", t
        assert t["status"] == "solved" and t["tags"] == ["legacy"], t
        cs = c.request("GET", f"/api/v2/tickets/{t['id']}/comments").json["comments"]
        assert [x["public"] for x in cs] == [True, False, True], cs
        assert [x["created_at"][:10] for x in cs] == ["2021-06-01", "2021-06-02", "2021-06-03"], cs
        assert cs[0]["author_id"] == t["requester_id"] and cs[1]["author_id"] == agent, cs
        assert cs[2]["body"] == "해결했습니다", cs[2]
        r = c.request("POST", "/api/v2/imports/tickets/create_many", {"tickets": [
            dict(body["ticket"], subject="one"), {"subject": "no requester", "comments": [{"value": "x"}]},
            dict(body["ticket"], subject="three", status="bogus")]})
        assert r.status == 200, r
        res = r.json["job_status"]["results"]
        assert res[0]["success"] and res[0]["id"], res
        assert not res[1]["success"] and not res[2]["success"], res
        assert "status" in json.dumps(res[2]), res
        # Bad JSON types are 422s naming the field.
        r = c.request("POST", "/api/v2/imports/tickets", {"ticket": dict(body["ticket"], created_at="June")})
        assert r.status == 422 and "created_at" in json.dumps(r.json), r


def test_import_two_shards(ctx):
    """Tickets land on the shard the gateway would pick for their requester;
    the map is asked of every shard; a second run is still a no-op."""
    from harness import Suite
    with Suite(ctx.bin_dir, shards=2) as s:
        s.start()
        c = s.client()
        p = hd_import(ctx, s, fixture_args())
        assert p.returncode == 0, p.stderr
        ids = check_fixture(c)
        assert {hid & 0xff for hid in ids.values()} <= {0, 1}, ids
        p = hd_import(ctx, s, fixture_args())
        assert p.returncode == 0 and "already imported 2" in p.stderr, p.stderr
        assert check_fixture(c) == ids
