/* Suggestions and deflection. On ticket.created the subject and the start
 * of the description are searched (published articles only, as a customer
 * would see them) and the best few stored and announced as kb.suggested,
 * in the consumer's transaction so a replayed event changes nothing. A
 * customer about to ask gets the same search (hc.deflection.create,
 * announced as kb.deflection "shown"), and may later say it solved the
 * problem (hc.deflection.resolve, "resolved", once). */
#include "hc.h"

#include "alerts.pb-c.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SUGGESTIONS  5
#define MAX_QUERY_BYTES  (16 * 1024)
#define MAX_DEFLECT_TEXT (64 * 1024)

static const hd_principal customer = {.user_id = 1,
				      .role = HD__USER_ROLE__ROLE_END_USER};

/* subject "\n" description, the description cut to fit MAX_QUERY_BYTES; a
 * cut inside a UTF-8 sequence is skipped by the tokenizer. */
static int query_text(hd_buf *b, const char *subject, const char *desc)
{
	int rc = hd_buf_printf(b, "%.*s\n", MAX_QUERY_BYTES / 4, subject);
	size_t room = MAX_QUERY_BYTES - b->len, n = strlen(desc);
	return rc ? rc : hd_buf_append(b, desc, n < room ? n : room);
}

static int run(hd_txn *t, const hc *h, const char *subject, const char *desc,
	       const char *locale, const hd_principal *who,
	       Hd__HcArticleView ***views, size_t *n)
{
	hd_buf text;
	hd_buf_init(&text, MAX_QUERY_BYTES + 1);
	Hd__HcSearchRequest q = HD__HC_SEARCH_REQUEST__INIT;
	int rc = query_text(&text, subject, desc);
	uint64_t total;
	q.query = text.data ? text.data : "";
	q.locale = (char *)locale;
	q.limit = MAX_SUGGESTIONS;
	if (!rc)
		rc = hc_search_run(t, h, &q, who, false, views, n, &total);
	hd_buf_release(&text);
	return rc;
}

/* The article's help center page, by its language ("en-us" → /hc/en/):
 * the pages are per language. A path: notifications puts it under the
 * public URL. */
static void html_url(char *out, size_t cap, const Hd__HcArticle *a)
{
	const char *loc = a->translations[0]->locale;
	snprintf(out, cap, "/hc/%.*s/articles/%llu", (int)strcspn(loc, "-_"),
		 loc, (unsigned long long)a->id);
}

