/* Unit tests for the search tokenizer (common/tokenize.c): Korean bigrams
 * that survive particles, case folding, NFKC, positions, invalid UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/tokenize.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TOKS 64

typedef struct toks {
	char text[MAX_TOKS][HD_TOKEN_MAX_BYTES + 1];
	uint32_t pos[MAX_TOKS];
	size_t n;
} toks;

static int collect(void *arg, const char *tok, size_t len, uint32_t pos)
{
	toks *t = arg;
	assert_true(len > 0 && len <= HD_TOKEN_MAX_BYTES);
	assert_null(memchr(tok, '\0', len));
	if (t->n < MAX_TOKS) {
		memcpy(t->text[t->n], tok, len);
		t->text[t->n][len] = '\0';
		t->pos[t->n++] = pos;
	}
	return HD_OK;
}

static void run(const char *s, toks *t)
{
	memset(t, 0, sizeof *t);
	assert_hd_ok(hd_tokenize(s, strlen(s), collect, t));
}

static bool has(const toks *t, const char *tok)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->text[i], tok) == 0)
			return true;
	return false;
}

/* Every token of the query appears among the document's tokens. */
static bool matches(const char *doc, const char *query)
{
	toks d, q;
	run(doc, &d);
	run(query, &q);
	if (q.n == 0)
		return false;
	for (size_t i = 0; i < q.n; i++)
		if (!has(&d, q.text[i]))
			return false;
	return true;
}

static void test_korean_particles(void **state)
{
	(void)state;
	toks t;
	run("배송이 지연되고 있습니다", &t);
	const char *want[] = {"배송", "송이", "지연", "연되",
			      "되고", "있습", "습니", "니다"};
	assert_int_equal(t.n, 8);
	for (size_t i = 0; i < t.n; i++) {
		assert_string_equal(t.text[i], want[i]);
		assert_int_equal(t.pos[i], i);
	}
	assert_true(matches("배송이 지연되고 있습니다", "배송"));
	assert_true(matches("환불은 언제 되나요?", "환불"));
	assert_true(matches("배송이 지연되고 있습니다", "지연"));
	assert_false(matches("배송이 지연되고 있습니다", "환불"));
	/* One character alone is a unigram. */
	run("책 주문", &t);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.text[0], "책");
	assert_string_equal(t.text[1], "주문");
	/* Japanese and Chinese are bigrammed the same way. */
	run("東京都", &t);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.text[1], "京都");
}

static void test_latin_words(void **state)
{
	(void)state;
	toks t;
	run("Hello, WORLD! Order #4021 isn't here.", &t);
	const char *want[] = {"hello", "world", "order", "4021",
			      "isn",   "t",     "here"};
	assert_int_equal(t.n, 7);
	for (size_t i = 0; i < t.n; i++)
		assert_string_equal(t.text[i], want[i]);
	assert_true(matches("Refund REQUEST", "refund request"));
	assert_true(matches("Straße", "STRASSE")); /* full case folding */
	assert_true(matches("Café au lait", "CAFÉ"));
	/* Mixed scripts split at the boundary. */
	run("iPhone수리 요청", &t);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.text[0], "iphone");
	assert_string_equal(t.text[1], "수리");
	assert_string_equal(t.text[2], "요청");
}

static void test_nfkc(void **state)
{
	(void)state;
	assert_true(matches("abc", "ＡＢＣ"));
	assert_true(matches("ＡＢＣ", "abc"));
	assert_true(matches("file No 12", "ｆｉｌｅ　Ｎｏ　１２"));
	/* Decomposed Hangul (jamo) composes to the same syllables. */
	assert_true(matches("\xe1\x84\x87\xe1\x85\xa2\xe1\x84\x89\xe1\x85\xa9"
			    "\xe1\x86\xbc",
			    "배송"));
	/* Half-width katakana widen. */
	assert_true(matches("ｶﾀｶﾅ", "カタカナ"));
	/* Soft hyphen and zero-width space are ignored. */
	assert_true(matches("ship\xc2\xadping", "shipping"));
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	toks t;
	const char bad[] = "ok\xff\xfe bad\xc0\xaf\xed\xa0\x80 배\xea\xb0송";
	memset(&t, 0, sizeof t);
	assert_hd_ok(hd_tokenize(bad, sizeof bad - 1, collect, &t));
	assert_true(has(&t, "ok"));
	assert_true(has(&t, "bad"));
	assert_true(has(&t, "배송"));
	/* Embedded NUL is dropped, not a terminator. */
	memset(&t, 0, sizeof t);
	assert_hd_ok(hd_tokenize("ab\0cd", 5, collect, &t));
	assert_int_equal(t.n, 1);
	assert_string_equal(t.text[0], "abcd");
	/* Nothing but garbage, and nothing at all. */
	memset(&t, 0, sizeof t);
	assert_hd_ok(hd_tokenize("\x80\x80\xff", 3, collect, &t));
	assert_hd_ok(hd_tokenize("", 0, collect, &t));
	assert_int_equal(t.n, 0);
	/* Random bytes never crash and always yield bounded tokens. */
	char buf[4096];
	srand(7);
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof buf; i++)
			buf[i] = (char)(rand() & 0xff);
		memset(&t, 0, sizeof t);
		assert_hd_ok(hd_tokenize(buf, sizeof buf, collect, &t));
	}
}

static void test_long_word_and_stop(void **state)
{
	(void)state;
	char word[300];
	memset(word, 'x', sizeof word - 1);
	word[sizeof word - 1] = '\0';
	toks t;
	run(word, &t);
	assert_int_equal(t.n, 1);
	assert_int_equal(strlen(t.text[0]), HD_TOKEN_MAX_BYTES);
	/* A long word of 2-byte characters is cut on a character boundary. */
	char acc[200] = "";
	for (int i = 0; i < 40; i++)
		strncat(acc, "é", sizeof acc - strlen(acc) - 1);
	run(acc, &t);
	assert_int_equal(t.n, 1);
	assert_int_equal(strlen(t.text[0]) % 2, 0);
	char *f = hd_text_fold("ＡＢＣ Straße", strlen("ＡＢＣ Straße"));
	assert_non_null(f);
	assert_string_equal(f, "abc strasse");
	free(f);
}

static int stop_at_two(void *arg, const char *tok, size_t len, uint32_t pos)
{
	(void)tok;
	(void)len;
	int *n = arg;
	(*n)++;
	return pos == 1 ? HD_E_TOOBIG : HD_OK;
}

static void test_callback_stops(void **state)
{
	(void)state;
	int n = 0;
	assert_hd_rc(hd_tokenize("a b c d", 7, stop_at_two, &n), HD_E_TOOBIG);
	assert_int_equal(n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_korean_particles),
		cmocka_unit_test(test_latin_words),
		cmocka_unit_test(test_nfkc),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_long_word_and_stop),
		cmocka_unit_test(test_callback_stops),
	};
	return cmocka_run_group_tests_name("tokenize", tests, NULL, NULL);
}
