"""The customers' help center pages (issue 17): server-rendered HTML under
/hc/{locale}/ from the gateway, its stylesheet, sitemap and robots.txt, the
visibility of articles per visitor, escaping, canonical and hreflang links,
votes by plain form POST, and every link the suite sends being absolute
under HD_PUBLIC_URL."""
import html as html_lib
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET

from harness import Suite
from html_tidy import tidy_errors
from rules_helpers import TRIGGERS, cond
from test_notify import Receiver, Sink, make_hook, wait_for
from test_tickets_api import end_user

KB = ["intake", "knowledge", "gateway"]
CSP_MUST = ("default-src 'self'", "script-src 'self'", "style-src 'self'")


def page_headers_ok(r):
    csp = r.headers.get("content-security-policy", "")
    assert all(p in csp for p in CSP_MUST), r.headers
    assert "unsafe-inline" not in csp, csp
    assert r.headers.get("x-content-type-options") == "nosniff", r.headers


def test_stylesheet(ctx):
    with Suite(ctx.bin_dir, services=["gateway"]).start() as s:
        anon = s.client(auth=None)
        r = anon.request("GET", "/hc/static/hc.css")
        assert r.status == 200 and r.headers["content-type"].startswith("text/css"), r
        assert b".hc-header" in r.raw
        page_headers_ok(r)
        again = anon.request("GET", "/hc/static/hc.css", headers={"If-None-Match": r.headers["etag"]})
        assert again.status == 304, again
        assert anon.request("GET", "/hc/static/nope.css").status == 404


def test_shell_not_found_page(ctx):
    """The shell's layout, through the 404 page of an unknown /hc/ path:
    lang, title, canonical, stylesheet, the header's links, the strict
    headers; English by Accept-Language when the path names no locale."""
    with Suite(ctx.bin_dir, services=["gateway"]).start() as s:
        anon = s.client(auth=None)
        r = anon.request("GET", "/hc/ko/no-such-page")
        assert r.status == 404 and r.headers["content-type"] == "text/html; charset=utf-8", r
        page_headers_ok(r)
        html = r.raw.decode()
        assert html.startswith("<!DOCTYPE html>\n<html lang=\"ko\">"), html[:200]
        assert "<title>페이지를 찾을 수 없습니다 - Hana Desk 고객센터</title>" in html, html
        assert '<link rel="stylesheet" href="/hc/static/hc.css">' in html
        assert f'<link rel="canonical" href="http://127.0.0.1:{s.http_port}/hc/ko/">' in html, html
        assert 'href="/hc/ko/signin"' in html and 'href="/hc/ko/requests/new"' in html, html
        assert "<script" not in html and "style=" not in html
        r = anon.request("GET", "/hc/xx/y", headers={"Accept-Language": "fr-FR, en-US;q=0.8, ko;q=0.5"})
        assert r.status == 404 and '<html lang="en">' in r.raw.decode(), r
        # /hc picks by q-values; anything else (or nothing usable) is Korean.
        for al, want in (("ko;q=0.1, EN;q=0.2", "en"), ("en;q=0, ja", "ko"), ("en-GB", "en"), ("ko-KR,ko;q=0.9,en-US;q=0.8", "ko"),
                         ("", "ko"), (";q=,,,en-;q=0.5", "en"), ("x" * 3000, "ko")):
            r = anon.request("GET", "/hc", headers={"Accept-Language": al})
            assert r.status == 302 and r.headers["location"].endswith(f"/hc/{want}/"), (al, r)


# ---- the help center's pages ----

HC = "/api/v2/help_center"


def q(s):
    return urllib.parse.quote(s)


