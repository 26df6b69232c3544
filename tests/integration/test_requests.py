"""The Requests API (Zendesk's end-user view of tickets): an end-user sees
only their own requests, only public comments and only portal-visible
fields; required_in_portal binds; anonymous requests work only when enabled
and are limited per client IP."""

from harness import Suite, password_user

R = "/api/v2/requests"


def new_field(c, **f):
    r = c.request("POST", "/api/v2/ticket_fields.json", {"ticket_field": f})
    assert r.status == 201, r
    return r.json["ticket_field"]["id"]


def invalid(r, key):
    assert r.status == 422, r
    assert r.json["error"] == "RecordInvalid" and key in r.json["details"], r


def post(client, **req):
    return client.request("POST", R + ".json", {"request": req})


def ticket_count(s):
    r = s.client().request("GET", "/api/v2/tickets/count.json")
    assert r.status == 200, r
    return r.json["count"]["value"]


def test_end_user_sees_only_own_requests_and_public_comments(ctx):
    with Suite(ctx.bin_dir).start() as s:
        admin = s.client()
        hidden = new_field(admin, title="내부 분류")
        shown = new_field(admin, title="주문 번호", visible_in_portal=True, editable_in_portal=True)
        minji, a = password_user(s, "minji@example.kr", "김민지")
        seojun, b = password_user(s, "seojun@example.kr", "이서준")
        agent_id, agent = password_user(s, "agent@hana.local", "상담원 한", role="agent")

        r = post(a, subject="환불 요청", comment={"body": "주문을 취소하고 환불 받고 싶어요."},
                 custom_fields=[{"id": shown, "value": "ORD-7"}], tags=["vip"])
        assert r.status == 201, r
        req = r.json["request"]
        rid = req["id"]
        assert r.headers["location"] == f"http://127.0.0.1:{s.http_port}/api/v2/requests/{rid}.json"
        assert req["url"].endswith(f"/api/v2/requests/{rid}.json")
        assert req["subject"] == "환불 요청" and req["description"] == "주문을 취소하고 환불 받고 싶어요."
        assert req["requester_id"] == minji and req["status"] == "new" and req["via"]["channel"] == "web"
        assert req["custom_fields"] == [{"id": shown, "value": "ORD-7"}], req
        assert req["can_be_solved_by_me"] is False and req["solved"] is False
        assert "tags" not in req and "submitter_id" not in req
        assert "request.tags" in r.headers["x-zendesk-api-warn"], r.headers
        # An end-user cannot write an internal field.
        invalid(post(a, subject="x", comment={"body": "y"}, custom_fields=[{"id": hidden, "value": "z"}]),
                f"custom_fields_{hidden}")

        # Agents work the ticket: an internal field value, an internal note, a public reply.
        t = f"/api/v2/tickets/{rid}.json"
        u = admin.request("PUT", t, {"ticket": {"assignee_id": agent_id,
                                                "custom_fields": [{"id": hidden, "value": "내부 값"}],
                                                "comment": {"body": "내부 메모: 결제 확인 필요", "public": False}}})
        assert u.status == 200, u
        u = admin.request("PUT", t, {"ticket": {"comment": {"body": "환불 절차를 안내해 드립니다.",
                                                            "author_id": agent_id}}})
        assert u.status == 200, u
        assert {"id": hidden, "value": "내부 값"} in admin.request("GET", t).json["ticket"]["custom_fields"]

        got = a.request("GET", f"{R}/{rid}.json")
        assert got.status == 200, got
        req = got.json["request"]
        assert req["custom_fields"] == [{"id": shown, "value": "ORD-7"}] == req["fields"], req
        assert req["status"] == "open" and req["assignee_id"] == agent_id and req["can_be_solved_by_me"] is True
        cm = a.request("GET", f"{R}/{rid}/comments.json")
        assert cm.status == 200, cm
        bodies = [c["body"] for c in cm.json["comments"]]
        assert bodies == ["주문을 취소하고 환불 받고 싶어요.", "환불 절차를 안내해 드립니다."], bodies
        assert all(c["public"] for c in cm.json["comments"])

        # Someone else's request does not exist for this end-user.
        for method, path, body in (("GET", f"{R}/{rid}.json", None), ("GET", f"{R}/{rid}/comments.json", None),
                                   ("PUT", f"{R}/{rid}.json", {"request": {"comment": {"body": "남의 글"}}})):
            x = b.request(method, path, body)
            assert x.status == 404 and x.json["error"] == "RecordNotFound", x
        lst = b.request("GET", R + ".json")
        assert lst.status == 200 and lst.json["requests"] == [] and lst.json["count"] == 0, lst

        # Replies are always public; solved only when can_be_solved_by_me.
        x = a.request("PUT", f"{R}/{rid}.json", {"request": {"comment": {"body": "감사합니다!", "public": False}}})
        assert x.status == 200 and x.json["request"]["status"] == "open", x
        last = admin.request("GET", f"/api/v2/tickets/{rid}/comments.json").json["comments"][-1]
        assert last["body"] == "감사합니다!" and last["public"] is True and last["author_id"] == minji
        x = a.request("PUT", f"{R}/{rid}.json", {"request": {"solved": True}})
        assert x.status == 200, x
        assert x.json["request"]["status"] == "solved" and x.json["request"]["solved"] is True
        assert x.json["request"]["can_be_solved_by_me"] is False
        invalid(a.request("PUT", f"{R}/{rid}.json", {"request": {"solved": True}}), "solved")
        invalid(a.request("PUT", f"{R}/{rid}.json", {"request": {"solved": "yes"}}), "solved")

        # Lists: own requests only, status filter, pagination like ticket lists.
        for i in range(3):
            assert post(a, subject=f"문의 {i}", comment={"body": f"내용 {i}"}).status == 201
        mine = a.request("GET", R + ".json?per_page=2")
        assert mine.status == 200 and mine.json["count"] == 4 and len(mine.json["requests"]) == 2, mine
        assert mine.json["next_page"] and "/api/v2/requests.json?" in mine.json["next_page"], mine.json
        assert all(x["requester_id"] == minji for x in mine.json["requests"])
        solved = a.request("GET", R + ".json?status=solved")
        assert [x["id"] for x in solved.json["requests"]] == [rid], solved
        new = a.request("GET", R + "?status=new,open")
        assert new.json["count"] == 3 and rid not in [x["id"] for x in new.json["requests"]], new
        assert a.request("GET", R + "?status=bogus").status == 400

        # Agents are end-users here: they see only what they requested.
        assert post(agent, subject="상담원 요청", comment={"body": "노트북 교체"}).status == 201
        own = agent.request("GET", R)
        assert [x["subject"] for x in own.json["requests"]] == ["상담원 요청"], own
        assert agent.request("GET", f"{R}/{rid}").status == 404


