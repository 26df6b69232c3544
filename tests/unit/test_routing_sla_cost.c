/* The per-ticket cost of routing's SLA hooks (issue 15: SLA state as JSON
 * was an import bottleneck): N tickets created, commented on by an agent
 * and set pending, each step through the same hooks routing's apply runs
 * (routing_sla_ticket_hook, routing_sla_event_hook), in group commits of
 * BATCH tickets, with POLICIES policies of which the last one matches.
 * Prints µs per ticket and per event (not asserted: the machine is
 * shared; the policies are decoded once, sla_cache.c, not per event) and
 * checks the clocks came out right. Links librouting.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "routing.h"
#include "sla.h"
#include "views_index.h"

#include "hd/store_pb.h"

#include "unit_routing.h"

#include <stdio.h>
#include <time.h>

#define N        2000
#define BATCH    100
#define POLICIES 6

typedef struct fx {
	unit_store u; /* first: unit_store_teardown frees the fixture */
	routing r;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	unit_routing_open(&f->u, &f->r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	sla_cache_release(&f->r);
	return unit_store_teardown(state);
}

/* Policies as routing stored them before they were typed: JSON text. */
static int seed_policies(hd_txn *t, void *arg)
{
	const sla_db *db = arg;
	for (int i = 1; i <= POLICIES; i++) {
		char text[1024];
		const char *tag = i == POLICIES ? "" : "vip";
		int n = snprintf(
			text, sizeof text,
			"{\"description\":\"\",\"filter\":{\"all\":[{\"field\":"
			"\"status\",\"operator\":\"less_than\",\"value\":"
			"\"solved\"}%s%s%s],\"any\":[]},\"policy_metrics\":[{"
			"\"priority\":\"normal\",\"metric\":\"first_reply_"
			"time\",\"target\":60,\"business_hours\":false},{"
			"\"priority\":\"normal\",\"metric\":\"requester_wait_"
			"time\",\"target\":120,\"business_hours\":false},{"
			"\"priority\":\"normal\",\"metric\":\"agent_work_"
			"time\","
			"\"target\":240,\"business_hours\":false}],\"hd_"
			"escalations\":[{\"on\":\"breach\",\"actions\":[{"
			"\"field\":\"priority\",\"value\":\"urgent\"}]}],\"hd_"
			"schedule_id\":0,\"title\":\"정책 %d\",\"id\":%d,"
			"\"position\":%d,\"created_at\":1800000000000,"
			"\"updated_at\":1800000000000}",
			tag[0] ? ",{\"field\":\"current_tags\",\"operator\":"
				 "\"includes\",\"value\":\""
			       : "",
			tag, tag[0] ? "\"}" : "", i, i, i);
		assert_true(n > 0 && (size_t)n < sizeof text);
		uint8_t key[8];
		hd_key_u64(key, (uint64_t)i);
		hd_txn_put(t, db->policies, key, 8, text, (size_t)n);
	}
	return t->rc;
}

typedef struct batch {
	routing *r;
	uint64_t first;
	int step; /* 0 created, 1 agent comment, 2 pending */
} batch;

static void ticket_at(Hd__Ticket *tk, uint64_t id, const char *status)
{
	hd__ticket__init(tk);
	tk->id = id;
	tk->subject = "배송 문의";
	tk->status = (char *)status;
	tk->priority = "normal";
	tk->requester_id = 77;
	tk->created_at = 1800000000000 + (int64_t)id * 1000;
	tk->updated_at = tk->created_at + 60000;
}

static int put_copy(hd_txn *t, routing *r, const Hd__Ticket *tk)
{
	uint8_t key[8];
	hd_key_u64(key, tk->id);
	return hd_txn_put_pb(t, r->tickets, key, 8, &tk->base);
}

