/* Unit tests for the customers' forms' multipart parser
 * (services/gateway/portal/portal_multipart.c, linked from libgateway.a):
 * what browsers send, and every malformed shape refused, never read past
 * the body (ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "portal.h"
#include "hd/err.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CT "multipart/form-data; boundary=XyZ"

/* Parse a copy of text (its own allocation, so ASan sees any overrun). */
static int parse(const char *ct, const char *text, size_t len, gw_pt_form *f,
		 char **keep)
{
	*keep = malloc(len + 1);
	assert_non_null(*keep);
	memcpy(*keep, text, len);
	(*keep)[len] = '\0';
	return gw_pt_multipart(ct, *keep, len, f);
}

static void test_browser_body(void **state)
{
	(void)state;
	static const char body[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"subject\"\r\n"
		"\r\n배송이 늦어요\r\n"
		"--XyZ\r\nContent-Disposition: form-data; name=\"cf_7\"\r\n\r\n"
		"\r\n"
		"--XyZ\r\nContent-Disposition: form-data; "
		"name=\"attachments\"; "
		"filename=\"영수증.txt\"\r\nContent-Type: text/plain\r\n\r\n"
		"a\r\nb\r\n--XyZ-not-yet\r\n"
		"--XyZ--\r\n";
	gw_pt_form f;
	char *keep = NULL;
	assert_int_equal(parse(CT, body, sizeof body - 1, &f, &keep), HD_OK);
	assert_true(f.multipart);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.parts[0].name, "subject");
	assert_null(f.parts[0].filename);
	assert_string_equal(f.parts[0].data, "배송이 늦어요");
	assert_string_equal(f.parts[1].name, "cf_7");
	assert_int_equal(f.parts[1].len, 0);
	assert_string_equal(f.parts[2].name, "attachments");
	assert_string_equal(f.parts[2].filename, "영수증.txt");
	assert_string_equal(f.parts[2].type, "text/plain");
	/* a line that starts like the boundary but is not one stays data */
	assert_int_equal(f.parts[2].len, strlen("a\r\nb\r\n--XyZ-not-yet"));
	assert_memory_equal(f.parts[2].data, "a\r\nb\r\n--XyZ-not-yet",
			    f.parts[2].len);
	free(keep);
}

static void test_quoted_boundary_and_not_multipart(void **state)
{
	(void)state;
	static const char body[] =
		"--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n"
		"--a b--\r\n";
	gw_pt_form f;
	char *keep = NULL;
	assert_int_equal(parse("multipart/form-data; boundary=\"a b\"", body,
			       sizeof body - 1, &f, &keep),
			 HD_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.parts[0].name, "x");
	assert_string_equal(f.parts[0].data, "1");
	free(keep);
	assert_int_equal(
		parse("application/x-www-form-urlencoded", "a=1", 3, &f, &keep),
		HD_OK);
	assert_false(f.multipart);
	free(keep);
	assert_int_equal(gw_pt_multipart(NULL, NULL, 0, &f), HD_OK);
	assert_false(f.multipart);
}

static void test_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *ct, *body;
	} bad[] = {
		{"multipart/form-data", "--XyZ--\r\n"}, /* no boundary */
		{"multipart/form-data; boundary=", "--\r\n"},
		{CT, ""},
		{CT, "garbage"},
		{CT, "--XyZ"},
		{CT, "--XyZ\r\n"},
		{CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"},
		{CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n"
		     "\r\nno end"},
		{CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n"
		     "--XyZ--\r\n"},
		{CT, "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n"
		     "x\r\n--XyZ--\r\n"},
		{CT,
		 "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
		 "\xff\xfe\r\n--XyZ--\r\n"},
		{CT, "--XyZx\r\n"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		gw_pt_form f;
		char *keep = NULL;
		int rc = parse(bad[i].ct, bad[i].body, strlen(bad[i].body), &f,
			       &keep);
		if (rc != HD_E_INVALID)
			fail_msg("case %zu: %s", i, hd_strerror(rc));
		free(keep);
	}
}

static void test_too_many_parts(void **state)
{
	(void)state;
	char body[8192];
	size_t n = 0;
	for (int i = 0; i <= GW_PT_MAX_PARTS; i++)
		n += (size_t)snprintf(
			body + n, sizeof body - n,
			"--XyZ\r\nContent-Disposition: form-data; "
			"name=\"p%d\"\r\n\r\n%d\r\n",
			i, i);
	n += (size_t)snprintf(body + n, sizeof body - n, "--XyZ--\r\n");
	gw_pt_form f;
	char *keep = NULL;
	assert_int_equal(parse(CT, body, n, &f, &keep), HD_E_INVALID);
	free(keep);
}

/* Every prefix of a good body: refused or parsed, never read past it. */
static void test_every_prefix(void **state)
{
	(void)state;
	static const char body[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"s\"\r\n\r\nab"
		"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; "
		"filename=\"x\"\r\n\r\n\0\1\r\n--XyZ--";
	for (size_t len = 0; len < sizeof body; len++) {
		gw_pt_form f;
		char *keep = NULL;
		int rc = parse(CT, body, len, &f, &keep);
		assert_true(rc == HD_OK || rc == HD_E_INVALID);
		if (rc == HD_OK)
			assert_int_equal(f.n, 2);
		free(keep);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_browser_body),
		cmocka_unit_test(test_quoted_boundary_and_not_multipart),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_parts),
		cmocka_unit_test(test_every_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
