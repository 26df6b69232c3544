"""Organizations with shared_tickets: members see each other's tickets;
without it, or outside the organization, they do not."""
import time

from harness import Suite
from test_tickets_api import end_user


def test_shared_tickets_organizations(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        admin = s.client()
        org = admin.request("POST", "/api/v2/organizations.json", {"organization": {
            "name": "하나 상사", "domain_names": ["hana-corp.kr"], "shared_tickets": True}})
        assert org.status == 201, org
        oid = org.json["organization"]["id"]
        _, a = end_user(s, "a@hana-corp.kr")
        _, b = end_user(s, "b@hana-corp.kr")
        _, outsider = end_user(s, "x@elsewhere.kr")
        mine = a.request("POST", "/api/v2/tickets.json", {"ticket": {
            "subject": "공유 티켓", "comment": {"body": "우리 회사 문의"}}})
        assert mine.status == 201, mine
        t = mine.json["ticket"]
        assert t["organization_id"] == oid, t
        assert b.request("GET", f"/api/v2/tickets/{t['id']}.json").status == 200
        assert outsider.request("GET", f"/api/v2/tickets/{t['id']}.json").status == 404
        listed = [x["id"] for x in b.request("GET", "/api/v2/tickets.json").json["tickets"]]
        assert t["id"] in listed, listed
        # Sharing off: after the credentials cache expires, b no longer sees it.
        off = admin.request("PUT", f"/api/v2/organizations/{oid}.json",
                            {"organization": {"shared_tickets": False}})
        assert off.status == 200, off
        time.sleep(2.5)
        assert b.request("GET", f"/api/v2/tickets/{t['id']}.json").status == 404
        assert a.request("GET", f"/api/v2/tickets/{t['id']}.json").status == 200