int hc_suggest_ticket(hd_txn *t, const hc *h, const Hd__Ticket *tk)
{
	Hd__HcArticleView **views = NULL;
	size_t n = 0;
	int rc = run(t, h, tk->subject, tk->description, "", &customer, &views,
		     &n);
	Hd__HcSuggestions st = HD__HC_SUGGESTIONS__INIT;
	Hd__KbSuggested ev = HD__KB_SUGGESTED__INIT;
	Hd__KbSuggestion items[MAX_SUGGESTIONS], *ptrs[MAX_SUGGESTIONS];
	char urls[MAX_SUGGESTIONS][64];
	st.ticket_id = ev.ticket_id = tk->id;
	st.created_at = hd_now_ms();
	st.articles = views;
	st.n_articles = n;
	for (size_t i = 0; !rc && i < n && i < MAX_SUGGESTIONS; i++) {
		const Hd__HcArticle *a = views[i]->article;
		hd__kb_suggestion__init(&items[i]);
		html_url(urls[i], sizeof urls[i], a);
		items[i].article_id = a->id;
		items[i].title = a->translations[0]->title;
		items[i].html_url = urls[i];
		items[i].score = views[i]->score;
		items[i].kind = "article";
		ptrs[i] = &items[i];
		ev.n_suggestions++;
	}
	ev.suggestions = ptrs;
	if (!rc)
		rc = hd_txn_put_pb_id(t, h->suggestions, tk->id, &st);
	if (!rc)
		rc = hd_txn_emit_pb(t, "kb.suggested", &ev, NULL);
	hc_views_free(views, n);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

/* ---- hd.suggestions.get ---- */

static int suggestions_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	const hc *h = hc_of(ctx);
	if (!hc_staff(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "suggestions are for agents and admins");
	Hd__HcId *id = NULL;
	if (hd_req_decode(req, rep, &hd__hc_id__descriptor, (void **)&id))
		return HD_E_DECODE;
	Hd__HcSuggestions *st = NULL;
	hd_txn t;
	int rc = hd_store_read(h->store, &t);
	if (rc) {
		hd__hc_id__free_unpacked(id, NULL);
		return rc;
	}
	rc = hd_txn_get_pb_id(&t, h->suggestions, id->id,
			      &hd__hc_suggestions__descriptor, (void **)&st);
	/* Refresh each article as stored now; deleted ones drop out. */
	size_t keep = 0;
	for (size_t i = 0; !rc && i < st->n_articles; i++) {
		Hd__HcArticleView *v = st->articles[i];
		Hd__HcArticle *a = NULL;
		size_t slot;
		if (hd_txn_get_pb_id(&t, h->articles, v->article->id,
				     &hd__hc_article__descriptor,
				     (void **)&a) == HD_OK &&
		    hc_translation(a, v->article->translations[0]->locale,
				   &slot)) {
			Hd__HcArticleView *fresh =
				hc_view_new(a, slot, v->score);
			if (fresh)
				st->articles[keep++] = fresh;
		}
		hd__hc_article_view__free_unpacked(v, NULL);
		hd__hc_article__free_unpacked(a, NULL);
	}
	hd_txn_end(&t);
	if (st)
		st->n_articles = keep;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, st);
	if (rc == HD_E_NOTFOUND) {
		/* No suggestions for this ticket (yet): an empty list. */
		Hd__HcSuggestions empty = HD__HC_SUGGESTIONS__INIT;
		empty.ticket_id = id->id;
		rc = hd_pb_pack(&rep->payload, &empty);
	}
	for (size_t i = 0; st && i < st->n_articles; i++)
		hc_view_free(st->articles[i]);
	if (st)
		st->n_articles = 0;
	hd__hc_suggestions__free_unpacked(st, NULL);
	hd__hc_id__free_unpacked(id, NULL);
	return rc;
}

/* ---- deflection ---- */

typedef struct deflect_job {
	const hc *h;
	Hd__HcDeflectionRequest *in;
	const hd_principal *who;
	Hd__HcDeflection d;
	Hd__HcArticleView **views;
	size_t n;
	uint64_t resolve_id, resolve_article;
	Hd__HcDeflection *found;
} deflect_job;

static int emit(hd_txn *t, const Hd__HcDeflection *d, const char *action,
		uint64_t article)
{
	Hd__KbDeflection ev = HD__KB_DEFLECTION__INIT;
	ev.deflection_id = d->id;
	ev.action = (char *)action;
	ev.user_id = d->user_id;
	ev.locale = d->locale;
	ev.article_ids = d->article_ids;
	ev.n_article_ids = d->n_article_ids;
	ev.article_id = article;
	ev.at = hd_now_ms();
	return hd_txn_emit_pb(t, "kb.deflection", &ev, NULL);
}

static int create_write(hd_txn *t, void *arg)
{
	deflect_job *j = arg;
	int rc = run(t, j->h, j->in->subject, j->in->description, j->in->locale,
		     j->who, &j->views, &j->n);
	j->d.article_ids = calloc(j->n + 1, sizeof *j->d.article_ids);
	if (!rc && !j->d.article_ids)
		rc = HD_E_NOMEM;
	for (size_t i = 0; !rc && i < j->n; i++)
		j->d.article_ids[j->d.n_article_ids++] =
			j->views[i]->article->id;
	/* Unguessable ids (53 bits, safe in JSON): anonymous visitors resolve
	 * their own deflection by knowing it. */
	do {
		randombytes_buf(&j->d.id, sizeof j->d.id);
		j->d.id &= (1ull << 53) - 1;
	} while (!j->d.id);
	j->d.user_id = j->who->user_id;
	j->d.locale = j->in->locale;
	j->d.created_at = hd_now_ms();
	if (!rc)
		rc = hd_txn_put_pb_id(t, j->h->deflections, j->d.id, &j->d);
	if (!rc)
		rc = emit(t, &j->d, "shown", 0);
	return rc ? rc : t->rc;
}

