/* The gateway's SLA JSON (rules/sla_json.c): Zendesk's sla_policy object
 * read into hd.SlaCall (the values and the names of the keys given) and a
 * typed policy rendered back byte for byte in routing's former key order;
 * a wrong JSON type answers 422 naming the key; the slas sideload's time
 * left in minutes, hours or days. Links libgateway.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gw_sla.h"

#include "hd/err.h"
#include "hd/store_pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Defined beside the gateway's wiring (main.c, not in libgateway.a). */
const char *const gw_peer_names[GW_PEERS] = {"routing", "knowledge",
					     "notifications", "metrics"};

static const char policy_in[] =
	"{\"sla_policy\":{\"title\":\"기본 응답 SLA\",\"description\":null,"
	"\"position\":2,\"filter\":{\"all\":[{\"field\":\"status\","
	"\"operator\":\"less_than\",\"value\":\"solved\"},{\"field\":"
	"\"group_id\",\"operator\":\"is\",\"value\":7}]},\"policy_metrics\":"
	"[{\"priority\":\"urgent\",\"metric\":\"first_reply_time\",\"target\":"
	"30,\"business_hours\":true}],\"hd_escalations\":[{\"on\":\"breach\","
	"\"actions\":[{\"field\":\"notification_user\",\"value\":["
	"\"requester_id\",\"제목\",\"본문\"]}]}],\"hd_schedule_id\":null,"
	"\"ignored\":1}}";

static const char policy_out[] =
	"{\"description\":\"\",\"filter\":{\"all\":[{\"field\":\"status\","
	"\"operator\":\"less_than\",\"value\":\"solved\"},{\"field\":"
	"\"group_id\",\"operator\":\"is\",\"value\":7}],\"any\":[]},"
	"\"policy_metrics\":[{\"priority\":\"urgent\",\"metric\":\"first_reply_"
	"time\",\"target\":30,\"business_hours\":true,\"target_in_seconds\":"
	"1800}],\"hd_escalations\":[{\"on\":\"breach\",\"actions\":[{\"field\":"
	"\"notification_user\",\"value\":[\"requester_id\",\"제목\",\"본문\"]}]"
	"}"
	"],\"hd_schedule_id\":0,\"title\":\"기본 응답 SLA\",\"id\":9,"
	"\"position\":2,\"created_at\":\"2027-01-15T08:00:00Z\",\"updated_at\":"
	"\"2027-01-15T08:00:00Z\",\"url\":\"https://d.example/api/v2/slas/"
	"policies/9.json\"}";

static Hd__SlaCall *read_ok(const char *text)
{
	json_t *root = json_loads(text, 0, NULL);
	assert_non_null(root);
	Hd__SlaCall *c = hd_pb_new(&hd__sla_call__descriptor);
	gw_resp out = {0};
	int rc = gw_sla_policy_read(root, c, &out);
	if (rc) {
		char *s = json_dumps(out.body, 0);
		fail_msg("%s: %s", hd_errname(rc), s);
	}
	json_decref(root);
	return c;
}

static void test_policy_read_and_render(void **state)
{
	(void)state;
	Hd__SlaCall *c = read_ok(policy_in);
	static const char *const keys[] = {
		"title",          "description",    "position",      "filter",
		"policy_metrics", "hd_escalations", "hd_schedule_id"};
	assert_int_equal(c->n_fields, 7);
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(c->fields[i], keys[i]);
	Hd__SlaPolicy *p = c->policy;
	assert_int_equal(p->n_all, 2);
	assert_int_equal(p->all[1]->value->kind,
			 HD__RULE_VALUE__KIND__VALUE_NUMBER);
	assert_int_equal(p->policy_metrics[0]->priority,
			 HD__TICKET_PRIORITY__PRIORITY_URGENT);
	assert_int_equal(p->policy_metrics[0]->metric,
			 HD__SLA_METRIC__SLA_FIRST_REPLY_TIME);
	assert_int_equal(p->escalations[0]->metric, 0);

	gw_req r;
	memset(&r, 0, sizeof r);
	snprintf(r.base_url, sizeof r.base_url, "https://d.example");
	p->id = 9;
	p->created_at = p->updated_at = 1800000000000;
	json_t *j = gw_sla_policy_json(&r, p);
	char *s = json_dumps(j, JSON_COMPACT);
	assert_string_equal(s, policy_out);
	free(s);
	json_decref(j);
	hd__sla_call__free_unpacked(c, NULL);
}

/* An update names only the keys it gave. */
static void test_partial_update(void **state)
{
	(void)state;
	Hd__SlaCall *c = read_ok("{\"sla_policy\":{\"position\":4}}");
	assert_int_equal(c->n_fields, 1);
	assert_string_equal(c->fields[0], "position");
	assert_int_equal(c->policy->position, 4);
	hd__sla_call__free_unpacked(c, NULL);
}

