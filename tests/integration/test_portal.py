"""The customers' own pages (issue 17): sign-in by a one-time e-mail link
(read from the real SMTP server) or a password, the request form (portal
fields, the API's validation messages in Korean and English, files,
deflection before submit), my requests (own, CC'd, the organization's when
shared; the public conversation only; reply; mark solved), anonymous filing
only when enabled and visible only after the address is proven, and CSRF
on every form POST."""
import re

from harness import wait_until
from portal_client import HcBrowser, form_action_token, portal_suite, sign_in, tidy_errors, user

PW = "Secret-pass-123"
SECRET = "internal: refund fraud suspected"


def tickets(c):
    r = c.request("GET", "/api/v2/tickets.json")
    assert r.status == 200, r
    return r.json["tickets"]


def test_magic_link_sign_in(ctx):
    s, sink = portal_suite(ctx)
    try:
        with s.start():
            admin = s.client()
            uid = user(admin, "김민지", "minji@example.kr")
            user(admin, "상담원", "agent1@example.kr", role="agent")
            b = HcBrowser(s)
            page = b.get("/hc/ko/signin")
            assert page.status == 200 and "이메일로 로그인 링크 받기" in page.html, page
            assert "hc_visitor" in b.cookies
            # no token, or another visitor's: refused, and nothing is mailed
            assert b.post("/hc/ko/signin/link", {"email": "minji@example.kr"}).status == 403
            other = HcBrowser(s).get("/hc/ko/signin").token()
            assert b.post("/hc/ko/signin/link", {"email": "minji@example.kr", "csrf_token": other}).status == 403
            # the same answer whether or not the address has an account
            tok = page.token()
            answers = [b.post("/hc/ko/signin/link", {"email": e, "csrf_token": tok})
                       for e in ("nobody@example.kr", "MinJi@example.kr", "agent1@example.kr")]
            assert {(a.status, a.location) for a in answers} == {
                (303, f"http://127.0.0.1:{s.http_port}/hc/ko/signin?sent=1")}, answers
            link = wait_until(lambda: sink.links("minji@example.kr"), what="sign-in mail")[0]
            assert link.startswith(f"http://127.0.0.1:{s.http_port}/hc/ko/signin/"), link
            path = link.split(str(s.http_port), 1)[1]
            mail = sink.to("minji@example.kr")[0]
            assert mail["Subject"] == "[하나 데스크] 로그인 링크", mail["Subject"]

            # tampered: one digit of the MAC, or of the expiry
            v = HcBrowser(s)
            t = v.get(path).token()
            for bad in (path[:-1] + ("0" if path[-1] != "0" else "1"),
                        re.sub(r"/(\d+)-(\d+)-", lambda m: f"/{m.group(1)}-{int(m.group(2)) + 1}-", path)):
                r = v.post(bad, {"csrf_token": t})
                assert r.status == 404 and "잘못되었거나" in r.html and not v.signed_in(), r
            # following it: a page with a button (scanners do not spend it)
            shown = v.get(path)
            assert shown.status == 200 and "로그인 확인" in shown.html and not v.signed_in(), shown
            r = v.post(path, {"csrf_token": shown.token()})
            assert r.status == 303 and r.location.endswith("/hc/ko/requests"), r
            assert v.signed_in()
            mine = v.get("/hc/ko/requests")
            assert mine.status == 200 and "minji@example.kr" in mine.html, mine
            # the mailbox is proven: the account is verified now
            assert admin.request("GET", f"/api/v2/users/{uid}").json["user"]["verified"] is True
            # reused: refused, in another browser too
            w = HcBrowser(s)
            r = w.post(path, {"csrf_token": w.get(path).token()})
            assert r.status == 404 and not w.signed_in(), r

            # expired: a new link, then the business clock passes its 15 minutes
            b.post("/hc/en/signin/link", {"email": "minji@example.kr", "csrf_token": tok})
            link2 = wait_until(lambda: sink.links("minji@example.kr")[1:], what="second link")[0]
            assert "/hc/en/signin/" in link2, link2
            assert sink.to("minji@example.kr")[1]["Subject"] == "[Hana Desk] Your sign-in link"
            s.advance_clock(16 * 60 * 1000)
            path2 = link2.split(str(s.http_port), 1)[1]
            x = HcBrowser(s)
            r = x.post(path2, {"csrf_token": x.get(path2).token()})
            assert r.status == 404 and "invalid, expired or already used" in r.html and not x.signed_in(), r

            # sign-out needs the session's token; then the pages ask to sign in
            assert v.post("/hc/ko/signout", {}).status == 403
            assert v.post("/hc/ko/signout", {"csrf_token": "0" * 32}).status == 403
            assert v.get("/hc/ko/requests").status == 200
            token = v.get("/hc/ko/requests").token()
            r = v.post("/hc/ko/signout", {"csrf_token": token})
            assert r.status == 303 and not v.signed_in(), r
            r = v.get("/hc/ko/requests")
            assert r.status == 303 and r.location.endswith("/hc/ko/signin"), r
            # staff sign in with their password only; nobody mails nobody
            assert sink.links("agent1@example.kr") == [] and sink.to("nobody@example.kr") == []
    finally:
        sink.close()


