/* Unit tests for notifications/template_vars.c: a mail's extra template
 * context survives the queue as typed pairs, and a delivery queued as JSON
 * text by an older build (field 28) still renders with its context. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "notifications.h"
#include "hd/err.h"
#include "unit.h"

#include <string.h>

static void test_context_round_trips(void **state)
{
	(void)state;
	Hd__Delivery d = HD__DELIVERY__INIT;
	json_t *vars = json_pack("{s:{s:s, s:{s:s}}, s:{s:I}}", "comment",
				 "body", "배송이 늦어요", "author", "name",
				 "김하나", "card", "id", (json_int_t)42);
	assert_hd_ok(notify_vars_set(&d, vars));
	assert_int_equal(d.n_vars, 3);
	size_t len = hd__delivery__get_packed_size(&d);
	uint8_t *buf = malloc(len);
	hd__delivery__pack(&d, buf);
	notify_vars_free(&d);
	Hd__Delivery *back = hd__delivery__unpack(NULL, len, buf);
	free(buf);
	assert_non_null(back);
	json_t *got = notify_vars_get(back);
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(got, "comment"),
					"author"),
			"name")),
		"김하나");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(got, "comment"), "body")),
			    "배송이 늦어요");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(got, "card"), "id")),
			    "42");
	json_decref(got);
	json_decref(vars);
	hd__delivery__free_unpacked(back, NULL);
}

static void test_old_json_context_still_reads(void **state)
{
	(void)state;
	const char *json = "{\"survey\":{\"url\":\"https://h/s/1\"}}";
	uint8_t buf[128];
	size_t n = 0;
	buf[n++] = ((28 << 3 | 2) & 0x7f) | 0x80; /* field 28, bytes */
	buf[n++] = (28 << 3 | 2) >> 7;
	buf[n++] = (uint8_t)strlen(json);
	memcpy(buf + n, json, strlen(json));
	n += strlen(json);
	Hd__Delivery *d = hd__delivery__unpack(NULL, n, buf);
	assert_non_null(d);
	assert_int_equal(d->n_vars, 0);
	json_t *got = notify_vars_get(d);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(got, "survey"), "url")),
			    "https://h/s/1");
	json_decref(got);
	hd__delivery__free_unpacked(d, NULL);
}

static void test_none_is_null(void **state)
{
	(void)state;
	Hd__Delivery d = HD__DELIVERY__INIT;
	assert_hd_ok(notify_vars_set(&d, NULL));
	assert_null(notify_vars_get(&d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_context_round_trips),
		cmocka_unit_test(test_old_json_context_still_reads),
		cmocka_unit_test(test_none_is_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
