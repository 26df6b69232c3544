/* The allocation-failure sweep (SQLite's test_malloc.c habit): core
 * handlers of intake, routing, knowledge, metrics and notifications run
 * decode → handler → store with the N-th allocation failing, for N = 1, 2,
 * 3 … until a run makes fewer than N allocations. Every run must return (an
 * error or OK) without a crash or a leak (ASan/LSan), and leave the store
 * either as it was or exactly as a successful run leaves it (the same
 * number of records added in every table): never half-written.
 *
 * Every malloc, calloc, realloc, strdup and strndup of the services,
 * common/, protobuf-c, LMDB and jansson goes through the __wrap_ functions
 * below (the Makefile links those three libraries statically and passes
 * --wrap): first only the N-th allocation fails, then in a second pass
 * every allocation from the N-th on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../services/knowledge/kbsearch.h"
#include "../../services/knowledge/knowledge.h"
#include "../../services/metrics/mc.h"
#include "../../services/metrics/metrics.h"
#include "../../services/metrics/mr.h"
#include "../../services/notifications/notifications.h"
#include "../../services/routing/routing.h"
#include "../../services/routing/rt_rules.h"
#include "../../services/routing/views_index.h"
#include "../../services/routing/sla.h"

#include "common.pb-c.h"
#include "knowledge.pb-c.h"
#include "notify.pb-c.h"
#include "reports.pb-c.h"

#include <sodium.h>
#include <stdatomic.h>

#include "hd/rule_value.h"
#include "hd/ticket_patch.h"
#include "hd/user_fields.h"
#include "unit_intake.h"

/* ---- the failing allocator ---- */

#include "unit_alloc_fail.h"

static void arm(long n)
{
	atomic_store(&made, 0);
	atomic_store(&hit, 0);
	atomic_store(&fail_at, n);
}

static void disarm(void)
{
	atomic_store(&fail_at, 0);
}

/* ---- the store's state: per sub-database, its record count and a hash of
 * its keys and values ---- */

#define MAX_TABLES 96

typedef struct snap {
	size_t n;
	char name[MAX_TABLES][48];
	uint64_t count[MAX_TABLES];
	uint64_t hash[MAX_TABLES];
} snap;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

static void table_scan(MDB_txn *txn, MDB_dbi dbi, uint64_t *count,
		       uint64_t *hash)
{
	MDB_cursor *c = NULL;
	MDB_val k, v;
	*count = 0;
	*hash = 14695981039346656037ull;
	assert_int_equal(mdb_cursor_open(txn, dbi, &c), 0);
	for (int op = MDB_FIRST; mdb_cursor_get(c, &k, &v, op) == 0;
	     op = MDB_NEXT) {
		*hash = fnv(fnv(*hash, k.mv_data, k.mv_size), v.mv_data,
			    v.mv_size);
		(*count)++;
	}
	mdb_cursor_close(c);
}

static void take_snap(hd_store *s, snap *out)
{
	hd_txn t;
	MDB_dbi main_dbi;
	MDB_cursor *c = NULL;
	MDB_val k, v;
	memset(out, 0, sizeof *out);
	assert_hd_ok(hd_store_read(s, &t));
	assert_int_equal(mdb_dbi_open(t.txn, NULL, 0, &main_dbi), 0);
	assert_int_equal(mdb_cursor_open(t.txn, main_dbi, &c), 0);
	for (int op = MDB_FIRST; mdb_cursor_get(c, &k, &v, op) == 0;
	     op = MDB_NEXT) {
		assert_true(out->n < MAX_TABLES && k.mv_size < 48);
		size_t i = out->n++;
		memcpy(out->name[i], k.mv_data, k.mv_size);
		out->name[i][k.mv_size] = '\0';
		MDB_dbi d;
		if (mdb_dbi_open(t.txn, out->name[i], 0, &d) == 0)
			table_scan(t.txn, d, &out->count[i], &out->hash[i]);
	}
	mdb_cursor_close(c);
	hd_txn_end(&t);
}

static bool same(const snap *a, const snap *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->count[i] != b->count[i] || a->hash[i] != b->hash[i])
			return false;
	return true;
}

