"""Start the real Hana Desk binaries in a scratch directory and talk to them.

Every Suite gets its own data directory, ipc:// run directory and free TCP
ports, so suites never collide. Logs are scanned for sanitizer reports when a
suite closes: a memory error in any service fails the test that caused it.
"""
import base64
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time

SERVICES = ["intake", "routing", "knowledge", "notifications", "metrics", "gateway"]
ADMIN_EMAIL = "admin@example.com"
ADMIN_TOKEN = "test-token-0123456789abcdef"
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:")
# Every deadline the tests wait against is multiplied by HD_TEST_TIME_SCALE
# (default 1): on a slow or shared machine, HD_TEST_TIME_SCALE=3 gives every
# wait three times as long. Deadlines only bound how long a failing test
# takes to say so; a passing test waits for events, never for a guessed time.
TIME_SCALE = max(1.0, float(os.environ.get("HD_TEST_TIME_SCALE") or 1))


def scaled(seconds):
    """A deadline in seconds, stretched by HD_TEST_TIME_SCALE."""
    return seconds * TIME_SCALE


def wait_until(fn, timeout=30, what="condition", step=0.05, progress=None):
    """Poll fn until it returns something truthy and return that. Fails after
    timeout seconds (scaled). With progress (a function returning a
    comparable snapshot, e.g. a count), the deadline is counted from the last
    change of progress(): a slow machine that still moves never fails, a
    stuck one fails after timeout seconds without progress."""
    limit = scaled(timeout)
    deadline = time.time() + limit
    last, mark = None, progress() if progress else None
    while True:
        last = fn()
        if last:
            return last
        if progress:
            now = progress()
            if now != mark:
                mark, deadline = now, time.time() + limit
        if time.time() >= deadline:
            break
        time.sleep(step)
    what = what() if callable(what) else what
    stalled = f" (no progress for {limit:.0f}s; last progress {mark!r})" if progress else ""
    raise AssertionError(f"timed out after {limit:.0f}s waiting for {what}{stalled}: {last!r}")


_given = set()
_next = [20000 + (os.getpid() * 7919) % 10000]


def free_port():
    """A port below Linux's ephemeral range (32768+), so no outgoing client
    connection can take it between this check and the service's bind, and
    never the same one twice in this process."""
    for _ in range(12000):
        port = _next[0]
        _next[0] = 20000 + (_next[0] - 20000 + 1) % 12000
        if port in _given:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _given.add(port)
        return port
    raise AssertionError("no free port in 20000-31999")


def basic(email, token):
    raw = f"{email}/token:{token}".encode()
    return "Basic " + base64.b64encode(raw).decode()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"<{self.status} {self.raw[:300]!r}>"


class Client:
    """A keep-alive HTTP client for one thread."""

    def __init__(self, port, auth=None, timeout=30):
        self.port = port
        self.auth = auth
        self.timeout = scaled(timeout)
        self.conn = None

    def request(self, method, path, body=None, headers=None, auth="default"):
        hdrs = {"Content-Type": "application/json"}
        a = self.auth if auth == "default" else auth
        if a:
            hdrs["Authorization"] = a
        hdrs.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False).encode()
        elif isinstance(body, str):
            body = body.encode()
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return Response(r.status, r.getheaders(), data)
            except (ConnectionError, http.client.HTTPException, OSError):
                self.close()
                if attempt == 1 or method != "GET":
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn:
            self.conn.close()
        self.conn = None


def wait_exit(p, timeout):
    """p.wait(timeout), woken by the exit itself: Popen.wait with a timeout
    polls with sleeps that grow to 50 ms, about 30 ms lost per stopped
    service and six services per suite."""
    try:
        fd = os.pidfd_open(p.pid)
    except (AttributeError, OSError):  # already reaped, or no pidfd here
        return p.wait(timeout)
    try:
        if not select.select([fd], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired(p.args, timeout)
    finally:
        os.close(fd)
    return p.wait()


def thread_stacks(pid):
    """Every thread's stack of a hung process (gdb from Debian), for the
    failure message."""
    try:
        r = subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt 25"],
                           capture_output=True, text=True, timeout=60)
        return "\n".join(line for line in r.stdout.splitlines()
                         if line.startswith(("Thread", "#")))[-12000:]
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"(no stacks: {e!r})"


