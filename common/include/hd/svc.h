/* The service skeleton every binary shares: configuration (common HD_*
 * options plus the service's own), the store, the publisher, the consumer,
 * the RPC server, the admin listener, and a graceful SIGTERM. main() calls
 * init → sets up its own context → start → wait → release. Signals are
 * blocked in every thread and taken only by hd_svc_wait(). */
#ifndef HD_SVC_H
#define HD_SVC_H

#include "hd/admin.h"
#include "hd/bus.h"
#include "hd/cfg.h"
#include "hd/rpc.h"
#include "hd/store.h"

#include <stdatomic.h>

struct hd_svc;

typedef struct hd_svc_def {
	const char *name;       /* "intake" */
	const char *about;      /* one line for --help */
	unsigned index;         /* admin port default: 9100 + index */
	const hd_cfg_opt *opts; /* the service's own options */
	size_t nopts;
	/* LMDB sub-databases: a NULL-terminated list of NULL-terminated name
	 * lists, one per module. NULL: no store (the gateway). */
	const char *const *const *dbs;
	int publishes; /* owns an outbox and a pub socket */
	/* sources, NULL-terminated, or NULL; "name@0" takes shard 0 of a
	 * sharded source only; a service never consumes its own shard */
	const char *const *consumes;
	/* What hd_svc_main() wires; all optional. ctx is the service's own
	 * context, handed to setup, teardown, the routes and apply. */
	void *ctx;
	int (*setup)(struct hd_svc *svc, void *ctx); /* after the store opens */
	void (*teardown)(struct hd_svc *svc,
			 void *ctx); /* first thing on stop */
	/* RPC route tables, NULL-terminated; each ends in {NULL, NULL}. */
	const hd_rpc_route *const *routes;
	hd_apply_fn apply;
} hd_svc_def;

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
	hd_apply_fn apply; /* the service's own, behind the held-event rule */
	void *apply_arg;
	int lock_fd;              /* flock on data_dir: one instance only */
	unsigned stop_timeout_ms; /* HD_STOP_TIMEOUT_MS */
	_Atomic int ready;
	/* Optional, set in def->setup: asked by /readyz (see hd/admin.h). */
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
/* The dial URL of `service`'s RPC ("RPC") or pub ("PUB") socket on shard. */
int hd_svc_url(const hd_svc *svc, const char *service, const char *kind,
	       unsigned shard, char *out, size_t cap);
/* Start serving: routes (with ctx) plus the bus RPCs, the publisher, the
 * consumer (when def->consumes) applying with apply/apply_arg, the admin
 * listener. Marks the service ready. */
int hd_svc_start(hd_svc *svc, const hd_rpc_route *const *routes, void *ctx,
		 hd_apply_fn apply, void *apply_arg);
/* Block until SIGTERM or SIGINT; then mark not ready and start the shutdown
 * deadline (HD_STOP_TIMEOUT_MS): if hd_svc_release() has not returned by
 * then, the process logs service.stop_deadline and _exit(0)s. */
void hd_svc_wait(hd_svc *svc);
/* Stop taking work, finish in-flight, close everything; ends the deadline. */
void hd_svc_release(hd_svc *svc);

/* The whole life of a service: init, def->setup, start, wait, teardown,
 * release. Returns main()'s exit status: 0 (also after --help),
 * HD_EX_CONFIG when the configuration was refused, else 1. */
int hd_svc_main(const hd_svc_def *def, int argc, char **argv);

#endif
