"""The bytes the gateway answers for the trigger preview, the rule builder's
definitions and users with custom field values, against a golden file
recorded while routing still answered the preview as JSON text and users
stored user_fields as JSON text (issue 14: no proto field carries a JSON
document; the gateway renders Zendesk's JSON from typed messages). Only
what differs between runs is normalized: the base url, times and ids (by
the name the test gave them). HD_GOLDEN_WRITE=1 records the file instead
of comparing."""
import re

import golden
from harness import Suite, create_ticket
from rules_helpers import TRIGGERS, cond, new_rule, settle
from test_fields import new_field

PREVIEW = "/api/v2/hd/triggers/preview"

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
BASE = re.compile(r"https?://[^/\"\s]+")
TOKEN = re.compile(r'"authenticity_token":"[0-9a-f]+"')


def normalize(raw, names):
    out = BASE.sub("{base}", ISO.sub("{time}", raw.decode("utf-8")))
    out = TOKEN.sub('"authenticity_token":"{token}"', out)
    for value, name in sorted(names.items(), key=lambda kv: -len(str(kv[0]))):
        out = re.sub(r"(?<![\d\w])" + str(value) + r"(?![\d\w])", "{" + name + "}", out)
    return out


def ok(r, status=200):
    assert r.status == status, r
    return r


# Every kind of action a preview reports: ticket fields, ids, tags, custom
# fields of each value type, comments (joined, html, privacy) and
# notifications; the second trigger fires on the first one's tag.
def first_actions(g, me, f):
    return [{"field": "status", "value": "open"}, {"field": "priority", "value": "high"},
            {"field": "type", "value": "incident"}, {"field": "subject", "value": "새 제목 \"따옴표\""},
            {"field": "group_id", "value": str(g)}, {"field": "assignee_id", "value": str(me)},
            {"field": "current_tags", "value": "a_tag b_tag"}, {"field": "remove_tags", "value": "old"},
            {"field": f"custom_fields_{f['tagger']}", "value": "refund"},
            {"field": f"custom_fields_{f['integer']}", "value": 12},
            {"field": f"custom_fields_{f['decimal']}", "value": 1.5},
            {"field": f"custom_fields_{f['checkbox']}", "value": True},
            {"field": "comment_value", "value": "안녕하세요"},
            {"field": "comment_mode_is_public", "value": "false"},
            {"field": "notification_user", "value": ["requester_id", "제목 {{ticket.id}}", "본문"]}]


def second_actions(g, f):
    return [{"field": "priority", "value": ""}, {"field": "assignee_id", "value": ""},
            {"field": "comment_value", "value": ["channel:all", "둘째 줄"]},
            {"field": f"custom_fields_{f['integer']}", "value": None},
            {"field": f"custom_fields_{f['text']}", "value": "자유 입력"},
            {"field": "set_tags", "value": "a_tag c_tag"},
            {"field": "notification_group", "value": [str(g), "그룹 제목", "그룹 본문"]}]


def fields(c):
    f = {t: new_field(c, type=t, title=f"필드 {t}")["id"] for t in ("integer", "decimal", "checkbox", "text")}
    f["tagger"] = new_field(c, type="tagger", title="종류", custom_field_options=[
        {"name": "환불", "value": "refund"}, {"name": "배송", "value": "shipping"}])["id"]
    return f


def previews(s, c, names):
    out = {}
    me = c.request("GET", "/api/v2/users/me").json["user"]["id"]
    g = ok(c.request("POST", "/api/v2/groups.json", {"group": {"name": "환불팀"}}), 201).json["group"]["id"]
    f = fields(c)
    names.update({me: "me", g: "g"})
    names.update({v: "f_" + k for k, v in f.items()})
    t = create_ticket(c, subject="환불 요청", body="환불해 주세요", tags=["old", "keep"]).json["ticket"]["id"]
    quiet = create_ticket(c, subject="조용한", body="아무 일 없음").json["ticket"]["id"]
    names.update({t: "t", quiet: "quiet"})
    settle(s)
    a = new_rule(c, TRIGGERS, "첫째", [cond("current_tags", "includes", "old")], actions=first_actions(g, me, f))
    b = new_rule(c, TRIGGERS, "둘째", [cond("current_tags", "includes", "a_tag")], actions=second_actions(g, f))
    names.update({a["id"]: "rule_a", b["id"]: "rule_b"})
    for kind in ("Create", "Change"):
        out[f"preview {kind}"] = ok(c.request("POST", PREVIEW, {"ticket_id": t, "update_type": kind})).raw
    out["preview quiet"] = ok(c.request("POST", PREVIEW, {"ticket_id": quiet})).raw
    html = {"title": "미저장 HTML", "conditions": {"all": [cond("status", "is", "new")]},
            "actions": [{"field": "comment_value", "value": "평문"},
                        {"field": "comment_value_html", "value": "<p>굵게</p>"},
                        {"field": "custom_fields_" + str(f["tagger"]), "value": ["refund", "shipping"]}]}
    out["preview unsaved"] = ok(c.request("POST", PREVIEW, {"ticket_id": quiet, "trigger": html})).raw
    edited = {"id": b["id"], "actions": [{"field": "comment_mode_is_public", "value": "true"}]}
    out["preview edited"] = ok(c.request("POST", PREVIEW, {"ticket_id": t, "trigger": edited})).raw
    out["triggers/definitions"] = ok(c.request("GET", "/api/v2/triggers/definitions")).raw
    out["automations/definitions"] = ok(c.request("GET", "/api/v2/automations/definitions")).raw
    return out


