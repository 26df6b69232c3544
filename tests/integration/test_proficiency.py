"""The proficiency index and the team builder (issue 18 item 3) on seeded
data whose KPIs are worked out by hand below, under a Seoul business-hours
schedule (09:00–12:00, 13:00–18:00, Monday to Friday): the ranking and the
scores, business minutes across lunch, the direction of lower-is-better
KPIs, weights that change the order, and bad weights refused by name. The
team builder splits a seeded team of 20 agents into balanced teams: every
team's mean score within 10 % of the overall mean."""
import time
from urllib.parse import quote

from harness import Suite
from test_reports import (ACT, ASSIGN, DAY, NEW, at, group, kst, next_monday_seoul, reply, ticket,
                          update, user)
from test_ticket_metrics import SEOUL_WEEK

REPORTS = "/api/v2/hd/reports/"
D0 = next_monday_seoul()
RANGE = {"start_time": D0 // 1000, "end_time": (D0 + DAY) // 1000}


def iso(ms):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))


def schedule(c):
    r = c.request("POST", "/api/v2/business_hours/schedules",
                  {"schedule": {"name": "서울", "time_zone": "Asia/Seoul"}})
    assert r.status == 201, r
    sid = r.json["schedule"]["id"]
    w = c.request("PUT", f"/api/v2/business_hours/schedules/{sid}/workweek",
                  {"workweek": {"intervals": SEOUL_WEEK}})
    assert w.status == 200, w


def get(c, name, **q):
    qs = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in q.items())
    return c.request("GET", REPORTS + name + ("?" + qs if qs else ""))


def report(c, name, **q):
    r = get(c, name, **q)
    assert r.status == 200, r
    return r.json["report"]


def solve_with(s, c, ac, agent, req, start, replies, solved):
    """A ticket created and assigned to agent at start, the agent's public
    replies at the given times, solved at `solved` (Seoul ms)."""
    at(s, start, NEW)
    tid = ticket(c, "배송 문의", "언제 오나요", req, assignee_id=agent)
    for when in replies:
        at(s, when)
        reply(ac, tid, "확인했습니다.")
    at(s, solved)
    update(c, tid, status="solved")
    return tid


def build(s):
    """A: two quick tickets, one reply each, both rated good.
    B: one ticket, two replies, solved at 14:00 after lunch (180 calendar
       minutes, 120 business), rated bad.
    C: one ticket solved, reopened and solved again (two solves, one reopen),
       one reply, not rated.
          solved  handle(biz)  fcr   csat  reopen
       A  2       30           100   100   0
       B  1       120          0     0     0
       C  2       60           100   –     50"""
    c = s.client()
    at(s, kst(D0, 8))
    schedule(c)
    ids = {}
    ids["A"], a = user(s, c, "김상담", "kim@hana.local", "agent")
    ids["B"], b = user(s, c, "이상담", "lee@hana.local", "agent")
    ids["C"], cc = user(s, c, "박상담", "park@hana.local", "agent")
    req, _ = user(s, c, "최고객", "choi@example.kr", "end-user")
    ids["G"] = group(c, "배송팀", [ids["A"], ids["B"], ids["C"]])
    for _ in range(2):
        t = solve_with(s, c, a, ids["A"], req, kst(D0, 9), [kst(D0, 9, 10)], kst(D0, 9, 30))
        at(s, kst(D0, 9, 40))
        update(c, t, satisfaction_rating={"score": "good"})
    t = solve_with(s, c, b, ids["B"], req, kst(D0, 11), [kst(D0, 11, 10), kst(D0, 11, 20)], kst(D0, 14))
    at(s, kst(D0, 14, 10))
    update(c, t, satisfaction_rating={"score": "bad"})
    t = solve_with(s, c, cc, ids["C"], req, kst(D0, 15), [kst(D0, 15, 10)], kst(D0, 15, 20))
    at(s, kst(D0, 15, 40), ASSIGN)
    update(c, t, status="open")
    at(s, kst(D0, 16))
    update(c, t, status="solved")
    return ids


