/* Field postings: every structured field the query language filters on, as
 * sorted sets of ticket ids, so a query is answered by merging postings and
 * reads only the tickets it returns (search_plan.c). Key layout of
 * search_fields (written only by the indexer, in the transaction that
 * writes the ticket's search doc, so postings and docs never disagree):
 *   'K' ‖ id (u64 BE) → created_at, updated_at (i64 BE each) ‖ status,
 *        priority, ticket type ordinals (i8 each): one per indexed ticket
 *        (the set of every ticket, and the sort keys)
 *   'F' ‖ kind ‖ value ‖ 0x00 ‖ id (u64 BE) → empty: string-valued fields
 *        (kind = 'a' + enum sq_kind; values as search_field_value makes
 *        them: ids in decimal, tags and ids folded, …)
 *   'D' ‖ kind ‖ ms (i64, sign bit flipped, BE) ‖ id (u64 BE) → empty:
 *        created, updated, solved and due times (0 when unset), so a range
 *        is one cursor walk and a time order is the key order.
 * An update deletes the postings of the ticket as last indexed (its doc)
 * and puts the new ones. Stores indexed before this existed get the
 * postings built by the indexer before it indexes anything new
 * (search_fields_build, resuming from "#build_at"); until then the db has
 * no "#built_v1" and search_exec scans as it did before. */
#include "search.h"
#include "search_bits.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/tokenize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUILD_BATCH 2000
#define BUILD_AT    "#build_at" /* the next doc id to build from */

const char search_fields_key[] = "#built_v1";

typedef struct emit {
	const intake *in;
	hd_txn *t;
	uint64_t id;
	int del;
} emit;

void search_field_norm(const char *v, size_t n, char *out, size_t cap)
{
	/* Keys are at most 511 bytes: a long value keeps its head and a hash
	 * of the whole, so equal values still meet. */
	if (n < SEARCH_FIELD_MAX) {
		memcpy(out, v, n);
		out[n] = 0;
		return;
	}
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)v[i]) * 1099511628211ULL;
	size_t keep = SEARCH_FIELD_MAX - 18;
	memcpy(out, v, keep);
	snprintf(out + keep, cap - keep, "\x05%016llx", (unsigned long long)h);
}

size_t search_field_key(uint8_t *out, enum sq_kind kind, const char *value,
			uint64_t id)
{
	char v[SEARCH_FIELD_MAX + 24];
	search_field_norm(value, strlen(value), v, sizeof v);
	size_t n = strlen(v);
	out[0] = 'F';
	out[1] = (uint8_t)('a' + kind);
	memcpy(out + 2, v, n);
	out[2 + n] = 0;
	hd_key_u64(out + 3 + n, id);
	return 3 + n + 8;
}

size_t search_date_key(uint8_t *out, enum sq_kind kind, int64_t ms, uint64_t id)
{
	out[0] = 'D';
	out[1] = (uint8_t)('a' + kind);
	hd_key_u64(out + 2, (uint64_t)ms ^ (UINT64_C(1) << 63));
	hd_key_u64(out + 10, id);
	return SEARCH_DATE_KEY;
}

static void put_or_del(emit *e, const uint8_t *key, size_t n)
{
	if (e->t->rc)
		return;
	if (e->del) {
		/* gone: fine */
		if (hd_txn_del(e->t, e->in->search.fields, key, n) == HD_OK)
			search_bits_field(e->in, e->t, key, n, 0);
	} else {
		hd_txn_put(e->t, e->in->search.fields, key, n, "", 0);
		search_bits_field(e->in, e->t, key, n, 1);
	}
}

static void field(emit *e, enum sq_kind kind, const char *value)
{
	uint8_t key[SEARCH_FIELD_KEY_MAX];
	put_or_del(e, key, search_field_key(key, kind, value, e->id));
}

static void field_id(emit *e, enum sq_kind kind, uint64_t v)
{
	char s[24];
	snprintf(s, sizeof s, "%llu", (unsigned long long)v);
	field(e, kind, s);
}

static void field_folded(emit *e, enum sq_kind kind, const char *prefix,
			 const char *v)
{
	char *f = hd_text_fold(v, strlen(v));
	size_t pn = strlen(prefix), fn = f ? strlen(f) : 0;
	char *s = malloc(pn + fn + 1);
	if (!f || !s) {
		hd_txn_fail(e->t, HD_E_NOMEM);
	} else {
		memcpy(s, prefix, pn);
		memcpy(s + pn, f, fn + 1);
		field(e, kind, s);
	}
	free(s);
	free(f);
}