class Suite:
    def __init__(self, bin_dir, shards=1, env=None, services=None):
        self.bin_dir = os.path.abspath(bin_dir)
        self.dir = tempfile.mkdtemp(prefix="hd-it-")
        self.data = os.path.join(self.dir, "data")
        self.run = os.path.join(self.dir, "run")
        os.makedirs(self.run)
        # The business clock every service reads (common/clock.h): tests move
        # time with advance_clock() instead of sleeping.
        self.clock_file = os.path.join(self.dir, "clock")
        self.clock_offset_ms = 0
        self.shards = shards
        self.http_port = free_port()
        self.admin = {}
        self.procs = {}
        self.logs = {}
        # One cluster key for every process of the suite, also those a test
        # starts with another HD_DATA (a second gateway).
        os.makedirs(self.data)
        self.cluster_key = os.path.join(self.data, "cluster.key")
        fd = os.open(self.cluster_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, os.urandom(32).hex().encode() + b"\n")
        os.close(fd)
        self.env = dict(os.environ)
        self.env.update({
            "HD_CLUSTER_KEY_FILE": self.cluster_key,
            "HD_DATA": self.data, "HD_RUN": self.run, "HD_SHARDS": str(shards),
            "HD_HTTP_PORT": str(self.http_port), "HD_ADMIN_EMAIL": ADMIN_EMAIL,
            "HD_ADMIN_TOKEN": ADMIN_TOKEN, "HD_RPC_TIMEOUT_MS": "3000",
            "HD_RATE_LIMIT": "1000000",  # load tests; test_users sets a small one
            # tests send wrong credentials on purpose; test_security_edge
            # sets small sign-in limits
            "HD_LOGIN_ADDR_LIMIT": "1000000", "HD_LOGIN_ACCOUNT_LIMIT": "1000000",
            "HD_LOG_LEVEL": "info",
            "HD_CLOCK_FILE": self.clock_file,
            # Webhook and chat receivers in tests listen on 127.0.0.1, which
            # notifications refuses unless allowed (SSRF defence);
            # test_outbound_policy checks the refusal with this unset.
            "HD_OUTBOUND_ALLOW": "127.0.0.0/8",
            "ASAN_OPTIONS": "abort_on_error=0:detect_leaks=1",
            "LSAN_OPTIONS": "suppressions=" + os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                           "..", "lsan.supp"),
            "UBSAN_OPTIONS": "print_stacktrace=1",
        })
        self.services = services or SERVICES
        # The gateway's /readyz needs only the peers this suite runs.
        self.env["HD_READY_PEERS"] = ",".join(n for n in self.services if n != "gateway")
        self.env.update(env or {})
        self.auth = basic(ADMIN_EMAIL, ADMIN_TOKEN)

    # ---- test clock ----
    def set_clock_offset(self, ms):
        """Move every service's business clock to real time + ms."""
        tmp = self.clock_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{int(ms)}\n")
        os.replace(tmp, self.clock_file)
        self.clock_offset_ms = int(ms)

    def advance_clock(self, ms):
        self.set_clock_offset(self.clock_offset_ms + ms)

    def now_ms(self):
        """The suite's business time, as the services see it."""
        return int(time.time() * 1000) + self.clock_offset_ms

    # ---- processes ----
    def key(self, name, shard=0):
        return f"{name}-{shard}"

    def start(self):
        for s in range(self.shards):
            if "intake" in self.services:
                self.start_service("intake", s)
        for name in self.services:
            if name != "intake":
                self.start_service(name)
        try:
            for k in list(self.procs):
                self.wait_ready(*k.rsplit("-", 1))
        except BaseException:
            # Never leave services running behind a failed start.
            for p in self.procs.values():
                if p.poll() is None:
                    p.kill()
                    p.wait()
            raise
        return self

    def start_service(self, name, shard=0, extra_env=None):
        k = self.key(name, shard)
        if k not in self.admin:
            self.admin[k] = free_port()
        env = dict(self.env)
        env.update({"HD_SHARD": str(shard), "HD_ADMIN_PORT": str(self.admin[k])})
        env.update(extra_env or {})
        log = open(os.path.join(self.dir, f"{k}.log"), "ab")
        self.logs[k] = log.name
        self.procs[k] = subprocess.Popen([os.path.join(self.bin_dir, f"hd-{name}")],
                                         env=env, stdout=log, stderr=log)
        log.close()
        return self.procs[k]

    def wait_ready(self, name, shard=0, timeout=30):
        k = self.key(name, int(shard))
        timeout = scaled(timeout)
        deadline = time.time() + timeout
        while time.time() < deadline:
            p = self.procs[k]
            if p.poll() is not None:
                raise AssertionError(f"{k} exited with {p.returncode}:\n{self.log_tail(k)}")
            try:
                if self.admin_get(k, "/readyz")[0] == 200:
                    # A restarted peer is usable once the gateway has
                    # reconnected to it (it answers 503 at once until then).
                    if name != "gateway":
                        self.wait_gateway_sees(name, int(shard))
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"{k} not ready in {timeout}s:\n{self.log_tail(k)}")

    def signal(self, name, sig, shard=0):
        self.procs[self.key(name, shard)].send_signal(sig)

    def kill(self, name, shard=0):
        p = self.procs[self.key(name, shard)]
        p.send_signal(signal.SIGKILL)
        wait_exit(p, 10)

    def restart(self, name, shard=0):
        self.start_service(name, shard)
        self.wait_ready(name, shard)

    def gateway_ready(self):
        """The gateway's /readyz: (status, body)."""
        return self.admin_get(self.key("gateway"), "/readyz")

    def wait_gateway_sees(self, name, shard=0, timeout=20):
        """Wait until the gateway no longer counts name's shard as down (it
        answers 503 at once for a peer it knows down, until it reconnects)."""
        k = self.key("gateway")
        if k not in self.procs or self.procs[k].poll() is not None:
            return
        peer = f"{name}-{shard}" if name == "intake" else name
        timeout = scaled(timeout)
        deadline = time.time() + timeout
        body = ""
        while time.time() < deadline:
            status, body = self.gateway_ready()
            if status == 200 or f"{peer} unreachable" not in body:
                return
            time.sleep(0.05)
        # What the gateway said about the peer, and the peer's own last lines.
        raise AssertionError(f"the gateway still finds {peer} down after {timeout:.0f}s: {body}"
                             f"\n--- gateway on {peer} ---\n{self.log_grep(k, 'peer=' + name, 20)}"
                             f"\n--- {self.key(name, shard)} ---\n{self.log_tail(self.key(name, shard), 20)}")

    def stop_service(self, name, shard=0, timeout=20):
        """SIGTERM and wait; returns the exit status. Every service exits
        within its own shutdown deadline (HD_STOP_TIMEOUT_MS, 10 s by
        default), so waiting longer than timeout means it ignored SIGTERM."""
        timeout = scaled(timeout)
        p = self.procs[self.key(name, shard)]
        if p.poll() is None:
            p.send_signal(signal.SIGCONT)
            p.send_signal(signal.SIGTERM)
            try:
                wait_exit(p, timeout)
            except subprocess.TimeoutExpired:
                stacks = thread_stacks(p.pid)
                p.kill()
                p.wait()
                raise AssertionError(f"{name}-{shard} ignored SIGTERM for {timeout}s; "
                                     f"threads:\n{stacks}")
        return p.returncode

    def log_tail(self, k, n=40):
        try:
            with open(self.logs[k], errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def log_grep(self, k, needle, n=20):
        """The last n lines of k's log that contain needle."""
        try:
            with open(self.logs[k], errors="replace") as f:
                return "".join([line for line in f if needle in line][-n:])
        except OSError:
            return ""

    def stop_deadline_notes(self):
        """Services that reached their shutdown deadline (they still exit 0,
        see common/svc.c): not a failure, but worth seeing in the output."""
        notes = []
        for k, path in self.logs.items():
            with open(path, errors="replace") as f:
                n = sum(1 for line in f if "event=service.stop_deadline" in line
                        or "event=bus.stop_deadline" in line)
            if n:
                notes.append(f"note: {k} reached its stop deadline {n}x")
        return notes

    def sanitizer_reports(self):
        found = []
        for k, path in self.logs.items():
            with open(path, errors="replace") as f:
                text = f.read()
            if SANITIZER.search(text):
                found.append(f"--- {k} ---\n{text[-6000:]}")
        return found

    def close(self, check=True):
        """Stop everything (gateway first); fail on unclean exits or sanitizer reports."""
        problems = []
        order = ["gateway", "routing", "knowledge", "notifications", "metrics", "intake"]
        for name in order:
            for k in [k for k in self.procs if k.rsplit("-", 1)[0] == name]:
                try:
                    rc = self.stop_service(*k.rsplit("-", 1))
                    if rc not in (0, -9) and check:
                        problems.append(f"{k} exited with {rc}:\n{self.log_tail(k)}")
                except AssertionError as e:
                    problems.append(str(e))
        problems += self.sanitizer_reports() if check else []
        for note in self.stop_deadline_notes():
            print(note, flush=True)
        if os.environ.get("HD_KEEP") is None:
            shutil.rmtree(self.dir, ignore_errors=True)
        if problems:
            raise AssertionError("\n".join(problems))

    # ---- HTTP ----
    def client(self, auth="default"):
        return Client(self.http_port, self.auth if auth == "default" else auth)

    def admin_get(self, k, path):
        c = http.client.HTTPConnection("127.0.0.1", self.admin[k], timeout=scaled(10))
        try:
            c.request("GET", path)
            r = c.getresponse()
            return r.status, r.read().decode()
        finally:
            c.close()

    def metric(self, k, name):
        status, text = self.admin_get(k, "/metrics")
        assert status == 200, status
        for line in text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
        return None

    def bus(self):
        r = self.client().request("GET", "/api/v2/hd/bus")
        assert r.status == 200, r
        return r.json["bus"]

    def wait_converged(self, timeout=60):
        timeout = scaled(timeout)
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.bus()
            if last["converged"]:
                return last
            time.sleep(0.2)
        # Name the lagging consumers and show their own last log lines: a
        # stall that only a busy machine produces must be diagnosable from
        # the failure alone.
        tails = ""
        for c in (last or {}).get("consumers", []):
            if any(cur.get("lag") or cur.get("failed") for cur in c.get("cursors", [])):
                k = f"{c['service']}-{c.get('shard', 0)}"
                tails += f"\n--- {k} (lagging): its bus events ---\n{self.log_grep(k, 'event=bus.', 20)}"
                tails += f"\n--- {k}: last lines ---\n{self.log_tail(k, 30)}"
        raise AssertionError(f"bus did not converge in {timeout}s: {json.dumps(last)}{tails}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        # On a test failure still stop everything, but report the original error.
        self.close(check=exc[0] is None)


def create_ticket(client, subject="Help", body="Please help", **extra):
    t = {"subject": subject, "comment": {"body": body}}
    t.update(extra)
    return client.request("POST", "/api/v2/tickets.json", {"ticket": t})


def make_user(client, name, email, role="end-user", password=None, **extra):
    """Create a user (fields beyond name, email and role in extra), with a
    password when given; returns the user as the API answered it."""
    r = client.request("POST", "/api/v2/users.json", {"user": dict(name=name, email=email, role=role, **extra)})
    assert r.status == 201, r
    u = r.json["user"]
    if password:
        p = client.request("POST", f"/api/v2/users/{u['id']}/password", {"password": password})
        assert p.status == 200, p
    return u


def password_user(s, email, name=None, role="end-user", password="Secret-pass-123"):
    """A user with a password, made through the users endpoints (named by
    the address's local part unless name is given); returns (id, a client
    signing in as it with the password)."""
    c = s.client()
    r = c.request("POST", "/api/v2/users.json",
                  {"user": {"name": name or email.split("@")[0], "email": email, "role": role}})
    assert r.status == 201, r
    uid = r.json["user"]["id"]
    p = c.request("PUT", f"/api/v2/users/{uid}/password.json", {"password": password})
    assert p.status in (200, 204), p
    raw = base64.b64encode(f"{email}:{password}".encode()).decode()
    return uid, s.client(auth="Basic " + raw)