def check_scores(c, ids):
    A, B, C = ids["A"], ids["B"], ids["C"]
    rep = report(c, "proficiency", group_id=ids["G"], **RANGE)
    assert rep["weights"] == {"solved": 20, "handle_time": 15, "fcr": 15, "csat": 20,
                              "reopen_rate": 10, "sla": 20}, rep
    assert "min-max" in rep["normalisation"] and "sum(weight * n)" in rep["formula"], rep
    assert [(k["name"], k["better"]) for k in rep["kpis"]] == [
        ("solved", "higher"), ("handle_time", "lower"), ("fcr", "higher"), ("csat", "higher"),
        ("reopen_rate", "lower"), ("sla", "higher")], rep["kpis"]
    # A is best everywhere: 100. B: only reopen_rate (0, best): 10/80.
    # C: solved 1, handle (120-60)/90 = 2/3, fcr 1, reopen 0, no CSAT:
    # (20 + 10 + 15 + 0) / 60.
    assert rep["rows"] == [
        {"rank": 1, "agent_id": A, "score": 100.0, "solved": 2, "handle_minutes": 30.0,
         "fcr_percent": 100.0, "csat_percent": 100.0, "reopen_percent": 0.0, "sla_percent": None},
        {"rank": 2, "agent_id": C, "score": 75.0, "solved": 2, "handle_minutes": 60.0,
         "fcr_percent": 100.0, "csat_percent": None, "reopen_percent": 50.0, "sla_percent": None},
        {"rank": 3, "agent_id": B, "score": 12.5, "solved": 1, "handle_minutes": 120.0,
         "fcr_percent": 0.0, "csat_percent": 0.0, "reopen_percent": 0.0, "sla_percent": None}], rep["rows"]
    # Without a group: every agent with work in the range, same scores.
    every = report(c, "proficiency", **RANGE)["rows"]
    assert [(r["agent_id"], r["score"]) for r in every] == [(A, 100.0), (C, 75.0), (B, 12.5)], every
    # Weights change the order: reopens weigh most, handle time nothing.
    # B: 100/155, C: (20 + 15) / 135.
    w = report(c, "proficiency", group_id=ids["G"], weights="handle_time:0,reopen_rate:100", **RANGE)
    assert [(r["agent_id"], r["score"]) for r in w["rows"]] == [(A, 100.0), (B, 64.5), (C, 25.9)], w["rows"]
    assert w["weights"]["reopen_rate"] == 100 and w["weights"]["handle_time"] == 0
    # Direction: handle time alone ranks the fastest first (30 < 60 < 120
    # business minutes; B's 180 calendar minutes span lunch).
    h = report(c, "proficiency", group_id=ids["G"],
               weights="solved:0,handle_time:1,fcr:0,csat:0,reopen_rate:0,sla:0", **RANGE)
    assert [(r["agent_id"], r["score"]) for r in h["rows"]] == [(A, 100.0), (C, 66.7), (B, 0.0)], h["rows"]
    # CSV: the same rows.
    csv = get(c, "proficiency", group_id=ids["G"], format="csv", **RANGE).raw.decode("utf-8").split("\r\n")
    assert csv[0] == ('\ufeff"rank","agent_id","score","solved","handle_minutes","fcr_percent",'
                      '"csat_percent","reopen_percent","sla_percent"'), csv
    assert csv[2] == f"2,{C},75,2,60,100,,50,", csv


def check_times(c):
    # Resolutions 30, 30, 180 (120 business: lunch), 60 min; first replies
    # 10 min each. Nearest rank: median the 2nd, p90 the 4th.
    rows = report(c, "times", **RANGE)["rows"]
    assert rows == [
        {"metric": "first_reply_time", "tickets": 4, "median_seconds": 600, "p90_seconds": 600,
         "median_business_minutes": 10, "p90_business_minutes": 10},
        {"metric": "resolution_time", "tickets": 4, "median_seconds": 1800, "p90_seconds": 10800,
         "median_business_minutes": 30, "p90_business_minutes": 120}], rows


def check_refusals(c, ids):
    def bad(field, **q):
        r = get(c, "proficiency", **q)
        assert r.status == 422 and field in r.json["details"], (q, r)
        assert field in str(r.json), r
    bad("weights", weights="speed:3")
    bad("weights", weights="solved:x")
    bad("weights", weights="solved:")
    bad("weights", weights="solved:99999")
    bad("weights", weights=",solved:5")
    bad("weights", weights="솔브드:5")
    bad("weights", weights="solved:0,handle_time:0,fcr:0,csat:0,reopen_rate:0,sla:0")
    bad("filters", agent_id=ids["A"])