/* Did every table grow from a to b by what ref0 → ref1 grew by? */
static bool same_growth(const snap *a, const snap *b, const snap *ref0,
			const snap *ref1)
{
	if (a->n != b->n || a->n != ref0->n || ref0->n != ref1->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (b->count[i] - a->count[i] !=
		    ref1->count[i] - ref0->count[i])
			return false;
	return true;
}

static void print_diff(const snap *a, const snap *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++)
		if (a->count[i] != b->count[i] || a->hash[i] != b->hash[i])
			print_message(
				"  %s: %llu → %llu records%s\n", a->name[i],
				(unsigned long long)a->count[i],
				(unsigned long long)b->count[i],
				a->hash[i] != b->hash[i] ? ", changed" : "");
}

/* ---- the sweep ---- */

typedef int (*run_fn)(void *arg);
#define MAX_N 20000

/* Sweep run(arg) over store s: clean runs for reference (they must
 * succeed), then N = 1, 2, … Returns how many runs had an allocation
 * fail. */
static long sweep(const char *what, hd_store *s, run_fn run, void *arg)
{
	static snap before, after, ref0, ref1;
	/* Two clean runs: the first may create what later runs only update
	 * (a counter's key), so the second shows what a run adds. */
	int rc = run(arg);
	take_snap(s, &ref0);
	rc = rc ? rc : run(arg);
	if (rc)
		fail_msg("%s: the clean run failed: %s", what, hd_errname(rc));
	take_snap(s, &ref1);
	long n = 0;
	/* SQLite's two modes: only the N-th allocation fails, then every
	 * allocation from the N-th on. */
	for (int mode = 0; mode < 2; mode++) {
		atomic_store(&persisting, mode);
		for (n = 1; n <= MAX_N; n++) {
			take_snap(s, &before);
			arm(n);
			rc = run(arg);
			disarm();
			if (!atomic_load(&hit))
				break;
			take_snap(s, &after);
			if (!same(&before, &after) &&
			    !same_growth(&before, &after, &ref0, &ref1)) {
				print_message(
					"%s: allocation %ld%s failed (%s) "
					"and left the store "
					"half-written:\n",
					what, n, mode ? " and on" : "",
					hd_errname(rc));
				print_diff(&before, &after);
				fail();
			}
		}
	}
	if (n > MAX_N)
		fail_msg("%s: still allocating after %d runs", what, MAX_N);
	if (rc)
		fail_msg("%s: the run with no failure answered %s", what,
			 hd_errname(rc));
	print_message("%s: %ld allocations swept\n", what, n - 1);
	return n - 1;
}

/* One RPC with pre-encoded payload (encoding is not under test); the reply
 * is dropped. */
typedef struct call {
	const hd_rpc_route *const *routes;
	void *ctx;
	const char *method;
	uint8_t payload[2048];
	size_t len;
	hd_principal who;
} call;

static void call_init(call *c, const hd_rpc_route *const *routes, void *ctx,
		      const char *method, const ProtobufCMessage *msg,
		      const hd_principal *who)
{
	c->routes = routes;
	c->ctx = ctx;
	c->method = method;
	c->len = msg ? protobuf_c_message_get_packed_size(msg) : 0;
	assert_true(c->len <= sizeof c->payload);
	if (msg)
		protobuf_c_message_pack(msg, c->payload);
	c->who = *who;
}

static int run_call(void *arg)
{
	call *c = arg;
	hd_rpc_rep rep;
	int rc = unit_call_raw(c->routes, c->ctx, c->method, c->payload, c->len,
			       &c->who, &rep);
	unit_rep_release(&rep);
	return rc;
}

/* ---- intake: tickets.write (create) and tickets.get ---- */

