/* The spool's size for Prometheus: hd-mail-ingest runs once per message
 * (or per flush), so it has no /metrics; it rewrites a text file for
 * node_exporter's textfile collector instead (HD_MAIL_METRICS_FILE). */
#ifndef MI_SPOOL_METRICS_H
#define MI_SPOOL_METRICS_H

/* Count spool/new and spool/rejected and write the gauges to file
 * (through file.tmp and a rename, so a scrape never reads half of it).
 * file NULL or empty: do nothing. A failure is reported on stderr only:
 * the message's own outcome decides the exit status. */
void mi_spool_metrics(const char *spool, const char *file);

#endif
