/* Knowledge cards as JSON (our /api/v2/hd/cards family, in Zendesk's
 * conventions: ISO times, ids as integers, null for unset) and the card
 * input. Content is stored as text; html_content is it HTML-escaped. */
#include "gw_kb.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *id_or_null(uint64_t id)
{
	return id ? json_integer((json_int_t)id) : json_null();
}

static json_t *time_or_null(int64_t ms)
{
	return ms ? gw_time_json(ms) : json_null();
}

json_t *gw_card_json(const gw_req *r, const Hd__Card *c)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/hd/cards/%llu.json", r->base_url,
		 (unsigned long long)c->id);
	char *html = gw_html_escape(c->content);
	json_t *o = json_pack(
		"{s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:{s:o, s:o}, s:i, s:s, "
		"s:o, s:o, s:o, s:i, s:o, s:o, s:o}",
		"url", url, "id", (json_int_t)c->id, "title", c->title,
		"content", c->content, "html_content", html ? html : "",
		"collection", c->collection, "owner_id",
		id_or_null(c->owner_id), "verifier", "user_id",
		id_or_null(c->verifier_user_id), "group_id",
		id_or_null(c->verifier_group_id), "verification_interval_days",
		(int)c->verification_interval_days, "state", c->state,
		"last_verified_by_id", id_or_null(c->last_verified_by),
		"last_verified_at", time_or_null(c->last_verified_at),
		"next_verification_at", time_or_null(c->next_verification_at),
		"version", (int)c->version, "created_at",
		gw_time_json(c->created_at), "updated_at",
		gw_time_json(c->updated_at), "updated_by_id",
		id_or_null(c->updated_by));
	free(html);
	return o;
}

json_t *gw_card_version_json(const Hd__CardVersion *v)
{
	return json_pack(
		"{s:I, s:i, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o}", "card_id",
		(json_int_t)v->card_id, "number", (int)v->number, "title",
		v->title, "content", v->content, "collection", v->collection,
		"author_id", id_or_null(v->author_id), "created_at",
		gw_time_json(v->created_at), "reason", v->reason, "proposal_id",
		id_or_null(v->proposal_id), "restored_from",
		v->restored_from ? json_integer(v->restored_from)
				 : json_null());
}

json_t *gw_card_proposal_json(const gw_req *r, const Hd__CardProposal *p)
{
	char url[400];
	snprintf(url, sizeof url, "%s/api/v2/hd/cards/proposals/%llu.json",
		 r->base_url, (unsigned long long)p->id);
	return json_pack(
		"{s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o}",
		"url", url, "id", (json_int_t)p->id, "card_id",
		id_or_null(p->card_id), "author_id", id_or_null(p->author_id),
		"title", gw_str_or_null(p->title), "content",
		gw_str_or_null(p->content), "collection",
		gw_str_or_null(p->collection), "state", p->state, "created_at",
		gw_time_json(p->created_at), "decided_by_id",
		id_or_null(p->decided_by), "decided_at",
		time_or_null(p->decided_at), "base_version",
		p->base_version ? json_integer(p->base_version) : json_null());
}

/* Record field as given (w->fields has room for every card input key). */
static void mark(Hd__CardWrite *w, const char *field)
{
	w->fields[w->n_fields++] = (char *)field;
}

static int read_string(json_t *obj, const char *key, char **dst,
		       Hd__CardWrite *w, gw_resp *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return HD_OK;
	if (json_is_null(v) && strcmp(key, "collection") == 0) {
		*dst = "";
	} else if (json_is_string(v)) {
		*dst = (char *)json_string_value(v); /* borrowed from obj */
	} else {
		return gw_invalid_must(out, key, "a string");
	}
	mark(w, key);
	return HD_OK;
}

static int read_id(json_t *v, const char *field, uint64_t *dst, gw_resp *out)
{
	if (json_is_null(v)) {
		*dst = 0;
		return HD_OK;
	}
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*dst = (uint64_t)json_integer_value(v);
		return HD_OK;
	}
	return gw_invalid_must(out, field, "a positive integer id");
}

static int read_verifier(json_t *obj, Hd__CardWrite *w, gw_resp *out)
{
	json_t *v = json_object_get(obj, "verifier");
	if (!v)
		return HD_OK;
	json_t *u = json_object_get(v, "user_id");
	json_t *gr = json_object_get(v, "group_id");
	bool has_u = u && !json_is_null(u), has_g = gr && !json_is_null(gr);
	if (!json_is_object(v) || (has_u && has_g))
		return gw_invalid(out, "verifier",
				  "verifier: give one of user_id or group_id");
	int rc = has_u ? read_id(u, "verifier", &w->card->verifier_user_id, out)
		       : HD_OK;
	if (!rc && has_g)
		rc = read_id(gr, "verifier", &w->card->verifier_group_id, out);
	if (!rc) {
		w->card->verifier_user_id *= has_u;
		w->card->verifier_group_id *= has_g;
		mark(w, "verifier");
	}
	return rc;
}

int gw_card_read(json_t *obj, Hd__CardWrite *w, gw_resp *out)
{
	static const size_t max_fields = 6;
	Hd__Card *c = w->card;
	w->fields = calloc(max_fields, sizeof *w->fields);
	if (!w->fields)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	int rc = read_string(obj, "title", &c->title, w, out);
	rc = rc ? rc : read_string(obj, "content", &c->content, w, out);
	rc = rc ? rc : read_string(obj, "collection", &c->collection, w, out);
	json_t *v = json_object_get(obj, "owner_id");
	if (!rc && v && !(rc = read_id(v, "owner_id", &c->owner_id, out)))
		mark(w, "owner_id");
	rc = rc ? rc : read_verifier(obj, w, out);
	v = json_object_get(obj, "verification_interval_days");
	if (!rc && v) {
		json_int_t d = json_is_integer(v) ? json_integer_value(v) : 0;
		if (d < 1 || d > 3650)
			return gw_invalid(out, "verification_interval_days",
					  "verification_interval_days: must "
					  "be an integer from 1 to 3650");
		c->verification_interval_days = (uint32_t)d;
		mark(w, "verification_interval_days");
	}
	return rc;
}

void gw_card_input_release(Hd__CardWrite *w)
{
	free(w->fields);
	w->fields = NULL;
	w->n_fields = 0;
}
