/* intake's entry points as main.c's hd_svc tables call them: the modules'
 * open and close (each module binds its sub-databases first; the few with
 * work to start — indexes, the indexer thread, the mail parser — start
 * after every bind and the first admin). The RPC handlers live in their
 * modules' files; the event handlers in fields_events.c and trig_copy.c. */
#include "intake.h"
#include "live.h"
#include "pw_pool.h"
#include "trig_copy.h"
#include "users.h"

#include "hd/err.h"

/* The context every module reads, the password pool and the shared
 * counters. */
int intake_core_open(hd_svc *svc, void *ctx)
{
	intake *in = ctx;
	in->svc = svc;
	in->store = svc->store;
	in->shard = svc->shard;
	in->shards = svc->shards;
	int rc = intake_pw_pool_init(&svc->cfg);
	return rc ? rc : hd_store_dbi(in->store, "meta", &in->meta);
}

#define BIND(name)                                                             \
	int intake_##name##_open(hd_svc *svc, void *ctx)                       \
	{                                                                      \
		(void)svc;                                                     \
		return intake_##name##_bind(ctx);                              \
	}
#define START(name)                                                            \
	int intake_##name##_run(hd_svc *svc, void *ctx)                        \
	{                                                                      \
		(void)svc;                                                     \
		return intake_##name##_start(ctx);                             \
	}                                                                      \
	void intake_##name##_close(hd_svc *svc, void *ctx)                     \
	{                                                                      \
		(void)svc;                                                     \
		intake_##name##_stop(ctx);                                     \
	}
/* clang-format off */
BIND(tickets) BIND(users) BIND(fields) BIND(search) BIND(live) BIND(mail)
BIND(email) BIND(session) BIND(pwreset) BIND(signin) BIND(addresses)
BIND(csat) BIND(import) BIND(trig)
START(tickets) START(search) START(mail)
	/* clang-format on */

	/* Trigger definitions copied from routing: not ready before the first
 * copy (trig_copy.c). */
	int intake_trig_ready_open(hd_svc *svc, void *ctx)
{
	svc->ready_check = intake_trig_ready;
	svc->ready_arg = ctx;
	return HD_OK;
}

/* The first admin, on the directory shard. */
int intake_admin_open(hd_svc *svc, void *ctx)
{
	intake *in = ctx;
	if (in->shard != INTAKE_DIRECTORY_SHARD)
		return HD_OK;
	return intake_bootstrap_admin(in,
				      hd_cfg_get(&svc->cfg, "HD_ADMIN_EMAIL"),
				      hd_cfg_get(&svc->cfg, "HD_ADMIN_TOKEN"),
				      hd_cfg_get(&svc->cfg, "HD_DATA"));
}

int intake_groups_snapshot_open(hd_svc *svc, void *ctx)
{
	(void)svc;
	return intake_groups_snapshot(ctx);
}
