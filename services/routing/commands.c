/* The command queue (see commands.h). Key layout:
 *   commands  u64 sequence → hd.TicketWriteRequest (packed)
 * Failures intake answers for good (the ticket is gone, the change is
 * invalid) drop the command with a warning; transport failures and
 * "unavailable" keep it and retry with a growing pause. */
#include "commands.h"
#include "routing.h"

#include "hd/err.h"
#include "hd/log.h"
#include "hd/pbwire.h"
#include "hd/prom.h"
#include "hd/ticket_patch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SHARDS     256
#define IDLE_WAIT_MS   20
#define RETRY_FIRST_MS 100
#define RETRY_MAX_MS   5000
#define CALL_TIMEOUT   5000

HD_COUNTER(cmds_sent, "hd_routing_commands_sent_total",
	   "Commands intake applied.");
HD_COUNTER(cmds_dropped, "hd_routing_commands_dropped_total",
	   "Commands intake refused for good (ticket gone, invalid change).");
HD_COUNTER(cmds_retried, "hd_routing_commands_retries_total",
	   "Command sends retried after a transport failure.");

typedef struct sender {
	routing *r;
	hd_rpc_client *clients[MAX_SHARDS];
	unsigned shards;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	atomic_bool stop;
	bool started;
} sender;

/* File-level, not in the context: one sender thread per process, and its
 * lock and condition are initialised statically so any thread may signal a
 * new command at any time — before the sender starts, after it stops, and in
 * unit tests that never start it — with no ordering rule to keep. */
static sender the_sender = {.lock = PTHREAD_MUTEX_INITIALIZER,
			    .wake = PTHREAD_COND_INITIALIZER};

int routing_cmd_enqueue_patch(hd_txn *t, routing *r, uint64_t ticket_id,
			      const Hd__TicketPatch *patch,
			      const Hd__Via *audit_via)
{
	Hd__TicketWriteRequest w = HD__TICKET_WRITE_REQUEST__INIT;
	w.id = ticket_id;
	w.patch = (Hd__TicketPatch *)patch;
	w.audit_via = (Hd__Via *)audit_via;
	hd_buf b;
	hd_buf_init(&b, (size_t)1 << 20);
	int rc = hd_pb_pack(&b, &w);
	uint64_t seq = 0;
	if (rc == HD_OK)
		rc = routing_next_id(t, r, "next_command", &seq);
	if (rc == HD_OK) {
		uint8_t key[8];
		hd_key_u64(key, seq);
		rc = hd_txn_put(t, r->commands, key, sizeof key, b.data, b.len);
	}
	hd_buf_release(&b);
	if (rc == HD_OK) {
		pthread_mutex_lock(&the_sender.lock);
		pthread_cond_signal(&the_sender.wake);
		pthread_mutex_unlock(&the_sender.lock);
	}
	return hd_txn_fail(t, rc);
}

int routing_cmd_enqueue(hd_txn *t, routing *r, uint64_t ticket_id,
			const char *ticket_json, const char *audit_via_json)
{
	hd_patch_err err = {"", ""};
	json_t *obj = json_loads(ticket_json, 0, NULL);
	json_t *via =
		audit_via_json ? json_loads(audit_via_json, 0, NULL) : NULL;
	Hd__TicketPatch *patch = hd_ticket_patch_new();
	Hd__Via *v = via ? hd_via_new() : NULL;
	int rc = !patch || (via && !v)
			 ? HD_E_NOMEM
			 : hd_ticket_patch_from_json(obj, patch, &err);
	if (!rc && via)
		rc = hd_via_from_json(via, v, &err);
	json_decref(obj);
	json_decref(via);
	if (rc == HD_E_INVALID)
		hd_warn("routing.command_invalid", "ticket=%llu why=\"%s\"",
			(unsigned long long)ticket_id, err.message);
	if (!rc)
		rc = routing_cmd_enqueue_patch(t, r, ticket_id, patch, v);
	hd_ticket_patch_free(patch);
	if (v)
		hd__via__free_unpacked(v, NULL);
	return hd_txn_fail(t, rc);
}

