/* hd-restore: write stores back from an hd-backup directory, each with a
 * new incarnation, so consumers that followed the old store notice instead
 * of silently skipping reused sequences; and --resync, the operator's
 * decision to make consumers follow a restored source (docs/operations.md,
 * "re-sync after a restore").
 *
 * The services of the stores it writes must be stopped (their
 * instance.lock is checked). Restoring several stores of one backup set
 * also moves the restored consumers' cursors onto their restored sources'
 * new incarnations: the set was copied consumers first, so it converges. */
#include "args.h"
#include "stores.h"

#include "hd/bus.h"
#include "hd/err.h"
#include "hd/store.h"
#include "hd/store_meta.h"
#include "hd/version.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"usage: hd-restore --from BACKUP --data DIR [--store NAME]...\n"
	"       hd-restore --resync SOURCE --data DIR [--store NAME]...\n"
	"  --from BACKUP   an hd-backup directory; every store in it unless\n"
	"                  --store names some (e.g. intake-0)\n"
	"  --data DIR      the suite's HD_DATA (default $HD_DATA, else ./var)\n"
	"  --resync SOURCE make the consumers under DIR (or the --store ones)\n"
	"                  follow SOURCE (e.g. intake-0) as it is now, from\n"
	"                  the point it was restored to\n"
	"  --version       print the version and exit\n"
	"Stop the services whose stores are written first. See\n"
	"docs/operations.md.\n";

typedef struct opts {
	const char *from, *data, *resync;
	char *stores[BK_MAX_STORES];
	size_t nstores;
} opts;

typedef struct restored {
	char name[BK_NAME_MAX];
	uint64_t old_inc, new_inc;
} restored;

static int parse(int argc, char **argv, opts *o)
{
	o->data = bk_data_default();
	const bk_flag flags[] = {
		{"--from", &o->from},
		{"--data", &o->data},
		{"--resync", &o->resync},
		{NULL, NULL},
	};
	int rc = bk_parse_args(argc, argv, "hd-restore", usage, flags,
			       o->stores, BK_MAX_STORES, &o->nstores);
	if (rc)
		return rc;
	if (!o->from == !o->resync) {
		fprintf(stderr, "hd-restore: give --from or --resync\n%s",
			usage);
		return 2;
	}
	return 0;
}

/* The store's service is stopped, and stays stopped until we exit. */
static int stopped(const char *store_dir, const char *name)
{
	int held = bk_hold(store_dir);
	if (held == 0)
		return HD_OK;
	if (held < 0) {
		fprintf(stderr, "hd-restore: cannot lock %s's store (%s)\n",
			name, store_dir);
		return HD_E_IO;
	}
	fprintf(stderr,
		"hd-restore: %s is running (its instance.lock is held); stop "
		"it first\n",
		name);
	return HD_E_CONFLICT;
}

/* Copy file src to dst through dst.tmp, fsync, rename: a crash leaves the
 * old store or the new one, never half of one. */
static int copy_file(const char *src, const char *dst)
{
	char tmp[4300];
	int tn = snprintf(tmp, sizeof tmp, "%s.tmp", dst);
	if (tn < 0 || (size_t)tn >= sizeof tmp)
		return HD_E_TOOBIG;
	int in = open(src, O_RDONLY | O_CLOEXEC);
	int out = in < 0 ? -1
			 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				0600);
	int rc = in < 0 || out < 0 ? HD_E_IO : HD_OK;
	char buf[1 << 16];
	for (ssize_t n; rc == HD_OK && (n = read(in, buf, sizeof buf)) != 0;)
		if (n < 0 || write(out, buf, (size_t)n) != n)
			rc = HD_E_IO;
	if (rc == HD_OK && fsync(out) != 0)
		rc = HD_E_IO;
	if (out >= 0 && close(out) != 0)
		rc = HD_E_IO;
	if (in >= 0)
		close(in);
	if (rc == HD_OK && rename(tmp, dst) != 0)
		rc = HD_E_IO;
	if (rc) {
		fprintf(stderr, "hd-restore: copying %s to %s: %s\n", src, dst,
			strerror(errno));
		unlink(tmp);
	}
	return rc;
}

/* The identity written into the restored store: a new incarnation and the
 * outbox head it was restored to. */
