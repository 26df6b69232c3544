"""The console's views section in Chromium (tests/browser/admin_views.mjs):
an admin builds the shared view "미해결 환불" (status < solved, tag 환불)
with the condition builder (the API's message beside the conditions for a
view nothing anchors); of two tickets filed through the API the workspace's
sidebar counts and lists only the tagged one; an agent saves a personal
view and sees the shared one without edit controls (the API answers 403).
axe-core on each page; Korean and English screenshots."""
import os

from browser import SHOTS, run_script
from harness import Suite


def test_admin_views_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "admin_views.mjs", "admin_views")
        for name in ("admin-ko-views.png", "admin-en-views.png"):
            assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
