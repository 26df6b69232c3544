/* Keywords of new tickets: the distinct tokens of subject and description
 * (the shared tokenizer: NFKC, case fold, Hangul bigrams), without
 * stopwords, one-character tokens and numbers, counted once per ticket in
 * day buckets; the term's text is kept in mr_names under its hash. */
#include "mr.h"

#include "hd/err.h"
#include "hd/stopwords.h"
#include "hd/tokenize.h"
#include "ticket.pb-c.h"

#include <string.h>

#define MAX_TERMS 64 /* per ticket */

typedef struct terms {
	metrics *m;
	hd_txn *t;
	const mr_dims *d;
	int64_t at;
	uint64_t seen[MAX_TERMS];
	size_t n;
} terms;

static int one_char(const char *tok, size_t len)
{
	size_t chars = 0;
	for (size_t i = 0; i < len; i++)
		chars += ((uint8_t)tok[i] & 0xC0) != 0x80;
	return chars < 2;
}

static int all_digits(const char *tok, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (tok[i] < '0' || tok[i] > '9')
			return 0;
	return 1;
}

static void name_put(terms *s, uint64_t h, const char *tok, size_t len)
{
	uint8_t k[9];
	MDB_val v;
	k[0] = 2;
	hd_key_u64(k + 1, h);
	if (hd_txn_get(s->t, s->m->mr->names, k, sizeof k, &v) == HD_E_NOTFOUND)
		hd_txn_put(s->t, s->m->mr->names, k, sizeof k, tok, len);
}

static int on_token(void *arg, const char *tok, size_t len, uint32_t pos)
{
	(void)pos;
	terms *s = arg;
	if (one_char(tok, len) || all_digits(tok, len) ||
	    hd_is_stopword(tok, len))
		return 0;
	uint64_t h = mr_hash(tok, len);
	for (size_t i = 0; i < s->n; i++)
		if (s->seen[i] == h)
			return 0;
	if (s->n == MAX_TERMS)
		return 1; /* enough: stop tokenizing */
	s->seen[s->n++] = h;
	name_put(s, h, tok, len);
	mr_roll_add(s->m, s->t, MR_TERMS, 1u << MR_G_DAY, s->d, s->at, h, 0, 0,
		    1);
	return 0;
}

int mr_term_count(metrics *m, hd_txn *t, const Hd__Ticket *tk, const mr_dims *d)
{
	terms s = {.m = m, .t = t, .d = d, .at = tk->created_at};
	int rc = hd_tokenize(tk->subject, strlen(tk->subject), on_token, &s);
	if (rc == 0 || rc == 1)
		rc = hd_tokenize(tk->description, strlen(tk->description),
				 on_token, &s);
	if (rc != 0 && rc != 1)
		hd_txn_fail(t, rc);
	return t->rc;
}