def test_required_in_portal(ctx):
    with Suite(ctx.bin_dir).start() as s:
        admin = s.client()
        serial = new_field(admin, title="제품 일련번호", visible_in_portal=True, editable_in_portal=True,
                           required_in_portal=True)
        _, a = password_user(s, "hana@example.kr", "정하나")
        before = ticket_count(s)
        invalid(post(a, subject="고장 신고", comment={"body": "전원이 켜지지 않아요"}), f"custom_fields_{serial}")
        assert ticket_count(s) == before  # nothing half-written
        ok = post(a, subject="고장 신고", comment={"body": "전원이 켜지지 않아요"},
                  fields=[{"id": serial, "value": "SN-2024-01"}])
        assert ok.status == 201, ok
        assert ok.json["request"]["custom_fields"] == [{"id": serial, "value": "SN-2024-01"}]
        # Forms: only end_user_visible ones; their required_in_portal fields bind.
        size = new_field(admin, title="사이즈", visible_in_portal=True, editable_in_portal=True)
        f = admin.request("POST", "/api/v2/ticket_forms.json", {"ticket_form": {
            "name": "내부 양식", "end_user_visible": False, "ticket_field_ids": [serial]}})
        assert f.status == 201, f
        invalid(post(a, subject="양식", comment={"body": "내부 양식으로"}, ticket_form_id=f.json["ticket_form"]["id"],
                     custom_fields=[{"id": serial, "value": "SN-1"}]), "ticket_form_id")
        f = admin.request("POST", "/api/v2/ticket_forms.json", {"ticket_form": {
            "name": "교환 신청", "end_user_visible": True, "ticket_field_ids": [size, serial]}})
        assert f.status == 201, f
        ok = post(a, subject="교환", comment={"body": "사이즈 교환"}, ticket_form_id=f.json["ticket_form"]["id"],
                  custom_fields=[{"id": serial, "value": "SN-2"}, {"id": size, "value": "L"}])
        assert ok.status == 201 and ok.json["request"]["ticket_form_id"] == f.json["ticket_form"]["id"], ok
        invalid(post(a, subject="내용 없음"), "comment")
        invalid(post(a, subject="가" * 256, comment={"body": "너무 긴 제목"}), "subject")


