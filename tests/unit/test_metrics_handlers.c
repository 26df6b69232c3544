/* Handler-level tests of metrics: ticket events applied through
 * metrics_apply in a group commit (as the consumer does), then the RPCs
 * that answer from what was applied — metrics.counts, metrics.report and
 * metrics.mc.metrics —
 * called directly on a fresh store. Links libmetrics.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mc.h"
#include "metrics.h"
#include "mr.h"

#include "common.pb-c.h"
#include "hd/pbwire.h"
#include "reports.pb-c.h"
#include "ticket_metrics.pb-c.h"
#include "ticket.pb-c.h"

#include <jansson.h>

#include "unit_svc.h"

/* 2026-03-02 10:00 in Seoul = 01:00Z */
#define T0   ((int64_t)1772413200000)
#define HOUR ((int64_t)3600000)

static const char *const own_dbs[] = {"counters", "tickets", NULL};
static const char *const *const dbs[] = {own_dbs, mc_db_names, mr_db_names,
					 NULL};
static const hd_rpc_route *const routes[] = {metrics_routes, mc_routes,
					     mr_routes, NULL};

typedef struct fx {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	metrics m;
	hd_principal agent;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	f->m.store = unit_store_open(&f->u, dbs, NULL);
	assert_hd_ok(metrics_store_bind(&f->m));
	assert_hd_ok(mc_bind(&f->m.mc, f->m.store));
	assert_hd_ok(mr_init(&f->m));
	f->agent = unit_who("agent", 2);
	*state = f;
	return 0;
}

typedef struct apply_job {
	metrics *m;
	Hd__Envelope *ev;
} apply_job;

static int apply_write(hd_txn *t, void *arg)
{
	apply_job *j = arg;
	return metrics_apply(j->m, t, j->ev);
}

/* Apply one ticket.created event for ticket id created at `at`. */
static int created(fx *f, uint64_t id, int64_t at, const char *via)
{
	static uint64_t seq;
	Hd__Ticket tk = HD__TICKET__INIT;
	tk.id = id;
	tk.created_at = at;
	tk.updated_at = at;
	tk.subject = "배송 문의";
	tk.status = "new";
	tk.via_channel = (char *)via;
	uint8_t buf[512];
	size_t n = hd__ticket__get_packed_size(&tk);
	assert_true(n <= sizeof buf);
	hd__ticket__pack(&tk, buf);
	Hd__Envelope ev = HD__ENVELOPE__INIT;
	ev.type = "ticket.created";
	ev.source = "intake";
	ev.seq = ++seq;
	ev.time_ms = at;
	ev.payload.data = buf;
	ev.payload.len = n;
	apply_job j = {&f->m, &ev};
	return hd_store_write(f->m.store, apply_write, &j);
}

static uint64_t counts(fx *f)
{
	hd_rpc_rep rep;
	assert_hd_ok(unit_call(routes, &f->m, "metrics.counts", NULL, &f->agent,
			       &rep));
	/* One varint field 1: 0x08 then the value. */
	const uint8_t *p = (const uint8_t *)rep.payload.data;
	uint64_t v = 0;
	if (rep.payload.len) {
		assert_int_equal(p[0], 0x08);
		for (size_t i = 1, shift = 0; i < rep.payload.len;
		     i++, shift += 7)
			v |= (uint64_t)(p[i] & 0x7f) << shift;
	}
	unit_rep_release(&rep);
	return v;
}

static void test_counts_follow_applied_events(void **state)
{
	fx *f = *state;
	assert_int_equal(counts(f), 0);
	assert_hd_ok(created(f, 256, T0, "web"));
	assert_hd_ok(created(f, 512, T0 + HOUR, "email"));
	assert_int_equal(counts(f), 2);
	/* A payload that is not a ticket is refused, and counts nothing. */
	Hd__Envelope ev = HD__ENVELOPE__INIT;
	static uint8_t junk[] = {0xff, 0xff, 0xff};
	ev.type = "ticket.created";
	ev.payload.data = junk;
	ev.payload.len = sizeof junk;
	apply_job j = {&f->m, &ev};
	assert_true(hd_store_write(f->m.store, apply_write, &j) != HD_OK);
	assert_int_equal(counts(f), 2);
}