static int reincarnate(const char *dir, const char *name, restored *r)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	bk_meta m;
	int rc = bk_env_open(&env, dir, 0);
	if (!rc)
		rc = hd_err_from_mdb(mdb_txn_begin(env, NULL, 0, &txn));
	if (!rc)
		rc = bk_meta_read(txn, &m);
	if (!rc && m.version > HD_STORE_SCHEMA_VERSION) {
		fprintf(stderr,
			"hd-restore: %s has schema version %llu; this "
			"hd-restore knows up to %d: use the release that made "
			"the backup\n",
			name, (unsigned long long)m.version,
			HD_STORE_SCHEMA_VERSION);
		rc = HD_E_INVALID;
	}
	if (!rc)
		rc = hd_store_meta_reincarnate(txn, m.head, &r->new_inc);
	if (!rc) {
		rc = hd_err_from_mdb(mdb_txn_commit(txn));
		txn = NULL;
	}
	if (txn)
		mdb_txn_abort(txn);
	uint64_t stamped = 0;
	if (!rc)
		rc = bk_restamp_outbox(env, r->new_inc, &stamped);
	mdb_env_close(env);
	r->old_inc = m.incarnation;
	if (!rc)
		printf("hd-restore: %s restored: incarnation %016llx (was "
		       "%016llx), outbox head %llu, %llu events restamped\n",
		       name, (unsigned long long)r->new_inc,
		       (unsigned long long)r->old_inc,
		       (unsigned long long)m.head, (unsigned long long)stamped);
	else
		fprintf(stderr,
			"hd-restore: %s is only half restored (%s): run "
			"hd-restore again before starting it\n",
			name, hd_strerror(rc));
	return rc;
}

static int restore_one(const opts *o, const char *name, restored *r)
{
	char from[4096], to[4096], src[4200], dst[4200], lock[4200];
	int rc = bk_path(from, sizeof from, o->from, name);
	if (!rc)
		rc = bk_path(to, sizeof to, o->data, name);
	if (!rc)
		rc = bk_path(src, sizeof src, from, "data.mdb");
	if (!rc)
		rc = bk_path(dst, sizeof dst, to, "data.mdb");
	if (!rc)
		rc = bk_path(lock, sizeof lock, to, "lock.mdb");
	if (!rc)
		rc = copy_file(src, dst);
	/* The reader table belongs to the replaced file. */
	if (!rc && unlink(lock) != 0 && errno != ENOENT)
		rc = HD_E_IO;
	snprintf(r->name, sizeof r->name, "%s", name);
	return rc ? rc : reincarnate(to, name, r);
}

/* "<service>-<shard>" → the cursor key "<service>/<shard>". */
static void cursor_key(const char *store, char *out, size_t cap)
{
	snprintf(out, cap, "%s", store);
	char *dash = strrchr(out, '-');
	if (dash)
		*dash = '/';
}

typedef struct move {
	const char *key;
	uint64_t from_inc; /* only cursors on this incarnation (0 = any) */
	uint64_t to_inc;
	uint64_t max_seq; /* clamp (UINT64_MAX = keep) */
	int clear_reason;
} move;

/* Rewrite one consumer store's cursor per mv. 1 when it changed. */
static int move_cursor(MDB_txn *txn, MDB_dbi dbi, const move *mv,
		       hd_bus_cursor *was, hd_bus_cursor *now)
{
	MDB_val k = {strlen(mv->key), (void *)mv->key}, v;
	if (mdb_get(txn, dbi, &k, &v) != 0 ||
	    hd_bus_cursor_decode(v.mv_data, v.mv_size, was) != HD_OK)
		return 0;
	if (mv->from_inc && was->incarnation != mv->from_inc)
		return 0;
	*now = *was;
	now->incarnation = mv->to_inc;
	if (now->seq > mv->max_seq)
		now->seq = mv->max_seq;
	if (mv->clear_reason)
		now->reason = HD_BUS_OK;
	uint8_t b[17];
	MDB_val nv = {hd_bus_cursor_encode(now, b), b};
	return mdb_put(txn, dbi, &k, &nv, 0) == 0 ? 1 : -1;
}

