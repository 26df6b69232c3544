"""Run tests/client/zendesk_client.js (node-zendesk from npm) against a suite.
Not collected by itself (no test_ prefix): test_client.py calls it."""
import os
import subprocess

from harness import ADMIN_EMAIL, ADMIN_TOKEN, Suite


def run_client(ctx):
    client_dir = os.path.join(ctx.root, "tests", "client")
    if not os.path.isdir(os.path.join(client_dir, "node_modules", "node-zendesk")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=client_dir, check=True,
                       capture_output=True, timeout=300)
    with Suite(ctx.bin_dir).start() as s:
        env = dict(os.environ, HD_URL=f"http://127.0.0.1:{s.http_port}", HD_EMAIL=ADMIN_EMAIL,
                   HD_TOKEN=ADMIN_TOKEN)
        r = subprocess.run(["node", "zendesk_client.js"], cwd=client_dir, env=env, capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout
