"""The workspace's presence selector in Chromium (tests/browser/presence.mjs):
an agent steps through every presence state with the arrow keys, in Korean
and in English. Each category (available, busy, away, offline) shows its
own symbol, so states are told apart without colour; the selector's
accessible name names the state and its category in the page's language;
the API follows each change. axe-core finds nothing serious; screenshots
presence-{ko,en}-<category>.png in build/screenshots."""
import os

from browser import SHOTS, run_script
from harness import Suite


def test_presence_selector_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "presence.mjs", "presence", timeout=240)
    for lang in ("ko", "en"):
        for kind in ("available", "busy", "away", "offline"):
            name = f"presence-{lang}-{kind}.png"
            assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
