/* Assertions for programmer errors only (git's BUG(), nng's NNI_ASSERT): an
 * API used against its contract, an invariant the code itself keeps. Never
 * for input, I/O or peer failures — those return an HD_E_* error.
 * HD_ASSERT(cond) is an expression worth cond's truth (1 or 0). When cond
 * is false it logs event=assert.failed with the condition and file:line,
 * then aborts in debug builds (-DHD_DEBUG, and every sanitizer build: make
 * MODE=asan and MODE=fuzz, so tests catch it at once); a release build carries on, so the caller still
 * returns a failure:   if (!HD_ASSERT(!srv->open)) return HD_E_INVALID;
 * Thread-safe (one log line). */
#ifndef HD_ASSERT_H
#define HD_ASSERT_H

/* Logs, aborts under HD_DEBUG, else returns 0. Use HD_ASSERT. */
int hd_assert_failed(const char *cond, const char *file, int line,
		     const char *func);

#define HD_ASSERT(cond)                                                        \
	(__builtin_expect(!!(cond), 1)                                         \
		 ? 1                                                           \
		 : hd_assert_failed(#cond, __FILE__, __LINE__, __func__))

#endif
