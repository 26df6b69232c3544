/* What one attempt's result means for its delivery: delivered, retried
 * later (connection errors, timeouts, 408, 429 and 5xx, with exponential
 * backoff and jitter, or after 429's Retry-After) or dead (any other
 * status, or the retry horizon passed). Pure apart from the jitter. */
#include "notifications.h"

#include <sodium.h>

static int64_t backoff(const notify_cfg *c, uint32_t attempts)
{
	uint64_t delay = c->backoff_ms;
	for (uint32_t i = 1; i < attempts && delay < c->backoff_max_ms; i++)
		delay *= 2;
	if (delay > c->backoff_max_ms)
		delay = c->backoff_max_ms;
	/* "Equal jitter": half fixed, half random, so receivers that failed
	 * together do not all come back at the same instant. */
	uint64_t half = delay / 2;
	uint64_t r = half ? randombytes_uniform(
				    (uint32_t)(half < UINT32_MAX ? half + 1
								 : UINT32_MAX))
			  : 0;
	return (int64_t)(delay - half + r);
}

const char *notify_classify(const notify_cfg *c, const notify_outcome *o,
			    const Hd__Delivery *d, int64_t now,
			    int64_t *next_at)
{
	int code = o->status_code;
	int smtp = d->kind && d->kind[0] == 'm';
	int retry;
	*next_at = 0;
	if (o->transport_err == 0 && !smtp && code >= 200 && code < 300)
		return "delivered";
	if (o->transport_err == 0 && smtp)
		return "delivered";
	if (smtp) /* permanent SMTP replies are 5xx; the rest is transient */
		retry = !(code >= 500 && code < 600);
	else if (o->transport_err > 0 && code == 0)
		retry = 1; /* a network failure; < 0 is refused before sending */
	else
		retry = code == 408 || code == 429 || code >= 500;
	if (!retry)
		return "dead";
	int64_t wait = code == 429 && o->retry_after_ms >= 0
			       ? o->retry_after_ms
			       : backoff(c, d->attempts + 1);
	if (now + wait - d->created_at > (int64_t)c->horizon_ms)
		return "dead";
	*next_at = now + wait;
	return "retry";
}
