/* Unit tests for audit event values and voice comment data (common/
 * audit_value.c through gateway/tickets_json.c): an event whose values are
 * hd.RuleValue and a comment whose call is hd.VoiceData render Zendesk's
 * JSON, and the same event or comment packed the old way — JSON text in
 * AuditEvent fields 4/5 and Comment field 12 — renders byte for byte the
 * same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gateway.h"
#include "gw_tickets.h"
#include "hd/audit_value.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/rule_value.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

/* Defined beside the gateway's wiring (main.c, not in libgateway.a). */
const char *const gw_peer_names[GW_PEERS] = {"routing", "knowledge",
					     "notifications", "metrics"};

static void putb(hd_buf *b, unsigned byte)
{
	char c = (char)byte;
	assert_hd_ok(hd_buf_append(b, &c, 1));
}

/* Append length-delimited field `field` holding text to b. */
static void put_old(hd_buf *b, uint32_t field, const char *text)
{
	size_t n = strlen(text);
	assert_true(n < 128);
	putb(b, (unsigned)(field << 3 | 2));
	putb(b, (unsigned)n);
	hd_buf_append(b, text, n);
}

static Hd__RuleValue *value_of(const char *text)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	assert_non_null(j);
	Hd__RuleValue *v = NULL;
	assert_hd_ok(hd_rule_value_from_json(j, &v));
	json_decref(j);
	return v;
}

static char *dump(json_t *j)
{
	assert_non_null(j);
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	assert_non_null(s);
	return s;
}

/* An audit with one Change event: typed, and as an older build packed it
 * (value/prev JSON text, NULL prev: a Create). */
static char *render_audit(const char *value, const char *prev, bool old)
{
	Hd__AuditEvent e = HD__AUDIT_EVENT__INIT, *ev = &e;
	e.id = 41;
	e.type = (char *)(prev ? "Change" : "Create");
	e.field_name = "tags";
	if (!old) {
		e.value = value_of(value);
		e.previous_value = prev ? value_of(prev) : NULL;
	}
	Hd__Audit a = HD__AUDIT__INIT;
	a.id = 40;
	a.ticket_id = 7;
	a.created_at = 1765000000000;
	a.via_channel = "web";
	a.n_events = 1;
	a.events = &ev;
	hd_buf b;
	hd_buf_init(&b, 1 << 16);
	assert_hd_ok(hd_pb_pack(&b, &a));
	if (!old) {
		hd__rule_value__free_unpacked(e.value, NULL);
		if (e.previous_value)
			hd__rule_value__free_unpacked(e.previous_value, NULL);
	} else {
		/* the event is the audit's field 6: repack it with the old
		 * fields appended */
		hd_buf eb;
		hd_buf_init(&eb, 1 << 16);
		assert_hd_ok(hd_pb_pack(&eb, &e));
		put_old(&eb, 4, value);
		if (prev)
			put_old(&eb, 5, prev);
		a.n_events = 0;
		hd_buf_reset(&b);
		assert_hd_ok(hd_pb_pack(&b, &a));
		assert_true(eb.len < 128);
		putb(&b, (unsigned)(6 << 3 | 2));
		putb(&b, (unsigned)eb.len);
		hd_buf_append(&b, eb.data, eb.len);
		hd_buf_release(&eb);
	}
	Hd__Audit *back =
		hd__audit__unpack(NULL, b.len, (const uint8_t *)b.data);
	assert_non_null(back);
	/* intake answers with the record it read: packed again, the old
	 * fields travel as unknown fields */
	hd_buf_reset(&b);
	assert_hd_ok(hd_pb_pack(&b, back));
	hd__audit__free_unpacked(back, NULL);
	back = hd__audit__unpack(NULL, b.len, (const uint8_t *)b.data);
	hd_buf_release(&b);
	assert_non_null(back);
	assert_int_equal(back->n_events, 1);
	if (old)
		assert_null(back->events[0]->value);
	char *s = dump(gw_audit_json(NULL, back));
	hd__audit__free_unpacked(back, NULL);
	return s;
}

