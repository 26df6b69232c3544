/* Helpers every unit test shares: scratch directories under /tmp (Knot's
 * habit), socket URLs inside them, and polling with a deadline instead of
 * fixed sleeps. Header-only so each test binary stays one file plus this. */
#ifndef HD_UNIT_H
#define HD_UNIT_H

#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hd/log.h"

/* Fail the test with hd_strerror(rc) when rc is not HD_OK. */
#define assert_hd_ok(expr)                                                     \
	do {                                                                   \
		int rc_ = (expr);                                              \
		if (rc_ != 0)                                                  \
			fail_msg("%s: %s (%s)", #expr, hd_strerror(rc_),       \
				 hd_errname(rc_));                             \
	} while (0)

/* Fail unless expr returns the error want. */
#define assert_hd_rc(expr, want)                                               \
	do {                                                                   \
		int rc_ = (expr), want_ = (want);                              \
		if (rc_ != want_)                                              \
			fail_msg("%s: got %s (%s), want %s (%s)", #expr,       \
				 hd_errname(rc_), hd_strerror(rc_),            \
				 hd_errname(want_), hd_strerror(want_));       \
	} while (0)

/* Log nothing below fatal: the failures a test provokes are expected. */
static inline void unit_log_quiet(void)
{
	hd_log_init("unit", "error");
	hd_log_min_level = HD_LOG_ERROR + 1;
}

/* Seed rand() from the clock and print the seed, so that a failing run
 * can be repeated by seeding it by hand. */
static inline void unit_srand(void)
{
	unsigned seed = (unsigned)time(NULL);
	printf("seed=%u\n", seed);
	srand(seed);
}

static inline int64_t unit_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void unit_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Poll cond(arg) every 20 ms until it holds or timeout_ms passes. */
static inline bool unit_wait(bool (*cond)(void *), void *arg, long timeout_ms)
{
	int64_t until = unit_now_ms() + timeout_ms;
	for (;;) {
		if (cond(arg))
			return true;
		if (unit_now_ms() >= until)
			return false;
		unit_sleep_ms(20);
	}
}

/* Run fn(arg) in a forked child and tell whether it ended in abort() (an
 * HD_ASSERT of a debug build); the child's log goes to /dev/null. */
static inline bool unit_aborts(void (*fn)(void *), void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(2);
		fn(arg);
		_exit(0);
	}
	int st = 0;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
	       WTERMSIG(st) == SIGABRT;
}

/* A fresh scratch directory; dir must hold at least 64 bytes. */
static inline void unit_mkdtemp(char *dir, size_t cap)
{
	snprintf(dir, cap, "/tmp/hd-unit-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
}

static int unit_rm_one(const char *path, const struct stat *st, int flag,
		       struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static inline void unit_rmtree(const char *dir)
{
	if (dir[0])
		nftw(dir, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* "ipc://<dir>/<name>.ipc" */
static inline void unit_ipc_url(char *out, size_t cap, const char *dir,
				const char *name)
{
	snprintf(out, cap, "ipc://%s/%s.ipc", dir, name);
}

#endif
