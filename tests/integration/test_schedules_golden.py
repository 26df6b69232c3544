"""The bytes the gateway answers for a scripted sequence of business-hours
calls (schedules, workweek, holidays, the iCalendar import, and their
errors), against tests/integration/golden/schedules.json, recorded while
routing still took and answered Zendesk JSON (issue 14: the gateway now
parses the request into a typed BhCall and renders the typed BhAnswer).
Only what differs between runs is normalized: times and the base url.
HD_GOLDEN_WRITE=1 records the file instead of comparing."""
import os
import re

import golden
from harness import Suite
from test_tickets_api import end_user

HERE = os.path.dirname(os.path.abspath(__file__))
ICS = os.path.join(HERE, "..", "data", "holidays", "kr-2026.ics")
BH = "/api/v2/business_hours/schedules"
IMPORT = "/api/v2/hd/business_hours/schedules/{}/holidays/import"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
BASE = re.compile(r"https?://[^/\"\s]+")
CAL = {"Content-Type": "text/calendar; charset=utf-8"}


def record(c, out, name, method, path, body=None, headers=None):
    r = c.request(method, path, body, headers=headers)
    text = r.raw.decode("utf-8")
    loc = r.headers.get("location", "")
    line = f"{r.status} {loc} {text}" if loc else f"{r.status} {text}"
    out[f"{len(out):03d} {name}"] = BASE.sub("{base}", ISO.sub("{time}", line))
    return r