def content(s):
    """A category with a section: a published Korean article about 배송 with
    an English translation, a draft, an article for signed-in people only,
    one whose title carries markup, and an English-only one."""
    c = s.client()
    r = c.request("POST", f"{HC}/categories.json", {"category": {"name": "주문과 배송", "description": "주문, 배송, 반품 안내", "locale": "ko"}})
    assert r.status == 201, r
    cat = r.json["category"]
    r = c.request("POST", f"{HC}/categories/{cat['id']}/sections.json", {"section": {"name": "배송", "description": "배송 조회와 지연", "locale": "ko"}})
    assert r.status == 201, r
    sec = r.json["section"]

    def art(title, body, **extra):
        a = {"title": title, "body": body, "locale": "ko"}
        a.update(extra)
        r = c.request("POST", f"{HC}/sections/{sec['id']}/articles.json", {"article": a})
        assert r.status == 201, r
        return r.json["article"]

    ship = art("배송 조회 방법", "<p>주문 내역에서 <strong>배송 조회</strong>를 누르면 택배사와 송장 번호가 보입니다.</p>")
    r = c.request("POST", f"{HC}/articles/{ship['id']}/translations.json",
                  {"translation": {"locale": "en-us", "title": "Tracking your delivery",
                                   "body": "<p>Open your orders and choose <strong>Track delivery</strong>.</p>"}})
    assert r.status == 201, r
    draft = art("초안 배송 비밀", "<p>배송 초안 내용</p>", draft=True)
    members = art("회원 전용 배송 혜택", "<p>회원은 배송비가 무료입니다.</p>", user_segment_id=7)
    evil = art("<script>alert('hc')</script> 위험한 제목", "<p>본문 <img src=x onerror=alert(1)></p>")
    en_only = art("Returns", "<p>Returns within 7 days.</p>", locale="en-us")
    return {"cat": cat, "sec": sec, "ship": ship, "draft": draft, "members": members, "evil": evil, "en_only": en_only}


def sign_in_cookie(s, email, password="Secret-pass-123"):
    r = s.client(auth=None).request("POST", "/api/v2/hd/session", {"session": {"email": email, "password": password}})
    assert r.status == 200, r
    sid = re.match(r"hd_session=([0-9a-f]{64});", r.headers["set-cookie"]).group(1)
    return sid, r.json["session"]["csrf_token"]


def get_page(c, path, cookie=None, status=200, lang=None):
    h = {}
    if cookie:
        h["Cookie"] = f"hd_session={cookie}"
    if lang:
        h["Accept-Language"] = lang
    r = c.request("GET", path, headers=h)
    assert r.status == status, (path, r)
    return r


