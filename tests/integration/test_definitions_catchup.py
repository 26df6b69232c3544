"""Definitions every consumer needs travel as events (issue 14 item 5): a
business-hours schedule from routing to metrics, group memberships from
intake to knowledge (field definitions to the other intake shards:
test_fields.test_stopped_shard_catches_up_on_definitions). A consumer that
was down while a definition changed catches up from the bus by itself and
then answers with the new definition — even while the owner is down, as it
no longer asks the owner per request."""
import datetime
import time

from harness import Suite, basic, wait_until
from test_tickets_api import end_user

KST = datetime.timezone(datetime.timedelta(hours=9))
BH = "/api/v2/business_hours/schedules"
CARDS = "/api/v2/hd/cards"


def week(open_min):
    """Monday to Friday from open_min to 12:00 and 13:00–18:00."""
    return [{"start_time": d * 1440 + a, "end_time": d * 1440 + b}
            for d in range(1, 6) for a, b in ((open_min, 720), (780, 1080))]


def kst(day, h, mi):
    return int(datetime.datetime(2026, 3, day, h, mi, tzinfo=KST).timestamp() * 1000)


def place(s, ms):
    s.set_clock_offset(ms - int(time.time() * 1000))


def lag(s, service, source):
    return [(c["source"], c["lag"], c["failed"]) for con in s.bus()["consumers"]
            if con["service"] == service for c in con["cursors"] if c["source"] == source]


def test_metrics_catches_up_on_a_schedule_changed_while_down(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        r = c.request("POST", BH, {"schedule": {"name": "서울 본사", "time_zone": "Asia/Seoul"}})
        assert r.status == 201, r
        sid = r.json["schedule"]["id"]
        assert c.request("PUT", f"{BH}/{sid}/workweek", {"workweek": {"intervals": week(540)}}).status == 200
        _, uc = end_user(s, "minji@example.kr")
        place(s, kst(2, 8, 0))  # Monday 08:00, before the 09:00 opening
        r = uc.request("POST", "/api/v2/tickets.json",
                       {"ticket": {"subject": "배송 문의", "comment": {"body": "언제 오나요?"}}})
        assert r.status == 201, r
        tid = r.json["ticket"]["id"]
        place(s, kst(2, 10, 0))
        r = c.request("PUT", f"/api/v2/tickets/{tid}.json",
                      {"ticket": {"comment": {"body": "내일 도착합니다.", "public": True}}})
        assert r.status == 200, r

        def reply():
            r = c.request("GET", f"/api/v2/tickets/{tid}/metrics.json")
            return r.status == 200 and r.json["ticket_metric"]["reply_time_in_minutes"]
        want = {"calendar": 120, "business": 60}
        wait_until(lambda: reply() == want, 30, "the reply time in business minutes")

        assert s.stop_service("metrics") == 0
        # Opening at 08:00 while metrics is down: the whole reply is business time.
        r = c.request("PUT", f"{BH}/{sid}/workweek", {"workweek": {"intervals": week(480)}})
        assert r.status == 200, r
        s.restart("metrics")
        s.wait_converged()  # metrics applied routing's schedule.saved by itself
        assert lag(s, "metrics", "routing") == [("routing", 0, False)], s.bus()
        # It answers from its own copy: routing is not asked (and is down).
        assert s.stop_service("routing") == 0
        assert reply() == {"calendar": 120, "business": 120}
        for k in s.logs:
            assert not s.log_grep(k, "replicate_failed"), k


def test_knowledge_catches_up_on_a_membership_changed_while_down(ctx):
    with Suite(ctx.bin_dir, services=["intake", "knowledge", "gateway"]).start() as s:
        admin = s.client()
        tok = admin.request("POST", "/api/v2/api_tokens",
                            {"api_token": {"description": "catch-up"}}).json["api_token"]["token"]
        users = {}
        for key, name in (("owner", "박서준"), ("member", "최민호")):
            r = admin.request("POST", "/api/v2/users", {"user": {
                "name": name, "email": f"{key}@example.kr", "role": "agent"}})
            assert r.status == 201, r
            users[key] = (r.json["user"], s.client(auth=basic(f"{key}@example.kr", tok)))
        member, mc = users["member"]
        g = admin.request("POST", "/api/v2/groups", {"group": {"name": "검수팀"}}).json["group"]
        r = users["owner"][1].request("POST", CARDS, {"card": {
            "title": "환불 규정", "content": "7일 이내", "verifier": {"group_id": g["id"]}}})
        assert r.status == 201, r
        card = r.json["card"]
        # Not a member yet: may not verify (and the gateway knows this agent).
        assert mc.request("POST", f"{CARDS}/{card['id']}/verify").status == 403

        assert s.stop_service("knowledge") == 0
        r = admin.request("POST", "/api/v2/group_memberships",
                          {"group_membership": {"user_id": member["id"], "group_id": g["id"]}})
        assert r.status == 201, r
        s.restart("knowledge")
        # knowledge applies group_membership.created by itself.
        wait_until(lambda: lag(s, "knowledge", "intake") == [("intake", 0, False)], 60,
                   lambda: f"knowledge to catch up: {s.bus()}")
        # Its own copy decides: intake (the directory) is not asked.
        assert s.stop_service("intake") == 0
        r = mc.request("POST", f"{CARDS}/{card['id']}/verify")
        assert r.status == 200 and r.json["card"]["state"] == "verified", r
        for k in s.logs:
            assert not s.log_grep(k, "replicate_failed"), k
