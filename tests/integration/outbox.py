"""A service's outbox as the bus would deliver it, read with tests/tools/hd-events
(events.since over the service's RPC socket): one dict per event with seq,
type, source, shard, time_ms, payload (the decoded message, or None when the
type has no known message) and payload_hex."""
import json
import os
import subprocess


def outbox(ctx, s, service, after=0):
    """Every event in `service`'s outbox ("routing-0", "knowledge-0", …) after seq `after`;
    after=0: every event the service still keeps (it may have trimmed its
    oldest by age, e.g. after a test moved the business clock ahead)."""
    tools = ctx.tools_dir or os.path.join(os.path.dirname(os.path.abspath(ctx.bin_dir)), "tools")
    since = [str(after)] if after else []
    out = subprocess.run([os.path.join(tools, "hd-events"), f"ipc://{s.run}/{service}.rpc"] + since,
                         capture_output=True, text=True, timeout=30, env=s.env)
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
