/* Satisfaction ratings over HTTP (API.md §10). A rating is written by
 * intake onto the ticket (tickets.rate: only the requester, only once
 * solved), so it shows in the ticket's satisfaction_rating and its audit;
 * metrics records it from the ticket event and answers the lists. */
#include "gw_mc.h"
#include "gw_shared.h"
#include "gw_tickets.h"

#include "hd/err.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COMMENT 65536

static void rating_url(gw_req *r, json_t *o)
{
	char url[700];
	snprintf(url, sizeof url, "%s/api/v2/satisfaction_ratings/%lld.json",
		 r->base_url,
		 (long long)json_integer_value(json_object_get(o, "id")));
	json_object_set_new(o, "url", json_string(url));
}

/* The rating for intake, its JSON types checked here for clear 422s
 * (intake checks the values). */
static int read_rating(gw_req *r, gw_resp *out, json_t **root,
		       Hd__RateRequest *w)
{
	json_t *obj;
	int rc = gw_req_object(r, out, "satisfaction_rating", root, &obj);
	json_t *score = rc ? NULL : json_object_get(obj, "score");
	json_t *comment = rc ? NULL : json_object_get(obj, "comment");
	json_t *reason = rc ? NULL : json_object_get(obj, "reason_code");
	const char *s = json_string_value(score);
	if (!rc && (!s || (strcmp(s, "good") && strcmp(s, "bad"))))
		rc = gw_invalid(out, "score", "score must be good or bad");
	if (!rc && comment && !json_is_null(comment) &&
	    (!json_is_string(comment) ||
	     json_string_length(comment) > MAX_COMMENT))
		rc = gw_invalid(out, "comment",
				"comment must be text of at most 64 KiB");
	if (!rc && reason && !json_is_null(reason) && !json_is_integer(reason))
		rc = gw_invalid(out, "reason_code",
				"reason_code must be an integer");
	if (rc)
		return rc;
	w->score = (char *)s;
	w->comment = json_is_string(comment)
			     ? (char *)json_string_value(comment)
			     : "";
	json_int_t why = json_integer_value(reason);
	w->reason_code = why > 0 && why <= 1000 ? (uint32_t)why : 0;
	return HD_OK;
}

int gw_mc_rate(gw *g, gw_req *r, gw_resp *out)
{
	json_t *root = NULL;
	Hd__RateRequest w = HD__RATE_REQUEST__INIT;
	Hd__TicketWriteReply *rep = NULL;
	hd_rpc_client *c = gw_ticket_shard(g, r->id);
	int rc = c ? read_rating(r, out, &root, &w)
		   : gw_from_err(out, HD_E_NOTFOUND, "Not found");
	w.id = r->id;
	if (!rc)
		rc = gw_call(g, c, r, "tickets.rate", &w,
			     &hd__ticket_write_reply__descriptor, (void **)&rep,
			     out);
	if (!rc) {
		const Hd__Ticket *tk = rep->ticket;
		json_t *o = json_pack(
			"{s:I, s:I, s:I, s:s, s:o, s:o, s:o}", "id",
			(json_int_t)tk->id, "ticket_id", (json_int_t)tk->id,
			"requester_id", (json_int_t)tk->requester_id, "score",
			tk->satisfaction_score, "comment",
			gw_str_or_null(tk->satisfaction_comment), "created_at",
			gw_time_json(tk->updated_at), "updated_at",
			gw_time_json(tk->updated_at));
		json_object_set_new(
			o, "assignee_id",
			tk->assignee_id
				? json_integer((json_int_t)tk->assignee_id)
				: json_null());
		json_object_set_new(
			o, "group_id",
			tk->group_id ? json_integer((json_int_t)tk->group_id)
				     : json_null());
		rating_url(r, o);
		gw_reply_one(out, 200, "satisfaction_rating", o);
	}
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	json_decref(root);
	return rc;
}

int gw_mc_ratings(gw *g, gw_req *r, gw_resp *out)
{
	gw_page p;
	Hd__McQuery q = HD__MC_QUERY__INIT;
	Hd__McAnswer *a = NULL;
	const char *score = gw_query(r, "score");
	int rc = gw_page_parse(r, &p, 100, 10000, out);
	if (!rc && p.cursor)
		rc = gw_error(out, 400, "InvalidValue",
			      "satisfaction_ratings pages by page and "
			      "per_page");
	if (!rc)
		rc = gw_mc_epoch_param(r, "start_time", 0, &q.start_ms, out);
	if (!rc)
		rc = gw_mc_epoch_param(r, "end_time", 0, &q.end_ms, out);
	if (!rc && score && !hd_utf8_valid(score, strlen(score)))
		rc = gw_error(out, 400, "InvalidValue", "score is not UTF-8");
	q.score = (char *)(score ? score : "");
	q.limit = p.size;
	q.offset = (p.page - 1) * p.size;
	if (!rc)
		rc = gw_mc_call(g, r, "metrics.mc.ratings", &q, &a, out);
	if (!rc) {
		json_t *list = json_array();
		for (size_t i = 0; list && i < a->n_ratings; i++)
			if (json_array_append_new(
				    list,
				    gw_mc_rating_json(r, a->ratings[i]))) {
				json_decref(list);
				list = NULL; /* a row that does not render */
			}
		rc = gw_mc_reply(
			json_pack("{s:o}", "satisfaction_ratings", list), out);
	}
	if (!rc)
		gw_page_links(r, &p, out->body, a->count, a->has_more, NULL,
			      NULL);
	hd__mc_answer__free_unpacked(a, NULL);
	return rc;
}

int gw_mc_rating(gw *g, gw_req *r, gw_resp *out)
{
	Hd__McQuery q = HD__MC_QUERY__INIT;
	Hd__McAnswer *a = NULL;
	q.id = r->id;
	int rc = gw_mc_call(g, r, "metrics.mc.ratings", &q, &a, out);
	if (!rc && a->n_ratings != 1)
		rc = gw_from_err(out, HD_E_DECODE, "metrics' answer");
	if (!rc)
		rc = gw_mc_reply(json_pack("{s:o}", "satisfaction_rating",
					   gw_mc_rating_json(r, a->ratings[0])),
				 out);
	hd__mc_answer__free_unpacked(a, NULL);
	return rc;
}
