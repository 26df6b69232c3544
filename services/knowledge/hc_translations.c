/* hc.translations.*: one locale's title, body and draft state of an
 * article. Agents and admins only; the source locale's translation cannot
 * be deleted. */
#include "hc.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <stdlib.h>
#include <string.h>

typedef struct tr_job {
	const hc *h;
	Hd__HcTranslationWrite *w;
	const Hd__HcId *del;
	uint64_t user_id;
	Hd__HcArticle *saved;
} tr_job;

static void apply(Hd__HcTranslation *dst, Hd__HcTranslationWrite *w)
{
	Hd__HcTranslation *in = w->translation;
	char *tmp;
	if (w->set_title)
		tmp = dst->title, dst->title = in->title, in->title = tmp;
	if (w->set_body)
		tmp = dst->body, dst->body = in->body, in->body = tmp;
	if (w->set_draft)
		dst->draft = in->draft;
	if (w->set_outdated)
		dst->outdated = in->outdated;
}

static int add(Hd__HcArticle *a, Hd__HcTranslationWrite *w)
{
	if (a->n_translations >= HC_MAX_TRANSLATIONS)
		return HD_E_TOOBIG;
	Hd__HcTranslation **v =
		realloc(a->translations, (a->n_translations + 1) * sizeof *v);
	if (!v)
		return HD_E_NOMEM;
	a->translations = v;
	/* The article takes the request's translation; the request no longer
	 * owns it. */
	v[a->n_translations++] = w->translation;
	w->translation = NULL;
	return HD_OK;
}

static int tr_write(hd_txn *t, void *arg)
{
	tr_job *j = arg;
	Hd__HcArticle *a, *old;
	uint64_t id = j->w ? j->w->article_id : j->del->id;
	const char *locale = j->w ? j->w->translation->locale : j->del->locale;
	int rc = hc_article_load(t, j->h, id, &a, &old);
	size_t slot = 0;
	Hd__HcTranslation *tr = rc ? NULL : hc_translation(a, locale, &slot);
	int64_t now = hd_now_ms();
	if (!rc && j->del) {
		if (!tr)
			rc = HD_E_NOTFOUND;
		else if (!strcmp(locale, a->source_locale))
			rc = HD_E_INVALID;
		if (!rc) {
			hd__hc_translation__free_unpacked(tr, NULL);
			memmove(a->translations + slot,
				a->translations + slot + 1,
				(a->n_translations - slot - 1) * sizeof tr);
			a->n_translations--;
		}
	} else if (!rc && tr) {
		if (j->w->create_only)
			rc = HD_E_CONFLICT;
		apply(tr, j->w);
		tr->updated_at = now;
		tr->updated_by_id = j->user_id;
	} else if (!rc) {
		if (!j->w->create_only)
			rc = HD_E_NOTFOUND;
		j->w->translation->created_at = now;
		j->w->translation->updated_at = now;
		j->w->translation->updated_by_id = j->user_id;
		if (!rc)
			rc = add(a, j->w);
	}
	if (!rc) {
		a->updated_at = a->edited_at = now;
		rc = hc_article_put(t, j->h, old, a);
	}
	hd__hc_article__free_unpacked(old, NULL);
	if (!rc)
		j->saved = a;
	else
		hd__hc_article__free_unpacked(a, NULL);
	return rc ? rc : t->rc;
}

static int fail_for(hd_rpc_rep *rep, int rc)
{
	switch (rc) {
	case HD_E_NOTFOUND:
		return hd_rpc_fail(rep, rc, NULL,
				   "no such article or "
				   "translation");
	case HD_E_CONFLICT:
		return hd_rpc_fail(rep, rc, "locale",
				   "Locale: a translation already exists");
	case HD_E_TOOBIG:
		return hd_rpc_fail(rep, rc, "locale",
				   "Locale: at most 64 translations");
	case HD_E_INVALID:
		return rep->message[0]
			       ? rc
			       : hd_rpc_fail(rep, rc, "locale",
					     "Locale: the source locale's "
					     "translation cannot be deleted");
	default:
		return rc;
	}
}

static int translations_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	if (!hc_staff(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only agents and admins edit articles");
	Hd__HcTranslationWrite *w =
		hd__hc_translation_write__unpack(NULL, req->len, req->payload);
	if (!w || !w->translation) {
		hd__hc_translation_write__free_unpacked(w, NULL);
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.HcTranslationWrite");
	}
	int rc = hc_check_translation(w->translation, w->create_only, rep);
	tr_job j = {hc_of(ctx), w, NULL, req->principal.user_id, NULL};
	if (!rc)
		rc = hd_store_write(hc_of(ctx)->store, tr_write, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, j.saved);
	hd__hc_article__free_unpacked(j.saved, NULL);
	hd__hc_translation_write__free_unpacked(w, NULL);
	return fail_for(rep, rc);
}

static int translations_delete(void *ctx, const hd_rpc_req *req,
			       hd_rpc_rep *rep)
{
	if (!hc_staff(&req->principal))
		return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				   "only agents and admins edit articles");
	Hd__HcId *id = NULL;
	if (hd_req_decode(req, rep, &hd__hc_id__descriptor, (void **)&id))
		return HD_E_DECODE;
	tr_job j = {hc_of(ctx), NULL, id, req->principal.user_id, NULL};
	int rc = hd_store_write(hc_of(ctx)->store, tr_write, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, j.saved);
	hd__hc_article__free_unpacked(j.saved, NULL);
	hd__hc_id__free_unpacked(id, NULL);
	return fail_for(rep, rc);
}

const hd_rpc_route hc_translations_routes[] = {
	{"hc.translations.save", translations_save},
	{"hc.translations.delete", translations_delete},
	{NULL, NULL},
};
