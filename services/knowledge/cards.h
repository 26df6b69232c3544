/* knowledge's cards: internal knowledge cards that a user or a group
 * verifies on an interval, versioned on every edit, with proposals from any
 * account. The cards.* RPCs run on RPC worker threads and write only through
 * the group commit; the sweep tick turns overdue cards needs_verification
 * and emits kb.card_expired in the same transaction.
 *
 * Verification rule (Zendesk Guide's): creating a card, a change of its
 * title or content by anyone but the verifier (an accepted proposal counts
 * as its proposer's edit), a restore by anyone but the verifier and a change
 * of verifier make it needs_verification; only the verifier (the user, or a
 * member of the group) may verify. */
#ifndef KB_CARDS_H
#define KB_CARDS_H

#include "knowledge.h"

#include "cards.pb-c.h"
#include "hd/cfg.h"
#include "hd/rpc.h"
#include "kbsearch.h"

#include <stdbool.h>

#define KB_CARD_STATE_VERIFIED "verified"
#define KB_CARD_STATE_NEEDS    "needs_verification"
#define KB_CARD_DEFAULT_DAYS   90
#define KB_CARD_MAX_DAYS       3650
#define KB_CARD_MAX_TITLE      1024       /* bytes */
#define KB_CARD_MAX_CONTENT    (64 << 10) /* bytes */
#define KB_CARD_MAX_COLLECTION 256

/* The sub-databases (for the service's dbs list), the options (HD_CARD_*),
 * and the RPC routes (ctx: the kb). */
extern const char *const kb_cards_dbs[];
extern const hd_cfg_opt kb_cards_opts[];
#define KB_CARDS_NOPTS 1
extern const hd_rpc_route kb_card_routes[];

typedef struct kb_cards {
	hd_store *store;
	MDB_dbi cards, versions, proposals, due, meta;
	kbs search;      /* kind "card": title, content, collection */
	MDB_dbi members; /* kb.members: verifier groups' members */
} kb_cards;

/* Card search (kbsearch kind "card"): fields and the state flag. */
#define KB_CARD_KIND          "card"
#define KB_CARD_FLAG_VERIFIED 1u
enum { KB_CARD_F_TITLE, KB_CARD_F_CONTENT, KB_CARD_F_COLLECTION };

/* cards_store.c: bind the sub-databases into k->cards (main.c's "cards"
 * module). */
int kb_cards_setup(kb *k, hd_svc *svc);
int kb_card_get(hd_txn *t, kb_cards *c, uint64_t id, Hd__Card **out);
/* cards_search.c: the cards.search RPC (listed in kb_card_routes). */
int kb_cards_search(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* When card falls due in the sweep's index: next_verification_at for a
 * verified card, else 0. Take it before changing a card. */
int64_t kb_card_due(const Hd__Card *card);
/* Store card, moving its entry in the due index from old_due (what
 * kb_card_due said of the stored card; 0 for a new one), and index it for
 * search. */
int kb_card_put(hd_txn *t, kb_cards *c, int64_t old_due, const Hd__Card *card);
int kb_card_del(hd_txn *t, kb_cards *c, const Hd__Card *card);
int kb_card_version_get(hd_txn *t, kb_cards *c, uint64_t id, uint32_t n,
			Hd__CardVersion **out);
int kb_card_version_put(hd_txn *t, kb_cards *c, const Hd__CardVersion *v);
/* Every version of card id, oldest first, into l (free its members with
 * kb_card_versions_free). */
int kb_card_versions(hd_txn *t, kb_cards *c, uint64_t id,
		     Hd__CardVersionList *l);
void kb_card_versions_free(Hd__CardVersionList *l);
int kb_card_proposal_get(hd_txn *t, kb_cards *c, uint64_t id,
			 Hd__CardProposal **out);
int kb_card_proposal_put(hd_txn *t, kb_cards *c, const Hd__CardProposal *p);

/* cards_edit.c: the one way text changes. Set title, content and collection
 * (NULL: keep) on card as written by author; when anything changed, store
 * a new version (reason, proposal_id, restored_from as CardVersion says)
 * and apply the verification rule with author_verifies. card is then ready
 * for kb_card_put. */
typedef struct kb_card_text {
	const char *title, *content, *collection;
	uint64_t author_id;
	bool author_verifies;
	const char *reason;
	uint64_t proposal_id;
	uint32_t restored_from;
} kb_card_text;
int kb_card_edit(hd_txn *t, kb_cards *c, Hd__Card *card,
		 const kb_card_text *text);
/* Validate text for a card (UTF-8, lengths); HD_E_INVALID naming the field
 * in rep. title and content are required when required is set. */
int kb_card_check_text(const char *title, const char *content,
		       const char *collection, bool required, hd_rpc_rep *rep);

/* cards_access.c: who may do what. */
bool kb_staff(const hd_principal *p);
bool kb_account(const hd_principal *p);
/* The user verifier, or staff in the verifier group (as knowledge's copy
 * of the memberships in t knows, kb_members.c). */
bool kb_card_is_verifier(hd_txn *t, const kb_cards *c, const Hd__Card *card,
			 const hd_principal *p);
int kb_deny_unless_staff(const hd_rpc_req *req, hd_rpc_rep *rep);

/* cards_versions.c and cards_proposals.c: their cards.* RPCs (listed in
 * kb_card_routes). */
int kb_cards_versions_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int kb_cards_versions_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int kb_cards_diff(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int kb_cards_restore(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int kb_cards_propose(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int kb_cards_proposals_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int kb_cards_proposal_decide(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* cards_sweep.c: main.c's tick job, every HD_CARD_SWEEP_MS (wall time):
 * expires the cards whose next_verification_at (business time) has
 * passed. ctx is the kb. */
int kb_cards_sweep_tick(hd_svc *svc, void *ctx);
/* One sweep now; the number of cards expired goes to *expired. */
int kb_cards_sweep_once(kb_cards *c, uint64_t *expired);

/* Unpack the request payload as hd.CardRequest or fail naming it. */
Hd__CardRequest *kb_card_request(const hd_rpc_req *req, hd_rpc_rep *rep);
/* The staff-only list RPCs: decode the hd.CardRequest, let scan fill list
 * (a list message on the caller's stack) in a read transaction and answer
 * it; the records scan added are freed here (hd_pb_free_repeated). */
typedef int (*kb_card_scan_fn)(hd_txn *t, kb_cards *c, const Hd__CardRequest *q,
			       void *list);
int kb_cards_list_rpc(kb_cards *c, const hd_rpc_req *req, hd_rpc_rep *rep,
		      kb_card_scan_fn scan, ProtobufCMessage *list);

#endif
