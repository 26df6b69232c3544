/* Bounded growable byte buffers for untrusted input: created with a maximum,
 * an append past it fails cleanly with HD_E_TOOBIG and leaves the buffer as it
 * was. The buffer owns its memory; not thread-safe. Always NUL-terminated. */
#ifndef HD_BUF_H
#define HD_BUF_H

#include <stddef.h>

typedef struct hd_buf {
	char *data; /* NULL until the first append; then NUL-terminated */
	size_t len;
	size_t cap;
	size_t max; /* largest len allowed */
} hd_buf;

/* Start empty with the given maximum length. Allocates nothing. */
void hd_buf_init(hd_buf *b, size_t max);
/* Free the memory; the buffer is empty and reusable afterwards. */
void hd_buf_release(hd_buf *b);
/* Forget the contents but keep the memory. */
void hd_buf_reset(hd_buf *b);
/* HD_OK, HD_E_TOOBIG (over max), HD_E_NOMEM. */
int hd_buf_append(hd_buf *b, const void *p, size_t n);
int hd_buf_puts(hd_buf *b, const char *s);
/* printf-style append; same errors. */
int hd_buf_printf(hd_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hand the bytes to the caller (who frees them); the buffer becomes empty. */
char *hd_buf_detach(hd_buf *b, size_t *len);

#endif
