"""A browser without script for the customers' pages (/hc/{locale}/…): it
keeps cookies, reads the CSRF token each page's forms carry, and posts forms
urlencoded or multipart as a browser would. Used by test_portal.py."""
import os
import re
from urllib.parse import urlencode

from harness import Suite
from html_tidy import tidy_errors  # noqa: F401 (test_portal imports it from here)
from mail_sink import Sink

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]{32})"')
TOKEN_QUERY = re.compile(r'csrf_token=([0-9a-f]{32})')
LINK = re.compile(r"(https?://[^\s\"<>]+/hc/(ko|en)/signin/[0-9a-f-]+)")


class Page:
    def __init__(self, r):
        self.r = r
        self.status = r.status
        self.html = r.raw.decode("utf-8", "replace")
        self.location = r.headers.get("location", "")

    def token(self):
        m = TOKEN_FIELD.search(self.html)
        assert m, self.html[:2000]
        return m.group(1)

    def __repr__(self):
        return f"<{self.status} {self.location or self.html[:400]!r}>"


class HcBrowser:
    def __init__(self, s):
        self.c = s.client(auth=None)
        self.cookies = {}

    def _headers(self, extra=None):
        h = {}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        h.update(extra or {})
        return h

    def _keep(self, r):
        sc = r.headers.get("set-cookie")
        if sc:
            name, value = sc.split(";", 1)[0].split("=", 1)
            if "Max-Age=0" in sc:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Page(r)

    def get(self, path, headers=None):
        return self._keep(self.c.request("GET", path, headers=self._headers(headers)))

    def post(self, path, fields, headers=None):
        """urlencoded: fields is a list of (name, value) or a dict."""
        body = urlencode(fields)
        h = self._headers({"Content-Type": "application/x-www-form-urlencoded"})
        h.update(headers or {})
        return self._keep(self.c.request("POST", path, body, headers=h))

    def post_multipart(self, path, fields, files=()):
        """fields: (name, value) pairs; files: (name, filename, bytes, type)."""
        boundary = "----hdportal" + os.urandom(8).hex()
        out = []
        for name, value in fields:
            out.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n".encode())
            out.append(str(value).encode() + b"\r\n")
        for name, filename, data, ctype in files:
            out.append((f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                        f"filename=\"{filename}\"\r\nContent-Type: {ctype}\r\n\r\n").encode())
            out.append(data + b"\r\n")
        out.append(f"--{boundary}--\r\n".encode())
        h = self._headers({"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return self._keep(self.c.request("POST", path, b"".join(out), headers=h))

    def signed_in(self):
        return "hd_session" in self.cookies


def form_action_token(page):
    """The CSRF token a multipart form carries in its action's query."""
    m = TOKEN_QUERY.search(page.html)
    assert m, page.html[:2000]
    return m.group(1)


class MailSink(Sink):
    """The SMTP sink (mail_sink.py) with the sign-in links it took."""

    def links(self, addr):
        """Every sign-in link mailed to addr, oldest first."""
        found = []
        for m in self.to(addr):
            text = m.get_body(("plain",)).get_content()
            found += [x[0] for x in LINK.findall(text)]
        return found


def portal_suite(ctx, env=None, mail=True):
    """A whole suite with HD_PUBLIC_URL at its gateway and, with mail, the
    SMTP sink. Returns (suite, sink or None); start it with s.start()."""
    s = Suite(ctx.bin_dir, env=env)
    s.env["HD_PUBLIC_URL"] = f"http://127.0.0.1:{s.http_port}"
    sink = None
    if mail:
        sink = MailSink(s.dir)
        s.env["HD_SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}"
    return s, sink


def user(c, name, email, role="end-user", password=None, **extra):
    u = {"name": name, "email": email, "role": role}
    u.update(extra)
    r = c.request("POST", "/api/v2/users", {"user": u})
    assert r.status == 201, r
    uid = r.json["user"]["id"]
    if password:
        p = c.request("PUT", f"/api/v2/users/{uid}/password", {"password": password})
        assert p.status in (200, 204), p
    return uid


def sign_in(s, email, password, locale="ko"):
    b = HcBrowser(s)
    page = b.get(f"/hc/{locale}/signin")
    assert page.status == 200, page
    r = b.post(f"/hc/{locale}/signin", {"email": email, "password": password, "csrf_token": page.token()})
    assert r.status == 303 and r.location.endswith(f"/hc/{locale}/requests"), r
    assert b.signed_in()
    return b