def field(admin, **f):
    r = admin.request("POST", "/api/v2/ticket_fields", {"ticket_field": f})
    assert r.status == 201, r
    return r.json["ticket_field"]["id"]


def test_request_form_and_my_requests(ctx):
    s, _ = portal_suite(ctx, mail=False)
    with s.start():
        admin = s.client()
        org = admin.request("POST", "/api/v2/organizations",
                            {"organization": {"name": "하나상사", "shared_tickets": True}}).json["organization"]["id"]
        a = user(admin, "김민지", "minji@example.kr", password=PW, organization_id=org)
        b_id = user(admin, "박서준", "seojun@example.kr", password=PW)
        user(admin, "이하나", "hana@example.kr", password=PW, organization_id=org)
        agent = user(admin, "상담원", "agent1@example.kr", role="agent")
        product = field(admin, type="tagger", title="Product", title_in_portal="제품",
                        visible_in_portal=True, editable_in_portal=True, required_in_portal=True,
                        custom_field_options=[{"name": "휴대폰", "value": "product_phone"},
                                              {"name": "노트북", "value": "product_laptop"}])
        field(admin, type="text", title="Agent only note")  # not visible in the portal
        ba = sign_in(s, "minji@example.kr", PW)

        form = ba.get("/hc/ko/requests/new")
        assert form.status == 200 and "제품" in form.html and "휴대폰" in form.html, form
        assert "Agent only note" not in form.html
        assert '<script src="/hc/static/portal.js" defer></script>' in form.html
        csrf = form_action_token(form)
        before = len(tickets(admin))
        # CSRF: a multipart POST without the session's token is refused
        r = ba.post_multipart("/hc/ko/requests/new", [("subject", "x"), ("description", "y")])
        assert r.status == 403 and len(tickets(admin)) == before, r
        # validation: the dropdown is required (the API's message, in Korean)
        url = f"/hc/ko/requests/new?csrf_token={csrf}"
        r = ba.post_multipart(url, [("subject", "배송이 늦어요"), ("description", "주문한 지 열흘째입니다"),
                                    ("step", "submit")])
        assert r.status == 422, r
        err = re.search(rf'id="cf-{product}-error">([^<]*)<', r.html)
        assert err and err.group(1) == "필수 항목입니다.", r.html
        assert 'aria-invalid="true"' in r.html and "배송이 늦어요" in r.html  # kept as typed
        # and in English on the English page
        en = ba.post_multipart(f"/hc/en/requests/new?csrf_token={csrf}",
                               [("subject", "Late"), ("description", "Ten days"), ("step", "submit"),
                                (f"cf_{product}", "product_tablet")])
        assert en.status == 422, en
        assert re.search(rf'id="cf-{product}-error">Choose one of the options\.<', en.html), en.html
        assert len(tickets(admin)) == before
        # filed, with a file: the request page
        r = ba.post_multipart(url, [("subject", "배송이 늦어요"), ("description", "주문한 지 열흘째입니다"),
                                    (f"cf_{product}", "product_phone"), ("step", "submit")],
                              files=[("attachments", "영수증.txt", "영수증 내용".encode(), "text/plain")])
        assert r.status == 303 and re.search(r"/hc/ko/requests/\d+$", r.location), r
        tid = int(r.location.rsplit("/", 1)[1])
        tk = admin.request("GET", f"/api/v2/tickets/{tid}").json["ticket"]
        assert tk["requester_id"] == a and tk["via"]["channel"] == "web", tk
        assert {"id": product, "value": "product_phone"} in tk["custom_fields"], tk
        cs = admin.request("GET", f"/api/v2/tickets/{tid}/comments").json["comments"]
        assert cs[0]["attachments"][0]["file_name"] == "영수증.txt", cs

        # the agent answers, and writes an internal note
        for body, public in (("확인해 보겠습니다", True), (SECRET, False)):
            r = admin.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {
                "assignee_id": agent, "comment": {"body": body, "public": public}}})
            assert r.status == 200, r
        page = ba.get(f"/hc/ko/requests/{tid}")
        assert page.status == 200 and "확인해 보겠습니다" in page.html and "영수증.txt" in page.html, page
        assert SECRET not in page.html and "refund fraud" not in page.html
        assert 'name="solved"' in page.html  # requester, an agent assigned: can_be_solved_by_me

        # another customer: 404 for the page and for a reply; not in their list
        bb = sign_in(s, "seojun@example.kr", PW)
        assert bb.get(f"/hc/ko/requests/{tid}").status == 404
        t = bb.get("/hc/ko/requests").token()
        r = bb.post_multipart(f"/hc/ko/requests/{tid}?csrf_token={t}", [("body", "끼어들기")])
        assert r.status == 404, r
        assert f"/hc/ko/requests/{tid}\"" not in bb.get("/hc/ko/requests").html
        # CC'd: the request shows in their list, and they may read it
        r = admin.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"collaborator_ids": [b_id]}})
        assert r.status == 200, r
        listed = bb.get("/hc/ko/requests")
        assert f"/hc/ko/requests/{tid}\"" in listed.html and "참조" in listed.html, listed
        page = bb.get(f"/hc/ko/requests/{tid}")
        assert page.status == 200 and SECRET not in page.html, page
        # the organization shares its tickets: a colleague sees it
        bc = sign_in(s, "hana@example.kr", PW, locale="en")
        listed = bc.get("/hc/en/requests")
        assert f"/hc/en/requests/{tid}\"" in listed.html and "My organization" in listed.html, listed

        # reply: CSRF first, then a public comment
        url = f"/hc/ko/requests/{tid}"
        assert ba.post_multipart(url, [("body", "감사합니다")]).status == 403
        assert ba.post_multipart(url + "?csrf_token=" + "0" * 32, [("body", "감사합니다")]).status == 403
        t = form_action_token(ba.get(url))
        r = ba.post_multipart(f"{url}?csrf_token={t}", [("body", "")])
        assert r.status == 422 and "내용을 입력하세요." in r.html, r
        r = ba.post_multipart(f"{url}?csrf_token={t}", [("body", "감사합니다, 기다릴게요")])
        assert r.status == 303, r
        cs = admin.request("GET", f"/api/v2/tickets/{tid}/comments").json["comments"]
        assert cs[-1]["body"] == "감사합니다, 기다릴게요" and cs[-1]["public"] and cs[-1]["author_id"] == a, cs
        # a CC may reply, but not mark it solved
        t = form_action_token(bb.get(url))
        assert 'name="solved"' not in bb.get(url).html
        r = bb.post_multipart(f"{url}?csrf_token={t}", [("body", "저도 궁금합니다"), ("solved", "1")])
        assert r.status == 422, r
        r = bb.post_multipart(f"{url}?csrf_token={t}", [("body", "저도 궁금합니다")])
        assert r.status == 303, r
        page = ba.get(url)
        assert re.search(r"<strong>참조인</strong>[^<]*<time[^>]*>[^<]*</time></p><div class=\"pt-body\">저도 궁금합니다",
                         page.html), page.html
        # mark solved
        r = ba.post_multipart(f"{url}?csrf_token={form_action_token(ba.get(url))}", [("solved", "1")])
        assert r.status == 303, r
        assert admin.request("GET", f"/api/v2/tickets/{tid}").json["ticket"]["status"] == "solved"
        assert "해결됨" in ba.get(url).html
        # the list: status and relation
        listed = ba.get("/hc/ko/requests")
        assert "해결됨" in listed.html and "내가 요청" in listed.html, listed

        # anonymous filing is off here: the visitor is asked to sign in, and a
        # POST with a valid visitor token files nothing
        v = HcBrowser(s)
        form = v.get("/hc/ko/requests/new")
        assert form.status == 200 and "먼저 로그인하세요" in form.html, form
        n = len(tickets(admin))
        vt = HcBrowser(s)
        page = vt.get("/hc/ko/signin")
        r = vt.post_multipart(f"/hc/ko/requests/new?csrf_token={page.token()}",
                              [("subject", "익명"), ("description", "익명 문의"), ("name", "익명"),
                               ("email", "anon@example.kr"), ("step", "submit")])
        assert r.status == 403 and len(tickets(admin)) == n, r
        # the API refuses the same (HD_ANONYMOUS_REQUESTS unset)
        r = s.client(auth=None).request("POST", "/api/v2/requests", {"request": {
            "subject": "x", "comment": {"body": "y"}, "requester": {"name": "n", "email": "anon@example.kr"}}})
        assert r.status == 401, r


