/* Unit tests for configuration (common/cfg.c): flag over environment over
 * default, both flag spellings, errors for bad flags, strict integers, and
 * {run}/{shard} templates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const hd_cfg_opt rows[] = {
	{"HD_UNIT_DATA", "--data", "/var/lib/hd", "data directory"},
	{"HD_UNIT_PORT", "--port", "8080", "listen port"},
	{"HD_UNIT_URL", "--url", "ipc://{run}/x-{shard}.ipc", "socket"},
};
#define NROWS (sizeof rows / sizeof rows[0])

static void clear_env(void)
{
	unsetenv("HD_UNIT_DATA");
	unsetenv("HD_UNIT_PORT");
	unsetenv("HD_UNIT_URL");
}

static int setup(void **state)
{
	hd_cfg *c = calloc(1, sizeof *c);
	if (!c)
		return -1;
	clear_env();
	hd_cfg_init(c);
	if (hd_cfg_add(c, rows, NROWS)) {
		free(c);
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	hd_cfg *c = *state;
	hd_cfg_release(c);
	free(c);
	clear_env();
	return 0;
}

/* Parse a NULL-terminated argument list (argv[0] is added) with stdout and
 * stderr silenced: --help and bad flags print by design. */
static int parse(hd_cfg *c, const char *const *args)
{
	char *argv[16] = {"hd-unit"};
	int argc = 1;
	for (; args && args[argc - 1] && argc < 15; argc++)
		argv[argc] = (char *)args[argc - 1];
	argv[argc] = NULL;
	fflush(stdout);
	int out = dup(STDOUT_FILENO), err = dup(STDERR_FILENO);
	int null = open("/dev/null", O_WRONLY);
	if (out >= 0 && err >= 0 && null >= 0) {
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
	}
	int rc = hd_cfg_parse(c, argc, argv, "unit test");
	fflush(stdout);
	if (out >= 0 && err >= 0 && null >= 0) {
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
	}
	if (null >= 0)
		close(null);
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	return rc;
}

static void test_defaults(void **state)
{
	hd_cfg *c = *state;
	assert_hd_ok(parse(c, NULL));
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_DATA"), "/var/lib/hd");
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_PORT"), "8080");
	assert_null(hd_cfg_get(c, "HD_UNIT_NOPE"));
}

static void test_precedence(void **state)
{
	hd_cfg *c = *state;
	setenv("HD_UNIT_DATA", "/from/env", 1);
	setenv("HD_UNIT_PORT", "9000", 1);
	assert_hd_ok(parse(c, NULL));
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_DATA"), "/from/env");
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_PORT"), "9000");

	const char *args[] = {"--data", "/from/flag", NULL};
	assert_hd_ok(parse(c, args));
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_DATA"), "/from/flag");
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_PORT"), "9000");

	/* Unset again: a re-parse falls back to the default. */
	unsetenv("HD_UNIT_DATA");
	unsetenv("HD_UNIT_PORT");
	assert_hd_ok(parse(c, NULL));
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_DATA"), "/var/lib/hd");
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_PORT"), "8080");
}

static void test_flag_spellings(void **state)
{
	hd_cfg *c = *state;
	const char *eq[] = {"--data=/a/b", "--port=1", NULL};
	assert_hd_ok(parse(c, eq));
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_DATA"), "/a/b");
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_PORT"), "1");

	const char *sp[] = {"--port", "2", "--data", "/c", NULL};
	assert_hd_ok(parse(c, sp));
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_DATA"), "/c");
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_PORT"), "2");

	/* Only the first '=' splits; an empty value is a value. */
	const char *odd[] = {"--url=a=b", "--data=", NULL};
	assert_hd_ok(parse(c, odd));
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_URL"), "a=b");
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_DATA"), "");

	/* The last occurrence wins. */
	const char *twice[] = {"--port=3", "--port", "4", NULL};
	assert_hd_ok(parse(c, twice));
	assert_string_equal(hd_cfg_get(c, "HD_UNIT_PORT"), "4");
}

static void test_bad_flags(void **state)
{
	hd_cfg *c = *state;
	const char *unknown[] = {"--nope=1", NULL};
	assert_hd_rc(parse(c, unknown), HD_E_INVALID);
	const char *prefix[] = {"--dat=/x", NULL};
	assert_hd_rc(parse(c, prefix), HD_E_INVALID);
	const char *longer[] = {"--database", "/x", NULL};
	assert_hd_rc(parse(c, longer), HD_E_INVALID);
	const char *bare[] = {"data", NULL};
	assert_hd_rc(parse(c, bare), HD_E_INVALID);
	const char *novalue[] = {"--port", NULL};
	assert_hd_rc(parse(c, novalue), HD_E_INVALID);
}

static void test_help(void **state)
{
	hd_cfg *c = *state;
	const char *help[] = {"--port=1", "--help", NULL};
	assert_int_equal(parse(c, help), HD_CFG_HELP);
	const char *h[] = {"-h", NULL};
	assert_int_equal(parse(c, h), HD_CFG_HELP);
	/* --help wins even over a later bad flag. */
	const char *first[] = {"--help", "--nope", NULL};
	assert_int_equal(parse(c, first), HD_CFG_HELP);
}

