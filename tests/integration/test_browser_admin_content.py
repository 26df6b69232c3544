"""The console's content sections (issue 18) in Chromium: an admin signed in
with a password builds a shared macro with two actions (the builder offers
the API's values; a blank title shows the API's message beside the field)
and applies it on a ticket page, accepts a macro proposed from a solved
ticket, writes a help-center article in Korean and English and publishes
both (checked anonymously through the API; the body stored sanitized),
creates and edits a knowledge card and verifies it from the queue after
seeing the diff, creates a webhook to a local receiver whose test call
shows in the delivery log and replays a dead letter of another, and adds a
support address and asks for its verification. axe-core on each screen; screenshots
build/screenshots/admin-*.png (tests/browser/admin_content.mjs)."""
import os

from browser import SHOTS, run_script
from harness import Suite

SCREENS = ("admin-ko-macros.png", "admin-ko-article.png", "admin-ko-cards.png",
           "admin-ko-webhooks.png", "admin-en-article.png", "admin-ko-addresses.png")


def test_admin_content_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "admin_content.mjs", "admin_content", timeout=240)
        for name in SCREENS:
            assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
