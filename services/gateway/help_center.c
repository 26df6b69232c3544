/* Help center categories and sections over HTTP (API.md §6), each path
 * with and without the /{locale}/ part. Anyone may read; admins write. */
#include "gw_help_center.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HC "/api/v2/help_center"

/* Read the "category" or "section" object onto the message's fields. */
static int read_common(gw_req *r, json_t *obj, char **name, char **desc,
		       char **locale, int32_t *position, char *path_locale,
		       gw_resp *out)
{
	int64_t pos = *position;
	int rc = gw_hc_str(obj, "name", name, NULL, out);
	if (!rc)
		rc = gw_hc_str(obj, "description", desc, NULL, out);
	if (!rc)
		rc = gw_hc_str(obj, "locale", locale, NULL, out);
	if (!rc)
		rc = gw_hc_int(obj, "position", &pos, NULL, out);
	*position = (int32_t)pos;
	if (!rc && !**locale)
		*locale = *path_locale ? path_locale : HC_DEFAULT_LOCALE_GW;
	(void)r;
	return rc;
}

static int category_write(gw *g, gw_req *r, gw_resp *out, bool create)
{
	char loc[24];
	json_t *root = NULL, *obj = NULL;
	Hd__HcCategory c = HD__HC_CATEGORY__INIT, *base = NULL, *saved = NULL;
	int rc = gw_hc_locale(r, loc, sizeof loc, out);
	if (!rc && !create) {
		Hd__HcId id = HD__HC_ID__INIT;
		id.id = r->id;
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.categories.get", &id,
			     &hd__hc_category__descriptor, (void **)&base, out);
		if (!rc)
			c = *base;
	}
	if (!rc)
		rc = gw_req_object(r, out, "category", &root, &obj);
	if (!rc)
		rc = read_common(r, obj, &c.name, &c.description, &c.locale,
				 &c.position, loc, out);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.categories.save", &c,
			     &hd__hc_category__descriptor, (void **)&saved,
			     out);
	if (!rc) {
		unsigned status = create ? 201 : 200;
		gw_reply_one(out, status, "category",
			     gw_hc_category_json(r, saved));
		gw_reply_location(r, out, status, "help_center/categories",
				  saved->id);
	}
	hd__hc_category__free_unpacked(saved, NULL);
	hd__hc_category__free_unpacked(base, NULL);
	json_decref(root);
	return rc;
}

static int categories_create(gw *g, gw_req *r, gw_resp *out)
{
	return category_write(g, r, out, true);
}

static int categories_update(gw *g, gw_req *r, gw_resp *out)
{
	return category_write(g, r, out, false);
}

static int section_write(gw *g, gw_req *r, gw_resp *out, bool create)
{
	char loc[24];
	json_t *root = NULL, *obj = NULL;
	Hd__HcSection s = HD__HC_SECTION__INIT, *base = NULL, *saved = NULL;
	int rc = gw_hc_locale(r, loc, sizeof loc, out);
	if (!rc && !create) {
		Hd__HcId id = HD__HC_ID__INIT;
		id.id = r->id;
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.sections.get", &id,
			     &hd__hc_section__descriptor, (void **)&base, out);
		if (!rc)
			s = *base;
	} else {
		s.category_id = r->id; /* POST /categories/{id}/sections */
	}
	if (!rc)
		rc = gw_req_object(r, out, "section", &root, &obj);
	if (!rc)
		rc = read_common(r, obj, &s.name, &s.description, &s.locale,
				 &s.position, loc, out);
	int64_t cat = (int64_t)s.category_id;
	if (!rc && !create)
		rc = gw_hc_int(obj, "category_id", &cat, NULL, out);
	s.category_id = (uint64_t)cat;
	if (!rc)
		rc = gw_hc_str(obj, "sorting", &s.sorting, NULL, out);
	if (!rc)
		rc = gw_call(g, KNOWLEDGE(g), r, "hc.sections.save", &s,
			     &hd__hc_section__descriptor, (void **)&saved, out);
	if (!rc) {
		unsigned status = create ? 201 : 200;
		gw_reply_one(out, status, "section",
			     gw_hc_section_json(r, saved));
		gw_reply_location(r, out, status, "help_center/sections",
				  saved->id);
	}
	hd__hc_section__free_unpacked(saved, NULL);
	hd__hc_section__free_unpacked(base, NULL);
	json_decref(root);
	return rc;
}

static int sections_create(gw *g, gw_req *r, gw_resp *out)
{
	return section_write(g, r, out, true);
}

static int sections_update(gw *g, gw_req *r, gw_resp *out)
{
	return section_write(g, r, out, false);
}

