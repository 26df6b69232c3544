/* Unit tests for notifications/settings_legacy.c: survey and mail settings
 * an older build stored as JSON text (the retired field 2) read into the
 * typed messages, so an upgrade keeps what admins set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "templates.h"
#include "hd/err.h"
#include "unit.h"

#include <string.h>

/* name (field 1) and the old JSON (field 2), as an older build wrote. */
static Hd__NotifySettings *old_record(const char *name, const char *json)
{
	uint8_t buf[512];
	size_t n = 0, jl = strlen(json);
	buf[n++] = 0x0a;
	buf[n++] = (uint8_t)strlen(name);
	memcpy(buf + n, name, strlen(name));
	n += strlen(name);
	buf[n++] = 0x12;
	buf[n++] = (uint8_t)((jl & 0x7f) | 0x80);
	buf[n++] = (uint8_t)(jl >> 7);
	memcpy(buf + n, json, jl);
	n += jl;
	return hd__notify_settings__unpack(NULL, n, buf);
}

static void test_old_csat_settings_read(void **state)
{
	(void)state;
	Hd__NotifySettings *s = old_record(
		"csat", "{\"channels\":[\"api\"],\"delay_minutes\":0,"
			"\"enabled\":true,\"groups\":[{\"enabled\":false,"
			"\"group_id\":5},{\"delay_minutes\":1,\"enabled\":true,"
			"\"group_id\":6}],\"link_days\":14}");
	assert_non_null(s);
	notify_settings_legacy(s);
	assert_non_null(s->csat);
	assert_true(s->csat->enabled);
	assert_int_equal(s->csat->delay_minutes, 0);
	assert_int_equal(s->csat->link_days, 14);
	assert_int_equal(s->csat->n_channels, 1);
	assert_string_equal(s->csat->channels[0], "api");
	assert_int_equal(s->csat->n_groups, 2);
	assert_false(s->csat->groups[0]->enabled);
	assert_false(s->csat->groups[0]->has_delay);
	assert_true(s->csat->groups[1]->has_delay);
	assert_int_equal(s->csat->groups[1]->delay_minutes, 1);
	hd__notify_settings__free_unpacked(s, NULL);
}

static void test_old_mail_settings_read(void **state)
{
	(void)state;
	Hd__NotifySettings *s = old_record(
		"mail",
		"{\"acknowledgements\":{\"api\":false},\"senders\":[{"
		"\"address\":\"help@example.kr\",\"brand_id\":0,\"name\":"
		"\"하나 고객센터\",\"recipient\":\"\"}]}");
	assert_non_null(s);
	notify_settings_legacy(s);
	assert_non_null(s->mail);
	assert_int_equal(s->mail->n_acknowledgements, 1);
	assert_string_equal(s->mail->acknowledgements[0]->channel, "api");
	assert_false(s->mail->acknowledgements[0]->enabled);
	assert_int_equal(s->mail->n_senders, 1);
	assert_string_equal(s->mail->senders[0]->name, "하나 고객센터");
	assert_string_equal(s->mail->senders[0]->address, "help@example.kr");
	hd__notify_settings__free_unpacked(s, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_csat_settings_read),
		cmocka_unit_test(test_old_mail_settings_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