static int deflection_create(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__HcDeflectionRequest *in = NULL;
	if (hd_req_decode(req, rep, &hd__hc_deflection_request__descriptor,
			  (void **)&in))
		return HD_E_DECODE;
	int rc = HD_OK;
	if (!*in->subject && !*in->description)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "subject",
				 "Subject: subject or description is required");
	else if (strlen(in->subject) + strlen(in->description) >
		 MAX_DEFLECT_TEXT)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "description",
				 "Description: is too long");
	else if (*in->locale && !hc_locale_ok(in->locale))
		rc = hd_rpc_fail(rep, HD_E_INVALID, "locale",
				 "Locale: is not a locale such as ko or en-us");
	deflect_job j = {.h = hc_of(ctx), .in = in, .who = &req->principal};
	hd__hc_deflection__init(&j.d);
	if (!rc)
		rc = hd_store_write(hc_of(ctx)->store, create_write, &j);
	Hd__HcDeflectionReply r = HD__HC_DEFLECTION_REPLY__INIT;
	r.deflection = &j.d;
	r.articles = j.views;
	r.n_articles = j.n;
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &r);
	hc_views_free(j.views, j.n);
	free(j.d.article_ids);
	hd__hc_deflection_request__free_unpacked(in, NULL);
	return rc;
}

static int resolve_write(hd_txn *t, void *arg)
{
	deflect_job *j = arg;
	int rc = hd_txn_get_pb_id(t, j->h->deflections, j->resolve_id,
				  &hd__hc_deflection__descriptor,
				  (void **)&j->found);
	Hd__HcDeflection *d = j->found;
	/* Someone else's deflection looks like no deflection. */
	if (!rc && d->user_id && d->user_id != j->who->user_id)
		rc = HD_E_NOTFOUND;
	if (!rc && d->resolved)
		return HD_OK; /* said once; the event is not repeated */
	bool offered = !j->resolve_article;
	for (size_t i = 0; !rc && i < d->n_article_ids; i++)
		offered = offered || d->article_ids[i] == j->resolve_article;
	if (!rc && !offered)
		rc = HD_E_INVALID;
	if (!rc) {
		d->resolved = true;
		d->resolved_article_id = j->resolve_article;
		d->resolved_at = hd_now_ms();
		rc = hd_txn_put_pb_id(t, j->h->deflections, d->id, d);
	}
	if (!rc)
		rc = emit(t, d, "resolved", j->resolve_article);
	return rc ? rc : t->rc;
}

static int deflection_resolve(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__HcDeflectionResolve *in = NULL;
	if (hd_req_decode(req, rep, &hd__hc_deflection_resolve__descriptor,
			  (void **)&in))
		return HD_E_DECODE;
	deflect_job j = {.h = hc_of(ctx),
			 .who = &req->principal,
			 .resolve_id = in->id,
			 .resolve_article = in->article_id};
	int rc = hd_store_write(hc_of(ctx)->store, resolve_write, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, j.found);
	else if (rc == HD_E_NOTFOUND)
		hd_rpc_fail(rep, rc, NULL, "no such deflection");
	else if (rc == HD_E_INVALID)
		hd_rpc_fail(rep, rc, "article_id",
			    "Article: was not offered in this deflection");
	hd__hc_deflection__free_unpacked(j.found, NULL);
	hd__hc_deflection_resolve__free_unpacked(in, NULL);
	return rc;
}

const hd_rpc_route hc_deflection_routes[] = {
	{"hd.suggestions.get", suggestions_get},
	{"hc.deflection.create", deflection_create},
	{"hc.deflection.resolve", deflection_resolve},
	{NULL, NULL},
};
