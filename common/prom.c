/* Prometheus registry and text rendering; see hd/prom.h. */
#include "hd/prom.h"

#include "hd/err.h"

#include <pthread.h>

#define MAX_COLLECTORS 16

static hd_counter *counters;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	hd_prom_collect_fn fn;
	void *arg;
} collectors[MAX_COLLECTORS];
static int ncollectors;

void hd_prom_register(hd_counter *c)
{
	pthread_mutex_lock(&mu);
	c->next = counters;
	counters = c;
	pthread_mutex_unlock(&mu);
}

int hd_prom_add_collector(hd_prom_collect_fn fn, void *arg)
{
	int rc = HD_OK;
	pthread_mutex_lock(&mu);
	if (ncollectors < MAX_COLLECTORS) {
		collectors[ncollectors].fn = fn;
		collectors[ncollectors++].arg = arg;
	} else {
		rc = HD_E_TOOBIG;
	}
	pthread_mutex_unlock(&mu);
	return rc;
}

void hd_prom_clear_collectors(void)
{
	pthread_mutex_lock(&mu);
	ncollectors = 0;
	pthread_mutex_unlock(&mu);
}

int hd_prom_family(hd_buf *out, const char *name, const char *type,
		   const char *help)
{
	return hd_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
			     name, type);
}

int hd_prom_render(hd_buf *out)
{
	int rc = HD_OK;
	pthread_mutex_lock(&mu);
	for (hd_counter *c = counters; c && rc == HD_OK; c = c->next) {
		rc = hd_prom_family(out, c->name, "counter", c->help);
		if (rc == HD_OK)
			rc = hd_buf_printf(
				out, "%s %llu\n", c->name,
				(unsigned long long)atomic_load(&c->value));
	}
	if (rc == HD_OK)
		rc = hd_prom_render_vecs(out);
	for (int i = 0; i < ncollectors && rc == HD_OK; i++)
		collectors[i].fn(collectors[i].arg, out);
	pthread_mutex_unlock(&mu);
	/* Collectors append without checking: the buffer's sticky error. */
	return rc ? rc : hd_buf_error(out);
}
