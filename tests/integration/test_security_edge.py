"""The HTTP edge against hostile clients (issue 13 holes 4, 5, 10, 14) and
its operability (issue 19: '//' paths, the access log). Every check here
failed before the edge decided on the headers, limited sign-ins, bounded
slow clients and stopped believing the Host header."""
import base64
import http.client
import json
import os
import re
import socket
import statistics
import threading
import time

from harness import ADMIN_EMAIL, Suite, make_user

PEOPLE = ["intake", "gateway"]
MIB = 1 << 20


def password_auth(email, password):
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


def connect(port, source="127.0.0.1", timeout=30):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def raw_request(method, path, headers, body=b""):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_head(s, deadline_s=30):
    """Bytes up to the end of the first response head (or what came before
    the peer closed)."""
    data = b""
    end = time.time() + deadline_s
    while b"\r\n\r\n" not in data and time.time() < end:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data


def status_of(head):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return int(m.group(1)) if m else None


def request_from(port, source, method, path, auth=None, headers=None, body=None):
    """One request over a fresh connection from a chosen source address."""
    h = {"Connection": "close"}
    if auth:
        h["Authorization"] = auth
    if body is not None:
        body = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
        h["Content-Length"] = str(len(body))
    h.update(headers or {})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, (json.loads(data) if data else None)
    finally:
        conn.close()


def rss_anon_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    raise AssertionError("no RssAnon")


# ---- hole 4: the body is read only after the headers passed ----

def test_refused_on_headers_before_the_body(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        # 25 MiB of mail declared, no credentials, body held back: the 401
        # comes without waiting for a byte of it.
        c = connect(s.http_port)
        c.sendall(raw_request("POST", "/api/v2/hd/channels/email",
                              {"Content-Type": "message/rfc822", "Content-Length": str(25 * MIB)}, b"From: x"))
        head = read_head(c, 20)
        assert status_of(head) == 401, head
        c.close()
        # Expect: 100-continue is answered with the refusal, never "100".
        for path, declared in [("/api/v2/uploads.json?filename=a.bin", 9 * MIB),
                               ("/api/v2/tickets.json", 100)]:
            c = connect(s.http_port)
            c.sendall(raw_request("POST", path, {"Content-Length": str(declared),
                                                 "Expect": "100-continue"}))
            head = read_head(c, 20)
            assert status_of(head) == 401, (path, head)
            c.close()
        # Over the size limit with valid credentials: 413 on the headers.
        c = connect(s.http_port)
        c.sendall(raw_request("POST", "/api/v2/uploads.json?filename=a.bin",
                              {"Authorization": s.auth, "Content-Length": str(11 * MIB),
                               "Expect": "100-continue"}))
        head = read_head(c, 20)
        assert status_of(head) == 413, head
        c.close()
        # A caller who may send gets "100 Continue", then its answer.
        c = connect(s.http_port)
        body = b"hello upload"
        c.sendall(raw_request("POST", "/api/v2/uploads.json?filename=a.txt",
                              {"Authorization": s.auth, "Content-Type": "text/plain",
                               "Content-Length": str(len(body)), "Expect": "100-continue"}))
        head = read_head(c, 20)
        assert status_of(head) == 100, head
        c.sendall(body)
        head = read_head(c, 20)
        assert status_of(head) == 201, head
        c.close()


def test_unauthenticated_bodies_cost_no_memory(ctx):
    """50 connections each declaring a 25 MiB body without credentials:
    the gateway stays under 64 MB of anonymous memory. Each sends what
    the socket takes (up to 1 MiB) and holds the rest back."""
    with Suite(ctx.bin_dir, services=PEOPLE, env={"HD_HTTP_PER_IP_CONNS": "256"}).start() as s:
        pid = s.procs["gateway-0"].pid
        before = rss_anon_kb(pid)
        conns, answered = [], 0
        chunk = b"x" * 65536
        for _ in range(50):
            c = connect(s.http_port)
            c.sendall(raw_request("POST", "/api/v2/hd/channels/email",
                                  {"Content-Type": "message/rfc822", "Content-Length": str(25 * MIB)}))
            c.setblocking(False)
            sent = 0
            while sent < MIB:
                try:
                    sent += c.send(chunk)
                except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                    break
            conns.append(c)
        for c in conns:
            c.setblocking(True)
            c.settimeout(30)
            if status_of(read_head(c, 30)) == 401:
                answered += 1
        after = rss_anon_kb(pid)
        print(f"gateway RssAnon before={before} kB after 50 x 25 MiB declared={after} kB")
        for c in conns:
            c.close()
        assert answered == 50, answered
        assert after < 64 * 1024, f"RssAnon {after} kB"


# ---- hole 10: slow clients ----

def test_trickled_headers_are_cut_off(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE, env={"HD_HTTP_TIMEOUT_S": "2"}).start() as s:
        c = connect(s.http_port, timeout=1)
        c.sendall(b"GET /api/v2/users/me.json HTTP/1.1\r\nHost: x\r\n")
        t0 = time.time()
        closed = False
        # One header line every 0.5 s (each well inside an idle timeout):
        # the connection must still be closed once the deadline passed.
        while time.time() - t0 < 30 and not closed:
            try:
                c.sendall(b"X-Slow: 1\r\n")
                closed = c.recv(1024) == b""
            except socket.timeout:
                pass
            except (BrokenPipeError, ConnectionResetError):
                closed = True
        waited = time.time() - t0
        c.close()
        assert closed, "a trickling client was kept for 30 s"
        assert waited < 25, waited
        # A body that stalls halfway is cut off after the timeout too.
        c = connect(s.http_port, timeout=30)
        c.sendall(raw_request("POST", "/api/v2/tickets.json",
                              {"Authorization": s.auth, "Content-Type": "application/json",
                               "Content-Length": "100"}, b'{"ticket":'))
        t0 = time.time()
        try:
            got = c.recv(1024)
        except socket.timeout:
            got = None
        except ConnectionResetError:
            got = b""
        c.close()
        assert got == b"" and time.time() - t0 < 25, (got, time.time() - t0)
        # A normal request is unaffected.
        assert s.client().request("GET", "/api/v2/users/me.json").status == 200


def test_connections_capped_per_address(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE, env={"HD_HTTP_PER_IP_CONNS": "4"}).start() as s:
        held = [connect(s.http_port) for _ in range(4)]
        # Each held connection is answered once (kept alive), so the gateway
        # has taken all four before the fifth comes: on a busy machine it
        # could otherwise take the fifth first and refuse one of these.
        for h in held:
            h.sendall(raw_request("GET", "/api/v2/users/me.json", {"Authorization": s.auth}))
            assert status_of(read_head(h, 20)) == 200
        # The fifth from the same address is refused...
        c = connect(s.http_port, timeout=20)
        try:
            c.sendall(raw_request("GET", "/api/v2/users/me.json", {"Authorization": s.auth}))
            head = read_head(c, 20)
        except (BrokenPipeError, ConnectionResetError):
            head = b""
        c.close()
        assert status_of(head) is None, head
        # ...while another address is still served.
        st, _, body = request_from(s.http_port, "127.0.0.2", "GET", "/api/v2/users/me.json", auth=s.auth)
        assert st == 200 and body["user"]["email"] == ADMIN_EMAIL, (st, body)
        for h in held:
            h.close()
        # Once they are gone the first address is served again.
        deadline = time.time() + 30
        while True:
            try:
                st, _, _ = request_from(s.http_port, "127.0.0.1", "GET", "/api/v2/users/me.json", auth=s.auth)
                if st == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline, "127.0.0.1 never served again"
            time.sleep(0.1)


# ---- hole 14: Host and forwarded headers ----

HOSTILE = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}


