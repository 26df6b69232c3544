/* kbsearch: putting documents into the index and taking them out (key
 * layout in kbsearch.h). A document's distinct terms are kept with it so
 * removal deletes exactly its postings without re-tokenizing old text. */
#include "kbsearch_int.h"

#include "hd/err.h"

#include <stdlib.h>

const char *const kbs_dbs[] = {"kbs_post", "kbs_docs", "kbs_stats", NULL};

#define STATS_LEN (8 + 8 * KBS_MAX_FIELDS)
#define TF_MAX    65535u

int kbs_bind(hd_store *s, kbs *e)
{
	const hd_dbi_ref dbs[] = {{"kbs_post", &e->post},
				  {"kbs_docs", &e->docs},
				  {"kbs_stats", &e->stats},
				  {NULL, NULL}};
	return hd_store_dbis(s, dbs);
}

/* ---- the terms of one document ---- */

typedef struct term {
	char text[HD_TOKEN_MAX_BYTES];
	uint8_t len;
	uint32_t tf[KBS_MAX_FIELDS];
} term;

typedef struct term_set {
	term *slots; /* open addressing; len 0 = empty */
	size_t cap, n;
	size_t field;
	uint32_t lens[KBS_MAX_FIELDS]; /* tokens per field */
} term_set;

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
	return h;
}

