"""The agent workspace (issue 16) in a real browser: Debian's chromium,
driven by playwright-core (tests/browser/run.mjs) against a real suite whose
gateway serves /agent/. The script signs in (good and bad password, CSRF
refusal), watches a view count move live, writes an internal note and a
public reply, applies a macro after its preview, starts a side
conversation, sets custom fields of the ticket's form (and sees the API's
message beside a bad value), attaches a file to an internal note, starts a
side conversation toward a local Slack-compatible webhook and replies in
its thread, merges a ticket through the keyboard-only dialog (each checked
through the API), changes presence, searches in Korean through IME composition
events, sees the wallboard pick up a queued ticket, runs axe-core on the
main screens and writes Korean and English screenshots to
build/screenshots/. It prints the speed budget ("budget name value")."""
import os
import subprocess

from harness import ADMIN_EMAIL, ADMIN_TOKEN, Suite, scaled

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER = os.path.normpath(os.path.join(HERE, "..", "browser"))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def test_workspace_in_chromium(ctx):
    assert os.path.exists("/usr/bin/chromium"), "chromium is missing: run scripts/deps.sh"
    assert os.path.isdir(os.path.join(BROWSER, "node_modules", "playwright-core")), \
        "tests/browser/node_modules is missing: run scripts/deps.sh"
    shots = os.path.join(ROOT, "build", "screenshots")
    with Suite(ctx.bin_dir).start() as s:
        base = f"http://127.0.0.1:{s.http_port}"
        p = subprocess.run(["node", os.path.join(BROWSER, "run.mjs"), base, ADMIN_EMAIL, ADMIN_TOKEN, shots],
                           capture_output=True, text=True, timeout=scaled(180), cwd=ROOT)
        assert p.returncode == 0, f"run.mjs exited {p.returncode}\n{p.stdout}\n{p.stderr}"
        print(p.stdout, end="")  # the steps and the speed budget
        assert "browser: all passed" in p.stdout, p.stdout
        for name in ("ko-views.png", "ko-ticket.png", "en-views.png", "en-ticket.png"):
            assert os.path.getsize(os.path.join(shots, name)) > 1000, name
