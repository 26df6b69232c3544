/* The tick job (see hooks.h): one write job per tick runs every tick hook.
 * Ticks are driven by the wall clock (main.c's ticks, HD_ROUTING_TICK_MS);
 * the hooks read business time. */
#include "hooks.h"

#include "hd/err.h"

static int tick_job(hd_txn *t, void *arg)
{
	routing *r = arg;
	int64_t now = hd_now_ms();
	for (size_t i = 0; routing_tick_hooks[i] && t->rc == HD_OK; i++)
		hd_txn_fail(t, routing_tick_hooks[i](r, t, now));
	return t->rc;
}

int routing_tick(hd_svc *svc, void *ctx)
{
	(void)svc;
	routing *r = ctx;
	if (!routing_tick_hooks[0])
		return HD_OK;
	return hd_store_write(r->store, tick_job, r);
}
