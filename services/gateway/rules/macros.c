/* Macros over HTTP (API.md §7): CRUD, /macros/active, /macros/search,
 * /macros/categories, with ?include=usage_1h,usage_24h,usage_7d,usage_30d.
 * Knowledge (g->peers[1]) stores them and decides visibility; the gateway
 * tells it the caller's groups. Applying is in macros_apply.c. */
#include "gw_kb.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

#define COLL "macros"

static int staff_only(gw_req *r, gw_resp *out)
{
	if (hd_role_is_agent(r->who.role))
		return HD_OK;
	return gw_from_err(out, HD_E_FORBIDDEN,
			   "Macros are for agents and admins");
}

int gw_macro_call(gw *g, gw_req *r, const char *method, Hd__MacroRequest *q,
		  const ProtobufCMessageDescriptor *desc, void **reply,
		  gw_resp *out)
{
	int rc = staff_only(r, out);
	rc = rc ? rc : gw_call(g, KNOWLEDGE(g), r, method, q, desc, reply, out);
	return rc;
}

/* The usage_* sideloads named in ?include=. */
static unsigned usage_wanted(gw_req *r)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"usage_1h", GW_USAGE_1H},
		     {"usage_24h", GW_USAGE_24H},
		     {"usage_7d", GW_USAGE_7D},
		     {"usage_30d", GW_USAGE_30D}};
	const char *inc = gw_query(r, "include");
	unsigned bits = 0;
	while (inc && *inc) {
		size_t n = strcspn(inc, ",");
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (n == strlen(names[i].name) &&
			    !strncmp(inc, names[i].name, n))
				bits |= names[i].bit;
		inc += n + (inc[n] == ',');
	}
	return bits;
}

static int get_macro(gw *g, gw_req *r, bool usage, Hd__Macro **m, gw_resp *out)
{
	Hd__MacroRequest q = HD__MACRO_REQUEST__INIT;
	q.id = r->id;
	q.usage = usage;
	return gw_macro_call(g, r, "macros.get", &q, &hd__macro__descriptor,
			     (void **)m, out);
}

static int macros_show(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Macro *m = NULL;
	unsigned usage = usage_wanted(r);
	int rc = get_macro(g, r, usage != 0, &m, out);
	if (!rc)
		gw_reply_one(out, 200, "macro", gw_macro_json(r, m, usage));
	hd__macro__free_unpacked(m, NULL);
	return rc;
}

/* base: the stored macro (update) or NULL (create). Shallow copies: base
 * keeps and frees its own members. */
static int write_macro(gw *g, gw_req *r, const Hd__Macro *base, unsigned status,
		       gw_resp *out)
{
	json_t *root = NULL, *obj = NULL;
	gw_macro_input in = {0};
	Hd__Macro m = HD__MACRO__INIT, *saved = NULL;
	Hd__MacroRequest q = HD__MACRO_REQUEST__INIT;
	if (base)
		m = *base;
	else
		m.active = 1;
	int rc = gw_req_object(r, out, "macro", &root, &obj);
	if (!rc)
		rc = gw_macro_read(obj, &in, &m, out);
	if (!rc && m.active) /* an admin's activation ends the review */
		m.review = 0;
	q.macro = &m;
	if (!rc)
		rc = gw_macro_call(g, r, "macros.save", &q,
				   &hd__macro__descriptor, (void **)&saved,
				   out);
	if (!rc) {
		gw_reply_one(out, status, "macro", gw_macro_json(r, saved, 0));
		gw_reply_location(r, out, status, COLL, saved->id);
	}
	hd__macro__free_unpacked(saved, NULL);
	gw_macro_input_release(&in);
	json_decref(root);
	return rc;
}

static int macros_create(gw *g, gw_req *r, gw_resp *out)
{
	return write_macro(g, r, NULL, 201, out);
}

static int macros_update(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Macro *old = NULL;
	int rc = get_macro(g, r, false, &old, out);
	if (!rc)
		rc = write_macro(g, r, old, 200, out);
	hd__macro__free_unpacked(old, NULL);
	return rc;
}

static int macros_delete(gw *g, gw_req *r, gw_resp *out)
{
	Hd__MacroRequest q = HD__MACRO_REQUEST__INIT;
	Hd__MacroRequest *reply = NULL;
	q.id = r->id;
	int rc = gw_macro_call(g, r, "macros.delete", &q,
			       &hd__macro_request__descriptor, (void **)&reply,
			       out);
	hd__macro_request__free_unpacked(reply, NULL);
	if (!rc)
		out->status = 204;
	return rc;
}