static term *slot_for(term *slots, size_t cap, const char *s, size_t n)
{
	size_t i = hash_bytes(s, n) & (cap - 1);
	while (slots[i].len &&
	       (slots[i].len != n || memcmp(slots[i].text, s, n) != 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(term_set *ts)
{
	size_t cap = ts->cap ? ts->cap * 2 : 256;
	term *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return HD_E_NOMEM;
	for (size_t i = 0; i < ts->cap; i++)
		if (ts->slots[i].len)
			*slot_for(slots, cap, ts->slots[i].text,
				  ts->slots[i].len) = ts->slots[i];
	free(ts->slots);
	ts->slots = slots;
	ts->cap = cap;
	return HD_OK;
}

static int add_token(void *arg, const char *tok, size_t len, uint32_t pos)
{
	(void)pos;
	term_set *ts = arg;
	if (!len || len > HD_TOKEN_MAX_BYTES)
		return HD_OK;
	if ((ts->n + 1) * 10 > ts->cap * 7 && grow(ts))
		return HD_E_NOMEM;
	term *t = slot_for(ts->slots, ts->cap, tok, len);
	if (!t->len) {
		memcpy(t->text, tok, len);
		t->len = (uint8_t)len;
		ts->n++;
	}
	if (t->tf[ts->field] < TF_MAX)
		t->tf[ts->field]++;
	ts->lens[ts->field]++;
	return HD_OK;
}

/* ---- stats ---- */

int kbs_stats_get(hd_txn *t, const kbs *e, const char *kind, uint64_t *docs,
		  uint64_t lens[KBS_MAX_FIELDS])
{
	MDB_val v;
	*docs = 0;
	memset(lens, 0, sizeof(uint64_t) * KBS_MAX_FIELDS);
	int rc = hd_txn_get(t, e->stats, kind, strlen(kind), &v);
	if (rc == HD_E_NOTFOUND)
		return HD_OK;
	if (rc)
		return rc;
	if (v.mv_size != STATS_LEN)
		return HD_E_CORRUPT;
	const uint8_t *p = v.mv_data;
	*docs = hd_key_get_u64(p);
	for (size_t f = 0; f < KBS_MAX_FIELDS; f++)
		lens[f] = hd_key_get_u64(p + 8 + 8 * f);
	return HD_OK;
}

/* Add (sign +1) or take away (-1) one document of the given lengths. */
static int stats_add(hd_txn *t, const kbs *e, const char *kind, int sign,
		     const uint32_t *lens, size_t nfields)
{
	uint64_t docs, total[KBS_MAX_FIELDS];
	int rc = kbs_stats_get(t, e, kind, &docs, total);
	if (rc)
		return hd_txn_fail(t, rc);
	uint8_t v[STATS_LEN];
	hd_key_u64(v, sign > 0 ? docs + 1 : (docs ? docs - 1 : 0));
	for (size_t f = 0; f < KBS_MAX_FIELDS; f++) {
		uint64_t l = f < nfields ? lens[f] : 0;
		uint64_t n = sign > 0 ? total[f] + l
				      : (total[f] > l ? total[f] - l : 0);
		hd_key_u64(v + 8 + 8 * f, n);
	}
	return hd_txn_put(t, e->stats, kind, strlen(kind), v, sizeof v);
}

/* ---- put and remove ---- */

static bool kind_ok(const char *kind)
{
	size_t n = kind ? strlen(kind) : 0;
	return n > 0 && n <= KBS_MAX_KIND;
}

int kbs_remove(hd_txn *t, const kbs *e, const char *kind, uint64_t id)
{
	if (!kind_ok(kind))
		return HD_E_INVALID;
	uint8_t dk[KBS_KEY_CAP], pk[KBS_KEY_CAP];
	size_t dlen = kbs_doc_key(dk, kind, id);
	MDB_val v;
	int rc = hd_txn_get(t, e->docs, dk, dlen, &v);
	if (rc == HD_E_NOTFOUND)
		return HD_OK;
	if (rc)
		return hd_txn_fail(t, rc);
	/* Copy: deleting postings may move the borrowed page. */
	uint8_t *rec = malloc(v.mv_size ? v.mv_size : 1);
	if (!rec)
		return hd_txn_fail(t, HD_E_NOMEM);
	memcpy(rec, v.mv_data, v.mv_size);
	size_t n = v.mv_size;
	uint8_t nf = n >= 5 ? rec[4] : 0;
	size_t at = 5 + 4 * (size_t)nf;
	uint32_t lens[KBS_MAX_FIELDS] = {0};
	rc = n < at || nf > KBS_MAX_FIELDS ? HD_E_CORRUPT : HD_OK;
	for (size_t f = 0; !rc && f < nf; f++)
		lens[f] = kbs_get_u32(rec + 5 + 4 * f);
	while (!rc && at < n) {
		size_t tl = rec[at];
		if (at + 1 + tl > n || tl > HD_TOKEN_MAX_BYTES) {
			rc = HD_E_CORRUPT;
			break;
		}
		size_t plen = kbs_term_prefix(pk, kind,
					      (const char *)rec + at + 1, tl);
		rc = kbs_block_del(t, e->post, pk, plen, id);
		at += 1 + tl;
	}
	if (!rc)
		rc = hd_txn_del(t, e->docs, dk, dlen);
	if (!rc)
		rc = stats_add(t, e, kind, -1, lens, nf);
	free(rec);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

static int write_postings(hd_txn *t, const kbs *e, const char *kind,
			  uint64_t id, const term_set *ts, size_t nfields,
			  uint32_t flags, hd_buf *doc)
{
	uint8_t pk[KBS_KEY_CAP], entry[KBS_ENTRY] = {0};
	hd_key_u64(entry, id);
	kbs_put_u32(entry + 8, flags);
	int rc = HD_OK;
	for (size_t i = 0; i < ts->cap && !rc; i++) {
		const term *tm = &ts->slots[i];
		if (!tm->len)
			continue;
		size_t plen = kbs_term_prefix(pk, kind, tm->text, tm->len);
		for (size_t f = 0; f < nfields; f++) {
			uint8_t *q = entry + KBS_ENTRY_TF + 3 * f;
			uint32_t len = ts->lens[f];
			q[0] = (uint8_t)(tm->tf[f] < KBS_TF_CAP ? tm->tf[f]
								: KBS_TF_CAP);
			len = len < KBS_LEN_CAP ? len : KBS_LEN_CAP;
			q[1] = (uint8_t)(len >> 8);
			q[2] = (uint8_t)len;
		}
		rc = kbs_block_put(t, e->post, pk, plen, entry);
		if (!rc)
			rc = hd_buf_append(doc, &tm->len, 1);
		if (!rc)
			rc = hd_buf_append(doc, tm->text, tm->len);
	}
	return rc;
}

int kbs_put(hd_txn *t, const kbs *e, const char *kind, uint64_t id,
	    const kbs_field *fields, size_t nfields, uint32_t flags)
{
	if (!kind_ok(kind) || nfields > KBS_MAX_FIELDS)
		return HD_E_INVALID;
	int rc = kbs_remove(t, e, kind, id);
	term_set ts = {0};
	hd_buf doc;
	hd_buf_init(&doc, (size_t)64 << 20);
	if (!rc)
		rc = grow(&ts);
	for (size_t f = 0; f < nfields && !rc; f++) {
		ts.field = f;
		if (fields[f].text)
			rc = hd_tokenize(fields[f].text, fields[f].len,
					 add_token, &ts);
	}
	uint8_t head[5 + 4 * KBS_MAX_FIELDS];
	kbs_put_u32(head, flags);
	head[4] = (uint8_t)nfields;
	for (size_t f = 0; f < nfields; f++)
		kbs_put_u32(head + 5 + 4 * f, ts.lens[f]);
	if (!rc)
		rc = hd_buf_append(&doc, head, 5 + 4 * nfields);
	if (!rc)
		rc = write_postings(t, e, kind, id, &ts, nfields, flags, &doc);
	uint8_t dk[KBS_KEY_CAP];
	size_t dlen = kbs_doc_key(dk, kind, id);
	if (!rc)
		rc = hd_txn_put(t, e->docs, dk, dlen, doc.data, doc.len);
	if (!rc)
		rc = stats_add(t, e, kind, +1, ts.lens, nfields);
	free(ts.slots);
	hd_buf_release(&doc);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}
