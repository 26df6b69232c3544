/* Unit tests for survey link tokens (common/csat_link.c): a made token
 * checks; any change to ticket, requester, expiry, nonce or MAC is forged;
 * past its expiry it is expired; odd shapes are malformed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/cluster_key.h"
#include "hd/csat_link.h"
#include "hd/err.h"
#include "unit.h"

static int set_key(void **state)
{
	(void)state;
	uint8_t key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(i * 7 + 1);
	hd_cluster_key_set(key);
	return 0;
}

static void make(hd_csat_link *l, char tok[HD_CSAT_LINK_MAX])
{
	l->ticket_id = 4097;
	l->requester_id = 33;
	l->expires = 2000000000;
	assert_hd_ok(hd_csat_link_make(l, tok));
}

static void test_made_token_checks(void **state)
{
	(void)state;
	hd_csat_link l = {0}, got;
	char tok[HD_CSAT_LINK_MAX];
	make(&l, tok);
	assert_int_equal(hd_csat_link_check(tok, 1900000000, &got),
			 HD_CSAT_LINK_OK);
	assert_int_equal(got.ticket_id, 4097);
	assert_int_equal(got.requester_id, 33);
	assert_string_equal(got.nonce, l.nonce);
	assert_int_equal(hd_csat_link_ticket(tok), 4097);
	char again[HD_CSAT_LINK_MAX];
	make(&l, again);
	assert_string_not_equal(tok, again); /* a fresh nonce each time */
}

static void test_changed_token_is_forged(void **state)
{
	(void)state;
	hd_csat_link l = {0}, got;
	char tok[HD_CSAT_LINK_MAX], bad[HD_CSAT_LINK_MAX + 8];
	make(&l, tok);
	/* another ticket, another requester, a later expiry */
	const char *swaps[][2] = {{"4097-", "4098-"},
				  {"-33-", "-34-"},
				  {"-2000000000-", "-2000000001-"}};
	for (size_t i = 0; i < 3; i++) {
		const char *at = strstr(tok, swaps[i][0]);
		assert_non_null(at);
		snprintf(bad, sizeof bad, "%.*s%s%s", (int)(at - tok), tok,
			 swaps[i][1], at + strlen(swaps[i][0]));
		assert_int_equal(hd_csat_link_check(bad, 0, &got),
				 HD_CSAT_LINK_FORGED);
	}
	/* one flipped digit of the nonce and of the MAC */
	size_t n = strlen(tok);
	for (size_t pos = n - 40; pos < n; pos += 36) {
		memcpy(bad, tok, n + 1);
		bad[pos] = bad[pos] == '0' ? '1' : '0';
		assert_int_equal(hd_csat_link_check(bad, 0, &got),
				 HD_CSAT_LINK_FORGED);
	}
}

static void test_expired(void **state)
{
	(void)state;
	hd_csat_link l = {0}, got;
	char tok[HD_CSAT_LINK_MAX];
	make(&l, tok);
	assert_int_equal(hd_csat_link_check(tok, 2000000000, &got),
			 HD_CSAT_LINK_OK);
	assert_int_equal(hd_csat_link_check(tok, 2000000001, &got),
			 HD_CSAT_LINK_EXPIRED);
}

static void test_malformed(void **state)
{
	(void)state;
	hd_csat_link got;
	const char *bad[] = {
		"",
		"abc",
		"1-2-3-4-5",
		"0-2-3-0123456789abcdef0123456789abcdef-"
		"0123456789abcdef0123456789abcdef",
		"1-2-3-0123456789abcdef0123456789abcdeg-"
		"0123456789abcdef0123456789abcdef",
		"1-2-3-0123456789abcdef0123456789abcdef-"
		"0123456789abcdef0123456789abcdef-",
		"1-2-x-0123456789abcdef0123456789abcdef-"
		"0123456789abcdef0123456789abcdef",
		"1-2-3-0123456789ABCDEF0123456789abcdef-"
		"0123456789abcdef0123456789abcdef",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(hd_csat_link_check(bad[i], 0, &got),
				 HD_CSAT_LINK_MALFORMED);
		assert_int_equal(hd_csat_link_ticket(bad[i]), 0);
	}
	assert_int_equal(hd_csat_link_check(NULL, 0, &got),
			 HD_CSAT_LINK_MALFORMED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_made_token_checks),
		cmocka_unit_test(test_changed_token_is_forged),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, set_key, NULL);
}
