"""The README's promise: scripts/run.sh (what `make run` calls) starts the
suite, prints where to connect, and the README's curl example works."""
import os
import re
import signal
import subprocess
import tempfile
import time

from harness import free_port


def readme_example(root):
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        text = f.read()
    block = re.search(r"<!-- curl-example.*?```sh\n(.*?)```", text, re.S)
    assert block, "README lost its curl example"
    return block.group(1)


def test_make_run_prints_credentials_and_readme_example_works(ctx):
    tmp = tempfile.mkdtemp(prefix="hd-run-")
    port = free_port()
    env = dict(os.environ, HD_DATA=os.path.join(tmp, "var"), HD_HTTP_PORT=str(port))
    env.pop("HD_ADMIN_TOKEN", None)
    proc = subprocess.Popen([os.path.join(ctx.root, "scripts", "run.sh"), ctx.bin_dir], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out = ""
        deadline = time.time() + 60
        while "Press Ctrl-C" not in out and time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            out += line
        assert f"http://127.0.0.1:{port}/api/v2" in out, out
        email = re.search(r"admin\s+(\S+@\S+)", out).group(1)
        token = re.search(r"API token\s+(\S+)", out).group(1)
        assert len(token) >= 32, out
        cred = os.path.join(tmp, "var", "admin-credentials")
        assert oct(os.stat(cred).st_mode & 0o777) == "0o600"
        script = readme_example(ctx.root).replace("8080", str(port))
        script = re.sub(r"^EMAIL=.*$", f"EMAIL={email} TOKEN={token}", script, flags=re.M)
        res = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr
        assert res.stdout.count('"id":256') == 2, res.stdout
        assert '"subject":"배송 문의"' in res.stdout, res.stdout
        assert '"converged"' in res.stdout, res.stdout
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            rest = proc.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError("make run did not stop on Ctrl-C")
        assert "stopped." in rest, rest
        logs = ""
        for f in os.listdir(os.path.join(tmp, "var")):
            if f.endswith(".log"):
                logs += open(os.path.join(tmp, "var", f), errors="replace").read()
        subprocess.run(["rm", "-rf", tmp])
    assert "restarting" not in out, out
    assert token not in logs, "the generated admin token is in a service log"
    assert not re.search(r"AddressSanitizer|runtime error:", logs), logs[-4000:]
    assert logs.count("event=service.stopped") == 6, logs[-3000:]