static void test_intake_tickets(void **state)
{
	static const hd_rpc_route *const routes[] = {intake_tickets_routes,
						     NULL};
	unit_store u;
	intake in = {0};
	unit_intake_open(&u, &in);
	hd_principal agent = unit_who("agent", INTAKE_ID(2, 0));

	call c;
	Hd__TicketWriteRequest w = HD__TICKET_WRITE_REQUEST__INIT;
	hd_patch_err err = {"", ""};
	json_t *obj = json_loads(
		"{\"subject\":\"배송이 늦어요\",\"comment\":{\"body\":"
		"\"주문 3일째\"},\"priority\":\"high\",\"tags\":[\"배송\"],"
		"\"requester_id\":768}",
		0, NULL);
	w.patch = hd_ticket_patch_new();
	assert_int_equal(hd_ticket_patch_from_json(obj, w.patch, &err), HD_OK);
	json_decref(obj);
	call_init(&c, routes, &in, "tickets.write", &w.base, &agent);
	sweep("intake tickets.write", in.store, run_call, &c);
	hd_ticket_patch_free(w.patch);

	Hd__TicketGetRequest g = HD__TICKET_GET_REQUEST__INIT;
	g.id = INTAKE_ID(1, 0);
	call_init(&c, routes, &in, "tickets.get", &g.base, &agent);
	sweep("intake tickets.get", in.store, run_call, &c);

	unit_intake_close(&u, &in);
}

/* ---- routing: views.tickets ---- */

typedef struct put_job {
	MDB_dbi dbi;
	uint64_t id;
	const uint8_t *v;
	size_t len;
} put_job;

static int put_raw(hd_txn *t, void *arg)
{
	put_job *j = arg;
	uint8_t key[8];
	hd_key_u64(key, j->id);
	return hd_txn_put(t, j->dbi, key, 8, j->v, j->len);
}

static void test_routing_views(void **state)
{
	static const char *const own_dbs[] = {"tickets", "unassigned", "views",
					      "meta",    "commands",   NULL};
	static const char *const *const dbs[] = {own_dbs, routing_vidx_dbs,
						 NULL};
	static const hd_rpc_route *const routes[] = {routing_view_routes, NULL};
	unit_store u;
	routing r = {0};
	r.store = unit_store_open(&u, dbs, "routing");
	assert_hd_ok(routing_store_bind(&r));
	hd_principal admin = unit_who("admin", 1);
	for (uint64_t id = 256; id <= 2560; id += 256) {
		Hd__Ticket tk = HD__TICKET__INIT;
		uint8_t buf[256];
		tk.id = id;
		tk.subject = "배송";
		tk.status = id % 512 ? "open" : "solved";
		tk.created_at = 1800000000000 + (int64_t)id;
		put_job j = {r.tickets, id, buf, hd__ticket__pack(&tk, buf)};
		assert_hd_ok(hd_store_write(r.store, put_raw, &j));
	}
	Hd__ViewCondition cond = HD__VIEW_CONDITION__INIT;
	Hd__ViewCondition *all[1] = {&cond};
	Hd__View v = HD__VIEW__INIT;
	cond.field = "status";
	cond.operator_ = "less_than";
	cond.value = "solved";
	v.title = "열린 티켓";
	v.active = true;
	v.all = all;
	v.n_all = 1;
	call c;
	call_init(&c, routes, &r, "views.save", &v.base, &admin);
	sweep("routing views.save", r.store, run_call, &c);

	Hd__ViewTicketsRequest q = HD__VIEW_TICKETS_REQUEST__INIT;
	q.id = 1;
	q.limit = 3;
	call_init(&c, routes, &r, "views.tickets", &q.base, &admin);
	sweep("routing views.tickets", r.store, run_call, &c);

	uint64_t ids[] = {1, 4242, 1};
	Hd__ViewCountsRequest cq = HD__VIEW_COUNTS_REQUEST__INIT;
	cq.ids = ids;
	cq.n_ids = 3;
	call_init(&c, routes, &r, "views.count_many", &cq.base, &admin);
	sweep("routing views.count_many", r.store, run_call, &c);
	unit_store_close(&u);
}

/* ---- routing: bh.* (business-hours schedules, typed) ---- */

