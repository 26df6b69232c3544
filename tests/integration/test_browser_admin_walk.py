"""The administrator's walkthrough (issue 18; the README's "For
administrators") in Chromium, from an empty suite, entirely in the console
(tests/browser/admin_walk.mjs): group 환불팀, a new agent added to it with
skills and capacity, a dropdown field 문의 유형 and a form, a trigger built
and previewed against a ticket, business hours with a lunch break drawn on
the week grid, a holiday imported from .ics, an SLA policy for the group, a
shared macro and a Korean help-center article. A ticket filed through the
API with 문의 유형 = 환불 lands in 환불팀, and its page shows the group and
the first-reply due time equal to the API's breach_at and to the script's
own walk of the schedule; the article is on /hc/ko/. axe-core on every page;
screenshots walk-*.png in build/screenshots/ and docs/screenshots/ (each
under 150 KB)."""
import os

from browser import ROOT, SHOTS, run_script
from harness import Suite

SCREENS = ("walk-01-group", "walk-02-user", "walk-03-members", "walk-04-agent", "walk-05-field",
           "walk-06-form", "walk-07-trigger", "walk-08-schedule", "walk-09-holiday", "walk-10-sla",
           "walk-11-macro", "walk-12-article", "walk-13-hc", "walk-14-ticket",
           "walk-en-trigger", "walk-en-ticket")


def test_admin_walkthrough_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "admin_walk.mjs", "admin_walk", timeout=300)
    for name in SCREENS:
        # docs/screenshots/ holds the committed copies the README shows
        # (HD_UPDATE_DOC_SHOTS=1 make test-browser T=admin_walk refreshes them).
        for d in (SHOTS, os.path.join(ROOT, "docs", "screenshots")):
            size = os.path.getsize(os.path.join(d, name + ".png"))
            assert 1000 < size < 150 * 1024, (d, name, size)
