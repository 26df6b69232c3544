"""Reports, agent performance and the team builder (issue 18) in Chromium
(tests/browser/reports.mjs): a team lead filters the reports by group and
downloads a CSV whose rows equal the API's, reads the proficiency page with
its formula, changes a weight, and gets a team proposal; an admin applies
one to group memberships. axe-core on each screen; Korean and English
screenshots under build/screenshots/reports-*.png.

Before the script runs, a second team works through the past five Seoul
days on the business clock (tickets at office hours, replies, solves,
ratings, calls with waits, presence), so the charts and the heat map show
a week of work; the clock is back at real time before the browser starts."""
import os
import time

from browser import SHOTS, run_script
from harness import Suite
from test_reports import (ACT, DAY, HOUR, KST, MIN, NEW, at, call, group, presence, reply, ticket,
                          update, user)

HOURS = [9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 16, 17]


def seed(s):
    c = s.client()
    today = (int(time.time() * 1000) + KST) // DAY * DAY - KST  # Seoul midnight
    at(s, today - 6 * DAY + 8 * HOUR)
    people = [user(s, c, n, f"team2-{i}@example.com", "agent") for i, n in enumerate(["정하늘", "윤바다", "강산"])]
    ids = [p[0] for p in people]
    req, _ = user(s, c, "오고객", "oh@example.kr", "end-user")
    g = group(c, "상담2팀", ids)
    presence(s, c, ids[0], "상담준비", today - 6 * DAY + 8 * HOUR + MIN)
    for d in range(5, 0, -1):
        day = today - d * DAY
        for k, hour in enumerate(HOURS[: 6 + d]):
            who = k % 3
            t0 = day + hour * HOUR + k * 3 * MIN
            at(s, t0, NEW)
            tid = ticket(c, "배송 지연 문의" if k % 2 else "결제 오류 문의", "확인 부탁드립니다", req,
                         group_id=g, assignee_id=ids[who], tags=["배송" if k % 2 else "결제"])
            at(s, t0 + (7 + 11 * who) * MIN)
            reply(people[who][1], tid, "확인해 드리겠습니다.")
            at(s, t0 + (1 + who) * HOUR)
            update(c, tid, status="solved")
            at(s, t0 + (1 + who) * HOUR + MIN)
            update(c, tid, satisfaction_rating={"score": "bad" if (k + d) % 4 == 0 else "good",
                                                "comment": "답변이 늦어요" if (k + d) % 4 == 0 else "친절했어요"})
        for j, wait in enumerate([5, 15, 25, 45, 90][: d + 1]):
            at(s, day + (10 + j) * HOUR, NEW)
            call(c, f"call-{d}-{j}", f"010-2222-{d}{j:03d}", day + (10 + j) * HOUR,
                 "abandoned" if wait > 60 else "answered", wait, None if wait > 60 else ids[j % 3])
    presence(s, c, ids[0], "통화중", today - DAY + 11 * HOUR)
    presence(s, c, ids[0], "후처리", today - DAY + 11 * HOUR + 20 * MIN)
    presence(s, c, ids[0], "상담준비", today - DAY + 11 * HOUR + 30 * MIN)
    s.set_clock_offset(0)


def test_reports_in_chromium(ctx):
    with Suite(ctx.bin_dir).start() as s:
        seed(s)
        s.wait_converged()
        run_script(s, "reports.mjs", "reports", timeout=300)
        for name in ("reports-ko-volume.png", "reports-ko-times.png", "reports-ko-proficiency.png",
                     "reports-en-volume.png", "reports-en-proficiency.png"):
            assert os.path.getsize(os.path.join(SHOTS, name)) > 1000, name