static void test_routing_schedules(void **state)
{
	static const char *const own_dbs[] = {"tickets", "meta", NULL};
	static const char *const *const dbs[] = {own_dbs, routing_sla_dbs,
						 NULL};
	static const hd_rpc_route *const routes[] = {routing_bh_routes, NULL};
	unit_store u;
	routing r = {0};
	r.store = unit_store_open(&u, dbs, "routing");
	const hd_dbi_ref refs[] = {
		{"tickets", &r.tickets}, {"meta", &r.meta}, {NULL, NULL}};
	assert_hd_ok(hd_store_dbis(r.store, refs));
	assert_hd_ok(sla_bind(r.store, &r.sla));
	hd_principal admin = unit_who("admin", 1);
	Hd__BhInterval iv[3] = {HD__BH_INTERVAL__INIT, HD__BH_INTERVAL__INIT,
				HD__BH_INTERVAL__INIT};
	Hd__BhInterval *ivp[3] = {&iv[0], &iv[1], &iv[2]};
	for (int i = 0; i < 3; i++) {
		iv[i].start_time = (uint32_t)(1440 * (i + 1) + 540);
		iv[i].end_time = (uint32_t)(1440 * (i + 1) + 1080);
	}
	Hd__BhSchedule sc = HD__BH_SCHEDULE__INIT;
	char *fields[] = {"name", "time_zone", "intervals"};
	sc.name = "서울 본사";
	sc.time_zone = "Asia/Seoul";
	sc.intervals = ivp;
	sc.n_intervals = 3;
	Hd__BhCall bc = HD__BH_CALL__INIT;
	bc.schedule = &sc;
	bc.fields = fields;
	bc.n_fields = 3;
	call c;
	call_init(&c, routes, &r, "bh.schedules.create", &bc.base, &admin);
	sweep("routing bh.schedules.create", r.store, run_call, &c);

	bc.id = 1;
	bc.fields = fields + 2;
	bc.n_fields = 1;
	call_init(&c, routes, &r, "bh.workweek", &bc.base, &admin);
	sweep("routing bh.workweek", r.store, run_call, &c);

	Hd__BhHoliday h = HD__BH_HOLIDAY__INIT;
	Hd__BhCall hcall = HD__BH_CALL__INIT;
	h.name = "창립기념일";
	h.start_date = "2026-04-10";
	h.end_date = "2026-04-11";
	hcall.id = 1;
	hcall.holiday = &h;
	call_init(&c, routes, &r, "bh.holidays.create", &hcall.base, &admin);
	sweep("routing bh.holidays.create", r.store, run_call, &c);

	char *hf[] = {"name"};
	hcall.sub = 1;
	hcall.fields = hf;
	hcall.n_fields = 1;
	call_init(&c, routes, &r, "bh.holidays.update", &hcall.base, &admin);
	sweep("routing bh.holidays.update", r.store, run_call, &c);

	Hd__BhCall ic = HD__BH_CALL__INIT;
	ic.id = 1;
	ic.text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:설날\r\n"
		  "DTSTART;VALUE=DATE:20260216\r\nDTEND;VALUE=DATE:20260219"
		  "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:한글날\r\n"
		  "DTSTART;VALUE=DATE:20261009\r\nEND:VEVENT\r\n"
		  "END:VCALENDAR\r\n";
	call_init(&c, routes, &r, "bh.holidays.import", &ic.base, &admin);
	sweep("routing bh.holidays.import", r.store, run_call, &c);

	Hd__BhCall gc = HD__BH_CALL__INIT;
	gc.id = 1;
	call_init(&c, routes, &r, "bh.holidays.list", &gc.base, &admin);
	sweep("routing bh.holidays.list", r.store, run_call, &c);
	call_init(&c, routes, &r, "bh.schedules.list", &gc.base, &admin);
	sweep("routing bh.schedules.list", r.store, run_call, &c);
	unit_store_close(&u);
}

/* ---- routing: slas.policies.create, a ticket's SLA clocks, slas.ticket */

static const char *const sla_own_dbs[] = {"tickets", "unassigned", "views",
					  "meta",    "commands",   NULL};
static const char *const *const sla_dbs[] = {sla_own_dbs, routing_vidx_dbs,
					     routing_sla_dbs, NULL};

