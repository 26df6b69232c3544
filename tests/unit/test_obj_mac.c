/* Unit tests for the object MACs (common/obj_mac.c): refused without a key,
 * stable for one key and purpose, different for another purpose, message or
 * key, and checked exactly (a changed digit, a prefix, other text). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/obj_mac.h"
#include "unit.h"

#include <string.h>

static const char MSG[] = "hd.t.256.a1B2";

static void mac(const char *ctx, const char *msg, char out[25])
{
	assert_int_equal(hd_obj_mac_hex(ctx, msg, strlen(msg), 12, out, 25),
			 HD_OK);
	assert_int_equal(strlen(out), 24);
}

static void test_needs_a_key_and_sane_sizes(void **state)
{
	(void)state;
	char out[65];
	/* no key loaded yet in this process */
	assert_int_equal(hd_obj_mac_hex(HD_MAIL_MID_MAC, MSG, strlen(MSG), 12,
					out, sizeof out),
			 HD_E_INVALID);
	assert_false(hd_obj_mac_ok(HD_MAIL_MID_MAC, MSG, strlen(MSG), 12,
				   "000000000000000000000000"));
	uint8_t key[HD_CLUSTER_KEY_BYTES] = {1, 2, 3};
	hd_cluster_key_set(key);
	assert_int_equal(hd_obj_mac_hex(HD_MAIL_MID_MAC, MSG, 3, 7, out, 65),
			 HD_E_INVALID);
	assert_int_equal(hd_obj_mac_hex(HD_MAIL_MID_MAC, MSG, 3, 33, out, 65),
			 HD_E_INVALID);
	assert_int_equal(hd_obj_mac_hex(HD_MAIL_MID_MAC, MSG, 3, 12, out, 24),
			 HD_E_INVALID);
	assert_int_equal(hd_obj_mac_hex("short", MSG, 3, 12, out, 65),
			 HD_E_INVALID);
}

static void test_binds_key_purpose_and_message(void **state)
{
	(void)state;
	uint8_t key[HD_CLUSTER_KEY_BYTES] = {1, 2, 3};
	char a[25], b[25];
	hd_cluster_key_set(key);
	mac(HD_MAIL_MID_MAC, MSG, a);
	mac(HD_MAIL_MID_MAC, MSG, b);
	assert_string_equal(a, b);
	assert_true(hd_obj_mac_ok(HD_MAIL_MID_MAC, MSG, strlen(MSG), 12, a));
	mac(HD_ATT_URL_MAC, MSG, b);
	assert_string_not_equal(a, b);
	mac(HD_MAIL_MID_MAC, "hd.t.257.a1B2", b);
	assert_string_not_equal(a, b);
	key[0] = 9;
	hd_cluster_key_set(key);
	mac(HD_MAIL_MID_MAC, MSG, b);
	assert_string_not_equal(a, b);
	assert_false(hd_obj_mac_ok(HD_MAIL_MID_MAC, MSG, strlen(MSG), 12, a));
}

static void test_checked_exactly(void **state)
{
	(void)state;
	uint8_t key[HD_CLUSTER_KEY_BYTES] = {4};
	char a[25], bad[26];
	hd_cluster_key_set(key);
	mac(HD_MAIL_MID_MAC, MSG, a);
	memcpy(bad, a, sizeof a);
	bad[23] = bad[23] == '0' ? '1' : '0';
	assert_false(hd_obj_mac_ok(HD_MAIL_MID_MAC, MSG, strlen(MSG), 12, bad));
	memcpy(bad, a, sizeof a);
	bad[23] = '\0';
	assert_false(hd_obj_mac_ok(HD_MAIL_MID_MAC, MSG, strlen(MSG), 12, bad));
	memcpy(bad, a, sizeof a);
	bad[24] = '0';
	bad[25] = '\0';
	assert_false(hd_obj_mac_ok(HD_MAIL_MID_MAC, MSG, strlen(MSG), 12, bad));
	assert_false(
		hd_obj_mac_ok(HD_MAIL_MID_MAC, MSG, strlen(MSG), 12, NULL));
	assert_false(hd_obj_mac_ok(HD_MAIL_MID_MAC, MSG, strlen(MSG), 12, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needs_a_key_and_sane_sizes),
		cmocka_unit_test(test_binds_key_purpose_and_message),
		cmocka_unit_test(test_checked_exactly),
	};
	return cmocka_run_group_tests_name("obj_mac", tests, NULL, NULL);
}
