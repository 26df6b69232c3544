"""Ticket fields and forms (API.md §4): definitions, their copy on every
intake shard (shard 0's events), and the values tickets carry (validation,
implied tags)."""
import base64

from harness import Suite, create_ticket, wait_until

FIELDS = "/api/v2/ticket_fields"


def new_field(c, **f):
    r = c.request("POST", FIELDS + ".json", {"ticket_field": f})
    assert r.status == 201, r
    return r.json["ticket_field"]


def invalid(r, key):
    assert r.status == 422, r
    assert r.json["error"] == "RecordInvalid" and key in r.json["details"], r


def latest_seq(s):
    return sum(src["latest_seq"] for src in s.bus()["sources"] if src["source"] == "intake")


def make_all_types(c):
    f = {}
    f["text"] = new_field(c, type="text", title="Order number", position=3)
    f["textarea"] = new_field(c, type="textarea", title="Notes", position=2)
    f["checkbox"] = new_field(c, type="checkbox", title="VIP", tag="vip_customer")
    f["date"] = new_field(c, type="date", title="Due")
    f["integer"] = new_field(c, type="integer", title="Seats")
    f["decimal"] = new_field(c, type="decimal", title="Amount")
    f["regexp"] = new_field(c, type="regexp", title="SKU", regexp_for_validation="^[A-Z]{3}-[0-9]+$")
    f["tagger"] = new_field(c, type="tagger", title="Product", custom_field_options=[
        {"name": "Phone", "value": "product_phone"}, {"name": "Laptop", "value": "product_laptop"}])
    f["multiselect"] = new_field(c, type="multiselect", title="Areas", custom_field_options=[
        {"name": "Billing", "value": "area_billing"}, {"name": "Shipping", "value": "area_shipping"}])
    return f


def test_field_definitions(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        r = c.request("POST", FIELDS, {"ticket_field": {"type": "tagger", "title": "Product", "position": 5,
                                                        "custom_field_options": [{"name": "Phone", "value": "Phone_1"},
                                                                                 {"name": "Laptop", "value": "laptop"}]}})
        assert r.status == 201, r
        f = r.json["ticket_field"]
        assert r.headers["location"] == f"http://127.0.0.1:{s.http_port}/api/v2/ticket_fields/{f['id']}.json"
        assert f["type"] == "tagger" and f["title"] == "Product" and f["raw_title"] == "Product"
        assert f["active"] is True and f["required"] is False and f["visible_in_portal"] is False
        assert f["created_at"].endswith("Z") and f["url"].endswith(f"/ticket_fields/{f['id']}.json")
        opts = f["custom_field_options"]
        assert [o["value"] for o in opts] == ["phone_1", "laptop"], opts
        assert all(isinstance(o["id"], int) and o["id"] > 0 for o in opts) and opts[0]["id"] != opts[1]["id"]
        text = new_field(c, title="Order number", position=1)
        assert text["type"] == "text" and "custom_field_options" not in text
        # Position order.
        lst = c.request("GET", FIELDS + ".json")
        assert lst.status == 200, lst
        assert [x["id"] for x in lst.json["ticket_fields"]] == [text["id"], f["id"]], lst
        assert lst.json["count"] == 2
        # Bad definitions name their field; nothing is stored.
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": "text"}}), "title")
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": "text", "title": "   "}}), "title")
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": "bogus", "title": "x"}}), "type")
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": 5, "title": "x"}}), "type")
        invalid(c.request("POST", FIELDS, {"ticket_field": {"title": "x", "required": "yes"}}), "required")
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": "tagger", "title": "x"}}), "custom_field_options")
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": "tagger", "title": "x", "custom_field_options": [
            {"name": "A", "value": "has space"}]}}), "custom_field_options")
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": "tagger", "title": "x", "custom_field_options": [
            {"name": "A", "value": "a"}, {"name": "B", "value": "A"}]}}), "custom_field_options")
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": "regexp", "title": "x",
                                                            "regexp_for_validation": "(unclosed"}}),
                "regexp_for_validation")
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": "regexp", "title": "x"}}), "regexp_for_validation")
        # A tag can't be reused across fields.
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": "multiselect", "title": "y", "custom_field_options": [
            {"name": "L", "value": "laptop"}]}}), "custom_field_options")
        invalid(c.request("POST", FIELDS, {"ticket_field": {"type": "checkbox", "title": "y", "tag": "phone_1"}}), "tag")
        bad_body = c.request("POST", FIELDS, {"field": {}})
        assert bad_body.status == 400, bad_body
        assert len(c.request("GET", FIELDS).json["ticket_fields"]) == 2
        # Update keeps option ids by value and the creation time.
        u = c.request("PUT", f"{FIELDS}/{f['id']}.json", {"ticket_field": {
            "title": "Device", "required": True,
            "custom_field_options": [{"name": "Laptop!", "value": "laptop"}, {"name": "Tablet", "value": "tablet"}]}})
        assert u.status == 200, u
        g = u.json["ticket_field"]
        assert g["title"] == "Device" and g["required"] is True and g["type"] == "tagger"
        assert g["custom_field_options"][0]["id"] == opts[1]["id"]
        assert g["custom_field_options"][0]["name"] == "Laptop!"
        assert g["custom_field_options"][1]["id"] not in (opts[0]["id"], opts[1]["id"])
        assert g["created_at"] == f["created_at"]
        assert c.request("GET", f"{FIELDS}/{f['id']}").json["ticket_field"] == g
        invalid(c.request("PUT", f"{FIELDS}/{f['id']}", {"ticket_field": {"title": ""}}), "title")
        assert c.request("PUT", f"{FIELDS}/{f['id'] + 99999}", {"ticket_field": {"title": "x"}}).status == 404
        # Delete.
        d = c.request("DELETE", f"{FIELDS}/{f['id']}.json")
        assert d.status == 204 and d.raw == b"", d
        assert c.request("GET", f"{FIELDS}/{f['id']}").status == 404
        assert c.request("DELETE", f"{FIELDS}/{f['id']}").status == 404
        # The freed tag can be used again.
        new_field(c, type="checkbox", title="Laptop owner", tag="laptop")