/* The oldest queued command: its key and a copy of its bytes. */
static int oldest(routing *r, uint8_t key[8], uint8_t **data, size_t *len)
{
	hd_txn t;
	int rc = hd_store_read(r->store, &t);
	if (rc)
		return rc;
	MDB_val k, v;
	rc = hd_txn_first(&t, r->commands, NULL, 0, NULL, 0, false, &k, &v);
	if (rc == HD_OK && k.mv_size == 8 && (*data = malloc(v.mv_size + 1))) {
		memcpy(key, k.mv_data, 8);
		memcpy(*data, v.mv_data, v.mv_size);
		*len = v.mv_size;
	} else if (rc == HD_OK) {
		rc = HD_E_NOMEM;
	}
	hd_txn_end(&t);
	return rc;
}

static int delete_job(hd_txn *t, void *arg)
{
	return hd_txn_del(t, the_sender.r->commands, arg, 8);
}

/* The text of unknown field tag of w (wire type 2), malloc'd, or NULL. */
static char *old_text(const Hd__TicketWriteRequest *w, uint32_t tag)
{
	for (unsigned i = 0; i < w->base.n_unknown_fields; i++) {
		const ProtobufCMessageUnknownField *u =
			&w->base.unknown_fields[i];
		if (u->tag != tag ||
		    u->wire_type != PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED)
			continue;
		char *s = malloc(u->len + 1);
		if (s) {
			memcpy(s, u->data, u->len);
			s[u->len] = '\0';
		}
		return s;
	}
	return NULL;
}

/* A command queued before tickets.write took a patch (field 2 held the
 * "ticket" object as JSON text, 5 the via as JSON text) queued again in
 * its typed form. HD_E_NOTFOUND when w is not one. */
static int upgrade(hd_txn *t, routing *r, const Hd__TicketWriteRequest *w)
{
	char *json = w->patch ? NULL : old_text(w, 2);
	char *via = json ? old_text(w, 5) : NULL;
	int rc = json ? routing_cmd_enqueue(t, r, w->id, json,
					    via && via[0] ? via : NULL)
		      : HD_E_NOTFOUND;
	free(json);
	free(via);
	return rc;
}

/* Re-queue an old command in its typed form, in its own transaction; the
 * caller then drops the old one. A set-values command, so its place at
 * the end of the queue changes nothing. */
static int upgrade_run(hd_txn *t, void *arg)
{
	return upgrade(t, the_sender.r, arg);
}

/* Deliver one command. HD_OK: done with it (applied or dropped for good);
 * anything else: keep it and retry. */
static int deliver(sender *s, const uint8_t *data, size_t len)
{
	Hd__TicketWriteRequest *w =
		hd__ticket_write_request__unpack(NULL, len, data);
	if (!w) {
		hd_error("routing.command_dropped", "why=undecodable");
		hd_counter_add(&cmds_dropped, 1);
		return HD_OK;
	}
	unsigned shard = (unsigned)(w->id & 0xff);
	if (shard >= s->shards) {
		hd_warn("routing.command_dropped",
			"why=unknown_shard ticket=%llu",
			(unsigned long long)w->id);
		hd__ticket_write_request__free_unpacked(w, NULL);
		hd_counter_add(&cmds_dropped, 1);
		return HD_OK;
	}
	char *old = w->patch ? NULL : old_text(w, 2);
	if (old) {
		free(old);
		int rc = hd_store_write(s->r->store, upgrade_run, w);
		hd__ticket_write_request__free_unpacked(w, NULL);
		return rc;
	}
	hd_principal system = {.role = HD__USER_ROLE__ROLE_SYSTEM};
	hd_rpc_result res = {0};
	int rc = hd_rpc_call(s->clients[shard], "tickets.write", data, len,
			     &system, "", CALL_TIMEOUT, &res);
	if (rc == HD_OK && res.rc == HD_OK) {
		hd_counter_add(&cmds_sent, 1);
	} else if (rc == HD_OK && res.rc != HD_E_UNAVAILABLE &&
		   res.rc != HD_E_STORAGE_FULL && res.rc != HD_E_TIMEDOUT &&
		   res.rc != HD_E_CLOSED) {
		hd_warn("routing.command_refused",
			"ticket=%llu err=%s why=\"%s\"",
			(unsigned long long)w->id, hd_errname(res.rc),
			res.message);
		hd_counter_add(&cmds_dropped, 1);
	} else {
		rc = rc ? rc : res.rc;
	}
	hd_rpc_result_release(&res);
	hd__ticket_write_request__free_unpacked(w, NULL);
	return rc;
}

