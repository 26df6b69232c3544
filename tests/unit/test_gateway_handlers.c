/* Handler-level tests of the gateway's ticket endpoints (tickets.c): the
 * HTTP handlers called directly with a gw_req (body, caller, {id}), talking
 * over a real nng RPC socket in a scratch directory to intake's real
 * handlers on a fresh store (libintake.a, served in this process). The
 * Zendesk JSON in, the status and JSON out; bad bodies answered before any
 * RPC. Links libgateway.a and libintake.a. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gateway.h"
#include "gw_health.h"
#include "gw_tickets.h"

#include "hd/cfg.h"

#include "unit_intake.h"

static const hd_rpc_route *const intake_routes[] = {intake_tickets_routes,
						    NULL};

/* Defined beside the gateway's wiring (main.c, not in libgateway.a). */
const char *const gw_peer_names[GW_PEERS] = {"routing", "knowledge",
					     "notifications", "metrics"};

/* The knobs gw_health_init reads, with the gateway's defaults but a fixed
 * in-flight limit. */
static const hd_cfg_opt health_opts[] = {
	{"HD_PEER_MAX_INFLIGHT", "--peer-max-inflight", "8", ""},
	{"HD_PEER_QUEUE_MS", "--peer-queue-ms", "100", ""},
	{"HD_BREAKER_FAILURES", "--breaker-failures", "5", ""},
	{"HD_BREAKER_COOLDOWN_MS", "--breaker-cooldown-ms", "30000", ""},
	{"HD_READY_PEERS", "--ready-peers", "intake", ""},
};

typedef struct fx {
	unit_store u;
	intake in;
	hd_rpc_server *srv;
	hd_svc svc;
	gw g;
	hd_principal agent, user, other;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	unit_intake_open(&f->u, &f->in);
	char url[128];
	unit_ipc_url(url, sizeof url, f->u.dir, "intake");
	assert_hd_ok(hd_rpc_server_new(&f->srv));
	for (size_t i = 0; intake_routes[i]; i++)
		assert_hd_ok(
			hd_rpc_server_add(f->srv, intake_routes[i], &f->in));
	assert_hd_ok(hd_rpc_server_start(f->srv, url, 2));

	hd_cfg_init(&f->svc.cfg);
	assert_hd_ok(hd_cfg_add(&f->svc.cfg, health_opts,
				sizeof health_opts / sizeof health_opts[0]));
	char *argv[] = {"test_gateway_handlers", NULL};
	assert_hd_ok(hd_cfg_parse(&f->svc.cfg, 1, argv, "unit"));
	f->g.svc = &f->svc;
	f->g.shards = 1;
	f->g.rpc_timeout_ms = 30000;
	f->g.max_body = 1 << 20;
	assert_hd_ok(hd_rpc_client_open(&f->g.intake[0], url));
	assert_hd_ok(gw_health_init(&f->g));
	f->agent = unit_who("agent", INTAKE_ID(2, 0));
	f->user = unit_who("end-user", INTAKE_ID(3, 0));
	f->other = unit_who("end-user", INTAKE_ID(4, 0));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	gw_health_release(&f->g);
	hd_rpc_client_close(f->g.intake[0]);
	hd_rpc_server_stop(f->srv);
	hd_cfg_release(&f->svc.cfg);
	unit_intake_close(&f->u, &f->in);
	free(f);
	return 0;
}

/* One request: method, {id}, body (NULL: none) as who; *out is the
 * response (release its body with json_decref). */
static void request(fx *f, const char *method, uint64_t id, const char *body,
		    const hd_principal *who, gw_handler fn, gw_resp *out)
{
	gw_req r;
	memset(&r, 0, sizeof r);
	memset(out, 0, sizeof *out);
	r.method = method;
	r.id = id;
	r.who = *who;
	snprintf(r.trace, sizeof r.trace, "unit");
	snprintf(r.base_url, sizeof r.base_url, "http://desk.test");
	hd_buf_init(&r.body, f->g.max_body);
	if (body)
		assert_hd_ok(hd_buf_puts(&r.body, body));
	fn(&f->g, &r, out);
	hd_buf_release(&r.body);
	for (int i = 0; i < r.nowned; i++)
		free(r.owned[i]);
	free(out->raw);
	out->raw = NULL;
}

