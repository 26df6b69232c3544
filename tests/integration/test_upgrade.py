"""Upgrades (docs/operations.md): a store's schema version is checked at
start and a store from a newer release is refused with a clear message; an
event of a type this build does not know is held (stored, counted, logged),
never applied and never silently skipped; the list of known types matches
what the publishers emit."""
import os
import re
import subprocess
import tempfile
import time

from harness import Suite, create_ticket
from test_backup_restore import open_view, routing_subjects, wait_for

CONSUMERS = ["routing", "knowledge", "notifications", "metrics"]


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pb_bytes(field, b):
    return varint(field << 3 | 2) + varint(len(b)) + b


def pb_varint(field, v):
    return varint(field << 3) + varint(v)


def envelope(type_, source, shard, seq, incarnation, payload=b""):
    """An hd.Envelope (proto/common.proto), encoded by hand."""
    return (pb_bytes(1, type_.encode()) + pb_bytes(2, source.encode()) + pb_varint(3, shard)
            + pb_varint(4, seq) + pb_varint(5, int(time.time() * 1000))
            + pb_bytes(6, b"trace-upgrade") + pb_bytes(7, payload) + pb_varint(8, incarnation))


def mdb_put(store_dir, db, key, value):
    """Write one record into a stopped service's store with Debian's
    mdb_load (the same LMDB file format the services use)."""
    with tempfile.NamedTemporaryFile("w", suffix=".dump", delete=False) as f:
        f.write("VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n")
        f.write(f" {key.hex()}\n {value.hex()}\nDATA=END\n")
    try:
        r = subprocess.run(["mdb_load", "-s", db, "-f", f.name, store_dir], capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 0, r.stderr
    finally:
        os.unlink(f.name)


def test_unknown_event_type_is_held_not_skipped(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        view = open_view(c)
        assert create_ticket(c, subject="before").status == 201
        bus = s.wait_converged()
        src = [x for x in bus["sources"] if x["source"] == "intake"][0]
        latest, inc = src["latest_seq"], int(src["incarnation"], 16)
        # A newer intake's event, as if published by the next release.
        assert s.stop_service("intake") == 0
        mdb_put(os.path.join(s.data, "intake-0"), "__events", (latest + 1).to_bytes(8, "big"),
                envelope("ticket.merged_v9", "intake", 0, latest + 1, inc, b"\x08\x01"))
        s.restart("intake")
        r = create_ticket(c, subject="after the unknown event")
        assert r.status == 201, r
        tid = r.json["ticket"]["id"]
        bus = s.wait_converged()  # the cursors went past it ...
        cur = [x for c_ in bus["consumers"] for x in c_["cursors"] if x["source"] == "intake"]
        assert all(x["applied_seq"] == latest + 2 for x in cur), cur
        assert routing_subjects(c, view)[tid] == "after the unknown event"
        for svc in CONSUMERS:  # ... and every consumer kept it
            assert s.metric(f"{svc}-0", "hd_bus_held_events") == 1, svc
            assert s.metric(f"{svc}-0", "hd_bus_events_held_total") == 1, svc
        with open(s.logs["routing-0"], errors="replace") as f:
            log = f.read()
        assert "bus.event_held" in log and "type=ticket.merged_v9" in log, log[-2000:]
        # Still unknown after a restart of this build: still held.
        assert s.stop_service("routing") == 0
        s.restart("routing")
        assert s.metric("routing-0", "hd_bus_held_events") == 1
        assert s.metric("routing-0", "hd_bus_events_unheld_total") == 0


def test_store_from_a_newer_release_is_refused(ctx):
    with Suite(ctx.bin_dir, services=["intake"]).start() as s:
        assert s.stop_service("intake") == 0
        mdb_put(os.path.join(s.data, "intake-0"), "__meta", b"schema_version",
                (99).to_bytes(8, "big"))
        p = s.start_service("intake")
        p.wait(60)
        assert p.returncode == 1, p.returncode
        log = s.log_tail("intake-0", 20)
        assert "store.too_new" in log and "schema_version=99 supported=1" in log, log
        assert "newer Hana Desk" in log, log
        s.procs.pop("intake-0")  # exited as it should; nothing to stop


def test_known_event_types_match_the_publishers(ctx):
    """Every type a service emits is in hd_event_types (common/bus_held.c):
    a missing one would be held instead of applied."""
    src = open(os.path.join(ctx.root, "common", "bus_held.c"), encoding="utf-8").read()
    table = src[src.index("hd_event_types[] = {"):]
    known = set(re.findall(r'"([a-z_]+\.[a-z_.]+)"', table[:table.index("NULL")]))
    emitted = set()
    for root, _, files in os.walk(os.path.join(ctx.root, "services")):
        for name in files:
            if not name.endswith(".c"):
                continue
            text = open(os.path.join(root, name), encoding="utf-8").read()
            for m in re.finditer(r"(hd_txn_emit_pb|hd_txn_emit|store_user)\((.{0,200}?)\);",
                                 text, re.S):
                emitted |= set(re.findall(r'"([a-z_]+\.[a-z_.]+)"', m.group(2)))
    assert len(emitted) >= 20, emitted
    assert emitted <= known, sorted(emitted - known)
