/* Line diff by LCS. The table is filled from the ends so the walk from the
 * start can choose greedily; deletions come before insertions in a change,
 * as in GNU diff's unified output. */
#include "hd/diff.h"

#include "hd/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct line {
	const char *p;
	size_t n;
} line;

typedef struct lines {
	line *v;
	size_t n;
} lines;

/* One step of the edit script: ' ' keep, '-' delete a's line, '+' insert
 * b's line; ai/bi are the 0-based positions before the step. */
typedef struct op {
	char kind;
	size_t ai, bi;
} op;

static int split(const char *s, size_t len, lines *out)
{
	size_t n = 0, cap = 16;
	line *v = malloc(cap * sizeof *v);
	if (!v)
		return HD_E_NOMEM;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		if (n == HD_DIFF_MAX_LINES) {
			free(v);
			return HD_E_TOOBIG;
		}
		if (n == cap) {
			line *nv = realloc(v, 2 * cap * sizeof *v);
			if (!nv) {
				free(v);
				return HD_E_NOMEM;
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = (line){s + i, end - i};
		i = end + 1;
	}
	out->v = v;
	out->n = n;
	return HD_OK;
}

static int same(const line *x, const line *y)
{
	return x->n == y->n && memcmp(x->p, y->p, x->n) == 0;
}

/* The edit script from a to b into *ops (n_a + n_b steps at most). */
static int script(const lines *a, const lines *b, op **ops, size_t *nops)
{
	size_t w = b->n + 1;
	if ((a->n + 1) * w > HD_DIFF_MAX_CELLS)
		return HD_E_TOOBIG;
	uint32_t *L = calloc((a->n + 1) * w, sizeof *L);
	op *o = malloc((a->n + b->n + 1) * sizeof *o);
	if (!L || !o) {
		free(L);
		free(o);
		return HD_E_NOMEM;
	}
	for (size_t i = a->n; i-- > 0;)
		for (size_t j = b->n; j-- > 0;)
			L[i * w + j] = same(&a->v[i], &b->v[j])
					       ? L[(i + 1) * w + j + 1] + 1
				       : L[(i + 1) * w + j] >= L[i * w + j + 1]
					       ? L[(i + 1) * w + j]
					       : L[i * w + j + 1];
	size_t i = 0, j = 0, n = 0;
	while (i < a->n || j < b->n) {
		if (i < a->n && j < b->n && same(&a->v[i], &b->v[j]))
			o[n++] = (op){' ', i++, j++};
		else if (j == b->n ||
			 (i < a->n && L[(i + 1) * w + j] >= L[i * w + j + 1]))
			o[n++] = (op){'-', i++, j};
		else
			o[n++] = (op){'+', i, j++};
	}
	free(L);
	*ops = o;
	*nops = n;
	return HD_OK;
}

/* GNU's range: "start,count", start 1-based, or the line before when the
 * range is empty. */
static int range(hd_buf *out, char sign, size_t start, size_t count)
{
	return hd_buf_printf(out, "%c%zu,%zu", sign, count ? start + 1 : start,
			     count);
}

static int hunk(hd_buf *out, const op *o, size_t from, size_t to,
		const lines *a, const lines *b)
{
	size_t na = 0, nb = 0;
	for (size_t k = from; k < to; k++) {
		na += o[k].kind != '+';
		nb += o[k].kind != '-';
	}
	int rc = hd_buf_puts(out, "@@ ");
	rc = rc ? rc : range(out, '-', o[from].ai, na);
	rc = rc ? rc : hd_buf_puts(out, " ");
	rc = rc ? rc : range(out, '+', o[from].bi, nb);
	rc = rc ? rc : hd_buf_puts(out, " @@\n");
	for (size_t k = from; k < to && !rc; k++) {
		const line *l =
			o[k].kind == '+' ? &b->v[o[k].bi] : &a->v[o[k].ai];
		rc = hd_buf_append(out, &o[k].kind, 1);
		rc = rc ? rc : hd_buf_append(out, l->p, l->n);
		rc = rc ? rc : hd_buf_puts(out, "\n");
	}
	return rc;
}

/* Group the changes into hunks: changes closer than 2 × context unchanged
 * lines share one. */
static int print(hd_buf *out, const op *o, size_t n, unsigned ctx,
		 const lines *a, const lines *b)
{
	size_t k = 0;
	int rc = HD_OK;
	while (!rc) {
		while (k < n && o[k].kind == ' ')
			k++;
		if (k == n)
			break;
		size_t from = k > ctx ? k - ctx : 0, end = k;
		for (;;) { /* end: one past the last change of this hunk */
			while (end < n && o[end].kind != ' ')
				end++;
			size_t gap = end;
			while (gap < n && o[gap].kind == ' ')
				gap++;
			if (gap == n || gap - end > 2 * (size_t)ctx)
				break;
			end = gap;
		}
		size_t to = end + ctx < n ? end + ctx : n;
		rc = hunk(out, o, from, to, a, b);
		k = end;
	}
	return rc;
}

int hd_diff_lines(const char *a, size_t alen, const char *b, size_t blen,
		  unsigned context, hd_buf *out)
{
	lines la = {0}, lb = {0};
	op *o = NULL;
	size_t n = 0;
	int rc = split(a, alen, &la);
	if (!rc)
		rc = split(b, blen, &lb);
	if (!rc)
		rc = script(&la, &lb, &o, &n);
	if (!rc)
		rc = print(out, o, n, context, &la, &lb);
	free(o);
	free(lb.v);
	free(la.v);
	return rc;
}