/* Answer one page of l (offset or cursor holding the offset). */
static int page_reply(gw_req *r, const Hd__MacroList *l, unsigned usage,
		      gw_resp *out)
{
	gw_page p;
	uint64_t offset = 0;
	int rc = gw_page_parse(r, &p, 100, 10000, out);
	rc = rc ? rc : gw_page_offset(&p, &offset, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	uint64_t end = offset;
	for (; end < l->n_macros && end < offset + p.size; end++)
		json_array_append_new(arr,
				      gw_macro_json(r, l->macros[end], usage));
	gw_reply_one(out, 200, "macros", arr);
	gw_page_offset_links(r, &p, out->body, end, l->n_macros);
	return HD_OK;
}

static int list(gw *g, gw_req *r, Hd__MacroRequest *q, gw_resp *out)
{
	Hd__MacroList *l = NULL;
	unsigned usage = usage_wanted(r);
	const char *active = gw_query(r, "active");
	if (active && strcmp(active, "true") && strcmp(active, "false"))
		return gw_error(out, 400, "InvalidParameter",
				"active: must be true or false");
	q->active_only |= active && !strcmp(active, "true");
	q->inactive_only = active && !strcmp(active, "false");
	q->usage = usage != 0;
	int rc = gw_macro_call(g, r, "macros.list", q,
			       &hd__macro_list__descriptor, (void **)&l, out);
	if (!rc)
		rc = page_reply(r, l, usage, out);
	hd__macro_list__free_unpacked(l, NULL);
	return rc;
}

static int macros_list(gw *g, gw_req *r, gw_resp *out)
{
	Hd__MacroRequest q = HD__MACRO_REQUEST__INIT;
	return list(g, r, &q, out);
}

static int macros_active(gw *g, gw_req *r, gw_resp *out)
{
	Hd__MacroRequest q = HD__MACRO_REQUEST__INIT;
	q.active_only = 1;
	return list(g, r, &q, out);
}

static int macros_search(gw *g, gw_req *r, gw_resp *out)
{
	Hd__MacroRequest q = HD__MACRO_REQUEST__INIT;
	const char *title = gw_query(r, "title");
	if (!title)
		title = gw_query(r, "query");
	if (!title || !title[0] || strlen(title) > 256)
		return gw_error(out, 400, "InvalidParameter",
				"title: a search text (at most 256 bytes) is "
				"required");
	q.title = (char *)title;
	return list(g, r, &q, out);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a),
		      json_string_value(*(json_t *const *)b));
}

/* Zendesk's categories are the title parts before "::". */
static int macros_categories(gw *g, gw_req *r, gw_resp *out)
{
	Hd__MacroRequest q = HD__MACRO_REQUEST__INIT;
	Hd__MacroList *l = NULL;
	int rc = gw_macro_call(g, r, "macros.list", &q,
			       &hd__macro_list__descriptor, (void **)&l, out);
	if (rc)
		return rc;
	json_t *seen = json_object(), *arr = json_array();
	for (size_t i = 0; i < l->n_macros; i++) {
		const char *t = l->macros[i]->title, *sep = strstr(t, "::");
		char name[1024];
		if (!sep || sep == t || (size_t)(sep - t) >= sizeof name)
			continue;
		memcpy(name, t, (size_t)(sep - t));
		name[sep - t] = '\0';
		if (!json_object_get(seen, name)) {
			json_object_set_new(seen, name, json_true());
			json_array_append_new(arr, json_string(name));
		}
	}
	size_t n = json_array_size(arr);
	json_t **items = calloc(n ? n : 1, sizeof *items);
	for (size_t i = 0; items && i < n; i++)
		items[i] = json_incref(json_array_get(arr, i));
	if (items)
		qsort(items, n, sizeof *items, by_string);
	json_array_clear(arr);
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(arr, items[i]);
	free(items);
	json_decref(seen);
	gw_reply_one(out, 200, "categories", arr);
	hd__macro_list__free_unpacked(l, NULL);
	return HD_OK;
}

const gw_route gw_macro_routes[] = {
	{"GET", "/api/v2/macros", macros_list, GW_AUTH_USER},
	{"POST", "/api/v2/macros", macros_create, GW_AUTH_USER},
	{"GET", "/api/v2/macros/active", macros_active, GW_AUTH_USER},
	{"GET", "/api/v2/macros/search", macros_search, GW_AUTH_USER},
	{"GET", "/api/v2/macros/categories", macros_categories, GW_AUTH_USER},
	{"GET", "/api/v2/macros/actions", gw_macros_actions, GW_AUTH_USER},
	{"GET", "/api/v2/macros/{id}", macros_show, GW_AUTH_USER},
	{"PUT", "/api/v2/macros/{id}", macros_update, GW_AUTH_USER},
	{"DELETE", "/api/v2/macros/{id}", macros_delete, GW_AUTH_USER},
	{"GET", "/api/v2/macros/{id}/apply", gw_macros_apply, GW_AUTH_USER},
	{"GET", "/api/v2/tickets/{id}/macros/{s}/apply", gw_tickets_macro_apply,
	 GW_AUTH_USER},
	{"POST", "/api/v2/hd/macros/from_ticket/{id}", gw_macros_from_ticket,
	 GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
