/* knowledge's event handlers and Prometheus families. */
#include "knowledge.h"

#include "hd/err.h"
#include "hd/evdecode.h"
#include "hd/prom.h"

#include <string.h>

int kb_apply(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	kb *k = ctx;
	static const char *const types[] = {"ticket.created", NULL};
	Hd__Ticket *tk;
	int rc = kb_members_apply(t, ev);
	if (rc)
		return rc;
	rc = hd_ev_ticket(ev, types, &tk);
	if (!tk)
		return rc;
	/* An imported ticket is history: nobody waits for suggestions. */
	if (!tk->by_import)
		rc = hc_suggest_ticket(t, &k->hc, tk);
	hd__ticket__free_unpacked(tk, NULL);
	return rc;
}

void kb_collect(void *ctx, hd_buf *out)
{
	kb *k = ctx;
	uint64_t n = 0;
	if (hd_store_count(k->store, k->hc.suggestions, &n))
		return;
	hd_prom_family(out, "hd_knowledge_suggested_tickets", "gauge",
		       "Tickets that article suggestions were made for.");
	hd_buf_printf(out, "hd_knowledge_suggested_tickets %llu\n",
		      (unsigned long long)n);
}
