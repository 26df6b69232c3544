/* E-mail rendering: the current stored version of a template (admins edit
 * them; templates_store.c), else the shipped text, rendered with the one
 * placeholder renderer (hd/placeholder.h): subject and text as text, the
 * HTML part with HTML escaping. The recipient's locale picks the language
 * ("ko…" → Korean, anything else → English; users default to "ko"). The
 * From is the sender of the ticket's brand (settings.c). */
#include "templates.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/placeholder.h"
#include "hd/vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int render(const char *tmpl, const json_t *ctx, hd_ph_escape esc,
		  char **field)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)1 << 20);
	int rc = hd_placeholder_render(tmpl, strlen(tmpl), ctx, esc, &b);
	if (!rc)
		rc = hd_pb_set_string(field, b.data);
	hd_buf_release(&b);
	return rc;
}

/* The article suggestions kb.suggested left for this ticket, as text (into
 * ctx) and as escaped HTML (returned, malloc'd). */
static char *suggestions(notify *n, hd_txn *t, uint64_t ticket_id, int korean,
			 json_t *ctx)
{
	Hd__KbSuggested *s = NULL;
	hd_buf text, html;
	hd_buf_init(&text, 64 * 1024);
	hd_buf_init(&html, 64 * 1024);
	if (notify_get_pb_u64(t, n->suggestions, ticket_id,
			      &hd__kb_suggested__descriptor,
			      (void **)&s) == HD_OK &&
	    s->n_suggestions) {
		hd_buf_puts(&text, korean ? "\n\n도움이 될 만한 도움말:\n"
					  : "\n\nArticles that may help:\n");
		hd_buf_puts(&html,
			    korean ? "<p>도움이 될 만한 도움말:</p><ul>"
				   : "<p>Articles that may help:</p><ul>");
		for (size_t i = 0; i < s->n_suggestions && i < 5; i++) {
			/* Knowledge names the page by its path. */
			const char *path = s->suggestions[i]->html_url;
			char url[700];
			if (path[0] == '/')
				notify_public_link(n, path, "", url,
						   sizeof url);
			else
				snprintf(url, sizeof url, "%s", path);
			json_t *a =
				json_pack("{s:{s:s, s:s}}", "a", "title",
					  s->suggestions[i]->title, "url", url);
			static const char tl[] = "- {{a.title}} {{a.url}}\n";
			static const char hl[] =
				"<li><a "
				"href=\"{{a.url}}\">{{a.title}}</a></li>";
			hd_placeholder_render(tl, sizeof tl - 1, a, HD_PH_TEXT,
					      &text);
			hd_placeholder_render(hl, sizeof hl - 1, a, HD_PH_HTML,
					      &html);
			json_decref(a);
		}
		hd_buf_puts(&html, "</ul>");
	}
	hd__kb_suggested__free_unpacked(s, NULL);
	/* A list that did not fit is left out whole, never cut. */
	json_object_set_new(ctx, "suggestions_text",
			    json_string(text.data && !hd_buf_error(&text)
						? text.data
						: ""));
	hd_buf_release(&text);
	size_t len;
	char *out = hd_buf_error(&html) ? NULL : hd_buf_detach(&html, &len);
	hd_buf_release(&html);
	return out ? out : strdup("");
}

/* Put the rendered list where the template marked it. */
static int splice(char **html, const char *list)
{
	char *at = strstr(*html, SUGGEST_MARK);
	if (!at)
		return HD_OK;
	hd_buf b;
	hd_buf_init(&b, (size_t)2 << 20);
	hd_buf_append(&b, *html, (size_t)(at - *html));
	hd_buf_puts(&b, list);
	int rc = hd_buf_puts(&b, at + strlen(SUGGEST_MARK));
	if (!rc)
		rc = hd_pb_set_string(html, b.data);
	hd_buf_release(&b);
	return rc;
}