static void check_audit(const char *value, const char *prev)
{
	char *typed = render_audit(value, prev, false);
	char *old = render_audit(value, prev, true);
	assert_string_equal(typed, old);
	json_t *o = json_loads(typed, 0, NULL);
	json_t *e = json_array_get(json_object_get(o, "events"), 0);
	char *v = dump(json_incref(json_object_get(e, "value")));
	assert_string_equal(v, value);
	free(v);
	if (prev) {
		char *p =
			dump(json_incref(json_object_get(e, "previous_value")));
		assert_string_equal(p, prev);
		free(p);
	} else {
		assert_null(json_object_get(e, "previous_value"));
	}
	json_decref(o);
	free(typed);
	free(old);
}

static void test_audit_values_render_the_same(void **state)
{
	(void)state;
	check_audit("\"open\"", "\"new\"");
	check_audit("[\"vip\",\"환불\"]", "[]");
	check_audit("12345", "null");
	check_audit("null", "\"2026-12-06T10:00:00Z\"");
	check_audit("[123,456]", NULL);
	check_audit("true", "false");
}

static const char *voice_old =
	"{\"call_id\":\"c-1\",\"direction\":\"inbound\",\"outcome\":"
	"\"answered\",\"from\":\"+821012345678\",\"to\":\"+8225551234\","
	"\"recording_url\":null,\"transcription_text\":\"환불 문의\","
	"\"started_at\":\"2026-12-06T10:00:00Z\",\"answered_at\":null,"
	"\"ended_at\":\"2026-12-06T10:05:00Z\",\"call_duration\":280,"
	"\"wait_seconds\":20,\"answered_by_id\":null,\"location\":null}";

static char *render_comment(bool old)
{
	Hd__Comment c = HD__COMMENT__INIT;
	Hd__VoiceData d = HD__VOICE_DATA__INIT;
	c.id = 9;
	c.ticket_id = 7;
	c.body = "전화";
	c.type = "VoiceComment";
	c.via_channel = "voice";
	if (!old) {
		d.call_id = "c-1";
		d.direction = "inbound";
		d.outcome = "answered";
		d.from = "+821012345678";
		d.to = "+8225551234";
		d.transcription_text = "환불 문의";
		d.started_at = 1796551200000;
		d.ended_at = 1796551500000;
		d.call_duration = 280;
		d.wait_seconds = 20;
		c.voice = &d;
	}
	hd_buf b;
	hd_buf_init(&b, 1 << 16);
	assert_hd_ok(hd_pb_pack(&b, &c));
	if (old) {
		size_t n = strlen(voice_old);
		putb(&b, (unsigned)(12 << 3 | 2));
		putb(&b, (unsigned)(0x80 | (n & 0x7f)));
		putb(&b, (unsigned)(n >> 7));
		hd_buf_append(&b, voice_old, n);
	}
	Hd__Comment *back =
		hd__comment__unpack(NULL, b.len, (const uint8_t *)b.data);
	hd_buf_release(&b);
	assert_non_null(back);
	if (old)
		assert_null(back->voice);
	char *s = dump(gw_comment_json(NULL, back));
	hd__comment__free_unpacked(back, NULL);
	return s;
}

static void test_voice_data_renders_the_same(void **state)
{
	(void)state;
	char *typed = render_comment(false);
	char *old = render_comment(true);
	assert_string_equal(typed, old);
	json_t *o = json_loads(typed, 0, NULL);
	char *data = dump(json_incref(json_object_get(o, "data")));
	assert_string_equal(data, voice_old);
	free(data);
	json_decref(o);
	free(typed);
	free(old);
}

static void test_plain_comment_has_no_data(void **state)
{
	(void)state;
	Hd__Comment c = HD__COMMENT__INIT;
	assert_null(hd_voice_data_json(&c));
	Hd__AuditEvent e = HD__AUDIT_EVENT__INIT;
	char *v = dump(hd_audit_value_json(&e, false));
	assert_string_equal(v, "null");
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_values_render_the_same),
		cmocka_unit_test(test_voice_data_renders_the_same),
		cmocka_unit_test(test_plain_comment_has_no_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
