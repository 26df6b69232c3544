/* My requests (portal.h):
 *   GET  /hc/{locale}/requests       the requests the customer may see:
 *        their own, those they are CC'd on, and their organization's when
 *        it shares tickets (intake's tk_can_see, as for the API)
 *   GET  /hc/{locale}/requests/{id}  status and the public conversation
 *   POST /hc/{locale}/requests/{id}  reply (always public), with files;
 *        solved=1 marks it solved when the customer may
 *        (can_be_solved_by_me: the requester, once an agent is assigned)
 * Every RPC runs as an end-user, so intake hides other people's requests
 * (404, like one that does not exist) and internal notes; this page shows
 * public comments only, again. Visitors not signed in go to sign-in. */
#include "portal.h"

#include "hd/err.h"
#include "hd/time_iso.h"
#include "hd/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_SIZE 25

/* The pages act as the signed-in end-user; anyone else is sent to sign in
 * (the redirect is in out and HD_E_UNAUTHORIZED returned). */
static int signed_in(gw_req *r, gw_resp *out, const char *loc)
{
	if (!r->who.user_id) {
		char path[64];
		snprintf(path, sizeof path, HC_PATH_SIGNIN, loc);
		hc_redirect(r, out, 303, path);
		return HD_E_UNAUTHORIZED;
	}
	r->who.role = HD__USER_ROLE__ROLE_END_USER;
	return HD_OK;
}

/* A page's opening: its locale in *loc and signed_in; else the 404 or the
 * redirect is in out and an error returned (the handler is done). */
static int customer_page(gw_req *r, gw_resp *out, const char **loc)
{
	*loc = hc_route_locale(r);
	if (!*loc) {
		hc_error_page(r, out, NULL, 404);
		return HD_E_NOTFOUND;
	}
	return signed_in(r, out, *loc);
}

/* "2026-12-06 08:30 UTC" of ms into text, and its ISO-8601 form (""
 * out of range), for a <time>. */
static void when(int64_t ms, char *text, size_t cap, char iso[HD_TIME_ISO_LEN])
{
	hd_time_iso(ms, iso);
	snprintf(text, cap, "%.10s %.5s UTC", iso, iso[0] ? iso + 11 : "");
}

static void time_tag(hd_buf *b, const char *iso_text)
{
	/* the API's ISO time "2026-12-06T08:30:00Z" → shown without secs */
	char text[24];
	snprintf(text, sizeof text, "%.10s %.5s UTC", iso_text,
		 strlen(iso_text) > 11 ? iso_text + 11 : "");
	hd_buf_puts(b, "<time datetime=\"");
	hc_esc(b, iso_text);
	hd_buf_puts(b, "\">");
	hc_esc(b, text);
	hd_buf_puts(b, "</time>");
}

static void signout_form(gw_req *r, gw_resp *out, hd_buf *b, const char *loc)
{
	char action[32];
	snprintf(action, sizeof action, "/hc/%s/signout", loc);
	hd_buf_puts(b, "<div class=\"pt-who\"><span>");
	hc_esc(b, hc_str(loc, "pt.signin.signed_in_as"));
	hd_buf_puts(b, " ");
	hc_esc(b, r->who.email);
	hd_buf_puts(b, "</span>");
	gw_pt_form_open(r, out, b, action, 0, "pt-inline");
	hd_buf_puts(b, "<button type=\"submit\" class=\"hc-secondary\">");
	hc_esc(b, hc_str(loc, "pt.signout"));
	hd_buf_puts(b, "</button></form></div>\n");
}

static bool id_in(json_t *arr, uint64_t id)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
	{
		if ((uint64_t)json_integer_value(x) == id)
			return true;
	}
	return false;
}

static const char *relation(gw_req *r, json_t *req)
{
	uint64_t me = r->who.user_id;
	if ((uint64_t)json_integer_value(
		    json_object_get(req, "requester_id")) == me)
		return "pt.requests.mine";
	if (id_in(json_object_get(req, "collaborator_ids"), me) ||
	    id_in(json_object_get(req, "email_cc_ids"), me))
		return "pt.requests.ccd";
	return "pt.requests.org";
}