static void sla_open(unit_store *u, routing *r)
{
	r->store = unit_store_open(u, sla_dbs, "routing");
	assert_hd_ok(routing_store_bind(r));
	assert_hd_ok(sla_bind(r->store, &r->sla));
}

/* A policy with a filter, two targets and an escalation, as the gateway
 * sends it. */
static void sla_policy_call(call *c, routing *r, const hd_principal *admin)
{
	Hd__RuleValue solved = HD__RULE_VALUE__INIT, urgent = solved;
	solved.kind = urgent.kind = HD__RULE_VALUE__KIND__VALUE_TEXT;
	solved.text = "solved";
	urgent.text = "urgent";
	Hd__SlaCondition cond = HD__SLA_CONDITION__INIT, *all[] = {&cond};
	cond.field = "status";
	cond.operator_ = "less_than";
	cond.value = &solved;
	Hd__SlaTarget t1 = HD__SLA_TARGET__INIT, t2 = HD__SLA_TARGET__INIT;
	Hd__SlaTarget *rows[] = {&t1, &t2};
	t1.priority = t2.priority = HD__TICKET_PRIORITY__PRIORITY_NORMAL;
	t1.metric = HD__SLA_METRIC__SLA_FIRST_REPLY_TIME;
	t2.metric = HD__SLA_METRIC__SLA_REQUESTER_WAIT_TIME;
	t1.target = 60;
	t2.target = 120;
	Hd__RuleAction act = HD__RULE_ACTION__INIT, *acts[] = {&act};
	act.field = "priority";
	act.value = &urgent;
	Hd__SlaEscalation esc = HD__SLA_ESCALATION__INIT, *escs[] = {&esc};
	esc.on = HD__SLA_ESCALATION__ON__ON_BREACH;
	esc.actions = acts;
	esc.n_actions = 1;
	Hd__SlaPolicy p = HD__SLA_POLICY__INIT;
	p.title = "기본 SLA";
	p.all = all;
	p.n_all = 1;
	p.policy_metrics = rows;
	p.n_policy_metrics = 2;
	p.escalations = escs;
	p.n_escalations = 1;
	/* A position given: a run reads no other policy, so every run makes
	 * as many allocations as the last (the sweep's N converges). */
	p.position = 1;
	char *fields[] = {"title", "position", "filter", "policy_metrics",
			  "hd_escalations"};
	Hd__SlaCall sc = HD__SLA_CALL__INIT;
	sc.policy = &p;
	sc.fields = fields;
	sc.n_fields = 5;
	static const hd_rpc_route *const routes[] = {routing_sla_routes, NULL};
	call_init(c, routes, r, "slas.policies.create", &sc.base, admin);
}

typedef struct sla_hook_run {
	routing *r;
	uint64_t next; /* the ticket a run creates */
} sla_hook_run;

static int sla_hook_job(hd_txn *t, void *arg)
{
	sla_hook_run *h = arg;
	Hd__Ticket tk = HD__TICKET__INIT;
	Hd__Envelope ev = HD__ENVELOPE__INIT;
	tk.id = h->next;
	tk.subject = "배송";
	tk.status = "open";
	tk.priority = "normal";
	tk.created_at = 1800000000000 + (int64_t)h->next;
	tk.updated_at = tk.created_at;
	ev.type = "ticket.created";
	return routing_sla_ticket_hook(h->r, t, &ev, NULL, &tk);
}

static int run_sla_hook(void *arg)
{
	sla_hook_run *h = arg;
	int rc = hd_store_write(h->r->store, sla_hook_job, h);
	if (!rc)
		h->next++;
	return rc;
}

