/* The ticket of a search doc without its token lists. A query with no
 * free-text term checks only the ticket's fields, and unpacking the
 * hundreds of token strings of every candidate's doc was most of its time;
 * this reads the doc's wire bytes, finds field 1 (the ticket, see
 * proto/search.proto SearchDoc) and unpacks only that. */
#include "search.h"

#include "hd/err.h"

static int varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	*out = 0;
	for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t b = *(*p)++;
		*out |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return HD_OK;
	}
	return HD_E_CORRUPT;
}

/* Skip one field's value of wire type wt; *field_at/len for type 2. */
static int skip(const uint8_t **p, const uint8_t *end, unsigned wt,
		const uint8_t **at, uint64_t *len)
{
	uint64_t v;
	size_t left = (size_t)(end - *p);
	switch (wt) {
	case 0:
		return varint(p, end, &v);
	case 1:
	case 5:
		if (left < (wt == 1 ? 8u : 4u))
			return HD_E_CORRUPT;
		*p += wt == 1 ? 8 : 4;
		return HD_OK;
	case 2:
		if (varint(p, end, len) || *len > (uint64_t)(end - *p))
			return HD_E_CORRUPT;
		*at = *p;
		*p += *len;
		return HD_OK;
	default:
		return HD_E_CORRUPT;
	}
}

int search_doc_ticket(const intake *in, hd_txn *t, uint64_t id,
		      Hd__Ticket **out)
{
	uint8_t key[8];
	MDB_val v;
	*out = NULL;
	hd_key_u64(key, id);
	int rc = hd_txn_get(t, in->search.docs, key, sizeof key, &v);
	if (rc)
		return rc;
	const uint8_t *p = v.mv_data, *end = p + v.mv_size, *tk = NULL;
	uint64_t tklen = 0;
	int seen = 0;
	while (p < end) {
		uint64_t k, len = 0;
		const uint8_t *at = NULL;
		if (varint(&p, end, &k) || skip(&p, end, k & 7, &at, &len))
			return HD_E_CORRUPT;
		if (k >> 3 == 1 && (k & 7) == 2) {
			tk = at;
			tklen = len;
			seen++;
		}
	}
	if (seen > 1) { /* parts of one message to merge: the full decoder */
		Hd__SearchDoc *d = NULL;
		rc = search_doc_get(in, t, id, &d);
		if (!rc && d->ticket) {
			*out = d->ticket;
			d->ticket = NULL;
		}
		hd__search_doc__free_unpacked(d, NULL);
		return rc ? rc : *out ? HD_OK : HD_E_NOTFOUND;
	}
	if (!seen)
		return HD_E_NOTFOUND; /* comments indexed before their ticket */
	*out = hd__ticket__unpack(NULL, (size_t)tklen, tk);
	return *out ? HD_OK : HD_E_CORRUPT;
}