static int show(gw *g, gw_req *r, gw_resp *out, bool category)
{
	Hd__HcId id = HD__HC_ID__INIT;
	void *m = NULL;
	id.id = r->id;
	int rc =
		gw_call(g, KNOWLEDGE(g), r,
			category ? "hc.categories.get" : "hc.sections.get", &id,
			category ? &hd__hc_category__descriptor
				 : &hd__hc_section__descriptor,
			&m, out);
	if (!rc)
		gw_reply_one(out, 200, category ? "category" : "section",
			     category ? gw_hc_category_json(r, m)
				      : gw_hc_section_json(r, m));
	protobuf_c_message_free_unpacked(m, NULL);
	return rc;
}

static int categories_show(gw *g, gw_req *r, gw_resp *out)
{
	return show(g, r, out, true);
}

static int sections_show(gw *g, gw_req *r, gw_resp *out)
{
	return show(g, r, out, false);
}

static int destroy(gw *g, gw_req *r, gw_resp *out, bool category)
{
	Hd__HcId id = HD__HC_ID__INIT;
	void *m = NULL;
	id.id = r->id;
	int rc = gw_call(g, KNOWLEDGE(g), r,
			 category ? "hc.categories.delete"
				  : "hc.sections.delete",
			 &id, &hd__hc_id__descriptor, &m, out);
	protobuf_c_message_free_unpacked(m, NULL);
	if (!rc)
		out->status = 204;
	return rc;
}

static int categories_delete(gw *g, gw_req *r, gw_resp *out)
{
	return destroy(g, r, out, true);
}

static int sections_delete(gw *g, gw_req *r, gw_resp *out)
{
	return destroy(g, r, out, false);
}

static int list(gw *g, gw_req *r, gw_resp *out, bool category,
		uint64_t category_id)
{
	gw_page p;
	char loc[24];
	Hd__HcListRequest q = HD__HC_LIST_REQUEST__INIT;
	int rc = gw_hc_locale(r, loc, sizeof loc, out);
	if (!rc)
		rc = gw_hc_page(r, &p, &q.offset, &q.limit, out);
	if (rc)
		return rc;
	q.category_id = category_id;
	void *l = NULL;
	rc = gw_call(g, KNOWLEDGE(g), r,
		     category ? "hc.categories.list" : "hc.sections.list", &q,
		     category ? &hd__hc_category_list__descriptor
			      : &hd__hc_section_list__descriptor,
		     &l, out);
	if (rc)
		return rc;
	json_t *arr = json_array();
	size_t n = 0;
	uint64_t count = 0;
	if (category) {
		Hd__HcCategoryList *cl = l;
		for (n = 0; n < cl->n_categories; n++)
			json_array_append_new(
				arr, gw_hc_category_json(r, cl->categories[n]));
		count = cl->count;
	} else {
		Hd__HcSectionList *sl = l;
		for (n = 0; n < sl->n_sections; n++)
			json_array_append_new(
				arr, gw_hc_section_json(r, sl->sections[n]));
		count = sl->count;
	}
	out->status = 200;
	out->body =
		json_pack("{s:o}", category ? "categories" : "sections", arr);
	gw_hc_links(r, &p, q.offset, n, count, out->body);
	protobuf_c_message_free_unpacked(l, NULL);
	return HD_OK;
}

static int categories_list(gw *g, gw_req *r, gw_resp *out)
{
	return list(g, r, out, true, 0);
}

static int sections_list(gw *g, gw_req *r, gw_resp *out)
{
	return list(g, r, out, false, 0);
}

static int category_sections(gw *g, gw_req *r, gw_resp *out)
{
	return list(g, r, out, false, r->id);
}

/* Each route with and without the /{locale}/ path part. */
#define BOTH(method, tail, fn, auth)                                           \
	{method, HC tail, fn, auth},                                           \
	{                                                                      \
		method, HC "/{s}" tail, fn, auth                               \
	}

const gw_route gw_help_center_routes[] = {
	BOTH("GET", "/categories", categories_list, GW_AUTH_ANON),
	BOTH("POST", "/categories", categories_create, GW_AUTH_ADMIN),
	BOTH("GET", "/categories/{id}", categories_show, GW_AUTH_ANON),
	BOTH("PUT", "/categories/{id}", categories_update, GW_AUTH_ADMIN),
	BOTH("DELETE", "/categories/{id}", categories_delete, GW_AUTH_ADMIN),
	BOTH("GET", "/sections", sections_list, GW_AUTH_ANON),
	BOTH("GET", "/categories/{id}/sections", category_sections,
	     GW_AUTH_ANON),
	BOTH("POST", "/categories/{id}/sections", sections_create,
	     GW_AUTH_ADMIN),
	BOTH("GET", "/sections/{id}", sections_show, GW_AUTH_ANON),
	BOTH("PUT", "/sections/{id}", sections_update, GW_AUTH_ADMIN),
	BOTH("DELETE", "/sections/{id}", sections_delete, GW_AUTH_ADMIN),
	{NULL, NULL, NULL, 0},
};
