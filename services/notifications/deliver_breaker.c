/* Per-destination circuit breakers (scheme://host:port). Closed: every
 * transfer may start; breaker_failures failures in a row open it. Open: no
 * transfer starts until the cooldown ends, then exactly one probe does; the
 * probe's success closes it, its failure starts another cooldown. Results
 * of transfers that were already in flight when it opened change nothing
 * (they are not new evidence), except that a success closes it. Opening and
 * closing are logged once each, never per delivery. Sender thread only. */
#include "deliver.h"

#include "hd/log.h"
#include "hd/prom.h"

#include <stdio.h>
#include <string.h>

HD_COUNTER(c_opened, "hd_notify_breaker_opened_total",
	   "Times a destination's circuit breaker opened.")

static notify_breaker *find(notify_breakers *b, const char *host, int create)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->v[i].host, host) == 0)
			return &b->v[i];
	if (!create)
		return NULL;
	notify_breaker *e = NULL;
	if (b->n < NOTIFY_MAX_HOSTS) {
		e = &b->v[b->n++];
	} else { /* full: forget a closed one (open ones must stay open) */
		for (size_t i = 0; i < b->n && !e; i++)
			if (!b->v[i].open)
				e = &b->v[i];
		if (!e)
			return NULL;
	}
	memset(e, 0, sizeof *e);
	snprintf(e->host, sizeof e->host, "%s", host);
	return e;
}

int notify_breaker_blocked(notify_breakers *b, const char *host, int64_t now)
{
	const notify_breaker *e = find(b, host, 0);
	return e && e->open && (now < e->open_until || e->probe_id);
}

int notify_breaker_admit(notify_breakers *b, const char *host,
			 uint64_t delivery_id, int64_t now)
{
	notify_breaker *e = find(b, host, 0);
	if (!e || !e->open)
		return 1;
	if (now < e->open_until || e->probe_id)
		return 0;
	e->probe_id = delivery_id; /* half-open: this one tests the water */
	return 1;
}

static void close_breaker(notify_breaker *e, int64_t now)
{
	hd_info("notify.breaker_closed", "host=%s open_ms=%lld", e->host,
		(long long)(now - e->opened_at));
	e->open = 0;
	e->fails = 0;
	e->probe_id = 0;
}

void notify_breaker_result(notify_breakers *b, const notify_cfg *c,
			   const char *host, uint64_t delivery_id, int healthy,
			   int64_t now)
{
	notify_breaker *e = find(b, host, !healthy);
	if (!e)
		return;
	if (e->open) {
		int probe = e->probe_id == delivery_id;
		if (healthy)
			close_breaker(e, now);
		else if (probe) {
			e->probe_id = 0;
			e->open_until = now + (int64_t)c->breaker_cooldown_ms;
		}
		return;
	}
	if (healthy) {
		e->fails = 0;
		return;
	}
	if (++e->fails < c->breaker_failures)
		return;
	e->open = 1;
	e->opened_at = now;
	e->open_until = now + (int64_t)c->breaker_cooldown_ms;
	hd_counter_add(&c_opened, 1);
	hd_warn("notify.breaker_open", "host=%s fails=%u cooldown_ms=%llu",
		e->host, e->fails, (unsigned long long)c->breaker_cooldown_ms);
}
