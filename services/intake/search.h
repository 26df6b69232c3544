/* intake's search module, internal interface (search.c, search_index.c,
 * search_query.c, search_exec.c). The index is built off the request path
 * by one indexer thread from intake's own outbox; queries read it from any
 * RPC worker thread in read-only transactions. */
#ifndef INTAKE_SEARCH_H
#define INTAKE_SEARCH_H

#include "common.pb-c.h"
#include "intake.h"
#include "search.pb-c.h"

#define SEARCH_MAX_HITS 1000

/* Markers before a token in the postings keys: public text (subject,
 * description, public comments) and private-note text (staff only). */
#define SEARCH_PUBLIC  'T'
#define SEARCH_PRIVATE 'N'

/* search_index.c: apply one outbox event (ticket.created/updated/deleted,
 * comment.created; others are ignored) inside a write job. A payload that
 * does not decode is skipped (logged), never fatal. */
int search_index_event(const intake *in, hd_txn *t, const Hd__Envelope *ev);
/* The doc of ticket id; *out is the caller's. HD_E_NOTFOUND. */
int search_doc_get(const intake *in, hd_txn *t, uint64_t id,
		   Hd__SearchDoc **out);
/* search_doc_ticket.c: only the doc's ticket (the caller's); HD_E_NOTFOUND
 * (no doc, or no ticket yet), HD_E_CORRUPT. */
int search_doc_ticket(const intake *in, hd_txn *t, uint64_t id,
		      Hd__Ticket **out);
/* Postings key: marker ‖ token ‖ 0x00 ‖ id (u64 BE) ‖ segment (u32 BE);
 * returns its length (0 when the token is too long). */
size_t search_post_key(uint8_t *out, size_t cap, char marker, const char *tok,
		       size_t toklen, uint64_t id, uint32_t seg);

/* search_query.c: the query language of API.md §5. */
enum sq_kind {
	SQ_TEXT,
	SQ_TYPE,
	SQ_STATUS,
	SQ_PRIORITY,
	SQ_TICKET_TYPE,
	SQ_ASSIGNEE,
	SQ_REQUESTER,
	SQ_SUBMITTER,
	SQ_GROUP,
	SQ_ORG,
	SQ_TAGS,
	SQ_VIA,
	SQ_CREATED,
	SQ_UPDATED,
	SQ_SOLVED,
	SQ_DUE,
	SQ_CUSTOM,
	SQ_FORM,
	SQ_BRAND,
	SQ_CC,
	SQ_RECIPIENT,
	SQ_SATISFACTION,
	SQ_EXTERNAL_ID,
	SQ_NKINDS
};

enum sq_op { SQ_EQ, SQ_LT, SQ_GT, SQ_LE, SQ_GE };
/* 1 when "v op want" holds (statuses, priorities, numbers). */
static inline int sq_op_holds(enum sq_op op, double v, double want)
{
	switch (op) {
	case SQ_LT:
		return v < want;
	case SQ_GT:
		return v > want;
	case SQ_LE:
		return v <= want;
	case SQ_GE:
		return v >= want;
	default:
		return v == want;
	}
}

#define SQ_MAX_TOKENS 16

typedef struct sq_term {
	enum sq_kind kind;
	enum sq_op op;
	int neg;
	int prefix;    /* SQ_TEXT with one token: prefix match */
	char *value;   /* folded value (strings, tags, custom fields) */
	uint64_t id;   /* user/group/org/field/form/brand ids; 0 = none */
	long ordinal;  /* status, priority */
	int64_t lo_ms; /* dates: [lo, hi) for ':'; relative: lo == hi */
	int64_t hi_ms;
	size_t ntok; /* SQ_TEXT: tokens and positions relative to the first */
	char *tok[SQ_MAX_TOKENS];
	uint32_t pos[SQ_MAX_TOKENS];
} sq_term;

/* 1 when status or priority ordinal o (-1 up) is one t asks for; a
 * priority comparison never matches ordinals at or below 0. */
static inline int sq_ordinal_in(const sq_term *t, int o)
{
	return (t->kind != SQ_PRIORITY || t->op == SQ_EQ || o > 0) &&
	       sq_op_holds(t->op, o, t->ordinal);
}

typedef struct sq_query {
	sq_term *terms;
	size_t n;
	char sort_by[16];   /* order_by: inside the query, if any */
	char sort_order[8]; /* sort: inside the query, if any */
} sq_query;

/* search_fields.c: field postings (key layout there). */
#define SEARCH_FIELD_MAX     400 /* longer values keep a head and a hash */
#define SEARCH_FIELD_KEY_MAX (2 + SEARCH_FIELD_MAX + 24 + 1 + 8)
#define SEARCH_DATE_KEY      18
#define SEARCH_K_VALUE       19
#define SEARCH_NO_TAGS       "\x01" /* tags:none */
#define SEARCH_CF_HAS                                                          \
	"\x01"                                                                 \
	"has" /* a custom field with a value */
