/* knowledge's store: every sub-database, its module and key layout
 * (integers big-endian, so cursor order is numeric order). Each module
 * keeps the details beside its code, in the file named:
 *
 *   help center (hc.h, hc_store.c)
 *     hc_meta         "next_<kind>" → u64; "locale:<tag>" → u64 locale id
 *     hc_categories   u64 id → hd.HcCategory
 *     hc_sections     u64 id → hd.HcSection
 *     hc_articles     u64 id → hd.HcArticle (every translation)
 *     hc_votes        u64 article id ‖ u64 user id → hd.HcVoteReply
 *     hc_suggestions  u64 ticket id → hd.HcSuggestions
 *     hc_deflections  u64 id → hd.HcDeflection
 *   search index, shared by articles and cards (kbsearch.h)
 *     kbs_post        kind 0 term 0 u64 id → a block of postings
 *     kbs_docs        kind 0 u64 id → flags, fields and their terms
 *     kbs_stats       kind → u64 docs, u64 length per field
 *   knowledge cards (cards_store.c)
 *     cards           u64 card id → hd.Card
 *     card_versions   u64 card id ‖ u32 number → hd.CardVersion
 *     card_proposals  u64 proposal id → hd.CardProposal
 *     card_due        u64 due (ms) ‖ u64 card id → "" (the sweep's order)
 *     card_meta       "next_card", "next_proposal" → u64
 *   macros (macros_store.c)
 *     macros          u64 macro id → hd.Macro
 *     macro_usage     u64 macro id ‖ u64 hour → u64 applications
 *     macro_meta      "next_macro" → u64
 *   group memberships copied from intake (kb_members.c)
 *     kb_members      u64 user id ‖ u64 group id → ""
 *
 * The cards' and macros' handles are bound by their own modules (main.c's
 * "cards" and "macros" rows); this file binds the help center's and the
 * memberships'. */
#include "knowledge.h"

int kb_store_bind(kb *k)
{
	int rc = hc_bind(&k->hc, k->store);
	return rc ? rc : kb_members_bind(k->store, &k->members);
}
