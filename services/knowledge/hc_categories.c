/* hc.categories.* and hc.sections.*: the help center's two levels above
 * articles. Anyone may read them; admins write. Deleting a category
 * deletes its sections, and deleting a section its articles (Zendesk). */
#include "hc.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/text.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NAME_CHARS 255
#define MAX_DESC_BYTES ((size_t)64 << 10)

static int need_admin(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return hc_admin(&req->principal)
		       ? HD_OK
		       : hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				     "only admins manage the help center "
				     "structure");
}

static int check_common(char *name, char *desc, char *locale, hd_rpc_rep *rep)
{
	if (!*name || hd_utf8_chars(name, strlen(name)) > MAX_NAME_CHARS)
		return hd_rpc_fail(
			rep, HD_E_INVALID, "name",
			"Name: is required (at most 255 characters)");
	if (strlen(desc) > MAX_DESC_BYTES)
		return hd_rpc_fail(rep, HD_E_INVALID, "description",
				   "Description: is too long");
	if (!hc_locale_ok(locale))
		return hd_rpc_fail(
			rep, HD_E_INVALID, "locale",
			"Locale: is not a locale such as ko or en-us");
	return HD_OK;
}

/* ---- write jobs ---- */

typedef struct save_job {
	const hc *h;
	Hd__HcCategory *cat; /* one of the two */
	Hd__HcSection *sec;
	bool del;
} save_job;

static int delete_section(hd_txn *t, const hc *h, uint64_t id);

static bool in_section(const void *msg, const void *arg)
{
	return ((const Hd__HcArticle *)msg)->section_id ==
	       *(const uint64_t *)arg;
}

static bool in_category(const void *msg, const void *arg)
{
	return ((const Hd__HcSection *)msg)->category_id ==
	       *(const uint64_t *)arg;
}

static int delete_key(hd_txn *t, MDB_dbi dbi, uint64_t id)
{
	uint8_t key[8];
	hd_key_u64(key, id);
	return hd_txn_del(t, dbi, key, 8);
}

static int delete_section(hd_txn *t, const hc *h, uint64_t id)
{
	void **arts = NULL;
	size_t n = 0;
	int rc = hd_txn_scan_pb(t, h->articles, NULL, 0,
				&hd__hc_article__descriptor, in_section, &id,
				&arts, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		const Hd__HcArticle *a = arts[i];
		rc = hc_index_article(t, h, a, NULL);
		if (!rc)
			rc = delete_key(t, h->articles, a->id);
	}
	hd_pb_free_array(arts, n);
	return rc ? rc : delete_key(t, h->sections, id);
}

static int delete_category(hd_txn *t, const hc *h, uint64_t id)
{
	void **secs = NULL;
	size_t n = 0;
	int rc = hd_txn_scan_pb(t, h->sections, NULL, 0,
				&hd__hc_section__descriptor, in_category, &id,
				&secs, &n);
	for (size_t i = 0; !rc && i < n; i++)
		rc = delete_section(t, h, ((Hd__HcSection *)secs[i])->id);
	hd_pb_free_array(secs, n);
	return rc ? rc : delete_key(t, h->categories, id);
}

static int save_write(hd_txn *t, void *arg)
{
	save_job *j = arg;
	MDB_dbi dbi = j->cat ? j->h->categories : j->h->sections;
	const ProtobufCMessageDescriptor *desc =
		j->cat ? &hd__hc_category__descriptor
		       : &hd__hc_section__descriptor;
	uint64_t *id = j->cat ? &j->cat->id : &j->sec->id;
	void *old = NULL;
	int rc = *id ? hd_txn_get_pb_id(t, dbi, *id, desc, &old) : HD_OK;
	if (!rc && j->del) {
		rc = j->cat ? delete_category(t, j->h, *id)
			    : delete_section(t, j->h, *id);
		goto out;
	}
	if (!rc && j->sec) {
		void *cat = NULL;
		rc = hd_txn_get_pb_id(t, j->h->categories, j->sec->category_id,
				      &hd__hc_category__descriptor, &cat);
		protobuf_c_message_free_unpacked(cat, NULL);
		if (rc == HD_E_NOTFOUND)
			rc = HD_E_INVALID; /* reported as category_id */
	}
	if (!rc && !*id)
		rc = hc_next_id(t, j->h, j->cat ? "category" : "section", id);
	int64_t now = hd_now_ms();
	if (j->cat) {
		j->cat->updated_at = now;
		j->cat->created_at =
			old ? ((Hd__HcCategory *)old)->created_at : now;
	} else {
		j->sec->updated_at = now;
		j->sec->created_at =
			old ? ((Hd__HcSection *)old)->created_at : now;
	}
	if (!rc)
		rc = hd_txn_put_pb_id(t, dbi, *id,
				      j->cat ? (void *)j->cat : j->sec);
out:
	protobuf_c_message_free_unpacked(old, NULL);
	return rc ? rc : t->rc;
}

