/* The help center inside knowledge: categories, sections, articles with
 * per-locale translations, votes, article search (kbsearch, kind
 * "article"), suggestions for new tickets and deflection. State is built in
 * setup and read-only after; writes run in the group commit, reads in
 * their own read transactions. Key layout (hc_store.c):
 *   hc_meta         "next_<kind>" → u64; "locale:<tag>" → u64 locale id
 *   hc_categories   u64 id → hd.HcCategory
 *   hc_sections     u64 id → hd.HcSection
 *   hc_articles     u64 id → hd.HcArticle (every translation)
 *   hc_votes        u64 article id, u64 user id → hd.HcVoteReply
 *   hc_suggestions  u64 ticket id → hd.HcSuggestions (ids and scores)
 *   hc_deflections  u64 id → hd.HcDeflection
 * Search documents are translations: id = article id << 8 | slot (the
 * translation's index), fields title, labels, body text; flags below. */
#ifndef HC_H
#define HC_H

#include "kbsearch.h"

#include "hd/req_decode.h"
#include "hd/rpc.h"
#include "hd/store.h"
#include "hd/store_pb.h"
#include "knowledge.pb-c.h"
#include "ticket.pb-c.h"

#include <stdbool.h>

#define HC_MAX_TRANSLATIONS 64
#define HC_KIND             "article"
#define HC_FLAG_DRAFT       1u /* the translation is a draft */
#define HC_FLAG_SIGNED_IN   2u /* a user segment other than everyone */
#define HC_LOCALE_SHIFT     8  /* bits 8..23: the locale id */
#define HC_DEFAULT_LOCALE   "ko"

extern const char *const hc_dbs[];

typedef struct hc {
	hd_store *store;
	kbs search;
	MDB_dbi meta, categories, sections, articles, votes, suggestions,
		deflections;
} hc;

/* hc_ctx.c: the help center inside the service context the RPC routes
 * are given (the kb). */
hc *hc_of(void *ctx);

/* hc_store.c */
int hc_bind(hc *h, hd_store *s);
int hc_next_id(hd_txn *t, const hc *h, const char *kind, uint64_t *id);
/* Numeric id of a locale tag (assigned on first use when t writes;
 * 0 when unknown in a read). */
int hc_locale_id(hd_txn *t, const hc *h, const char *locale, bool assign,
		 uint64_t *id);
/* Re-index every translation of a (old: what was indexed, or NULL). */
int hc_index_article(hd_txn *t, const hc *h, const Hd__HcArticle *old,
		     const Hd__HcArticle *a);
/* An article edit's start: the stored article id twice, *a to change and
 * *old as it is indexed now; both the caller's to free (NULL on failure,
 * HD_E_NOTFOUND when there is none). */
int hc_article_load(hd_txn *t, const hc *h, uint64_t id, Hd__HcArticle **a,
		    Hd__HcArticle **old);
/* An article write's end: store a and move the search index from old (NULL
 * for a new article) to it. */
int hc_article_put(hd_txn *t, const hc *h, const Hd__HcArticle *old,
		   const Hd__HcArticle *a);

/* hc_rules.c: who may do what, and checks on input. */
bool hc_staff(const hd_principal *p);
bool hc_admin(const hd_principal *p);
/* Lower-cases a locale tag in place; false when it is not one. */
bool hc_locale_ok(char *locale);
/* The translation of a for locale ("" = the source locale, else the
 * first); NULL when absent. *slot gets its index. */
Hd__HcTranslation *hc_translation(const Hd__HcArticle *a, const char *locale,
				  size_t *slot);
/* May who read translation tr of a? */
bool hc_visible(const Hd__HcArticle *a, const Hd__HcTranslation *tr,
		const hd_principal *who);
/* Sanitize html into a malloc'd string (*out); HD_E_TOOBIG. */
int hc_sanitize(const char *html, char **out);

/* hc_articles.c: check (and sanitize the body of) a translation; 422
 * naming the field. */
int hc_check_translation(Hd__HcTranslation *tr, bool need_title,
			 hd_rpc_rep *rep);
/* Article id with only the translations who may read; HD_E_NOTFOUND when
 * it is missing or none is readable. Free with free_unpacked. */
int hc_article_for(const hc *h, uint64_t id, const hd_principal *who,
		   Hd__HcArticle **out);

/* hc_list.c: does a carry every label of want (case-insensitive)? */
bool hc_has_labels(const Hd__HcArticle *a, char **want, size_t n);

/* hc_view.c: an article as shown (the one translation, with snippet). The
 * view owns copies; free with hc_view_free. */
Hd__HcArticleView *hc_view_new(const Hd__HcArticle *a, size_t slot,
			       double score);
void hc_view_free(Hd__HcArticleView *v);
void hc_views_free(Hd__HcArticleView **v, size_t n);

/* hc_search_exec.c: rank visible translations for a request; views in
 * *out (n of them, caller frees with hc_views_free), total in *total.
 * snippets: fill snippet from the body text. */
int hc_search_run(hd_txn *t, const hc *h, const Hd__HcSearchRequest *q,
		  const hd_principal *who, bool snippets,
		  Hd__HcArticleView ***out, size_t *n, uint64_t *total);

/* hc_suggest.c: on ticket.created, inside the consumer's transaction:
 * search, store the suggestions and emit kb.suggested. */
int hc_suggest_ticket(hd_txn *t, const hc *h, const Hd__Ticket *tk);

/* RPC route tables (ctx: the hc). */
extern const hd_rpc_route hc_categories_routes[];   /* hc_categories.c */
extern const hd_rpc_route hc_articles_routes[];     /* hc_articles.c */
extern const hd_rpc_route hc_translations_routes[]; /* hc_translations.c */
extern const hd_rpc_route hc_list_routes[];         /* hc_list.c */
extern const hd_rpc_route hc_search_routes[];       /* hc_search.c */
extern const hd_rpc_route hc_deflection_routes[];   /* hc_suggest.c */

#endif