def test_pages_routes_visibility_and_markup(ctx):
    with Suite(ctx.bin_dir, services=KB).start() as s:
        w = content(s)
        anon = s.client(auth=None)
        base = f"http://127.0.0.1:{s.http_port}"
        ship, cat, sec = w["ship"], w["cat"], w["sec"]

        # /hc sends each visitor to their language.
        r = anon.request("GET", "/hc/", headers={"Accept-Language": "en-US,en;q=0.9"})
        assert r.status == 302 and r.headers["location"] == f"{base}/hc/en/", r
        r = anon.request("GET", "/hc", headers={"Accept-Language": "ja, de;q=0.5"})
        assert r.status == 302 and r.headers["location"] == f"{base}/hc/ko/", r
        r = anon.request("GET", f"/hc/en-us/articles/{ship['id']}")
        assert r.status == 301 and r.headers["location"] == f"{base}/hc/en/articles/{ship['id']}", r
        get_page(anon, "/hc/fr/", status=404)

        pages = {}
        for loc in ("ko", "en"):
            pages[f"{loc}-home"] = get_page(anon, f"/hc/{loc}/")
            pages[f"{loc}-cat"] = get_page(anon, f"/hc/{loc}/categories/{cat['id']}")
            pages[f"{loc}-sec"] = get_page(anon, f"/hc/{loc}/sections/{sec['id']}")
            pages[f"{loc}-art"] = get_page(anon, f"/hc/{loc}/articles/{ship['id']}")
            pages[f"{loc}-search"] = get_page(anon, f"/hc/{loc}/search?query={q('배송' if loc == 'ko' else 'delivery')}")
        pages["ko-evil"] = get_page(anon, f"/hc/ko/articles/{w['evil']['id']}")
        for name, r in pages.items():
            page_headers_ok(r)
            assert r.headers["content-type"] == "text/html; charset=utf-8", (name, r.headers)
            assert "no-cache" in r.headers["cache-control"], r.headers
            html = r.raw.decode()
            loc = name.split("-")[0]
            assert html.startswith(f'<!DOCTYPE html>\n<html lang="{loc}">'), (name, html[:100])
            assert "<script" not in html.lower() and " style=" not in html and "onerror" not in html, (name, html)
            assert re.search(r'<link rel="canonical" href="http://127\.0\.0\.1:\d+/hc/', html), name
            assert tidy_errors(r.raw) == [], (name, tidy_errors(r.raw), html)

        ko_home = pages["ko-home"].raw.decode()
        assert "<title>무엇을 도와드릴까요? - Hana Desk 고객센터</title>" in ko_home, ko_home
        assert f'href="/hc/ko/categories/{cat["id"]}">주문과 배송</a>' in ko_home, ko_home
        assert '<link rel="alternate" hreflang="en" href="' + base + '/hc/en/">' in ko_home
        assert f'<link rel="canonical" href="{base}/hc/ko/">' in ko_home
        en_home = pages["en-home"].raw.decode()
        assert "How can we help?" in en_home and ">한국어</a>" in en_home, en_home
        assert f'href="/hc/ko/sections/{sec["id"]}">배송</a>' in pages["ko-cat"].raw.decode()

        # The section lists the published articles of the page's language.
        ko_sec = pages["ko-sec"].raw.decode()
        assert "배송 조회 방법" in ko_sec and "&lt;script&gt;" in ko_sec, ko_sec
        assert "초안 배송 비밀" not in ko_sec and "회원 전용" not in ko_sec and "Returns" not in ko_sec, ko_sec
        en_sec = pages["en-sec"].raw.decode()
        assert "Tracking your delivery" in en_sec and "Returns" in en_sec and "배송 조회 방법" not in en_sec, en_sec

        # The article: as stored, breadcrumbs, both languages linked.
        ko_art = pages["ko-art"].raw.decode()
        assert "<title>배송 조회 방법 - Hana Desk 고객센터</title>" in ko_art
        assert "<strong>배송 조회</strong>" in ko_art, ko_art
        assert f'<a href="/hc/ko/sections/{sec["id"]}">배송</a>' in ko_art and 'aria-current="page">배송 조회 방법<' in ko_art, ko_art
        assert f'<link rel="canonical" href="{base}/hc/ko/articles/{ship["id"]}">' in ko_art
        for loc in ("ko", "en"):
            assert f'<link rel="alternate" hreflang="{loc}" href="{base}/hc/{loc}/articles/{ship["id"]}">' in ko_art, ko_art
        assert f'<a href="/hc/en/articles/{ship["id"]}" hreflang="en" lang="en">English</a>' in ko_art
        related = ko_art.split('id="related-h"', 1)[1]
        assert "이 섹션의 다른 도움말" in ko_art and f'href="/hc/ko/articles/{w["evil"]["id"]}"' in related, ko_art
        assert "&lt;script&gt;" in related and "초안 배송 비밀" not in related and "회원 전용" not in related, related
        en_art = pages["en-art"].raw.decode()
        assert "Tracking your delivery" in en_art and '<html lang="en">' in en_art
        # A Korean-only article has no English alternate; asked in English
        # it sends the visitor to the language it exists in.
        only_ko = pages["ko-evil"].raw.decode()
        assert 'hreflang="en"' not in only_ko, only_ko
        assert "&lt;script&gt;alert(&#39;hc&#39;)&lt;/script&gt; 위험한 제목" in only_ko or \
            "&lt;script&gt;alert(&#x27;hc&#x27;)&lt;/script&gt; 위험한 제목" in only_ko, only_ko
        r = anon.request("GET", f"/hc/en/articles/{w['evil']['id']}")
        assert r.status == 302 and r.headers["location"].endswith(f"/hc/ko/articles/{w['evil']['id']}"), r

        # Search finds the Korean article about 배송, hits marked.
        ko_search = pages["ko-search"].raw.decode()
        assert f'href="/hc/ko/articles/{ship["id"]}">배송 조회 방법</a>' in ko_search, ko_search
        assert "<mark>배송</mark>" in ko_search or "<mark>배송" in ko_search, ko_search
        assert "초안 배송 비밀" not in ko_search and "회원 전용" not in ko_search, ko_search
        assert "Tracking your delivery" in pages["en-search"].raw.decode()
        r = get_page(anon, f"/hc/ko/search?query={q('<b>없는말')}")
        assert "&lt;b&gt;없는말" in r.raw.decode() and "<b>없는말" not in r.raw.decode()
        get_page(anon, "/hc/ko/search?query=x&page=0", status=400)

        # Drafts and members-only articles are not found by visitors.
        for key in ("draft", "members"):
            for loc in ("ko", "en"):
                r = get_page(anon, f"/hc/{loc}/articles/{w[key]['id']}", status=404)
                assert tidy_errors(r.raw) == [], r
        get_page(anon, "/hc/ko/articles/999999", status=404)
        get_page(anon, "/hc/ko/sections/999999", status=404)
        get_page(anon, "/hc/ko/categories/999999", status=404)

        # A signed-in customer sees the members' article, not the draft;
        # the header offers "my requests" instead of "sign in".
        end_user(s, "minji@example.kr")
        sid, _ = sign_in_cookie(s, "minji@example.kr")
        r = get_page(anon, f"/hc/ko/articles/{w['members']['id']}", cookie=sid)
        assert "회원 전용 배송 혜택" in r.raw.decode() and 'href="/hc/ko/requests"' in r.raw.decode(), r
        assert "회원 전용" in get_page(anon, f"/hc/ko/sections/{sec['id']}", cookie=sid).raw.decode()
        get_page(anon, f"/hc/ko/articles/{w['draft']['id']}", cookie=sid, status=404)
        # Even agents, who may read drafts through the API, see none here.
        staff = s.client()
        get_page(staff, f"/hc/ko/articles/{w['draft']['id']}", status=404)
        assert "초안 배송 비밀" not in get_page(staff, f"/hc/ko/search?query={q('배송')}").raw.decode()


