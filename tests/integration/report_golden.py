"""The bytes the gateway answers for every report, CSV, the wallboard, the
team builder, ticket metrics, metric events, satisfaction ratings and the
CSAT summary on test_reports' data set, against a golden file recorded
before metrics stopped writing JSON (issue 14: metrics returns typed rows,
the gateway renders them; the console reads the same shapes). Only what
differs between runs is normalized: the base url, times (as seconds from
the data set's Monday, to the nearest 10 s: the data set's events are on
whole minutes, and a slow request may carry one into the next second), and
ids (by the name the data set gave them); numbers of four digits and more
(durations in seconds) to the nearest 10 for the same reason.
HD_GOLDEN_WRITE=1 records the file instead of comparing."""
import re

import golden


ISO = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
EPOCH = re.compile(rb"(?<![\d.])1\d{9}(?![\d.])")
BASE = re.compile(rb"https?://[^/\"\s]+")
LONG = re.compile(rb"(?<=[:,\[\n])\d{4,}(?=[,}\]\r])")


def normalize(raw, d0_ms, names):
    import calendar
    import time

    def rel(secs):
        return f"D0{round((secs - d0_ms // 1000) / 10) * 10:+d}".encode()

    def iso(m):
        secs = calendar.timegm(time.strptime(m.group(0).decode(), "%Y-%m-%dT%H:%M:%SZ"))
        return rel(secs) if abs(secs - d0_ms // 1000) < 60 * 86400 else b"WALL"

    def epoch(m):
        secs = int(m.group(0))
        return rel(secs) if abs(secs - d0_ms // 1000) < 60 * 86400 else m.group(0)

    out = BASE.sub(b"{base}", ISO.sub(iso, raw))
    out = EPOCH.sub(epoch, out)
    # Longest ids first, so that one id is never a prefix of another's name.
    for value, name in sorted(names.items(), key=lambda kv: -len(str(kv[0]))):
        out = re.sub(rb"(?<![\d\w])" + str(value).encode() + rb"(?![\d\w])",
                     ("{" + name + "}").encode(), out)
    out = LONG.sub(lambda m: str(round(int(m.group(0)) / 10) * 10).encode(), out)
    return out.decode("utf-8")


def check(got):
    """got: {key: normalized text}. Compare with (or record) the golden."""
    golden.check("reports", got)
