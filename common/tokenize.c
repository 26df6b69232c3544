/* The search tokenizer: NFKC + case folding, CJK bigrams, Latin words. */
#include "hd/tokenize.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum { CLS_SEP, CLS_WORD, CLS_CJK };

/* Scripts written without spaces between words: Hangul (syllables and
 * jamo), kana and CJK ideographs. */
static int is_cjk(int32_t c)
{
	return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3040 && c <= 0x30FF) ||
	       (c >= 0x3130 && c <= 0x318F) || (c >= 0x31F0 && c <= 0x31FF) ||
	       (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7AF) ||
	       (c >= 0xD7B0 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0x20000 && c <= 0x3FFFF);
}

static int classify(int32_t c)
{
	if (is_cjk(c))
		return CLS_CJK;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return CLS_WORD;
	default:
		return CLS_SEP;
	}
}

/* Copy the well-formed code points of s (no NUL) into a new buffer. */
static char *clean_utf8(const char *s, size_t len, size_t *out_len)
{
	if (len > HD_TOKENIZE_MAX_INPUT)
		len = HD_TOKENIZE_MAX_INPUT;
	char *out = malloc(len + 1);
	size_t n = 0, i = 0;
	if (!out)
		return NULL;
	while (i < len) {
		int32_t c;
		utf8proc_ssize_t k =
			utf8proc_iterate((const utf8proc_uint8_t *)s + i,
					 (utf8proc_ssize_t)(len - i), &c);
		if (k <= 0 || c == 0) {
			i++; /* a bad byte: skip it and resynchronize */
			continue;
		}
		memcpy(out + n, s + i, (size_t)k);
		n += (size_t)k;
		i += (size_t)k;
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

char *hd_text_fold(const char *s, size_t len)
{
	size_t n;
	char *clean = clean_utf8(s, len, &n);
	if (!clean)
		return NULL;
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t r = utf8proc_map(
		(const utf8proc_uint8_t *)clean, (utf8proc_ssize_t)n, &dst,
		UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
			UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	free(clean);
	if (r < 0) {
		free(dst);
		return NULL;
	}
	return (char *)dst;
}

typedef struct tok_state {
	hd_token_fn fn;
	void *arg;
	uint32_t pos;
} tok_state;

static int emit(tok_state *st, const char *p, size_t len)
{
	return st->fn(st->arg, p, len, st->pos++);
}

/* A word run [start, end): cut at HD_TOKEN_MAX_BYTES on a boundary. */
static int emit_word(tok_state *st, const char *text, size_t start, size_t end)
{
	size_t n = end - start;
	if (n > HD_TOKEN_MAX_BYTES) {
		n = HD_TOKEN_MAX_BYTES;
		while (n > 0 && ((unsigned char)text[start + n] & 0xC0) == 0x80)
			n--;
	}
	return n ? emit(st, text + start, n) : HD_OK;
}

/* Walk the normalized text once; a CJK run emits the bigram ending at each
 * character after its first, or its single character at its end. */
static int walk(tok_state *st, const char *text, size_t len)
{
	size_t i = 0, run = 0, prev = 0;
	int cls = CLS_SEP, rc = HD_OK;
	unsigned chars = 0; /* characters so far in the current CJK run */
	while (rc == HD_OK) {
		int32_t c = 0;
		utf8proc_ssize_t k = 1;
		int now = CLS_SEP;
		if (i < len) {
			k = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
					     (utf8proc_ssize_t)(len - i), &c);
			if (k <= 0)
				k = 1;
			else
				now = classify(c);
		}
		if (now != cls) { /* the previous run ends at i */
			if (cls == CLS_WORD)
				rc = emit_word(st, text, run, i);
			else if (cls == CLS_CJK && chars == 1)
				rc = emit(st, text + run, i - run);
			run = i;
			chars = 0;
			cls = now;
		}
		if (rc == HD_OK && now == CLS_CJK && chars++ > 0)
			rc = emit(st, text + prev, i + (size_t)k - prev);
		prev = i;
		if (i >= len)
			break;
		i += (size_t)k;
	}
	return rc;
}

int hd_tokenize(const char *s, size_t len, hd_token_fn fn, void *arg)
{
	char *text = hd_text_fold(s, len);
	if (!text)
		return HD_E_NOMEM;
	tok_state st = {.fn = fn, .arg = arg, .pos = 0};
	int rc = walk(&st, text, strlen(text));
	free(text);
	return rc;
}
