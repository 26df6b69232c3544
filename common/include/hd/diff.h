/* Line diffs: the longest common subsequence of two texts' lines, printed
 * as a unified diff (hunks "@@ -a,b +c,d @@" with up to `context` unchanged
 * lines around each change; lines prefixed " ", "-" or "+"). Used for the
 * versions of knowledge cards. Pure functions; thread-safe. */
#ifndef HD_DIFF_H
#define HD_DIFF_H

#include "hd/buf.h"

#include <stddef.h>

/* Most lines per side, and most LCS cells (lines(a) × lines(b)), accepted:
 * beyond them the table would be too large and HD_E_TOOBIG is returned. */
#define HD_DIFF_MAX_LINES 5000
#define HD_DIFF_MAX_CELLS ((size_t)4 << 20)

/* Append the unified diff from a to b to out (nothing when they are equal).
 * A final newline does not make an extra empty line. HD_OK, HD_E_TOOBIG
 * (inputs too large, or out's maximum), HD_E_NOMEM; on failure out may hold
 * a prefix — discard it. */
int hd_diff_lines(const char *a, size_t alen, const char *b, size_t blen,
		  unsigned context, hd_buf *out);

#endif
