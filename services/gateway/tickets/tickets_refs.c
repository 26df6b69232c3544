/* The people and records a ticket names must exist: assignee_id an agent or
 * admin, group_id a live group, organization_id an organization. Checked on
 * the directory shard before the write (a ticket shard has no directory),
 * so a bad id is a 422 naming the field, never a phantom in reports. */
#include "gw_tickets.h"

#include "hd/err.h"
#include "user.pb-c.h"

#include <stdio.h>
#include <string.h>

typedef struct ref_rule {
	const char *field;
	const char *method;
	const ProtobufCMessageDescriptor *desc;
	const char *must; /* "must name …" */
} ref_rule;

static const ref_rule rules[] = {
	{"assignee_id", "users.get", &hd__user__descriptor,
	 "an agent or admin"},
	{"group_id", "groups.get", &hd__group__descriptor, "a group"},
	{"organization_id", "orgs.get", &hd__organization__descriptor,
	 "an organization"},
};

static bool usable(const ref_rule *k, const void *m)
{
	if (k->desc == &hd__user__descriptor)
		return hd_role_of(((const Hd__User *)m)->role) !=
			       HD__USER_ROLE__ROLE_END_USER &&
		       !((const Hd__User *)m)->deleted;
	if (k->desc == &hd__group__descriptor)
		return !((const Hd__Group *)m)->deleted;
	return true;
}

static int check_one(gw *g, gw_req *r, const ref_rule *k, json_t *v,
		     gw_resp *out)
{
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return HD_OK; /* null clears; other types: intake's 422 */
	Hd__IdRequest q = HD__ID_REQUEST__INIT;
	void *m = NULL;
	q.id = (uint64_t)json_integer_value(v);
	int rc = gw_call(g, g->intake[0], r, k->method, &q, k->desc, &m, out);
	bool ok = !rc && usable(k, m);
	protobuf_c_message_free_unpacked(m, NULL);
	if (rc && rc != HD_E_NOTFOUND)
		return rc;
	char msg[128];
	snprintf(msg, sizeof msg, "%s: must name %s", k->field, k->must);
	return ok ? HD_OK : gw_invalid(out, k->field, msg);
}

int gw_ticket_refs(gw *g, gw_req *r, json_t *ticket, gw_resp *out)
{
	/* end-users may not set these at all: intake answers that */
	if (r->who.role == HD__USER_ROLE__ROLE_END_USER ||
	    r->who.role == HD__USER_ROLE__ROLE_UNSET)
		return HD_OK;
	int rc = HD_OK;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0] && !rc; i++) {
		json_t *v = json_object_get(ticket, rules[i].field);
		if (v)
			rc = check_one(g, r, &rules[i], v, out);
	}
	return rc;
}
