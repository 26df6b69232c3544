/* The incremental ticket export (API.md §12): cursor-based
 * /incremental/tickets/cursor and time-based /incremental/tickets, from
 * metrics' copy of every ticket ordered by its latest stamp. Each ticket
 * carries generated_timestamp; deleted tickets come with status "deleted".
 * Admins only (GW_AUTH_ADMIN). */
#include "gw_mc.h"

#include "hd/err.h"

#include <stdio.h>
#include <string.h>

/* The tickets of a, rendered; NULL when one does not decode. */
static json_t *tickets_json(gw_req *r, const Hd__McAnswer *a)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < a->n_tickets; i++) {
		Hd__Ticket *tk = hd__ticket__unpack(NULL, a->tickets[i].len,
						    a->tickets[i].data);
		if (!tk) {
			json_decref(list);
			return NULL;
		}
		json_t *o = gw_ticket_json(r, tk);
		if (tk->deleted)
			json_object_set_new(o, "status",
					    json_string("deleted"));
		json_object_set_new(
			o, "generated_timestamp",
			json_integer((json_int_t)(i < a->n_stamps
							  ? a->stamps[i] / 1000
							  : 0)));
		json_array_append_new(list, o);
		hd__ticket__free_unpacked(tk, NULL);
	}
	return list;
}

static int export(gw *g, gw_req *r, Hd__McQuery *q, Hd__McAnswer **a,
		  json_t **list, gw_resp *out)
{
	int rc = gw_mc_per_page(r, &q->limit, out);
	if (!rc)
		rc = gw_mc_call(g, r, "metrics.mc.export", q, a, out);
	if (!rc && !(*list = tickets_json(r, *a)))
		rc = gw_from_err(out, HD_E_DECODE, "metrics' tickets");
	return rc;
}

int gw_mc_export_cursor(gw *g, gw_req *r, gw_resp *out)
{
	Hd__McQuery q = HD__MC_QUERY__INIT;
	Hd__McAnswer *a = NULL;
	json_t *list = NULL;
	const char *cursor = gw_query(r, "cursor");
	int rc = HD_OK;
	if (cursor)
		q.cursor = (char *)cursor;
	else
		rc = gw_mc_epoch_param(r, "start_time", 1, &q.start_ms, out);
	q.cursor_mode = true;
	if (!rc)
		rc = export(g, r, &q, &a, &list, out);
	if (!rc) {
		char after[800];
		snprintf(after, sizeof after,
			 "%s/api/v2/incremental/tickets/cursor.json?cursor=%s",
			 r->base_url, a->after_cursor);
		out->status = 200;
		json_decref(out->body);
		out->body = json_pack("{s:o, s:s, s:n, s:s, s:n, s:b}",
				      "tickets", list, "after_url", after,
				      "before_url", "after_cursor",
				      a->after_cursor, "before_cursor",
				      "end_of_stream", !a->has_more);
	}
	hd__mc_answer__free_unpacked(a, NULL);
	return rc;
}

int gw_mc_export_time(gw *g, gw_req *r, gw_resp *out)
{
	Hd__McQuery q = HD__MC_QUERY__INIT;
	Hd__McAnswer *a = NULL;
	json_t *list = NULL;
	int rc = gw_mc_epoch_param(r, "start_time", 1, &q.start_ms, out);
	if (!rc)
		rc = export(g, r, &q, &a, &list, out);
	if (!rc) {
		/* Zendesk's rule: the next page starts at this page's last
		 * second, so it may repeat tickets of that second. */
		int64_t end = a->count ? a->end_ms / 1000 : q.start_ms / 1000;
		char next[700];
		snprintf(next, sizeof next,
			 "%s/api/v2/incremental/tickets.json?start_time=%lld",
			 r->base_url, (long long)end);
		out->status = 200;
		json_decref(out->body);
		out->body = json_pack(
			"{s:o, s:I, s:b, s:s, s:I}", "tickets", list, "count",
			(json_int_t)a->count, "end_of_stream", !a->has_more,
			"next_page", next, "end_time", (json_int_t)end);
	}
	hd__mc_answer__free_unpacked(a, NULL);
	return rc;
}