def check_suggest_refusals(c, ids):
    def bad(status, field, body):
        r = c.request("POST", "/api/v2/hd/teams/suggest", body)
        assert r.status == status, (body, r)
        assert field in str(r.json), (field, r.json)
    bad(422, "agent_ids", {"teams": 2})
    bad(422, "teams", {"agent_ids": [ids["A"], ids["B"]], "teams": 3})
    bad(400, "agent_ids", {"agent_ids": ["x"], "teams": 2})
    bad(400, "period", {"agent_ids": [ids["A"], ids["B"]], "teams": 2, "period": "soon"})
    bad(422, "weights", {"agent_ids": [ids["A"], ids["B"]], "teams": 2, "weights": {"speed": 1}})


def test_proficiency(ctx):
    with Suite(ctx.bin_dir).start() as s:
        ids = build(s)
        s.wait_converged()
        c = s.client()
        check_scores(c, ids)
        check_times(c)
        check_refusals(c, ids)
        check_suggest_refusals(c, ids)


def test_team_suggest_balanced(ctx):
    """20 agents with spread scores: agent i solves 1 + i % 5 tickets and
    gets a good rating on i % 3 of them (the rest bad), so the scores take
    many levels. Four teams of five: each team's mean within 10 % of the
    overall mean, every agent in exactly one team."""
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        at(s, kst(D0, 8))
        req, _ = user(s, c, "최고객", "choi@example.kr", "end-user")
        agents = []
        for i in range(20):
            uid, _ = user(s, c, f"상담원{i}", f"agent{i}@hana.local", "agent")
            agents.append(uid)
        g = group(c, "상담1팀", agents[:10])
        work = [(i, j) for i in range(20) for j in range(1 + i % 5)]
        tids = {}
        for n, (i, j) in enumerate(work):  # the clock only moves forward
            at(s, kst(D0, 9) + n * 30 * 1000, NEW)
            tids[i, j] = ticket(c, "문의", "도와주세요", req, assignee_id=agents[i])
        for n, (i, j) in enumerate(work):
            at(s, kst(D0, 10) + (i * 7 + j) * 60 * 1000, ACT)
            update(c, tids[i, j], status="solved")
        for n, (i, j) in enumerate(work):
            at(s, kst(D0, 13) + n * 30 * 1000, ACT)
            update(c, tids[i, j], satisfaction_rating={"score": "good" if j < i % 3 else "bad"})
        s.wait_converged()
        period = {"start_time": iso(D0), "end_time": iso(D0 + DAY)}
        r = c.request("POST", "/api/v2/hd/teams/suggest",
                      {"agent_ids": agents, "teams": 4, "period": period})
        assert r.status == 200, r
        sug = r.json["suggestion"]
        teams = sug["teams"]
        assert len(teams) == 4 and sorted(len(t["agents"]) for t in teams) == [5, 5, 5, 5], teams
        placed = sorted(a["agent_id"] for t in teams for a in t["agents"])
        assert placed == sorted(agents), placed
        scores = [a["score"] for t in teams for a in t["agents"]]
        assert len(set(scores)) >= 5, scores  # a spread team, not one level
        mean = sum(scores) / len(scores)
        assert abs(sug["overall_mean"] - mean) < 0.1, sug
        for t in teams:
            m = sum(a["score"] for a in t["agents"]) / len(t["agents"])
            assert abs(t["mean_score"] - m) < 0.1, t
            assert abs(m - mean) <= 0.10 * mean, (m, mean, teams)
        assert sug["max_deviation_percent"] <= 10.0, sug
        # The snake draft alone leaves 3.9 % on this team; the swaps bring
        # every team within 2 % (0.1 % when measured).
        assert sug["max_deviation_percent"] <= 2.0, sug
        assert "snake draft" in sug["method"] and sug["weights"]["solved"] == 20, sug
        # By group: the first ten agents, two teams.
        r = c.request("POST", "/api/v2/hd/teams/suggest", {"group_ids": [g], "teams": 2, "period": period})
        assert r.status == 200, r
        two = r.json["suggestion"]["teams"]
        assert sorted(a["agent_id"] for t in two for a in t["agents"]) == sorted(agents[:10]), two
        # End-users get nothing.
        eu, euc = user(s, c, "한고객", "han@example.kr", "end-user")
        assert euc.request("POST", "/api/v2/hd/teams/suggest", {"agent_ids": agents, "teams": 2}).status == 403
