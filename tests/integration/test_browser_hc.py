"""The help center's pages (issue 17) in a real browser: Debian's chromium
driven by playwright-core (tests/browser/hc.mjs) against a real suite. The
script browses categories and an article in Korean and English, switches
language, searches "배송" and finds the article, votes through the plain
form, runs axe-core on each screen and writes screenshots."""
import os

from browser import SHOTS, run_script
from harness import Suite

SCREENS = ("hc-ko-home.png", "hc-ko-article.png", "hc-ko-search.png", "hc-en-home.png", "hc-en-article.png")


def test_help_center_in_chromium(ctx):
    with Suite(ctx.bin_dir, services=["intake", "knowledge", "gateway"]).start() as s:
        for name in SCREENS:
            if os.path.exists(os.path.join(SHOTS, name)):
                os.unlink(os.path.join(SHOTS, name))
        run_script(s, "hc.mjs", "hc")
        for name in SCREENS:
            assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
