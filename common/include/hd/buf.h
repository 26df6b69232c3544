/* Bounded growable byte buffers for untrusted input: created with a maximum,
 * an append past it fails cleanly with HD_E_TOOBIG and leaves the buffer as it
 * was. The buffer owns its memory; not thread-safe. Always NUL-terminated.
 *
 * The error is sticky, like a store transaction's (store.h): after the first
 * failed append every later append does nothing and returns that error, so a
 * writer of many pieces checks once — hd_buf_error() before the bytes are
 * used — instead of after every piece, and a page can never come out with a
 * piece missing from its middle. Reset and release clear it. */
#ifndef HD_BUF_H
#define HD_BUF_H

#include <stddef.h>

typedef struct hd_buf {
	char *data; /* NULL until the first append; then NUL-terminated */
	size_t len;
	size_t cap;
	size_t max; /* largest len allowed */
	int err;    /* sticky: the first failed append's error, else HD_OK */
} hd_buf;

/* Start empty with the given maximum length. Allocates nothing. */
void hd_buf_init(hd_buf *b, size_t max);
/* Free the memory; the buffer is empty, error-free and reusable afterwards. */
void hd_buf_release(hd_buf *b);
/* Forget the contents and the error but keep the memory. */
void hd_buf_reset(hd_buf *b);
/* HD_OK, HD_E_TOOBIG (over max), HD_E_NOMEM; once one failed, that error
 * without appending (sticky). */
int hd_buf_append(hd_buf *b, const void *p, size_t n);
int hd_buf_puts(hd_buf *b, const char *s);
/* printf-style append; same errors. */
int hd_buf_printf(hd_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The first failed append's error since init/reset/release, or HD_OK: check
 * it before using the bytes of a buffer whose appends were not checked. */
int hd_buf_error(const hd_buf *b);
/* Record rc as b's error unless one is set (HD_OK: nothing); returns b's
 * error. For a scratch buffer's failure that must spoil the result too:
 * hd_buf_fail(page, hd_buf_error(&scratch)). */
int hd_buf_fail(hd_buf *b, int rc);
/* Append src's bytes to b; src's error, if any, becomes b's instead. */
int hd_buf_append_buf(hd_buf *b, const hd_buf *src);
/* Hand the bytes to the caller (who frees them); the buffer becomes empty
 * and error-free. Check hd_buf_error first: the bytes are handed over as
 * they are. */
char *hd_buf_detach(hd_buf *b, size_t *len);

#endif
