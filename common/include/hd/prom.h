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

/* A collector appends complete metric families (HELP, TYPE, samples),
 * unchecked: hd_prom_render returns the buffer's sticky error (buf.h). */
typedef void (*hd_prom_collect_fn)(void *arg, hd_buf *out);
/* Up to 16 collectors; returns HD_E_TOOBIG past that. */
int hd_prom_add_collector(hd_prom_collect_fn fn, void *arg);
void hd_prom_clear_collectors(void);

/* Render every registered counter and collector. */
int hd_prom_render(hd_buf *out);

/* Helpers for collectors: one family header, one sample. */
int hd_prom_family(hd_buf *out, const char *name, const char *type,
		   const char *help);

/* ---- labelled families: histograms and labelled counters ----
 * A family is declared statically (HD_HISTOGRAM, HD_COUNTER_VEC) and keeps
 * its series in a fixed table: the first observation of a label set claims a
 * slot with a compare-and-swap, later ones find it by hash, and every count
 * is an atomic, so observing never allocates or locks. Label values must come
 * from a bounded set (route patterns, method names, outcome names), never
 * from raw client input. When the table is full, new label sets share one
 * overflow series whose every label is "other". */
#define HD_PROM_MAX_LABELS  3
#define HD_PROM_MAX_SERIES  512
#define HD_PROM_MAX_BUCKETS 16
#define HD_PROM_KEY_MAX     160

/* Upper bounds (inclusive, ascending, in observed units) and the factor
 * that turns an observed unit into the rendered one (1e-6: µs → seconds). */
typedef struct hd_prom_buckets {
	const uint64_t *bounds;
	size_t n; /* at most HD_PROM_MAX_BUCKETS */
	double scale;
} hd_prom_buckets;
/* 100 µs … 10 s, observed in µs, rendered in seconds. */
extern const hd_prom_buckets hd_prom_latency_us;
/* 1, 2, 4 … 4096: batch sizes and other counts. */
extern const hd_prom_buckets hd_prom_pow2;

typedef struct hd_prom_series {
	_Atomic uint32_t state; /* 0 free, 1 being claimed, 2 live */
	uint32_t hash;
	char key[HD_PROM_KEY_MAX]; /* label values, each NUL-terminated */
	_Atomic uint64_t sum;      /* histograms: sum of observed units */
	/* histograms: per-bucket counts, [n] is +Inf; counters: [0] */
	_Atomic uint64_t n[HD_PROM_MAX_BUCKETS + 1];
} hd_prom_series;

typedef struct hd_prom_vec {
	const char *name;
	const char *help;
	const hd_prom_buckets *buckets; /* NULL: a labelled counter */
	const char *labels[HD_PROM_MAX_LABELS + 1]; /* names, NULL-ended */
	hd_prom_series series[HD_PROM_MAX_SERIES];
	struct hd_prom_vec *next;
} hd_prom_vec;

/* Declare a file-local histogram with up to three label names. */
#define HD_HISTOGRAM(var, name_, help_, buckets_, ...)                         \
	static hd_prom_vec var = {.name = name_,                               \
				  .help = help_,                               \
				  .buckets = &buckets_,                        \
				  .labels = {__VA_ARGS__}};                    \
	__attribute__((constructor)) static void var##_register(void)          \
	{                                                                      \
		hd_prom_register_vec(&var);                                    \
	}
/* Declare a file-local counter with labels (name must end in _total). */
#define HD_COUNTER_VEC(var, name_, help_, ...)                                 \
	static hd_prom_vec var = {                                             \
		.name = name_, .help = help_, .labels = {__VA_ARGS__}};        \
	__attribute__((constructor)) static void var##_register(void)          \
	{                                                                      \
		hd_prom_register_vec(&var);                                    \
	}

void hd_prom_register_vec(hd_prom_vec *f);
/* Record one observation v (histogram) or add v (counter) to the series of
 * the given label values (one per label name; NULL reads as ""). Values are
 * truncated to fit HD_PROM_KEY_MAX together. Any thread; never allocates. */
void hd_prom_observe(hd_prom_vec *f, const char *const *values, uint64_t v);
/* Append every registered family in text format (called by render). */
int hd_prom_render_vecs(hd_buf *out);
/* Append `s` as a label value: backslash, quote and newline escaped. */
int hd_prom_label_value(hd_buf *out, const char *s);
/* Count one error of a kind (a constant such as "store_commit") in the one
 * process-wide family hd_errors_total{kind}. */
void hd_prom_error(const char *kind);
/* Microseconds on the monotonic clock, for measuring durations. */
int64_t hd_prom_now_us(void);

#endif
