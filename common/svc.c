/* The service skeleton; see hd/svc.h. */
#include "hd/svc.h"
#include "svc_tick.h"
#include "hd/assert.h"
#include "hd/clock.h"
#include "hd/store_meta.h"
#include "hd/cluster_key.h"

#include "common.pb-c.h"
#include "hd/bus_held.h"
#include "hd/err.h"
#include "hd/liveness.h"
#include "hd/log.h"
#include "hd/obs.h"
#include "hd/pbwire.h"
#include "hd/prom.h"
#include "hd/prom_process.h"
#include "rpc.pb-c.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CURSORS    64
#define HD_SVC_MAX_DBS 120

static const hd_cfg_opt common_opts[] = {
	{"HD_DATA", "--data", "./var",
	 "data directory (one LMDB env per service instance below it)"},
	{"HD_RUN", "--run", "",
	 "run directory for ipc:// sockets (default: $HD_DATA/run)"},
	{"HD_CLUSTER_KEY_FILE", "--cluster-key-file", "",
	 "the suite's shared secret (32 bytes or 64 hex digits, mode 0600; "
	 "default: $HD_DATA/cluster.key, created when missing)"},
	{"HD_SHARD", "--shard", "0", "this instance's shard"},
	{"HD_SHARDS", "--shards", "1",
	 "number of instances of each sharded service"},
	{"HD_LOG_LEVEL", "--log-level", "info", "debug | info | warn | error"},
	{"HD_LIVENESS_STALL_S", "--liveness-stall-s", "30",
	 "/healthz answers 503 when a loop with pending work (store writer, "
	 "bus consumer, RPC workers, tick) has not progressed for this many "
	 "seconds; 0 = off"},
	{"HD_STOP_TIMEOUT_MS", "--stop-timeout-ms", "10000",
	 "shutdown deadline after SIGTERM; past it the service logs "
	 "service.stop_deadline and exits 0 (acknowledged writes are durable)"},
	{"HD_CLOCK_FILE", "--clock-file", "",
	 "tests only: file holding a business-clock offset in ms"},
	{"HD_ADMIN_BIND", "--admin-bind", "127.0.0.1",
	 "admin HTTP address (/healthz /readyz /metrics)"},
	{"HD_ADMIN_PORT", "--admin-port", "auto",
	 "admin HTTP port; auto = 9100 + service index; 0 = off"},
	{"HD_MAP_SIZE_MB", "--map-size-mb", "1024", "LMDB map size in MiB"},
	{"HD_MAP_MAX_MB", "--map-max-mb", "65536",
	 "the map doubles when full, up to this many MiB"},
	{"HD_OUTBOX_RETENTION_HOURS", "--outbox-retention-hours", "168",
	 "keep published events this long (0 = forever)"},
	{"HD_OUTBOX_MAX_EVENTS", "--outbox-max-events", "10000000",
	 "keep at most this many published events (0 = no cap)"},
	{"HD_RPC_WORKERS", "--rpc-workers", "32", "concurrent RPC contexts"},
	{"HD_RPC_LISTEN", "--rpc-listen", "",
	 "own RPC listen URL (default: own HD_<SERVICE>_RPC)"},
	{"HD_PUB_LISTEN", "--pub-listen", "",
	 "own pub/sub listen URL (default: own HD_<SERVICE>_PUB)"},
};

static void block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int hd_svc_url(const hd_svc *svc, const char *service, const char *kind,
	       unsigned shard, char *out, size_t cap)
{
	char env[64];
	size_t n = (size_t)snprintf(env, sizeof env, "HD_%s_%s", service, kind);
	for (size_t i = 0; i < n && i < sizeof env; i++)
		env[i] = (char)toupper((unsigned char)env[i]);
	const char *tmpl = hd_cfg_get(&svc->cfg, env);
	if (!tmpl)
		return HD_E_NOTFOUND;
	return hd_cfg_expand(tmpl, svc->run_dir, shard, out, cap);
}