static void test_routing_slas(void **state)
{
	unit_store u;
	routing r = {0};
	hd_principal admin = unit_who("admin", 1);
	call c;
	sla_open(&u, &r);
	sla_policy_call(&c, &r, &admin);
	sweep("routing slas.policies.create", r.store, run_call, &c);
	sla_cache_release(&r);
	unit_store_close(&u);

	/* One policy: each ticket gets its clocks, targets and timers. */
	routing r2 = {0};
	sla_open(&u, &r2);
	sla_policy_call(&c, &r2, &admin);
	assert_hd_ok(run_call(&c));
	sla_hook_run h = {&r2, 256};
	sweep("routing SLA clocks of a new ticket", r2.store, run_sla_hook, &h);

	static const hd_rpc_route *const routes[] = {routing_sla_routes, NULL};
	uint64_t ids[2] = {256, 257};
	Hd__SlaCall q = HD__SLA_CALL__INIT;
	q.ids = ids;
	q.n_ids = 2;
	call_init(&c, routes, &r2, "slas.ticket", &q.base, &admin);
	sweep("routing slas.ticket", r2.store, run_call, &c);
	sla_cache_release(&r2);
	unit_store_close(&u);
}

/* ---- knowledge: hc.articles.create and hc.articles.get ---- */

static void test_knowledge_articles(void **state)
{
	static const char *const *const dbs[] = {hc_dbs, kbs_dbs,
						 kb_members_dbs, NULL};
	static const hd_rpc_route *const routes[] = {hc_categories_routes,
						     hc_articles_routes, NULL};
	unit_store u;
	kb k = {0};
	k.store = unit_store_open(&u, dbs, "knowledge");
	assert_hd_ok(kb_store_bind(&k));
	hd_principal admin = unit_who("admin", 1);
	hd_rpc_rep rep;
	Hd__HcCategory cat = HD__HC_CATEGORY__INIT;
	cat.name = "배송";
	cat.locale = "ko";
	assert_hd_ok(unit_call(routes, &k, "hc.categories.save", &cat.base,
			       &admin, &rep));
	unit_rep_release(&rep);
	Hd__HcSection sec = HD__HC_SECTION__INIT;
	sec.category_id = 1;
	sec.name = "배송 조회";
	sec.locale = "ko";
	assert_hd_ok(unit_call(routes, &k, "hc.sections.save", &sec.base,
			       &admin, &rep));
	unit_rep_release(&rep);

	Hd__HcTranslation tr = HD__HC_TRANSLATION__INIT;
	Hd__HcTranslation *trs[1] = {&tr};
	char *labels[1] = {"배송"};
	Hd__HcArticle a = HD__HC_ARTICLE__INIT;
	Hd__HcArticleWrite w = HD__HC_ARTICLE_WRITE__INIT;
	tr.locale = "ko";
	tr.title = "배송 지연 안내";
	tr.body = "<p>주문 내역에서 <b>배송 상태</b>를 확인하세요.</p>";
	a.section_id = 1;
	a.n_translations = 1;
	a.translations = trs;
	a.label_names = labels;
	a.n_label_names = 1;
	w.article = &a;
	call c;
	call_init(&c, routes, &k, "hc.articles.create", &w.base, &admin);
	sweep("knowledge hc.articles.create", k.store, run_call, &c);

	Hd__HcId id = HD__HC_ID__INIT;
	id.id = 1;
	hd_principal user = unit_who("end-user", 3);
	call_init(&c, routes, &k, "hc.articles.get", &id.base, &user);
	sweep("knowledge hc.articles.get", k.store, run_call, &c);
	unit_store_close(&u);
}

/* ---- metrics: a ticket.created event applied, and the volume report ---- */

typedef struct apply_run {
	metrics *m;
	uint8_t env[1024];
	size_t len;
} apply_run;

static int apply_write(hd_txn *t, void *arg)
{
	apply_run *a = arg;
	Hd__Envelope *ev = hd__envelope__unpack(NULL, a->len, a->env);
	if (!ev)
		return HD_E_NOMEM;
	int rc = metrics_apply(a->m, t, ev);
	hd__envelope__free_unpacked(ev, NULL);
	return rc;
}

static int run_apply(void *arg)
{
	apply_run *a = arg;
	return hd_store_write(a->m->store, apply_write, a);
}