def test_field_values_on_tickets(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        f = make_all_types(c)
        good = [
            {"id": f["text"]["id"], "value": "A-1"},
            {"id": f["textarea"]["id"], "value": "line one\nline two"},
            {"id": f["checkbox"]["id"], "value": True},
            {"id": f["date"]["id"], "value": "2024-02-29"},
            {"id": f["integer"]["id"], "value": "-42"},
            {"id": f["decimal"]["id"], "value": "3.25"},
            {"id": f["regexp"]["id"], "value": "ABC-123"},
            {"id": f["tagger"]["id"], "value": "product_phone"},
            {"id": f["multiselect"]["id"], "value": ["area_billing", "area_shipping"]},
        ]
        r = create_ticket(c, tags=["mine"], custom_fields=good)
        assert r.status == 201, r
        t = r.json["ticket"]
        values = {x["id"]: x["value"] for x in t["custom_fields"]}
        assert values[f["tagger"]["id"]] == "product_phone" and values[f["checkbox"]["id"]] is True
        assert values[f["multiselect"]["id"]] == ["area_billing", "area_shipping"]
        assert set(t["tags"]) == {"mine", "vip_customer", "product_phone", "area_billing", "area_shipping"}, t["tags"]
        # Integers may come as JSON numbers.
        assert create_ticket(c, custom_fields=[{"id": f["integer"]["id"], "value": 7}]).status == 201
        before = latest_seq(s)
        bad = [
            ("checkbox", "yes"), ("date", "2023-02-29"), ("date", "2024-13-01"), ("date", "24-01-01"),
            ("integer", "4.5"), ("integer", "12a"), ("integer", True), ("decimal", "1.2.3"), ("decimal", "abc"),
            ("regexp", "abc-123"), ("tagger", "product_fridge"), ("tagger", ["product_phone"]),
            ("multiselect", ["area_billing", "area_nowhere"]), ("multiselect", "area_billing"), ("text", False),
        ]
        for kind, value in bad:
            r = create_ticket(c, custom_fields=[{"id": f[kind]["id"], "value": value}])
            invalid(r, f"custom_fields_{f[kind]['id']}")
        invalid(create_ticket(c, custom_fields=[{"id": 987654321, "value": "x"}]), "custom_fields_987654321")
        assert latest_seq(s) == before, "a rejected ticket wrote something"
        # Updates retag: the old option's tag goes, the new one comes; an
        # update of custom_fields alone is saved and audited per field.
        u = c.request("PUT", f"/api/v2/tickets/{t['id']}.json", {"ticket": {"custom_fields": [
            {"id": f["tagger"]["id"], "value": "product_laptop"}, {"id": f["checkbox"]["id"], "value": False},
            {"id": f["multiselect"]["id"], "value": ["area_shipping"]}]}})
        assert u.status == 200, u
        tags = set(u.json["ticket"]["tags"])
        assert tags == {"mine", "product_laptop", "area_shipping"}, tags
        changes = {e["field_name"]: e for e in u.json["audit"]["events"] if e["type"] == "Change"}
        assert changes[str(f["tagger"]["id"])]["value"] == "product_laptop", changes
        assert changes[str(f["tagger"]["id"])]["previous_value"] != "product_laptop", changes
        assert "tags" in changes, changes
        invalid(c.request("PUT", f"/api/v2/tickets/{t['id']}.json", {"ticket": {"subject": "x", "custom_fields": [
            {"id": f["tagger"]["id"], "value": "nope"}]}}), f"custom_fields_{f['tagger']['id']}")
        g = c.request("GET", f"/api/v2/tickets/{t['id']}.json").json["ticket"]
        assert set(g["tags"]) == tags, (g["tags"], tags)


def test_required_fields_and_forms(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        req = new_field(c, type="text", title="Account", required=True)
        other = new_field(c, type="integer", title="Seats")
        invalid(create_ticket(c), f"custom_fields_{req['id']}")
        invalid(create_ticket(c, custom_fields=[{"id": req["id"], "value": ""}]), f"custom_fields_{req['id']}")
        ok = create_ticket(c, custom_fields=[{"id": req["id"], "value": "acme"}])
        assert ok.status == 201, ok
        tid = ok.json["ticket"]["id"]
        # An update may leave it alone but not clear it.
        assert c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"priority": "high"}}).status == 200
        invalid(c.request("PUT", f"/api/v2/tickets/{tid}", {"ticket": {"subject": "x", "custom_fields": [
            {"id": req["id"], "value": None}]}}), f"custom_fields_{req['id']}")
        # Forms group fields; their ids must exist.
        r = c.request("POST", "/api/v2/ticket_forms.json", {"ticket_form": {
            "name": "Hardware", "ticket_field_ids": [other["id"]], "end_user_visible": True}})
        assert r.status == 201, r
        form = r.json["ticket_form"]
        assert form["ticket_field_ids"] == [other["id"]] and form["active"] is True
        assert form["display_name"] == "Hardware" and form["raw_name"] == "Hardware"
        invalid(c.request("POST", "/api/v2/ticket_forms", {"ticket_form": {"name": "X", "ticket_field_ids": [424242]}}),
                "ticket_field_ids")
        invalid(c.request("POST", "/api/v2/ticket_forms", {"ticket_form": {"name": ""}}), "name")
        assert [x["id"] for x in c.request("GET", "/api/v2/ticket_forms").json["ticket_forms"]] == [form["id"]]
        # With a form, only its fields are required.
        withform = create_ticket(c, ticket_form_id=form["id"])
        assert withform.status == 201, withform
        assert withform.json["ticket"]["ticket_form_id"] == form["id"]
        invalid(create_ticket(c, ticket_form_id=form["id"] + 1000), "ticket_form_id")
        # An inactive form can't be chosen.
        u = c.request("PUT", f"/api/v2/ticket_forms/{form['id']}", {"ticket_form": {"active": False}})
        assert u.status == 200 and u.json["ticket_form"]["active"] is False, u
        invalid(create_ticket(c, ticket_form_id=form["id"]), "ticket_form_id")
        assert c.request("DELETE", f"/api/v2/ticket_forms/{form['id']}").status == 204
        assert c.request("GET", f"/api/v2/ticket_forms/{form['id']}").status == 404