def urls_of(status, headers, body):
    found = [headers.get("location", "")]
    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if isinstance(x, str) and (k.endswith("url") or k in ("next_page", "previous_page", "next", "prev")):
                    found.append(x)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(body)
    return [u for u in found if u]


def test_hostile_host_header_is_not_reflected(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE, env={"HD_TRUSTED_PROXIES": "127.0.0.2/32"}).start() as s:
        own = f"http://127.0.0.1:{s.http_port}/"
        make_user(s.client(), "One", "one@x.example")
        st, h, body = request_from(s.http_port, "127.0.0.1", "POST", "/api/v2/users.json", auth=s.auth,
                                   headers=HOSTILE, body={"user": {"name": "Two", "email": "two@x.example"}})
        assert st == 201, (st, body)
        st2, h2, body2 = request_from(s.http_port, "127.0.0.1", "GET", "/api/v2/users.json?per_page=1",
                                      auth=s.auth, headers=HOSTILE)
        assert st2 == 200 and body2["next_page"], body2
        urls = urls_of(st, h, body) + urls_of(st2, h2, body2)
        assert len(urls) >= 4, urls
        for u in urls:
            assert u.startswith(own), (u, urls)
        # From the trusted proxy the forwarded host and scheme are used.
        st, h, body = request_from(s.http_port, "127.0.0.2", "GET", "/api/v2/users.json?per_page=1",
                                   auth=s.auth, headers={"X-Forwarded-Host": "desk.proxy.test",
                                                         "X-Forwarded-Proto": "https"})
        assert st == 200 and body["next_page"].startswith("https://desk.proxy.test/api/v2/users"), body
        # The client address is the proxy's last X-Forwarded-For hop, and
        # only from the proxy.
        for src, want in [("127.0.0.2", "198.51.100.7"), ("127.0.0.1", "127.0.0.1")]:
            trace = os.urandom(16).hex()
            request_from(s.http_port, src, "GET", "/api/v2/users/me.json", auth=s.auth,
                         headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Request-Id": trace})
            line = wait_log_line(s, f"trace={trace} ")
            assert f"client={want}" in line, (src, line)


def test_public_url_is_used_for_every_link(ctx):
    public = "https://desk.example.test"
    with Suite(ctx.bin_dir, services=PEOPLE, env={"HD_PUBLIC_URL": public + "/"}).start() as s:
        make_user(s.client(), "One", "one@x.example")
        st, h, body = request_from(s.http_port, "127.0.0.1", "POST", "/api/v2/users.json", auth=s.auth,
                                   headers=HOSTILE, body={"user": {"name": "Two", "email": "two@x.example"}})
        assert st == 201, body
        st2, h2, body2 = request_from(s.http_port, "127.0.0.1", "GET", "/api/v2/users.json?per_page=1",
                                      auth=s.auth, headers=HOSTILE)
        st3, h3, body3 = request_from(s.http_port, "127.0.0.1", "GET", "/api/v2/users.json?page[size]=1",
                                      auth=s.auth, headers=HOSTILE)
        assert st2 == 200 and st3 == 200, (body2, body3)
        urls = urls_of(st, h, body) + urls_of(st2, h2, body2) + urls_of(st3, h3, body3)
        assert h["location"].startswith(public + "/api/v2/users/"), h
        assert body2["next_page"] and body3["links"]["next"], (body2, body3)
        for u in urls:
            assert u.startswith(public + "/api/v2/"), (u, urls)


# ---- hole 5: sign-in guessing ----

def test_failed_logins_limited_per_address_and_account(ctx):
    env = {"HD_LOGIN_ADDR_LIMIT": "5", "HD_LOGIN_ACCOUNT_LIMIT": "3", "HD_LOGIN_WINDOW_S": "300"}
    with Suite(ctx.bin_dir, services=PEOPLE, env=env).start() as s:
        make_user(s.client(), "Pat", "pat@x.example", password="right-pass")
        port = s.http_port
        # One address guessing (each guess at another account, so only the
        # address limit is in play): five failures, then 429 + Retry-After,
        # on /users/me too, even with the right password.
        for i in range(5):
            st, _, _ = request_from(port, "127.0.0.2", "GET", "/api/v2/tickets.json",
                                    auth=password_auth(f"nobody{i}@x.example", "guess"))
            assert st == 401, (i, st)
        st, h, body = request_from(port, "127.0.0.2", "GET", "/api/v2/users/me.json",
                                   auth=password_auth("pat@x.example", "guess"))
        assert st == 429 and 0 < int(h["retry-after"]) <= 300, (st, h, body)
        st, h, _ = request_from(port, "127.0.0.2", "GET", "/api/v2/users/me.json",
                                auth=password_auth("pat@x.example", "right-pass"))
        assert st == 429, st
        # The real user elsewhere is not locked out.
        st, _, body = request_from(port, "127.0.0.1", "GET", "/api/v2/users/me.json",
                                   auth=password_auth("pat@x.example", "right-pass"))
        assert st == 200 and body["user"]["email"] == "pat@x.example", (st, body)
        # Guesses at one account from many addresses: the account's bucket
        # (3) runs dry, so a new address is slowed down...
        for src in ["127.0.0.3", "127.0.0.4", "127.0.0.5"]:
            st, _, _ = request_from(port, src, "GET", "/api/v2/tickets.json",
                                    auth=password_auth("pat@x.example", "guess"))
            assert st == 401, (src, st)
        st, h, _ = request_from(port, "127.0.0.6", "GET", "/api/v2/tickets.json",
                                auth=password_auth("pat@x.example", "guess"))
        assert st == 429 and int(h["retry-after"]) >= 1, (st, h)
        # ...but the address Pat signed in from before still works.
        st, _, body = request_from(port, "127.0.0.1", "GET", "/api/v2/users/me.json",
                                   auth=password_auth("pat@x.example", "right-pass"))
        assert st == 200 and body["user"]["email"] == "pat@x.example", (st, body)


def test_users_me_is_inside_the_rate_limit(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE, env={"HD_RATE_LIMIT": "3"}).start() as s:
        c = s.client()
        got = [c.request("GET", "/api/v2/users/me.json") for _ in range(4)]
        assert [r.status for r in got] == [200, 200, 200, 429], got
        assert int(got[3].headers["retry-after"]) >= 1, got[3].headers


def test_wrong_password_costs_the_same_for_every_account(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        make_user(c, "Has", "has@x.example", password="right-pass")
        make_user(c, "None", "none@x.example")

        def once(email):
            t0 = time.perf_counter()
            st, _, _ = request_from(s.http_port, "127.0.0.1", "GET", "/api/v2/tickets.json",
                                    auth=password_auth(email, "wrong-guess"))
            assert st == 401, st
            return time.perf_counter() - t0

        once("warm@x.example")  # the dummy hash is made on first use
        # Interleaved, so a busy machine slows all three alike.
        kinds = {"has@x.example": [], "ghost@x.example": [], "none@x.example": []}
        for _ in range(7):
            for email, times in kinds.items():
                times.append(once(email))
        with_pw, unknown, no_pw = (statistics.median(t) for t in kinds.values())
        print(f"wrong password median: with password {with_pw:.3f}s, unknown {unknown:.3f}s, "
              f"no password {no_pw:.3f}s")
        for other in (unknown, no_pw):
            ratio = other / with_pw
            assert 0.5 < ratio < 2.0, (with_pw, unknown, no_pw)


def test_parallel_guessing_cannot_exhaust_intake(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE, env={"HD_PW_WORKERS": "2", "HD_PW_QUEUE": "4"}).start() as s:
        make_user(s.client(), "Pat", "pat@x.example", password="right-pass")
        pid = s.procs["intake-0"].pid
        base = rss_anon_kb(pid)
        peak = [base]
        statuses = []
        lock = threading.Lock()

        def guess(i):
            st, _, _ = request_from(s.http_port, "127.0.0.1", "GET", "/api/v2/tickets.json",
                                    auth=password_auth("pat@x.example", f"guess-{i}"))
            with lock:
                statuses.append(st)

        ts = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
        for t in ts:
            t.start()
        while any(t.is_alive() for t in ts):
            peak[0] = max(peak[0], rss_anon_kb(pid))
            time.sleep(0.01)
        for t in ts:
            t.join()
        grew_mb = (peak[0] - base) / 1024
        print(f"intake RssAnon {base} kB, peak while 40 guess at once {peak[0]} kB (+{grew_mb:.0f} MB); "
              f"answers {sorted(set(statuses))}")
        assert set(statuses) <= {401, 503}, statuses
        assert statuses.count(401) >= 2, statuses
        # argon2id takes 19 MiB a hash: two workers ~40 MB, while 40 at
        # once would take 760 MB (before the pool: +116 MB seen even on a
        # busy machine).
        assert grew_mb < 70, grew_mb
        # Other users are still served.
        assert s.client().request("GET", "/api/v2/users/me.json").status == 200


# ---- issue 19: '//' and the access log ----

def test_double_slash_paths_are_normalised(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        make_user(c, "One", "one@x.example")
        for path in ["/api/v2//users.json", "//api/v2/users/me.json", "/api/v2//users//me"]:
            r = c.request("GET", path)
            assert r.status == 200, (path, r)
        r = c.request("GET", "/api/v2//users.json?per_page=1")
        assert r.status == 200 and "//" not in r.json["next_page"].split("://", 1)[1], r


def test_access_log_line_per_request(ctx):
    with Suite(ctx.bin_dir, services=PEOPLE).start() as s:
        c = s.client()
        me = c.request("GET", "/api/v2/users/me.json").json["user"]
        trace = os.urandom(16).hex()
        r = c.request("GET", f"/api/v2/users/{me['id']}.json", headers={"X-Request-Id": trace})
        assert r.status == 200, r
        line = wait_log_line(s, f"trace={trace} ")
        assert "event=http.access" in line and "level=info" in line, line
        assert "method=GET" in line and "route=/api/v2/users/{id} " in line, line
        assert "status=200" in line and f"user={me['id']} " in line, line
        assert re.search(r" ms=\d+\.\d ", line) and f"bytes={len(r.raw)} " in line, line
        assert str(me["id"]) + ".json" not in line, line  # the template, not the path
        # Unmatched paths are logged without their raw path.
        trace = os.urandom(16).hex()
        c.request("GET", "/api/v2/no/such/thing/secret-token", headers={"X-Request-Id": trace})
        line = wait_log_line(s, f"trace={trace} ")
        assert "route=unmatched" in line and "status=404" in line and "secret-token" not in line, line
        # A 503 says why.
        s.stop_service("intake")
        trace = os.urandom(16).hex()
        st, _, _ = request_from(s.http_port, "127.0.0.1", "GET", "/api/v2/tickets.json",
                                auth=password_auth("who@x.example", "pw"), headers={"X-Request-Id": trace})
        assert st == 503, st
        line = wait_log_line(s, f"trace={trace} ")
        assert "status=503" in line and re.search(r'reason="[^"]+"', line), line


def wait_log_line(s, needle, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(s.logs["gateway-0"], errors="replace") as f:
            for line in f:
                if needle in line and "event=http.access" in line:
                    return line
        time.sleep(0.05)
    raise AssertionError(f"no access log line with {needle!r}:\n{s.log_tail('gateway-0')}")