def article(admin, title, body, locale="ko"):
    cat = admin.request("POST", "/api/v2/help_center/categories",
                        {"category": {"name": "도움말", "locale": locale}}).json["category"]["id"]
    sec = admin.request("POST", f"/api/v2/help_center/categories/{cat}/sections",
                        {"section": {"name": "배송", "locale": locale}}).json["section"]["id"]
    r = admin.request("POST", f"/api/v2/help_center/sections/{sec}/articles",
                      {"article": {"title": title, "body": body, "locale": locale},
                       "notify_subscribers": False})
    assert r.status == 201, r
    return r.json["article"]["id"]


def test_anonymous_request_and_deflection(ctx):
    s, sink = portal_suite(ctx, env={"HD_ANONYMOUS_REQUESTS": "1"})
    try:
        with s.start():
            admin = s.client()
            art = article(admin, "배송 조회 방법", "<p>주문 내역에서 배송 조회를 누르세요.</p>")
            v = HcBrowser(s)
            form = v.get("/hc/ko/requests/new")
            assert form.status == 200 and 'name="email"' in form.html and 'name="honeypot"' in form.html, form
            vt = form_action_token(form)
            url = f"/hc/ko/requests/new?csrf_token={vt}"
            n = len(tickets(admin))
            # without the visitor's token: refused
            r = v.post_multipart("/hc/ko/requests/new", [("subject", "배송 조회"), ("step", "check")])
            assert r.status == 403, r
            # deflection without script: check articles, then "this solved my problem"
            r = v.post_multipart(url, [("subject", "배송 조회가 안 돼요"), ("description", "주문 배송"),
                                       ("name", "손님"), ("email", "guest@example.kr"), ("step", "check")])
            assert r.status == 200 and "배송 조회 방법" in r.html and f'href="/hc/ko/articles/{art}"' in r.html, r
            action = re.search(r'action="(/hc/ko/requests/deflection/\d+)"', r.html).group(1)
            assert v.post(action, {"article_id": art}).status == 403  # no token
            done = v.post(action, {"article_id": art, "csrf_token": vt})
            assert done.status == 200 and "문의는 접수되지 않았습니다" in done.html, done
            assert len(tickets(admin)) == n  # nothing filed
            did = action.rsplit("/", 1)[1]
            d = s.client(auth=None).request("POST", f"/api/v2/hd/deflection/{did}/resolved", {"article_id": art})
            assert d.status == 200 and d.json["deflection"]["resolved"] is True, d
            assert d.json["deflection"]["resolved_article_id"] == art, d

            # filed anonymously: mailed a link; the request shows only once used
            r = v.post_multipart(url, [("subject", "환불 문의"), ("description", "환불해 주세요"),
                                       ("name", "손님"), ("email", "guest@example.kr"), ("honeypot", ""),
                                       ("step", "submit")])
            assert r.status == 200 and "주소를 확인하면" in r.html and not v.signed_in(), r
            tk = [t for t in tickets(admin) if t["subject"] == "환불 문의"]
            assert len(tk) == 1, tk
            tid = tk[0]["id"]
            assert v.get(f"/hc/ko/requests/{tid}").status == 303  # to sign-in
            link = wait_until(lambda: sink.links("guest@example.kr"), what="verification link")[0]
            path = link.split(str(s.http_port), 1)[1]
            r = v.post(path, {"csrf_token": v.get(path).token()})
            assert r.status == 303 and v.signed_in(), r
            page = v.get(f"/hc/ko/requests/{tid}")
            assert page.status == 200 and "환불해 주세요" in page.html, page
            u = admin.request("GET", f"/api/v2/users/{tk[0]['requester_id']}").json["user"]
            assert u["verified"] is True, u
            # a bot's filled honeypot is refused by the API's rule
            b2 = HcBrowser(s)
            t2 = form_action_token(b2.get("/hc/ko/requests/new"))
            r = b2.post_multipart(f"/hc/ko/requests/new?csrf_token={t2}",
                                  [("subject", "스팸"), ("description", "스팸"), ("name", "봇"),
                                   ("email", "bot@example.kr"), ("honeypot", "http://spam"), ("step", "submit")])
            assert r.status == 422 and not [t for t in tickets(admin) if t["subject"] == "스팸"], r
    finally:
        sink.close()