def test_fields_on_every_shard(ctx):
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        f = new_field(c, type="tagger", title="Product", custom_field_options=[{"name": "P", "value": "prod_p"}])
        shards = set()
        for i in range(8):
            rq = {"email": f"shopper{i}@example.com", "name": f"S{i}"}
            r = create_ticket(c, requester=rq, custom_fields=[{"id": f["id"], "value": "prod_p"}])
            assert r.status == 201 and "prod_p" in r.json["ticket"]["tags"], r
            shards.add(r.json["ticket"]["id"] & 0xFF)
            bad = create_ticket(c, requester=rq, custom_fields=[{"id": f["id"], "value": "prod_q"}])
            invalid(bad, f"custom_fields_{f['id']}")
        assert shards == {0, 1}, shards
        # A deleted field is gone from every shard.
        assert c.request("DELETE", f"{FIELDS}/{f['id']}").status == 204
        for i in range(8):
            r = create_ticket(c, requester={"email": f"shopper{i}@example.com"},
                              custom_fields=[{"id": f["id"], "value": "prod_p"}])
            invalid(r, f"custom_fields_{f['id']}")


def on_shard(c, shard, **extra):
    """Create tickets with changing requesters until one lands on shard;
    its response."""
    for i in range(64):
        rq = {"email": f"catchup{i}@example.com", "name": f"C{i}"}
        r = create_ticket(c, requester=rq, **extra)
        if r.status != 201 or r.json["ticket"]["id"] & 0xFF == shard:
            return r
    raise AssertionError(f"no ticket landed on shard {shard}")


