/* Applying a macro (API.md §7) — a preview only; nothing is saved:
 *   GET /macros/{id}/apply              the changes alone
 *   GET /tickets/{tid}/macros/{id}/apply the whole ticket after the change:
 *     the macro's changes go to intake as the update they stand for
 *     (tickets.write, action "preview"), which runs the real write job —
 *     value checks, tag rules, triggers — and undoes it, so the preview is
 *     exactly the ticket the real update would store.
 * Both answer {"result":{"ticket":{…,"comment":{body,html_body,public,
 * scoped_body}},"comment":{…the same}}} (clients read either). Comment
 * placeholders are rendered by the one renderer (common/placeholder.c)
 * against the changed ticket, its requester and assignee and the caller;
 * whatever is missing renders empty. */
#include "gw_kb.h"
#include "gw_tickets.h"

#include "hd/err.h"
#include "hd/placeholder.h"
#include "hd/rule_value.h"
#include "user.pb-c.h"

#include <stdlib.h>
#include <string.h>

#define MACRO_SEGMENT 5 /* /api/v2/tickets/{tid}/macros/{id}/apply */
#define MAX_COMMENT   ((size_t)1 << 20)

typedef struct comment_parts {
	const char *text, *html; /* templates; NULL when not set */
	int is_public;
} comment_parts;

/* A value as an id: integers and digit strings; 0 for none. */
static json_t *id_value(const json_t *v, const gw_req *r)
{
	const char *s = json_string_value(v);
	if (s && !strcmp(s, "current_user"))
		return json_integer((json_int_t)r->who.user_id);
	if (json_is_integer(v) && json_integer_value(v) > 0)
		return json_integer(json_integer_value(v));
	if (s && s[0] && strspn(s, "0123456789") == strlen(s) && strlen(s) < 19)
		return json_integer(strtoll(s, NULL, 10));
	return json_null();
}

/* Tags from a string of words or an array of strings. */
static json_t *tag_list(const json_t *v)
{
	json_t *out = json_array();
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) if (json_is_string(e))
			json_array_append(out, e);
		return out;
	}
	const char *s = json_string_value(v);
	while (s && *s) {
		s += strspn(s, " \t\r\n");
		size_t n = strcspn(s, " \t\r\n");
		if (n)
			json_array_append_new(out, json_stringn(s, n));
		s += n;
	}
	return out;
}

static bool has_tag(const json_t *tags, const char *t)
{
	size_t i;
	json_t *e;
	json_array_foreach(tags, i,
			   e) if (!strcmp(json_string_value(e), t)) return true;
	return false;
}

/* current_tags adds, remove_tags removes, set_tags replaces. */
static void change_tags(json_t *ticket, const char *field, const json_t *v)
{
	json_t *given = tag_list(v), *tags = json_object_get(ticket, "tags");
	json_t *next = json_array();
	size_t i;
	json_t *e;
	if (strcmp(field, "set_tags") != 0)
		json_array_foreach(tags, i,
				   e) if (strcmp(field, "remove_tags") ||
					  !has_tag(given, json_string_value(e)))
			json_array_append(next, e);
	if (strcmp(field, "remove_tags") != 0)
		json_array_foreach(given, i,
				   e) if (!has_tag(next, json_string_value(e)))
			json_array_append(next, e);
	json_object_set_new(ticket, "tags", next);
	json_decref(given);
}

static void change_custom_field(json_t *ticket, const char *field,
				const json_t *v)
{
	json_int_t id = strtoll(field + strlen("custom_fields_"), NULL, 10);
	json_t *cfs = json_object_get(ticket, "custom_fields");
	if (!json_is_array(cfs)) {
		cfs = json_array();
		json_object_set_new(ticket, "custom_fields", cfs);
	}
	size_t i;
	json_t *e;
	json_array_foreach(cfs, i, e)
	{
		if (json_integer_value(json_object_get(e, "id")) == id) {
			json_object_set(e, "value", (json_t *)v);
			return;
		}
	}
	json_array_append_new(
		cfs, json_pack("{s:I, s:O}", "id", id, "value", (json_t *)v));
}

static void change(json_t *ticket, const char *f, json_t *v, const gw_req *r,
		   comment_parts *c)
{
	const char *s = json_string_value(v);
	if (!strcmp(f, "status") || !strcmp(f, "subject"))
		json_object_set(ticket, f, v);
	else if (!strcmp(f, "priority") || !strcmp(f, "type"))
		json_object_set_new(ticket, f,
				    s && s[0] ? json_string(s) : json_null());
	else if (!strcmp(f, "assignee_id") || !strcmp(f, "group_id"))
		json_object_set_new(ticket, f, id_value(v, r));
	else if (strstr(f, "_tags"))
		change_tags(ticket, f, v);
	else if (!strncmp(f, "custom_fields_", 14))
		change_custom_field(ticket, f, v);
	else if (!strcmp(f, "comment_value"))
		c->text = json_is_array(v) ? json_string_value(json_array_get(
						     v, json_array_size(v) - 1))
					   : s;
	else if (!strcmp(f, "comment_value_html"))
		c->html = s;
	else if (!strcmp(f, "comment_mode_is_public"))
		c->is_public = json_is_true(v) || (s && !strcmp(s, "true"));
}

