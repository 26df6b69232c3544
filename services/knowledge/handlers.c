/* knowledge's event handlers and Prometheus families. */
#include "knowledge.h"

#include "hd/err.h"
#include "hd/evdecode.h"
#include "hd/prom.h"

#include <string.h>

#define MAX_QUEUED_TEXT (16 * 1024)

int kb_apply(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	kb *k = ctx;
	static const char *const types[] = {"ticket.created", NULL};
	Hd__Ticket *tk;
	int rc = hd_ev_ticket(ev, types, &tk);
	if (!tk)
		return rc;
	hd_buf text;
	hd_buf_init(&text, MAX_QUEUED_TEXT);
	/* Subject and the start of the description are enough to suggest from;
	 * a cut in the middle of a UTF-8 sequence is trimmed by the tokenizer. */
	hd_buf_printf(&text, "%s\n", tk->subject);
	size_t room = MAX_QUEUED_TEXT - text.len;
	size_t n = strlen(tk->description);
	hd_buf_append(&text, tk->description, n < room ? n : room);
	uint8_t id[8];
	hd_key_u64(id, tk->id);
	hd_txn_put(t, k->suggest_queue, id, 8, text.data ? text.data : "",
		   text.len);
	hd_buf_release(&text);
	hd__ticket__free_unpacked(tk, NULL);
	return t->rc;
}

void kb_collect(void *ctx, hd_buf *out)
{
	kb *k = ctx;
	uint64_t n = 0;
	if (hd_store_count(k->store, k->suggest_queue, &n))
		return;
	hd_prom_family(out, "hd_knowledge_suggestions_pending", "gauge",
		       "New tickets queued for article suggestions.");
	hd_buf_printf(out, "hd_knowledge_suggestions_pending %llu\n",
		      (unsigned long long)n);
}
