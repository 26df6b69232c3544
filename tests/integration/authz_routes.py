"""Who may use each gateway route: one row per "METHOD PATTERN" of
`hd-gateway --routes`, read by test_authz_matrix.py.

A row names the callers allowed (2xx, or a 4xx about the body: the request
got past authorization); every other signed-in caller must get 403 or 404,
and callers with wrong credentials or a suspended account 401 everywhere.
The read-scoped OAuth token (an admin's, scopes ["read"]) gets what the
admin gets on GET and 403 on anything else. `objects` names what fills
the pattern's {id}/{s} slots (World.ids in the test; default: by the
segment before the slot, SLOT_OBJECTS). `pending` marks rows another
engineer's branch fixes: the test runs and reports them without failing,
and such a row may name a route that branch has not brought yet.

Callers: anon (no credentials), a (end-user, owner of the objects, org A),
b (end-user of another organization), agent, admin; suspended, read_token
and wrong are derived.
"""

PUBLIC = ("anon", "a", "b", "agent", "admin")
SIGNED = ("a", "b", "agent", "admin")
OWNER = ("a", "agent", "admin")  # A's ticket/user/org: B is a stranger
STAFF = ("agent", "admin")
ADMIN = ("admin",)
NOBODY = ()

# The object a slot takes, by the path segment before it.
SLOT_OBJECTS = {
    "tickets": "ticket_a", "attachments": "attachment_internal", "job_statuses": "none",
    "deleted_tickets": "ticket_deleted", "users": "user_a", "organizations": "org_a",
    "groups": "group", "group_memberships": "membership", "ticket_fields": "field",
    "ticket_forms": "form", "views": "view_shared", "triggers": "trigger",
    "automations": "automation", "schedules": "schedule", "holidays": "holiday",
    "policies": "sla", "webhooks": "webhook", "invocations": "999999", "dead_letters": "999999",
    "side_conversations": "side_conv", "requests": "ticket_a", "cards": "card",
    "proposals": "card_proposal", "versions": "1", "macros": "macro_shared",
    "from_ticket": "ticket_a", "agents": "agent", "failed": "999999", "help_center": "en-us",
    "categories": "category", "sections": "section", "articles": "article",
    "translations": "en-us", "deflection": "deflection", "ticket_metrics": "ticket_a",
    "satisfaction_ratings": "999999", "reports": "tickets", "api_tokens": "api_token",
    "tokens": "oauth_a",
}


class Row:
    def __init__(self, allowed, objects=None, destroys=None, missing=False, pending=None,
                 over=None, token=None, query="", body=None):
        self.allowed = allowed
        self.query = query  # appended to the path ("?query=…"; "{x}" takes World.ids[x])
        self.body = body  # writes: a valid body (default {}), so a refusal cannot hide behind a 400
        self.objects = objects
        self.destroys = destroys
        self.missing = missing  # the object may not exist: 404 counts as allowed
        self.pending = pending
        self.over = over or {}  # caller -> "401" | "403" | "404" | "deny" | "ok"
        self.token = token


R = Row


def slots(pattern):
    segs = pattern.split("/")
    return [SLOT_OBJECTS.get(segs[i - 1], "none") for i, s in enumerate(segs) if s in ("{id}", "{s}")]


def expect(row, method, who):
    if who in ("wrong", "suspended"):
        return "401"
    if who == "read_token":
        if row.token:
            return row.token
        return expect(row, method, "admin") if method == "GET" else "403"
    if who in row.over:
        return row.over[who]
    if who in row.allowed:
        return "ok"
    return "401" if who == "anon" else "deny"

PENDING_OBJECTS = "objects"  # hole 1: attachments follow their comment's visibility
T = {"ticket": {"comment": {"body": "matrix comment", "public": True}}}
CREATE_T = {"ticket": {"subject": "matrix", "comment": {"body": "matrix"}}}
IMPORT_T = {"ticket": {"subject": "matrix import", "requester": {"email": "import-matrix@example.com",
                                                                 "name": "Import Matrix"},
                       "created_at": "2024-01-02T03:04:05Z", "comments": [{"value": "matrix"}]}}
COND = [{"field": "status", "operator": "is", "value": "new"}]
RULE = {"title": "m", "conditions": {"all": COND, "any": []}, "actions": [{"field": "priority", "value": "high"}]}