/* Run metrics.report and return its rows (hd__report_reply__free_unpacked
 * them). */
static Hd__ReportReply *report(fx *f, Hd__ReportRequest *q, int want)
{
	hd_rpc_rep rep;
	assert_rep_rc(unit_call(routes, &f->m, "metrics.report", &q->base,
				&f->agent, &rep),
		      &rep, want);
	Hd__ReportReply *r = NULL;
	if (want == HD_OK)
		r = unit_rep_decode(&rep, &hd__report_reply__descriptor);
	unit_rep_release(&rep);
	return r;
}

static void test_volume_report_counts_by_hour_and_channel(void **state)
{
	fx *f = *state;
	assert_hd_ok(created(f, 256, T0, "web"));
	assert_hd_ok(created(f, 512, T0 + 60000, "web"));
	assert_hd_ok(created(f, 768, T0 + HOUR, "email"));
	Hd__ReportRequest q = HD__REPORT_REQUEST__INIT;
	q.name = "volume";
	q.start_ms = T0 - 2 * HOUR;
	q.end_ms = T0 + 3 * HOUR;
	q.interval = "hour";
	Hd__ReportReply *out = report(f, &q, HD_OK);
	assert_string_equal(out->name, "volume");
	assert_string_equal(out->interval, "hour");
	assert_int_equal(out->start_ms, T0 - 2 * HOUR);
	int64_t web = 0, email = 0;
	for (size_t i = 0; i < out->n_volume; i++) {
		const Hd__VolumeRow *row = out->volume[i];
		if (!strcmp(row->channel, "web"))
			web += row->tickets;
		else if (!strcmp(row->channel, "email"))
			email += row->tickets;
		/* Hour buckets: the row's time is the hour it counts. */
		assert_int_equal(row->time_ms % HOUR, 0);
	}
	if (web != 2 || email != 1)
		fail_msg("want web 2, email 1; got %lld, %lld", (long long)web,
			 (long long)email);
	hd__report_reply__free_unpacked(out, NULL);
}

/* With HD_ACCOUNT_TIME_ZONE America/New_York a day report's rows start at
 * New York midnights: tickets half an hour either side of midnight EST
 * (2026-03-08T05:00Z) fall on two days, which Seoul would have put on one
 * (2026-03-07T15:00Z to 2026-03-08T15:00Z). */
static void test_day_report_follows_the_account_zone(void **state)
{
	fx *f = *state;
	const int64_t mar8 = 1772946000000; /* 2026-03-08T05:00Z */
	assert_hd_ok(mr_zone_set("America/New_York"));
	assert_hd_ok(created(f, 256, mar8 - HOUR / 2, "web"));
	assert_hd_ok(created(f, 512, mar8 + HOUR / 2, "web"));
	Hd__ReportRequest q = HD__REPORT_REQUEST__INIT;
	q.name = "volume";
	q.start_ms = mar8 - 2 * 24 * HOUR;
	q.end_ms = mar8 + 2 * 24 * HOUR;
	q.interval = "day";
	Hd__ReportReply *out = report(f, &q, HD_OK);
	assert_hd_ok(mr_zone_set("Asia/Seoul"));
	assert_string_equal(out->time_zone, "America/New_York");
	const int64_t want[] = {1772859600000,  /* 2026-03-07T05:00Z */
				1772946000000}; /* 2026-03-08T05:00Z */
	size_t seen = 0;
	for (size_t i = 0; i < out->n_volume; i++) {
		const Hd__VolumeRow *row = out->volume[i];
		if (!row->tickets)
			continue;
		if (seen >= 2 || row->time_ms != want[seen] ||
		    row->tickets != 1)
			fail_msg(
				"want one ticket on each New York day; row %zu "
				"at %lld has %lld",
				i, (long long)row->time_ms,
				(long long)row->tickets);
		seen++;
	}
	if (seen != 2)
		fail_msg("want two day rows, got %zu", seen);
	hd__report_reply__free_unpacked(out, NULL);
}