static void test_table_full(void **state)
{
	(void)state;
	hd_cfg c;
	hd_cfg_init(&c);
	static hd_cfg_opt many[HD_CFG_MAX];
	for (size_t i = 0; i < HD_CFG_MAX; i++)
		many[i] = rows[0];
	assert_hd_ok(hd_cfg_add(&c, many, HD_CFG_MAX - 1));
	assert_hd_rc(hd_cfg_add(&c, many, 2), HD_E_TOOBIG);
	assert_int_equal(c.n, HD_CFG_MAX - 1); /* nothing half-added */
	assert_hd_ok(hd_cfg_add(&c, many, 1));
	assert_hd_rc(hd_cfg_add(&c, many, 1), HD_E_TOOBIG);
	assert_int_equal(c.n, HD_CFG_MAX);
	hd_cfg_release(&c);
}

static void test_cfg_u64(void **state)
{
	hd_cfg *c = *state;
	uint64_t v = 0;
	assert_hd_ok(parse(c, NULL));
	assert_hd_ok(hd_cfg_u64(c, "HD_UNIT_PORT", 1, 65535, &v));
	assert_int_equal(v, 8080);
	assert_hd_ok(hd_cfg_u64(c, "HD_UNIT_PORT", 8080, 8080, &v));

	v = 7;
	assert_hd_rc(hd_cfg_u64(c, "HD_UNIT_PORT", 1, 8079, &v), HD_E_INVALID);
	assert_int_equal(v, 7); /* untouched on failure */
	assert_hd_rc(hd_cfg_u64(c, "HD_UNIT_PORT", 8081, 9000, &v),
		     HD_E_INVALID);
	assert_hd_rc(hd_cfg_u64(c, "HD_UNIT_DATA", 0, UINT64_MAX, &v),
		     HD_E_INVALID);
	assert_hd_rc(hd_cfg_u64(c, "HD_UNIT_NOPE", 0, UINT64_MAX, &v),
		     HD_E_INVALID);
	assert_int_equal(v, 7);

	setenv("HD_UNIT_PORT", "70000", 1);
	assert_hd_ok(parse(c, NULL));
	assert_hd_rc(hd_cfg_u64(c, "HD_UNIT_PORT", 0, 65535, &v), HD_E_INVALID);
	const char *args[] = {"--port", "65535", NULL};
	assert_hd_ok(parse(c, args));
	assert_hd_ok(hd_cfg_u64(c, "HD_UNIT_PORT", 0, 65535, &v));
	assert_int_equal(v, 65535);
}

static void test_parse_u64(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_hd_ok(hd_parse_u64("0", &v));
	assert_int_equal(v, 0);
	assert_hd_ok(hd_parse_u64("12", &v));
	assert_int_equal(v, 12);
	assert_hd_ok(hd_parse_u64("18446744073709551615", &v));
	assert_true(v == UINT64_MAX);

	const char *bad[] = {"",
			     "-1",
			     "+1",
			     " 1",
			     "12x",
			     "1 ",
			     "x12",
			     "0x10",
			     "1.5",
			     "18446744073709551616",
			     "99999999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 77;
		if (hd_parse_u64(bad[i], &v) != HD_E_INVALID)
			fail_msg("hd_parse_u64(\"%s\") accepted", bad[i]);
		assert_int_equal(v, 77);
	}
	assert_hd_rc(hd_parse_u64(NULL, &v), HD_E_INVALID);
}

static void test_expand(void **state)
{
	(void)state;
	char out[64];
	assert_hd_ok(hd_cfg_expand("ipc://{run}/intake-{shard}.ipc", "/tmp/r",
				   3, out, sizeof out));
	assert_string_equal(out, "ipc://"
				 "/tmp/r/intake-3.ipc");
	assert_hd_ok(hd_cfg_expand("{shard}{shard}-{run}{run}", "a", 12, out,
				   sizeof out));
	assert_string_equal(out, "1212-aa");
	assert_hd_ok(hd_cfg_expand("{x}{run", "r", 0, out, sizeof out));
	assert_string_equal(out, "{x}{run");
	assert_hd_ok(hd_cfg_expand("", "r", 0, out, sizeof out));
	assert_string_equal(out, "");
	assert_hd_ok(
		hd_cfg_expand("{shard}", "r", 4294967295u, out, sizeof out));
	assert_string_equal(out, "4294967295");
}

static void test_expand_too_small(void **state)
{
	(void)state;
	char out[16];
	/* "/run/x-7" is 8 bytes: 9 with the NUL fits, 8 does not. */
	assert_hd_ok(hd_cfg_expand("{run}/x-{shard}", "/run", 7, out, 9));
	assert_string_equal(out, "/run/x-7");
	memset(out, '#', sizeof out);
	out[15] = '\0';
	assert_hd_rc(hd_cfg_expand("{run}/x-{shard}", "/run", 7, out, 8),
		     HD_E_TOOBIG);
	assert_hd_rc(hd_cfg_expand("{run}/x-{shard}", "/run", 77, out, 9),
		     HD_E_TOOBIG);
	assert_hd_rc(hd_cfg_expand("abc", "", 0, out, 1), HD_E_TOOBIG);
	/* Not even room for the NUL. */
	assert_hd_rc(hd_cfg_expand("", "", 0, out, 0), HD_E_TOOBIG);
	assert_hd_rc(hd_cfg_expand("abc", "", 0, out, 0), HD_E_TOOBIG);
	/* Nothing written on failure. */
	assert_string_equal(out, "###############");
}

int main(void)
{
	hd_log_init("unit", "error");
	hd_log_min_level = HD_LOG_ERROR + 1; /* range errors log by design */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_flag_spellings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_flags, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test_setup_teardown(test_cfg_u64, setup, teardown),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_too_small),
	};
	return cmocka_run_group_tests_name("cfg", tests, NULL, NULL);
}