static void test_metrics(void **state)
{
	static const char *const own_dbs[] = {"counters", "tickets", NULL};
	static const char *const *const dbs[] = {own_dbs, mc_db_names,
						 mr_db_names, NULL};
	static const hd_rpc_route *const routes[] = {metrics_routes, mc_routes,
						     mr_routes, NULL};
	unit_store u;
	metrics m = {0};
	m.store = unit_store_open(&u, dbs, NULL);
	assert_hd_ok(metrics_store_bind(&m));
	assert_hd_ok(mc_bind(&m.mc, m.store));
	assert_hd_ok(mr_init(&m));

	static apply_run a;
	uint8_t tkbuf[512];
	Hd__Ticket tk = HD__TICKET__INIT;
	tk.id = 256;
	tk.created_at = 1772413200000;
	tk.updated_at = tk.created_at;
	tk.subject = "배송 문의 환불";
	tk.status = "new";
	tk.via_channel = "web";
	char *tags[1] = {"vip"};
	tk.tags = tags;
	tk.n_tags = 1;
	Hd__Envelope ev = HD__ENVELOPE__INIT;
	ev.type = "ticket.created";
	ev.source = "intake";
	ev.seq = 1;
	ev.time_ms = tk.created_at;
	ev.payload.data = tkbuf;
	ev.payload.len = hd__ticket__pack(&tk, tkbuf);
	a.m = &m;
	a.len = hd__envelope__pack(&ev, a.env);
	sweep("metrics apply ticket.created", m.store, run_apply, &a);

	Hd__ReportRequest q = HD__REPORT_REQUEST__INIT;
	q.name = "volume";
	q.start_ms = tk.created_at - 7200000;
	q.end_ms = tk.created_at + 7200000;
	q.interval = "hour";
	q.format = "csv";
	hd_principal agent = unit_who("agent", 2);
	call c;
	call_init(&c, routes, &m, "metrics.report", &q.base, &agent);
	sweep("metrics metrics.report volume", m.store, run_call, &c);
	unit_store_close(&u);
}

/* ---- notifications: webhooks.save and webhooks.get ---- */

static void test_notifications_webhooks(void **state)
{
	static const char *const *const dbs[] = {notify_dbs, NULL};
	static const hd_rpc_route *const routes[] = {notify_webhook_routes,
						     NULL};
	assert_true(sodium_init() >= 0);
	unit_store u;
	notify n = {0};
	n.store = unit_store_open(&u, dbs, "notifications");
	assert_hd_ok(notify_store_bind(&n));
	hd_principal admin = unit_who("admin", 1);
	Hd__Webhook w = HD__WEBHOOK__INIT;
	Hd__WebhookAuth a = HD__WEBHOOK_AUTH__INIT;
	char *subs[1] = {"conditional_ticket_events"};
	w.name = "주문 알림";
	w.endpoint = "https://example.com/hook";
	w.http_method = "POST";
	w.request_format = "json";
	w.status = "active";
	w.subscriptions = subs;
	w.n_subscriptions = 1;
	a.type = "bearer_token";
	a.token = "tok";
	w.authentication = &a;
	call c;
	call_init(&c, routes, &n, "webhooks.save", &w.base, &admin);
	sweep("notifications webhooks.save", n.store, run_call, &c);

	Hd__WebhookListRequest lr = HD__WEBHOOK_LIST_REQUEST__INIT;
	call_init(&c, routes, &n, "webhooks.list", &lr.base, &admin);
	sweep("notifications webhooks.list", n.store, run_call, &c);
	unit_store_close(&u);
}

/* ---- intake: users.create_or_update with custom field values ---- */

static void test_intake_user_fields(void **state)
{
	static const hd_rpc_route *const routes[] = {intake_users_routes, NULL};
	unit_store u;
	intake in = {0};
	unit_intake_open(&u, &in);
	hd_principal admin = unit_who("admin", INTAKE_ID(1, 0));
	json_t *obj = json_loads("{\"등급\":\"gold\",\"n\":2.0,\"ok\":true,"
				 "\"l\":[\"a\",1,null]}",
				 0, NULL);
	Hd__User user = HD__USER__INIT;
	Hd__UserWriteRequest w = HD__USER_WRITE_REQUEST__INIT;
	char *fields[] = {"name", "email", "user_fields"};
	assert_hd_ok(hd_user_fields_from_json(obj, &user.user_fields,
					      &user.n_user_fields, NULL));
	json_decref(obj);
	user.name = "김민준";
	user.email = "minjun@example.kr";
	w.user = &user;
	w.fields = fields;
	w.n_fields = 3;
	call c;
	call_init(&c, routes, &in, "users.create_or_update", &w.base, &admin);
	sweep("intake users.create_or_update", in.store, run_call, &c);
	hd_user_fields_free(user.user_fields, user.n_user_fields);
	unit_intake_close(&u, &in);
}

