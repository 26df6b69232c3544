/* The one way a card's text changes: a new version, and the verification
 * rule (cards.h) applied to whoever wrote the text. */
#include "cards.h"

#include "hd/err.h"
#include "hd/store_pb.h"
#include "hd/text.h"

#include <string.h>

static int check_one(const char *s, size_t max, const char *field,
		     bool required, hd_rpc_rep *rep)
{
	if (!s)
		return required ? hd_rpc_fail(rep, HD_E_INVALID, field,
					      "%s: cannot be blank", field)
				: HD_OK;
	size_t n = strlen(s);
	if (!hd_utf8_valid(s, n))
		return hd_rpc_fail(rep, HD_E_INVALID, field,
				   "%s: is not valid UTF-8", field);
	if (n > max)
		return hd_rpc_fail(rep, HD_E_INVALID, field,
				   "%s: is too long (at most %zu bytes)", field,
				   max);
	if (required && strspn(s, " \t\r\n") == n)
		return hd_rpc_fail(rep, HD_E_INVALID, field,
				   "%s: cannot be blank", field);
	return HD_OK;
}

int kb_card_check_text(const char *title, const char *content,
		       const char *collection, bool required, hd_rpc_rep *rep)
{
	int rc = check_one(title, KB_CARD_MAX_TITLE, "title", required, rep);
	rc = rc ? rc
		: check_one(content, KB_CARD_MAX_CONTENT, "content", required,
			    rep);
	return rc ? rc
		  : check_one(collection, KB_CARD_MAX_COLLECTION, "collection",
			      false, rep);
}

/* Replace *field by a copy of value (NULL: keep); true when it changed.
 * A failed copy is recorded on the transaction. */
static bool set(hd_txn *t, char **field, const char *value)
{
	if (!value || !strcmp(*field, value))
		return false;
	if (hd_pb_set_string(field, value))
		hd_txn_fail(t, HD_E_NOMEM);
	return true;
}

int kb_card_edit(hd_txn *t, kb_cards *c, Hd__Card *card,
		 const kb_card_text *text)
{
	bool text_changed = set(t, &card->title, text->title);
	text_changed |= set(t, &card->content, text->content);
	bool changed =
		set(t, &card->collection, text->collection) || text_changed;
	if (t->rc || (!changed && card->version))
		return t->rc;
	int64_t now = hd_now_ms();
	card->version++;
	card->updated_at = now;
	card->updated_by = text->author_id;
	if (card->version == 1 || (text_changed && !text->author_verifies)) {
		if (hd_pb_set_string(&card->state, KB_CARD_STATE_NEEDS))
			return hd_txn_fail(t, HD_E_NOMEM);
		card->next_verification_at = 0;
	}
	Hd__CardVersion v = HD__CARD_VERSION__INIT;
	v.card_id = card->id;
	v.number = card->version;
	v.title = card->title;
	v.content = card->content;
	v.collection = card->collection;
	v.author_id = text->author_id;
	v.created_at = now;
	v.reason = (char *)text->reason;
	v.proposal_id = text->proposal_id;
	v.restored_from = text->restored_from;
	return kb_card_version_put(t, c, &v);
}
