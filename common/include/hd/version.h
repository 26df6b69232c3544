/* What this binary is: the release (the VERSION file, or `git describe`
 * when there is none), the commit and how it was built, baked in by the
 * Makefile. Constant strings; any thread. */
#ifndef HD_VERSION_H
#define HD_VERSION_H

#include "hd/buf.h"

const char *hd_version(void);        /* "0.1.0" */
const char *hd_version_commit(void); /* short hash, "+dirty" when modified */
const char *hd_version_build(void);  /* "asan, cc 12.2.0, 2026-12-06" */

/* "<prog> <version> (commit <c>; <build>)" and a newline on stdout: what
 * every binary's --version prints. */
void hd_version_print(const char *prog);

/* The hd_build_info{version,commit} gauge (always 1), for /metrics. */
int hd_version_metrics(hd_buf *out);

#endif
