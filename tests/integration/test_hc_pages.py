"""The customers' help center pages (issue 17): server-rendered HTML under
/hc/{locale}/ from the gateway, its stylesheet, sitemap and robots.txt, the
visibility of articles per visitor, escaping, canonical and hreflang links,
votes by plain form POST, and every link the suite sends being absolute
under HD_PUBLIC_URL."""
from harness import Suite

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
