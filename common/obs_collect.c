/* Scrape-time gauges of the store and the bus; see hd/obs.h. */
#include "hd/obs.h"

#include "hd/prom.h"
#include "hd/svc.h"

#define MAX_SOURCES 64

static void collect_store(hd_store *st, hd_buf *out)
{
	hd_store_stats s;
	if (hd_store_stats_get(st, &s))
		return;
	hd_prom_family(out, "hd_store_map_bytes", "gauge",
		       "Current LMDB map size (it doubles when nearly full).");
	hd_buf_printf(out, "hd_store_map_bytes %llu\n",
		      (unsigned long long)s.map_bytes);
	hd_prom_family(out, "hd_store_map_max_bytes", "gauge",
		       "The most the map may grow to (HD_MAP_MAX_MB): past it, "
		       "writes fail as storage full.");
	hd_buf_printf(out, "hd_store_map_max_bytes %llu\n",
		      (unsigned long long)s.map_max_bytes);
	hd_prom_family(out, "hd_store_used_bytes", "gauge",
		       "LMDB pages in use up to the high-water mark.");
	hd_buf_printf(out, "hd_store_used_bytes %llu\n",
		      (unsigned long long)s.used_bytes);
	hd_prom_family(out, "hd_store_map_usage_ratio", "gauge",
		       "Used bytes over map size; the map grows past 0.75.");
	hd_buf_printf(out, "hd_store_map_usage_ratio %.6f\n",
		      s.map_bytes ? (double)s.used_bytes / (double)s.map_bytes
				  : 0.0);
	hd_prom_family(out, "hd_store_disk_bytes", "gauge",
		       "Bytes the store's data file occupies on disk.");
	hd_buf_printf(out, "hd_store_disk_bytes %llu\n",
		      (unsigned long long)s.disk_bytes);
}

static void collect_outbox(hd_store *st, hd_buf *out)
{
	uint64_t latest = hd_store_latest_seq(st);
	uint64_t oldest = hd_store_oldest_seq(st);
	hd_prom_family(out, "hd_bus_outbox_oldest_seq", "gauge",
		       "Sequence of the oldest event still retained in the "
		       "outbox (0 = empty).");
	hd_buf_printf(out, "hd_bus_outbox_oldest_seq %llu\n",
		      (unsigned long long)oldest);
	hd_prom_family(out, "hd_bus_outbox_depth_events", "gauge",
		       "Events retained in the outbox for consumers to pull.");
	hd_buf_printf(out, "hd_bus_outbox_depth_events %llu\n",
		      (unsigned long long)(oldest && latest >= oldest
						   ? latest - oldest + 1
						   : 0));
}

static void source_gauge(hd_buf *out, const hd_cursor_status *st, size_t n,
			 int lag)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = st[i].announced;
		if (lag)
			v = v > st[i].applied ? v - st[i].applied : 0;
		hd_buf_printf(out, "%s{source=\"",
			      lag ? "hd_bus_lag_events"
				  : "hd_bus_source_latest_seq");
		hd_prom_label_value(out, st[i].name);
		hd_buf_printf(out, "\",shard=\"%u\"} %llu\n", st[i].shard,
			      (unsigned long long)v);
	}
}

static void collect_lag(hd_consumer *c, hd_buf *out)
{
	hd_cursor_status st[MAX_SOURCES];
	size_t n = hd_consumer_status(c, st, MAX_SOURCES);
	n = n > MAX_SOURCES ? MAX_SOURCES : n;
	hd_prom_family(out, "hd_bus_source_latest_seq", "gauge",
		       "Newest sequence each source is known to have (from its "
		       "frames, heartbeats and pulls).");
	source_gauge(out, st, n, 0);
	hd_prom_family(out, "hd_bus_lag_events", "gauge",
		       "Events a source has that this consumer has not applied "
		       "yet.");
	source_gauge(out, st, n, 1);
}

void hd_obs_collect(void *arg, hd_buf *out)
{
	hd_svc *svc = arg;
	if (svc->store)
		collect_store(svc->store, out);
	if (svc->store && svc->pub)
		collect_outbox(svc->store, out);
	if (svc->consumer)
		collect_lag(svc->consumer, out);
}