static json_t *ticket_of(gw_resp *out)
{
	json_t *tk = json_object_get(out->body, "ticket");
	if (!json_is_object(tk)) {
		char *s = out->body ? json_dumps(out->body, 0) : NULL;
		fail_msg("status %u, no ticket in %s", out->status,
			 s ? s : "(no body)");
	}
	return tk;
}

static uint64_t create(fx *f, const hd_principal *who, const char *body)
{
	gw_resp out;
	request(f, "POST", 0, body, who, gw_tickets_create, &out);
	json_t *tk = ticket_of(&out);
	assert_int_equal(out.status, 201);
	uint64_t id = (uint64_t)json_integer_value(json_object_get(tk, "id"));
	assert_true(id > 0);
	/* The Location header names the new ticket. */
	char want[128];
	snprintf(want, sizeof want, "http://desk.test/api/v2/tickets/%llu.json",
		 (unsigned long long)id);
	assert_string_equal(out.location, want);
	json_decref(out.body);
	return id;
}

static void test_create_then_show(void **state)
{
	fx *f = *state;
	uint64_t id = create(f, &f->user,
			     "{\"ticket\":{\"subject\":\"배송이 늦어요\","
			     "\"comment\":{\"body\":\"주문 3일째\"}}}");
	gw_resp out;
	request(f, "GET", id, NULL, &f->agent, gw_tickets_show, &out);
	json_t *tk = ticket_of(&out);
	assert_int_equal(out.status, 200);
	assert_string_equal(json_string_value(json_object_get(tk, "subject")),
			    "배송이 늦어요");
	assert_string_equal(json_string_value(json_object_get(tk, "status")),
			    "new");
	assert_int_equal(
		json_integer_value(json_object_get(tk, "requester_id")),
		f->user.user_id);
	json_decref(out.body);

	/* Another end-user may not see it: 404, as if it did not exist. */
	request(f, "GET", id, NULL, &f->other, gw_tickets_show, &out);
	assert_int_equal(out.status, 404);
	json_decref(out.body);
}

static void test_update(void **state)
{
	fx *f = *state;
	uint64_t id = create(f, &f->agent,
			     "{\"ticket\":{\"subject\":\"환불\",\"comment\":{"
			     "\"body\":\"b\"}}}");
	gw_resp out;
	request(f, "PUT", id,
		"{\"ticket\":{\"status\":\"pending\",\"priority\":\"high\"}}",
		&f->agent, gw_tickets_update, &out);
	json_t *tk = ticket_of(&out);
	assert_int_equal(out.status, 200);
	assert_string_equal(json_string_value(json_object_get(tk, "status")),
			    "pending");
	assert_string_equal(json_string_value(json_object_get(tk, "priority")),
			    "high");
	json_decref(out.body);
}

static void test_bad_requests(void **state)
{
	fx *f = *state;
	gw_resp out;
	/* Not JSON. */
	request(f, "POST", 0, "{\"ticket\":", &f->agent, gw_tickets_create,
		&out);
	assert_int_equal(out.status, 400);
	json_decref(out.body);
	/* No "ticket" object. */
	request(f, "POST", 0, "{\"subject\":\"x\"}", &f->agent,
		gw_tickets_create, &out);
	assert_int_equal(out.status, 400);
	assert_string_equal(
		json_string_value(json_object_get(out.body, "error")),
		"ParameterMissing");
	json_decref(out.body);
	/* intake's refusal comes back as a 422 naming the field. */
	request(f, "POST", 0,
		"{\"ticket\":{\"subject\":\"x\",\"comment\":{\"body\":\"b\"},"
		"\"status\":\"later\"}}",
		&f->agent, gw_tickets_create, &out);
	assert_int_equal(out.status, 422);
	char *s = json_dumps(out.body, 0);
	assert_non_null(strstr(s, "status"));
	free(s);
	json_decref(out.body);
	/* A ticket that does not exist, and one on a shard we do not have. */
	request(f, "GET", INTAKE_ID(99, 0), NULL, &f->agent, gw_tickets_show,
		&out);
	assert_int_equal(out.status, 404);
	json_decref(out.body);
	request(f, "GET", INTAKE_ID(1, 7), NULL, &f->agent, gw_tickets_show,
		&out);
	assert_int_equal(out.status, 404);
	json_decref(out.body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_then_show, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
