/* Schema version, forward migrations and the incarnation; see
 * hd/store_meta.h.
 *
 * Key layout of __meta:
 *   "schema_version"  → u64 (big-endian); absent = a store from before
 *                       versions were recorded, i.e. version 0
 *   "incarnation"     → u64 (big-endian), never 0
 *   "restored_seq"    → u64: the outbox head when hd-restore last wrote it
 *   "restored_at_ms"  → u64: wall-clock ms of that restore */
#include "hd/store_meta.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/store.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>

typedef int (*migrate_fn)(MDB_txn *txn, MDB_dbi meta);

/* Step i brings a store from version i to version i + 1, inside the
 * opening transaction: a failure leaves the store as it was. */
typedef struct migration {
	const char *what;
	migrate_fn fn;
} migration;

static int put_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t v)
{
	uint8_t b[8];
	hd_key_u64(b, v);
	MDB_val k = {strlen(key), (void *)key}, val = {8, b};
	return hd_err_from_mdb(mdb_put(txn, dbi, &k, &val, 0));
}

static int get_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *out)
{
	MDB_val k = {strlen(key), (void *)key}, v;
	*out = 0;
	int rc = hd_err_from_mdb(mdb_get(txn, dbi, &k, &v));
	if (rc == HD_OK && v.mv_size != 8)
		return HD_E_CORRUPT;
	if (rc == HD_OK)
		*out = hd_key_get_u64(v.mv_data);
	return rc == HD_E_NOTFOUND ? HD_OK : rc;
}

uint64_t hd_store_new_incarnation(void)
{
	uint64_t v = 0;
	while (v == 0)
		if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
			v = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ull;
	return v;
}

/* 0 → 1: the store gets its incarnation. Nothing else changed format. */
static int m1_incarnation(MDB_txn *txn, MDB_dbi meta)
{
	uint64_t inc = 0;
	int rc = get_u64(txn, meta, "incarnation", &inc);
	if (rc == HD_OK && inc == 0)
		rc = put_u64(txn, meta, "incarnation",
			     hd_store_new_incarnation());
	return rc;
}

static const migration migrations[HD_STORE_SCHEMA_VERSION] = {
	{"record the schema version and a random incarnation", m1_incarnation},
};

static int open_meta(MDB_txn *txn, MDB_dbi *meta)
{
	return hd_err_from_mdb(
		mdb_dbi_open(txn, HD_STORE_META_DB, MDB_CREATE, meta));
}

int hd_store_meta_version(MDB_txn *txn, uint64_t *version)
{
	MDB_dbi meta;
	int rc = open_meta(txn, &meta);
	return rc ? rc : get_u64(txn, meta, "schema_version", version);
}

int hd_store_meta_open(MDB_txn *txn, const char *dir, uint64_t *incarnation)
{
	MDB_dbi meta;
	uint64_t version = 0;
	int rc = open_meta(txn, &meta);
	if (rc == HD_OK)
		rc = get_u64(txn, meta, "schema_version", &version);
	if (rc)
		return rc;
	if (version > HD_STORE_SCHEMA_VERSION) {
		hd_error("store.too_new",
			 "dir=%s schema_version=%llu supported=%d "
			 "msg=\"this store was written by a newer Hana Desk; "
			 "run that release (or newer), or restore a backup "
			 "made by this one\"",
			 dir, (unsigned long long)version,
			 HD_STORE_SCHEMA_VERSION);
		return HD_E_INVALID;
	}
	for (uint64_t v = version; v < HD_STORE_SCHEMA_VERSION && !rc; v++) {
		rc = migrations[v].fn(txn, meta);
		if (rc == HD_OK)
			rc = put_u64(txn, meta, "schema_version", v + 1);
		if (rc)
			hd_error("store.migration_failed",
				 "dir=%s from=%llu to=%llu step=\"%s\" err=%s",
				 dir, (unsigned long long)v,
				 (unsigned long long)v + 1, migrations[v].what,
				 hd_strerror(rc));
		else
			hd_info("store.migrated",
				"dir=%s from=%llu to=%llu step=\"%s\"", dir,
				(unsigned long long)v,
				(unsigned long long)v + 1, migrations[v].what);
	}
	if (rc == HD_OK)
		rc = get_u64(txn, meta, "incarnation", incarnation);
	if (rc == HD_OK && *incarnation == 0)
		rc = HD_E_CORRUPT; /* migration 1 always writes one */
	return rc;
}

int hd_store_meta_reincarnate(MDB_txn *txn, uint64_t restored_seq,
			      uint64_t *incarnation)
{
	MDB_dbi meta;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	*incarnation = hd_store_new_incarnation();
	int rc = open_meta(txn, &meta);
	if (rc == HD_OK)
		rc = put_u64(txn, meta, "incarnation", *incarnation);
	if (rc == HD_OK)
		rc = put_u64(txn, meta, "restored_seq", restored_seq);
	if (rc == HD_OK)
		rc = put_u64(txn, meta, "restored_at_ms",
			     (uint64_t)now.tv_sec * 1000 +
				     (uint64_t)now.tv_nsec / 1000000);
	return rc;
}
