/* The gateway's rendering of metrics' typed rows (gw_report_table.c,
 * gw_report_rows.c, gw_report_board.c, gw_mc_render.c): exact JSON and CSV
 * bytes for hand-built replies — the report table with its filters and
 * trailing keys, CSV quoting and formula escaping with Korean text, the
 * wallboard's rates, the CSAT summary — and a reply naming no report
 * answered as an error, not a crash. Links libgateway.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gw_mc.h"
#include "gw_report.h"

#include <stdlib.h>
#include <string.h>

/* Defined beside the gateway's wiring (main.c, not in libgateway.a). */
const char *const gw_peer_names[GW_PEERS] = {"routing", "knowledge",
					     "notifications", "metrics"};

#define T0 ((int64_t)1772413200000) /* 2026-03-02T01:00:00Z */

static char *body(gw_resp *out)
{
	assert_int_equal(out->status, 200);
	char *s = malloc(out->raw_len + 1);
	assert_non_null(s);
	memcpy(s, out->raw, out->raw_len);
	s[out->raw_len] = '\0';
	free(out->raw);
	out->raw = NULL;
	return s;
}

static void test_volume_json(void **state)
{
	(void)state;
	Hd__ReportReply r = HD__REPORT_REPLY__INIT;
	Hd__VolumeRow v = HD__VOLUME_ROW__INIT, *rows[] = {&v};
	r.name = "volume";
	r.time_zone = "Asia/Seoul";
	r.start_ms = T0;
	r.end_ms = T0 + 7200000;
	r.group_id = 7;
	r.tag = "배송";
	r.interval = "hour";
	v.time_ms = T0;
	v.channel = "web";
	v.tickets = 2;
	r.volume = rows;
	r.n_volume = 1;
	gw_resp out = {0};
	assert_int_equal(gw_report_send(&r, 0, &out), 0);
	char *s = body(&out);
	assert_string_equal(
		s, "{\"report\":{\"name\":\"volume\",\"start_time\":"
		   "\"2026-03-02T01:00:00Z\",\"end_time\":"
		   "\"2026-03-02T03:00:00Z\",\"time_zone\":\"Asia/Seoul\","
		   "\"filters\":{\"group_id\":7,\"tag\":\"배송\"},"
		   "\"columns\":[\"time\",\"channel\",\"tickets\"],"
		   "\"rows\":[{\"time\":\"2026-03-02T01:00:00Z\",\"channel\":"
		   "\"web\",\"tickets\":2}],\"interval\":\"hour\"}}");
	assert_string_equal(out.raw_name, "volume.json");
	free(s);
}

static void test_keywords_csv(void **state)
{
	(void)state;
	Hd__ReportReply r = HD__REPORT_REPLY__INIT;
	Hd__KeywordRow a = HD__KEYWORD_ROW__INIT, b = HD__KEYWORD_ROW__INIT;
	Hd__KeywordRow *rows[] = {&a, &b};
	r.name = "keywords";
	a.term = "=HYPERLINK(\"x\")";
	a.tickets = 3;
	b.term = "배송";
	b.tickets = 1;
	b.previous_tickets = 4;
	r.keywords = rows;
	r.n_keywords = 2;
	gw_resp out = {0};
	assert_int_equal(gw_report_send(&r, 1, &out), 0);
	char *s = body(&out);
	assert_string_equal(s, "\xEF\xBB\xBF\"rank\",\"term\",\"tickets\","
			       "\"previous_tickets\",\"change\"\r\n"
			       "1,\"'=HYPERLINK(\"\"x\"\")\",3,0,3\r\n"
			       "2,\"배송\",1,4,-3\r\n");
	assert_string_equal(out.raw_name, "keywords.csv");
	free(s);
}

static void test_unknown_report_is_an_error(void **state)
{
	(void)state;
	Hd__ReportReply r = HD__REPORT_REPLY__INIT;
	r.name = "nosuch";
	gw_resp out = {0};
	assert_int_not_equal(gw_report_send(&r, 0, &out), 0);
	assert_true(out.status >= 500);
	assert_null(out.raw);
	json_decref(out.body);
	/* No board, no suggestion: nothing to render. */
	size_t len;
	assert_null(gw_report_live(&r, &len));
	assert_null(gw_report_teams(&r));
}

static void test_live_rates(void **state)
{
	(void)state;
	Hd__ReportReply r = HD__REPORT_REPLY__INIT;
	Hd__LiveBoard b = HD__LIVE_BOARD__INIT;
	Hd__LiveQueue q = HD__LIVE_QUEUE__INIT, *qs[] = {&q};
	Hd__StateCount st = HD__STATE_COUNT__INIT, *sts[] = {&st};
	b.time_ms = T0;
	b.queues = qs;
	b.n_queues = 1;
	q.queued = 1;
	q.open = 2;
	q.longest_wait_seconds = 60;
	b.longest_wait_seconds = 60;
	b.calls_inbound = 3;
	b.calls_answered = 1;
	st.state = "상담\"준비";
	st.agents = 2;
	b.agents_by_state = sts;
	b.n_agents_by_state = 1;
	r.live = &b;
	size_t len = 0;
	char *s = gw_report_live(&r, &len);
	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	assert_string_equal(
		s, "{\"live\":{\"time\":\"2026-03-02T01:00:00Z\",\"queues\":"
		   "[{\"group_id\":null,\"queued\":1,\"open\":2,"
		   "\"longest_wait_seconds\":60}],\"longest_wait_seconds\":60,"
		   "\"calls_today\":{\"inbound\":3,\"answered\":1,"
		   "\"answer_rate\":33.3},\"sla_today\":{\"achieved\":0,"
		   "\"breached\":0,\"achievement_rate\":null},"
		   "\"agents_by_state\":{\"상담\\\"준비\":2}}}");
	free(s);
}

static void test_csat_summary(void **state)
{
	(void)state;
	Hd__McAnswer a = HD__MC_ANSWER__INIT;
	Hd__McCsatRow x = HD__MC_CSAT_ROW__INIT, y = HD__MC_CSAT_ROW__INIT;
	Hd__McCsatRow *rows[] = {&x, &y};
	x.good = 1;
	x.bad = 3;
	y.id = 9;
	a.csat = rows;
	a.n_csat = 2;
	json_t *o = gw_mc_csat_json(&a, 0);
	char *s = json_dumps(o, JSON_COMPACT);
	assert_string_equal(
		s, "{\"csat\":[{\"group_id\":null,\"good\":1,\"bad\":3,"
		   "\"rated\":4,\"satisfaction_percent\":25.0},"
		   "{\"group_id\":9,\"good\":0,\"bad\":0,\"rated\":0,"
		   "\"satisfaction_percent\":null}],\"total\":{\"good\":0,"
		   "\"bad\":0,\"rated\":0,\"satisfaction_percent\":null}}");
	free(s);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_volume_json),
		cmocka_unit_test(test_keywords_csv),
		cmocka_unit_test(test_unknown_report_is_an_error),
		cmocka_unit_test(test_live_rates),
		cmocka_unit_test(test_csat_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
