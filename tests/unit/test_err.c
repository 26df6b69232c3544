/* Unit tests for the error table (common/err.c): every code has a name and a
 * message, reply statuses round-trip, LMDB and nng codes translate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "rpc.pb-c.h"
#include "unit.h"

#include <errno.h>
#include <lmdb.h>
#include <nng/nng.h>
#include <string.h>

static void test_every_code_named(void **state)
{
	(void)state;
	for (int rc = 0; rc < HD_E__COUNT; rc++) {
		const char *msg = hd_strerror(rc), *name = hd_errname(rc);
		assert_non_null(msg);
		assert_non_null(name);
		assert_true(msg[0] != '\0');
		assert_true(name[0] != '\0');
		assert_string_not_equal(msg, "unknown error");
		assert_string_not_equal(name, "UNKNOWN");
		/* Names are stable identifiers: no two codes share one. */
		for (int other = 0; other < rc; other++)
			assert_string_not_equal(name, hd_errname(other));
	}
	assert_string_equal(hd_errname(HD_OK), "OK");
	assert_string_equal(hd_errname(HD_E_NOTFOUND), "NOTFOUND");
	assert_string_equal(hd_errname(HD_E_STORAGE_FULL), "STORAGE_FULL");
	assert_string_equal(hd_strerror(HD_E_TOOBIG), "too large");
}

static void test_out_of_range(void **state)
{
	(void)state;
	int bad[] = {-1, HD_E__COUNT, HD_E__COUNT + 100, -1000};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_string_equal(hd_strerror(bad[i]), "unknown error");
		assert_string_equal(hd_errname(bad[i]), "UNKNOWN");
		assert_int_equal(hd_err_status(bad[i]), HD__STATUS__INTERNAL);
	}
	assert_int_equal(hd_err_from_status(99), HD_E_INTERNAL);
	assert_int_equal(hd_err_from_status(-1), HD_E_INTERNAL);
}

/* The status column is the hd.Status value of proto/rpc.proto. */
static void test_status_matches_proto(void **state)
{
	(void)state;
	assert_int_equal(hd_err_status(HD_OK), HD__STATUS__OK);
	assert_int_equal(hd_err_status(HD_E_NOTFOUND), HD__STATUS__NOT_FOUND);
	assert_int_equal(hd_err_status(HD_E_INVALID), HD__STATUS__INVALID);
	assert_int_equal(hd_err_status(HD_E_FORBIDDEN), HD__STATUS__FORBIDDEN);
	assert_int_equal(hd_err_status(HD_E_CONFLICT), HD__STATUS__CONFLICT);
	assert_int_equal(hd_err_status(HD_E_UNAVAILABLE),
			 HD__STATUS__UNAVAILABLE);
	assert_int_equal(hd_err_status(HD_E_INTERNAL), HD__STATUS__INTERNAL);
	assert_int_equal(hd_err_status(HD_E_UNAUTHORIZED),
			 HD__STATUS__UNAUTHORIZED);
	assert_int_equal(hd_err_status(HD_E_TOOBIG), HD__STATUS__TOO_LARGE);
	assert_int_equal(hd_err_status(HD_E_STORAGE_FULL),
			 HD__STATUS__STORAGE_FULL);
	assert_int_equal(hd_err_status(HD_E_BEHIND), HD__STATUS__BEHIND);
	/* Codes without a status of their own fold into a neighbour. */
	assert_int_equal(hd_err_status(HD_E_NOMEM), HD__STATUS__INTERNAL);
	assert_int_equal(hd_err_status(HD_E_TIMEDOUT), HD__STATUS__UNAVAILABLE);
	assert_int_equal(hd_err_status(HD_E_DECODE), HD__STATUS__INVALID);
	assert_int_equal(hd_err_status(HD_E_CORRUPT), HD__STATUS__INTERNAL);
}

