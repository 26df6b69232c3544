"""People's sign-in from a browser (issue 16): the hd_session cookie and its
flags, CSRF refusal, sign-out, idle expiry on the business clock, the end
of sessions when the password changes or the user is suspended, the login
limits, and password reset by an e-mailed link."""
import os
import re

from harness import Suite, wait_until
from test_tickets_api import end_user

S = "/api/v2/hd/session"


def sign_in(s, email, password="Secret-pass-123"):
    return s.client(auth=None).request("POST", S, {"session": {"email": email, "password": password}})


def cookie_of(r):
    m = re.match(r"hd_session=([0-9a-f]{64});", r.headers.get("set-cookie", ""))
    assert m, r.headers
    return m.group(1)


class Browser:
    """A client that sends the cookie (and the CSRF token when asked)."""

    def __init__(self, s, sid, csrf=None):
        self.c = s.client(auth=None)
        self.sid, self.csrf = sid, csrf

    def request(self, method, path, body=None, csrf=True):
        h = {"Cookie": f"other=1; hd_session={self.sid}"}
        if csrf and self.csrf:
            h["X-CSRF-Token"] = self.csrf
        return self.c.request(method, path, body, headers=h)


def test_sign_in_cookie_csrf_and_sign_out(ctx):
    with Suite(ctx.bin_dir, env={"HD_LOGIN_ADDR_LIMIT": "4"}).start() as s:
        uid, _ = end_user(s, "minji@example.kr")
        r = sign_in(s, "MinJi@example.kr")
        assert r.status == 200, r
        flags = [f.strip() for f in r.headers["set-cookie"].split(";")]
        assert {"HttpOnly", "SameSite=Lax", "Path=/"} <= set(flags), flags
        assert "Secure" not in flags, flags  # the public URL is http here
        sess = r.json["session"]
        assert re.fullmatch(r"[0-9a-f]{32}", sess["csrf_token"]), sess
        assert sess["user"]["id"] == uid and sess["user"]["email"] == "minji@example.kr", sess
        assert set(sess["user"]) == {"id", "name", "email", "role", "locale", "time_zone"}
        b = Browser(s, cookie_of(r), sess["csrf_token"])

        # A reload finds the session and the same token.
        again = b.request("GET", S)
        assert again.status == 200 and again.json["session"]["csrf_token"] == sess["csrf_token"], again
        me = b.request("GET", "/api/v2/users/me.json")
        assert me.status == 200 and me.json["user"]["id"] == uid, me

        # Writes by cookie need the token; a wrong one is the same 403.
        body = {"ticket": {"subject": "쿠키로", "comment": {"body": "본문"}}}
        for hdr in (False, "0" * 32):
            b2 = Browser(s, b.sid, hdr or None)
            no = b2.request("POST", "/api/v2/tickets.json", body, csrf=bool(hdr))
            assert no.status == 403 and "CSRF" in no.json["description"], no
        ok = b.request("POST", "/api/v2/tickets.json", body)
        assert ok.status == 201 and ok.json["ticket"]["requester_id"] == uid, ok
        # A session of another cookie is not this one's token.
        other = Browser(s, cookie_of(sign_in(s, "minji@example.kr")), sess["csrf_token"])
        assert other.request("POST", "/api/v2/tickets.json", body).status == 403

        # API tokens work as before, without any CSRF token.
        assert s.client().request("POST", "/api/v2/tickets.json", body).status == 201

        # Wrong passwords: 401 without a Basic challenge (no browser dialog),
        # then the login limit per address.
        bad = sign_in(s, "minji@example.kr", "wrong-password")
        assert bad.status == 401 and "www-authenticate" not in bad.headers, bad
        missing = s.client(auth=None).request("POST", S, {"session": {"email": "x@y.kr"}})
        assert missing.status == 422 and "session.password" in missing.raw.decode(), missing
        codes = [sign_in(s, "nobody@example.kr", "guess").status for _ in range(6)]
        assert codes[-1] == 429, codes

        # Sign-out needs the token too, then the cookie signs in no more.
        assert b.request("DELETE", S, csrf=False).status == 403
        out = b.request("DELETE", S)
        assert out.status == 204 and "Max-Age=0" in out.headers["set-cookie"], out
        assert b.request("GET", S).status == 401
        # An ended session is no credential: a public page still answers.
        hc = b.request("GET", "/api/v2/help_center/articles.json")
        assert hc.status == 200, hc