static void list_rows(gw_req *r, hd_buf *b, const char *loc, json_t *reqs)
{
	size_t i;
	json_t *q;
	hd_buf_puts(b, "<table class=\"pt-requests\">\n<thead><tr>");
	static const char *const cols[] = {
		"pt.requests.id", "pt.requests.subject", "pt.requests.status",
		"pt.requests.relation", "pt.requests.updated"};
	for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
		hd_buf_puts(b, "<th scope=\"col\">");
		hc_esc(b, hc_str(loc, cols[c]));
		hd_buf_puts(b, "</th>");
	}
	hd_buf_puts(b, "</tr></thead>\n<tbody>\n");
	json_array_foreach(reqs, i, q)
	{
		json_int_t id = json_integer_value(json_object_get(q, "id"));
		const char *st =
			json_string_value(json_object_get(q, "status"));
		const char *subject =
			json_string_value(json_object_get(q, "subject"));
		const char *upd =
			json_string_value(json_object_get(q, "updated_at"));
		hd_buf_printf(b,
			      "<tr><td>#%lld</td><td><a "
			      "href=\"/hc/%s/requests/%lld\">",
			      (long long)id, loc, (long long)id);
		hc_esc(b, subject && subject[0] ? subject : "—");
		hd_buf_printf(b,
			      "</a></td><td><span class=\"pt-status "
			      "pt-status-%s\">",
			      st ? st : "open");
		hc_esc(b, gw_pt_status(loc, st ? st : "open"));
		hd_buf_puts(b, "</span></td><td>");
		hc_esc(b, hc_str(loc, relation(r, q)));
		hd_buf_puts(b, "</td><td>");
		time_tag(b, upd ? upd : "");
		hd_buf_puts(b, "</td></tr>\n");
	}
	hd_buf_puts(b, "</tbody>\n</table>\n");
}

static void pager(hd_buf *b, const char *loc, uint64_t page, bool more)
{
	if (page <= 1 && !more)
		return;
	hd_buf_puts(b, "<nav class=\"pt-pager\" aria-label=\"");
	hc_esc(b, hc_str(loc, "pt.requests.pages"));
	hd_buf_puts(b, "\"><ul>");
	if (page > 1) {
		hd_buf_printf(b, "<li><a href=\"/hc/%s/requests?page=%llu\">",
			      loc, (unsigned long long)(page - 1));
		hc_esc(b, hc_str(loc, "pt.requests.newer"));
		hd_buf_puts(b, "</a></li>");
	}
	if (more) {
		hd_buf_printf(b, "<li><a href=\"/hc/%s/requests?page=%llu\">",
			      loc, (unsigned long long)(page + 1));
		hc_esc(b, hc_str(loc, "pt.requests.older"));
		hd_buf_puts(b, "</a></li>");
	}
	hd_buf_puts(b, "</ul></nav>\n");
}

static int list_page(gw *g, gw_req *r, gw_resp *out)
{
	const char *loc;
	if (customer_page(r, out, &loc))
		return HD_OK;
	gw_portal_fields pf;
	gw_resp api = {0};
	gw_ticket_list lq = {.filter = "",
			     .key = "requests",
			     .item = gw_request_json,
			     .item_arg = &pf};
	int rc = gw_portal_fields_load(g, r, &pf, &api);
	if (!rc) {
		rc = gw_tickets_run_list(g, r, &lq, &api);
		gw_portal_fields_free(&pf);
	}
	if (rc || api.status != 200) {
		unsigned st = api.status;
		json_decref(api.body);
		return hc_error_page(r, out, loc, st == 400 ? 404 : 503);
	}
	hc_page p = {.locale = loc,
		     .title = hc_str(loc, "pt.requests.title"),
		     .path = "/requests",
		     .noindex = 1,
		     .css = "portal.css"};
	hd_buf b;
	hc_page_init(&b);
	hc_page_open(r, &p, &b);
	hd_buf_puts(&b, "<h1>");
	hc_esc(&b, p.title);
	hd_buf_puts(&b, "</h1>\n");
	signout_form(r, out, &b, loc);
	json_t *reqs = json_object_get(api.body, "requests");
	if (!json_array_size(reqs)) {
		hd_buf_puts(&b, "<p>");
		hc_esc(&b, hc_str(loc, "pt.requests.none"));
		hd_buf_printf(&b, "</p>\n<p><a href=\"/hc/%s/requests/new\">",
			      loc);
		hc_esc(&b, hc_str(loc, "nav.new_request"));
		hd_buf_puts(&b, "</a></p>\n");
	} else {
		list_rows(r, &b, loc, reqs);
	}
	uint64_t page = 1;
	const char *pg = gw_query(r, "page");
	if (pg && hd_parse_u64(pg, &page))
		page = 1;
	pager(&b, loc, page,
	      json_is_string(json_object_get(api.body, "next_page")));
	json_decref(api.body);
	hc_page_close(r, &p, &b);
	return hc_reply(out, 200, &b);
}