/* ---- routing: rules.preview with an unsaved trigger ---- */

static Hd__RuleAction *action(const char *field, const char *value_json)
{
	Hd__RuleAction *a = hd_pb_new(&hd__rule_action__descriptor);
	json_t *v = json_loads(value_json, JSON_DECODE_ANY, NULL);
	assert_non_null(a);
	assert_hd_ok(hd_pb_set_string(&a->field, field));
	assert_hd_ok(hd_rule_value_from_json(v, &a->value));
	json_decref(v);
	return a;
}

static void test_routing_preview(void **state)
{
	static const char *const own_dbs[] = {"tickets", "unassigned", "views",
					      "meta",    "commands",   NULL};
	static const char *const *const dbs[] = {own_dbs, routing_vidx_dbs,
						 rt_db_names, NULL};
	static const hd_rpc_route *const routes[] = {rt_rule_routes, NULL};
	unit_store u;
	routing r = {0};
	r.store = unit_store_open(&u, dbs, "routing");
	assert_hd_ok(routing_store_bind(&r));
	assert_hd_ok(rt_bind(&r));
	hd_principal admin = unit_who("admin", 1);
	Hd__Ticket tk = HD__TICKET__INIT;
	char *tags[] = {"old", "keep"};
	uint8_t buf[256];
	tk.id = 256;
	tk.subject = "환불";
	tk.status = "new";
	tk.tags = tags;
	tk.n_tags = 2;
	put_job j = {r.tickets, 256, buf, hd__ticket__pack(&tk, buf)};
	assert_hd_ok(hd_store_write(r.store, put_raw, &j));

	Hd__RuleCondition cond = HD__RULE_CONDITION__INIT;
	Hd__RuleCondition *all[1] = {&cond};
	cond.field = "status";
	cond.operator_ = "is";
	cond.value = "new";
	Hd__RuleAction *acts[] = {
		action("status", "\"open\""),
		action("priority", "\"high\""),
		action("group_id", "\"5\""),
		action("current_tags", "\"a_tag b_tag\""),
		action("remove_tags", "\"old\""),
		action("custom_fields_7", "12"),
		action("comment_value", "\"안녕\""),
		action("comment_mode_is_public", "\"false\""),
		action("notification_user", "[\"requester_id\",\"s\",\"b\"]"),
	};
	Hd__Rule rule = HD__RULE__INIT;
	char *fields[] = {"title", "all", "actions"};
	rule.title = "미저장";
	rule.all = all;
	rule.n_all = 1;
	rule.actions = acts;
	rule.n_actions = sizeof acts / sizeof acts[0];
	Hd__RuleSaveRequest sr = HD__RULE_SAVE_REQUEST__INIT;
	sr.kind = "trigger";
	sr.rule = &rule;
	sr.fields = fields;
	sr.n_fields = 3;
	Hd__RulePreviewRequest q = HD__RULE_PREVIEW_REQUEST__INIT;
	q.ticket_id = 256;
	q.update_type = "Create";
	q.trigger = &sr;
	call c;
	call_init(&c, routes, &r, "rules.preview", &q.base, &admin);
	sweep("routing rules.preview", r.store, run_call, &c);
	for (size_t i = 0; i < rule.n_actions; i++)
		hd__rule_action__free_unpacked(acts[i], NULL);
	unit_store_close(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intake_tickets),
		cmocka_unit_test(test_routing_views),
		cmocka_unit_test(test_routing_schedules),
		cmocka_unit_test(test_routing_slas),
		cmocka_unit_test(test_knowledge_articles),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_notifications_webhooks),
		cmocka_unit_test(test_intake_user_fields),
		cmocka_unit_test(test_routing_preview),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