USER_FIELDS = {"tier": "gold", "n": 12, "neg": -3, "r": 1.5, "big": 12345678901234, "yes": True, "no": False,
               "none": None, "list": ["a", "b"], "empty_list": [], "한글 키": "값 \"인용\"\n줄", "empty": "",
               "tier2": "silver"}


def users(c, names):
    out = {}
    r = ok(c.request("POST", "/api/v2/users.json", {"user": {
        "name": "김민준", "email": "minjun@example.kr", "user_fields": USER_FIELDS}}), 201)
    u = r.json["user"]["id"]
    names[u] = "u"
    out["create"] = r.raw
    out["show"] = ok(c.request("GET", f"/api/v2/users/{u}.json")).raw
    out["update other key"] = ok(c.request("PUT", f"/api/v2/users/{u}.json", {"user": {"name": "김민준2"}})).raw
    out["update fields"] = ok(c.request("PUT", f"/api/v2/users/{u}.json", {
        "user": {"user_fields": {"b": 1, "a": "x", "b2": [1, 2.5, None, True]}}})).raw
    out["update null"] = ok(c.request("PUT", f"/api/v2/users/{u}.json", {"user": {"user_fields": None}})).raw
    out["update empty"] = ok(c.request("PUT", f"/api/v2/users/{u}.json", {"user": {"user_fields": {}}})).raw
    r = ok(c.request("POST", "/api/v2/users.json", {"user": {"name": "없음", "email": "none@example.kr"}}), 201)
    names[r.json["user"]["id"]] = "u2"
    out["create without"] = r.raw
    v = ok(c.request("POST", "/api/v2/users.json", {"user": {
        "name": "둘째", "email": "second@example.kr", "user_fields": {"k": "v", "n": 0}}}), 201)
    names[v.json["user"]["id"]] = "u3"
    out["list"] = ok(c.request("GET", "/api/v2/users.json?role=end-user")).raw
    out["me"] = ok(c.request("GET", "/api/v2/users/me.json")).raw
    return out


def test_rules_and_users_golden(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        names = {}
        out = previews(s, c, names)
        out.update({"users " + k: v for k, v in users(c, names).items()})
        golden.check("rules_users", {k: normalize(v, names) for k, v in out.items()})


def test_user_fields_refuse_what_they_cannot_hold(ctx):
    """user_fields values are text, numbers, true/false, null or lists of
    those (every Zendesk user field type); anything else answers 422
    naming the key, and the user keeps the values it had."""
    with Suite(ctx.bin_dir, services=["intake", "gateway"]).start() as s:
        c = s.client()
        u = ok(c.request("POST", "/api/v2/users.json", {"user": {
            "name": "값", "email": "v@example.kr", "user_fields": {"tier": "gold"}}}), 201).json["user"]["id"]
        for fields, key in [({"obj": {"a": 1}}, "obj"), ({"ok": 1, "깊은": [[1]]}, "깊은"),
                            ({"l": [{"a": 1}]}, "l")]:
            r = c.request("PUT", f"/api/v2/users/{u}.json", {"user": {"user_fields": fields}})
            assert r.status == 422 and "user_fields" in r.json["details"], r
            assert f"user_fields.{key}:" in r.json["details"]["user_fields"][0]["description"], r
        for bad in ("text", 1, ["a"]):
            r = c.request("PUT", f"/api/v2/users/{u}.json", {"user": {"user_fields": bad}})
            assert r.status == 422 and "user_fields" in r.json["details"], r
        r = c.request("POST", "/api/v2/users.json", {"user": {
            "name": "새", "email": "n@example.kr", "user_fields": {"x": {"y": 1}}}})
        assert r.status == 422 and "user_fields.x:" in r.json["details"]["user_fields"][0]["description"], r
        assert ok(c.request("GET", f"/api/v2/users/{u}.json")).json["user"]["user_fields"] == {"tier": "gold"}