ROUTES = {
    # ---- tickets ----
    "GET /api/v2/tickets": R(SIGNED),  # end-users: their own (data checks)
    "POST /api/v2/tickets": R(SIGNED, body=CREATE_T),
    "GET /api/v2/tickets/count": R(SIGNED),
    "GET /api/v2/tickets/show_many": R(SIGNED, query="?ids={ticket_a}"),
    "POST /api/v2/tickets/create_many": R(STAFF, body={"tickets": [CREATE_T["ticket"]]}),
    "POST /api/v2/imports/tickets": R(ADMIN, body=IMPORT_T),
    "POST /api/v2/imports/tickets/create_many": R(ADMIN, body={"tickets": [IMPORT_T["ticket"]]}),
    "GET /api/v2/hd/imports/map": R(ADMIN, query="?type=ticket&zendesk_id=1", missing=True),
    "PUT /api/v2/tickets/update_many": R(STAFF, query="?ids={ticket_a}", body={"ticket": {"priority": "low"}}),
    "DELETE /api/v2/tickets/destroy_many": R(STAFF, query="?ids={throwaway}"),
    "POST /api/v2/tickets/{id}/merge": R(STAFF, body={"ids": [0]}),
    "GET /api/v2/job_statuses/show_many": R(SIGNED),
    "GET /api/v2/job_statuses/{s}": R(SIGNED, missing=True),
    "POST /api/v2/uploads": R(SIGNED),
    "GET /api/v2/attachments/{id}": R(STAFF),
    "GET /api/v2/attachments/{id}/content": R(STAFF, query="?token={attachment_token}"),
    "GET /api/v2/tickets/{id}": R(OWNER),
    "PUT /api/v2/tickets/{id}": R(OWNER, body=T),
    "DELETE /api/v2/tickets/{id}": R(STAFF),
    "GET /api/v2/tickets/{id}/tags": R(OWNER),
    "POST /api/v2/tickets/{id}/tags": R(STAFF, body={"tags": ["m"]}),
    "PUT /api/v2/tickets/{id}/tags": R(STAFF, body={"tags": ["m"]}),
    "DELETE /api/v2/tickets/{id}/tags": R(STAFF, destroys=False, body={"tags": ["none"]}),
    "GET /api/v2/tickets/{id}/comments": R(OWNER),  # A sees no private comment (data checks)
    "GET /api/v2/tickets/{id}/audits": R(OWNER),
    "GET /api/v2/deleted_tickets": R(STAFF),
    "PUT /api/v2/deleted_tickets/{id}/restore": R(STAFF, destroys=True),  # one deleted ticket each
    "GET /api/v2/users/{id}/tickets/requested": R(SIGNED),  # filtered (data checks)
    "GET /api/v2/users/{id}/tickets/assigned": R(SIGNED),
    "GET /api/v2/users/{id}/tickets/ccd": R(SIGNED),
    "GET /api/v2/organizations/{id}/tickets": R(SIGNED),
    # ---- people ----
    "GET /api/v2/users/me": R(PUBLIC),
    "GET /api/v2/users/search": R(STAFF, query="?query=ann"),
    "GET /api/v2/users/show_many": R(STAFF, query="?ids={user_a}"),
    "POST /api/v2/users/create_or_update": R(STAFF, body={"user": {"name": "C", "email": "cou@example.com"}}),
    "GET /api/v2/users": R(STAFF),
    "POST /api/v2/users": R(STAFF, body={"user": {"name": "N", "email": "new-{n}@example.com"}}),
    "GET /api/v2/users/{id}": R(OWNER),
    "PUT /api/v2/users/{id}": R(OWNER, body={"user": {"phone": "+82 2 555 0100"}}),
    "DELETE /api/v2/users/{id}": R(ADMIN),
    "PUT /api/v2/users/{id}/password": R(("a", "admin"), body={"password": "Sup3r-secret-pw!"}),
    "POST /api/v2/users/{id}/password": R(("a", "admin"), body={"password": "Sup3r-secret-pw!"}),
    "GET /api/v2/users/{id}/group_memberships": R(STAFF),
    "GET /api/v2/api_tokens": R(ADMIN),
    "POST /api/v2/api_tokens": R(ADMIN, body={"api_token": {"description": "m"}}),
    "DELETE /api/v2/api_tokens/{id}": R(ADMIN),
    "GET /api/v2/oauth/tokens": R(SIGNED),  # each caller's own
    "POST /api/v2/oauth/tokens": R(SIGNED, body={"token": {"scopes": ["read"]}}),
    "DELETE /api/v2/oauth/tokens/{id}": R(("a", "admin")),  # A's token
    "GET /api/v2/organizations/show_many": R(STAFF, query="?ids={org_a}"),
    "GET /api/v2/organizations/search": R(STAFF, query="?name=B%20Corp"),
    "GET /api/v2/organizations": R(STAFF),
    "POST /api/v2/organizations": R(ADMIN, body={"organization": {"name": "org-{n}"}}),
    "GET /api/v2/organizations/{id}": R(OWNER),  # A's organization
    "PUT /api/v2/organizations/{id}": R(ADMIN, body={"organization": {"notes": "m"}}),
    "DELETE /api/v2/organizations/{id}": R(ADMIN),
    "GET /api/v2/organizations/{id}/users": R(STAFF),
    "GET /api/v2/groups/assignable": R(STAFF),
    "GET /api/v2/groups/count": R(STAFF),
    "GET /api/v2/groups": R(STAFF),
    "POST /api/v2/groups": R(ADMIN, body={"group": {"name": "g-{n}"}}),
    "GET /api/v2/groups/{id}": R(STAFF),
    "PUT /api/v2/groups/{id}": R(ADMIN, body={"group": {"description": "m"}}),
    "DELETE /api/v2/groups/{id}": R(ADMIN),
    "GET /api/v2/groups/{id}/memberships": R(STAFF),
    "GET /api/v2/groups/{id}/users": R(STAFF),
    "GET /api/v2/group_memberships": R(STAFF),
    "POST /api/v2/group_memberships": R(ADMIN, body={"group_membership": {"user_id": "{agent2}",
                                                                          "group_id": "{group}"}}),
    "GET /api/v2/group_memberships/{id}": R(STAFF),
    "DELETE /api/v2/group_memberships/{id}": R(ADMIN),
    # ---- fields and forms ----
    "GET /api/v2/ticket_fields": R(SIGNED),  # end-users: the fields visible to them
    "POST /api/v2/ticket_fields": R(ADMIN),
    "GET /api/v2/ticket_fields/{id}": R(STAFF),  # not visible in the portal
    "PUT /api/v2/ticket_fields/{id}": R(ADMIN),
    "DELETE /api/v2/ticket_fields/{id}": R(ADMIN),
    "GET /api/v2/ticket_forms": R(SIGNED),
    "POST /api/v2/ticket_forms": R(ADMIN),
    "GET /api/v2/ticket_forms/{id}": R(SIGNED),
    "PUT /api/v2/ticket_forms/{id}": R(ADMIN),
    "DELETE /api/v2/ticket_forms/{id}": R(ADMIN),
    # ---- views (hole 6): the shared view; personal ones in the data checks ----
    "GET /api/v2/views": R(STAFF),
    "POST /api/v2/views": R(STAFF, body={"view": {"title": "m", "all": COND,
                                                   "restriction": {"type": "User", "id": "{self}"}}}),
    "GET /api/v2/views/active": R(STAFF),
    "GET /api/v2/views/count_many": R(STAFF, query="?ids={view_shared}"),
    "GET /api/v2/views/{id}": R(STAFF),
    "PUT /api/v2/views/{id}": R(ADMIN, body={"view": {"title": "Shared!"}}),
    "DELETE /api/v2/views/{id}": R(ADMIN),
    "GET /api/v2/views/{id}/tickets": R(STAFF),
    "GET /api/v2/views/{id}/count": R(STAFF),
    "GET /api/v2/views/{id}/execute": R(STAFF),
    "GET /api/v2/search": R(SIGNED, query="?query=problem"),  # end-users: their tickets (data checks)
    "GET /api/v2/search/count": R(SIGNED, query="?query=problem"),
    # ---- business rules ----
    "GET /api/v2/triggers": R(STAFF),
    "POST /api/v2/triggers": R(ADMIN, body={"trigger": RULE}),
    "GET /api/v2/triggers/active": R(STAFF),
    "GET /api/v2/triggers/search": R(STAFF, query="?query=R"),
    "PUT /api/v2/triggers/reorder": R(ADMIN, body={"trigger_ids": ["{trigger}"]}),
    "GET /api/v2/triggers/{id}": R(STAFF),
    "PUT /api/v2/triggers/{id}": R(ADMIN, body={"trigger": {"title": "R2"}}),
    "DELETE /api/v2/triggers/{id}": R(ADMIN),
    "GET /api/v2/triggers/definitions": R(ADMIN),  # the rule builder
    "GET /api/v2/automations/definitions": R(ADMIN),
    "POST /api/v2/hd/triggers/preview": R(ADMIN, body={"ticket_id": "{ticket_a}"}),  # a dry run
    "GET /api/v2/automations": R(STAFF),
    "POST /api/v2/automations": R(ADMIN, body={"automation": dict(RULE, conditions={"all": COND + [
        {"field": "NEW", "operator": "greater_than", "value": "48"}], "any": []})}),
    "GET /api/v2/automations/active": R(STAFF),
    "GET /api/v2/automations/search": R(STAFF, query="?query=R"),
    "PUT /api/v2/automations/reorder": R(ADMIN, body={"automation_ids": ["{automation}"]}),
    "GET /api/v2/automations/{id}": R(STAFF),
    "PUT /api/v2/automations/{id}": R(ADMIN, body={"automation": {"title": "A2"}}),
    "DELETE /api/v2/automations/{id}": R(ADMIN),
    "GET /api/v2/business_hours/schedules": R(STAFF),
    "POST /api/v2/business_hours/schedules": R(ADMIN),
    "GET /api/v2/business_hours/schedules/{id}": R(STAFF),
    "PUT /api/v2/business_hours/schedules/{id}": R(ADMIN),
    "DELETE /api/v2/business_hours/schedules/{id}": R(ADMIN),
    "PUT /api/v2/business_hours/schedules/{id}/workweek": R(ADMIN),
    "GET /api/v2/business_hours/schedules/{id}/holidays": R(STAFF),
    "POST /api/v2/business_hours/schedules/{id}/holidays": R(ADMIN),
    "GET /api/v2/business_hours/schedules/{id}/holidays/{s}": R(STAFF),
    "PUT /api/v2/business_hours/schedules/{id}/holidays/{s}": R(ADMIN),
    "DELETE /api/v2/business_hours/schedules/{id}/holidays/{s}": R(ADMIN, missing=True),
    "POST /api/v2/hd/business_hours/schedules/{id}/holidays/import": R(ADMIN),
    "GET /api/v2/slas/policies": R(STAFF),
    "POST /api/v2/slas/policies": R(ADMIN),
    "GET /api/v2/slas/policies/definitions": R(STAFF),
    "PUT /api/v2/slas/policies/reorder": R(ADMIN),
    "GET /api/v2/slas/policies/{id}": R(STAFF),
    "PUT /api/v2/slas/policies/{id}": R(ADMIN),
    "DELETE /api/v2/slas/policies/{id}": R(ADMIN),
    # ---- operators and webhooks ----
    "GET /api/v2/hd/bus": R(ADMIN),
    "GET /api/v2/webhooks": R(ADMIN),
    "POST /api/v2/webhooks": R(ADMIN),
    "POST /api/v2/webhooks/test": R(ADMIN),
    "GET /api/v2/webhooks/{s}": R(ADMIN),
    "PUT /api/v2/webhooks/{s}": R(ADMIN),
    "PATCH /api/v2/webhooks/{s}": R(ADMIN),
    "DELETE /api/v2/webhooks/{s}": R(ADMIN),
    "GET /api/v2/webhooks/{s}/signing_secret": R(ADMIN),
    "POST /api/v2/webhooks/{s}/signing_secret": R(ADMIN),
    "GET /api/v2/webhooks/{s}/invocations": R(ADMIN),
    "GET /api/v2/webhooks/{s}/invocations/{id}/attempts": R(ADMIN, missing=True),
    "GET /api/v2/hd/webhooks/{s}/dead_letters": R(ADMIN),
    # ---- support addresses (intake's directory shard) ----
    "GET /api/v2/recipient_addresses": R(ADMIN),
    "POST /api/v2/recipient_addresses": R(ADMIN, body={"recipient_address": {"name": "s", "email": "support-{n}@hana.example"}}),
    "GET /api/v2/recipient_addresses/{id}": R(ADMIN, objects=["recipient_address"]),
    "PUT /api/v2/recipient_addresses/{id}": R(ADMIN, objects=["recipient_address"], body={"recipient_address": {"name": "s"}}),
    "DELETE /api/v2/recipient_addresses/{id}": R(ADMIN, objects=["recipient_address"]),
    "PUT /api/v2/recipient_addresses/{id}/verify": R(ADMIN, objects=["recipient_address"], body={"type": "forwarding"}),
    "POST /api/v2/hd/webhooks/{s}/dead_letters/{id}/replay": R(ADMIN, missing=True),
    # ---- side conversations, requests, channels ----
    "POST /api/v2/tickets/{id}/side_conversations": R(STAFF),
    "GET /api/v2/tickets/{id}/side_conversations": R(STAFF),
    "GET /api/v2/tickets/{id}/side_conversations/{s}": R(STAFF),
    "PUT /api/v2/tickets/{id}/side_conversations/{s}": R(STAFF),
    "POST /api/v2/tickets/{id}/side_conversations/{s}/reply": R(STAFF),
    "POST /api/v2/requests": R(SIGNED, body={"request": {"subject": "m", "comment": {"body": "m"}}}),
    "GET /api/v2/requests": R(SIGNED),
    "GET /api/v2/requests/{id}": R(("a",)),  # the requester's; others use /tickets
    "PUT /api/v2/requests/{id}": R(("a",), body={"request": {"comment": {"body": "m"}}}),
    "GET /api/v2/requests/{id}/comments": R(("a",)),
    "POST /api/v2/hd/channels/chat": R(STAFF),
    "POST /api/v2/hd/channels/voice": R(STAFF),
    "GET /api/v2/hd/channels/voice/calls": R(STAFF),
    # ---- knowledge cards (the admin owns the card; proposals from anyone) ----
    "GET /api/v2/hd/cards/search": R(STAFF, query="?query=refund"),
    "GET /api/v2/hd/cards": R(STAFF),
    "POST /api/v2/hd/cards": R(STAFF, body={"card": {"title": "c-{n}", "content": "x"}}),
    "GET /api/v2/hd/cards/proposals": R(STAFF),
    "POST /api/v2/hd/cards/proposals": R(SIGNED, body={"proposal": {"title": "p", "content": "x"}}),
    "POST /api/v2/hd/cards/proposals/{id}/accept": R(ADMIN),
    "POST /api/v2/hd/cards/proposals/{id}/reject": R(ADMIN),
    "GET /api/v2/hd/cards/{id}": R(STAFF),
    "PUT /api/v2/hd/cards/{id}": R(STAFF, body={"card": {"content": "changed"}}),  # agents keep cards up
    "DELETE /api/v2/hd/cards/{id}": R(ADMIN),
    "POST /api/v2/hd/cards/{id}/verify": R(ADMIN),
    "GET /api/v2/hd/cards/{id}/versions": R(STAFF),
    "GET /api/v2/hd/cards/{id}/versions/{s}": R(STAFF),
    "POST /api/v2/hd/cards/{id}/versions/{s}/restore": R(STAFF),  # an edit
    "GET /api/v2/hd/cards/{id}/diff": R(STAFF, query="?from=1&to=1"),
    "GET /api/v2/hd/cards/{id}/proposals": R(STAFF),
    "POST /api/v2/hd/cards/{id}/proposals": R(SIGNED, body={"proposal": {"content": "y"}}),
    "POST /api/v2/hd/cards/{id}/proposals/{s}/accept": R(ADMIN),
    "POST /api/v2/hd/cards/{id}/proposals/{s}/reject": R(ADMIN),
    # ---- macros: the shared one; personal ones in the data checks ----
    "GET /api/v2/macros": R(STAFF),
    "POST /api/v2/macros": R(STAFF, body={"macro": {"title": "m", "actions": [{"field": "status", "value": "open"}],
                                                     "restriction": {"type": "User", "id": "{self}"}}}),
    "GET /api/v2/macros/active": R(STAFF),
    "GET /api/v2/macros/actions": R(STAFF),
    "GET /api/v2/macros/search": R(STAFF, query="?query=M"),
    "GET /api/v2/macros/categories": R(STAFF),
    "GET /api/v2/macros/{id}": R(STAFF),
    "PUT /api/v2/macros/{id}": R(ADMIN, body={"macro": {"title": "M2"}}),
    "DELETE /api/v2/macros/{id}": R(ADMIN),
    "GET /api/v2/macros/{id}/apply": R(STAFF),
    "GET /api/v2/tickets/{id}/macros/{s}/apply": R(STAFF, objects=["ticket_a", "macro_shared"]),
    "POST /api/v2/hd/macros/from_ticket/{id}": R(STAFF),
    # ---- assignment and presence ----
    "GET /api/v2/hd/groups/{id}/routing": R(STAFF),
    "PUT /api/v2/hd/groups/{id}/routing": R(ADMIN),
    "GET /api/v2/hd/groups/{id}/routing/load": R(STAFF),
    "GET /api/v2/hd/agents/{id}/profile": R(STAFF),
    "PUT /api/v2/hd/agents/{id}/profile": R(ADMIN),
    "GET /api/v2/hd/agents/{id}/presence": R(STAFF),
    "PUT /api/v2/hd/agents/{id}/presence": R(STAFF, body={"presence": {"state": "online"}}),  # own, or admin
    "GET /api/v2/hd/agents/{id}/presence/history": R(STAFF),
    "GET /api/v2/hd/presence_states": R(STAFF),
    "POST /api/v2/hd/presence_states": R(ADMIN),
    # ---- e-mail channel ----
    "POST /api/v2/hd/channels/email": R(ADMIN),  # or the channel's secret
    "GET /api/v2/hd/channels/email/failed": R(ADMIN),
    "GET /api/v2/hd/channels/email/failed/{id}": R(ADMIN, missing=True),
    "POST /api/v2/hd/channels/email/failed/{id}/reprocess": R(ADMIN, missing=True),
    # ---- help center: published content is public ----
    "GET /api/v2/help_center/articles/search": R(PUBLIC, query="?query=refund"),
    "GET /api/v2/help_center/{s}/articles/search": R(PUBLIC, query="?query=refund"),
    "GET /api/v2/hd/tickets/{id}/suggestions": R(STAFF),
    "POST /api/v2/hd/deflection": R(PUBLIC, body={"subject": "refund", "description": "how", "locale": "en-us"}),
    "POST /api/v2/hd/deflection/{id}/resolved": R(PUBLIC),
}

