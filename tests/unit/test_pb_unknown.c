/* Unit tests for retired fields (common/pb_unknown.c): the bytes of a field
 * this build does not declare are read in place or taken out (and then not
 * packed again), Korean text intact; a length prefix that does not match
 * its bytes is refused and leaves the message as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hd/err.h"
#include "hd/pb_unknown.h"
#include "rule.pb-c.h"
#include "unit.h"

#define OLD_FIELD 15 /* not declared in hd.RuleValue */
static const char text[] = "{\"상태\":\"열림\"}";

/* An hd.RuleValue as an older build wrote it: kind, then field 15. */
static Hd__RuleValue *old_record(void)
{
	uint8_t w[64];
	size_t n = 0, len = strlen(text);
	w[n++] = 1 << 3; /* kind, varint */
	w[n++] = 1;
	w[n++] = OLD_FIELD << 3 | 2;
	w[n++] = (uint8_t)len;
	memcpy(w + n, text, len);
	n += len;
	Hd__RuleValue *v = hd__rule_value__unpack(NULL, n, w);
	assert_non_null(v);
	assert_int_equal(v->base.n_unknown_fields, 1);
	return v;
}

static void test_read_in_place(void **state)
{
	(void)state;
	Hd__RuleValue *v = old_record();
	const uint8_t *data = NULL;
	size_t len = 0;
	assert_hd_ok(hd_pb_unknown_bytes(&v->base, OLD_FIELD, &data, &len));
	assert_int_equal(len, strlen(text));
	assert_memory_equal(data, text, len);
	assert_int_equal(v->base.n_unknown_fields, 1);
	assert_hd_rc(hd_pb_unknown_bytes(&v->base, 14, &data, &len),
		     HD_E_NOTFOUND);
	assert_hd_rc(hd_pb_unknown_bytes(NULL, OLD_FIELD, &data, &len),
		     HD_E_NOTFOUND);
	hd__rule_value__free_unpacked(v, NULL);
}

static void test_take(void **state)
{
	(void)state;
	Hd__RuleValue *v = old_record();
	bool nomem = true;
	char *s = hd_pb_take_unknown_text(&v->base, OLD_FIELD, &nomem);
	assert_non_null(s);
	assert_false(nomem);
	assert_string_equal(s, text);
	free(s);
	assert_int_equal(v->base.n_unknown_fields, 0);
	/* gone: packed again it is kind alone */
	assert_int_equal(hd__rule_value__get_packed_size(v), 2);
	assert_null(hd_pb_take_unknown_text(&v->base, OLD_FIELD, &nomem));
	assert_false(nomem);
	hd__rule_value__free_unpacked(v, NULL);
}

static void test_bad_prefix(void **state)
{
	(void)state;
	Hd__RuleValue *v = old_record();
	ProtobufCMessageUnknownField *f = &v->base.unknown_fields[0];
	const uint8_t *data = NULL;
	size_t len = 0;
	f->data[0]++; /* says one byte more than there is */
	assert_hd_rc(hd_pb_unknown_bytes(&v->base, OLD_FIELD, &data, &len),
		     HD_E_CORRUPT);
	bool nomem = true;
	assert_null(hd_pb_take_unknown_text(&v->base, OLD_FIELD, &nomem));
	assert_false(nomem);
	assert_int_equal(v->base.n_unknown_fields, 1);
	f->data[0] = 0x80; /* a varint cut short */
	f->len = 1;
	assert_hd_rc(hd_pb_unknown_bytes(&v->base, OLD_FIELD, &data, &len),
		     HD_E_CORRUPT);
	hd__rule_value__free_unpacked(v, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_in_place),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_bad_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
