"""The console's ticket fields, forms, triggers and automations (issue 18)
in Chromium (tests/browser/admin_rules.mjs): an admin signed in with a
password builds a dropdown field (the API's message beside an empty
title), a form ordered by drag and by keyboard, and a trigger with the
builder whose preview against an existing ticket says it would fire; a
ticket filed through the API then lands in the trigger's group. axe-core
on each page; Korean and English screenshots under build/screenshots/."""
import os

from browser import SHOTS, run_script
from harness import Suite


def test_admin_rules_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "admin_rules.mjs", "admin_rules")
        for name in ("admin-ko-fields.png", "admin-ko-forms.png", "admin-ko-trigger.png", "admin-en-trigger.png"):
            assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