static int read_numbers(hd_svc *svc, uint64_t map_mb[2], uint64_t *ret_h,
			uint64_t *ret_max)
{
	uint64_t shard = 0, shards = 0;
	int rc = hd_cfg_u64(&svc->cfg, "HD_SHARD", 0, 255, &shard);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_SHARDS", 1, 256, &shards);
	if (!rc && shard >= shards) {
		hd_error("config.invalid",
			 "var=HD_SHARD value=%llu "
			 "want=\"less than HD_SHARDS (%llu)\"",
			 (unsigned long long)shard, (unsigned long long)shards);
		hd_cfg_refuse();
		rc = HD_E_INVALID;
	}
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_MAP_SIZE_MB", 1, 1 << 24,
				&map_mb[0]);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_MAP_MAX_MB", 1, 1 << 24,
				&map_mb[1]);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_OUTBOX_RETENTION_HOURS", 0,
				1000000, ret_h);
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_OUTBOX_MAX_EVENTS", 0,
				UINT64_MAX, ret_max);
	uint64_t stop_ms = 0;
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_STOP_TIMEOUT_MS", 1, 3600000,
				&stop_ms);
	svc->stop_timeout_ms = (unsigned)stop_ms;
	uint64_t stall_s = 0;
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_LIVENESS_STALL_S", 0, 86400,
				&stall_s);
	hd_liveness_set_stall_ms((int64_t)stall_s * 1000);
	svc->shard = (unsigned)shard;
	svc->shards = (unsigned)shards;
	return rc;
}

/* A second instance on the same data directory would also bind the same
 * ipc:// paths, and nng 1.5.2 then silently stops accepting on the first
 * instance's listeners: refuse to start instead. */
