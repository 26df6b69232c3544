/* Which conversation an inbound message continues: one of our Message-IDs
 * in In-Reply-To / References (a ticket or a side conversation; its MAC
 * makes it unforgeable), else a "[#123]" / "[Ticket #123]" token in the
 * subject. Either threads only mail from the ticket's requester, its CCs,
 * collaborators or followers, or staff: a subject token is easy to forge,
 * and a real Message-ID travels with every forwarded copy of our mail.
 * Anything else starts a new ticket, as does a reply to a closed, deleted
 * or unknown ticket. */
#include "mail.h"
#include "tickets.h"

#include "hd/err.h"
#include "hd/vocab.h"

#include <string.h>

static bool listed(const uint64_t *ids, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static bool may_thread(const Hd__Ticket *tk, uint64_t sender, bool staff)
{
	return staff || tk->requester_id == sender ||
	       listed(tk->collaborator_ids, tk->n_collaborator_ids, sender) ||
	       listed(tk->email_cc_ids, tk->n_email_cc_ids, sender) ||
	       listed(tk->follower_ids, tk->n_follower_ids, sender);
}

void mail_thread_refs(const intake_mail *m, mail_target *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < m->nrefs; i++) {
		mail_ref ref;
		if (mail_ref_parse(m->refs[i], &ref)) {
			out->ticket_id = ref.ticket_id;
			out->side_conversation_id = ref.side_conversation_id;
			out->how = "In-Reply-To";
			return;
		}
	}
	if ((out->ticket_id = mail_subject_ticket(m->subject)))
		out->how = "subject";
}

int mail_thread_check(intake *in, mail_target *tg, uint64_t sender, bool staff)
{
	if (!tg->ticket_id || tg->side_conversation_id)
		return HD_OK;
	hd_txn t;
	Hd__Ticket *tk = NULL;
	int rc = HD_E_NOTFOUND;
	/* A token naming a shard we do not have is simply no ticket. */
	if (INTAKE_SHARD_OF(tg->ticket_id) == in->shard &&
	    (rc = hd_store_read(in->store, &t)) == HD_OK) {
		rc = hd_txn_get_pb_id(&t, in->tk.tickets, tg->ticket_id,
				      &hd__ticket__descriptor, (void **)&tk);
		hd_txn_end(&t);
	}
	if (rc != HD_OK && rc != HD_E_NOTFOUND)
		return rc;
	Hd__TicketStatus st = tk ? hd_status_of(tk->status) : 0;
	bool ok = tk && !tk->deleted &&
		  st != HD__TICKET_STATUS__STATUS_CLOSED &&
		  may_thread(tk, sender, staff);
	if (!ok) {
		tg->ticket_id = 0;
		tg->how = NULL;
	}
	/* As in Zendesk, the customer's answer puts the ticket back in the
	 * agents' queue. */
	tg->reopen = ok && !staff &&
		     (st == HD__TICKET_STATUS__STATUS_PENDING ||
		      st == HD__TICKET_STATUS__STATUS_SOLVED);
	hd__ticket__free_unpacked(tk, NULL);
	return HD_OK;
}
