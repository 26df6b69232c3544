/* Spool gauges in node_exporter's textfile format; see spool_metrics.h. */
#include "spool_metrics.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct spool_count {
	long n;
	double oldest; /* mtime of the oldest message, 0 = none */
} spool_count;

static void count_dir(const char *spool, const char *sub, spool_count *c)
{
	char dir[4096], path[8300];
	c->n = 0;
	c->oldest = 0;
	snprintf(dir, sizeof dir, "%s/%s", spool, sub);
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		c->n++;
		if (c->oldest == 0 || (double)st.st_mtime < c->oldest)
			c->oldest = (double)st.st_mtime;
	}
	closedir(d);
}

static void gauge(FILE *f, const char *name, const char *help, double v)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", name, help,
		name, name, v);
}

void mi_spool_metrics(const char *spool, const char *file)
{
	if (!file || !file[0])
		return;
	spool_count fresh, rejected;
	count_dir(spool, "new", &fresh);
	count_dir(spool, "rejected", &rejected);
	double now = (double)time(NULL);
	char tmp[4200];
	/* one temp file per process: MTAs run one hd-mail-ingest per message */
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", file, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "hd-mail-ingest: cannot write %s: %s\n", tmp,
			strerror(errno));
		return;
	}
	gauge(f, "hd_mail_spool_messages",
	      "Messages hd-mail-ingest holds for the suite (spool/new).",
	      (double)fresh.n);
	gauge(f, "hd_mail_spool_oldest_age_seconds",
	      "Age of the oldest spooled message; 0 when none.",
	      fresh.oldest > 0 ? now - fresh.oldest : 0);
	gauge(f, "hd_mail_spool_rejected_messages",
	      "Messages the suite refused for good (spool/rejected).",
	      (double)rejected.n);
	gauge(f, "hd_mail_spool_updated_timestamp_seconds",
	      "When hd-mail-ingest last wrote this file.", now);
	if (fclose(f) != 0 || rename(tmp, file) != 0)
		fprintf(stderr, "hd-mail-ingest: cannot write %s: %s\n", file,
			strerror(errno));
}
