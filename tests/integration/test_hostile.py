"""Hostile input, many shapes at once: random bodies and queries against every
writable family must get a 4xx (never a 5xx or a crash), and every service
must still be alive afterwards. The seed is printed so a failure replays."""
import json
import os
import random
import urllib.parse

from harness import Suite

ENDPOINTS = [
    ("POST", "/api/v2/tickets.json", "ticket"),
    ("POST", "/api/v2/users.json", "user"),
    ("POST", "/api/v2/organizations.json", "organization"),
    ("POST", "/api/v2/groups.json", "group"),
    ("POST", "/api/v2/ticket_fields.json", "ticket_field"),
    ("POST", "/api/v2/ticket_forms.json", "ticket_form"),
    ("POST", "/api/v2/views.json", "view"),
    ("POST", "/api/v2/tickets/create_many.json", "tickets"),
]
KEYS = ["subject", "comment", "priority", "status", "type", "tags", "custom_fields", "requester",
        "requester_id", "assignee_id", "name", "email", "role", "title", "all", "any", "conditions",
        "custom_field_options", "domain_names", "ticket_field_ids", "due_at", "problem_id",
        "collaborators", "followers", "email_ccs", "uploads", "body", "public", "value", "id",
        "regexp_for_validation", "output", "restriction", "external_id", "organization_id"]


def junk(rng, depth=0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 2**63 - 1, 2**64 + 5, 3.5, 1e308])
    if kind == 3:
        return rng.choice(["", " ", "배송", "x" * 300, "a\u0000b", "\ud7ff", "(((", "[*", "current_user",
                           "urgent", "solved", "2024-02-30", "none", "\"quoted", "<script>alert(1)</script>"])
    if kind == 4:
        return "".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(20)))
    if kind == 5:
        return rng.randrange(-5, 10**6)
    if kind in (6, 7):
        return {rng.choice(KEYS): junk(rng, depth + 1) for _ in range(rng.randrange(5))}
    return [junk(rng, depth + 1) for _ in range(rng.randrange(4))]


def test_random_hostile_requests_get_clear_errors(ctx):
    seed = int(os.environ.get("HD_HOSTILE_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    print(f"hostile seed {seed}")
    queries = ["status<", "created>4hours", '"unclosed', "-", "tags:", "priority>nonsense",
               "custom_field_1:", "assignee:me@", "group:\"\"", "order_by:nothing", "(", "type:user",
               "created>2024-13-45", "배송 -배송", "*", "solved<2024-01-01T00:00:00Z"]
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        for i in range(250):
            method, path, key = rng.choice(ENDPOINTS)
            roll = rng.random()
            if roll < 0.6:  # mostly well-shaped objects with wrong values
                body = {key: {rng.choice(KEYS): junk(rng, 1) for _ in range(rng.randrange(1, 8))}}
            else:
                body = {key: junk(rng)} if roll < 0.9 else junk(rng)
            r = c.request(method, path, json.dumps(body))
            assert r.status < 500, (seed, i, path, body, r)
            q = rng.choice(queries) + " " + str(junk(rng))
            r = c.request("GET", "/api/v2/search.json?query=" + urllib.parse.quote(q))
            assert r.status < 500, (seed, i, q, r)
        for k, p in s.procs.items():
            assert p.poll() is None, f"{k} died (seed {seed})"