def test_anonymous_requests_disabled_by_default(ctx):
    with Suite(ctx.bin_dir).start() as s:
        anon = s.client(auth=None)
        r = post(anon, requester={"name": "박지훈", "email": "jihoon@example.kr"},
                 subject="배송 문의", comment={"body": "언제 도착하나요?"})
        assert r.status == 401 and r.json["error"] == "Couldn't authenticate you", r
        assert anon.request("GET", R).status == 401
        assert ticket_count(s) == 0


def test_anonymous_requests_enabled_and_rate_limited(ctx):
    env = {"HD_ANONYMOUS_REQUESTS": "1", "HD_ANON_RATE_LIMIT": "5"}
    with Suite(ctx.bin_dir, env=env).start() as s:
        anon = s.client(auth=None)
        r = post(anon, requester={"name": "박지훈", "email": "Jihoon@Example.kr"},
                 subject="배송 문의", comment={"body": "언제 도착하나요?"})
        assert r.status == 201, r
        req = r.json["request"]
        assert req["via"]["channel"] == "web" and req["subject"] == "배송 문의"
        u = s.client().request("GET", f"/api/v2/users/{req['requester_id']}.json").json["user"]
        assert u["name"] == "박지훈" and u["email"] == "jihoon@example.kr" and u["role"] == "end-user", u
        invalid(post(anon, subject="누구?", comment={"body": "이름 없음"}), "requester")
        # The honeypot: bots fill every input; people never see this one.
        invalid(post(anon, requester={"name": "봇", "email": "bot@spam.example"}, honeypot="http://spam",
                     subject="광고", comment={"body": "싸게 팝니다"}), "honeypot")
        big = post(anon, requester={"name": "큰 글", "email": "big@example.kr"}, subject="큰 요청",
                   comment={"body": "가" * 30000})
        assert big.status == 413, big
        assert post(anon, requester={"name": "박지훈", "email": "jihoon@example.kr"}, subject="두 번째",
                    comment={"body": "또 문의합니다"}).status == 201
        limited = post(anon, requester={"name": "박지훈", "email": "jihoon@example.kr"}, subject="세 번째",
                       comment={"body": "세 번째 문의"})
        assert limited.status == 429 and int(limited.headers["retry-after"]) >= 1, limited
        assert ticket_count(s) == 2  # the refused ones left nothing behind
        # The per-IP limit binds anonymous callers only.
        _, a = password_user(s, "member@example.kr", "회원")
        assert post(a, subject="회원 문의", comment={"body": "로그인 사용자"}).status == 201
