/* Labelled Prometheus families (histograms, labelled counters) in fixed
 * tables; see hd/prom.h. Slots are claimed once and never freed, so a lookup
 * needs no lock: a slot's key is written before its state turns live
 * (release), and read only after seeing it live (acquire). */
#include "hd/prom.h"

#include "hd/err.h"

#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

static const uint64_t latency_bounds[] = {
	100,   250,    500,    1000,   2500,    5000,    10000,   25000,
	50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
};
const hd_prom_buckets hd_prom_latency_us = {
	latency_bounds, sizeof latency_bounds / sizeof latency_bounds[0], 1e-6};

static const uint64_t pow2_bounds[] = {1,   2,   4,   8,    16,   32,  64,
				       128, 256, 512, 1024, 2048, 4096};
const hd_prom_buckets hd_prom_pow2 = {
	pow2_bounds, sizeof pow2_bounds / sizeof pow2_bounds[0], 1};

/* The last slot is kept for the overflow series. */
#define PROBE_SLOTS (HD_PROM_MAX_SERIES - 1)

static hd_prom_vec *families;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

int64_t hd_prom_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void hd_prom_register_vec(hd_prom_vec *f)
{
	pthread_mutex_lock(&mu);
	f->next = families;
	families = f;
	pthread_mutex_unlock(&mu);
}

static size_t label_count(const hd_prom_vec *f)
{
	size_t n = 0;
	while (n < HD_PROM_MAX_LABELS && f->labels[n])
		n++;
	return n;
}

/* The label values, each NUL-terminated, into key; each value gets an equal
 * share of the room and is cut on a UTF-8 boundary so the exposition stays
 * valid UTF-8. Returns the key's length. */
static size_t make_key(size_t nl, const char *const *values,
		       char key[HD_PROM_KEY_MAX])
{
	size_t share = HD_PROM_KEY_MAX / (nl ? nl : 1), len = 0;
	for (size_t i = 0; i < nl; i++) {
		const char *v = values && values[i] ? values[i] : "";
		size_t vl = strnlen(v, share);
		if (vl == share) { /* too long: cut before a whole character */
			vl = share - 1;
			while (vl > 0 && ((unsigned char)v[vl] & 0xC0) == 0x80)
				vl--;
		}
		memcpy(key + len, v, vl);
		key[len + vl] = '\0';
		len += vl + 1;
	}
	return len;
}

