"""A side conversation's whole e-mail loop through real parts: the agent's
message reaches a real SMTP server; the vendor's reply, written by a mail
client with In-Reply-To set to our Message-ID, comes back through intake's
e-mail channel and lands in the side conversation — never in the ticket's
public thread."""
import os

from harness import create_ticket
from mail_sink import sink_for
from test_notify import start, wait_for

SECRET = "sc-mail-secret-0123456789"


def vendor_reply(to_msgid, body):
    return ("From: =?UTF-8?B?66y866WY7YyA?= <warehouse@vendor.example>\r\n"
            "To: support@hana.local\r\n"
            "Subject: =?UTF-8?B?UmU6IOyerOqzoCDtmZXsnbg=?=\r\n"
            "Message-ID: <vendor-reply-1@vendor.example>\r\n"
            f"In-Reply-To: {to_msgid}\r\n"
            f"References: {to_msgid}\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
            f"{body}\r\n\r\n"
            "-----원본 메시지-----\r\n"
            "창고에 재고가 있나요?\r\n").encode()


def test_side_conversation_reply_by_mail(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    with start({"HD_MAIL_SECRET": SECRET}) as s, sink_for(s) as sink:
        s.start()
        c = s.client()
        r = create_ticket(c, subject="재고 문의", body="주문 상품 재고가 궁금합니다",
                          requester={"name": "이서연", "email": "seoyeon@example.com"})
        assert r.status == 201, r
        tid = r.json["ticket"]["id"]
        r = c.request("POST", f"/api/v2/tickets/{tid}/side_conversations",
                      {"message": {"subject": "재고 확인", "body": "창고에 재고가 있나요?",
                                   "to": [{"email": "warehouse@vendor.example", "name": "물류팀"}]}})
        assert r.status == 201, r
        sc = r.json["side_conversation"]
        sent = wait_for(lambda: sink.to("warehouse@vendor.example"), what="side mail")[0]
        msgid = sent["Message-ID"]
        assert msgid.startswith(f"<hd.sc.{sc['id']}.{tid}."), msgid
        raw = vendor_reply(msgid, "네, 재고 3개 있습니다.")
        hdrs = {"Content-Type": "message/rfc822", "X-HD-Channel-Secret": SECRET}
        r = c.request("POST", "/api/v2/hd/channels/email", raw, hdrs)
        assert r.status == 201, r
        assert r.json["result"] == "side_conversation", r.json
        assert r.json["ticket_id"] == tid, r.json
        # The same mail again changes nothing.
        again = c.request("POST", "/api/v2/hd/channels/email", raw, hdrs)
        assert again.json["result"] == "duplicate", again
        r = c.request("GET", f"/api/v2/tickets/{tid}/side_conversations/{sc['id']}?include=events")
        assert r.status == 200, r
        evs = r.json["side_conversation"]["events"]
        assert [e["type"] for e in evs] == ["create", "inbound"], evs
        # The quoted history below the Korean reply marker is trimmed.
        assert evs[1]["message"]["body"] == "네, 재고 3개 있습니다.", evs[1]
        comments = c.request("GET", f"/api/v2/tickets/{tid}/comments").json["comments"]
        assert len(comments) == 1, comments  # only the customer's first message
        assert all("재고 3개" not in x["body"] for x in comments), comments