static void date(emit *e, enum sq_kind kind, int64_t ms)
{
	uint8_t key[SEARCH_DATE_KEY];
	put_or_del(e, key, search_date_key(key, kind, ms, e->id));
}

static void custom(emit *e, const Hd__CustomFieldValue *cf)
{
	char pre[40];
	snprintf(pre, sizeof pre, "%llu:", (unsigned long long)cf->id);
	if (!cf->has_value)
		return; /* "none": no SEARCH_HAS posting */
	char has[48];
	snprintf(has, sizeof has, "%s%s", pre, SEARCH_CF_HAS);
	field(e, SQ_CUSTOM, has);
	if (strcmp(cf->kind, "flag") == 0) {
		snprintf(has, sizeof has, "%s%s", pre,
			 cf->flag ? SEARCH_CF_TRUE : SEARCH_CF_FALSE);
		field(e, SQ_CUSTOM, has);
	} else if (strcmp(cf->kind, "tags") == 0) {
		char tpre[48];
		snprintf(tpre, sizeof tpre, "%s%s", pre, SEARCH_CF_TAG);
		for (size_t i = 0; i < cf->n_tags; i++)
			field_folded(e, SQ_CUSTOM, tpre, cf->tags[i]);
		if (!cf->n_tags) {
			snprintf(has, sizeof has, "%s%s", pre, SEARCH_CF_EMPTY);
			field(e, SQ_CUSTOM, has);
		}
	} else {
		field_folded(e, SQ_CUSTOM, pre, cf->text);
	}
}

static void ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

static void k_record(emit *e, const Hd__Ticket *tk)
{
	uint8_t key[9], v[SEARCH_K_VALUE];
	key[0] = 'K';
	hd_key_u64(key + 1, e->id);
	if (e->del) {
		put_or_del(e, key, sizeof key);
		return;
	}
	hd_key_u64(v, (uint64_t)tk->created_at);
	hd_key_u64(v + 8, (uint64_t)tk->updated_at);
	v[16] = (uint8_t)(int8_t)sq_status_ordinal(tk->status);
	v[17] = (uint8_t)(int8_t)sq_priority_ordinal(tk->priority);
	v[18] = (uint8_t)(int8_t)sq_type_ordinal(tk->type);
	if (!e->t->rc)
		hd_txn_put(e->t, e->in->search.fields, key, sizeof key, v,
			   sizeof v);
	search_bits_field(e->in, e->t, key, sizeof key, 1);
}

/* Every posting of tk, put (del 0) or deleted (del 1). */
static void postings(const intake *in, hd_txn *t, const Hd__Ticket *tk, int del)
{
	emit e = {in, t, tk->id, del};
	char num[16];
	k_record(&e, tk);
	snprintf(num, sizeof num, "%d", sq_status_ordinal(tk->status));
	field(&e, SQ_STATUS, num);
	snprintf(num, sizeof num, "%d", sq_priority_ordinal(tk->priority));
	field(&e, SQ_PRIORITY, num);
	field(&e, SQ_TICKET_TYPE, tk->type);
	field_id(&e, SQ_ASSIGNEE, tk->assignee_id);
	field_id(&e, SQ_REQUESTER, tk->requester_id);
	field_id(&e, SQ_SUBMITTER, tk->submitter_id);
	field_id(&e, SQ_GROUP, tk->group_id);
	field_id(&e, SQ_ORG, tk->organization_id);
	field_id(&e, SQ_FORM, tk->ticket_form_id);
	field_id(&e, SQ_BRAND, tk->brand_id);
	if (!tk->n_collaborator_ids)
		field_id(&e, SQ_CC, 0);
	for (size_t i = 0; i < tk->n_collaborator_ids; i++)
		if (tk->collaborator_ids[i])
			field_id(&e, SQ_CC, tk->collaborator_ids[i]);
	for (size_t i = 0; i < tk->n_email_cc_ids; i++)
		if (tk->email_cc_ids[i])
			field_id(&e, SQ_CC, tk->email_cc_ids[i]);
	if (!tk->n_tags)
		field(&e, SQ_TAGS, SEARCH_NO_TAGS);
	for (size_t i = 0; i < tk->n_tags; i++)
		field_folded(&e, SQ_TAGS, "", tk->tags[i]);
	field(&e, SQ_VIA, tk->via_channel);
	char *rcpt = strdup(tk->recipient);
	if (!rcpt)
		hd_txn_fail(t, HD_E_NOMEM);
	else {
		ascii_lower(rcpt);
		field(&e, SQ_RECIPIENT, rcpt);
	}
	free(rcpt);
	field(&e, SQ_SATISFACTION, tk->satisfaction_score);
	field_folded(&e, SQ_EXTERNAL_ID, "", tk->external_id);
	for (size_t i = 0; i < tk->n_custom_fields; i++)
		custom(&e, tk->custom_fields[i]);
	date(&e, SQ_CREATED, tk->created_at);
	date(&e, SQ_UPDATED, tk->updated_at);
	date(&e, SQ_SOLVED, tk->solved_at);
	date(&e, SQ_DUE, tk->due_at);
}

