/* Unit tests for the service tables of hd/svc.h (common/svc.c and
 * svc_tick.c): event rows match by source, type and type prefix and run in
 * order until the first error; modules open in order and only the opened
 * ones close, in reverse; tick jobs run on their period only while the
 * service is ready, a stop wakes a job waiting out its period, and a
 * refused period stops the start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../common/svc_tick.h"
#include "common.pb-c.h"
#include "hd/err.h"
#include "hd/svc.h"
#include "unit.h"

#include <stdatomic.h>

typedef struct trace {
	char log[256];
	int fail_at; /* the row (1-based) that returns HD_E_CONFLICT */
	int n;
} trace;

static trace tr;

static int note(const char *what)
{
	size_t len = strlen(tr.log);
	snprintf(tr.log + len, sizeof tr.log - len, "%s%s", len ? " " : "",
		 what);
	return ++tr.n == tr.fail_at ? HD_E_CONFLICT : HD_OK;
}

#define EV_FN(name)                                                            \
	static int name(void *ctx, hd_txn *t, const Hd__Envelope *ev)          \
	{                                                                      \
		(void)ctx;                                                     \
		(void)t;                                                       \
		(void)ev;                                                      \
		return note(#name);                                            \
	}
EV_FN(any)
EV_FN(from_intake)
EV_FN(created)
EV_FN(sla_prefix)

static const hd_svc_event events[] = {{NULL, NULL, any},
				      {"intake", NULL, from_intake},
				      {"intake", "ticket.created", created},
				      {NULL, "sla.", sla_prefix},
				      {NULL, NULL, NULL}};

static int dispatch(hd_svc *svc, const char *source, const char *type)
{
	Hd__Envelope ev = HD__ENVELOPE__INIT;
	ev.source = (char *)source;
	ev.type = (char *)type;
	hd_txn t;
	memset(&t, 0, sizeof t);
	tr.log[0] = '\0';
	tr.n = 0;
	return hd_svc_dispatch(svc, &t, &ev);
}

static void test_event_rows(void **state)
{
	(void)state;
	hd_svc_def def = {.name = "t", .events = events};
	hd_svc svc = {.def = &def};
	tr.fail_at = 0;
	assert_hd_ok(dispatch(&svc, "intake", "ticket.created"));
	assert_string_equal(tr.log, "any from_intake created");
	assert_hd_ok(dispatch(&svc, "intake", "ticket.updated"));
	assert_string_equal(tr.log, "any from_intake");
	assert_hd_ok(dispatch(&svc, "routing", "sla.breached"));
	assert_string_equal(tr.log, "any sla_prefix");
	/* "sla." is a prefix; "sla" alone is not that type. */
	assert_hd_ok(dispatch(&svc, "routing", "slack.message"));
	assert_string_equal(tr.log, "any");
	/* The first error stops the rest and is the result. */
	tr.fail_at = 2;
	assert_hd_rc(dispatch(&svc, "intake", "ticket.created"), HD_E_CONFLICT);
	assert_string_equal(tr.log, "any from_intake");
	/* No rows: nothing to do. */
	hd_svc_def none = {.name = "t"};
	svc.def = &none;
	assert_hd_ok(dispatch(&svc, "intake", "ticket.created"));
}

#define MOD_FNS(name)                                                          \
	static int name##_open(hd_svc *svc, void *ctx)                         \
	{                                                                      \
		return note("open_" #name);                                    \
	}                                                                      \
	static void name##_close(hd_svc *svc, void *ctx)                       \
	{                                                                      \
		note("close_" #name);                                          \
	}
MOD_FNS(a)
MOD_FNS(b)
MOD_FNS(c)

static void test_modules_close_in_reverse(void **state)
{
	(void)state;
	static const hd_svc_module mods[] = {{"a", a_open, a_close},
					     {"nothing", NULL, NULL},
					     {"b", b_open, b_close},
					     {"c", c_open, c_close},
					     {NULL, NULL, NULL}};
	hd_svc_def def = {.name = "t", .modules = mods};
	hd_svc svc = {.def = &def};
	tr.log[0] = '\0';
	tr.n = 0;
	tr.fail_at = 0;
	assert_hd_ok(hd_svc_open_modules(&svc));
	hd_svc_close_modules(&svc);
	assert_string_equal(tr.log, "open_a open_b open_c close_c close_b "
				    "close_a");
	/* b's open fails: c never opens, a (only) closes. */
	memset(&svc, 0, sizeof svc);
	svc.def = &def;
	tr.log[0] = '\0';
	tr.n = 0;
	tr.fail_at = 2;
	assert_hd_rc(hd_svc_open_modules(&svc), HD_E_CONFLICT);
	hd_svc_close_modules(&svc);
	assert_string_equal(tr.log, "open_a open_b close_a");
}

static atomic_int ticks;

static int count_tick(hd_svc *svc, void *ctx)
{
	(void)svc;
	(void)ctx;
	atomic_fetch_add(&ticks, 1);
	return HD_OK;
}

static bool three_ticks(void *arg)
{
	(void)arg;
	return atomic_load(&ticks) >= 3;
}

static void ticker_svc(hd_svc *svc, hd_svc_def *def, const char *period)
{
	static const hd_cfg_opt opts[] = {
		{"HD_UNIT_TICK_MS", "--unit-tick-ms", "20", "period"}};
	static const hd_svc_tick jobs[] = {
		{"unit.tick", "HD_UNIT_TICK_MS", 10, count_tick},
		{NULL, NULL, 0, NULL}};
	memset(def, 0, sizeof *def);
	def->name = "t";
	def->ticks = jobs;
	memset(svc, 0, sizeof *svc);
	svc->def = def;
	hd_cfg_init(&svc->cfg);
	assert_hd_ok(hd_cfg_add(&svc->cfg, opts, 1));
	char flag[64];
	snprintf(flag, sizeof flag, "--unit-tick-ms=%s", period);
	char *argv[] = {"test", flag, NULL};
	assert_hd_ok(hd_cfg_parse(&svc->cfg, 2, argv, "test"));
}

static void test_ticks_run_while_ready_and_stop(void **state)
{
	(void)state;
	hd_svc_def def;
	hd_svc svc;
	ticker_svc(&svc, &def, "20");
	atomic_store(&ticks, 0);
	/* Not ready yet (or no longer, after SIGTERM): the job never runs,
	 * though its thread wakes every 20 ms. */
	atomic_store(&svc.ready, 0);
	assert_hd_ok(hd_svc_ticks_start(&svc));
	unit_sleep_ms(200);
	assert_int_equal(atomic_load(&ticks), 0);
	atomic_store(&svc.ready, 1);
	assert_true(unit_wait(three_ticks, NULL, 30000));
	hd_svc_ticks_stop(&svc);
	hd_svc_ticks_stop(&svc); /* twice is harmless */
	hd_cfg_release(&svc.cfg);
}

static bool one_tick(void *arg)
{
	(void)arg;
	return atomic_load(&ticks) >= 1;
}

/* A job waiting out a ten-minute period stops at once. */
static void test_stop_wakes_a_long_wait(void **state)
{
	(void)state;
	hd_svc_def def;
	hd_svc svc;
	ticker_svc(&svc, &def, "600000");
	atomic_store(&ticks, 0);
	atomic_store(&svc.ready, 1);
	assert_hd_ok(hd_svc_ticks_start(&svc));
	assert_true(unit_wait(one_tick, NULL, 30000)); /* first run at once */
	int64_t t0 = unit_now_ms();
	hd_svc_ticks_stop(&svc);
	assert_true(unit_now_ms() - t0 < 60000);
	assert_int_equal(atomic_load(&ticks), 1);
	hd_cfg_release(&svc.cfg);
}

static void test_tick_period_refused(void **state)
{
	(void)state;
	hd_svc_def def;
	hd_svc svc;
	ticker_svc(&svc, &def, "5"); /* below min_ms 10 */
	assert_hd_rc(hd_svc_ticks_start(&svc), HD_E_INVALID);
	hd_svc_ticks_stop(&svc);
	hd_cfg_release(&svc.cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_rows),
		cmocka_unit_test(test_modules_close_in_reverse),
		cmocka_unit_test(test_ticks_run_while_ready_and_stop),
		cmocka_unit_test(test_stop_wakes_a_long_wait),
		cmocka_unit_test(test_tick_period_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
