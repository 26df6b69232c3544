"""The README's promise: scripts/run.sh (what `make run` calls) starts the
suite, prints where to connect, and the README's curl example works. Its
supervisor restarts crashed services only: a clean exit stays stopped, and a
refused configuration stops the suite with the service's message."""
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

from harness import free_port, scaled


class Output:
    """The supervisor's merged output, read on a thread so waits have
    deadlines."""

    def __init__(self, proc):
        self.lines, self.lock = [], threading.Lock()
        self.t = threading.Thread(target=self.read, args=(proc,), daemon=True)
        self.t.start()

    def read(self, proc):
        for line in proc.stdout:
            with self.lock:
                self.lines.append(line)

    def text(self):
        with self.lock:
            return "".join(self.lines)

    def wait_for(self, what, timeout=60):
        deadline = time.time() + scaled(timeout)
        while what not in self.text():
            assert time.time() < deadline, f"no {what!r} in:\n{self.text()[-3000:]}"
            time.sleep(0.05)


def start_run(ctx, tmp, port, **extra):
    env = dict(os.environ, HD_DATA=os.path.join(tmp, "var"), HD_HTTP_PORT=str(port))
    env.pop("HD_ADMIN_TOKEN", None)
    env.update(extra)
    return subprocess.Popen([os.path.join(ctx.root, "scripts", "run.sh"), ctx.bin_dir], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def service_pids(session, name):
    """Pids of hd-<name> processes in the run's session."""
    r = subprocess.run(["pgrep", "-s", str(session), "-x", f"hd-{name}"], capture_output=True, text=True)
    return [int(x) for x in r.stdout.split()]


def readme_example(root):
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        text = f.read()
    block = re.search(r"<!-- curl-example.*?```sh\n(.*?)```", text, re.S)
    assert block, "README lost its curl example"
    return block.group(1)


def test_make_run_prints_credentials_and_readme_example_works(ctx):
    tmp = tempfile.mkdtemp(prefix="hd-run-")
    port = free_port()
    proc = start_run(ctx, tmp, port)
    output = Output(proc)
    try:
        output.wait_for("Press Ctrl-C")
        out = output.text()
        assert f"http://127.0.0.1:{port}/api/v2" in out, out
        email = re.search(r"admin\s+(\S+@\S+)", out).group(1)
        token = re.search(r"API token\s+(\S+)", out).group(1)
        assert len(token) >= 32, out
        cred = os.path.join(tmp, "var", "admin-credentials")
        assert oct(os.stat(cred).st_mode & 0o777) == "0o600"
        # The workspace's address and a generated password that signs in.
        m = re.search(r"workspace\s+(http://127\.0\.0\.1:\d+/agent/)\s+\(sign in as (\S+), password (\S+)\)", out)
        assert m and m.group(2) == email, out
        assert f"password={m.group(3)}" in open(cred).read()
        sign_in = subprocess.run(
            ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json",
             "-d", json.dumps({"session": {"email": email, "password": m.group(3)}}),
             f"http://127.0.0.1:{port}/api/v2/hd/session"], capture_output=True, text=True, timeout=30)
        assert sign_in.stdout in ("200", "201"), sign_in
        script = readme_example(ctx.root).replace("8080", str(port))
        script = re.sub(r"^EMAIL=.*$", f"EMAIL={email} TOKEN={token}", script, flags=re.M)
        res = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr
        assert res.stdout.count('"id":256') == 2, res.stdout
        assert '"subject":"배송 문의"' in res.stdout, res.stdout
        assert '"converged"' in res.stdout, res.stdout
        # A service stopped on purpose (exit 0) stays stopped.
        pids = service_pids(proc.pid, "metrics")
        assert len(pids) == 1, pids
        os.kill(pids[0], signal.SIGTERM)
        output.wait_for("supervisor: metrics-0 exited cleanly (status 0); not restarting it")
        assert service_pids(proc.pid, "metrics") == [], output.text()
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=scaled(60))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError("make run did not stop on Ctrl-C")
        output.t.join(10)
        rest = output.text()
        assert "stopped." in rest, rest
        logs = ""
        for f in os.listdir(os.path.join(tmp, "var")):
            if f.endswith(".log"):
                logs += open(os.path.join(tmp, "var", f), errors="replace").read()
        subprocess.run(["rm", "-rf", tmp])
    assert "restarting in" not in rest, rest
    assert token not in logs, "the generated admin token is in a service log"
    assert not re.search(r"AddressSanitizer|runtime error:", logs), logs[-4000:]
    assert logs.count("event=service.stopped") == 6, logs[-3000:]


def test_make_run_stops_on_refused_configuration(ctx):
    """HD_RATE_LIMIT out of range: the gateway exits 78 (EX_CONFIG) and the
    suite stops with the gateway's message instead of restarting it."""
    tmp = tempfile.mkdtemp(prefix="hd-run-")
    proc = start_run(ctx, tmp, free_port(), HD_RATE_LIMIT="0")
    output = Output(proc)
    try:
        rc = proc.wait(timeout=scaled(90))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"run.sh kept going:\n{output.text()[-3000:]}")
    finally:
        output.t.join(10)
        subprocess.run(["rm", "-rf", tmp])
    out = output.text()
    assert rc == 78, (rc, out[-3000:])
    assert "gateway-0 refused its configuration" in out and "var=HD_RATE_LIMIT" in out, out[-3000:]
    assert "restarting in" not in out, out[-3000:]
    assert service_pids(proc.pid, "intake") == [], "services left running"