static const char *author(gw_req *r, const Hd__Ticket *tk, const Hd__Comment *c,
			  const char *loc)
{
	if (c->author_id == r->who.user_id)
		return hc_str(loc, "pt.request.you");
	if (c->author_id == tk->requester_id)
		return hc_str(loc, "pt.request.requester");
	for (size_t i = 0; i < tk->n_collaborator_ids; i++)
		if (tk->collaborator_ids[i] == c->author_id)
			return hc_str(loc, "pt.request.cc");
	for (size_t i = 0; i < tk->n_email_cc_ids; i++)
		if (tk->email_cc_ids[i] == c->author_id)
			return hc_str(loc, "pt.request.cc");
	return hc_str(loc, "pt.request.support");
}

static void attachments(gw_req *r, hd_buf *b, const Hd__Comment *c,
			const char *loc)
{
	if (!c->n_attachments)
		return;
	hd_buf_puts(b, "<ul class=\"pt-files\" aria-label=\"");
	hc_esc(b, hc_str(loc, "pt.request.files"));
	hd_buf_puts(b, "\">");
	for (size_t i = 0; i < c->n_attachments; i++) {
		json_t *a = gw_attachment_json(r, c->attachments[i]);
		hd_buf_puts(b, "<li><a href=\"");
		hc_esc(b, json_string_value(json_object_get(a, "content_url")));
		hd_buf_puts(b, "\">");
		hc_esc(b, c->attachments[i]->file_name);
		hd_buf_puts(b, "</a></li>");
		json_decref(a);
	}
	hd_buf_puts(b, "</ul>");
}

static int conversation(gw *g, gw_req *r, const Hd__Ticket *tk, hd_buf *b,
			const char *loc)
{
	Hd__TicketChildRequest q = HD__TICKET_CHILD_REQUEST__INIT;
	Hd__CommentList *l = NULL;
	gw_resp api = {0};
	q.ticket_id = tk->id;
	q.limit = 100;
	int rc = gw_call(g, gw_ticket_shard(g, tk->id), r, "tickets.comments",
			 &q, &hd__comment_list__descriptor, (void **)&l, &api);
	json_decref(api.body);
	if (rc)
		return rc;
	hd_buf_puts(b, "<section aria-labelledby=\"pt-conv-h\"><h2 "
		       "id=\"pt-conv-h\">");
	hc_esc(b, hc_str(loc, "pt.request.conversation"));
	hd_buf_puts(b, "</h2>\n<ol class=\"pt-conversation\">\n");
	for (size_t i = 0; i < l->n_comments; i++) {
		const Hd__Comment *c = l->comments[i];
		char text[32], iso[HD_TIME_ISO_LEN];
		if (!c->public_)
			continue; /* intake hid them already; never here */
		when(c->created_at, text, sizeof text, iso);
		hd_buf_printf(b,
			      "<li class=\"pt-comment%s\"><p "
			      "class=\"pt-meta\"><strong>",
			      c->author_id == r->who.user_id ? " pt-mine" : "");
		hc_esc(b, author(r, tk, c, loc));
		hd_buf_printf(b,
			      "</strong> <time datetime=\"%s\">%s</time>"
			      "</p><div class=\"pt-body\">",
			      iso, text);
		hc_esc(b, c->body);
		hd_buf_puts(b, "</div>");
		attachments(r, b, c, loc);
		hd_buf_puts(b, "</li>\n");
	}
	hd_buf_puts(b, "</ol>\n</section>\n");
	hd__comment_list__free_unpacked(l, NULL);
	return HD_OK;
}

