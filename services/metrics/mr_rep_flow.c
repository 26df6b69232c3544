/* Reports on what comes in: volume (new tickets by channel per interval),
 * heatmap (weekday × hour of day in the account zone) and keywords (top terms
 * of new tickets this period against the period just before it). */
#include "mr.h"

#include "hd/err.h"

#include <stdlib.h>
#include <string.h>

#define TOP_TERMS 20

typedef struct rows {
	Hd__ReportReply *r;
	int nomem;
} rows;

static void volume_row(void *arg, int64_t bucket, uint64_t a, uint64_t b,
		       uint64_t c, int64_t v)
{
	rows *s = arg;
	Hd__VolumeRow *x = mr_push(&s->r->volume, &s->r->n_volume, sizeof *x);
	if (x)
		hd__volume_row__init(x);
	if (!x || !(x->channel = mr_str(mr_channel_name((unsigned)a)))) {
		s->nomem = 1;
		return;
	}
	x->time_ms = bucket;
	x->tickets = v;
}

int mr_rep_volume(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		  hd_rpc_rep *rep)
{
	rows s = {out->r, 0};
	int rc = mr_report_head(out->r, "volume", f);
	if (!rc)
		rc = mr_roll_scan(m, t, MR_CREATED, f->gran, f,
				  mr_bucket(f->start, f->gran), f->end,
				  volume_row, &s);
	return !rc && s.nomem ? HD_E_NOMEM : rc;
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

int mr_rep_heatmap(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		   hd_rpc_rep *rep)
{
	int64_t grid[7][24] = {{0}};
	int rc = mr_report_head(out->r, "heatmap", f);
	if (!rc)
		rc = mr_roll_scan(m, t, MR_CREATED, MR_G_HOUR, f,
				  mr_bucket(f->start, MR_G_HOUR), f->end,
				  heat_add, grid);
	for (int d = 0; !rc && d < 7; d++)
		for (int h = 0; !rc && h < 24; h++) {
			Hd__HeatCell *x =
				mr_push(&out->r->heatmap, &out->r->n_heatmap,
					sizeof *x);
			if (!x)
				return HD_E_NOMEM;
			hd__heat_cell__init(x);
			x->weekday = (uint32_t)d;
			x->hour = (uint32_t)h;
			x->tickets = grid[d][h];
		}
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

static int top_terms(metrics *m, hd_txn *t, terms *s, Hd__ReportReply *r)
{
	size_t n = merge(s->v, s->n), k = 0;
	int rc = HD_OK;
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
	for (size_t i = 0; !rc && i < k && i < TOP_TERMS; i++) {
		Hd__KeywordRow *x =
			mr_push(&r->keywords, &r->n_keywords, sizeof *x);
		if (x)
			hd__keyword_row__init(x);
		if (!x || !(x->term = mr_str(top[i].text))) {
			rc = HD_E_NOMEM;
			break;
		}
		x->tickets = top[i].t->now;
		x->previous_tickets = top[i].t->before;
	}
	free(top);
	return rc;
}

int mr_rep_keywords(metrics *m, hd_txn *t, const mr_filter *f, mr_out *out,
		    hd_rpc_rep *rep)
{
	/* Whole local days: the period's days and as many before them. */
	int64_t d0 = mr_bucket(f->start, MR_G_DAY);
	int64_t d1 = mr_next_day(mr_bucket(f->end - 1, MR_G_DAY));
	terms s = {.split = d0};
	int rc = mr_report_head(out->r, "keywords", f);
	out->r->previous_start_ms = d0 - (d1 - d0);
	if (!rc)
		rc = mr_roll_scan(m, t, MR_TERMS, MR_G_DAY, f, d0 - (d1 - d0),
				  d1, term_add, &s);
	if (!rc && s.nomem)
		rc = HD_E_NOMEM;
	if (!rc)
		rc = top_terms(m, t, &s, out->r);
	free(s.v);
	return rc;
}
