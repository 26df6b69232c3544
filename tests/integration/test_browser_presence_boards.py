"""Agents' presence on the wallboard and the admin console's agents page in
Chromium (tests/browser/presence_boards.mjs): two agents in different
states (busy and away); each screen, Korean and English, shows each
agent's state with its category's symbol and the state's name in the
page's language, and a screen reader hears the category in words. axe-core
finds nothing serious; screenshots presence-boards-{ko,en}-{wallboard,agents}.png."""
import os

from browser import SHOTS, run_script
from harness import Suite


def test_presence_on_boards_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "presence_boards.mjs", "presence_boards", timeout=240)
    for lang in ("ko", "en"):
        for screen in ("wallboard", "agents"):
            name = f"presence-boards-{lang}-{screen}.png"
            assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
