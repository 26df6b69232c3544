/* Shared by hd-backup and hd-restore; see stores.h. */
#include "stores.h"

#include "common.pb-c.h"
#include "hd/err.h"
#include "hd/store.h"
#include "hd/store_meta.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int bk_path(char *out, size_t cap, const char *a, const char *b)
{
	int n = snprintf(out, cap, "%s/%s", a, b);
	return n < 0 || (size_t)n >= cap ? HD_E_TOOBIG : HD_OK;
}

/* Copy order: who consumes whom (services/<name>/main.c "sources"). */
static int rank(const char *name)
{
	static const struct {
		const char *prefix;
		int rank;
	} order[] = {{"metrics-", 0},
		     {"notifications-", 0},
		     {"routing-", 1},
		     {"knowledge-", 1},
		     {"intake-", 2}};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (strncmp(name, order[i].prefix, strlen(order[i].prefix)) ==
		    0)
			return order[i].rank;
	return 1;
}

static int by_rank(const void *a, const void *b)
{
	const char *x = a, *y = b;
	int d = rank(x) - rank(y);
	return d ? d : strcmp(x, y);
}

int bk_list_stores(const char *dir, bk_list *out)
{
	out->n = 0;
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "cannot read %s: %s\n", dir, strerror(errno));
		return HD_E_IO;
	}
	int rc = HD_OK;
	for (struct dirent *e; rc == HD_OK && (e = readdir(d));) {
		char path[4096], mdb[4200];
		struct stat st;
		if (e->d_name[0] == '.' || strlen(e->d_name) >= BK_NAME_MAX ||
		    !strchr(e->d_name, '-') ||
		    bk_path(path, sizeof path, dir, e->d_name) ||
		    bk_path(mdb, sizeof mdb, path, "data.mdb") ||
		    stat(mdb, &st) != 0)
			continue;
		if (out->n == BK_MAX_STORES)
			rc = HD_E_TOOBIG;
		else
			memcpy(out->names[out->n++], e->d_name,
			       strlen(e->d_name) + 1); /* < BK_NAME_MAX */
	}
	closedir(d);
	qsort(out->names, out->n, BK_NAME_MAX, by_rank);
	return rc;
}

int bk_list_filter(bk_list *l, char *const *want, size_t n)
{
	bk_list keep = {.n = 0};
	for (size_t i = 0; i < l->n; i++)
		for (size_t w = 0; w < n; w++)
			if (strcmp(l->names[i], want[w]) == 0)
				memcpy(keep.names[keep.n++], l->names[i],
				       BK_NAME_MAX);
	for (size_t w = 0; w < n; w++) {
		int found = 0;
		for (size_t i = 0; i < keep.n; i++)
			found |= strcmp(keep.names[i], want[w]) == 0;
		if (!found) {
			fprintf(stderr,
				"no store named '%s' (expected "
				"<service>-<shard>, e.g. intake-0)\n",
				want[w]);
			return HD_E_NOTFOUND;
		}
	}
	*l = keep;
	return HD_OK;
}

int bk_hold(const char *store_dir)
{
	char path[4200];
	if (mkdir(store_dir, 0700) != 0 && errno != EEXIST)
		return -1;
	if (bk_path(path, sizeof path, store_dir, "instance.lock"))
		return -1;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return 1;
	}
	/* Never closed: the lock must last until the process exits, which
	 * releases it (also when the tool is killed half-way). */
	return 0;
}

int bk_env_open(MDB_env **env, const char *store_dir, unsigned flags)
{
	int rc = hd_err_from_mdb(mdb_env_create(env));
	if (rc == HD_OK) {
		mdb_env_set_maxdbs(*env, 256);
		mdb_env_set_maxreaders(*env, 512);
		rc = hd_err_from_mdb(
			mdb_env_open(*env, store_dir, flags | MDB_NOTLS, 0600));
	}
	if (rc) {
		fprintf(stderr, "cannot open the store in %s: %s\n", store_dir,
			hd_strerror(rc));
		mdb_env_close(*env);
		*env = NULL;
	}
	return rc;
}

static uint64_t meta_u64(MDB_txn *txn, MDB_dbi dbi, const char *key)
{
	MDB_val k = {strlen(key), (void *)key}, v;
	if (mdb_get(txn, dbi, &k, &v) != 0 || v.mv_size != 8)
		return 0;
	return hd_key_get_u64(v.mv_data);
}

