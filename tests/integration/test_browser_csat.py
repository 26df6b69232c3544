"""CSAT in a real browser (tests/browser/csat.mjs): the survey mail read
from the real SMTP server, its link followed in Chromium and rated bad with
a comment, the rating in /api/v2/satisfaction_ratings, the used and a
tampered link refused, and the console's e-mail template editor (preview
with the Korean particle chosen by the name, a new version saved); axe-core
on each screen; screenshots csat-ko-survey, csat-en-survey and
csat-ko-templates in build/screenshots/."""
import os

from browser import SHOTS, run_script
from test_notify import Sink, start


def test_csat_in_chromium(ctx):
    os.environ["HD_IT_BIN"] = ctx.bin_dir
    with start() as s:
        sink = Sink(s.dir)
        s.env["HD_SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}"
        s.env["HD_PUBLIC_URL"] = f"http://127.0.0.1:{s.http_port}"
        try:
            s.start()
            run_script(s, "csat.mjs", "csat", sink.dir)
        finally:
            sink.close()
    for name in ("csat-ko-survey.png", "csat-en-survey.png", "csat-ko-templates.png"):
        assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