def test_secure_cookie_behind_https(ctx):
    env = {"HD_PUBLIC_URL": "https://desk.example.kr"}
    with Suite(ctx.bin_dir, env=env).start() as s:
        end_user(s, "secure@example.kr")
        r = sign_in(s, "secure@example.kr")
        assert r.status == 200, r
        assert "Secure" in [f.strip() for f in r.headers["set-cookie"].split(";")], r.headers


def test_idle_expiry_on_the_business_clock(ctx):
    with Suite(ctx.bin_dir, env={"HD_SESSION_IDLE_MINUTES": "30"}).start() as s:
        end_user(s, "idle@example.kr")
        r = sign_in(s, "idle@example.kr")
        b = Browser(s, cookie_of(r), r.json["session"]["csrf_token"])
        # Used every 20 minutes, it lives on past 30.
        for _ in range(3):
            s.advance_clock(20 * 60 * 1000)
            wait_until(lambda: b.request("GET", S).status == 200, what="session still alive")
        # Idle 31 minutes: gone (once the gateway's 2 s cache lets go).
        s.advance_clock(31 * 60 * 1000)
        wait_until(lambda: b.request("GET", S).status == 401, what="idle session ends")


def test_password_change_and_suspension_end_sessions(ctx):
    with Suite(ctx.bin_dir).start() as s:
        admin = s.client()
        uid, _ = end_user(s, "jiwoo@example.kr")
        b = Browser(s, cookie_of(sign_in(s, "jiwoo@example.kr")))
        assert b.request("GET", S).status == 200
        p = admin.request("PUT", f"/api/v2/users/{uid}/password.json", {"password": "New-pass-456"})
        assert p.status in (200, 204), p
        wait_until(lambda: b.request("GET", S).status == 401, what="session ends on password change")
        assert sign_in(s, "jiwoo@example.kr").status == 401
        fresh = sign_in(s, "jiwoo@example.kr", "New-pass-456")
        assert fresh.status == 200, fresh
        b = Browser(s, cookie_of(fresh))
        assert b.request("GET", S).status == 200
        r = admin.request("PUT", f"/api/v2/users/{uid}.json", {"user": {"suspended": True}})
        assert r.status == 200, r
        wait_until(lambda: b.request("GET", S).status == 401, what="session ends on suspension")
        # Lifting the suspension does not bring the old session back.
        admin.request("PUT", f"/api/v2/users/{uid}.json", {"user": {"suspended": False}})
        assert b.request("GET", S).status == 401


def reset_link(m):
    text = m.get_body(preferencelist=("plain",)).get_content()
    found = re.findall(r"https?://\S+/agent/#/password_reset/([0-9a-f-]+)", text)
    return found[0] if found else None


def test_password_reset_by_mail(ctx):
    from mail_sink import sink_for
    from test_notify import start, wait_for
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    with start() as s, sink_for(s) as sink:
        s.start()
        uid, _ = end_user(s, "forgot@example.kr")
        b = Browser(s, cookie_of(sign_in(s, "forgot@example.kr")))
        anon = s.client(auth=None)
        known = anon.request("POST", "/api/v2/hd/password_reset", {"email": "Forgot@example.kr"})
        unknown = anon.request("POST", "/api/v2/hd/password_reset", {"email": "ghost@example.kr"})
        assert known.status == unknown.status == 202, (known, unknown)
        assert known.json == unknown.json
        m = wait_for(lambda: sink.to("forgot@example.kr"), what="reset mail")[0]
        token = reset_link(m)
        assert token, m
        assert not sink.to("ghost@example.kr")
        R = f"/api/v2/hd/password_reset/{token}"
        # Tampered: nothing; too short a password: 400 and the link stays.
        bad = token[:-1] + ("0" if token[-1] != "0" else "1")
        assert anon.request("POST", f"/api/v2/hd/password_reset/{bad}",
                            {"password": "Another-789"}).status == 404
        short = anon.request("POST", R, {"password": "abc"})
        assert short.status in (400, 422) and "password" in short.raw.decode().lower(), short
        ok = anon.request("POST", R, {"password": "Reset-pass-789"})
        assert ok.status == 200 and ok.json["password_reset"]["user_id"] == uid, ok
        assert anon.request("POST", R, {"password": "Again-pass-000"}).status == 404  # once
        wait_until(lambda: b.request("GET", S).status == 401, what="reset ends sessions")
        assert sign_in(s, "forgot@example.kr").status == 401
        assert sign_in(s, "forgot@example.kr", "Reset-pass-789").status == 200


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def workspace_files(root):
    """What services/workspace holds (without tests/), as the build embeds it."""
    base = os.path.join(root, "services", "workspace")
    out = {}
    for d, dirs, names in os.walk(base):
        dirs[:] = [x for x in dirs if x not in ("tests", "node_modules") and not x.startswith(".")]
        for n in names:
            if not n.startswith("."):
                p = os.path.join(d, n)
                out[os.path.relpath(p, base).replace(os.sep, "/")] = open(p, "rb").read()
    return out