# Help center: reads public, categories and sections admins', articles and
# translations staff's (agents are the editors), votes any signed-in user's.
for _loc in ("", "/{s}"):
    _hc = "/api/v2/help_center" + _loc
    ROUTES.update({
        f"GET {_hc}/categories": R(PUBLIC),
        f"POST {_hc}/categories": R(ADMIN),
        f"GET {_hc}/categories/{{id}}": R(PUBLIC),
        f"PUT {_hc}/categories/{{id}}": R(ADMIN),
        f"DELETE {_hc}/categories/{{id}}": R(ADMIN),
        f"GET {_hc}/sections": R(PUBLIC),
        f"GET {_hc}/categories/{{id}}/sections": R(PUBLIC),
        f"POST {_hc}/categories/{{id}}/sections": R(ADMIN),
        f"GET {_hc}/sections/{{id}}": R(PUBLIC),
        f"PUT {_hc}/sections/{{id}}": R(ADMIN),
        f"DELETE {_hc}/sections/{{id}}": R(ADMIN),
        f"GET {_hc}/articles": R(PUBLIC),
        f"GET {_hc}/articles/{{id}}": R(PUBLIC),
        f"PUT {_hc}/articles/{{id}}": R(STAFF, body={"article": {"title": "Refund policy"}}),
        f"DELETE {_hc}/articles/{{id}}": R(STAFF),
        f"GET {_hc}/sections/{{id}}/articles": R(PUBLIC),
        f"POST {_hc}/sections/{{id}}/articles": R(STAFF, body={"article": {"title": "a", "body": "b",
                                                                           "locale": "en-us"}}),
        f"GET {_hc}/categories/{{id}}/articles": R(PUBLIC),
        f"GET {_hc}/users/{{id}}/articles": R(PUBLIC, objects=["en-us", "admin"][1 - len(_loc) // 4:]),
        f"GET {_hc}/articles/{{id}}/translations": R(PUBLIC),
        f"POST {_hc}/articles/{{id}}/translations": R(STAFF, body={"translation": {"locale": "de",
                                                                                   "title": "t"}}),
        f"GET {_hc}/articles/{{id}}/translations/{{s}}": R(PUBLIC),
        f"PUT {_hc}/articles/{{id}}/translations/{{s}}": R(STAFF, body={"translation": {"title": "t"}}),
        f"DELETE {_hc}/articles/{{id}}/translations/{{s}}": R(STAFF, objects=(["en-us"] if _loc else [])
                                                               + ["article", "de"], missing=True),
        f"POST {_hc}/articles/{{id}}/up": R(SIGNED),
        f"POST {_hc}/articles/{{id}}/down": R(SIGNED),
    })

ROUTES.update({
    # ---- hole 3 (branch "objects"): the signed link that confirms a new
    # address; rows may run ahead of the routes while marked pending ----
    "GET /api/v2/hd/email_verifications/{s}": R(PUBLIC, missing=True),
    # the link's POST carries nothing but the token in its path
    "POST /api/v2/hd/email_verifications/{s}": R(PUBLIC, missing=True, body=""),
    # ---- metrics, ratings, exports, reports ----
    "GET /api/v2/ticket_metrics": R(STAFF),
    "GET /api/v2/ticket_metrics/{id}": R(STAFF, missing=True),
    "GET /api/v2/tickets/{id}/metrics": R(STAFF),
    "GET /api/v2/incremental/ticket_metric_events": R(ADMIN, query="?start_time=0"),
    "GET /api/v2/incremental/tickets/cursor": R(ADMIN, query="?start_time=0"),
    "GET /api/v2/incremental/tickets": R(ADMIN, query="?start_time=0"),
    "POST /api/v2/tickets/{id}/satisfaction_rating": R(("a",), body={"satisfaction_rating": {"score": "good"}}),
    "GET /api/v2/satisfaction_ratings": R(STAFF),
    "GET /api/v2/satisfaction_ratings/{id}": R(STAFF, missing=True),
    "GET /api/v2/hd/satisfaction_ratings/summary": R(STAFF),
    "GET /api/v2/hd/reports/live": R(STAFF),
    "GET /api/v2/hd/reports/{s}": R(STAFF, missing=True),
    # issue 18: the team builder (proficiency is one of reports/{s})
    "POST /api/v2/hd/teams/suggest": R(STAFF, body={"agent_ids": [1, 2], "teams": 2}),
})

ROUTES.update({
    # ---- issue 16: people's sessions (session.c); a write with a body
    # that is not valid is a 400 for anyone, so the rows are PUBLIC ----
    "POST /api/v2/hd/session": R(PUBLIC),
    "GET /api/v2/hd/session": R(SIGNED),
    "DELETE /api/v2/hd/session": R(SIGNED),
    "POST /api/v2/hd/password_reset": R(PUBLIC),
    "POST /api/v2/hd/password_reset/{s}": R(PUBLIC, missing=True),
    # ---- admins see and end a person's sessions (issue 18, adminsla) ----
    "GET /api/v2/hd/users/{id}/sessions": R(ADMIN),
    "DELETE /api/v2/hd/users/{id}/sessions": R(ADMIN),
    "DELETE /api/v2/hd/users/{id}/sessions/{s}": R(ADMIN, missing=True),
    # the workspace's files (assets.c): public pages, no API
    "GET /": R(PUBLIC),
    "GET /agent": R(PUBLIC),
    "GET /agent/{*}": R(PUBLIC),
    # the customers' pages' stylesheets (hc_static.c; "{*}" is no file)
    "GET /hc/static/{*}": R(PUBLIC, missing=True),
    "GET /hc/{*}": R(PUBLIC, missing=True),  # any other /hc/ path: the 404 page
    # the help center's pages (hc_center*.c): public, what they show is
    # what knowledge lets the visitor read; a vote without a valid value is
    # a 400 page for the signed-in and sign-in (303) for anonymous visitors
    "GET /robots.txt": R(PUBLIC),
    "GET /hc/sitemap.xml": R(PUBLIC),
    "GET /hc": R(PUBLIC),
    "GET /hc/{s}": R(PUBLIC, objects=["en"]),
    "GET /hc/{s}/categories/{id}": R(PUBLIC, objects=["en", "category"]),
    "GET /hc/{s}/sections/{id}": R(PUBLIC, objects=["en", "section"]),
    "GET /hc/{s}/articles/{id}": R(PUBLIC, objects=["en", "article"]),
    "POST /hc/{s}/articles/{id}/vote": R(PUBLIC, objects=["en", "article"]),
    "GET /hc/{s}/search": R(PUBLIC, objects=["en"], query="?query=refund"),
    # live updates (stream_hub.c; once=1 ends the stream after its first
    # burst) and "I am viewing this ticket" (viewing.c)
    "GET /api/v2/hd/stream": R(SIGNED, query="?once=1"),
    "POST /api/v2/hd/viewing/{id}": R(STAFF, objects=["ticket_a"]),
})

V = {"anon": "403"}  # a visitor's form POST without its visitor token

ROUTES.update({
    # ---- issue 17: the customers' own pages (portal_*.c). POSTs of people
    # not signed in need the visitor token of their hc_visitor cookie
    # (none here: 403, hence over=V); callers signed in by a header pass,
    # and a form without its fields is a 422 page, a redirect or a 404
    # page ----
    "GET /hc/{s}/signin": R(PUBLIC, objects=["ko"]),
    "POST /hc/{s}/signin": R(SIGNED, objects=["ko"], body="", over=V),
    "POST /hc/{s}/signin/link": R(SIGNED, objects=["ko"], body="", over=V),
    "GET /hc/{s}/signin/{s}": R(PUBLIC, objects=["ko", "none"], missing=True),
    "POST /hc/{s}/signin/{s}": R(SIGNED, objects=["ko", "none"], missing=True, body="", over=V),
    "POST /hc/{s}/signout": R(SIGNED, objects=["ko"], body="", over=V),
    # anonymous requests are off in the matrix: visitors see "sign in"
    "GET /hc/{s}/requests/new": R(PUBLIC, objects=["ko"]),
    "POST /hc/{s}/requests/new": R(SIGNED, objects=["ko"], body="", over=V),
    "POST /hc/{s}/requests/deflection/{id}": R(SIGNED, objects=["ko", "deflection"], body="", over=V),
    # my requests: a visitor is sent to sign-in (a redirect); A's request
    # is A's alone (agents too see it here only as end-users would)
    "GET /hc/{s}/requests": R(PUBLIC, objects=["ko"]),
    "GET /hc/{s}/requests/{id}": R(("anon", "a"), objects=["ko", "ticket_a"]),
    "POST /hc/{s}/requests/{id}": R(("a",), objects=["ko", "ticket_a"], body="", over=V),
    # ---- issue 17 (csat): e-mail templates and mail settings
    # (mail_admin.c), the survey page (csat_page.c: the link's token is the
    # credential; a token that is not ours is a 404 page) ----
    "GET /api/v2/hd/email_templates": R(ADMIN),
    "GET /api/v2/hd/email_templates/{s}": R(ADMIN, objects=["csat_survey.ko"]),
    "PUT /api/v2/hd/email_templates/{s}": R(ADMIN, objects=["csat_survey.en"],
                                            body={"email_template": {"note": "matrix"}}),
    "GET /api/v2/hd/email_templates/{s}/versions": R(ADMIN, objects=["csat_survey.ko"]),
    "POST /api/v2/hd/email_templates/{s}/preview": R(ADMIN, objects=["csat_survey.ko"]),
    "GET /api/v2/hd/csat_settings": R(ADMIN),
    "PUT /api/v2/hd/csat_settings": R(ADMIN, body={"csat_settings": {"enabled": False}}),
    "GET /api/v2/hd/mail_settings": R(ADMIN),
    "PUT /api/v2/hd/mail_settings": R(ADMIN, body={"mail_settings": {}}),
    "GET /hc/{s}/satisfaction/{s}": R(PUBLIC, objects=["ko", "1-2-3-x-y"], missing=True),
    "POST /hc/{s}/satisfaction/{s}": R(PUBLIC, objects=["ko", "1-2-3-x-y"], missing=True, body=""),
})

for _key, _row in ROUTES.items():
    _m, _p = _key.split(" ", 1)
    if _row.objects is None:
        _row.objects = slots(_p)
    if _row.destroys is None:
        _row.destroys = _m == "DELETE"
