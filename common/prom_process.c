/* process_* and hd_build_info on /metrics; see hd/prom_process.h. Field
 * numbers are proc(5)'s for /proc/<pid>/stat. */
#include "hd/prom_process.h"

#include "hd/prom.h"
#include "hd/version.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct proc_stat {
	double utime, stime; /* clock ticks */
	double starttime;    /* ticks since boot */
	double vsize;        /* bytes */
	double rss;          /* pages */
} proc_stat;

/* Fields after the command name, which may itself hold spaces and ")". */
static int read_stat(proc_stat *ps)
{
	char buf[2048];
	FILE *f = fopen("/proc/self/stat", "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	p += 2; /* field 3, the state */
	double v[64];
	int got = 0;
	for (char *end; *p && got < 64; p = end) {
		if (got == 0) { /* the state letter */
			end = p + 1;
			v[got++] = 0;
		} else {
			v[got++] = strtod(p, &end);
			if (end == p)
				break;
		}
		while (*end == ' ')
			end++;
	}
	if (got < 22)
		return -1;
	/* v[0] is field 3: field k is v[k - 3] */
	ps->utime = v[14 - 3];
	ps->stime = v[15 - 3];
	ps->starttime = v[22 - 3];
	ps->vsize = got > 23 - 3 ? v[23 - 3] : 0;
	ps->rss = got > 24 - 3 ? v[24 - 3] : 0;
	return 0;
}

static double boot_time(void)
{
	char line[256];
	double bt = 0;
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "btime ", 6) == 0)
			bt = strtod(line + 6, NULL);
	fclose(f);
	return bt;
}

static long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	long n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory stream's own */
}

static void gauge(hd_buf *out, const char *name, const char *type,
		  const char *help, double v)
{
	hd_prom_family(out, name, type, help);
	hd_buf_printf(out, "%s %.17g\n", name, v);
}

void hd_prom_process_collect(void *arg, hd_buf *out)
{
	(void)arg;
	hd_version_metrics(out);
	proc_stat ps;
	double ticks = (double)sysconf(_SC_CLK_TCK);
	double page = (double)sysconf(_SC_PAGESIZE);
	if (read_stat(&ps) == 0 && ticks > 0) {
		gauge(out, "process_cpu_seconds_total", "counter",
		      "Total user and system CPU time spent in seconds.",
		      (ps.utime + ps.stime) / ticks);
		gauge(out, "process_resident_memory_bytes", "gauge",
		      "Resident memory size in bytes.", ps.rss * page);
		gauge(out, "process_virtual_memory_bytes", "gauge",
		      "Virtual memory size in bytes.", ps.vsize);
		double bt = boot_time();
		if (bt > 0)
			gauge(out, "process_start_time_seconds", "gauge",
			      "Start time of the process since unix epoch in "
			      "seconds.",
			      bt + ps.starttime / ticks);
	}
	long fds = open_fds();
	if (fds >= 0)
		gauge(out, "process_open_fds", "gauge",
		      "Number of open file descriptors.", (double)fds);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		gauge(out, "process_max_fds", "gauge",
		      "Maximum number of open file descriptors.",
		      rl.rlim_cur == RLIM_INFINITY ? -1.0
						   : (double)rl.rlim_cur);
}
