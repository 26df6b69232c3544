/* Help center categories and sections over HTTP (API.md §6), each path
 * with and without the /{locale}/ part. Anyone may read; admins write. */
#include "gw_help_center.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* What categories and sections differ in, for the handlers they share. */
typedef struct hc_kind {
	const char *key;              /* JSON object key */
	const char *get, *save, *del; /* knowledge methods */
	const char *coll;             /* Location: /api/v2/<coll>/<id>.json */
	const ProtobufCMessageDescriptor *desc;
	json_t *(*json)(const gw_req *r, const void *m);
	uint64_t (*id)(const void *m);
} hc_kind;

static json_t *category_json(const gw_req *r, const void *m)
{
	return gw_hc_category_json(r, m);
}

static uint64_t category_id(const void *m)
{
	return ((const Hd__HcCategory *)m)->id;
}

static json_t *section_json(const gw_req *r, const void *m)
{
	return gw_hc_section_json(r, m);
}

static uint64_t section_id(const void *m)
{
	return ((const Hd__HcSection *)m)->id;
}

static const hc_kind CATEGORY = {
	.key = "category",
	.get = "hc.categories.get",
	.save = "hc.categories.save",
	.del = "hc.categories.delete",
	.coll = "help_center/categories",
	.desc = &hd__hc_category__descriptor,
	.json = category_json,
	.id = category_id,
};

static const hc_kind SECTION = {
	.key = "section",
	.get = "hc.sections.get",
	.save = "hc.sections.save",
	.del = "hc.sections.delete",
	.coll = "help_center/sections",
	.desc = &hd__hc_section__descriptor,
	.json = section_json,
	.id = section_id,
};

/* The category or section {id} of the path, from knowledge; *m is the
 * caller's (protobuf_c_message_free_unpacked). */
static int fetch(gw *g, gw_req *r, gw_resp *out, const hc_kind *k, void **m)
{
	Hd__HcId id = HD__HC_ID__INIT;
	id.id = r->id;
	return gw_call(g, KNOWLEDGE(g), r, k->get, &id, k->desc, m, out);
}

/* Save msg through knowledge and answer what was stored: 201 with a
 * Location when created, else 200. */
static int save(gw *g, gw_req *r, gw_resp *out, const hc_kind *k,
		const void *msg, bool create)
{
	void *saved = NULL;
	int rc =
		gw_call(g, KNOWLEDGE(g), r, k->save, msg, k->desc, &saved, out);
	if (!rc) {
		unsigned status = create ? 201 : 200;
		gw_reply_one(out, status, k->key, k->json(r, saved));
		gw_reply_location(r, out, status, k->coll, k->id(saved));
	}
	protobuf_c_message_free_unpacked(saved, NULL);
	return rc;
}

static int category_write(gw *g, gw_req *r, gw_resp *out, bool create)
{
	char loc[24];
	json_t *root = NULL, *obj = NULL;
	Hd__HcCategory c = HD__HC_CATEGORY__INIT, *base = NULL;
	int rc = gw_hc_locale(r, loc, sizeof loc, out);
	if (!rc && !create &&
	    !(rc = fetch(g, r, out, &CATEGORY, (void **)&base)))
		c = *base;
	if (!rc)
		rc = gw_req_object(r, out, "category", &root, &obj);
	if (!rc)
		rc = read_common(r, obj, &c.name, &c.description, &c.locale,
				 &c.position, loc, out);
	if (!rc)
		rc = save(g, r, out, &CATEGORY, &c, create);
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
	Hd__HcSection s = HD__HC_SECTION__INIT, *base = NULL;
	int rc = gw_hc_locale(r, loc, sizeof loc, out);
	if (create)
		s.category_id = r->id; /* POST /categories/{id}/sections */
	else if (!rc && !(rc = fetch(g, r, out, &SECTION, (void **)&base)))
		s = *base;
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
		rc = save(g, r, out, &SECTION, &s, create);
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

static int show(gw *g, gw_req *r, gw_resp *out, const hc_kind *k)
{
	void *m = NULL;
	int rc = fetch(g, r, out, k, &m);
	if (!rc)
		gw_reply_one(out, 200, k->key, k->json(r, m));
	protobuf_c_message_free_unpacked(m, NULL);
	return rc;
}

static int categories_show(gw *g, gw_req *r, gw_resp *out)
{
	return show(g, r, out, &CATEGORY);
}

static int sections_show(gw *g, gw_req *r, gw_resp *out)
{
	return show(g, r, out, &SECTION);
}

static int destroy(gw *g, gw_req *r, gw_resp *out, const hc_kind *k)
{
	Hd__HcId id = HD__HC_ID__INIT;
	void *m = NULL;
	id.id = r->id;
	int rc = gw_call(g, KNOWLEDGE(g), r, k->del, &id,
			 &hd__hc_id__descriptor, &m, out);
	protobuf_c_message_free_unpacked(m, NULL);
	if (!rc)
		out->status = 204;
	return rc;
}

static int categories_delete(gw *g, gw_req *r, gw_resp *out)
{
	return destroy(g, r, out, &CATEGORY);
}

static int sections_delete(gw *g, gw_req *r, gw_resp *out)
{
	return destroy(g, r, out, &SECTION);
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

const gw_route gw_help_center_routes[] = {
	GW_HC_BOTH("GET", "/categories", categories_list, GW_AUTH_ANON),
	GW_HC_BOTH("POST", "/categories", categories_create, GW_AUTH_ADMIN),
	GW_HC_BOTH("GET", "/categories/{id}", categories_show, GW_AUTH_ANON),
	GW_HC_BOTH("PUT", "/categories/{id}", categories_update, GW_AUTH_ADMIN),
	GW_HC_BOTH("DELETE", "/categories/{id}", categories_delete,
		   GW_AUTH_ADMIN),
	GW_HC_BOTH("GET", "/sections", sections_list, GW_AUTH_ANON),
	GW_HC_BOTH("GET", "/categories/{id}/sections", category_sections,
		   GW_AUTH_ANON),
	GW_HC_BOTH("POST", "/categories/{id}/sections", sections_create,
		   GW_AUTH_ADMIN),
	GW_HC_BOTH("GET", "/sections/{id}", sections_show, GW_AUTH_ANON),
	GW_HC_BOTH("PUT", "/sections/{id}", sections_update, GW_AUTH_ADMIN),
	GW_HC_BOTH("DELETE", "/sections/{id}", sections_delete, GW_AUTH_ADMIN),
	{NULL, NULL, NULL, 0},
};