void search_fields_update(const intake *in, hd_txn *t, const Hd__Ticket *old,
			  const Hd__Ticket *tk)
{
	if (old)
		postings(in, t, old, 1);
	if (tk)
		postings(in, t, tk, 0);
}

int search_fields_ready(const intake *in, hd_txn *t)
{
	MDB_val v;
	return hd_txn_get(t, in->search.fields, search_fields_key,
			  strlen(search_fields_key), &v) == HD_OK;
}

typedef struct build_job {
	const intake *in;
	uint64_t from; /* the next doc id */
	size_t done;
	int finished;
} build_job;

typedef struct batch_walk {
	hd_txn *t;
	build_job *b;
	size_t n;
	bool more; /* stopped with docs left */
} batch_walk;

static int batch_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	batch_walk *w = arg;
	if (w->n >= BUILD_BATCH || w->t->rc) {
		w->more = true;
		return HD_STOP;
	}
	w->n++;
	if (k->mv_size != 8)
		return HD_OK;
	uint64_t id = hd_key_get_u64(k->mv_data);
	Hd__Ticket *tk = NULL;
	w->b->from = id + 1;
	if (search_doc_ticket(w->b->in, w->t, id, &tk) == HD_OK && !tk->deleted)
		postings(w->b->in, w->t, tk, 0);
	hd__ticket__free_unpacked(tk, NULL);
	return HD_OK;
}

/* One batch: the postings of up to BUILD_BATCH docs from b->from. */
static int build_batch(hd_txn *t, void *arg)
{
	build_job *b = arg;
	const intake *in = b->in;
	uint8_t key[8];
	b->finished = 0;
	hd_key_u64(key, b->from);
	batch_walk w = {t, b, 0, false};
	int rc = hd_txn_foreach_from(t, in->search.docs, NULL, 0, key, 8, false,
				     batch_one, &w);
	if (rc || t->rc)
		return rc ? rc : t->rc;
	b->done += w.n;
	if (search_bits_flush(in, t))
		return t->rc;
	uint8_t at[8];
	hd_key_u64(at, b->from);
	if (!w.more) {
		b->finished = 1;
		hd_txn_put(t, in->search.fields, search_fields_key,
			   strlen(search_fields_key), "1", 1);
	} else {
		hd_txn_put(t, in->search.fields, BUILD_AT, strlen(BUILD_AT), at,
			   8);
	}
	return t->rc;
}

int search_fields_build_step(intake *in, int *built)
{
	hd_txn t;
	build_job b = {.in = in};
	int rc = hd_store_read(in->store, &t);
	if (rc)
		return rc;
	*built = search_fields_ready(in, &t);
	hd_txn_end(&t);
	if (*built)
		return HD_OK;
	rc = hd_store_get_u64(in->store, in->search.fields, BUILD_AT, &b.from);
	if (!rc && b.from == 0)
		hd_info("search.fields_building", "from=0");
	if (!rc)
		rc = hd_store_write(in->store, build_batch, &b);
	if (rc) {
		hd_error("search.fields_build_failed", "err=%s",
			 hd_errname(rc));
		return rc;
	}
	if ((*built = b.finished)) {
		uint64_t docs = 0;
		hd_store_count(in->store, in->search.docs, &docs);
		hd_info("search.fields_built", "docs=%llu",
			(unsigned long long)docs);
	}
	return HD_OK;
}
