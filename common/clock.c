/* Business clock with an optional test offset read from a file. The file is
 * re-read only when stat() says it changed (inode, size or mtime), so the
 * cost with a clock file is one stat() per call and without one nothing. */
#include "hd/clock.h"
#include "hd/err.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static pthread_mutex_t clock_lock = PTHREAD_MUTEX_INITIALIZER;
static char *clock_path;
static struct stat clock_seen;
static _Atomic int64_t clock_offset;
static atomic_bool clock_on;

int64_t hd_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Caller holds clock_lock. A missing or unreadable file means offset 0. */
static void reload(void)
{
	struct stat st;
	if (stat(clock_path, &st) != 0) {
		memset(&clock_seen, 0, sizeof clock_seen);
		atomic_store(&clock_offset, 0);
		return;
	}
	if (same_file(&st, &clock_seen))
		return;
	clock_seen = st;
	FILE *f = fopen(clock_path, "r");
	long long v = 0;
	if (!f || fscanf(f, "%lld", &v) != 1)
		v = 0;
	if (f)
		fclose(f);
	atomic_store(&clock_offset, (int64_t)v);
}

int64_t hd_clock_offset_ms(void)
{
	if (!atomic_load(&clock_on))
		return 0;
	pthread_mutex_lock(&clock_lock);
	reload();
	pthread_mutex_unlock(&clock_lock);
	return atomic_load(&clock_offset);
}

int64_t hd_now_ms(void)
{
	return hd_wall_ms() + hd_clock_offset_ms();
}

void hd_clock_use_file(const char *path)
{
	pthread_mutex_lock(&clock_lock);
	free(clock_path);
	clock_path = path && *path ? strdup(path) : NULL;
	memset(&clock_seen, 0, sizeof clock_seen);
	atomic_store(&clock_offset, 0);
	atomic_store(&clock_on, clock_path != NULL);
	if (clock_path)
		reload();
	pthread_mutex_unlock(&clock_lock);
}

int hd_clock_write_offset(const char *path, int64_t offset_ms)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return HD_E_IO;
	FILE *f = fopen(tmp, "w");
	if (!f)
		return HD_E_IO;
	int ok = fprintf(f, "%" PRId64 "\n", offset_ms) > 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		remove(tmp);
		return HD_E_IO;
	}
	return HD_OK;
}
