/* Help center objects in Zendesk's shapes (API.md §6), the {locale} path
 * part, HC pagination, and typed readers of request objects. */
#include "gw_help_center.h"
#include "hc_center.h"

#include "hd/err.h"
#include "hd/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const collections[] = {
	"articles", "categories", "sections",    "users",
	"votes",    "locales",    "incremental", NULL};

int gw_hc_locale(gw_req *r, char *out, size_t cap, gw_resp *resp)
{
	static const char prefix[] = "/api/v2/help_center/";
	out[0] = '\0';
	if (strncmp(r->path, prefix, sizeof prefix - 1) != 0)
		return HD_OK;
	const char *seg = r->path + sizeof prefix - 1;
	size_t n = strcspn(seg, "/");
	for (size_t i = 0; collections[i]; i++)
		if (strlen(collections[i]) == n &&
		    !strncmp(seg, collections[i], n))
			return HD_OK;
	if (n < 2 || n >= cap || n > 16)
		return gw_error(resp, 400, "InvalidLocale",
				"The locale in the path is not valid");
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)seg[i]) && seg[i] != '-')
			return gw_error(resp, 400, "InvalidLocale",
					"The locale in the path is not valid");
		out[i] = (char)tolower((unsigned char)seg[i]);
	}
	out[n] = '\0';
	return HD_OK;
}

int gw_hc_page(gw_req *r, gw_page *p, uint64_t *offset, uint32_t *limit,
	       gw_resp *out)
{
	int rc = gw_page_parse(r, p, GW_HC_PAGE, 10000, out);
	if (rc)
		return rc;
	/* Cursors hold the offset of the page they lead to. */
	rc = gw_page_offset(p, offset, out);
	if (rc)
		return rc;
	if (p->cursor && p->before[0] && !p->after[0]) {
		uint64_t end;
		if (hd_parse_u64(p->before, &end))
			return gw_error(out, 400, "InvalidPaginationParameter",
					"Invalid cursor");
		*offset = end > p->size ? end - p->size : 0;
	}
	*limit = p->size;
	return HD_OK;
}

void gw_hc_links(gw_req *r, const gw_page *p, uint64_t offset, size_t n,
		 uint64_t count, json_t *body)
{
	char next[24], prev[24];
	uint64_t end = offset + n;
	snprintf(next, sizeof next, "%llu", (unsigned long long)end);
	snprintf(prev, sizeof prev, "%llu", (unsigned long long)offset);
	gw_page_links(r, p, body, count, end < count, n ? next : NULL,
		      offset && n ? prev : NULL);
	if (p->cursor)
		return;
	const char *sort_by = gw_query(r, "sort_by");
	const char *sort_order = gw_query(r, "sort_order");
	json_object_set_new(body, "page", json_integer((json_int_t)p->page));
	json_object_set_new(body, "per_page", json_integer(p->size));
	json_object_set_new(
		body, "page_count",
		json_integer((json_int_t)((count + p->size - 1) / p->size)));
	json_object_set_new(body, "sort_by",
			    json_string(sort_by ? sort_by : "position"));
	json_object_set_new(body, "sort_order",
			    json_string(sort_order ? sort_order : "asc"));
}

static json_t *id_or_null(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

json_t *gw_hc_category_json(const gw_req *r, const Hd__HcCategory *c)
{
	char url[400], html[400];
	snprintf(url, sizeof url,
		 "%s/api/v2/help_center/%s/categories/%llu.json", r->base_url,
		 c->locale, (unsigned long long)c->id);
	snprintf(html, sizeof html, "%s/hc/%s/categories/%llu", r->base_url,
		 hc_page_locale(c->locale), (unsigned long long)c->id);
	return json_pack("{s:I, s:s, s:s, s:i, s:o, s:o, s:s, s:s, s:s, s:s, "
			 "s:b}",
			 "id", (json_int_t)c->id, "url", url, "html_url", html,
			 "position", c->position, "created_at",
			 gw_time_json(c->created_at), "updated_at",
			 gw_time_json(c->updated_at), "name", c->name,
			 "description", c->description, "locale", c->locale,
			 "source_locale", c->source_locale, "outdated",
			 c->outdated);
}

json_t *gw_hc_section_json(const gw_req *r, const Hd__HcSection *s)
{
	char url[400], html[400];
	snprintf(url, sizeof url, "%s/api/v2/help_center/%s/sections/%llu.json",
		 r->base_url, s->locale, (unsigned long long)s->id);
	snprintf(html, sizeof html, "%s/hc/%s/sections/%llu", r->base_url,
		 hc_page_locale(s->locale), (unsigned long long)s->id);
	return json_pack(
		"{s:I, s:s, s:s, s:I, s:i, s:s, s:o, s:o, s:s, s:s, "
		"s:s, s:s, s:b, s:o, s:o}",
		"id", (json_int_t)s->id, "url", url, "html_url", html,
		"category_id", (json_int_t)s->category_id, "position",
		s->position, "sorting", *s->sorting ? s->sorting : "manual",
		"created_at", gw_time_json(s->created_at), "updated_at",
		gw_time_json(s->updated_at), "name", s->name, "description",
		s->description, "locale", s->locale, "source_locale",
		s->source_locale, "outdated", s->outdated, "parent_section_id",
		id_or_null(s->parent_section_id), "theme_template",
		gw_str_or_null(s->theme_template));
}

static json_t *labels_json(const Hd__HcArticle *a)
{
	json_t *l = json_array();
	for (size_t i = 0; i < a->n_label_names; i++)
		json_array_append_new(l, json_string(a->label_names[i]));
	return l;
}

json_t *gw_hc_article_json(const gw_req *r, const Hd__HcArticle *a)
{
	const Hd__HcTranslation *tr = a->translations[0];
	char url[400], html[400];
	snprintf(url, sizeof url, "%s/api/v2/help_center/%s/articles/%llu.json",
		 r->base_url, tr->locale, (unsigned long long)a->id);
	snprintf(html, sizeof html, "%s/hc/%s/articles/%llu", r->base_url,
		 hc_page_locale(tr->locale), (unsigned long long)a->id);
	json_t *segs = json_array();
	if (a->user_segment_id)
		json_array_append_new(
			segs, json_integer((json_int_t)a->user_segment_id));
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:I, s:b, s:[], s:o, s:b, s:b, s:i, s:i, "
		"s:i, s:I, s:o, s:o, s:o}",
		"id", (json_int_t)a->id, "url", url, "html_url", html,
		"author_id", (json_int_t)a->author_id, "comments_disabled",
		a->comments_disabled, "content_tag_ids", "label_names",
		labels_json(a), "draft", tr->draft, "promoted", a->promoted,
		"position", a->position, "vote_sum", a->vote_sum, "vote_count",
		(int)a->vote_count, "section_id", (json_int_t)a->section_id,
		"created_at", gw_time_json(a->created_at), "updated_at",
		gw_time_json(a->updated_at), "edited_at",
		gw_time_json(a->edited_at));
	json_t *more = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:b, s:[], s:I, s:o, s:o}", "name",
		tr->title, "title", tr->title, "body", tr->body,
		"source_locale", a->source_locale, "locale", tr->locale,
		"outdated", tr->outdated, "outdated_locales",
		"permission_group_id", (json_int_t)a->permission_group_id,
		"user_segment_id", id_or_null(a->user_segment_id),
		"user_segment_ids", segs);
	json_object_update(o, more);
	json_decref(more);
	return o;
}