def script(s, c, out):
    rec = lambda *a, **k: record(c, out, *a, **k)  # noqa: E731
    rec("list empty", "GET", BH)
    sid = rec("create", "POST", BH, {"schedule": {"name": "서울 본사", "time_zone": "Asia/Seoul"}}
              ).json["schedule"]["id"]
    ny = rec("create rails zone", "POST", BH, {"schedule": {
        "name": "NY", "time_zone": "Eastern Time (US & Canada)",
        "intervals": [{"start_time": 1980, "end_time": 2460}]}}).json["schedule"]["id"]
    rec("create normalized", "POST", BH, {"schedule": {"name": "합치기", "intervals": [
        {"start_time": 2000, "end_time": 2100}, {"start_time": 540, "end_time": 720},
        {"start_time": 720, "end_time": 800}, {"start_time": 600, "end_time": 700}], "extra": 1}})
    for name, body in [
            ("zone unknown", {"schedule": {"name": "x", "time_zone": "Mars/Olympus"}}),
            ("zone number", {"schedule": {"name": "x", "time_zone": 5}}),
            ("name missing", {"schedule": {"time_zone": "Asia/Seoul"}}),
            ("name empty", {"schedule": {"name": ""}}),
            ("name number", {"schedule": {"name": 12}}),
            ("name null", {"schedule": {"name": None}}),
            ("name long", {"schedule": {"name": "가" * 100}}),
            ("intervals string", {"schedule": {"name": "x", "intervals": "x"}}),
            ("intervals null", {"schedule": {"name": "x", "intervals": None}}),
            ("interval string", {"schedule": {"name": "x", "intervals": [{"start_time": "9"}]}}),
            ("interval not object", {"schedule": {"name": "x", "intervals": [5]}}),
            ("interval negative", {"schedule": {"name": "x", "intervals": [{"start_time": -5, "end_time": 10}]}}),
            ("interval huge", {"schedule": {"name": "x", "intervals": [
                {"start_time": 1, "end_time": 99999999999}]}}),
            ("interval reversed", {"schedule": {"name": "x", "intervals": [{"start_time": 50, "end_time": 10}]}}),
            ("interval two days", {"schedule": {"name": "x", "intervals": [
                {"start_time": 1380, "end_time": 1500}]}}),
            ("interval float", {"schedule": {"name": "x", "intervals": [{"start_time": 1.5, "end_time": 10}]}}),
            ("intervals too many", {"schedule": {"name": "x", "intervals": [
                {"start_time": i * 10, "end_time": i * 10 + 5} for i in range(140)]}}),
            ("schedule string", {"schedule": "x"}),
            ("schedule missing", {"other": {}}),
            ("body array", [1])]:
        rec("create " + name, "POST", BH, body)
    rec("create bad json", "POST", BH, '{"schedule": {')
    ww = f"{BH}/{sid}/workweek"
    rec("workweek", "PUT", ww, {"workweek": {"intervals": [
        {"start_time": d * 1440 + a, "end_time": d * 1440 + b}
        for d in range(1, 6) for a, b in ((540, 720), (780, 1080))]}})
    rec("workweek empty", "PUT", ww, {"workweek": {}})
    rec("workweek null", "PUT", ww, {"workweek": {"intervals": None}})
    rec("workweek string", "PUT", ww, {"workweek": "x"})
    rec("workweek bad", "PUT", ww, {"workweek": {"intervals": [{"start_time": 1380, "end_time": 1500}]}})
    rec("workweek none", "PUT", f"{BH}/999999/workweek", {"workweek": {"intervals": []}})
    rec("update name", "PUT", f"{BH}/{sid}", {"schedule": {"name": "부산 지점 (수정)"}})
    rec("update zone", "PUT", f"{BH}/{ny}", {"schedule": {"time_zone": "America/New_York", "intervals": []}})
    rec("update bad zone", "PUT", f"{BH}/{ny}", {"schedule": {"time_zone": "../../etc/passwd"}})
    rec("update empty", "PUT", f"{BH}/{ny}", {"schedule": {}})
    rec("update none", "PUT", f"{BH}/999999", {"schedule": {"name": "x"}})
    rec("get", "GET", f"{BH}/{sid}")
    rec("get none", "GET", f"{BH}/999999")
    rec("list", "GET", BH)
    hol = f"{BH}/{sid}/holidays"
    hid = rec("holiday create", "POST", hol, {"holiday": {
        "name": "창립기념일", "start_date": "2026-04-10", "end_date": "2026-04-10", "id": 5}}
              ).json["holiday"]["id"]
    for name, body in [
            ("bad date", {"name": "x", "start_date": "2026-02-30", "end_date": "2026-03-01"}),
            ("reversed", {"name": "x", "start_date": "2026-03-02", "end_date": "2026-03-01"}),
            ("too long", {"name": "x", "start_date": "2026-01-01", "end_date": "2027-06-01"}),
            ("no name", {"start_date": "2026-01-01", "end_date": "2026-01-01"}),
            ("name number", {"name": 1, "start_date": "2026-01-01", "end_date": "2026-01-01"}),
            ("start number", {"name": "x", "start_date": 20260101, "end_date": "2026-01-01"}),
            ("end null", {"name": "x", "start_date": "2026-01-01", "end_date": None}),
            ("no dates", {"name": "x"})]:
        rec("holiday create " + name, "POST", hol, {"holiday": body})
    rec("holiday create not object", "POST", hol, {"holiday": []})
    rec("holiday create none", "POST", f"{BH}/999999/holidays", {"holiday": {
        "name": "x", "start_date": "2026-01-01", "end_date": "2026-01-01"}})
    rec("holiday update", "PUT", f"{hol}/{hid}", {"holiday": {"end_date": "2026-04-11"}})
    rec("holiday update name", "PUT", f"{hol}/{hid}", {"holiday": {"name": "창립 기념일"}})
    rec("holiday update bad", "PUT", f"{hol}/{hid}", {"holiday": {"start_date": "2026-05-01"}})
    rec("holiday update number", "PUT", f"{hol}/{hid}", {"holiday": {"name": 7}})
    rec("holiday update none", "PUT", f"{hol}/999999", {"holiday": {"name": "x"}})
    rec("holiday get", "GET", f"{hol}/{hid}")
    rec("holiday get none", "GET", f"{hol}/999999")
    rec("holiday get bad id", "GET", f"{hol}/abc")
    rec("holidays", "GET", hol)
    with open(ICS, "rb") as f:
        ics = f.read()
    rec("import", "POST", IMPORT.format(sid), ics, headers=CAL)
    rec("import again", "POST", IMPORT.format(sid), ics, headers=CAL)
    bad = ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nDTSTART;VALUE=DATE:2026XX01\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n")
    rec("import bad line", "POST", IMPORT.format(ny), bad, headers=CAL)
    rec("import empty", "POST", IMPORT.format(ny), b"", headers=CAL)
    rec("import not utf8", "POST", IMPORT.format(ny), b"\xff\xfe", headers=CAL)
    rec("import none", "POST", IMPORT.format(999999), ics, headers=CAL)
    rec("holidays imported", "GET", hol)
    rec("holiday delete", "DELETE", f"{hol}/{hid}")
    rec("holiday delete again", "DELETE", f"{hol}/{hid}")
    rec("holidays none", "GET", f"{BH}/999999/holidays")
    _, eu = end_user(s, "golden-eu@example.kr")
    record(eu, out, "end-user list", "GET", BH)
    record(eu, out, "end-user create", "POST", BH, {"schedule": {"name": "x"}})
    rec("delete", "DELETE", f"{BH}/{ny}")
    rec("delete again", "DELETE", f"{BH}/{ny}")
    rec("get deleted", "GET", f"{BH}/{ny}")
    rec("list end", "GET", BH)


def test_schedules_golden(ctx):
    out = {}
    with Suite(ctx.bin_dir).start() as s:
        script(s, s.client(), out)
    golden.check("schedules", out)
