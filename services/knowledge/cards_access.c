/* Who may touch cards: staff (agents, admins, the system) read and write
 * them; any account may propose; the verifier alone verifies. */
#include "cards.h"
#include "kb_members.h"

#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/req_decode.h"
#include "hd/store_pb.h"

#include <string.h>

bool kb_staff(const hd_principal *p)
{
	return hd_role_is_staff(p->role);
}

bool kb_account(const hd_principal *p)
{
	return p->user_id &&
	       (kb_staff(p) || p->role == HD__USER_ROLE__ROLE_END_USER);
}

bool kb_card_is_verifier(hd_txn *t, const kb_cards *c, const Hd__Card *card,
			 const hd_principal *p)
{
	if (card->verifier_user_id)
		return p->user_id == card->verifier_user_id;
	return card->verifier_group_id && kb_staff(p) &&
	       kb_member_of(t, c->members, p->user_id, card->verifier_group_id);
}

int kb_deny_unless_staff(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	if (kb_staff(&req->principal))
		return HD_OK;
	return hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
			   "knowledge cards are for agents and admins");
}

Hd__CardRequest *kb_card_request(const hd_rpc_req *req, hd_rpc_rep *rep)
{
	Hd__CardRequest *q = NULL;
	hd_req_decode(req, rep, &hd__card_request__descriptor, (void **)&q);
	return q;
}

int kb_cards_list_rpc(kb_cards *c, const hd_rpc_req *req, hd_rpc_rep *rep,
		      kb_card_scan_fn scan, ProtobufCMessage *list)
{
	int rc = kb_deny_unless_staff(req, rep);
	Hd__CardRequest *q = rc ? NULL : kb_card_request(req, rep);
	if (!q)
		return rc ? rc : HD_E_DECODE;
	hd_txn t;
	rc = hd_store_read(c->store, &t);
	if (!rc) {
		rc = scan(&t, c, q, list);
		hd_txn_end(&t);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, list);
	hd_pb_free_repeated(list);
	hd__card_request__free_unpacked(q, NULL);
	return rc;
}
