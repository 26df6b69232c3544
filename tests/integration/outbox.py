"""A service's outbox as the bus would deliver it, read with tests/tools/hd-events
(events.since over the service's RPC socket): one dict per event with seq,
type, source, shard, time_ms, payload (the decoded message, or None when the
type has no known message) and payload_hex."""
import json
import os
import subprocess


def outbox(ctx, s, service, after=0):
    """Every event in `service`'s outbox ("routing-0", "knowledge-0", …) after seq `after`."""
    tools = ctx.tools_dir or os.path.join(os.path.dirname(os.path.abspath(ctx.bin_dir)), "tools")
    # after=0 leaves AFTER_SEQ out: every event the service still keeps, also
    # when it trimmed its oldest by age (a test clock days ahead does).
    args = [os.path.join(tools, "hd-events"), f"ipc://{s.run}/{service}.rpc"] + ([str(after)] if after else [])
    out = subprocess.run(args, capture_output=True, text=True, timeout=30, env=s.env)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def payloads(ctx, s, service, match):
    """The decoded payloads of the events whose type `match` accepts, each with
    the event's seq and type added; a payload that did not decode fails."""
    found = []
    for e in outbox(ctx, s, service):
        if match(e["type"]):
            assert isinstance(e["payload"], dict), e
            found.append(dict(e["payload"], seq=e["seq"], type=e["type"]))
    return found
