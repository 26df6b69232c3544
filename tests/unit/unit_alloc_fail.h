/* The failing allocator of the allocation-failure tests: the Makefile links
 * such a test with -Wl,--wrap=malloc,… (UNIT_LINK_<test>) and protobuf-c,
 * LMDB and jansson statically, so every allocation in the code under test
 * comes here. Armed with n, the n-th allocation fails (and, persisting,
 * every one after it); 0 never fails. Include in exactly one file of a
 * test binary (it defines the __wrap_ symbols). */
#ifndef UNIT_ALLOC_FAIL_H
#define UNIT_ALLOC_FAIL_H

#include <stdatomic.h>
#include <stddef.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static atomic_long fail_at;   /* 0: never fail */
static atomic_long made;      /* allocations since armed */
static atomic_int hit;        /* the fail_at-th allocation happened */
static atomic_int persisting; /* every allocation from the fail_at-th on */

static int should_fail(void)
{
	long at = atomic_load(&fail_at);
	if (!at)
		return 0;
	long n = atomic_fetch_add(&made, 1) + 1;
	if (n < at || (n > at && !atomic_load(&persisting)))
		return 0;
	atomic_store(&hit, 1);
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return should_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return should_fail() ? NULL : __real_strndup(s, n);
}

#endif
