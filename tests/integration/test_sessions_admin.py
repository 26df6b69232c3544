"""Admins see and end a person's browser sessions (issue 18):
GET/DELETE /api/v2/hd/users/{id}/sessions[/{s}]. A session is listed by a
handle, never by the cookie's value; ending one signs that browser out at
once (this gateway's auth cache is flushed) and leaves the person's other
sessions and other people's alone. Who may call it: the authorization
matrix (authz_routes.py)."""
from harness import Suite
from test_session import Browser, cookie_of, sign_in
from test_tickets_api import end_user

S = "/api/v2/hd/session"


def signed_in(s, email):
    r = sign_in(s, email)
    assert r.status == 200, r
    return Browser(s, cookie_of(r), r.json["session"]["csrf_token"])


def test_admin_lists_and_ends_sessions(ctx):
    with Suite(ctx.bin_dir).start() as s:
        admin = s.client()
        uid, _ = end_user(s, "jisu@example.kr")
        other, _ = end_user(s, "dohyun@example.kr")
        b1, b2 = signed_in(s, "jisu@example.kr"), signed_in(s, "jisu@example.kr")
        b3 = signed_in(s, "dohyun@example.kr")
        for b in (b1, b2, b3):
            assert b.request("GET", S).status == 200

        r = admin.request("GET", f"/api/v2/hd/users/{uid}/sessions")
        assert r.status == 200, r
        assert r.json["count"] == 2 and len(r.json["sessions"]) == 2, r.json
        for x in r.json["sessions"]:
            assert set(x) == {"id", "created_at", "last_seen_at"}, x
            assert isinstance(x["id"], int) and 0 < x["id"] < 2 ** 53, x  # exact in JavaScript
            assert x["created_at"].endswith("Z"), x
        for b in (b1, b2):  # the credential itself is never shown
            assert b.sid not in r.raw.decode(), r.raw
        assert admin.request("GET", f"/api/v2/hd/users/{other}/sessions").json["count"] == 1

        # End one: exactly one of the two browsers is signed out.
        one = r.json["sessions"][0]["id"]
        d = admin.request("DELETE", f"/api/v2/hd/users/{uid}/sessions/{one}")
        assert d.status == 204, d
        states = sorted(b.request("GET", S).status for b in (b1, b2))
        assert states == [200, 401], states
        left = admin.request("GET", f"/api/v2/hd/users/{uid}/sessions").json
        assert left["count"] == 1 and left["sessions"][0]["id"] != one, left
        gone = admin.request("DELETE", f"/api/v2/hd/users/{uid}/sessions/{one}")
        assert gone.status == 404, gone
        assert admin.request("DELETE", f"/api/v2/hd/users/{uid}/sessions/abc").status == 404

        # End all of them: the other person's session holds.
        d = admin.request("DELETE", f"/api/v2/hd/users/{uid}/sessions")
        assert d.status == 204, d
        assert [b.request("GET", S).status for b in (b1, b2)] == [401, 401]
        assert admin.request("GET", f"/api/v2/hd/users/{uid}/sessions").json["count"] == 0
        assert b3.request("GET", S).status == 200
        assert admin.request("GET", f"/api/v2/hd/users/{other}/sessions").json["count"] == 1
