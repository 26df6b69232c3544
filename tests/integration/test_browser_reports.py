"""Reports, agent performance and the team builder (issue 18) in Chromium
(tests/browser/reports.mjs): a team lead filters the reports by group and
downloads a CSV whose rows equal the API's, reads the proficiency page with
its formula, changes a weight, and gets a team proposal; an admin applies
one to group memberships. axe-core on each screen; Korean and English
screenshots under build/screenshots/reports-*.png."""
import os

from browser import SHOTS, run_script
from harness import Suite


def test_reports_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "reports.mjs", "reports", timeout=300)
        for name in ("reports-ko-volume.png", "reports-ko-times.png", "reports-ko-proficiency.png",
                     "reports-en-volume.png", "reports-en-proficiency.png"):
            assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
