/* intake's search module: the indexer thread (off the request path: it
 * reads intake's own outbox and indexes in batches, one write job per batch
 * with its cursor, so indexing is exactly-once and restart-safe) and the
 * search.tickets RPC. The key layout is in search_index.c. */
#include "search.h"
#include "search_bits.h"
#include "users.h"

#include "hd/cfg.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/pbwire.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_EVENTS  1000
#define BATCH_BYTES   ((size_t)4 << 20)
#define IDLE_SLEEP_MS 20
#define CURSOR_KEY    "search_cursor"
#define MAX_QUERY     4096

const char *const intake_search_dbs[] = {"search_post", "search_docs",
					 "search_meta", "search_fields",
					 "search_bits", NULL};

struct search_indexer {
	pthread_t thread;
	atomic_int stop;
};

int intake_search_bind(intake *in)
{
	const hd_dbi_ref dbs[] = {{"search_post", &in->search.post},
				  {"search_docs", &in->search.docs},
				  {"search_meta", &in->search.meta},
				  {"search_fields", &in->search.fields},
				  {"search_bits", &in->search.bits},
				  {NULL, NULL}};
	int rc = hd_store_dbis(in->store, dbs);
	if (!rc)
		rc = search_bits_notes_new(in);
	if (!rc)
		rc = search_phrase_cache_new(in);
	return rc;
}

void intake_search_release(intake *in)
{
	search_bits_notes_free(in);
	search_phrase_cache_free(in);
}

typedef struct batch {
	const intake *in;
	Hd__Envelope *ev[BATCH_EVENTS];
	size_t n;
	uint64_t last_seq;
} batch;

static int collect_event(void *arg, uint64_t seq, const uint8_t *env,
			 size_t len)
{
	batch *b = arg;
	if (b->n == BATCH_EVENTS)
		return HD_E_TOOBIG;
	b->last_seq = seq;
	Hd__Envelope *e = hd__envelope__unpack(NULL, len, env);
	if (!e)
		hd_warn("search_bad_envelope", "seq=%llu",
			(unsigned long long)seq);
	else
		b->ev[b->n++] = e;
	return HD_OK;
}

static int index_batch(hd_txn *t, void *arg)
{
	batch *b = arg;
	const intake *in = b->in;
	for (size_t i = 0; i < b->n && !t->rc; i++)
		search_index_event(in, t, b->ev[i]);
	search_bits_flush(in,
			  t); /* the batch's bitmap changes, chunk by chunk */
	uint8_t v[8];
	hd_key_u64(v, b->last_seq);
	hd_txn_put(t, in->search.meta, CURSOR_KEY, strlen(CURSOR_KEY), v, 8);
	return t->rc;
}

static void batch_release(batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		hd__envelope__free_unpacked(b->ev[i], NULL);
	b->n = 0;
}

/* Retention trimmed events that were never indexed: say so loudly and go
 * on from the oldest retained one (tickets that change again are indexed
 * again then). */
static void skip_trimmed(intake *in, uint64_t *cursor)
{
	uint64_t oldest = hd_store_oldest_seq(in->store);
	hd_error("search_index_behind", "after=%llu oldest=%llu",
		 (unsigned long long)*cursor, (unsigned long long)oldest);
	if (oldest > *cursor + 1)
		*cursor = oldest - 1;
}

/* One round: index what the outbox holds past the cursor. Returns the
 * number of events consumed (0: idle), or -1 on an error. */