static void reply_form(gw_req *r, gw_resp *out, hd_buf *b, const Hd__Ticket *tk,
		       const char *loc, const char *err)
{
	char action[64];
	if (hd_status_of(tk->status) == HD__TICKET_STATUS__STATUS_CLOSED) {
		hd_buf_puts(b, "<p class=\"hc-notice\">");
		hc_esc(b, hc_str(loc, "pt.request.closed"));
		hd_buf_puts(b, "</p>\n");
		return;
	}
	hd_buf_puts(b, "<section aria-labelledby=\"pt-reply-h\"><h2 "
		       "id=\"pt-reply-h\">");
	hc_esc(b, hc_str(loc, "pt.request.reply"));
	hd_buf_puts(b, "</h2>\n");
	snprintf(action, sizeof action, "/hc/%s/requests/%llu", loc,
		 (unsigned long long)tk->id);
	gw_pt_form_open(r, out, b, action, 1, "pt-request");
	hd_buf_printf(b, "<div class=\"pt-field%s\"><label for=\"pt-reply\">",
		      err ? " pt-invalid" : "");
	hc_esc(b, hc_str(loc, "pt.request.reply"));
	hd_buf_printf(b,
		      "</label><textarea id=\"pt-reply\" name=\"body\" "
		      "rows=\"5\"%s></textarea>",
		      err ? " aria-invalid=\"true\" "
			    "aria-describedby=\"pt-reply-error\""
			  : "");
	if (err) {
		hd_buf_puts(b, "<p class=\"pt-error\" id=\"pt-reply-error\">");
		hc_esc(b, err);
		hd_buf_puts(b, "</p>");
	}
	hd_buf_puts(b, "</div>\n<div class=\"pt-field\"><label "
		       "for=\"pt-reply-files\">");
	hc_esc(b, hc_str(loc, "pt.form.attachments"));
	hd_buf_puts(b, "</label><input id=\"pt-reply-files\" "
		       "name=\"attachments\" type=\"file\" multiple></div>\n");
	if (gw_request_solvable(r, tk)) {
		hd_buf_puts(b, "<div class=\"pt-field\"><input id=\"pt-solve\" "
			       "name=\"solved\" type=\"checkbox\" value=\"1\"> "
			       "<label for=\"pt-solve\">");
		hc_esc(b, hc_str(loc, "pt.request.solve"));
		hd_buf_puts(b, "</label></div>\n");
	}
	hd_buf_puts(b, "<p class=\"pt-actions\"><button type=\"submit\">");
	hc_esc(b, hc_str(loc, "pt.request.send"));
	hd_buf_puts(b, "</button></p>\n</form>\n</section>\n");
}

static int request_page(gw *g, gw_req *r, gw_resp *out, const char *loc,
			const Hd__Ticket *tk, const char *err, unsigned status)
{
	char title[400], path[48];
	snprintf(title, sizeof title, "#%llu %s", (unsigned long long)tk->id,
		 tk->subject);
	snprintf(path, sizeof path, "/requests/%llu",
		 (unsigned long long)tk->id);
	hc_page p = {.locale = loc,
		     .title = title,
		     .path = path,
		     .noindex = 1,
		     .css = "portal.css"};
	hd_buf b;
	hc_page_init(&b);
	hc_page_open(r, &p, &b);
	hd_buf_printf(&b,
		      "<nav class=\"hc-crumbs\" aria-label=\"breadcrumbs\">"
		      "<ol><li><a href=\"/hc/%s/requests\">",
		      loc);
	hc_esc(&b, hc_str(loc, "pt.request.back"));
	hd_buf_puts(&b, "</a></li></ol></nav>\n<h1>");
	hc_esc(&b, tk->subject[0] ? tk->subject : "—");
	hd_buf_printf(&b,
		      "</h1>\n<p class=\"pt-meta\">#%llu · <span "
		      "class=\"pt-status pt-status-%s\">",
		      (unsigned long long)tk->id, tk->status);
	hc_esc(&b, gw_pt_status(loc, tk->status));
	hd_buf_puts(&b, "</span></p>\n");
	if (conversation(g, r, tk, &b, loc) != HD_OK) {
		hd_buf_release(&b);
		return hc_error_page(r, out, loc, 503);
	}
	reply_form(r, out, &b, tk, loc, err);
	hc_page_close(r, &p, &b);
	return hc_reply(out, status, &b);
}