def test_sitemap_and_robots(ctx):
    with Suite(ctx.bin_dir, services=KB, env={"HD_PUBLIC_URL": "https://help.example.co.kr"}).start() as s:
        w = content(s)
        anon = s.client(auth=None)
        r = get_page(anon, "/hc/sitemap.xml")
        assert r.headers["content-type"].startswith("application/xml"), r.headers
        root = ET.fromstring(r.raw)
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        locs = [e.text for e in root.findall("s:url/s:loc", ns)]
        P = "https://help.example.co.kr/hc"
        want = {f"{P}/ko/", f"{P}/en/", f"{P}/ko/articles/{w['ship']['id']}", f"{P}/en/articles/{w['ship']['id']}",
                f"{P}/ko/articles/{w['evil']['id']}", f"{P}/en/articles/{w['en_only']['id']}"}
        assert set(locs) == want, sorted(locs)
        # Whoever fetches it, the sitemap is what the public sees.
        end_user(s, "minji@example.kr")
        sid, _ = sign_in_cookie(s, "minji@example.kr")
        again = get_page(anon, "/hc/sitemap.xml", cookie=sid)
        assert f"articles/{w['members']['id']}<" not in again.raw.decode(), again
        page = get_page(anon, f"/hc/ko/articles/{w['ship']['id']}").raw.decode()
        assert f'<link rel="canonical" href="{P}/ko/articles/{w["ship"]["id"]}">' in page, page
        robots = get_page(anon, "/robots.txt")
        assert robots.headers["content-type"].startswith("text/plain"), robots.headers
        text = robots.raw.decode()
        assert "User-agent: *" in text and f"Sitemap: {P}/sitemap.xml" in text and "Disallow: /api/" in text, text
        # Knowledge down: a page saying so (503, in the visitor's language),
        # never a JSON error or a hang.
        s.stop_service("knowledge")
        for path in ("/hc/en/", f"/hc/en/articles/{w['ship']['id']}", "/hc/sitemap.xml"):
            r = anon.request("GET", path, headers={"Accept-Language": "en"})
            assert r.status == 503 and r.headers["content-type"].startswith("text/html"), (path, r)
            assert "Temporarily unavailable" in r.raw.decode() and r.headers.get("retry-after"), (path, r.headers)


