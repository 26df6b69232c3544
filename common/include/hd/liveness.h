/* Liveness of a process's long-running loops (the store's writer, the bus
 * consumer, the RPC worker pool, tick threads), for /healthz. Each loop owns
 * one slot and reports work arriving and work finished; a loop whose pending
 * work reaches its capacity and then makes no progress for the stall time is
 * stuck. An idle loop is never stuck. Hooks: any thread, atomics only, no
 * lock, no allocation; registering and forgetting take a mutex. */
#ifndef HD_LIVENESS_H
#define HD_LIVENESS_H

#include "hd/buf.h"

#include <stddef.h>
#include <stdint.h>

typedef struct hd_loop hd_loop;

#define HD_LIVENESS_MAX_LOOPS 32

/* Claim a slot named `name` (a constant such as "store.writer"; a name in
 * use gets ".2", ".3" … appended). capacity: how much pending work blocks
 * the loop — 1 for a single thread with a queue, the worker count for a
 * pool (stuck when every worker is busy and none finishes). Never NULL:
 * past HD_LIVENESS_MAX_LOOPS every caller shares one slot that is never
 * reported. The slot lives until hd_liveness_forget(). */
hd_loop *hd_liveness_register(const char *name, int64_t capacity);
/* Free the slot (NULL is fine); its hooks must not run any more. */
void hd_liveness_forget(hd_loop *l);

/* n units of work arrived (a job queued, a request taken). When this makes
 * the loop blocked, its stall clock starts now. */
void hd_liveness_queued(hd_loop *l, int64_t n);
/* n units of work finished: the loop progressed now. */
void hd_liveness_done(hd_loop *l, int64_t n);

/* Stall time in ms (0 disables the check); hd_svc sets it from
 * HD_LIVENESS_STALL_S. Default 30000. */
void hd_liveness_set_stall_ms(int64_t ms);

/* HD_OK when no loop is stuck; else HD_E_UNAVAILABLE with one line per
 * stuck loop ("stuck: store.writer pending=12 idle_ms=31000") written into
 * why. Logs liveness.stuck once when a loop becomes stuck and
 * liveness.recovered when it moves again. */
int hd_liveness_check(char *why, size_t cap);

/* Prometheus collector (see hd/prom.h): hd_loop_stalled_seconds{loop} and
 * hd_loop_pending{loop}. arg is unused. */
void hd_liveness_collect(void *arg, hd_buf *out);

#endif
