/* Bounded buffers; see hd/buf.h. */
#include "hd/buf.h"

#include "hd/assert.h"
#include "hd/err.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hd_buf_init(hd_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->err = HD_OK;
}

void hd_buf_release(hd_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->err = HD_OK;
}

void hd_buf_reset(hd_buf *b)
{
	b->len = 0;
	b->err = HD_OK;
	if (b->data)
		b->data[0] = '\0';
}

static int fail(hd_buf *b, int rc)
{
	b->err = rc;
	return rc;
}

static int reserve(hd_buf *b, size_t extra)
{
	if (b->err)
		return b->err;
	if (extra > b->max || b->len > b->max - extra)
		return fail(b, HD_E_TOOBIG);
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return HD_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return fail(b, HD_E_NOMEM);
	b->data = p;
	b->cap = cap;
	return HD_OK;
}

int hd_buf_error(const hd_buf *b)
{
	return b->err;
}

int hd_buf_fail(hd_buf *b, int rc)
{
	if (!b->err)
		b->err = rc;
	return b->err;
}

int hd_buf_append_buf(hd_buf *b, const hd_buf *src)
{
	if (src->err)
		return hd_buf_fail(b, src->err);
	return hd_buf_append(b, src->data, src->len);
}

int hd_buf_append(hd_buf *b, const void *p, size_t n)
{
	if (!HD_ASSERT(p || !n))
		return hd_buf_fail(b, HD_E_INVALID);
	int rc = reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return HD_OK;
}

int hd_buf_puts(hd_buf *b, const char *s)
{
	return hd_buf_append(b, s, strlen(s));
}

int hd_buf_printf(hd_buf *b, const char *fmt, ...)
{
	va_list ap;
	if (b->err)
		return b->err;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return fail(b, HD_E_INVALID);
	int rc = reserve(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return HD_OK;
}

char *hd_buf_detach(hd_buf *b, size_t *len)
{
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	b->err = HD_OK;
	return p;
}
