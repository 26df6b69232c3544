"""Runs one tests/browser/<script>.mjs against a running suite: checks that
Chromium and playwright-core are installed, gives the script the suite's
address, the admin's token and build/screenshots/, and asserts it ended with
"<name>: all passed". Returns its output (steps and measurements)."""
import os
import subprocess

from harness import ADMIN_EMAIL, ADMIN_TOKEN, scaled

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER = os.path.normpath(os.path.join(HERE, "..", "browser"))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SHOTS = os.path.join(ROOT, "build", "screenshots")


def run_script(suite, script, name, *extra, timeout=180, env=None):
    assert os.path.exists("/usr/bin/chromium"), "chromium is missing: run scripts/deps.sh"
    assert os.path.isdir(os.path.join(BROWSER, "node_modules", "playwright-core")), \
        "tests/browser/node_modules is missing: run scripts/deps.sh"
    base = f"http://127.0.0.1:{suite.http_port}"
    p = subprocess.run(["node", os.path.join(BROWSER, script), base, ADMIN_EMAIL, ADMIN_TOKEN, SHOTS, *extra],
                       capture_output=True, text=True, timeout=scaled(timeout), cwd=ROOT,
                       env=dict(os.environ, **(env or {})))
    assert p.returncode == 0, f"{script} exited {p.returncode}\n{p.stdout}\n{p.stderr}"
    print(p.stdout, end="")
    assert f"{name}: all passed" in p.stdout, p.stdout
    return p.stdout
