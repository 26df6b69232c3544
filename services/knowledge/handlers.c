/* knowledge's event handlers and Prometheus families. */
#include "knowledge.h"

#include "cards.h"
#include "macros.h"

#include "hd/err.h"
#include "hd/evdecode.h"
#include "hd/prom.h"

#include <string.h>

/* main.c's module rows: the context and the help center first. */
int kb_open(hd_svc *svc, void *ctx)
{
	kb *k = ctx;
	k->store = svc->store;
	return kb_store_bind(k);
}

int kb_cards_open(hd_svc *svc, void *ctx)
{
	return kb_cards_setup(ctx, svc);
}

int kb_macros_open(hd_svc *svc, void *ctx)
{
	return kb_macros_setup(ctx, svc);
}

int kb_prom_open(hd_svc *svc, void *ctx)
{
	(void)svc;
	return hd_prom_add_collector(kb_collect, ctx);
}

/* Every intake event: who is staff (kb_members.c). */
int kb_on_member_event(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	kb *k = ctx;
	return kb_members_apply(t, k->members, ev);
}

/* ticket.created: article suggestions. */
int kb_on_ticket_created(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	kb *k = ctx;
	static const char *const types[] = {"ticket.created", NULL};
	Hd__Ticket *tk;
	int rc = hd_ev_ticket(ev, types, &tk);
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