static long index_round(intake *in, batch *b, uint64_t *cursor)
{
	if (hd_store_latest_seq(in->store) <= *cursor)
		return 0;
	b->n = 0;
	b->last_seq = *cursor;
	int rc = hd_store_events_since(in->store, *cursor, BATCH_EVENTS,
				       BATCH_BYTES, collect_event, b);
	if (rc == HD_E_TOOBIG)
		rc = HD_OK; /* the batch is full */
	if (rc == HD_OK && b->last_seq > *cursor)
		rc = hd_store_write(in->store, index_batch, b);
	long n = (long)(b->last_seq - *cursor);
	batch_release(b);
	if (rc == HD_OK) {
		*cursor = b->last_seq;
		return n;
	}
	if (rc == HD_E_BEHIND) {
		skip_trimmed(in, cursor);
		return 1;
	}
	hd_error("search_index_failed", "after=%llu err=%s",
		 (unsigned long long)*cursor, hd_errname(rc));
	return -1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void *indexer(void *arg)
{
	intake *in = arg;
	batch *b = calloc(1, sizeof *b);
	uint64_t cursor = 0;
	if (b)
		b->in = in;
	if (!b || hd_store_get_u64(in->store, in->search.meta, CURSOR_KEY,
				   &cursor) != HD_OK) {
		hd_error("search_indexer_failed", "reason=%s",
			 b ? "cursor unreadable" : "out of memory");
		free(b);
		return NULL;
	}
	/* A store indexed before the field postings gets them built a batch
	 * at a time between rounds (the indexer is their only writer, and
	 * keeps them for every doc it changes meanwhile; search scans until
	 * they are built). */
	int built = 0, bits = 0;
	while (!atomic_load(&in->indexer->stop)) {
		if (!built && search_fields_build_step(in, &built) != HD_OK)
			sleep_ms(500);
		else if (built && !bits &&
			 search_bits_build_step(in, &bits) != HD_OK)
			sleep_ms(500);
		long n = index_round(in, b, &cursor);
		if (n == 0 && built && bits)
			sleep_ms(IDLE_SLEEP_MS);
		else if (n < 0)
			sleep_ms(500); /* e.g. storage full: retry later */
	}
	free(b);
	return NULL;
}

int intake_search_start(intake *in)
{
	const char *v = hd_cfg_get(&in->svc->cfg, "HD_SEARCH_VERIFY");
	in->search.verify = v && strcmp(v, "1") == 0;
	in->indexer = calloc(1, sizeof *in->indexer);
	if (!in->indexer)
		return HD_E_NOMEM;
	atomic_store(&in->indexer->stop, 0);
	if (pthread_create(&in->indexer->thread, NULL, indexer, in) != 0) {
		free(in->indexer);
		in->indexer = NULL;
		return HD_E_NOMEM;
	}
	return HD_OK;
}

void intake_search_stop(intake *in)
{
	if (!in->indexer)
		return;
	atomic_store(&in->indexer->stop, 1);
	pthread_join(in->indexer->thread, NULL);
	free(in->indexer);
	in->indexer = NULL;
}

static int check_request(const Hd__SearchRequest *sr, hd_rpc_rep *rep)
{
	const char *sb = sr->sort_by, *so = sr->sort_order;
	static const char *const sorts[] = {
		"",         "relevance", "updated_at",  "created_at",
		"priority", "status",    "ticket_type", NULL};
	int ok = 0;
	for (size_t i = 0; sorts[i] && !ok; i++)
		ok = strcmp(sb, sorts[i]) == 0;
	if (!ok)
		return hd_rpc_fail(rep, HD_E_INVALID, "sort_by",
				   "sort_by: '%.32s' is not one of updated_at, "
				   "created_at, priority, status, ticket_type",
				   sb);
	if (so[0] && strcmp(so, "asc") != 0 && strcmp(so, "desc") != 0)
		return hd_rpc_fail(rep, HD_E_INVALID, "sort_order",
				   "sort_order: must be asc or desc");
	if (strlen(sr->query) > MAX_QUERY)
		return hd_rpc_fail(rep, HD_E_INVALID, "query",
				   "query: is too long (maximum is %d bytes)",
				   MAX_QUERY);
	return HD_OK;
}

static int intake_search_tickets(void *ctx, const hd_rpc_req *req,
				 hd_rpc_rep *rep)
{
	intake *in = ctx;
	if (req->principal.user_id == 0)
		return hd_rpc_fail(rep, HD_E_UNAUTHORIZED, NULL,
				   "search needs an authenticated user");
	Hd__SearchRequest *sr = NULL;
	if (hd_req_decode(req, rep, &hd__search_request__descriptor,
			  (void **)&sr))
		return HD_E_DECODE;
	sq_query q = {0};
	Hd__SearchReply out = HD__SEARCH_REPLY__INIT;
	int rc = check_request(sr, rep);
	if (!rc)
		rc = sq_parse(sr->query, &req->principal, hd_now_ms(), &q, rep);
	if (!rc)
		rc = search_exec(in, &q, &req->principal, sr, &out);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &out);
	else if (rc != HD_E_INVALID)
		hd_rpc_fail(rep, rc, NULL, "search failed: %s",
			    hd_strerror(rc));
	search_reply_release(&out);
	sq_release(&q);
	hd__search_request__free_unpacked(sr, NULL);
	return rc;
}

typedef struct people {
	const intake *in;
	hd_txn *t;
} people;

static int lookup(void *arg, const char *kind, const char *value, uint64_t *id)
{
	const people *p = arg;
	if (strcmp(kind, "email") == 0)
		return intake_user_by_email(p->in, p->t, value, id);
	return intake_dir_id_by_name(p->in, p->t, strcmp(kind, "group") == 0,
				     value, id);
}

/* search.resolve (directory shard only): the request with people's e-mail
 * addresses and group and organization names in its query replaced by
 * their ids, so every shard can match them without a directory of its own. */
static int intake_search_resolve(void *ctx, const hd_rpc_req *req,
				 hd_rpc_rep *rep)
{
	intake *in = ctx;
	if (req->principal.user_id == 0)
		return hd_rpc_fail(rep, HD_E_UNAUTHORIZED, NULL,
				   "search needs an authenticated user");
	if (in->shard != INTAKE_DIRECTORY_SHARD)
		return hd_rpc_fail(rep, HD_E_NOTFOUND, NULL,
				   "users live on the directory shard");
	Hd__SearchRequest *sr = NULL;
	if (hd_req_decode(req, rep, &hd__search_request__descriptor,
			  (void **)&sr))
		return HD_E_DECODE;
	hd_buf b;
	hd_txn t;
	hd_buf_init(&b, 2 * MAX_QUERY);
	int rc = check_request(sr, rep);
	if (!rc && !(rc = hd_store_read(in->store, &t))) {
		people p = {in, &t};
		rc = sq_resolve_people(sr->query, lookup, &p, &b);
		hd_txn_end(&t);
		if (rc)
			hd_rpc_fail(rep, HD_E_INVALID, "query",
				    "query: is too long");
	}
	if (!rc) {
		Hd__SearchRequest out = *sr;
		out.query = b.data ? b.data : "";
		rc = hd_pb_pack(&rep->payload, &out);
	}
	hd_buf_release(&b);
	hd__search_request__free_unpacked(sr, NULL);
	return rc == HD_E_TOOBIG ? HD_E_INVALID : rc;
}

const hd_rpc_route intake_search_routes[] = {
	{"search.tickets", intake_search_tickets},
	{"search.resolve", intake_search_resolve},
	{NULL, NULL},
};