static void bad(const char *text, const char *field, const char *why)
{
	json_t *root = json_loads(text, 0, NULL);
	assert_non_null(root);
	Hd__SlaCall *c = hd_pb_new(&hd__sla_call__descriptor);
	gw_resp out = {0};
	int rc = strstr(text, "sla_policy_ids")
			 ? gw_sla_reorder_read(root, c, &out)
			 : gw_sla_policy_read(root, c, &out);
	assert_int_equal(rc, HD_E_INVALID);
	assert_int_equal(out.status, 422);
	json_t *d =
		json_object_get(json_object_get(out.body, "details"), field);
	const char *desc = json_string_value(
		json_object_get(json_array_get(d, 0), "description"));
	if (!desc || !strstr(desc, why))
		fail_msg("%s: want %s: …%s…, got %s", text, field, why,
			 desc ? desc : "(no such key)");
	json_decref(out.body);
	json_decref(root);
	hd__sla_call__free_unpacked(c, NULL);
}

static void test_wrong_types_name_the_key(void **state)
{
	(void)state;
	bad("{\"sla_policy\":[]}", "sla_policy", "must be an object");
	bad("{}", "sla_policy", "must be an object");
	bad("{\"sla_policy\":{\"title\":7}}", "title", "cannot be blank");
	bad("{\"sla_policy\":{\"description\":{}}}", "description",
	    "must be a string");
	bad("{\"sla_policy\":{\"position\":1.5}}", "position", "whole number");
	bad("{\"sla_policy\":{\"filter\":\"x\"}}", "filter",
	    "must be an object");
	bad("{\"sla_policy\":{\"filter\":{\"any\":3}}}", "filter",
	    "filter.any must be an array");
	bad("{\"sla_policy\":{\"filter\":{\"all\":[{\"field\":\"status\","
	    "\"operator\":\"is\",\"value\":true}]}}}",
	    "filter", "filter.all[0] needs field");
	bad("{\"sla_policy\":{\"policy_metrics\":[{\"priority\":\"normal\","
	    "\"metric\":\"first_reply_time\",\"target\":\"60\"}]}}",
	    "policy_metrics", "policy_metrics[0] needs priority");
	bad("{\"sla_policy\":{\"hd_escalations\":[{\"on\":\"breach\","
	    "\"actions\":[{\"field\":\"status\",\"value\":{}}]}]}}",
	    "hd_escalations", "hd_escalations[0].actions[0]");
	bad("{\"sla_policy\":{\"hd_schedule_id\":\"3\"}}", "hd_schedule_id",
	    "must name a schedule");
	bad("{\"sla_policy_ids\":{}}", "sla_policy_ids", "array of ids");
	bad("{\"sla_policy_ids\":[1,\"2\"]}", "sla_policy_ids",
	    "sla_policy_ids[1] is not");
}

static void test_sideload_time_left(void **state)
{
	(void)state;
	Hd__SlaMetricState m[4], *ptrs[4];
	const int64_t left[] = {90, 30, -3000, 0};
	const Hd__SlaClock__Stage st[] = {HD__SLA_CLOCK__STAGE__STAGE_ACTIVE,
					  HD__SLA_CLOCK__STAGE__STAGE_PAUSED,
					  HD__SLA_CLOCK__STAGE__STAGE_ACTIVE,
					  HD__SLA_CLOCK__STAGE__STAGE_ACHIEVED};
	for (int i = 0; i < 4; i++) {
		hd__sla_metric_state__init(&m[i]);
		m[i].metric = (Hd__SlaMetric)(i + 1);
		m[i].stage = st[i];
		m[i].breach_at = i == 0 ? 1800000000000 : 0;
		m[i].has_left = i < 3;
		m[i].left_minutes = left[i];
		ptrs[i] = &m[i];
	}
	Hd__SlaTicketSlas t = HD__SLA_TICKET_SLAS__INIT;
	t.policy_metrics = ptrs;
	t.n_policy_metrics = 4;
	json_t *j = gw_sla_ticket_json(&t);
	char *s = json_dumps(j, JSON_COMPACT);
	assert_string_equal(
		s,
		"{\"policy_metrics\":[{\"breach_at\":\"2027-01-15T08:00:00Z\","
		"\"stage\":\"active\",\"metric\":\"first_reply_time\","
		"\"hours\":1},{\"breach_at\":null,\"stage\":\"paused\","
		"\"metric\":\"next_reply_time\",\"minutes\":30},{"
		"\"breach_at\":null,\"stage\":\"active\",\"metric\":"
		"\"periodic_update_time\",\"days\":-2},{\"breach_at\":null,"
		"\"stage\":\"achieved\",\"metric\":\"pausable_update_"
		"time\"}]}");
	free(s);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_read_and_render),
		cmocka_unit_test(test_partial_update),
		cmocka_unit_test(test_wrong_types_name_the_key),
		cmocka_unit_test(test_sideload_time_left),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