/* ---- RPCs ---- */

static int categories_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	int rc = need_admin(req, rep);
	if (rc)
		return rc;
	Hd__HcCategory *c = NULL;
	if (hd_req_decode(req, rep, &hd__hc_category__descriptor, (void **)&c))
		return HD_E_DECODE;
	rc = check_common(c->name, c->description, c->locale, rep);
	if (!rc && !*c->source_locale)
		c->source_locale = c->locale; /* borrowed for the pack */
	save_job j = {hc_of(ctx), c, NULL, false};
	if (!rc)
		rc = hd_store_write(hc_of(ctx)->store, save_write, &j);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "no such category");
	if (!rc)
		rc = hd_pb_pack(&rep->payload, c);
	if (c->source_locale == c->locale)
		c->source_locale = (char *)protobuf_c_empty_string;
	hd__hc_category__free_unpacked(c, NULL);
	return rc;
}

static int sections_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	int rc = need_admin(req, rep);
	if (rc)
		return rc;
	Hd__HcSection *s = NULL;
	if (hd_req_decode(req, rep, &hd__hc_section__descriptor, (void **)&s))
		return HD_E_DECODE;
	rc = check_common(s->name, s->description, s->locale, rep);
	bool borrowed = !*s->source_locale;
	if (borrowed)
		s->source_locale = s->locale;
	save_job j = {hc_of(ctx), NULL, s, false};
	if (!rc)
		rc = hd_store_write(hc_of(ctx)->store, save_write, &j);
	if (rc == HD_E_INVALID && !rep->message[0])
		hd_rpc_fail(rep, rc, "category_id", "Category: does not exist");
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "no such section");
	if (!rc)
		rc = hd_pb_pack(&rep->payload, s);
	if (borrowed)
		s->source_locale = (char *)protobuf_c_empty_string;
	hd__hc_section__free_unpacked(s, NULL);
	return rc;
}

static int delete_one(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		      bool category)
{
	int rc = need_admin(req, rep);
	if (rc)
		return rc;
	Hd__HcId *id = NULL;
	if (hd_req_decode(req, rep, &hd__hc_id__descriptor, (void **)&id))
		return HD_E_DECODE;
	Hd__HcCategory c = HD__HC_CATEGORY__INIT;
	Hd__HcSection s = HD__HC_SECTION__INIT;
	c.id = s.id = id->id;
	save_job j = {hc_of(ctx), category ? &c : NULL, category ? NULL : &s,
		      true};
	rc = id->id ? hd_store_write(hc_of(ctx)->store, save_write, &j)
		    : HD_E_NOTFOUND;
	hd__hc_id__free_unpacked(id, NULL);
	if (rc == HD_E_NOTFOUND)
		return hd_rpc_fail(rep, rc, NULL, "not found");
	return rc;
}

static int categories_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return delete_one(ctx, req, rep, true);
}

static int sections_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return delete_one(ctx, req, rep, false);
}

static int get_one(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		   bool category)
{
	const hc *h = hc_of(ctx);
	Hd__HcId *id = NULL;
	if (hd_req_decode(req, rep, &hd__hc_id__descriptor, (void **)&id))
		return HD_E_DECODE;
	void *m = NULL;
	hd_txn t;
	int rc = hd_store_read(h->store, &t);
	if (!rc) {
		rc = hd_txn_get_pb_id(
			&t, category ? h->categories : h->sections, id->id,
			category ? &hd__hc_category__descriptor
				 : &hd__hc_section__descriptor,
			&m);
		hd_txn_end(&t);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, m);
	if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "not found");
	protobuf_c_message_free_unpacked(m, NULL);
	hd__hc_id__free_unpacked(id, NULL);
	return rc;
}

