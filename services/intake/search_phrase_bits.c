/* The tickets holding a phrase (a Korean word of three or more syllables is
 * a phrase of bigrams, so this is the common Korean query), as a bitmap
 * kept up to date instead of recomputed: the first query computes it by
 * the positional merge (search_phrase.c) and remembers it with the index
 * cursor of its snapshot (search_meta "search_cursor", which the indexer
 * advances in every transaction that changes text postings); a later
 * query whose snapshot is further on re-checks only the tickets the
 * events in between touched (search_phrase_in, on that snapshot), so the
 * answer is exact and fresh and costs the changes, not the corpus. Too
 * many changes (or trimmed events) compute it again. A few dozen phrases
 * are kept, the least recently used replaced. */
#include "search_bits.h"
#include "search_sets.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/tokenize.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS       32
#define CATCH_UP    4096 /* events re-checked at most; more: recompute */
#define NAME_MAX_SZ (SQ_MAX_TOKENS * (HD_TOKEN_MAX_BYTES + 12) + 2)

typedef struct slot {
	char *name; /* marker ‖ tokens and offsets; NULL: free */
	uint64_t cursor;
	uint64_t used; /* the clock when last used */
	bitmap m;
} slot;

/* One per context (in->phrase_cache): each slot keeps the index cursor it
 * was computed at and is caught up from there, under the mutex. */
struct search_phrase_cache {
	pthread_mutex_t mu;
	slot s[SLOTS];
	uint64_t clock;
};

int search_phrase_cache_new(intake *in)
{
	struct search_phrase_cache *c = calloc(1, sizeof *c);
	if (!c)
		return HD_E_NOMEM;
	if (pthread_mutex_init(&c->mu, NULL)) {
		free(c);
		return HD_E_NOMEM;
	}
	in->phrase_cache = c;
	return HD_OK;
}

void search_phrase_cache_free(intake *in)
{
	struct search_phrase_cache *c = in->phrase_cache;
	if (!c)
		return;
	for (size_t i = 0; i < SLOTS; i++) {
		free(c->s[i].name);
		free(c->s[i].m.w);
	}
	pthread_mutex_destroy(&c->mu);
	free(c);
	in->phrase_cache = NULL;
}

static size_t phrase_name(char *out, size_t cap, char m, const sq_term *t)
{
	size_t n = 0;
	out[n++] = m;
	for (size_t i = 0; i < t->ntok; i++) {
		size_t tl = strlen(t->tok[i]);
		if (n + tl + 12 > cap)
			return 0;
		memcpy(out + n, t->tok[i], tl);
		n += tl;
		out[n++] = '\x1f';
		uint32_t off = t->pos[i] - t->pos[0];
		for (int b = 0; b < 4; b++)
			out[n++] = (char)('0' + (off >> (4 * (3 - b)) & 15));
	}
	out[n] = 0;
	return n;
}

static int grow(bitmap *m, size_t nw)
{
	if (m->nw >= nw)
		return HD_OK;
	uint64_t *w = realloc(m->w, nw * sizeof *w);
	if (!w)
		return HD_E_NOMEM;
	memset(w + m->nw, 0, (nw - m->nw) * sizeof *w);
	m->w = w;
	m->nw = nw;
	return HD_OK;
}

static void put_bit(bitmap *m, uint64_t seq, int on)
{
	if (seq / 64 >= m->nw)
		return;
	uint64_t bit = UINT64_C(1) << (seq % 64);
	m->w[seq / 64] = on ? m->w[seq / 64] | bit : m->w[seq / 64] & ~bit;
}

/* From scratch: the positional merge over every posting. */
static int compute(const intake *in, hd_txn *t, char m, const sq_term *term,
		   size_t nw, bitmap *out)
{
	idset ids = {0};
	int rc = grow(out, nw);
	if (!rc)
		rc = search_phrase_marked(in, t, m, term, &ids);
	for (size_t i = 0; i < ids.n && !rc; i++)
		if ((ids.v[i].id & ((1u << INTAKE_SHARD_BITS) - 1)) ==
		    in->shard)
			put_bit(out, ids.v[i].id >> INTAKE_SHARD_BITS, 1);
	idset_release(&ids);
	return rc;
}

typedef struct touched {
	uint64_t upto;
	uint64_t *ids;
	size_t n, cap;
	int full;
} touched;

/* The ticket whose postings an event may change (search_index.c's). */
static int collect(void *arg, uint64_t seq, const uint8_t *env, size_t len)
{
	touched *c = arg;
	if (seq > c->upto)
		return HD_E_TOOBIG; /* past our snapshot: done */
	if (c->n == CATCH_UP) {
		c->full = 1;
		return HD_E_TOOBIG;
	}
	Hd__Envelope *e = hd__envelope__unpack(NULL, len, env);
	uint64_t id = 0;
	if (e && (strcmp(e->type, "ticket.created") == 0 ||
		  strcmp(e->type, "ticket.updated") == 0 ||
		  strcmp(e->type, "ticket.deleted") == 0)) {
		Hd__Ticket *tk = hd__ticket__unpack(NULL, e->payload.len,
						    e->payload.data);
		id = tk ? tk->id : 0;
		hd__ticket__free_unpacked(tk, NULL);
	} else if (e && strcmp(e->type, "comment.created") == 0) {
		Hd__Comment *cm = hd__comment__unpack(NULL, e->payload.len,
						      e->payload.data);
		id = cm ? cm->ticket_id : 0;
		hd__comment__free_unpacked(cm, NULL);
	}
	hd__envelope__free_unpacked(e, NULL);
	if (!id)
		return HD_OK;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		uint64_t *v = realloc(c->ids, cap * sizeof *v);
		if (!v)
			return HD_E_NOMEM;
		c->ids = v;
		c->cap = cap;
	}
	c->ids[c->n++] = id;
	return HD_OK;
}