#define SEARCH_CF_TRUE                                                         \
	"\x02"                                                                 \
	"true" /* flag fields */
#define SEARCH_CF_FALSE                                                        \
	"\x02"                                                                 \
	"false"
#define SEARCH_CF_EMPTY "\x03"         /* a tags field with no tag */
#define SEARCH_CF_TAG   "\x04"         /* before each tag of a tags field */
extern const char search_fields_key[]; /* in search_fields once built */
void search_field_norm(const char *v, size_t n, char *out, size_t cap);
size_t search_field_key(uint8_t *out, enum sq_kind kind, const char *value,
			uint64_t id);
size_t search_date_key(uint8_t *out, enum sq_kind kind, int64_t ms,
		       uint64_t id);
/* Remove old's postings (if any), put tk's (if any), in t. */
void search_fields_update(const intake *in, hd_txn *t, const Hd__Ticket *old,
			  const Hd__Ticket *tk);
/* 1 when every indexed ticket has its field postings. */
int search_fields_ready(const intake *in, hd_txn *t);
/* Build the postings of a store indexed before they existed: one batch
 * (resumable: the next starts where it stopped); *built 1 once all are.
 * Run by the indexer thread between its rounds, so indexing goes on. */
int search_fields_build_step(intake *in, int *built);

/* search_tag.c: for a query whose one positive term on tags is tags:value,
 * the value's token with the fewest postings into out (NUL-terminated):
 * every ticket carrying the tag is among that token's postings.
 * HD_E_NOTFOUND when the query has no such term, HD_E_TOOBIG. */
int search_tag_token(const intake *in, hd_txn *t, const sq_query *q, char *out,
		     size_t cap);

/* Parse q for who at time now. HD_E_INVALID (rep names "query"),
 * HD_E_NOMEM. Release with sq_release in every case. */
int sq_parse(const char *q, const hd_principal *who, int64_t now_ms,
	     sq_query *out, hd_rpc_rep *rep);
void sq_release(sq_query *q);
/* Rewrite people keywords whose value is an e-mail (assignee:, requester:,
 * submitter:, cc:) to the user's id, and group: / organization: names to
 * their ids, when fn finds them (kind "email" with the value lower-cased,
 * "group" or "organization"); a name nobody has becomes an id that matches
 * nothing. Other terms are copied as they are, space-separated, to out.
 * HD_E_TOOBIG, HD_E_NOMEM. */
typedef int (*sq_lookup_fn)(void *arg, const char *kind, const char *value,
			    uint64_t *id);
int sq_resolve_people(const char *q, sq_lookup_fn fn, void *arg, hd_buf *out);
int sq_status_ordinal(const char *s);
int sq_priority_ordinal(const char *s);
int sq_type_ordinal(const char *s);
/* 1 when q asks for a type other than ticket (type:user, -type:ticket …):
 * such a query finds no tickets. */
int sq_other_type(const sq_query *q);

/* search_plan.c: run a parsed query from the postings (search_exec_scan
 * while they are not built; both, compared, with HD_SEARCH_VERIFY); fills
 * the reply's hits and count. */
int search_exec(intake *in, const sq_query *q, const hd_principal *who,
		const Hd__SearchRequest *req, Hd__SearchReply *out);
/* One ticket (or doc) decoded to answer a search (the metric). */
void search_count_decode(void);
/* The single posting value of a field term (into buf, or t's own), or
 * NULL when its set is a union (ordinals, dates, custom fields, all). */
const char *search_single_value(const sq_term *t, char *buf, size_t cap);
/* search_exec.c: the same by reading every candidate's doc. */
int search_exec_scan(intake *in, const sq_query *q, const hd_principal *who,
		     const Hd__SearchRequest *req, Hd__SearchReply *out);
/* search_phrase.c: the ids (ascending; within's only, when given) holding
 * the phrase term, scored 1.0 in public text, else 0.5 in notes (staff). */
typedef struct idset idset;
int search_phrase_set(const intake *in, hd_txn *t, const sq_term *term,
		      int staff, const idset *within, idset *out);
/* The ids (ascending) holding the phrase in text marked m. */
int search_phrase_marked(const intake *in, hd_txn *t, char m,
			 const sq_term *term, idset *out);
/* Does ticket id hold the phrase term in text marked m (postings only)? */
int search_phrase_in(const intake *in, hd_txn *t, char m, const sq_term *term,
		     uint64_t id);
void search_reply_release(Hd__SearchReply *r);

#endif