static int categories_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return get_one(ctx, req, rep, true);
}

static int sections_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return get_one(ctx, req, rep, false);
}

static int by_position(const void *a, const void *b)
{
	/* Both kinds start with id and keep position at the same rank of
	 * their own struct, so compare through each type's field. */
	const ProtobufCMessage *x = *(void *const *)a, *y = *(void *const *)b;
	int32_t px, py;
	uint64_t ix, iy;
	if (x->descriptor == &hd__hc_category__descriptor) {
		px = ((const Hd__HcCategory *)x)->position;
		py = ((const Hd__HcCategory *)y)->position;
		ix = ((const Hd__HcCategory *)x)->id;
		iy = ((const Hd__HcCategory *)y)->id;
	} else {
		px = ((const Hd__HcSection *)x)->position;
		py = ((const Hd__HcSection *)y)->position;
		ix = ((const Hd__HcSection *)x)->id;
		iy = ((const Hd__HcSection *)y)->id;
	}
	if (px != py)
		return px < py ? -1 : 1;
	return ix < iy ? -1 : ix > iy;
}

static bool section_keep(const void *msg, const void *arg)
{
	const Hd__HcListRequest *q = arg;
	return !q->category_id ||
	       ((const Hd__HcSection *)msg)->category_id == q->category_id;
}

static bool category_keep(const void *msg, const void *arg)
{
	const Hd__HcListRequest *q = arg;
	return !q->category_id ||
	       ((const Hd__HcCategory *)msg)->id == q->category_id;
}

static int list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		bool category)
{
	const hc *h = hc_of(ctx);
	Hd__HcListRequest *q = NULL;
	if (hd_req_decode(req, rep, &hd__hc_list_request__descriptor,
			  (void **)&q))
		return HD_E_DECODE;
	void **items = NULL;
	size_t n = 0;
	hd_txn t;
	int rc = hd_store_read(h->store, &t);
	if (!rc) {
		rc = hd_txn_scan_pb(
			&t, category ? h->categories : h->sections, NULL, 0,
			category ? &hd__hc_category__descriptor
				 : &hd__hc_section__descriptor,
			category ? category_keep : section_keep, q, &items, &n);
		hd_txn_end(&t);
	}
	if (!rc) {
		if (n) /* an empty store scans to items == NULL */
			qsort(items, n, sizeof *items, by_position);
		size_t from = q->offset < n ? (size_t)q->offset : n;
		size_t cnt = n - from < q->limit ? n - from : q->limit;
		if (category) {
			Hd__HcCategoryList l = HD__HC_CATEGORY_LIST__INIT;
			l.categories =
				n ? (Hd__HcCategory **)items + from : NULL;
			l.n_categories = cnt;
			l.count = n;
			rc = hd_pb_pack(&rep->payload, &l);
		} else {
			Hd__HcSectionList l = HD__HC_SECTION_LIST__INIT;
			l.sections = n ? (Hd__HcSection **)items + from : NULL;
			l.n_sections = cnt;
			l.count = n;
			rc = hd_pb_pack(&rep->payload, &l);
		}
	}
	hd_pb_free_array(items, n);
	hd__hc_list_request__free_unpacked(q, NULL);
	return rc;
}

static int categories_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return list(ctx, req, rep, true);
}

static int sections_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return list(ctx, req, rep, false);
}

const hd_rpc_route hc_categories_routes[] = {
	{"hc.categories.save", categories_save},
	{"hc.categories.get", categories_get},
	{"hc.categories.delete", categories_delete},
	{"hc.categories.list", categories_list},
	{"hc.sections.save", sections_save},
	{"hc.sections.get", sections_get},
	{"hc.sections.delete", sections_delete},
	{"hc.sections.list", sections_list},
	{NULL, NULL},
};
