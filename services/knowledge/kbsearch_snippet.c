/* kbsearch: search-result snippets. The text is cut into blank-separated
 * words; a word is a hit when its folded form (hd_text_fold, as the index
 * folds) contains a query token, which also catches Korean words with
 * particles ("배송이" for "배송"). The window starts a few words before the
 * first hit. */
#include "kbsearch_int.h"

#include "hd/err.h"
#include "hd/html.h"
#include "hd/text.h"

#include <stdlib.h>

#define MAX_TERMS  32
#define LEAD_WORDS 4
#define ELLIPSIS   "\xe2\x80\xa6" /* … */

typedef struct terms {
	char *v[MAX_TERMS];
	size_t n;
} terms;

static int collect(void *arg, const char *tok, size_t len, uint32_t pos)
{
	(void)pos;
	terms *t = arg;
	if (t->n == MAX_TERMS)
		return HD_OK;
	char *s = strndup(tok, len);
	if (!s)
		return HD_E_NOMEM;
	t->v[t->n++] = s;
	return HD_OK;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static bool word_hits(const terms *t, const char *w, size_t n)
{
	char *f = hd_text_fold(w, n);
	bool hit = false;
	for (size_t i = 0; f && !hit && i < t->n; i++)
		hit = strstr(f, t->v[i]) != NULL;
	free(f);
	return hit;
}

/* Offset of the word up to LEAD_WORDS before the first hit, leading it by
 * at most half the window (0 without hits). */
static size_t window_start(const terms *t, const char *s, size_t len,
			   size_t max_chars)
{
	size_t starts[LEAD_WORDS + 1] = {0}, nstarts = 0;
	for (size_t i = 0; i < len;) {
		while (i < len && is_blank(s[i]))
			i++;
		size_t b = i;
		while (i < len && !is_blank(s[i]))
			i++;
		if (b == i)
			break;
		memmove(starts + 1, starts, LEAD_WORDS * sizeof *starts);
		starts[0] = b;
		nstarts += nstarts <= LEAD_WORDS;
		if (!word_hits(t, s + b, i - b))
			continue;
		size_t k = nstarts - 1;
		while (k > 0 && hd_utf8_chars(s + starts[k], b - starts[k]) >
					max_chars / 2)
			k--;
		return starts[k];
	}
	return 0;
}

int kbs_snippet(hd_buf *out, const char *plain, size_t len, const char *query,
		size_t qlen, size_t max_chars)
{
	terms t = {.n = 0};
	int rc = hd_tokenize(query, qlen, collect, &t);
	size_t i = rc ? len : window_start(&t, plain, len, max_chars),
	       chars = 0;
	if (!rc && i > 0)
		rc = hd_buf_puts(out, ELLIPSIS);
	bool first = true;
	while (!rc && i < len) {
		while (i < len && is_blank(plain[i]))
			i++;
		size_t b = i;
		while (i < len && !is_blank(plain[i]))
			i++;
		if (b == i)
			break;
		size_t wchars = hd_utf8_chars(plain + b, i - b);
		if (chars && chars + wchars > max_chars) {
			rc = hd_buf_puts(out, " " ELLIPSIS);
			break;
		}
		bool hit = word_hits(&t, plain + b, i - b);
		if (!first)
			rc = hd_buf_puts(out, " ");
		if (!rc && hit)
			rc = hd_buf_puts(out, "<em>");
		if (!rc)
			rc = hd_html_escape(out, plain + b, i - b);
		if (!rc && hit)
			rc = hd_buf_puts(out, "</em>");
		chars += wchars + 1;
		first = false;
	}
	for (size_t k = 0; k < t.n; k++)
		free(t.v[k]);
	return rc;
}