def test_stopped_shard_catches_up_on_definitions(ctx):
    """Definitions reach the other intake shards as shard 0's events: a
    shard that was down while a field was created, changed and another
    deleted applies them by itself when it starts again — no gateway copy
    that fails (fields.replicate_failed) and leaves the shards disagreeing."""
    with Suite(ctx.bin_dir, shards=2).start() as s:
        c = s.client()
        old = new_field(c, type="text", title="Old")
        assert s.stop_service("intake", 1) == 0
        f = new_field(c, type="tagger", title="제품", custom_field_options=[{"name": "P", "value": "prod_p"}])
        r = c.request("PUT", f"{FIELDS}/{f['id']}.json", {"ticket_field": {
            "custom_field_options": [{"name": "P", "value": "prod_p"}, {"name": "Q", "value": "prod_q"}]}})
        assert r.status == 200, r
        assert c.request("DELETE", f"{FIELDS}/{old['id']}").status == 204
        form = c.request("POST", "/api/v2/ticket_forms.json", {"ticket_form": {
            "name": "Orders", "ticket_field_ids": [f["id"]], "active": True}})
        assert form.status == 201, form
        s.restart("intake", 1)

        def applied():
            r = on_shard(c, 1, custom_fields=[{"id": f["id"], "value": "prod_q"}],
                         ticket_form_id=form.json["ticket_form"]["id"])
            return r.status == 201 and "prod_q" in r.json["ticket"]["tags"] and r
        wait_until(applied, 60, "shard 1 to apply the field made while it was down")
        invalid(on_shard(c, 1, custom_fields=[{"id": f["id"], "value": "prod_x"}]), f"custom_fields_{f['id']}")
        invalid(on_shard(c, 1, custom_fields=[{"id": old["id"], "value": "x"}]), f"custom_fields_{old['id']}")
        bus = s.wait_converged()
        mine = [cur for con in bus["consumers"] if con["service"] == "intake" and con["shard"] == 1
                for cur in con["cursors"]]
        # shard 0's definitions (and routing's triggers, which every shard follows)
        assert [(x["source"], x["shard"]) for x in mine] == [("intake", 0), ("routing", 0)], bus
        for k in s.logs:
            assert not s.log_grep(k, "replicate_failed"), k


def test_field_permissions(ctx):
    with Suite(ctx.bin_dir).start() as s:
        c = s.client()
        hidden = new_field(c, title="Internal")
        shown = new_field(c, title="Order", visible_in_portal=True)
        users = {}
        for role in ("agent", "end-user"):
            email = f"{role}@example.com"
            r = c.request("POST", "/api/v2/users", {"user": {"name": role, "email": email, "role": role}})
            assert r.status == 201, r
            uid = r.json["user"]["id"]
            p = c.request("PUT", f"/api/v2/users/{uid}/password", {"password": "Sup3r-secret-pw!"})
            if p.status not in (200, 204):
                print(f"  (skipping the {role} checks: passwords unavailable: {p})")
                return
            raw = base64.b64encode(f"{email}:Sup3r-secret-pw!".encode()).decode()
            users[role] = s.client(auth="Basic " + raw)
        agent, enduser = users["agent"], users["end-user"]
        r = agent.request("POST", FIELDS, {"ticket_field": {"title": "Nope"}})
        assert r.status == 403, r
        assert agent.request("DELETE", f"{FIELDS}/{hidden['id']}").status == 403
        assert [x["id"] for x in agent.request("GET", FIELDS).json["ticket_fields"]] == [hidden["id"], shown["id"]]
        lst = enduser.request("GET", FIELDS)
        assert lst.status == 200 and [x["id"] for x in lst.json["ticket_fields"]] == [shown["id"]], lst
        assert enduser.request("GET", f"{FIELDS}/{hidden['id']}").status == 404
        # required_in_portal binds end-users only.
        portal = new_field(c, title="Serial", visible_in_portal=True, editable_in_portal=True,
                           required_in_portal=True)
        invalid(create_ticket(enduser), f"custom_fields_{portal['id']}")
        assert create_ticket(enduser, custom_fields=[{"id": portal["id"], "value": "S1"}]).status == 201
        assert create_ticket(agent).status == 201