static int show(gw *g, gw_req *r, gw_resp *out)
{
	const char *loc;
	if (customer_page(r, out, &loc))
		return HD_OK;
	Hd__Ticket *tk = NULL;
	gw_resp api = {0};
	/* as an end-user: intake answers 404 for anyone else's */
	int rc = gw_ticket_fetch(g, r, &tk, &api);
	unsigned st = api.status;
	json_decref(api.body);
	if (rc)
		rc = hc_error_page(r, out, loc, st == 404 ? 404 : 503);
	else
		rc = request_page(g, r, out, loc, tk, NULL, 200);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

/* The reply's change: a public comment with files, and/or solved. */
static json_t *reply_json(const char *body, const char *upload, int solve)
{
	json_t *tk = json_object();
	if (body && body[0]) {
		json_t *c = json_pack("{s:s, s:b}", "body", body, "public", 1);
		if (upload[0])
			json_object_set_new(c, "uploads",
					    json_pack("[s]", upload));
		json_object_set_new(tk, "comment", c);
	}
	if (solve)
		json_object_set_new(tk, "status", json_string("solved"));
	return tk;
}

static int reply(gw *g, gw_req *r, gw_resp *out)
{
	gw_pt_form f;
	const char *loc = gw_pt_posted(r, &f, out);
	if (!loc)
		return HD_OK;
	if (signed_in(r, out, loc))
		return HD_OK;
	Hd__Ticket *tk = NULL;
	Hd__TicketWriteReply *rep = NULL;
	gw_resp api = {0};
	const char *upload = "";
	const char *body = gw_pt_get(r, &f, "body");
	const char *solved = gw_pt_get(r, &f, "solved");
	int solve = solved && strcmp(solved, "1") == 0;
	/* as an end-user: intake answers 404 for anyone else's */
	int rc = gw_ticket_fetch(g, r, &tk, &api);
	unsigned st = api.status;
	json_decref(api.body);
	memset(&api, 0, sizeof api);
	if (rc) {
		rc = hc_error_page(r, out, loc, st == 404 ? 404 : 503);
		goto done;
	}
	const char *err = NULL;
	char buf[300];
	if (solve && !gw_request_solvable(r, tk))
		err = hc_str(loc, "pt.err.not_settable");
	else if (!solve && (!body || !body[0]))
		err = hc_str(loc, "pt.err.blank");
	else if (body && body[0] &&
		 gw_pt_uploads(g, r, &f, &upload, &api) != HD_OK)
		err = hc_str(loc, "pt.err.upload");
	if (!err) {
		json_decref(api.body);
		memset(&api, 0, sizeof api);
		json_t *change = reply_json(body, upload, solve);
		rc = gw_ticket_uploads(g, r, change, &api);
		if (!rc)
			rc = gw_ticket_write(g, r, gw_ticket_shard(g, r->id),
					     r->id, change, "", NULL, &rep,
					     &api);
		json_decref(change);
		const char *d = json_string_value(json_object_get(
			json_array_get(
				json_object_get(
					json_object_get(api.body, "details"),
					"comment"),
				0),
			"description"));
		if (rc)
			err = d ? gw_pt_why(loc, d, buf, sizeof buf)
				: hc_str(loc, "pt.err.busy");
	}
	json_decref(api.body);
	if (err) {
		rc = request_page(g, r, out, loc, tk, err, 422);
	} else {
		char path[64];
		snprintf(path, sizeof path, "/hc/%s/requests/%llu", loc,
			 (unsigned long long)r->id);
		rc = hc_redirect(r, out, 303, path);
	}
done:
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

const gw_route gw_pt_request_routes[] = {
	{"GET", "/hc/{s}/requests", list_page, GW_AUTH_ANON},
	{"GET", "/hc/{s}/requests/{id}", show, GW_AUTH_ANON},
	{"POST", "/hc/{s}/requests/{id}", reply, GW_AUTH_ANON},
	{NULL, NULL, NULL, 0},
};
