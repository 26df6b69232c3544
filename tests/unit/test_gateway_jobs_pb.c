/* Unit tests for gateway/tickets/jobs_pb.c: a job_status object survives intake's
 * typed record key by key (each result keeps exactly its own keys), and a
 * job stored as JSON text by an older build still reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gw_tickets.h"
#include "hd/err.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static void test_job_round_trips_key_by_key(void **state)
{
	(void)state;
	json_t *o = json_loads(
		"{\"id\":\"V3-ab\",\"job_type\":\"Bulk Create Tickets\","
		"\"total\":3,\"progress\":3,\"status\":\"completed\","
		"\"message\":\"Completed at 2026-12-06 10:00:00 +0000\","
		"\"results\":[{\"index\":0,\"id\":7},"
		"{\"action\":\"update\",\"id\":8,\"status\":\"Updated\","
		"\"success\":true},"
		"{\"index\":2,\"success\":false,\"error\":\"RecordInvalid\","
		"\"details\":{\"priority\":[{\"description\":\"우선순위: "
		"nope\",\"error\":\"InvalidValue\"}]}},"
		"{\"index\":3,\"success\":false,\"error\":null}]}",
		0, NULL);
	assert_non_null(o);
	Hd__JobStatus js = HD__JOB_STATUS__INIT;
	js.id = "V3-ab";
	assert_hd_ok(gw_job_to_pb(o, &js));
	size_t len = hd__job_status__get_packed_size(&js);
	uint8_t *buf = malloc(len);
	hd__job_status__pack(&js, buf);
	gw_job_pb_release(&js);
	Hd__JobStatus *back = hd__job_status__unpack(NULL, len, buf);
	free(buf);
	assert_non_null(back);
	json_t *again = gw_job_from_pb(back);
	if (!json_equal(o, again)) {
		char *a = json_dumps(o, JSON_SORT_KEYS),
		     *b = json_dumps(again, JSON_SORT_KEYS);
		fail_msg("stored:\n%s\nread back:\n%s", a, b);
	}
	json_decref(again);
	json_decref(o);
	hd__job_status__free_unpacked(back, NULL);
}

static void test_old_json_job_still_reads(void **state)
{
	(void)state;
	const char *json = "{\"id\":\"V3-old\",\"status\":\"completed\"}";
	uint8_t buf[128];
	size_t n = 0;
	buf[n++] = 0x0a; /* field 1, bytes: id */
	buf[n++] = 6;
	memcpy(buf + n, "V3-old", 6);
	n += 6;
	buf[n++] = 0x12; /* field 2 (the retired json), bytes */
	buf[n++] = (uint8_t)strlen(json);
	memcpy(buf + n, json, strlen(json));
	n += strlen(json);
	Hd__JobStatus *js = hd__job_status__unpack(NULL, n, buf);
	assert_non_null(js);
	json_t *o = gw_job_from_pb(js);
	assert_string_equal(json_string_value(json_object_get(o, "status")),
			    "completed");
	json_decref(o);
	hd__job_status__free_unpacked(js, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_round_trips_key_by_key),
		cmocka_unit_test(test_old_json_job_still_reads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
