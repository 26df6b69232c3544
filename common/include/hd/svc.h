/* The service skeleton every binary shares: configuration (common HD_*
 * options plus the service's own), the store, the publisher, the consumer,
 * the RPC server, the admin listener, tick jobs and a graceful SIGTERM, wired
 * from one hd_svc_def table per service (hd_svc_main). common/ names no
 * service: each def says which peers, modules, routes, event handlers and
 * ticks it has. Signals are blocked in every thread and taken only by
 * hd_svc_wait(). */
#ifndef HD_SVC_H
#define HD_SVC_H

#include "hd/admin.h"
#include "hd/bus.h"
#include "hd/cfg.h"
#include "hd/rpc.h"
#include "hd/store.h"

#include <stdatomic.h>

struct hd_svc;

/* A service this one listens as, dials or consumes: its two URL options
 * (HD_<NAME>_RPC, HD_<NAME>_PUB, shown by --help) and whether it runs
 * HD_SHARDS instances (else one). Write rows with HD_SVC_PEER. */
typedef struct hd_svc_peer {
	const char *name; /* "intake" */
	int sharded;
	hd_cfg_opt urls[2];
} hd_svc_peer;

#define HD_SVC_PEER(low, UP, is_sharded)                                       \
	{                                                                      \
		.name = low, .sharded = is_sharded,                            \
		.urls = {{"HD_" UP "_RPC", "--" low "-rpc",                    \
			  "ipc://{run}/" low "-{shard}.rpc",                   \
			  low " RPC URL template"},                            \
			 {"HD_" UP "_PUB", "--" low "-pub",                    \
			  "ipc://{run}/" low "-{shard}.pub",                   \
			  low " events URL template"}},                        \
	}

/* One module of a service. open runs after the store opens, in table order
 * (bind sub-databases, read the module's options, start its threads);
 * close runs in reverse order, first thing on stop, for every module whose
 * open succeeded. Either may be NULL. */
typedef struct hd_svc_module {
	const char *name; /* logged when open fails */
	int (*open)(struct hd_svc *svc, void *ctx);
	void (*close)(struct hd_svc *svc, void *ctx);
} hd_svc_module;

/* An event handler. Every row whose source and type match the event runs,
 * in table order, inside the same apply transaction; the first error (the
 * handler's, or the transaction's sticky one) stops the rest and is the
 * apply's result. source NULL: any source; type NULL: any type; a type
 * ending in '.' ("sla.") matches that prefix. fn gets def->ctx. */
typedef struct hd_svc_event {
	const char *source;
	const char *type;
	hd_apply_fn fn;
} hd_svc_event;

/* A job run on its own thread every period (the option period_env, in ms,
 * at least min_ms), first right after start, only while the service is
 * ready. Each is a liveness loop named `name` (busy while fn runs); an
 * error is logged as service.tick_failed and the job runs again next time. */
typedef struct hd_svc_tick {
	const char *name; /* "routing.tick" */
	const char *period_env;
	uint64_t min_ms;
	int (*fn)(struct hd_svc *svc, void *ctx);
} hd_svc_tick;

/* A service is one constant table: main() is `return hd_svc_main(&def, …)`.
 * Every list below ends in a zero row; all are optional. */
typedef struct hd_svc_def {
	const char *name;       /* "intake" */
	const char *about;      /* one line for --help */
	unsigned index;         /* admin port default: 9100 + index */
	const hd_cfg_opt *opts; /* the service's own options */
	size_t nopts;
	/* This service (when it listens) and every service it dials or
	 * consumes; ends in {NULL}. */
	const hd_svc_peer *peers;
	/* LMDB sub-databases: a NULL-terminated list of NULL-terminated name
	 * lists, one per module. NULL: no store (the gateway). */
	const char *const *const *dbs;
	int publishes; /* owns an outbox and a pub socket */
	/* sources, NULL-terminated, or NULL; "name@0" takes shard 0 of a
	 * sharded source only; a service never consumes its own shard */
	const char *const *consumes;
	void *ctx; /* the service's context, handed to everything below */
	const hd_svc_module *modules;
	/* RPC route tables, NULL-terminated; each ends in {NULL, NULL}. */
	const hd_rpc_route *const *routes;
	const hd_svc_event *events; /* how consumed events are applied */
	const hd_svc_tick *ticks;
} hd_svc_def;

struct hd_svc_ticker;

typedef struct hd_svc {
	const hd_svc_def *def;
	hd_cfg cfg;
	unsigned shard;
	unsigned shards; /* shards of every stateful service */
	char run_dir[512];
	char data_dir[512]; /* this instance's LMDB directory */
	hd_store *store;
	hd_pub *pub;
	hd_consumer *consumer;
	hd_rpc_server *rpc;
	hd_admin *admin;
	struct hd_svc_ticker *tickers; /* one per def->ticks row */
	size_t modules_open;           /* def->modules opened so far */
	int lock_fd;              /* flock on data_dir: one instance only */
	unsigned stop_timeout_ms; /* HD_STOP_TIMEOUT_MS */
	_Atomic int ready;
	/* Optional, set by a module's open: asked by /readyz (hd/admin.h). */
	hd_admin_ready_fn ready_check;
	void *ready_arg;
} hd_svc;

/* main()'s exit status when the configuration is refused (sysexits.h's
 * EX_CONFIG): restarting with the same settings cannot help. */
#define HD_EX_CONFIG 78

/* Parse configuration and open the store. Returns HD_OK, HD_CFG_HELP (help
 * was printed: exit 0) or an error (already logged: exit 1, or HD_EX_CONFIG
 * when a value was refused: hd_cfg_refused()). */
int hd_svc_init(hd_svc *svc, const hd_svc_def *def, int argc, char **argv);
/* The dial URL of `service`'s RPC ("RPC") or pub ("PUB") socket on shard;
 * HD_E_NOTFOUND when service is not in def->peers. */
int hd_svc_url(const hd_svc *svc, const char *service, const char *kind,
	       unsigned shard, char *out, size_t cap);
/* Open def->modules in order. On failure the ones opened stay open for
 * hd_svc_close_modules(). */
int hd_svc_open_modules(hd_svc *svc);
/* Start serving: def->routes (with def->ctx) plus the bus RPCs, the
 * publisher, the consumer (when def->consumes) applying def->events, the
 * admin listener, then def->ticks. Marks the service ready. */
int hd_svc_start(hd_svc *svc);
/* Stop the tick jobs, then close the opened modules in reverse order. */
void hd_svc_close_modules(hd_svc *svc);
/* Apply one event with def->events (see hd_svc_event): what the consumer
 * runs for an event of a known type. The first error, or t->rc. */
int hd_svc_dispatch(hd_svc *svc, hd_txn *t, const struct Hd__Envelope *ev);
/* Block until SIGTERM or SIGINT; then mark not ready and start the shutdown
 * deadline (HD_STOP_TIMEOUT_MS): if hd_svc_release() has not returned by
 * then, the process logs service.stop_deadline and _exit(0)s. */
void hd_svc_wait(hd_svc *svc);
/* Stop taking work, finish in-flight, close everything; ends the deadline. */
void hd_svc_release(hd_svc *svc);

/* The whole life of a service: init, open modules, start, wait, close
 * modules, release. Returns main()'s exit status: 0 (also after --help),
 * HD_EX_CONFIG when the configuration was refused, else 1. */
int hd_svc_main(const hd_svc_def *def, int argc, char **argv);

#endif
