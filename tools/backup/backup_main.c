/* hd-backup: hot, consistent copies of a suite's stores while it runs.
 *
 * Each store is copied with mdb_env_copy2(MDB_CP_COMPACT) from one read
 * transaction: a consistent snapshot that never blocks the service's
 * writer. Stores are copied consumers first, sources last, so every
 * consumer's cursor in the set is at or behind its source's copy; hd-restore
 * of the whole set then gives a suite that converges. A MANIFEST lists each
 * store's incarnation, schema version and outbox head. */
#include "args.h"
#include "stores.h"

#include "hd/err.h"
#include "hd/store_meta.h"
#include "hd/version.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage[] =
	"usage: hd-backup --data DIR --out BACKUP [--store NAME]...\n"
	"  --data DIR    the suite's HD_DATA (default $HD_DATA, else ./var)\n"
	"  --out BACKUP  a new or empty directory for the copies\n"
	"  --store NAME  copy only this store (e.g. intake-0); repeatable;\n"
	"                default: every store under DIR\n"
	"  --version     print the version and exit\n"
	"Safe while the suite runs. Restore with hd-restore; see\n"
	"docs/operations.md.\n";

typedef struct opts {
	const char *data, *out;
	char *stores[BK_MAX_STORES];
	size_t nstores;
} opts;

/* 0 to go on, 1 to exit 0 (help, version), 2 on a usage error. */
static int parse(int argc, char **argv, opts *o)
{
	o->data = bk_data_default();
	const bk_flag flags[] = {
		{"--data", &o->data},
		{"--out", &o->out},
		{NULL, NULL},
	};
	int rc = bk_parse_args(argc, argv, "hd-backup", usage, flags, o->stores,
			       BK_MAX_STORES, &o->nstores);
	if (rc)
		return rc;
	if (!o->out) {
		fprintf(stderr, "hd-backup: --out is required\n%s", usage);
		return 2;
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Copy one store, then read the identity back from the copy (what the
 * manifest describes is what was written). */
static int copy_store(const opts *o, const char *name, FILE *manifest)
{
	char src[4096], dst[4096];
	MDB_env *env = NULL;
	bk_meta m;
	int64_t t0 = now_ms();
	int rc = bk_path(src, sizeof src, o->data, name);
	if (!rc)
		rc = bk_path(dst, sizeof dst, o->out, name);
	if (!rc && mkdir(dst, 0700) != 0) {
		fprintf(stderr, "hd-backup: cannot create %s: %s\n", dst,
			strerror(errno));
		rc = HD_E_IO;
	}
	if (!rc)
		rc = bk_env_open(&env, src, MDB_RDONLY);
	if (!rc)
		rc = hd_err_from_mdb(mdb_env_copy2(env, dst, MDB_CP_COMPACT));
	mdb_env_close(env);
	if (!rc)
		rc = bk_meta_of(dst, &m);
	if (rc) {
		fprintf(stderr, "hd-backup: %s: %s\n", name, hd_strerror(rc));
		return rc;
	}
	fprintf(manifest,
		"%s incarnation=%016llx schema_version=%llu "
		"outbox_head=%llu\n",
		name, (unsigned long long)m.incarnation,
		(unsigned long long)m.version, (unsigned long long)m.head);
	printf("hd-backup: %s -> %s (incarnation %016llx, schema %llu, "
	       "outbox head %llu) in %lld ms\n",
	       name, dst, (unsigned long long)m.incarnation,
	       (unsigned long long)m.version, (unsigned long long)m.head,
	       (long long)(now_ms() - t0));
	return HD_OK;
}

int main(int argc, char **argv)
{
	opts o = {0};
	int prc = parse(argc, argv, &o);
	if (prc)
		return prc == 1 ? 0 : 2;
	bk_list l;
	int rc = bk_list_stores(o.data, &l);
	if (!rc && o.nstores)
		rc = bk_list_filter(&l, o.stores, o.nstores);
	if (!rc && l.n == 0) {
		fprintf(stderr, "hd-backup: no stores under %s\n", o.data);
		rc = HD_E_NOTFOUND;
	}
	if (rc)
		return 1;
	if (mkdir(o.out, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "hd-backup: cannot create %s: %s\n", o.out,
			strerror(errno));
		return 1;
	}
	char mpath[4096];
	FILE *manifest = NULL;
	if (bk_path(mpath, sizeof mpath, o.out, "MANIFEST") == HD_OK)
		manifest = fopen(mpath, "wx");
	if (!manifest) {
		fprintf(stderr,
			"hd-backup: %s already holds a backup (or cannot be "
			"written): choose a new directory\n",
			o.out);
		return 1;
	}
	fprintf(manifest, "# hd-backup %s, schema %d\n", hd_version(),
		HD_STORE_SCHEMA_VERSION);
	for (size_t i = 0; i < l.n && rc == HD_OK; i++)
		rc = copy_store(&o, l.names[i], manifest);
	if (fclose(manifest) != 0 && rc == HD_OK)
		rc = HD_E_IO;
	return rc ? 1 : 0;
}
