"""The presence report in Chromium (tests/browser/presence_report.mjs): an
agent spends time in a seeded state and two custom ones; the chart's legend
and its table, Korean and English, show each state with its category's
symbol and its name in the page's language, and a screen reader hears the
category in words. axe-core finds nothing serious; screenshots
presence-report-{ko,en}.png."""
import os

from browser import SHOTS, run_script
from harness import Suite


def test_presence_report_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "presence_report.mjs", "presence_report", timeout=240)
    for lang in ("ko", "en"):
        name = f"presence-report-{lang}.png"
        assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