json_t *gw_hc_translation_json(const gw_req *r, const Hd__HcArticle *a,
			       size_t slot)
{
	const Hd__HcTranslation *tr = a->translations[slot];
	char url[400], html[400];
	snprintf(url, sizeof url,
		 "%s/api/v2/help_center/articles/%llu/translations/%s.json",
		 r->base_url, (unsigned long long)a->id, tr->locale);
	snprintf(html, sizeof html, "%s/hc/%s/articles/%llu", r->base_url,
		 hc_page_locale(tr->locale), (unsigned long long)a->id);
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b, "
			 "s:o, s:o, s:I}",
			 "url", url, "html_url", html, "source_id",
			 (json_int_t)a->id, "source_type", "Article", "locale",
			 tr->locale, "title", tr->title, "body", tr->body,
			 "outdated", tr->outdated, "draft", tr->draft, "hidden",
			 0, "created_at", gw_time_json(tr->created_at),
			 "updated_at", gw_time_json(tr->updated_at),
			 "updated_by_id", (json_int_t)tr->updated_by_id);
}

/* ---- readers ---- */

int gw_hc_str(json_t *obj, const char *key, char **dst, int *set, gw_resp *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return HD_OK;
	if (json_is_null(v))
		v = NULL;
	else if (!json_is_string(v))
		return gw_invalid_must(out, key, "a string");
	*dst = v ? (char *)json_string_value(v) : "";
	if (set)
		*set = 1;
	return HD_OK;
}

int gw_hc_bool(json_t *obj, const char *key, protobuf_c_boolean *dst,
	       protobuf_c_boolean *set, gw_resp *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return HD_OK;
	if (!json_is_boolean(v))
		return gw_invalid_must(out, key, "true or false");
	*dst = json_is_true(v);
	if (set)
		*set = 1;
	return HD_OK;
}

int gw_hc_int(json_t *obj, const char *key, int64_t *dst, int *set,
	      gw_resp *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return HD_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > INT32_MAX)
		return gw_invalid_must(out, key, "a non-negative integer");
	*dst = json_integer_value(v);
	if (set)
		*set = 1;
	return HD_OK;
}

int gw_hc_labels(json_t *obj, char ***v, size_t *n, int *set, gw_resp *out)
{
	json_t *l = json_object_get(obj, "label_names");
	*v = NULL;
	*n = 0;
	if (!l)
		return HD_OK;
	if (!json_is_array(l) || json_array_size(l) > 50)
		return gw_invalid_must(out, "label_names",
				       "an array of at most 50 strings");
	*v = calloc(json_array_size(l) + 1, sizeof **v);
	if (!*v)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	size_t i;
	json_t *s;
	json_array_foreach(l, i, s)
	{
		if (!json_is_string(s) || !json_string_length(s)) {
			free(*v);
			*v = NULL;
			return gw_invalid_must(out, "label_names",
					       "an array of non-empty strings");
		}
		(*v)[(*n)++] = (char *)json_string_value(s);
	}
	if (set)
		*set = 1;
	return HD_OK;
}

int gw_hc_query_labels(gw_req *r, char ***v, size_t *n, char **copy,
		       gw_resp *out)
{
	const char *l = gw_query(r, "label_names");
	*copy = NULL;
	*v = NULL;
	*n = 0;
	if (!l || !*l)
		return HD_OK;
	size_t max = 1;
	for (const char *p = l; *p; p++)
		max += *p == ',';
	if (max > 50)
		return gw_too_many(out, "label_names", 50);
	if (!hd_utf8_valid(l, strlen(l)))
		return gw_error(out, 400, "InvalidParameter",
				"label_names is not valid UTF-8");
	*copy = strdup(l);
	*v = calloc(max, sizeof **v);
	if (!*copy || !*v)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	for (char *p = *copy, *save = NULL, *tok;
	     (tok = strtok_r(p, ",", &save)); p = NULL)
		(*v)[(*n)++] = tok;
	return HD_OK;
}
