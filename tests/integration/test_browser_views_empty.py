"""An agent with no visible view signs in to the workspace in Chromium
(tests/browser/views_empty.mjs): the list says there is no active view, in
Korean and English, without asking the API for a view that does not exist
(it asked for /views/NaN/tickets and showed "Not found"); a malformed
#/views/abc says the same. Screenshots views-empty-{ko,en}.png."""
import os

from browser import SHOTS, run_script
from harness import Suite


def test_no_visible_view_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "views_empty.mjs", "views_empty", timeout=180)
    for lang in ("ko", "en"):
        name = f"views-empty-{lang}.png"
        assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