def test_workspace_is_served_with_strict_headers(ctx):
    import gzip
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with Suite(ctx.bin_dir).start() as s:
        c = s.client(auth=None)

        def page_headers(r):
            assert r.headers.get("content-security-policy") == CSP, r.headers
            assert r.headers.get("x-frame-options") == "DENY", r.headers
            assert r.headers.get("x-content-type-options") == "nosniff", r.headers
            assert r.headers.get("referrer-policy") == "same-origin", r.headers

        top = c.request("GET", "/")
        assert top.status in (301, 302) and top.headers["location"] == "/agent/", top
        bare = c.request("GET", "/agent")
        assert bare.status == 301 and bare.headers["location"] == "/agent/", bare
        index = c.request("GET", "/agent/")
        assert index.status == 200 and index.headers["content-type"].startswith("text/html"), index
        page_headers(index)
        assert index.headers["cache-control"] == "no-cache", index.headers
        etag = index.headers["etag"]
        # Client-side routes get index.html; a missing file is a 404.
        for route in ("/agent/tickets/12", "/agent/views/3/"):
            r = c.request("GET", route)
            assert r.status == 200 and r.raw == index.raw, (route, r)
        assert c.request("GET", "/agent/no-such-file.js").status == 404
        # 304 for the same ETag, with the page headers still on.
        same = c.request("GET", "/agent/", headers={"If-None-Match": etag})
        assert same.status == 304 and same.raw == b"", same
        page_headers(same)
        # A cookie does not make a file cost a directory call, nor fail.
        assert c.request("GET", "/agent/", headers={"Cookie": "hd_session=" + "a" * 64}).status == 200

        files = workspace_files(root)
        for path, data in files.items():
            if path == "index.html":
                continue
            r = c.request("GET", f"/agent/{path}")
            assert r.status == 200 and r.raw == data, path
            page_headers(r)
            assert r.headers["cache-control"] == "no-cache", (path, r.headers)
            tag = r.headers["etag"].strip('"')
            if path.endswith(".js"):
                assert r.headers["content-type"].startswith("text/javascript"), r.headers
            forever = c.request("GET", f"/agent/{path}?v={tag}")
            assert forever.headers["cache-control"] == "public, max-age=31536000, immutable", forever.headers
            stale = c.request("GET", f"/agent/{path}?v=0000")
            assert stale.headers["cache-control"] == "no-cache", stale.headers
            z = c.request("GET", f"/agent/{path}", headers={"Accept-Encoding": "gzip, deflate"})
            if z.headers.get("content-encoding") == "gzip":
                assert gzip.decompress(z.raw) == data and len(z.raw) < len(data), path
                assert "accept-encoding" in z.headers.get("vary", "").lower()
        # index.html names its scripts and styles by hash, so they can be kept.
        refs = re.findall(rb'(?:src|href)="([^"#:]+)\?v=([0-9a-f]+)"', index.raw)
        for ref, v in refs:
            r = c.request("GET", "/agent/" + ref.decode())
            assert r.headers["etag"].strip('"') == v.decode(), ref
        if any(p.endswith((".js", ".css")) for p in files):
            assert refs, index.raw[:400]
        # The API keeps its JSON answers without the page headers.
        api = s.client().request("GET", "/api/v2/users/me.json")
        assert api.status == 200 and "content-security-policy" not in api.headers
