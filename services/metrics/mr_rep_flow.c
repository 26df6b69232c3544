/* Reports on what comes in: volume (new tickets by channel per interval),
 * heatmap (weekday × hour of day in the account zone) and keywords (top terms
 * of new tickets this period against the period just before it). */
#include "mr.h"

#include "hd/err.h"
#include "hd/time_iso.h"

#include <stdlib.h>
#include <string.h>

#define TOP_TERMS 20

static void volume_row(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		       uint64_t c, int64_t v)
{
	char iso[HD_TIME_ISO_LEN];
	hd_time_iso(bucket, iso);
	mr_report_row(arg, json_pack("{s:s, s:s, s:I}", "time", iso, "channel",
				     mr_channel_name((unsigned)a), "tickets",
				     (json_int_t)v));
}

int mr_rep_volume(metrics *m, hd_txn *t, const mr_filter *f, json_t **out,
		  hd_rpc_rep *rep)
{
	static const char *const cols[] = {"time", "channel", "tickets", NULL};
	*out = mr_report_new("volume", f, cols);
	json_object_set_new(*out, "interval", json_string(f->interval));
	return mr_roll_scan(m, t, MR_CREATED, f->gran, f,
			    mr_bucket(f->start, f->gran), f->end, volume_row,
			    *out);
}

static void heat_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		     uint64_t c, int64_t v)
{
	int64_t(*grid)[24] = arg;
	int64_t local = bucket + mr_zone_offset_ms(bucket);
	int64_t days = local >= 0 ? local / MR_DAY_MS
				  : (local - MR_DAY_MS + 1) / MR_DAY_MS;
	int hour = (int)((local - days * MR_DAY_MS) / MR_HOUR_MS);
	int wday = (int)(((days + 4) % 7 + 7) % 7); /* 1970-01-01: Thursday */
	grid[wday][hour] += v;
}

int mr_rep_heatmap(metrics *m, hd_txn *t, const mr_filter *f, json_t **out,
		   hd_rpc_rep *rep)
{
	static const char *const cols[] = {"weekday", "hour", "tickets", NULL};
	static const char *const days[] = {"sun", "mon", "tue", "wed",
					   "thu", "fri", "sat"};
	int64_t grid[7][24] = {{0}};
	*out = mr_report_new("heatmap", f, cols);
	int rc = mr_roll_scan(m, t, MR_CREATED, MR_G_HOUR, f,
			      mr_bucket(f->start, MR_G_HOUR), f->end, heat_add,
			      grid);
	for (int d = 0; !rc && d < 7; d++)
		for (int h = 0; h < 24; h++)
			mr_report_row(*out,
				      json_pack("{s:s, s:i, s:I}", "weekday",
						days[d], "hour", h, "tickets",
						(json_int_t)grid[d][h]));
	return rc;
}

typedef struct term {
	uint64_t hash;
	int64_t now, before;
} term;

typedef struct terms {
	term *v;
	size_t n, cap;
	int64_t split; /* buckets from here on are the current period */
	int nomem;
} terms;

static void term_add(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		     uint64_t c, int64_t v)
{
	terms *s = arg;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 256;
		term *p = realloc(s->v, nc * sizeof *p);
		if (!p) {
			s->nomem = 1;
			return;
		}
		s->v = p;
		s->cap = nc;
	}
	s->v[s->n++] = (term){a, bucket >= s->split ? v : 0,
			      bucket >= s->split ? 0 : v};
}

static int by_hash(const void *a, const void *b)
{
	const term *x = a, *y = b;
	return (x->hash > y->hash) - (x->hash < y->hash);
}

/* Sum rows of the same term in place; returns the number of terms. */
static size_t merge(term *v, size_t n)
{
	size_t w = 0;
	qsort(v, n, sizeof *v, by_hash);
	for (size_t i = 0; i < n; i++) {
		if (w && v[w - 1].hash == v[i].hash) {
			v[w - 1].now += v[i].now;
			v[w - 1].before += v[i].before;
		} else {
			v[w++] = v[i];
		}
	}
	return w;
}

typedef struct named {
	const term *t;
	char text[128];
} named;

static int by_count(const void *a, const void *b)
{
	const named *x = a, *y = b;
	if (x->t->now != y->t->now)
		return x->t->now < y->t->now ? 1 : -1;
	return strcmp(x->text, y->text);
}

static void term_text(metrics *m, hd_txn *t, uint64_t h, char *out, size_t cap)
{
	uint8_t k[9] = {2};
	MDB_val v;
	hd_key_u64(k + 1, h);
	out[0] = '\0';
	if (hd_txn_get(t, m->mr->names, k, sizeof k, &v) == HD_OK &&
	    v.mv_size < cap) {
		memcpy(out, v.mv_data, v.mv_size);
		out[v.mv_size] = '\0';
	}
}

static int top_terms(metrics *m, hd_txn *t, terms *s, json_t *report)
{
	size_t n = merge(s->v, s->n), k = 0;
	named *top = calloc(n ? n : 1, sizeof *top);
	if (!top)
		return HD_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		if (s->v[i].now <= 0)
			continue;
		top[k].t = &s->v[i];
		term_text(m, t, s->v[i].hash, top[k].text, sizeof top[k].text);
		k++;
	}
	qsort(top, k, sizeof *top, by_count);
	for (size_t i = 0; i < k && i < TOP_TERMS; i++)
		mr_report_row(report,
			      json_pack("{s:i, s:s, s:I, s:I, s:I}", "rank",
					(int)i + 1, "term", top[i].text,
					"tickets", (json_int_t)top[i].t->now,
					"previous_tickets",
					(json_int_t)top[i].t->before, "change",
					(json_int_t)(top[i].t->now -
						     top[i].t->before)));
	free(top);
	return HD_OK;
}

int mr_rep_keywords(metrics *m, hd_txn *t, const mr_filter *f, json_t **out,
		    hd_rpc_rep *rep)
{
	static const char *const cols[] = {
		"rank", "term", "tickets", "previous_tickets", "change", NULL};
	/* Whole local days: the period's days and as many before them. */
	int64_t d0 = mr_bucket(f->start, MR_G_DAY);
	int64_t d1 = mr_next_day(mr_bucket(f->end - 1, MR_G_DAY));
	terms s = {.split = d0};
	*out = mr_report_new("keywords", f, cols);
	char iso[HD_TIME_ISO_LEN];
	hd_time_iso(d0 - (d1 - d0), iso);
	json_object_set_new(*out, "previous_start_time", json_string(iso));
	int rc = mr_roll_scan(m, t, MR_TERMS, MR_G_DAY, f, d0 - (d1 - d0), d1,
			      term_add, &s);
	if (!rc && s.nomem)
		rc = HD_E_NOMEM;
	if (!rc)
		rc = top_terms(m, t, &s, *out);
	free(s.v);
	return rc;
}
