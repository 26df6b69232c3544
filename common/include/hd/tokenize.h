/* The search tokenizer every index shares (intake's ticket search, knowledge,
 * metrics keywords): text is normalized with Unicode NFKC and case folding
 * (utf8proc), then Hangul, kana and CJK ideograph runs become overlapping
 * character bigrams (a one-character run becomes that unigram) and every
 * other run of letters and digits becomes one word. Korean particles stay
 * findable that way: "배송이" yields "배송" and "송이", so "배송" matches.
 * Pure functions, no global state; thread-safe. */
#ifndef HD_TOKENIZE_H
#define HD_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

/* Input beyond this many bytes is ignored (the tail is not tokenized). */
#define HD_TOKENIZE_MAX_INPUT ((size_t)1 << 20)
/* Longer words are cut at this many bytes (on a character boundary). */
#define HD_TOKEN_MAX_BYTES 64

/* One token: tok[0..len) is normalized UTF-8 without NUL, borrowed for the
 * call only. pos counts tokens from 0 in the order emitted; bigrams of one
 * run take consecutive positions, so adjacency in the text is adjacency in
 * pos. A nonzero return stops tokenizing and is returned by hd_tokenize. */
typedef int (*hd_token_fn)(void *arg, const char *tok, size_t len,
			   uint32_t pos);

/* Tokenize s[0..len) (any bytes: invalid UTF-8 is skipped byte by byte).
 * Returns HD_OK, HD_E_NOMEM, or the first nonzero value fn returned. */
int hd_tokenize(const char *s, size_t len, hd_token_fn fn, void *arg);

/* Normalize s[0..len) as the tokenizer does (NFKC, case fold, invalid bytes
 * dropped) into a malloc'd NUL-terminated string the caller frees; NULL when
 * out of memory. For exact matching of tags and such. */
char *hd_text_fold(const char *s, size_t len);

#endif