static void test_status_round_trip(void **state)
{
	(void)state;
	/* Every code survives a trip through a reply status as a code with
	 * the same status; canonical codes come back exactly. */
	for (int rc = 0; rc < HD_E__COUNT; rc++) {
		int back = hd_err_from_status(hd_err_status(rc));
		assert_int_equal(hd_err_status(back), hd_err_status(rc));
	}
	int canonical[] = {HD_OK,         HD_E_NOTFOUND,
			   HD_E_INVALID,  HD_E_FORBIDDEN,
			   HD_E_CONFLICT, HD_E_UNAVAILABLE,
			   HD_E_INTERNAL, HD_E_UNAUTHORIZED,
			   HD_E_TOOBIG,   HD_E_STORAGE_FULL,
			   HD_E_BEHIND};
	for (size_t i = 0; i < sizeof canonical / sizeof canonical[0]; i++) {
		int rc = canonical[i];
		if (hd_err_from_status(hd_err_status(rc)) != rc)
			fail_msg("%s does not round-trip (got %s)",
				 hd_errname(rc),
				 hd_errname(hd_err_from_status(
					 hd_err_status(rc))));
	}
	/* Every value of hd.Status stands for some code. */
	for (int st = HD__STATUS__OK; st <= HD__STATUS__BEHIND; st++)
		assert_int_equal(hd_err_status(hd_err_from_status(st)), st);
}

static void test_from_mdb(void **state)
{
	(void)state;
	assert_hd_rc(hd_err_from_mdb(MDB_SUCCESS), HD_OK);
	assert_hd_rc(hd_err_from_mdb(MDB_NOTFOUND), HD_E_NOTFOUND);
	assert_hd_rc(hd_err_from_mdb(MDB_MAP_FULL), HD_E_STORAGE_FULL);
	assert_hd_rc(hd_err_from_mdb(ENOSPC), HD_E_STORAGE_FULL);
	assert_hd_rc(hd_err_from_mdb(MDB_KEYEXIST), HD_E_CONFLICT);
	assert_hd_rc(hd_err_from_mdb(MDB_CORRUPTED), HD_E_CORRUPT);
	assert_hd_rc(hd_err_from_mdb(MDB_PAGE_NOTFOUND), HD_E_CORRUPT);
	assert_hd_rc(hd_err_from_mdb(MDB_INVALID), HD_E_CORRUPT);
	assert_hd_rc(hd_err_from_mdb(MDB_VERSION_MISMATCH), HD_E_CORRUPT);
	assert_hd_rc(hd_err_from_mdb(MDB_BAD_VALSIZE), HD_E_TOOBIG);
	assert_hd_rc(hd_err_from_mdb(ENOMEM), HD_E_NOMEM);
	assert_hd_rc(hd_err_from_mdb(EIO), HD_E_IO);
	/* Anything else is an internal error, never a raw code. */
	assert_hd_rc(hd_err_from_mdb(MDB_TXN_FULL), HD_E_INTERNAL);
	assert_hd_rc(hd_err_from_mdb(MDB_BAD_TXN), HD_E_INTERNAL);
}

static void test_from_nng(void **state)
{
	(void)state;
	assert_hd_rc(hd_err_from_nng(0), HD_OK);
	assert_hd_rc(hd_err_from_nng(NNG_ETIMEDOUT), HD_E_TIMEDOUT);
	assert_hd_rc(hd_err_from_nng(NNG_ENOMEM), HD_E_NOMEM);
	assert_hd_rc(hd_err_from_nng(NNG_ECLOSED), HD_E_CLOSED);
	assert_hd_rc(hd_err_from_nng(NNG_ECANCELED), HD_E_CLOSED);
	assert_hd_rc(hd_err_from_nng(NNG_EINVAL), HD_E_INVALID);
	assert_hd_rc(hd_err_from_nng(NNG_EADDRINVAL), HD_E_INVALID);
	assert_hd_rc(hd_err_from_nng(NNG_EMSGSIZE), HD_E_TOOBIG);
	assert_hd_rc(hd_err_from_nng(NNG_ECONNREFUSED), HD_E_UNAVAILABLE);
	assert_hd_rc(hd_err_from_nng(NNG_ECONNRESET), HD_E_UNAVAILABLE);
	assert_hd_rc(hd_err_from_nng(NNG_ECONNSHUT), HD_E_UNAVAILABLE);
	assert_hd_rc(hd_err_from_nng(NNG_EAGAIN), HD_E_UNAVAILABLE);
	assert_hd_rc(hd_err_from_nng(NNG_ESTATE), HD_E_UNAVAILABLE);
	assert_hd_rc(hd_err_from_nng(NNG_EPROTO), HD_E_INTERNAL);
	assert_hd_rc(hd_err_from_nng(NNG_ESYSERR + 5), HD_E_INTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_named),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_status_matches_proto),
		cmocka_unit_test(test_status_round_trip),
		cmocka_unit_test(test_from_mdb),
		cmocka_unit_test(test_from_nng),
	};
	return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
