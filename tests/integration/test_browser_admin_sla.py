"""The console's business hours, SLA policies, groups and API tokens
(issue 18) in a real browser (tests/browser/admin_sla.mjs): an admin signed
in with a password creates a group with an agent (least-loaded routing),
sets the agent's skills, languages, capacity and presence, draws a schedule with a
lunch break on the week grid (mouse and keyboard), imports a holiday from
an .ics file and sees it on the calendar, adds the Korean holiday set,
builds an SLA policy in the form; a ticket routed by a trigger to that
group shows the group and the first-reply due time on the ticket page,
equal to the API's breach_at and to the script's own walk of the schedule
(which skips the imported holiday). An API token is shown once and stops
working when revoked; a user is created, made an agent and suspended; the
admin's own session is listed. axe-core
finds nothing serious; screenshots admin-{ko,en}-*.png in build/screenshots."""
import os

from browser import SHOTS, run_script
from harness import Suite


def test_admin_sla_console_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        run_script(s, "admin_sla.mjs", "admin_sla", timeout=300)
    for name in ("admin-ko-schedule.png", "admin-ko-holidays.png", "admin-ko-sla.png",
                 "admin-en-schedule.png", "admin-ko-groups.png"):
        assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
