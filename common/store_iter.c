/* Range walks over one sub-database with a cursor; see hd/store_iter.h. */
#include "hd/store_iter.h"

#include "hd/assert.h"
#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

/* LMDB's default (mdb_env_get_maxkeysize): no key is longer. */
#define MAX_KEY 511

static bool has_prefix(const MDB_val *k, const void *prefix, size_t plen)
{
	return !plen ||
	       (k->mv_size >= plen && memcmp(k->mv_data, prefix, plen) == 0);
}

/* The smallest key greater than every key starting with prefix, into out:
 * the prefix without its trailing 0xff bytes, last byte plus one. 0 when
 * there is none (empty or all 0xff): the prefix runs to the table's end. */
static size_t prefix_end(const uint8_t *prefix, size_t plen, uint8_t *out)
{
	while (plen && prefix[plen - 1] == 0xff)
		plen--;
	if (!plen)
		return 0;
	memcpy(out, prefix, plen);
	out[plen - 1]++;
	return plen;
}

/* Where from lies against the prefix's keys: <0 before the
 * prefix's range, 0 inside it, >0 after it. */
static int vs_prefix(const void *from, size_t flen, const void *prefix,
		     size_t plen)
{
	if (!plen)
		return 0;
	int c = memcmp(from, prefix, flen < plen ? flen : plen);
	return c ? c : flen < plen ? -1 : 0;
}

/* Put the cursor on the first key of the walk (MDB_NOTFOUND: none). from
 * is clamped into the prefix's range first. */
static int position(MDB_cursor *c, MDB_val *k, MDB_val *v, const void *prefix,
		    size_t plen, const void *from, size_t flen, bool reverse)
{
	int side = flen ? vs_prefix(from, flen, prefix, plen) : 0;
	if (!reverse) {
		if (!flen || side < 0) {
			from = prefix;
			flen = plen;
		}
		*k = (MDB_val){flen, (void *)from};
		return mdb_cursor_get(c, k, v,
				      flen ? MDB_SET_RANGE : MDB_FIRST);
	}
	uint8_t end[MAX_KEY + 1];
	bool at_end = !flen || side > 0;
	if (at_end) {
		/* The last key under prefix is just before the prefix's end. */
		if (plen > MAX_KEY)
			return MDB_NOTFOUND; /* no key is that long */
		flen = prefix_end(prefix, plen, end);
		from = end;
		if (!flen)
			return mdb_cursor_get(c, k, v, MDB_LAST);
	}
	*k = (MDB_val){flen, (void *)from};
	int mrc = mdb_cursor_get(c, k, v, MDB_SET_RANGE);
	if (mrc == MDB_NOTFOUND)
		return mdb_cursor_get(c, k, v, MDB_LAST);
	if (!mrc && (at_end || k->mv_size != flen ||
		     memcmp(k->mv_data, from, flen) != 0))
		/* landed past from (or on the prefix's end): step back */
		mrc = mdb_cursor_get(c, k, v, MDB_PREV);
	return mrc;
}

int hd_txn_foreach_from(hd_txn *t, MDB_dbi dbi, const void *prefix, size_t plen,
			const void *from, size_t flen, bool reverse,
			hd_kv_fn fn, void *arg)
{
	HD_ASSERT(fn && (prefix || !plen) && (from || !flen));
	if (t->rc)
		return t->rc;
	MDB_cursor *c = NULL;
	int mrc = mdb_cursor_open(t->txn, dbi, &c);
	if (mrc)
		return hd_txn_fail(t, hd_err_from_mdb(mrc));
	MDB_val k, v;
	int rc = HD_OK;
	mrc = position(c, &k, &v, prefix, plen, from, flen, reverse);
	while (!mrc && has_prefix(&k, prefix, plen)) {
		rc = fn(arg, &k, &v);
		if (rc)
			break;
		mrc = mdb_cursor_get(c, &k, &v, reverse ? MDB_PREV : MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (rc)
		return rc == HD_STOP ? HD_OK : rc;
	if (mrc && mrc != MDB_NOTFOUND)
		return hd_txn_fail(t, hd_err_from_mdb(mrc));
	return HD_OK;
}

int hd_txn_foreach(hd_txn *t, MDB_dbi dbi, const void *prefix, size_t plen,
		   hd_kv_fn fn, void *arg)
{
	return hd_txn_foreach_from(t, dbi, prefix, plen, NULL, 0, false, fn,
				   arg);
}

/* malloc for protobuf-c that remembers running out, so a failed unpack
 * tells out of memory from a corrupt record. Messages are freed with
 * free() as usual (protobuf_c_message_free_unpacked(m, NULL)). */
static void *pb_alloc(void *data, size_t n)
{
	void *p = malloc(n);
	if (!p)
		*(bool *)data = true;
	return p;
}

static void pb_free(void *data, void *p)
{
	(void)data;
	free(p);
}

static int take_first(void *arg, const MDB_val *k, const MDB_val *v)
{
	MDB_val *kv = arg;
	kv[0] = *k;
	kv[1] = *v;
	return HD_STOP;
}

int hd_txn_first(hd_txn *t, MDB_dbi dbi, const void *prefix, size_t plen,
		 const void *from, size_t flen, bool reverse, MDB_val *k,
		 MDB_val *v)
{
	MDB_val kv[2] = {{0, NULL}, {0, NULL}};
	int rc = hd_txn_foreach_from(t, dbi, prefix, plen, from, flen, reverse,
				     take_first, kv);
	if (!rc && !kv[0].mv_data)
		rc = HD_E_NOTFOUND;
	if (k)
		*k = kv[0];
	if (v)
		*v = kv[1];
	return rc;
}

typedef struct scan {
	const ProtobufCMessageDescriptor *desc;
	hd_pb_keep_fn keep;
	const void *arg;
	void **items;
	size_t n, cap;
} scan;

static int scan_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	scan *s = arg;
	bool oom = false;
	ProtobufCAllocator a = {pb_alloc, pb_free, &oom};
	ProtobufCMessage *m =
		protobuf_c_message_unpack(s->desc, &a, v->mv_size, v->mv_data);
	if (!m)
		return oom ? HD_E_NOMEM : HD_E_CORRUPT;
	if (s->keep && !s->keep(m, s->arg)) {
		protobuf_c_message_free_unpacked(m, NULL);
		return HD_OK;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		void **p = realloc(s->items, cap * sizeof *p);
		if (!p) {
			protobuf_c_message_free_unpacked(m, NULL);
			return HD_E_NOMEM;
		}
		s->items = p;
		s->cap = cap;
	}
	s->items[s->n++] = m;
	return HD_OK;
}

int hd_txn_scan_pb(hd_txn *t, MDB_dbi dbi, const void *prefix, size_t plen,
		   const ProtobufCMessageDescriptor *desc, hd_pb_keep_fn keep,
		   const void *arg, void ***items, size_t *n)
{
	HD_ASSERT(desc && items && n);
	scan s = {.desc = desc, .keep = keep, .arg = arg};
	*items = NULL;
	*n = 0;
	int rc = hd_txn_foreach(t, dbi, prefix, plen, scan_one, &s);
	if (rc) {
		hd_pb_free_array(s.items, s.n);
		return rc;
	}
	*items = s.items;
	*n = s.n;
	return HD_OK;
}

void hd_pb_free_array(void **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		protobuf_c_message_free_unpacked(items[i], NULL);
	free(items);
}