/* Bring out (right at cursor from) to cursor to; 1 when it could. */
static int catch_up(const intake *in, hd_txn *t, char m, const sq_term *term,
		    uint64_t from, uint64_t to, size_t nw, bitmap *out)
{
	touched c = {.upto = to};
	if (to - from > CATCH_UP || grow(out, nw))
		return 0;
	int rc = hd_store_events_since(t->store, from, CATCH_UP + 1,
				       (size_t)64 << 20, collect, &c);
	int ok = (rc == HD_OK || (rc == HD_E_TOOBIG && !c.full));
	for (size_t i = 0; ok && i < c.n; i++) {
		uint64_t id = c.ids[i];
		if ((id & ((1u << INTAKE_SHARD_BITS) - 1)) != in->shard)
			continue;
		put_bit(out, id >> INTAKE_SHARD_BITS,
			search_phrase_in(in, t, m, term, id));
	}
	free(c.ids);
	return ok;
}

static uint64_t index_cursor(const intake *in, hd_txn *t)
{
	MDB_val v;
	if (hd_txn_get(t, in->search.meta, "search_cursor", 13, &v) ||
	    v.mv_size != 8)
		return 0;
	return hd_key_get_u64(v.mv_data);
}

/* Take a copy of the remembered bitmap of name (its cursor in *cur). */
static int take(struct search_phrase_cache *cache, const char *name,
		bitmap *out, uint64_t *cur)
{
	int found = 0;
	pthread_mutex_lock(&cache->mu);
	for (size_t i = 0; i < SLOTS && !found; i++) {
		slot *s = &cache->s[i];
		if (!s->name || strcmp(s->name, name) != 0)
			continue;
		found = grow(out, s->m.nw) == HD_OK;
		if (found) {
			if (s->m.nw)
				memcpy(out->w, s->m.w,
				       s->m.nw * sizeof *out->w);
			*cur = s->cursor;
			s->used = ++cache->clock;
		}
	}
	pthread_mutex_unlock(&cache->mu);
	return found;
}

/* Remember a copy (a newer cursor wins). */
static void keep(struct search_phrase_cache *cache, const char *name,
		 const bitmap *m, uint64_t cursor)
{
	bitmap c = {0};
	char *nm = strdup(name);
	if (!nm || grow(&c, m->nw)) {
		free(nm);
		free(c.w);
		return;
	}
	if (m->nw)
		memcpy(c.w, m->w, m->nw * sizeof *c.w);
	pthread_mutex_lock(&cache->mu);
	slot *s = NULL;
	for (size_t i = 0; i < SLOTS && !s; i++)
		if (cache->s[i].name && strcmp(cache->s[i].name, name) == 0)
			s = &cache->s[i];
	if (s && s->cursor > cursor) {
		s = NULL; /* someone remembered a newer one */
		free(nm), nm = NULL;
		free(c.w), c.w = NULL;
	} else if (!s) {
		s = &cache->s[0];
		for (size_t i = 0; i < SLOTS; i++) {
			if (!cache->s[i].name) {
				s = &cache->s[i];
				break;
			}
			if (cache->s[i].used < s->used)
				s = &cache->s[i];
		}
	}
	if (s) {
		free(s->name);
		free(s->m.w);
		*s = (slot){nm, cursor, ++cache->clock, c};
	}
	pthread_mutex_unlock(&cache->mu);
}

int search_phrase_bits(const intake *in, hd_txn *t, char m, const sq_term *term,
		       size_t nw, bitmap *out)
{
	char name[NAME_MAX_SZ];
	uint64_t now = index_cursor(in, t), then = 0;
	bitmap b = {0};
	int rc = HD_OK;
	if (!phrase_name(name, sizeof name, m, term))
		return compute(in, t, m, term, nw,
			       out); /* too long to remember */
	int have = take(in->phrase_cache, name, &b, &then);
	if (have && then > now)
		have = 0; /* remembered from a newer snapshot than ours */
	if (have && then < now)
		have = catch_up(in, t, m, term, then, now, nw, &b);
	if (!have) {
		if (b.nw)
			memset(b.w, 0, b.nw * sizeof *b.w);
		rc = compute(in, t, m, term, nw, &b);
	}
	if (!rc && (!have || then != now))
		keep(in->phrase_cache, name, &b, now);
	if (!rc)
		rc = grow(out, nw);
	for (size_t i = 0; !rc && i < nw && i < b.nw; i++)
		out->w[i] |= b.w[i];
	free(b.w);
	return rc;
}