def test_vote_by_form(ctx):
    with Suite(ctx.bin_dir, services=KB).start() as s:
        w = content(s)
        anon = s.client(auth=None)
        ship = w["ship"]
        path = f"/hc/ko/articles/{ship['id']}/vote"
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        # Anonymous visitors are sent to sign in, and nothing is counted.
        r = anon.request("POST", path, "value=up", headers=form)
        assert r.status == 303 and f"/hc/ko/signin?return_to=%2Fhc%2Fko%2Farticles%2F{ship['id']}" in r.headers["location"], r
        uid, _ = end_user(s, "minji@example.kr")
        sid, csrf = sign_in_cookie(s, "minji@example.kr")
        page = get_page(anon, f"/hc/ko/articles/{ship['id']}", cookie=sid).raw.decode()
        assert f'<form method="post" action="{path}"><input type="hidden" name="csrf_token" value="{csrf}">' in page, page
        cookie = {"Cookie": f"hd_session={sid}", **form}
        # Without the form's token (or with another) a signed-in browser is refused.
        for body in ("value=up", "value=up&csrf_token=" + "0" * 32):
            r = anon.request("POST", path, body, headers=cookie)
            assert r.status == 403 and b"<html" in r.raw, r
        r = anon.request("POST", path, f"value=sideways&csrf_token={csrf}", headers=cookie)
        assert r.status == 400, r
        r = anon.request("POST", path, f"value=up&csrf_token={csrf}", headers=cookie)
        assert r.status == 303 and r.headers["location"].endswith(f"/hc/ko/articles/{ship['id']}?voted=up#vote"), r
        a = s.client().request("GET", f"{HC}/articles/{ship['id']}.json").json["article"]
        assert a["vote_sum"] == 1 and a["vote_count"] == 1, a
        # Changing one's mind is the same vote, as through the API.
        r = anon.request("POST", path, f"csrf_token={csrf}&value=down", headers=cookie)
        assert r.status == 303, r
        a = s.client().request("GET", f"{HC}/articles/{ship['id']}.json").json["article"]
        assert a["vote_sum"] == -1 and a["vote_count"] == 1, a
        page = get_page(anon, f"/hc/ko/articles/{ship['id']}?voted=down", cookie=sid).raw.decode()
        assert "의견을 보내 주셔서 감사합니다." in page and "1명 중 0명이" in page, page
        # Members-only articles and drafts take no votes from the page either.
        r = anon.request("POST", f"/hc/ko/articles/{w['draft']['id']}/vote", f"value=up&csrf_token={csrf}", headers=cookie)
        assert r.status == 404, r


# ---- HD_PUBLIC_URL: every link the suite sends is absolute under it ----

LINK = re.compile(r'(?:href|src)="([^"]+)"|(https?://[^\s"<>]+)')


def links_of(m):
    """Every link of a mail: href/src values of its HTML part and bare URLs
    of its text part."""
    out = []
    for part in m.walk():
        if part.get_content_maintype() != "text":
            continue
        for a, b in LINK.findall(part.get_content()):
            out.append(html_lib.unescape(a or b))
    return out