static uint32_t fnv1a(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

/* Claim s for key when free; 1 when s (now) holds key, 0 when it holds
 * another key. Both keys end with the same number of NULs, so comparing
 * len bytes compares whole keys. */
static int claim_or_match(hd_prom_series *s, const char *key, size_t len,
			  uint32_t h)
{
	uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
	if (st == 0) {
		if (atomic_compare_exchange_strong(&s->state, &st, 1)) {
			memcpy(s->key, key, len);
			s->hash = h;
			atomic_store_explicit(&s->state, 2,
					      memory_order_release);
			return 1;
		}
	}
	while (st != 2) { /* another thread is writing this slot's key */
		sched_yield();
		st = atomic_load_explicit(&s->state, memory_order_acquire);
	}
	return s->hash == h && memcmp(s->key, key, len) == 0;
}

static hd_prom_series *overflow(hd_prom_vec *f, size_t nl)
{
	const char *other[HD_PROM_MAX_LABELS] = {"other", "other", "other"};
	char key[HD_PROM_KEY_MAX];
	size_t len = make_key(nl, other, key);
	hd_prom_series *s = &f->series[HD_PROM_MAX_SERIES - 1];
	claim_or_match(s, key, len, fnv1a(key, len));
	return s;
}

static hd_prom_series *find_series(hd_prom_vec *f, const char *const *values)
{
	size_t nl = label_count(f);
	char key[HD_PROM_KEY_MAX];
	size_t len = make_key(nl, values, key);
	uint32_t h = fnv1a(key, len);
	for (size_t i = 0; i < PROBE_SLOTS; i++) {
		hd_prom_series *s = &f->series[(h + i) % PROBE_SLOTS];
		if (claim_or_match(s, key, len, h))
			return s;
	}
	return overflow(f, nl);
}

void hd_prom_observe(hd_prom_vec *f, const char *const *values, uint64_t v)
{
	hd_prom_series *s = find_series(f, values);
	if (!f->buckets) {
		atomic_fetch_add_explicit(&s->n[0], v, memory_order_relaxed);
		return;
	}
	size_t b = 0;
	while (b < f->buckets->n && v > f->buckets->bounds[b])
		b++;
	atomic_fetch_add_explicit(&s->sum, v, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->n[b], 1, memory_order_relaxed);
}

HD_COUNTER_VEC(errors, "hd_errors_total",
	       "Errors by kind: failed commits, full stores, bad frames and "
	       "payloads, failed applies, answers of internal errors.",
	       "kind")

void hd_prom_error(const char *kind)
{
	hd_prom_observe(&errors, &kind, 1);
}

/* The kinds the suite counts start at 0, so dashboards and rate() see the
 * series before the first error rather than only after it. */
__attribute__((constructor)) static void seed_error_kinds(void)
{
	static const char *const kinds[] = {
		"store_commit",    "store_full", "bus_bad_frame",
		"bus_bad_payload", "bus_apply",  "bus_behind_retention",
		"http_5xx"};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		hd_prom_observe(&errors, &kinds[i], 0);
}

/* ---- rendering ---- */

int hd_prom_label_value(hd_buf *out, const char *s)
{
	int rc = HD_OK;
	for (; *s && rc == HD_OK; s++) {
		if (*s == '\\' || *s == '"')
			rc = hd_buf_printf(out, "\\%c", *s);
		else if (*s == '\n')
			rc = hd_buf_puts(out, "\\n");
		else
			rc = hd_buf_append(out, s, 1);
	}
	return rc;
}

/* `{a="x",b="y"` (no closing brace: the caller may add `le`). */
static int render_labels(hd_buf *out, const hd_prom_vec *f,
			 const hd_prom_series *s)
{
	int rc = hd_buf_puts(out, "{");
	const char *v = s->key;
	for (size_t i = 0; f->labels[i] && i < HD_PROM_MAX_LABELS && !rc; i++) {
		rc = hd_buf_printf(out, "%s%s=\"", i ? "," : "", f->labels[i]);
		if (!rc)
			rc = hd_prom_label_value(out, v);
		if (!rc)
			rc = hd_buf_puts(out, "\"");
		v += strlen(v) + 1;
	}
	return rc;
}

static int render_histogram(hd_buf *out, const hd_prom_vec *f,
			    const hd_prom_series *s)
{
	const hd_prom_buckets *b = f->buckets;
	uint64_t cum = 0;
	int rc = HD_OK;
	int has_labels = f->labels[0] != NULL;
	/* _count is the +Inf bucket summed here, so the two always agree. */
	for (size_t i = 0; i <= b->n && !rc; i++) {
		cum += atomic_load_explicit(&s->n[i], memory_order_relaxed);
		rc = hd_buf_printf(out, "%s_bucket", f->name);
		if (!rc)
			rc = render_labels(out, f, s);
		if (!rc && i < b->n)
			rc = hd_buf_printf(out, "%sle=\"%g\"} %llu\n",
					   has_labels ? "," : "",
					   (double)b->bounds[i] * b->scale,
					   (unsigned long long)cum);
		else if (!rc)
			rc = hd_buf_printf(out, "%sle=\"+Inf\"} %llu\n",
					   has_labels ? "," : "",
					   (unsigned long long)cum);
	}
	double sum = (double)atomic_load(&s->sum) * b->scale;
	const char *suffix[2] = {"_sum", "_count"};
	for (int k = 0; k < 2 && !rc; k++) {
		rc = hd_buf_printf(out, "%s%s", f->name, suffix[k]);
		if (!rc)
			rc = render_labels(out, f, s);
		if (!rc && k == 0)
			rc = hd_buf_printf(out, "} %.9g\n", sum);
		else if (!rc)
			rc = hd_buf_printf(out, "} %llu\n",
					   (unsigned long long)cum);
	}
	return rc;
}

static int render_family(hd_buf *out, const hd_prom_vec *f)
{
	int live = 0;
	for (size_t i = 0; i < HD_PROM_MAX_SERIES && !live; i++)
		live = atomic_load_explicit(&f->series[i].state,
					    memory_order_acquire) == 2;
	if (!live) /* nothing observed yet: no empty family in the output */
		return HD_OK;
	int rc = hd_prom_family(out, f->name,
				f->buckets ? "histogram" : "counter", f->help);
	for (size_t i = 0; i < HD_PROM_MAX_SERIES && !rc; i++) {
		const hd_prom_series *s = &f->series[i];
		if (atomic_load_explicit(&s->state, memory_order_acquire) != 2)
			continue;
		if (f->buckets) {
			rc = render_histogram(out, f, s);
			continue;
		}
		rc = hd_buf_puts(out, f->name);
		if (!rc)
			rc = render_labels(out, f, s);
		if (!rc)
			rc = hd_buf_printf(
				out, "} %llu\n",
				(unsigned long long)atomic_load(&s->n[0]));
	}
	return rc;
}

int hd_prom_render_vecs(hd_buf *out)
{
	int rc = HD_OK;
	pthread_mutex_lock(&mu);
	for (const hd_prom_vec *f = families; f && !rc; f = f->next)
		rc = render_family(out, f);
	pthread_mutex_unlock(&mu);
	return rc;
}