static void test_report_bad_requests(void **state)
{
	fx *f = *state;
	hd_rpc_rep rep;
	Hd__ReportRequest q = HD__REPORT_REQUEST__INIT;
	q.name = "no-such-report";
	assert_rep_rc(unit_call(routes, &f->m, "metrics.report", &q.base,
				&f->agent, &rep),
		      &rep, HD_E_NOTFOUND);
	assert_string_equal(rep.field, "name");
	unit_rep_release(&rep);
	q.name = "volume";
	q.format = "xml";
	assert_rep_rc(unit_call(routes, &f->m, "metrics.report", &q.base,
				&f->agent, &rep),
		      &rep, HD_E_INVALID);
	assert_string_equal(rep.field, "format");
	unit_rep_release(&rep);
	q.format = "";
	q.group_id = 5;
	q.agent_id = 6;
	assert_rep_rc(unit_call(routes, &f->m, "metrics.report", &q.base,
				&f->agent, &rep),
		      &rep, HD_E_INVALID);
	assert_string_equal(rep.field, "filters");
	unit_rep_release(&rep);
	static const uint8_t junk[] = {0xff, 0xff, 0xff};
	assert_rep_rc(unit_call_raw(routes, &f->m, "metrics.report", junk,
				    sizeof junk, &f->agent, &rep),
		      &rep, HD_E_INVALID);
	unit_rep_release(&rep);
}

/* metrics.mc.metrics as who for ticket id (0: the list); the answer's
 * typed rows (free with hd__mc_answer__free_unpacked). */
static Hd__McAnswer *ticket_metrics(fx *f, const hd_principal *who, uint64_t id,
				    int want)
{
	hd_rpc_rep rep;
	Hd__McQuery q = HD__MC_QUERY__INIT;
	q.id = id;
	assert_rep_rc(unit_call(routes, &f->m, "metrics.mc.metrics", &q.base,
				who, &rep),
		      &rep, want);
	Hd__McAnswer *a = NULL;
	if (want == HD_OK)
		a = unit_rep_decode(&rep, &hd__mc_answer__descriptor);
	unit_rep_release(&rep);
	return a;
}

static void test_ticket_metrics(void **state)
{
	fx *f = *state;
	assert_hd_ok(created(f, 256, T0, "web"));
	assert_hd_ok(created(f, 512, T0 + HOUR, "email"));
	Hd__McAnswer *one = ticket_metrics(f, &f->agent, 512, HD_OK);
	assert_int_equal(one->n_metrics, 1);
	assert_int_equal(one->metrics[0]->ticket_id, 512);
	assert_int_equal(one->metrics[0]->created_at, T0 + HOUR);
	/* No reply and no solve yet: those durations are unset (nulls). */
	assert_null(one->metrics[0]->reply_time);
	assert_null(one->metrics[0]->full_resolution_time);
	assert_non_null(one->metrics[0]->requester_wait_time);
	hd__mc_answer__free_unpacked(one, NULL);
	Hd__McAnswer *all = ticket_metrics(f, &f->agent, 0, HD_OK);
	assert_int_equal(all->n_metrics, 2);
	assert_int_equal(all->count, 2);
	hd__mc_answer__free_unpacked(all, NULL);
	ticket_metrics(f, &f->agent, 768, HD_E_NOTFOUND);
	hd_principal user = unit_who("end-user", 3);
	ticket_metrics(f, &user, 256, HD_E_FORBIDDEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_counts_follow_applied_events, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(
			test_volume_report_counts_by_hour_and_channel, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_ticket_metrics, setup,
						unit_store_teardown),
		cmocka_unit_test_setup_teardown(
			test_day_report_follows_the_account_zone, setup,
			unit_store_teardown),
		cmocka_unit_test_setup_teardown(test_report_bad_requests, setup,
						unit_store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