/* The user's {name, email}, or {} when there is none to read. */
static json_t *person(gw *g, gw_req *r, uint64_t id)
{
	Hd__IdRequest q = HD__ID_REQUEST__INIT;
	Hd__User *u = NULL;
	gw_resp scratch = {0};
	q.id = id;
	json_t *o = json_object();
	if (id && !gw_call(g, g->intake[0], r, "users.get", &q,
			   &hd__user__descriptor, (void **)&u, &scratch))
		json_object_set_new(o, "name", json_string(u->name));
	if (u && u->email[0])
		json_object_set_new(o, "email", json_string(u->email));
	hd__user__free_unpacked(u, NULL);
	json_decref(scratch.body);
	return o;
}

static uint64_t id_of(const json_t *ticket, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(ticket, key));
	return v > 0 ? (uint64_t)v : 0;
}

/* The placeholder context (placeholder.h) for the changed ticket. */
static json_t *context(gw *g, gw_req *r, const json_t *ticket)
{
	json_t *t = json_object();
	const char *keys[][2] = {{"id", "id"},         {"title", "subject"},
				 {"status", "status"}, {"priority", "priority"},
				 {"url", "url"},       {"type", "type"}};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *v = json_object_get(ticket, keys[i][1]);
		if (v && !json_is_null(v))
			json_object_set(t, keys[i][0], v);
	}
	json_object_set_new(t, "requester",
			    person(g, r, id_of(ticket, "requester_id")));
	json_object_set_new(t, "assignee",
			    person(g, r, id_of(ticket, "assignee_id")));
	return json_pack("{s:o, s:o}", "ticket", t, "current_user",
			 person(g, r, r->who.user_id));
}

static char *render(const char *tmpl, const json_t *ctx, hd_ph_escape esc)
{
	hd_buf b;
	hd_buf_init(&b, MAX_COMMENT);
	int rc = hd_placeholder_render(tmpl, strlen(tmpl), ctx, esc, &b);
	char *s = rc ? NULL : hd_buf_detach(&b, NULL);
	hd_buf_release(&b);
	return s ? s : strdup("");
}

/* Plain text from the rendered HTML: tags dropped. */
static char *strip_tags(const char *html)
{
	char *s = strdup(html), *w = s;
	for (const char *p = html; s && *p; p++) {
		if (*p != '<') {
			*w++ = *p;
			continue;
		}
		p = strchr(p, '>');
		if (!p) /* an unclosed tag runs to the end */
			break;
	}
	if (s)
		*w = '\0';
	return s;
}

/* Zendesk's markup for a text comment: escaped, lines broken with <br>. */
static char *text_html(const char *body)
{
	char *esc = gw_html_escape(body);
	hd_buf b; /* escaping grows a byte to at most 6 ("&quot;") */
	hd_buf_init(&b, MAX_COMMENT * 6 + 64);
	hd_buf_puts(&b,
		    "<div class=\"zd-comment\" dir=\"auto\"><p dir=\"auto\">");
	for (const char *p = esc; p && *p; p++)
		*p == '\n' ? hd_buf_puts(&b, "<br>") : hd_buf_append(&b, p, 1);
	hd_buf_puts(&b, "</p></div>");
	free(esc);
	char *s = hd_buf_error(&b) ? NULL : hd_buf_detach(&b, NULL);
	hd_buf_release(&b);
	return s ? s : strdup("");
}

static void add_comment(gw *g, gw_req *r, json_t *ticket,
			const comment_parts *c)
{
	if (!c->text && !c->html)
		return;
	json_t *ctx = context(g, r, ticket);
	char *html = c->html ? render(c->html, ctx, HD_PH_HTML) : NULL;
	char *body =
		c->text ? render(c->text, ctx, HD_PH_TEXT) : strip_tags(html);
	if (!html)
		html = text_html(body ? body : "");
	json_object_set_new(ticket, "comment",
			    json_pack("{s:s, s:s, s:b, s:[[s, s]]}", "body",
				      body ? body : "", "html_body",
				      html ? html : "", "public", c->is_public,
				      "scoped_body", "channel:all",
				      body ? body : ""));
	free(body);
	free(html);
	json_decref(ctx);
}

/* Apply macro m onto ticket (changes are written into it). */
static void apply(gw *g, gw_req *r, const Hd__Macro *m, json_t *ticket)
{
	comment_parts c = {NULL, NULL, 1};
	json_t *held = json_array(); /* the comment templates point into it */
	for (size_t i = 0; i < m->n_actions; i++) {
		json_t *v = hd_rule_value_json(m->actions[i]->value);
		if (v)
			change(ticket, m->actions[i]->field, v, r, &c);
		json_array_append_new(held, v);
	}
	add_comment(g, r, ticket, &c);
	json_decref(held);
}