def test_hostile_forms_and_valid_html(ctx):
    """Bodies no browser sends answer a 400 page (ASan would catch a bad
    read); the pages a script-less visitor meets are valid HTML (tidy)."""
    s, _ = portal_suite(ctx, env={"HD_ANONYMOUS_REQUESTS": "1"}, mail=False)
    with s.start():
        admin = s.client()
        user(admin, "김민지", "minji@example.kr", password=PW)
        v = HcBrowser(s)
        pages = {"signin": v.get("/hc/ko/signin"), "form": v.get("/hc/en/requests/new"),
                 "link": v.get("/hc/ko/signin/1-2-" + "a" * 32 + "-" + "b" * 32),
                 "bad link": v.post("/hc/ko/signin/1-2-3", {"csrf_token": v.get("/hc/ko/signin").token()}),
                 "wrong password": v.post("/hc/en/signin", {"email": "minji@example.kr", "password": "nope",
                                                            "csrf_token": v.get("/hc/en/signin").token()})}
        assert pages["wrong password"].status == 401 and "is wrong" in pages["wrong password"].html
        t = form_action_token(v.get("/hc/ko/requests/new"))
        pages["check"] = v.post_multipart(f"/hc/ko/requests/new?csrf_token={t}",
                                          [("subject", "배송 <b>조회</b>"), ("step", "check")])
        assert "배송 &lt;b&gt;조회&lt;/b&gt;" in pages["check"].html  # escaped, kept as typed
        pages["sent"] = v.post_multipart(f"/hc/ko/requests/new?csrf_token={t}", [
            ("subject", "문의"), ("description", "본문"), ("name", "손님"), ("email", "guest@example.kr"),
            ("step", "submit")])
        assert pages["sent"].status == 200, pages["sent"]
        # back where the visitor came from (the help center's vote sends
        # them with ?return_to=), never to another site
        for back, want in (("/hc/ko/articles/7", "/hc/ko/articles/7"), ("//evil.example/hc/", "/hc/ko/requests"),
                           ("https://evil.example/", "/hc/ko/requests"), ("/hc//evil.example", "/hc/ko/requests")):
            w = HcBrowser(s)
            page = w.get("/hc/ko/signin?return_to=" + back)
            r = w.post("/hc/ko/signin", {"email": "minji@example.kr", "password": PW, "csrf_token": page.token(),
                                         "return_to": back})
            assert r.status == 303 and r.location == f"http://127.0.0.1:{s.http_port}{want}", (back, r)
        b = sign_in(s, "minji@example.kr", PW)
        pages["requests"] = b.get("/hc/ko/requests")
        for name, page in pages.items():
            assert tidy_errors(page.html) == [], (name, tidy_errors(page.html))

        # CSRF on every form POST: a visitor's without their visitor token,
        # a signed-in customer's without the session's: a 403 page
        posts = ["/hc/ko/signin", "/hc/ko/signin/link", "/hc/ko/signin/1-2-" + "a" * 32 + "-" + "b" * 32,
                 "/hc/ko/signout", "/hc/ko/requests/new", "/hc/ko/requests/deflection/1", "/hc/ko/requests/1"]
        fresh = HcBrowser(s)
        fresh.get("/hc/ko/signin")  # has a visitor cookie, sends no token
        for path in posts:
            for who, br in (("visitor", fresh), ("signed in", b)):
                r = br.post(path, {"email": "minji@example.kr", "password": PW, "subject": "x"})
                assert r.status == 403 and "이 작업을 할 수 없습니다" in r.html, (who, path, r)
                r = br.post(path, {"email": "minji@example.kr", "csrf_token": "f" * 32})
                assert r.status == 403, (who, path, r)
        assert b.signed_in() and b.get("/hc/ko/requests").status == 200  # not signed out by a forged POST

        st = form_action_token(b.get("/hc/ko/requests/new"))
        url = f"/hc/ko/requests/new?csrf_token={st}"
        cookie = {"Cookie": "; ".join(f"{k}={x}" for k, x in b.cookies.items())}
        B = "XyZ"
        hostile = [
            b"--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nno end",
            b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--\r\n",  # no name
            b"--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n",  # headers never end
            b"--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\n\xff\xfe\r\n--XyZ--\r\n",
            b"".join(b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n" for _ in range(70))
            + b"--XyZ--\r\n",  # too many parts
            b"garbage", b"--XyZ", b"--XyZ--",
        ]
        for body in hostile:
            r = b.c.request("POST", url, body, headers=dict(cookie, **{
                "Content-Type": f"multipart/form-data; boundary={B}"}))
            assert r.status in (400, 422), (body[:60], r)
        r = b.c.request("POST", url, b"x", headers=dict(cookie, **{"Content-Type": "multipart/form-data"}))
        assert r.status == 400, r  # no boundary
        # an urlencoded value that is not UTF-8 reads as missing
        r = b.c.request("POST", "/hc/ko/signin", b"email=%ff&password=x&csrf_token=" + b.get(
            "/hc/ko/requests").token().encode(), headers=dict(cookie, **{
                "Content-Type": "application/x-www-form-urlencoded"}))
        assert r.status == 422, r
        assert b.get("/hc/ko/requests").status == 200  # still serving


def test_every_field_type_and_forms(ctx):
    """Each portal field type as a labelled control, the values posted as
    the API takes them, per-type messages in Korean, and the choice of
    end-user forms; every page valid HTML."""
    s, _ = portal_suite(ctx, mail=False)
    with s.start():
        admin = s.client()
        user(admin, "김민지", "minji@example.kr", password=PW)
        P = dict(visible_in_portal=True, editable_in_portal=True)
        f = {
            "text": field(admin, type="text", title="주문 번호", **P),
            "area": field(admin, type="textarea", title="메모", description="자세히 적어 주세요", **P),
            "box": field(admin, type="checkbox", title="VIP", tag="vip", **P),
            "date": field(admin, type="date", title="받을 날짜", **P),
            "int": field(admin, type="integer", title="수량", **P),
            "dec": field(admin, type="decimal", title="금액", **P),
            "re": field(admin, type="regexp", title="SKU", regexp_for_validation="^[A-Z]{3}-[0-9]+$", **P),
            "multi": field(admin, type="multiselect", title="분야", custom_field_options=[
                {"name": "결제", "value": "area_pay"}, {"name": "배송", "value": "area_ship"}], **P),
            "ro": field(admin, type="text", title="읽기 전용", visible_in_portal=True),
        }
        forms = []
        for name, ids, default in (("일반 문의", [f["text"], f["area"], f["box"], f["date"], f["int"], f["dec"],
                                                f["re"], f["multi"], f["ro"]], True),
                                   ("반품", [f["int"]], False)):
            r = admin.request("POST", "/api/v2/ticket_forms", {"ticket_form": {
                "name": name, "display_name": name, "end_user_visible": True, "default": default,
                "ticket_field_ids": ids}})
            assert r.status == 201, r
            forms.append(r.json["ticket_form"]["id"])
        b = sign_in(s, "minji@example.kr", PW)
        page = b.get("/hc/ko/requests/new")
        assert page.status == 200, page
        assert tidy_errors(page.html) == [], tidy_errors(page.html)
        for k in ("text", "area", "box", "date", "int", "dec", "re", "multi"):
            assert f'id="cf-{f[k]}"' in page.html and f'for="cf-{f[k]}"' in page.html, k
        assert "읽기 전용" not in page.html  # visible, not editable: not on the form
        assert 'name="ticket_form_id"' in page.html and "반품" in page.html  # the choice of forms
        other = b.get(f"/hc/ko/requests/new?ticket_form_id={forms[1]}")
        assert f'id="cf-{f["int"]}"' in other.html and f'id="cf-{f["text"]}"' not in other.html, other
        assert tidy_errors(other.html) == []
        t = form_action_token(page)
        url = f"/hc/ko/requests/new?csrf_token={t}"
        base = [("ticket_form_id", forms[0]), ("subject", "여러 항목"), ("description", "본문"), ("step", "submit")]
        for bad, key, msg in (((f"cf_{f['date']}", "내일"), "date", "2021-04-16 같은 날짜를 입력하세요."),
                              ((f"cf_{f['int']}", "3개"), "int", "정수를 입력하세요."),
                              ((f"cf_{f['re']}", "abc"), "re", "형식이 맞지 않습니다.")):
            r = b.post_multipart(url, base + [bad])
            assert r.status == 422, (key, r)
            err = re.search(rf'id="cf-{f[key]}-error">([^<]*)<', r.html)
            assert err and err.group(1) == msg, (key, r.html)
            assert tidy_errors(r.html) == [], tidy_errors(r.html)
        r = b.post_multipart(url, base + [
            (f"cf_{f['text']}", "A-100"), (f"cf_{f['area']}", "줄 하나\n줄 둘"), (f"cf_{f['box']}", "1"),
            (f"cf_{f['date']}", "2026-12-24"), (f"cf_{f['int']}", "3"), (f"cf_{f['dec']}", "12.5"),
            (f"cf_{f['re']}", "SKU-42"), (f"cf_{f['multi']}", "area_pay"), (f"cf_{f['multi']}", "area_ship")])
        assert r.status == 303, r
        tid = int(r.location.rsplit("/", 1)[1])
        tk = admin.request("GET", f"/api/v2/tickets/{tid}").json["ticket"]
        got = {x["id"]: x["value"] for x in tk["custom_fields"]}
        assert got[f["text"]] == "A-100" and got[f["area"]] == "줄 하나\n줄 둘" and got[f["box"]] is True, got
        assert got[f["date"]] == "2026-12-24" and str(got[f["int"]]) == "3" and str(got[f["dec"]]) == "12.5", got
        assert got[f["re"]] == "SKU-42" and sorted(got[f["multi"]]) == ["area_pay", "area_ship"], got
        assert tk["ticket_form_id"] == forms[0] and "vip" in tk["tags"], tk
