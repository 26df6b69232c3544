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

from browser import SHOTS, run_script
from harness import Suite


def test_workspace_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "run.mjs", "browser")
        for name in ("ko-views.png", "ko-ticket.png", "en-views.png", "en-ticket.png"):
            assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