static int macro_for_apply(gw *g, gw_req *r, uint64_t id, Hd__Macro **m,
			   gw_resp *out)
{
	Hd__MacroRequest q = HD__MACRO_REQUEST__INIT;
	q.id = id;
	return gw_macro_call(g, r, "macros.apply", &q, &hd__macro__descriptor,
			     (void **)m, out);
}

static void answer(gw_resp *out, json_t *ticket)
{
	out->status = 200;
	json_decref(out->body);
	json_t *comment = json_object_get(ticket, "comment");
	out->body = json_pack("{s:{s:o}}", "result", "ticket", ticket);
	if (comment)
		json_object_set(json_object_get(out->body, "result"), "comment",
				comment);
}

/* The update the macro stands for: the fields its actions touch, as the
 * changed ticket holds them (tags as the whole list), and its comment. */
static json_t *update_of(const Hd__Macro *m, const json_t *ticket)
{
	json_t *obj = json_object(), *cfs = NULL;
	bool html = false;
	for (size_t i = 0; i < m->n_actions; i++) {
		const char *f = m->actions[i]->field;
		html |= !strcmp(f, "comment_value_html");
		const char *key = strstr(f, "_tags") ? "tags" : f;
		if (!strncmp(f, "custom_fields_", 14)) {
			json_int_t id = strtoll(f + 14, NULL, 10);
			size_t k;
			json_t *e;
			json_array_foreach(
				json_object_get(ticket, "custom_fields"), k,
				e) if (json_integer_value(json_object_get(e,
									  "i"
									  "d")) ==
				       id)
			{
				if (!cfs)
					cfs = json_array();
				json_array_append(cfs, e);
			}
			continue;
		}
		json_t *v = json_object_get(ticket, key);
		if (v && !strncmp(key, "comment", 7))
			continue;
		if (v)
			json_object_set(obj, key, v);
	}
	if (cfs)
		json_object_set_new(obj, "custom_fields", cfs);
	json_t *c = json_object_get(ticket, "comment");
	if (c)
		json_object_set_new(
			obj, "comment",
			json_pack(
				"{s:O, s:O}", html ? "html_body" : "body",
				json_object_get(c, html ? "html_body" : "body"),
				"public", json_object_get(c, "public")));
	return obj;
}

/* The comment as intake stored it (the preview's audit), in the shape the
 * apply endpoints answer. */
static void stored_comment(json_t *ticket, const Hd__Audit *au)
{
	for (size_t i = 0; au && i < au->n_events; i++) {
		const Hd__AuditEvent *e = au->events[i];
		if (strcmp(e->type, "Comment") != 0 || e->via_rule_id)
			continue;
		json_object_set_new(ticket, "comment",
				    json_pack("{s:s, s:s, s:b, s:[[s, s]]}",
					      "body", e->body, "html_body",
					      e->html_body, "public",
					      e->is_public, "scoped_body",
					      "channel:all", e->body));
		return;
	}
}

int gw_macros_apply(gw *g, gw_req *r, gw_resp *out)
{
	Hd__Macro *m = NULL;
	int rc = macro_for_apply(g, r, r->id, &m, out);
	if (!rc) {
		json_t *changes = json_object();
		apply(g, r, m, changes);
		answer(out, changes);
	}
	hd__macro__free_unpacked(m, NULL);
	return rc;
}

int gw_tickets_macro_apply(gw *g, gw_req *r, gw_resp *out)
{
	uint64_t macro_id = 0;
	Hd__Macro *m = NULL;
	Hd__Ticket *tk = NULL;
	Hd__TicketGetRequest gr = HD__TICKET_GET_REQUEST__INIT;
	hd_rpc_client *c = gw_ticket_shard(g, r->id);
	gr.id = r->id;
	int rc = gw_path_id(r, MACRO_SEGMENT, &macro_id, out);
	if (!rc && !c)
		rc = gw_from_err(out, HD_E_NOTFOUND, "Not found");
	if (!rc) /* the ticket first: one the caller cannot see counts no use */
		rc = gw_call(g, c, r, "tickets.get", &gr,
			     &hd__ticket__descriptor, (void **)&tk, out);
	if (!rc)
		rc = macro_for_apply(g, r, macro_id, &m, out);
	json_t *update = NULL;
	Hd__TicketWriteReply *rep = NULL;
	if (!rc) {
		json_t *ticket = gw_ticket_json(r, tk);
		apply(g, r, m, ticket);
		update = update_of(m, ticket);
		json_decref(ticket);
		rc = gw_ticket_write(g, r, c, r->id, update, "preview", NULL,
				     &rep, out);
	}
	if (!rc) {
		json_t *ticket = gw_ticket_json(r, rep->ticket);
		stored_comment(ticket, rep->audit);
		answer(out, ticket);
	}
	hd__ticket_write_reply__free_unpacked(rep, NULL);
	json_decref(update);
	hd__macro__free_unpacked(m, NULL);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}
