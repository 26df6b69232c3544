/* The failure half of HD_ASSERT; see hd/assert.h. */
#include "hd/assert.h"

#include "hd/log.h"

#include <stdlib.h>

/* Debug builds abort: HD_DEBUG, or any sanitizer build (make MODE=asan,
 * MODE=fuzz), so the tests stop at the bug instead of past it. */
#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define HD_DEBUG 1
#endif

int hd_assert_failed(const char *cond, const char *file, int line,
		     const char *func)
{
	/* Written whatever the log level: a bug must never be silent. */
	hd_log_write(HD_LOG_ERROR, "assert.failed",
		     "cond=\"%s\" at=%s:%d func=%s", cond, file, line, func);
#ifdef HD_DEBUG
	abort();
#else
	return 0;
#endif
}
