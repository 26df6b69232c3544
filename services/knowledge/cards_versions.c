/* A card's versions: list, show one, diff two (common/diff.c), restore one
 * as a new version. Agents and admins only. */
#include "cards.h"

#include "hd/diff.h"
#include "hd/err.h"
#include "hd/pbwire.h"

#include <stdlib.h>

#define DIFF_CONTEXT   3
#define MAX_DIFF_BYTES ((size_t)4 << 20)

/* The request, after the staff check; NULL (rep says why) otherwise. */
static Hd__CardRequest *staff_request(const hd_rpc_req *req, hd_rpc_rep *rep,
				      int *rc)
{
	*rc = kb_deny_unless_staff(req, rep);
	Hd__CardRequest *q = *rc ? NULL : kb_card_request(req, rep);
	if (!q && !*rc)
		*rc = HD_E_DECODE;
	return q;
}

int kb_cards_versions_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	kb_cards *c = ((kb *)ctx)->cards;
	int rc;
	Hd__CardRequest *q = staff_request(req, rep, &rc);
	if (!q)
		return rc;
	Hd__CardVersionList l = HD__CARD_VERSION_LIST__INIT;
	hd_txn t;
	rc = hd_store_read(c->store, &t);
	if (!rc) {
		rc = kb_card_versions(&t, c, q->id, &l);
		hd_txn_end(&t);
	}
	if (rc == HD_E_NOTFOUND)
		rc = hd_rpc_fail(rep, rc, NULL, "no such card");
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	kb_card_versions_free(&l);
	hd__card_request__free_unpacked(q, NULL);
	return rc;
}

/* Versions a and b (b may be 0: only a) of card q->id. */
static int read_versions(kb_cards *c, const Hd__CardRequest *q, uint32_t a,
			 uint32_t b, Hd__CardVersion **va, Hd__CardVersion **vb,
			 hd_rpc_rep *rep)
{
	hd_txn t;
	int rc = hd_store_read(c->store, &t);
	if (rc)
		return rc;
	rc = kb_card_version_get(&t, c, q->id, a, va);
	if (!rc && b)
		rc = kb_card_version_get(&t, c, q->id, b, vb);
	hd_txn_end(&t);
	return rc == HD_E_NOTFOUND
		       ? hd_rpc_fail(rep, rc, NULL, "no such card or version")
		       : rc;
}

int kb_cards_versions_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	kb_cards *c = ((kb *)ctx)->cards;
	int rc;
	Hd__CardRequest *q = staff_request(req, rep, &rc);
	if (!q)
		return rc;
	Hd__CardVersion *v = NULL;
	rc = read_versions(c, q, q->number, 0, &v, NULL, rep);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, v);
	hd__card_version__free_unpacked(v, NULL);
	hd__card_request__free_unpacked(q, NULL);
	return rc;
}

/* The text a version diffs as: the title, a blank line, the content. */
static int as_text(const Hd__CardVersion *v, hd_buf *out)
{
	return hd_buf_printf(out, "%s\n\n%s", v->title, v->content);
}

int kb_cards_diff(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	kb_cards *c = ((kb *)ctx)->cards;
	int rc;
	Hd__CardRequest *q = staff_request(req, rep, &rc);
	if (!q)
		return rc;
	Hd__CardVersion *a = NULL, *b = NULL;
	hd_buf ta, tb, diff;
	hd_buf_init(&ta, MAX_DIFF_BYTES);
	hd_buf_init(&tb, MAX_DIFF_BYTES);
	hd_buf_init(&diff, MAX_DIFF_BYTES);
	rc = read_versions(c, q, q->from, q->to, &a, &b, rep);
	if (!rc)
		rc = as_text(a, &ta);
	if (!rc)
		rc = as_text(b, &tb);
	if (!rc)
		rc = hd_diff_lines(ta.data, ta.len, tb.data, tb.len,
				   DIFF_CONTEXT, &diff);
	if (rc == HD_E_TOOBIG)
		rc = hd_rpc_fail(rep, rc, NULL,
				 "the versions are too large "
				 "to diff");
	if (!rc) {
		Hd__CardDiff d = HD__CARD_DIFF__INIT;
		d.from = q->from;
		d.to = q->to;
		d.diff = diff.data ? diff.data : "";
		rc = hd_pb_pack(&rep->payload, &d);
	}
	hd_buf_release(&diff);
	hd_buf_release(&tb);
	hd_buf_release(&ta);
	hd__card_version__free_unpacked(b, NULL);
	hd__card_version__free_unpacked(a, NULL);
	hd__card_request__free_unpacked(q, NULL);
	return rc;
}

typedef struct restore_job {
	kb_cards *c;
	const hd_rpc_req *req;
	hd_rpc_rep *rep;
	const Hd__CardRequest *q;
	Hd__Card *card;
} restore_job;

static int restore_write(hd_txn *t, void *arg)
{
	restore_job *j = arg;
	Hd__Card *card = NULL;
	Hd__CardVersion *v = NULL;
	int rc = kb_card_get(t, j->c, j->q->id, &card);
	if (!rc)
		rc = kb_card_version_get(t, j->c, j->q->id, j->q->number, &v);
	if (rc == HD_E_NOTFOUND)
		rc = hd_rpc_fail(j->rep, rc, NULL, "no such card or version");
	int64_t old_due = card ? kb_card_due(card) : 0;
	if (!rc) {
		kb_card_text text = {
			.title = v->title,
			.content = v->content,
			.collection = v->collection,
			.author_id = j->req->principal.user_id,
			.author_verifies = kb_card_is_verifier(
				t, j->c, card, &j->req->principal),
			.reason = "restored",
			.restored_from = v->number,
		};
		uint32_t before = card->version;
		rc = kb_card_edit(t, j->c, card, &text);
		if (!rc && card->version == before)
			rc = hd_rpc_fail(j->rep, HD_E_CONFLICT, NULL,
					 "version %u is the current text",
					 v->number);
	}
	if (!rc)
		rc = kb_card_put(t, j->c, old_due, card);
	hd__card_version__free_unpacked(v, NULL);
	if (rc)
		hd__card__free_unpacked(card, NULL);
	else
		j->card = card;
	return rc ? rc : t->rc;
}

int kb_cards_restore(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	kb_cards *c = ((kb *)ctx)->cards;
	int rc;
	Hd__CardRequest *q = staff_request(req, rep, &rc);
	if (!q)
		return rc;
	restore_job j = {c, req, rep, q, NULL};
	rc = hd_store_write(c->store, restore_write, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, j.card);
	hd__card__free_unpacked(j.card, NULL);
	hd__card_request__free_unpacked(q, NULL);
	return rc;
}
