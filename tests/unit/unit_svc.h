/* Handler-level unit tests: a service's handlers called directly, as the RPC
 * server would (rpc_server.c's handle()), on a fresh LMDB store in a scratch
 * directory that is removed afterwards. A test links its service's
 * lib<svc>.a and builds the service's context the way its main.c's setup
 * does. Header-only, as unit.h; one thread per test. */
#ifndef HD_UNIT_SVC_H
#define HD_UNIT_SVC_H

#include "hd/buf.h"
#include "hd/err.h"
#include "hd/rpc.h"
#include "hd/store.h"

#include <protobuf-c/protobuf-c.h>

#include "unit.h"

#define UNIT_MAX_DBS 128

typedef struct unit_store {
	char dir[64];
	hd_store *store;
	const char *names[UNIT_MAX_DBS];
} unit_store;

/* Open a store in a fresh scratch directory holding every sub-database of
 * dbs (a NULL-terminated list of NULL-terminated lists, as a service's
 * hd_svc_def.dbs), with an outbox named source. Aborts the test on error. */
static inline hd_store *unit_store_open(unit_store *u,
					const char *const *const *dbs,
					const char *source)
{
	size_t n = 0;
	for (size_t i = 0; dbs[i]; i++)
		for (size_t j = 0; dbs[i][j]; j++) {
			if (n + 1 >= UNIT_MAX_DBS)
				fail_msg("more than %d sub-databases",
					 UNIT_MAX_DBS - 1);
			u->names[n++] = dbs[i][j];
		}
	u->names[n] = NULL;
	unit_mkdtemp(u->dir, sizeof u->dir);
	hd_store_opts o = {.dir = u->dir,
			   .dbs = u->names,
			   .map_size = (size_t)64 << 20,
			   .source = source};
	u->store = NULL;
	assert_hd_ok(hd_store_open(&u->store, &o));
	return u->store;
}

/* Close the store and remove its directory. */
static inline void unit_store_close(unit_store *u)
{
	hd_store_close(u->store);
	u->store = NULL;
	unit_rmtree(u->dir);
	u->dir[0] = '\0';
}

/* cmocka teardown for a fixture *state that begins with its unit_store:
 * close the store, remove its directory, free the fixture. */
static inline int unit_store_teardown(void **state)
{
	unit_store *u = *state;
	unit_store_close(u);
	free(u);
	return 0;
}

/* Who calls: role "admin" | "agent" | "end-user" | "system" | "". */
static inline hd_principal unit_who(const char *role, uint64_t user_id)
{
	hd_principal p = {.user_id = user_id};
	p.role = hd_role_of(role);
	return p;
}

/* The handler of method in a NULL-terminated list of route tables. */
static inline hd_rpc_fn unit_route(const hd_rpc_route *const *tables,
				   const char *method)
{
	for (size_t i = 0; tables[i]; i++)
		for (const hd_rpc_route *r = tables[i]; r->method; r++)
			if (!strcmp(r->method, method))
				return r->fn;
	fail_msg("no route %s", method);
	return NULL;
}

/* Call method's handler with payload bytes as who; the reply is left in
 * *rep (the caller releases rep->payload with unit_rep_release). */
static inline int unit_call_raw(const hd_rpc_route *const *tables, void *ctx,
				const char *method, const void *payload,
				size_t len, const hd_principal *who,
				hd_rpc_rep *rep)
{
	hd_rpc_fn fn = unit_route(tables, method);
	memset(rep, 0, sizeof *rep);
	hd_buf_init(&rep->payload, (size_t)64 << 20);
	hd_rpc_req req = {.method = method,
			  .payload = payload,
			  .len = len,
			  .trace_id = "unit",
			  .principal = *who};
	return fn(ctx, &req, rep);
}

/* As unit_call_raw with msg encoded (NULL: an empty payload). */
static inline int unit_call(const hd_rpc_route *const *tables, void *ctx,
			    const char *method, const ProtobufCMessage *msg,
			    const hd_principal *who, hd_rpc_rep *rep)
{
	size_t len = msg ? protobuf_c_message_get_packed_size(msg) : 0;
	uint8_t *buf = malloc(len + 1);
	assert_non_null(buf);
	if (msg)
		protobuf_c_message_pack(msg, buf);
	int rc = unit_call_raw(tables, ctx, method, buf, len, who, rep);
	free(buf);
	return rc;
}

static inline void unit_rep_release(hd_rpc_rep *rep)
{
	hd_buf_release(&rep->payload);
}

/* The reply decoded as desc (fails the test when it does not decode); free
 * with protobuf_c_message_free_unpacked. */
static inline void *unit_rep_decode(const hd_rpc_rep *rep,
				    const ProtobufCMessageDescriptor *desc)
{
	ProtobufCMessage *m =
		protobuf_c_message_unpack(desc, NULL, rep->payload.len,
					  (const uint8_t *)rep->payload.data);
	if (!m)
		fail_msg("reply is not a %s (%zu bytes)", desc->name,
			 rep->payload.len);
	return m;
}

/* Fail unless the handler's rc is want; prints its message. */
#define assert_rep_rc(rc_expr, rep, want)                                      \
	do {                                                                   \
		int r_ = (rc_expr), w_ = (want);                               \
		if (r_ != w_)                                                  \
			fail_msg("%s: got %s (%s: %s), want %s", #rc_expr,     \
				 hd_errname(r_), (rep)->field, (rep)->message, \
				 hd_errname(w_));                              \
	} while (0)

#endif