int bk_meta_read(MDB_txn *txn, bk_meta *out)
{
	memset(out, 0, sizeof *out);
	MDB_dbi meta, events;
	if (mdb_dbi_open(txn, HD_STORE_META_DB, 0, &meta) == 0) {
		out->incarnation = meta_u64(txn, meta, "incarnation");
		out->version = meta_u64(txn, meta, "schema_version");
		out->restored_seq = meta_u64(txn, meta, "restored_seq");
	}
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	if (mdb_dbi_open(txn, "__events", 0, &events) == 0 &&
	    mdb_cursor_open(txn, events, &cur) == 0) {
		if (mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0 &&
		    k.mv_size == 8)
			out->head = hd_key_get_u64(k.mv_data);
		mdb_cursor_close(cur);
	}
	return HD_OK;
}

int bk_meta_of(const char *store_dir, bk_meta *out)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	memset(out, 0, sizeof *out);
	int rc = bk_env_open(&env, store_dir, MDB_RDONLY);
	if (!rc)
		rc = hd_err_from_mdb(
			mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
	if (!rc)
		rc = bk_meta_read(txn, out);
	if (txn)
		mdb_txn_abort(txn);
	mdb_env_close(env);
	return rc;
}

#define RESTAMP_PER_TXN 4096

/* Re-stamp up to RESTAMP_PER_TXN events from *next on; *next moves past
 * the last one seen, to 0 when the outbox is done. */
static int restamp_some(MDB_env *env, uint64_t inc, uint64_t *next, uint64_t *n)
{
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_dbi events;
	uint8_t key[8], *buf = NULL;
	hd_key_u64(key, *next);
	MDB_val k = {8, key}, v;
	int rc = hd_err_from_mdb(mdb_txn_begin(env, NULL, 0, &txn));
	if (!rc)
		rc = hd_err_from_mdb(mdb_dbi_open(txn, "__events", 0, &events));
	if (!rc)
		rc = hd_err_from_mdb(mdb_cursor_open(txn, events, &cur));
	int op = MDB_SET_RANGE, count = 0;
	*next = 0;
	while (!rc && count < RESTAMP_PER_TXN &&
	       mdb_cursor_get(cur, &k, &v, op) == 0) {
		op = MDB_NEXT;
		count++;
		uint64_t seq = k.mv_size == 8 ? hd_key_get_u64(k.mv_data) : 0;
		*next = seq + 1;
		Hd__Envelope *e =
			hd__envelope__unpack(NULL, v.mv_size, v.mv_data);
		if (!e) {
			fprintf(stderr, "outbox event %llu does not decode\n",
				(unsigned long long)seq);
			rc = HD_E_DECODE;
			break;
		}
		if (e->incarnation != inc) {
			e->incarnation = inc;
			size_t len = hd__envelope__get_packed_size(e);
			free(buf);
			buf = malloc(len ? len : 1);
			rc = buf ? HD_OK : HD_E_NOMEM;
			if (!rc) {
				/* k points into the page the put rewrites */
				uint8_t kb[8];
				hd_key_u64(kb, seq);
				MDB_val kk = {8, kb}, nv = {len, buf};
				hd__envelope__pack(e, buf);
				rc = hd_err_from_mdb(mdb_cursor_put(
					cur, &kk, &nv, MDB_CURRENT));
				(*n)++;
			}
		}
		hd__envelope__free_unpacked(e, NULL);
	}
	if (count < RESTAMP_PER_TXN)
		*next = 0; /* reached the end */
	free(buf);
	if (cur)
		mdb_cursor_close(cur);
	if (!rc)
		return hd_err_from_mdb(mdb_txn_commit(txn));
	if (txn)
		mdb_txn_abort(txn);
	return rc == HD_E_NOTFOUND ? HD_OK : rc; /* no outbox at all */
}

int bk_restamp_outbox(MDB_env *env, uint64_t inc, uint64_t *n)
{
	uint64_t next = 0;
	int rc;
	*n = 0;
	do
		rc = restamp_some(env, inc, &next, n);
	while (!rc && next);
	return rc;
}