static void pause_ms(sender *s, int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s->lock);
	if (!atomic_load(&s->stop))
		pthread_cond_timedwait(&s->wake, &s->lock, &ts);
	pthread_mutex_unlock(&s->lock);
}

static void *sender_main(void *arg)
{
	sender *s = arg;
	int backoff = RETRY_FIRST_MS;
	while (!atomic_load(&s->stop)) {
		uint8_t key[8], *data = NULL;
		size_t len = 0;
		int rc = oldest(s->r, key, &data, &len);
		if (rc) {
			pause_ms(s, IDLE_WAIT_MS);
			continue;
		}
		rc = deliver(s, data, len);
		free(data);
		if (rc == HD_OK) {
			backoff = RETRY_FIRST_MS;
			rc = hd_store_write(s->r->store, delete_job, key);
			if (rc)
				pause_ms(s, RETRY_FIRST_MS);
			continue;
		}
		if (atomic_load(&s->stop))
			break;
		hd_counter_add(&cmds_retried, 1);
		pause_ms(s, backoff);
		backoff =
			backoff * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : backoff * 2;
	}
	return NULL;
}

int routing_cmds_start(routing *r, hd_svc *svc)
{
	sender *s = &the_sender;
	s->r = r;
	s->shards = svc->shards < MAX_SHARDS ? svc->shards : MAX_SHARDS;
	for (unsigned i = 0; i < s->shards; i++) {
		char url[600];
		int rc = hd_svc_url(svc, "intake", "RPC", i, url, sizeof url);
		if (!rc)
			rc = hd_rpc_client_open(&s->clients[i], url);
		if (rc) {
			routing_cmds_stop(r);
			return rc;
		}
	}
	atomic_store(&s->stop, false);
	if (pthread_create(&s->thread, NULL, sender_main, s)) {
		routing_cmds_stop(r);
		return HD_E_NOMEM;
	}
	s->started = true;
	return HD_OK;
}

void routing_cmds_stop(routing *r)
{
	(void)r;
	sender *s = &the_sender;
	atomic_store(&s->stop, true);
	for (unsigned i = 0; i < s->shards; i++)
		if (s->clients[i])
			hd_rpc_client_abort(s->clients[i]);
	pthread_mutex_lock(&s->lock);
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	if (s->started)
		pthread_join(s->thread, NULL);
	s->started = false;
	for (unsigned i = 0; i < s->shards; i++) {
		hd_rpc_client_close(s->clients[i]);
		s->clients[i] = NULL;
	}
}

void routing_cmds_collect(void *ctx, hd_buf *out)
{
	routing *r = ctx;
	uint64_t n = 0;
	if (hd_store_count(r->store, r->commands, &n))
		return;
	hd_prom_family(out, "hd_routing_commands_pending", "gauge",
		       "Commands queued for intake, not yet applied.");
	hd_buf_printf(out, "hd_routing_commands_pending %llu\n",
		      (unsigned long long)n);
}
