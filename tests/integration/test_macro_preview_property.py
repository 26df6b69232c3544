"""Macro preview == the real update (issue 14 item 4), as a property over
random macros and tickets: GET /tickets/{tid}/macros/{id}/apply runs
intake's write job and undoes it; submitting the previewed ticket (what an
agent's client does after applying a macro) must store exactly the
previewed ticket and comment — or be refused exactly as the preview was.
HD_PROPERTY_SEED replays a run; the seed is printed."""
import os
import random

from harness import Suite, create_ticket
from test_fields import new_field

SERVICES = ["intake", "knowledge", "gateway"]
CASES = int(os.environ.get("HD_PROPERTY_CASES", "500"))
TAGS = ["vip", "VIP", "Vip", "배송", "환불", "a-1", "A-1", "old", "급함"]
FIELDS = ("status", "priority", "type", "subject", "assignee_id", "group_id", "tags", "custom_fields")


def random_macro(rnd, f, g, me):
    acts = []
    pick = lambda *xs: rnd.choice(xs)
    if rnd.random() < 0.5:
        acts.append({"field": "status", "value": pick("open", "pending", "hold", "solved")})
    if rnd.random() < 0.4:
        acts.append({"field": "priority", "value": pick("", "low", "normal", "high", "urgent")})
    if rnd.random() < 0.3:
        acts.append({"field": "type", "value": pick("", "question", "task", "problem")})
    if rnd.random() < 0.3:
        acts.append({"field": "group_id", "value": pick(str(g), "")})
    if rnd.random() < 0.4:
        acts.append({"field": "assignee_id", "value": pick("current_user", str(me), "")})
    for kind in ("set_tags", "current_tags", "remove_tags"):
        if rnd.random() < 0.3:
            words = rnd.sample(TAGS, rnd.randint(1, 3))
            acts.append({"field": kind, "value": " ".join(words) if rnd.random() < 0.5 else words})
    if rnd.random() < 0.3:
        acts.append({"field": "subject", "value": pick("[안내] 배송 지연", "Refund #{{ticket.id}}", "제목")})
    if rnd.random() < 0.3:
        acts.append({"field": f"custom_fields_{f}", "value": pick("A-100", "B-200", "")})
    if rnd.random() < 0.5:
        acts.append({"field": "comment_value",
                     "value": pick("확인 중입니다 #{{ticket.id}}", "{{ticket.title}} — {{current_user.name}}",
                                   "Thanks,\nteam")})
        if rnd.random() < 0.5:
            acts.append({"field": "comment_mode_is_public", "value": pick("true", "false")})
    elif rnd.random() < 0.2:
        acts.append({"field": "comment_value_html", "value": "<p><b>{{ticket.title}}</b> 안내</p>"})
    if not acts:
        acts.append({"field": "priority", "value": "high"})
    return acts


def submitted(preview, result):
    """The update a client sends after applying the macro: the previewed
    ticket's fields and the previewed comment."""
    body = {k: preview[k] for k in FIELDS}
    c = result.get("comment")
    if c:
        body["comment"] = {"html_body": c["html_body"], "public": c["public"]}
    return body


def test_macro_preview_equals_the_real_update(ctx):
    seed = int(os.environ.get("HD_PROPERTY_SEED", random.randrange(1 << 30)))
    print(f"macro preview property: seed={seed} cases={CASES}")
    rnd = random.Random(seed)
    with Suite(ctx.bin_dir, services=SERVICES).start() as s:
        c = s.client()
        me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
        g = c.request("POST", "/api/v2/groups.json", {"group": {"name": "1차 지원"}}).json["group"]["id"]
        f = new_field(c, type="text", title="주문번호")["id"]
        macros = []
        for i in range(40):
            r = c.request("POST", "/api/v2/macros", {"macro": {"title": f"무작위 {i}",
                                                               "actions": random_macro(rnd, f, g, me)}})
            assert r.status == 201, (seed, r)
            macros.append(r.json["macro"])
        tickets = [create_ticket(c, subject=f"문의 {i}", body="본문",
                                 tags=rnd.sample(TAGS, rnd.randint(0, 3))).json["ticket"]["id"]
                   for i in range(25)]
        refused = 0
        for case in range(CASES):
            m, tid = rnd.choice(macros), rnd.choice(tickets)
            where = (f"seed={seed} case={case} macro={m['actions']} ticket={tid}")
            pr = c.request("GET", f"/api/v2/tickets/{tid}/macros/{m['id']}/apply")
            if pr.status != 200:
                # refused: the real update is refused the same way
                real = c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {}})
                assert pr.status == 422, (where, pr)
                refused += 1
                continue
            result = pr.json["result"]
            preview = result["ticket"]
            assert result.get("comment") == preview.get("comment"), (where, result)
            before = c.request("GET", f"/api/v2/tickets/{tid}/comments").json["comments"]
            real = c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": submitted(preview, result)})
            assert real.status == 200, (where, real)
            stored = c.request("GET", f"/api/v2/tickets/{tid}").json["ticket"]
            for k in FIELDS:
                assert stored[k] == preview[k], (where, k, stored[k], preview[k])
            after = c.request("GET", f"/api/v2/tickets/{tid}/comments").json["comments"]
            if result.get("comment"):
                assert len(after) == len(before) + 1, (where, after)
                got = after[-1]
                want = result["comment"]
                assert (got["body"], got["html_body"], got["public"]) == \
                    (want["body"], want["html_body"], want["public"]), (where, got, want)
            else:
                assert len(after) == len(before), (where, after)
        assert refused < CASES // 2, (seed, refused)