static int lock_instance(hd_svc *svc)
{
	char path[600];
	snprintf(path, sizeof path, "%s/instance.lock", svc->data_dir);
	svc->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (svc->lock_fd < 0) {
		hd_error("service.lock_failed", "path=%s", path);
		return HD_E_IO;
	}
	if (flock(svc->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		hd_error("service.already_running",
			 "path=%s msg=\"another %s-%u uses this data "
			 "directory\"",
			 path, svc->def->name, svc->shard);
		return HD_E_CONFLICT;
	}
	return HD_OK;
}

/* An explicit HD_CLUSTER_KEY_FILE must exist (a typo must not silently make
 * a second cluster); the default under HD_DATA is created when missing, so
 * `make run` on one host needs no setup. */
static int load_cluster_key(hd_svc *svc, const char *data)
{
	if (sodium_init() < 0)
		return HD_E_INTERNAL;
	const char *file = hd_cfg_get(&svc->cfg, "HD_CLUSTER_KEY_FILE");
	if (file && file[0])
		return hd_cluster_key_load(file, 0);
	char path[600];
	snprintf(path, sizeof path, "%s/cluster.key", data);
	mkdir(data, 0700);
	return hd_cluster_key_load(path, 1);
}

int hd_svc_init(hd_svc *svc, const hd_svc_def *def, int argc, char **argv)
{
	memset(svc, 0, sizeof *svc);
	svc->lock_fd = -1;
	svc->def = def;
	block_signals();
	hd_cfg_init(&svc->cfg);
	hd_cfg_add(&svc->cfg, common_opts,
		   sizeof common_opts / sizeof common_opts[0]);
	int rc = HD_OK;
	for (const hd_svc_peer *p = def->peers; !rc && p && p->name; p++)
		rc = hd_cfg_add(&svc->cfg, p->urls, 2);
	if (!rc && def->opts)
		rc = hd_cfg_add(&svc->cfg, def->opts, def->nopts);
	if (!rc)
		rc = hd_cfg_parse(&svc->cfg, argc, argv, def->about);
	if (rc)
		return rc;
	hd_log_init(def->name, hd_cfg_get(&svc->cfg, "HD_LOG_LEVEL"));
	hd_clock_use_file(hd_cfg_get(&svc->cfg, "HD_CLOCK_FILE"));
	uint64_t map_mb[2] = {0}, ret_h = 0, ret_max = 0;
	if ((rc = read_numbers(svc, map_mb, &ret_h, &ret_max)))
		return rc;
	const char *data = hd_cfg_get(&svc->cfg, "HD_DATA");
	const char *run = hd_cfg_get(&svc->cfg, "HD_RUN");
	if (run[0])
		snprintf(svc->run_dir, sizeof svc->run_dir, "%s", run);
	else
		snprintf(svc->run_dir, sizeof svc->run_dir, "%s/run", data);
	snprintf(svc->data_dir, sizeof svc->data_dir, "%s/%s-%u", data,
		 def->name, svc->shard);
	if ((rc = load_cluster_key(svc, data)))
		return rc;
	if (!def->dbs)
		return HD_OK;
	const char *names[HD_SVC_MAX_DBS + 1];
	size_t n = 0;
	for (size_t l = 0; def->dbs[l]; l++)
		for (size_t i = 0; def->dbs[l][i]; i++) {
			/* the tables are the service's own code */
			if (!HD_ASSERT(n < HD_SVC_MAX_DBS))
				return HD_E_TOOBIG;
			names[n++] = def->dbs[l][i];
		}
	names[n] = NULL;
	hd_store_opts o = {.dir = svc->data_dir,
			   .dbs = names,
			   .map_size = (size_t)map_mb[0] << 20,
			   .map_max = (size_t)map_mb[1] << 20,
			   .source = def->publishes ? def->name : NULL,
			   .shard = svc->shard,
			   .retain_ms = ret_h * 3600 * 1000,
			   .retain_max = ret_max};
	/* The lock first: a second instance, or a service started while
	 * hd-restore rewrites the store, must not open (or migrate) it. */
	rc = hd_store_make_dir(svc->data_dir);
	if (rc == HD_OK)
		rc = lock_instance(svc);
	return rc ? rc : hd_store_open(&svc->store, &o);
}

/* ---- bus.status and the cursor gauges ---- */

static int bus_status(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	(void)req;
	hd_svc *svc = ctx;
	hd_cursor_status st[MAX_CURSORS];
	Hd__SourceCursor cur[MAX_CURSORS], *curp[MAX_CURSORS];
	size_t n = 0;
	if (svc->consumer) {
		n = hd_consumer_status(svc->consumer, st, MAX_CURSORS);
		n = n > MAX_CURSORS ? MAX_CURSORS : n;
	}
	for (size_t i = 0; i < n; i++) {
		hd__source_cursor__init(&cur[i]);
		cur[i].source = st[i].name;
		cur[i].shard = st[i].shard;
		cur[i].applied_seq = st[i].applied;
		cur[i].failed = st[i].failed;
		cur[i].incarnation = st[i].incarnation;
		cur[i].reason =
			st[i].failed ? (char *)hd_bus_reason_name(st[i].reason)
				     : "";
		cur[i].pull_failures = st[i].pull_failures;
		cur[i].pull_error =
			st[i].pull_failures
				? (char *)hd_errname(st[i].pull_error)
				: "";
		curp[i] = &cur[i];
	}
	Hd__BusStatusReply out = HD__BUS_STATUS_REPLY__INIT;
	out.service = (char *)svc->def->name;
	out.shard = svc->shard;
	out.latest_seq = svc->pub ? hd_store_latest_seq(svc->store) : 0;
	out.n_cursors = n;
	out.cursors = curp;
	out.bad_frames =
		svc->consumer ? hd_consumer_bad_frames(svc->consumer) : 0;
	out.incarnation = hd_store_incarnation(svc->store);
	MDB_dbi held;
	if (hd_store_dbi(svc->store, "__held_events", &held) == HD_OK)
		hd_store_count(svc->store, held, &out.held_events);
	return hd_pb_pack(&rep->payload, &out);
}

static void collect_store_meta(hd_svc *svc, hd_buf *out);

static void collect_bus(void *arg, hd_buf *out)
{
	hd_svc *svc = arg;
	if (svc->store)
		collect_store_meta(svc, out);
	if (svc->pub) {
		hd_prom_family(out, "hd_bus_outbox_latest_seq", "gauge",
			       "Sequence of the newest committed event in this "
			       "service's outbox.");
		hd_buf_printf(
			out, "hd_bus_outbox_latest_seq %llu\n",
			(unsigned long long)hd_store_latest_seq(svc->store));
	}
	if (!svc->consumer)
		return;
	hd_cursor_status st[MAX_CURSORS];
	size_t n = hd_consumer_status(svc->consumer, st, MAX_CURSORS);
	hd_prom_family(out, "hd_bus_cursor_seq", "gauge",
		       "Last event sequence applied from each source.");
	for (size_t i = 0; i < n && i < MAX_CURSORS; i++)
		hd_buf_printf(
			out,
			"hd_bus_cursor_seq{source=\"%s\",shard=\"%u\"} %llu\n",
			st[i].name, st[i].shard,
			(unsigned long long)st[i].applied);
	hd_prom_family(
		out, "hd_bus_source_failed", "gauge",
		"1 when the source trimmed events this consumer still needed.");
	for (size_t i = 0; i < n && i < MAX_CURSORS; i++)
		hd_buf_printf(
			out,
			"hd_bus_source_failed{source=\"%s\",shard=\"%u\"} %d\n",
			st[i].name, st[i].shard, st[i].failed);
	hd_prom_family(out, "hd_bus_source_diverged", "gauge",
		       "1 when this consumer stopped applying from the source "
		       "because it is not the one its cursor followed (reason "
		       "incarnation_changed: restored; seq_backwards: lost "
		       "events); see docs/operations.md.");
	for (size_t i = 0; i < n && i < MAX_CURSORS; i++) {
		int div =
			st[i].failed && st[i].reason != HD_BUS_BEHIND_RETENTION;
		hd_buf_printf(
			out,
			"hd_bus_source_diverged{source=\"%s\",shard=\"%u\","
			"reason=\"%s\"} %d\n",
			st[i].name, st[i].shard,
			div ? hd_bus_reason_name(st[i].reason) : "none", div);
	}
}

/* Held events and the store's identity, for the upgrade runbook. */
static void collect_store_meta(hd_svc *svc, hd_buf *out)
{
	MDB_dbi held;
	uint64_t n = 0;
	hd_prom_family(out, "hd_store_info", "gauge",
		       "The store's schema version and incarnation (changed "
		       "by hd-restore), as labels; always 1.");
	hd_buf_printf(out,
		      "hd_store_info{schema_version=\"%d\","
		      "incarnation=\"%016llx\"} 1\n",
		      HD_STORE_SCHEMA_VERSION,
		      (unsigned long long)hd_store_incarnation(svc->store));
	if (hd_store_dbi(svc->store, "__held_events", &held) ||
	    hd_store_count(svc->store, held, &n))
		return;
	hd_prom_family(out, "hd_bus_held_events", "gauge",
		       "Events of unknown types waiting in __held_events for "
		       "a build that knows them.");
	hd_buf_printf(out, "hd_bus_held_events %llu\n", (unsigned long long)n);
}

/* ---- start / wait / release ---- */

static bool type_matches(const char *want, const char *type)
{
	if (!want)
		return true;
	size_t n = strlen(want);
	if (n && want[n - 1] == '.')
		return strncmp(type, want, n) == 0;
	return strcmp(type, want) == 0;
}

int hd_svc_dispatch(hd_svc *svc, hd_txn *t, const Hd__Envelope *ev)
{
	for (const hd_svc_event *e = svc->def->events; e && e->fn; e++) {
		if (e->source && strcmp(e->source, ev->source) != 0)
			continue;
		if (!type_matches(e->type, ev->type))
			continue;
		int rc = e->fn(svc->def->ctx, t, ev);
		if (rc)
			return rc;
		if (t->rc)
			return t->rc;
	}
	return t->rc;
}

static int dispatch(void *arg, hd_txn *t, const Hd__Envelope *ev)
{
	return hd_svc_dispatch(arg, t, ev);
}

/* The event compatibility rule (hd/bus_held.h) in front of the service's
 * own handlers. */
static int svc_apply(void *arg, hd_txn *t, const Hd__Envelope *ev)
{
	if (!hd_event_type_known(ev->type))
		return hd_bus_hold(t, ev);
	return hd_svc_dispatch(arg, t, ev);
}

static const hd_svc_peer *find_peer(const hd_svc *svc, const char *name,
				    size_t len)
{
	for (const hd_svc_peer *p = svc->def->peers; p && p->name; p++)
		if (strlen(p->name) == len && !strncmp(p->name, name, len))
			return p;
	return NULL;
}

static int start_consumer(hd_svc *svc)
{
	hd_source src[MAX_CURSORS];
	size_t n = 0;
	int rc = HD_OK;
	for (size_t i = 0; svc->def->consumes[i] && rc == HD_OK; i++) {
		/* "name@0": shard 0 of name only (a sharded service's own
		 * shards take definitions from shard 0). Else a sharded peer
		 * runs HD_SHARDS instances, any other one. */
		const char *name = svc->def->consumes[i];
		size_t nl = strcspn(name, "@");
		bool only0 = name[nl] == '@';
		const hd_svc_peer *peer = find_peer(svc, name, nl);
		if (!peer) {
			hd_error("service.unknown_source",
				 "source=%.*s msg=\"not in the service's "
				 "peers\"",
				 (int)nl, name);
			return HD_E_INVALID;
		}
		unsigned shards = !only0 && peer->sharded ? svc->shards : 1;
		for (unsigned sh = 0; sh < shards && rc == HD_OK; sh++) {
			/* Never a source of its own events. */
			if (strlen(svc->def->name) == nl &&
			    !strncmp(name, svc->def->name, nl) &&
			    sh == svc->shard)
				continue;
			if (n == MAX_CURSORS)
				return HD_E_TOOBIG;
			hd_source *s = &src[n++];
			memset(s, 0, sizeof *s);
			snprintf(s->name, sizeof s->name, "%.*s", (int)nl,
				 name);
			s->shard = sh;
			rc = hd_svc_url(svc, s->name, "PUB", sh, s->pub_url,
					sizeof s->pub_url);
			if (!rc)
				rc = hd_svc_url(svc, s->name, "RPC", sh,
						s->rpc_url, sizeof s->rpc_url);
		}
	}
	uint64_t unheld = 0, held = 0;
	if (rc == HD_OK)
		rc = hd_bus_held_replay(svc->store, dispatch, svc, &unheld,
					&held);
	if (rc == HD_OK && n) /* e.g. a shard 0 that consumes only itself */
		rc = hd_consumer_start(&svc->consumer, svc->store, src, n,
				       svc_apply, svc);
	return rc;
}

static int own_url(hd_svc *svc, const char *listen_env, const char *kind,
		   char *out, size_t cap)
{
	const char *v = hd_cfg_get(&svc->cfg, listen_env);
	if (v && v[0])
		return hd_cfg_expand(v, svc->run_dir, svc->shard, out, cap);
	return hd_svc_url(svc, svc->def->name, kind, svc->shard, out, cap);
}

static int start_admin(hd_svc *svc)
{
	const char *port_s = hd_cfg_get(&svc->cfg, "HD_ADMIN_PORT");
	uint64_t port = 9100 + svc->def->index;
	if (strcmp(port_s, "auto") != 0 &&
	    hd_cfg_u64(&svc->cfg, "HD_ADMIN_PORT", 0, 65535, &port))
		return HD_E_INVALID;
	hd_prom_add_collector(collect_bus, svc);
	hd_prom_add_collector(hd_obs_collect, svc);
	hd_prom_add_collector(hd_prom_process_collect, NULL);
	hd_prom_add_collector(hd_liveness_collect, NULL);
	return hd_admin_start(
		&svc->admin, hd_cfg_get(&svc->cfg, "HD_ADMIN_BIND"),
		(unsigned)port, &svc->ready, svc->ready_check, svc->ready_arg);
}

static const hd_rpc_route bus_routes[] = {{"bus.status", bus_status},
					  {NULL, NULL}};
static const hd_rpc_route pub_routes[] = {{"events.since", hd_bus_events_since},
					  {NULL, NULL}};

int hd_svc_open_modules(hd_svc *svc)
{
	const hd_svc_module *m = svc->def->modules;
	for (; m && m->name; m++, svc->modules_open++) {
		int rc = m->open ? m->open(svc, svc->def->ctx) : HD_OK;
		if (rc) {
			hd_error("service.module_failed", "module=%s err=%s",
				 m->name, hd_strerror(rc));
			return rc;
		}
	}
	return HD_OK;
}

void hd_svc_close_modules(hd_svc *svc)
{
	hd_svc_ticks_stop(svc);
	const hd_svc_module *m = svc->def->modules;
	for (; svc->modules_open > 0; svc->modules_open--)
		if (m[svc->modules_open - 1].close)
			m[svc->modules_open - 1].close(svc, svc->def->ctx);
}

int hd_svc_start(hd_svc *svc)
{
	char url[512];
	const hd_rpc_route *const *routes = svc->def->routes;
	int rc = hd_rpc_server_new(&svc->rpc);
	for (size_t i = 0; !rc && routes && routes[i]; i++)
		rc = hd_rpc_server_add(svc->rpc, routes[i], svc->def->ctx);
	if (!rc && svc->store)
		rc = hd_rpc_server_add(svc->rpc, bus_routes, svc);
	if (!rc && svc->def->publishes)
		rc = hd_rpc_server_add(svc->rpc, pub_routes, svc->store);
	if (!rc && svc->def->publishes &&
	    !(rc = own_url(svc, "HD_PUB_LISTEN", "PUB", url, sizeof url)))
		rc = hd_pub_open(&svc->pub, url, svc->store, svc->def->name,
				 svc->shard);
	if (!rc && svc->store && svc->def->consumes)
		rc = start_consumer(svc);
	uint64_t workers = 0;
	if (!rc)
		rc = hd_cfg_u64(&svc->cfg, "HD_RPC_WORKERS", 1, 1024, &workers);
	if (!rc && svc->store &&
	    !(rc = own_url(svc, "HD_RPC_LISTEN", "RPC", url, sizeof url)))
		rc = hd_rpc_server_start(svc->rpc, url, (unsigned)workers);
	if (!rc)
		rc = start_admin(svc);
	if (rc) {
		hd_error("service.start_failed", "err=%s", hd_strerror(rc));
		return rc;
	}
	atomic_store(&svc->ready, 1);
	if ((rc = hd_svc_ticks_start(svc))) {
		atomic_store(&svc->ready, 0);
		hd_error("service.start_failed", "err=%s", hd_strerror(rc));
		return rc;
	}
	hd_info("service.started", "shard=%u shards=%u data=%s", svc->shard,
		svc->shards, svc->data_dir);
	return HD_OK;
}

/* ---- the shutdown deadline ----
 * Stopping waits for in-flight work, the consumer's last apply, the store's
 * last commit and nng's closes; on a loaded machine or with nng 1.5.2's close
 * hangs (DESIGN.md) that can take long. Every acknowledged write is durable
 * already, so past HD_STOP_TIMEOUT_MS the process logs it and exits 0. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int armed, done;
	unsigned ms;
} watchdog = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void *watchdog_main(void *arg)
{
	(void)arg;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += watchdog.ms / 1000;
	until.tv_nsec += (long)(watchdog.ms % 1000) * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&watchdog.mu);
	int rc = 0;
	while (!watchdog.done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&watchdog.cv, &watchdog.mu, &until);
	int late = !watchdog.done;
	pthread_mutex_unlock(&watchdog.mu);
	if (late) {
		hd_error("service.stop_deadline",
			 "timeout_ms=%u msg=\"shutdown did not finish in "
			 "time; exiting now (acknowledged writes are "
			 "durable)\"",
			 watchdog.ms);
		_exit(0);
	}
	return NULL;
}

static void watchdog_arm(unsigned ms)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&watchdog.cv, &ca);
	pthread_condattr_destroy(&ca);
	watchdog.ms = ms ? ms : 10000;
	watchdog.done = 0;
	watchdog.armed = pthread_create(&watchdog.thread, NULL, watchdog_main,
					NULL) == 0;
	if (!watchdog.armed)
		pthread_cond_destroy(&watchdog.cv);
}

static void watchdog_disarm(void)
{
	if (!watchdog.armed)
		return;
	pthread_mutex_lock(&watchdog.mu);
	watchdog.done = 1;
	pthread_cond_signal(&watchdog.cv);
	pthread_mutex_unlock(&watchdog.mu);
	pthread_join(watchdog.thread, NULL);
	pthread_cond_destroy(&watchdog.cv);
	watchdog.armed = 0;
}

void hd_svc_wait(hd_svc *svc)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	int sig = 0;
	sigwait(&set, &sig);
	atomic_store(&svc->ready, 0);
	hd_info("service.stopping", "signal=%d deadline_ms=%u", sig,
		svc->stop_timeout_ms);
	watchdog_arm(svc->stop_timeout_ms);
}

void hd_svc_release(hd_svc *svc)
{
	/* How long each step took, logged so a slow stop names its cause. */
	int64_t t[5];
	int started = svc->rpc != NULL;
	t[0] = hd_wall_ms();
	hd_rpc_server_stop(svc->rpc); /* no new work; in-flight finishes */
	svc->rpc = NULL;
	/* The admin listener goes first: a scrape reads the consumer. */
	hd_admin_stop(svc->admin);
	svc->admin = NULL;
	t[1] = hd_wall_ms();
	int abandoned = hd_consumer_stop(svc->consumer) != HD_OK;
	svc->consumer = NULL;
	hd_prom_clear_collectors();
	t[2] = hd_wall_ms();
	hd_pub_close(svc->pub);
	svc->pub = NULL;
	t[3] = hd_wall_ms();
	if (!abandoned) /* an abandoned consumer thread may still write */
		hd_store_close(svc->store); /* drains queued writes first */
	svc->store = NULL;
	t[4] = hd_wall_ms();
	if (started)
		hd_info("service.released",
			"rpc_ms=%lld consumer_ms=%lld pub_ms=%lld "
			"store_ms=%lld",
			(long long)(t[1] - t[0]), (long long)(t[2] - t[1]),
			(long long)(t[3] - t[2]), (long long)(t[4] - t[3]));
	hd_cfg_release(&svc->cfg);
	if (svc->lock_fd >= 0)
		close(svc->lock_fd); /* releases the instance lock */
	svc->lock_fd = -1;
	watchdog_disarm();
}

int hd_svc_main(const hd_svc_def *def, int argc, char **argv)
{
	hd_svc svc;
	int rc = hd_svc_init(&svc, def, argc, argv);
	if (rc == HD_OK)
		rc = hd_svc_open_modules(&svc);
	if (rc == HD_OK)
		rc = hd_svc_start(&svc);
	if (rc == HD_OK)
		hd_svc_wait(&svc);
	/* Also after a start that failed: the modules' threads use the store
	 * that release closes. */
	int64_t stop_at = hd_wall_ms();
	hd_svc_close_modules(&svc);
	int64_t teardown_ms = hd_wall_ms() - stop_at;
	hd_svc_release(&svc);
	if (rc == HD_OK)
		hd_info("service.stopped",
			"shard=%u took_ms=%lld teardown_ms=%lld", svc.shard,
			(long long)(hd_wall_ms() - stop_at),
			(long long)teardown_ms);
	if (rc == HD_OK || rc == HD_CFG_HELP)
		return 0;
	/* A refused value (logged as config.invalid) will be refused again: a
	 * supervisor must stop, not restart (scripts/run.sh). Other failures
	 * (a socket that cannot listen yet) may pass. */
	return hd_cfg_refused() ? HD_EX_CONFIG : 1;
}