/* A trigger's own subject and body (as the rule wrote them). */
static int render_rule(json_t *ctx, Hd__Delivery *d)
{
	json_t *rule = json_object_get(ctx, "rule");
	const char *subj = json_string_value(json_object_get(rule, "subject"));
	const char *body = json_string_value(json_object_get(rule, "body"));
	int rc = render(subj ? subj : "", ctx, HD_PH_TEXT, &d->subject);
	if (!rc)
		rc = render(body ? body : "", ctx, HD_PH_TEXT, &d->text);
	if (rc)
		return rc;
	/* The HTML part is the rendered text, escaped as a whole. */
	json_t *wrap = json_pack("{s:s}", "t", d->text);
	static const char h[] =
		"<div style=\"white-space:pre-wrap\">{{t}}</div>";
	rc = wrap ? HD_OK : HD_E_NOMEM;
	if (!rc)
		rc = render(h, wrap, HD_PH_HTML, &d->html);
	json_decref(wrap);
	return rc;
}

int notify_tmpl_render(const char *subject, const char *text, const char *html,
		       const json_t *ctx, char **osubject, char **otext,
		       char **ohtml)
{
	int rc = render(subject, ctx, HD_PH_TEXT, osubject);
	if (!rc)
		rc = render(text, ctx, HD_PH_TEXT, otext);
	if (!rc)
		rc = render(html, ctx, HD_PH_HTML, ohtml);
	return rc;
}

/* From the brand's sender (settings.c). */
static int set_sender(notify *n, hd_txn *t, Hd__Delivery *d)
{
	Hd__Ticket *tk = NULL;
	char name[200], addr[300];
	if (d->ticket_id)
		notify_get_pb_u64(t, n->tickets, d->ticket_id,
				  &hd__ticket__descriptor, (void **)&tk);
	notify_sender_of(n, t, tk ? tk->brand_id : 0, tk ? tk->recipient : NULL,
			 name, addr, sizeof name);
	hd__ticket__free_unpacked(tk, NULL);
	int rc = hd_pb_set_string(&d->mail_from_name, name);
	return rc ? rc : hd_pb_set_string(&d->mail_from, addr);
}

/* A survey waits out its delay; a ticket reopened meanwhile gets none. */
static bool still_solved(notify *n, hd_txn *t, uint64_t ticket_id)
{
	Hd__Ticket *tk = NULL;
	bool yes = notify_get_pb_u64(t, n->tickets, ticket_id,
				     &hd__ticket__descriptor,
				     (void **)&tk) == HD_OK &&
		   hd_ticket_solved_str(tk->status);
	hd__ticket__free_unpacked(tk, NULL);
	return yes;
}

int notify_mail_render(notify *n, hd_txn *t, Hd__Delivery *d)
{
	json_t *ctx = notify_ticket_context(n, t, d->ticket_id);
	json_t *vars = notify_vars_get(d);
	char *list = NULL;
	Hd__MailTemplate *stored = NULL;
	int rc = set_sender(n, t, d);
	if (json_is_object(vars))
		json_object_update(ctx, vars);
	json_object_set_new(ctx, "recipient",
			    json_pack("{s:s, s:s}", "name", d->mail_to_name,
				      "email", d->mail_to));
	if (rc)
		goto out;
	if (strcmp(d->template_, "rule") == 0) {
		rc = render_rule(ctx, d);
		goto out;
	}
	if (strcmp(d->template_, "csat_survey") == 0 &&
	    !still_solved(n, t, d->ticket_id)) {
		rc = HD_E_CONFLICT;
		goto out;
	}
	const char *lang = notify_template_lang(d->locale);
	const notify_builtin *b = notify_builtin_find(d->template_, lang);
	notify_tmpl_current(n, t, d->template_, lang, &stored);
	if (!b && !stored) {
		rc = HD_E_INVALID;
		goto out;
	}
	list = suggestions(n, t, d->ticket_id, strcmp(lang, "ko") == 0, ctx);
	rc = stored ? notify_tmpl_render(stored->subject, stored->text,
					 stored->html, ctx, &d->subject,
					 &d->text, &d->html)
		    : notify_tmpl_render(b->subject, b->text, b->html, ctx,
					 &d->subject, &d->text, &d->html);
	if (!rc)
		rc = splice(&d->html, list ? list : "");
out:
	hd__mail_template__free_unpacked(stored, NULL);
	free(list);
	json_decref(vars);
	json_decref(ctx);
	return rc;
}
