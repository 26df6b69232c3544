/* Prometheus text-format metrics: a process-wide registry of counters that
 * modules declare statically, plus collector callbacks for values read at
 * scrape time (gauges, labelled series). Counters are atomics: any thread. */
#ifndef HD_PROM_H
#define HD_PROM_H

#include "hd/buf.h"

#include <stdatomic.h>
#include <stdint.h>

typedef struct hd_counter {
	const char *name; /* must end in _total */
	const char *help;
	_Atomic uint64_t value;
	struct hd_counter *next;
} hd_counter;

/* Declare a file-local counter, registered before main() runs. */
#define HD_COUNTER(var, name, help)                                            \
	static hd_counter var = {name, help, 0, 0};                            \
	__attribute__((constructor)) static void var##_register(void)          \
	{                                                                      \
		hd_prom_register(&var);                                        \
	}

void hd_prom_register(hd_counter *c);
static inline void hd_counter_add(hd_counter *c, uint64_t n)
{
	atomic_fetch_add_explicit(&c->value, n, memory_order_relaxed);
}

/* A collector appends complete metric families (HELP, TYPE, samples). */
typedef void (*hd_prom_collect_fn)(void *arg, hd_buf *out);
/* Up to 16 collectors; returns HD_E_TOOBIG past that. */
int hd_prom_add_collector(hd_prom_collect_fn fn, void *arg);
void hd_prom_clear_collectors(void);

/* Render every registered counter and collector. */
int hd_prom_render(hd_buf *out);

/* Helpers for collectors: one family header, one sample. */
int hd_prom_family(hd_buf *out, const char *name, const char *type,
		   const char *help);

#endif