def test_public_url_links_in_mail_webhooks_and_api(ctx):
    """The acknowledgement with suggested articles, a trigger's mail and a
    webhook body using {{ticket.link}}: each link starts with HD_PUBLIC_URL
    (a name for this gateway other than the address the tests use) and
    answers 200 there; html_url in the API too, in the page's language."""
    rec = Receiver()
    s = Suite(ctx.bin_dir, env={"HD_SUGGEST_WAIT_MS": "8000", "HD_WEBHOOK_BACKOFF_MS": "100"})
    public = f"http://localhost:{s.http_port}"
    s.env["HD_PUBLIC_URL"] = public
    sink = Sink(s.dir)
    s.env["HD_SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}"
    try:
        with s.start():
            w = content(s)
            c, anon = s.client(), s.client(auth=None)

            def answers_200(url, who=None):
                """For whom it was sent (an article for members only is
                a 404 to strangers, as it should be)."""
                assert url.startswith(public + "/"), url
                path = url[len(public):].split("#", 1)[0]
                r = (who or anon).request("GET", path)
                assert r.status == 200, (url, r)

            hook = make_hook(c, rec.url("/links"), ["conditional_ticket_events"])
            r = c.request("POST", TRIGGERS, {"trigger": {
                "title": "링크 알림", "conditions": {"all": [cond("update_type", "is", "Create")], "any": []},
                "actions": [{"field": "notification_user",
                             "value": ["requester_id", "[{{ticket.id}}] 링크", "요청 보기: {{ticket.link}}"]},
                            {"field": "notification_webhook", "value": [hook["id"], '{"link":"{{ticket.url}}"}']}]}})
            assert r.status == 201, r
            _, minji = end_user(s, "minji@example.kr")
            r = minji.request("POST", "/api/v2/requests.json", {"request": {
                "subject": "배송 조회가 안 돼요", "comment": {"body": "주문 내역에서 배송 조회를 눌러도 송장 번호가 안 보입니다."}}})
            assert r.status == 201, r
            tid = r.json["request"]["id"]
            mails = wait_for(lambda: [m for m in sink.to("minji@example.kr")] if len(sink.to("minji@example.kr")) >= 2 else None,
                             timeout=60, what="acknowledgement and trigger mail")
            ack = [m for m in mails if "접수되었습니다" in m["Subject"]]
            assert ack, [m["Subject"] for m in mails]
            ack_links = links_of(ack[0])
            art = f"{public}/hc/ko/articles/{w['ship']['id']}"
            assert art in ack_links, (ack_links, ack[0].get_body(("plain",)).get_content())
            for m in mails:
                for url in links_of(m):
                    answers_200(url, minji)
            trig = [m for m in mails if m["Subject"] == f"[{tid}] 링크"]
            assert trig and f"{public}/agent/#/tickets/{tid}" in links_of(trig[0]), [links_of(m) for m in mails]
            hooks = wait_for(lambda: rec.on("/links"), what="webhook")
            link = json.loads(hooks[0][3])["link"]
            assert link == f"{public}/agent/#/tickets/{tid}", link
            answers_200(link)

            # API bodies: html_url under the public URL, in the page's language.
            a = anon.request("GET", f"{HC}/en-us/articles/{w['ship']['id']}.json").json["article"]
            assert a["html_url"] == f"{public}/hc/en/articles/{w['ship']['id']}", a["html_url"]
            answers_200(a["html_url"])
            for path, key in ((f"{HC}/categories/{w['cat']['id']}", "category"), (f"{HC}/sections/{w['sec']['id']}", "section"),
                              (f"{HC}/articles/{w['ship']['id']}", "article")):
                obj = anon.request("GET", path).json[key]
                answers_200(obj["html_url"])
            d = anon.request("POST", "/api/v2/hd/deflection", {"subject": "배송 조회", "description": "", "locale": "ko"}).json
            assert d["articles"] and all(x["html_url"].startswith(public + "/hc/ko/articles/") for x in d["articles"]), d
            answers_200(d["articles"][0]["html_url"])
    finally:
        sink.close()
        rec.close()


def test_hostile_page_requests(ctx):
    """Junk in paths, queries and forms: a page (4xx) naming nothing
    internal, never a 5xx or a sanitizer report (checked as the suite
    stops)."""
    with Suite(ctx.bin_dir, services=KB).start() as s:
        w = content(s)
        anon = s.client(auth=None)
        art = w["ship"]["id"]
        paths = ["/hc/ko/articles/99999999999999999999999", "/hc/ko/articles/-1", "/hc/%00/", "/hc/" + "k" * 400 + "/",
                 "/hc/ko/search?query=%FF%FE%00", "/hc/ko/search?query=" + q("배송") * 2000, "/hc/ko/search?query=%3Cem%3E&page=99",
                 "/hc/ko/search?page=abc&query=x", "/hc/ko/sections/0", "/hc/EN/", "/hc/ko-KR/categories/1", "/hc/static/../hc.css",
                 "/hc/ko/articles/1/vote", "/hc/sitemap.xml?x=%ZZ"]
        for p in paths:
            r = anon.request("GET", p)
            assert r.status < 500, (p, r)
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        end_user(s, "minji@example.kr")
        sid, csrf = sign_in_cookie(s, "minji@example.kr")
        cookie = {"Cookie": f"hd_session={sid}", **form}
        for body in ("", "value", "value=%", "value=up%00", "&&&==", "value=" + "u" * 100000, f"csrf_token={csrf}&value=%FF",
                     f"csrf_token={csrf}" + "&x=1" * 5000 + "&value=up"):
            for h in (form, cookie):
                r = anon.request("POST", f"/hc/ko/articles/{art}/vote", body, headers=h)
                assert r.status < 500 and r.status in (303, 400, 403, 413), (body[:40], r)
        a = s.client().request("GET", f"{HC}/articles/{art}.json").json["article"]
        assert a["vote_count"] == 1 and a["vote_sum"] == 1, a  # only the last body was a valid vote