static int run_batch(hd_txn *t, void *arg)
{
	batch *b = arg;
	for (uint64_t id = b->first; id < b->first + BATCH && !t->rc; id++) {
		Hd__Ticket before, after;
		ticket_at(&before, id, "open");
		ticket_at(&after, id, b->step == 2 ? "pending" : "open");
		Hd__Envelope ev = HD__ENVELOPE__INIT;
		if (b->step == 1) {
			Hd__Comment c = HD__COMMENT__INIT;
			uint8_t buf[256];
			c.ticket_id = id;
			c.author_id = 9;
			c.body = "확인해 보겠습니다.";
			c.public_ = true;
			c.created_at = after.updated_at;
			ev.type = "comment.created";
			ev.payload.len = hd__comment__pack(&c, buf);
			ev.payload.data = buf;
			routing_sla_event_hook(b->r, t, &ev);
			continue;
		}
		ev.type = b->step ? "ticket.updated" : "ticket.created";
		put_copy(t, b->r, &after);
		routing_sla_ticket_hook(b->r, t, &ev, b->step ? &before : NULL,
					&after);
	}
	return t->rc;
}

/* "metric=stage …" of the answer's tickets. */
static char *sla_cost_describe(const Hd__SlaAnswer *a)
{
	static const char *const stages[] = {"", "active", "paused",
					     "achieved"};
	char *out = calloc(1, 4096);
	size_t n = 0;
	for (size_t i = 0; i < a->n_tickets; i++)
		for (size_t k = 0; k < a->tickets[i]->n_policy_metrics; k++) {
			const Hd__SlaMetricState *m =
				a->tickets[i]->policy_metrics[k];
			n += (size_t)snprintf(out + n, 4096 - n, "%s=%s ",
					      sla_metric_name(m->metric - 1),
					      stages[m->stage]);
		}
	return out;
}

static double clock_s(clockid_t which)
{
	struct timespec ts;
	clock_gettime(which, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_sla_hooks_per_ticket(void **state)
{
	fx *f = *state;
	assert_hd_ok(hd_store_write(f->r.store, seed_policies, &f->r.sla));
	assert_hd_ok(routing_sla_upgrade(&f->r));
	static const char *const steps[] = {"created", "agent comment",
					    "pending"};
	double total = 0, cpu = 0;
	for (int step = 0; step < 3; step++) {
		double t0 = clock_s(CLOCK_MONOTONIC);
		double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		for (uint64_t first = 1; first <= N; first += BATCH) {
			batch b = {&f->r, first, step};
			assert_hd_ok(hd_store_write(f->r.store, run_batch, &b));
		}
		double dt = clock_s(CLOCK_MONOTONIC) - t0;
		total += dt;
		cpu += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		printf("sla cost: %-13s %8.1f µs/ticket\n", steps[step],
		       dt * 1e6 / N);
	}
	printf("sla cost: all three     %8.1f µs/ticket (%d tickets, %d "
	       "policies)\n",
	       total * 1e6 / N, N, POLICIES);
	/* CPU time (all threads: the store's writer runs the hooks) leaves
	 * out fsync waits and other processes on a shared machine. */
	printf("sla cost: per event       %8.1f µs/event, %.1f µs CPU\n",
	       total * 1e6 / (3.0 * N), cpu * 1e6 / (3.0 * N));
	/* Every ticket measured by the last policy: first reply achieved,
	 * requester wait paused while pending. */
	hd_txn t;
	assert_hd_ok(hd_store_read(f->r.store, &t));
	hd_rpc_rep rep = {0};
	hd_buf_init(&rep.payload, 1 << 20);
	Hd__SlaCall c = HD__SLA_CALL__INIT;
	uint64_t ids[2] = {1, N};
	c.ids = ids;
	c.n_ids = 2;
	uint8_t buf[64];
	size_t len = hd__sla_call__pack(&c, buf);
	hd_principal agent = unit_who("agent", 9);
	hd_rpc_req req = {.method = "slas.ticket",
			  .payload = buf,
			  .len = len,
			  .trace_id = "unit",
			  .principal = agent};
	hd_txn_end(&t);
	assert_hd_ok(routing_sla_ticket_rpc(&f->r, &req, &rep));
	Hd__SlaAnswer *a = unit_rep_decode(&rep, &hd__sla_answer__descriptor);
	char *s = sla_cost_describe(a);
	assert_non_null(strstr(s, "first_reply_time=achieved"));
	assert_non_null(strstr(s, "requester_wait_time=paused"));
	assert_non_null(strstr(s, "agent_work_time=paused"));
	free(s);
	hd__sla_answer__free_unpacked(a, NULL);
	unit_rep_release(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sla_hooks_per_ticket,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