static int move_cursors(const char *dir, const char *name, const move *mv)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	hd_bus_cursor was, now;
	int rc = bk_env_open(&env, dir, 0), moved = 0;
	if (!rc)
		rc = hd_err_from_mdb(mdb_txn_begin(env, NULL, 0, &txn));
	if (!rc && mdb_dbi_open(txn, "__cursors", 0, &dbi) == 0)
		moved = move_cursor(txn, dbi, mv, &was, &now);
	if (moved < 0)
		rc = HD_E_IO;
	if (!rc && moved > 0) {
		rc = hd_err_from_mdb(mdb_txn_commit(txn));
		txn = NULL;
	}
	if (txn)
		mdb_txn_abort(txn);
	mdb_env_close(env);
	if (!rc && moved > 0)
		printf("hd-restore: %s follows %s: seq %llu -> %llu, "
		       "incarnation %016llx -> %016llx%s\n",
		       name, mv->key, (unsigned long long)was.seq,
		       (unsigned long long)now.seq,
		       (unsigned long long)was.incarnation,
		       (unsigned long long)now.incarnation,
		       was.reason ? " (was stopped: resumed)" : "");
	return rc;
}

/* Restored consumers follow their restored sources' new incarnations. */
static int relink(const opts *o, const restored *r, size_t n)
{
	int rc = HD_OK;
	for (size_t c = 0; c < n && rc == HD_OK; c++)
		for (size_t s = 0; s < n && rc == HD_OK; s++) {
			char key[BK_NAME_MAX], dir[4096];
			if (s == c || !r[s].old_inc)
				continue;
			cursor_key(r[s].name, key, sizeof key);
			move mv = {key, r[s].old_inc, r[s].new_inc, UINT64_MAX,
				   0};
			rc = bk_path(dir, sizeof dir, o->data, r[c].name);
			if (!rc)
				rc = move_cursors(dir, r[c].name, &mv);
		}
	return rc;
}

static int restore(const opts *o)
{
	bk_list l;
	static restored r[BK_MAX_STORES];
	int rc = bk_list_stores(o->from, &l);
	if (!rc && o->nstores)
		rc = bk_list_filter(&l, o->stores, o->nstores);
	for (size_t i = 0; i < l.n && rc == HD_OK; i++) {
		char to[4096];
		rc = bk_path(to, sizeof to, o->data, l.names[i]);
		if (!rc) /* every one before writing any */
			rc = stopped(to, l.names[i]);
	}
	for (size_t i = 0; i < l.n && rc == HD_OK; i++)
		rc = restore_one(o, l.names[i], &r[i]);
	if (!rc && l.n > 1)
		rc = relink(o, r, l.n);
	return rc;
}

/* --resync: consumers take the restored source as it is, from the point it
 * was restored to (or where they were, if that is earlier). */
static int resync(const opts *o)
{
	char src[4096], key[BK_NAME_MAX];
	bk_meta m = {0};
	int rc = bk_path(src, sizeof src, o->data, o->resync);
	if (!rc)
		rc = bk_meta_of(src, &m);
	if (!rc && !m.incarnation) {
		fprintf(stderr,
			"hd-restore: %s has no incarnation yet: start its "
			"service once first\n",
			o->resync);
		rc = HD_E_INVALID;
	}
	bk_list l;
	if (!rc)
		rc = bk_list_stores(o->data, &l);
	if (!rc && o->nstores)
		rc = bk_list_filter(&l, o->stores, o->nstores);
	cursor_key(o->resync, key, sizeof key);
	uint64_t point = m.restored_seq ? m.restored_seq : m.head;
	move mv = {key, 0, m.incarnation, point, 1};
	for (size_t i = 0; i < l.n && rc == HD_OK; i++) {
		char dir[4096];
		if (strcmp(l.names[i], o->resync) == 0)
			continue;
		rc = bk_path(dir, sizeof dir, o->data, l.names[i]);
		if (!rc)
			rc = stopped(dir, l.names[i]);
		if (!rc)
			rc = move_cursors(dir, l.names[i], &mv);
	}
	return rc;
}

int main(int argc, char **argv)
{
	opts o = {0};
	int prc = parse(argc, argv, &o);
	if (prc)
		return prc == 1 ? 0 : 2;
	int rc = o.from ? restore(&o) : resync(&o);
	if (rc)
		fprintf(stderr, "hd-restore: failed: %s\n", hd_strerror(rc));
	return rc ? 1 : 0;
}
