/* Unit tests for the descriptor-driven protobuf → JSON converter
 * (common/pb_json.c): scalars and defaults by field name, enums by name,
 * bytes as base64, repeated fields, nested messages, big uint64, Korean
 * strings, and bytes that do not decode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "alerts.pb-c.h"
#include "common.pb-c.h"
#include "hd/err.h"
#include "hd/pb_json.h"
#include "knowledge.pb-c.h"
#include "rpc.pb-c.h"
#include "unit.h"

/* The compact, key-sorted text of msg's JSON. */
static char *text_of(const void *msg)
{
	json_t *j = hd_pb_to_json(msg);
	assert_non_null(j);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	assert_non_null(s);
	return s;
}

static void expect(const void *msg, const char *want)
{
	char *s = text_of(msg);
	assert_string_equal(s, want);
	free(s);
}

static void test_defaults_are_shown(void **state)
{
	(void)state;
	Hd__CardExpired m = HD__CARD_EXPIRED__INIT;
	expect(&m, "{\"card_id\":0,\"due_at\":0,\"owner_id\":0,\"title\":\"\","
		   "\"verifier_group_id\":0,\"verifier_user_id\":0}");
}

static void test_scalars_and_korean(void **state)
{
	(void)state;
	Hd__CardExpired m = HD__CARD_EXPIRED__INIT;
	m.card_id = 7;
	m.title = "배송 지연 안내";
	m.due_at = -1;
	m.owner_id = UINT64_MAX; /* beyond json_int_t: a decimal string */
	expect(&m, "{\"card_id\":7,\"due_at\":-1,"
		   "\"owner_id\":\"18446744073709551615\","
		   "\"title\":\"배송 지연 안내\","
		   "\"verifier_group_id\":0,\"verifier_user_id\":0}");
}

static void test_enum_and_bytes(void **state)
{
	(void)state;
	Hd__RpcReply m = HD__RPC_REPLY__INIT;
	m.status = HD__STATUS__FORBIDDEN;
	m.payload.data = (uint8_t *)"\x00\xff\x10";
	m.payload.len = 3;
	expect(&m, "{\"field\":\"\",\"message\":\"\",\"payload\":\"AP8Q\","
		   "\"status\":\"FORBIDDEN\"}");
	m.status = 99; /* no name: the number */
	m.payload.len = 0;
	expect(&m, "{\"field\":\"\",\"message\":\"\",\"payload\":\"\","
		   "\"status\":99}");
}

static void test_repeated_and_nested(void **state)
{
	(void)state;
	Hd__KbSuggestion a = HD__KB_SUGGESTION__INIT,
			 b = HD__KB_SUGGESTION__INIT;
	a.article_id = 1;
	a.title = "환불";
	a.score = 2.5;
	a.kind = "article";
	b.article_id = 2;
	Hd__KbSuggestion *list[] = {&a, &b};
	Hd__KbSuggested m = HD__KB_SUGGESTED__INIT;
	m.ticket_id = 9;
	expect(&m, "{\"suggestions\":[],\"ticket_id\":9}");
	m.suggestions = list;
	m.n_suggestions = 2;
	expect(&m, "{\"suggestions\":[{\"article_id\":1,\"html_url\":\"\","
		   "\"kind\":\"article\",\"score\":2.5,\"title\":\"환불\"},"
		   "{\"article_id\":2,\"html_url\":\"\",\"kind\":\"\","
		   "\"score\":0.0,\"title\":\"\"}],\"ticket_id\":9}");

	uint64_t ids[] = {3, 1, 2};
	Hd__KbDeflection d = HD__KB_DEFLECTION__INIT;
	d.article_ids = ids;
	d.n_article_ids = 3;
	d.action = "shown";
	d.locale = "ko";
	expect(&d, "{\"action\":\"shown\",\"article_id\":0,"
		   "\"article_ids\":[3,1,2],\"at\":0,\"deflection_id\":0,"
		   "\"locale\":\"ko\",\"user_id\":0}");
}

static void test_decode(void **state)
{
	(void)state;
	Hd__EventsSinceReply r = HD__EVENTS_SINCE_REPLY__INIT;
	Hd__Envelope e = HD__ENVELOPE__INIT, *list[] = {&e};
	e.type = "ticket.created";
	e.seq = 4;
	e.shard = 1;
	r.events = list;
	r.n_events = 1;
	uint8_t buf[128];
	size_t len = hd__events_since_reply__pack(&r, buf);
	json_t *j = hd_pb_decode_json(&hd__events_since_reply__descriptor, buf,
				      len);
	assert_non_null(j);
	json_t *ev = json_array_get(json_object_get(j, "events"), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "type")),
			    "ticket.created");
	assert_int_equal(json_integer_value(json_object_get(ev, "seq")), 4);
	assert_int_equal(json_integer_value(json_object_get(ev, "shard")), 1);
	json_decref(j);
	/* a truncated field header and a length past the end do not decode */
	assert_null(hd_pb_decode_json(&hd__events_since_reply__descriptor,
				      (const uint8_t *)"\x0a\x05\x0a", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_shown),
		cmocka_unit_test(test_scalars_and_korean),
		cmocka_unit_test(test_enum_and_bytes),
		cmocka_unit_test(test_repeated_and_nested),
		cmocka_unit_test(test_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
