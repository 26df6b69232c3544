"""The customers' own pages (issue 17) in Chromium through playwright-core
(tests/browser/portal.mjs) against a real suite with the real SMTP server
(smtp_sink.py): sign in by the mailed one-time link, file a request with a
dropdown field and see the validation in Korean, see suggestions as the
subject is typed and resolve one (no ticket created), my requests, the
public conversation and a reply, English pages; axe-core and `tidy -q -e`
on every screen; build/screenshots/portal-*.png."""
import os

from browser import SHOTS, run_script
from portal_client import portal_suite


def test_portal_in_chromium(ctx):
    s, sink = portal_suite(ctx)
    try:
        with s.start():
            run_script(s, "portal.mjs", "portal", sink.dir)
            for name in ("ko-form", "en-form", "ko-requests", "ko-request", "en-requests"):
                assert os.path.getsize(os.path.join(SHOTS, f"portal-{name}.png")) > 1000, name
    finally:
        sink.close()
