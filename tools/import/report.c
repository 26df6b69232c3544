/* What hd-import tells on stderr: bad records and progress. */
#include "import.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

int64_t imp_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The tickets phase's two threads share the counts and stderr. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

void imp_lock(void)
{
	pthread_mutex_lock(&mu);
}

void imp_unlock(void)
{
	pthread_mutex_unlock(&mu);
}

int imp_bad(imp *im, const char *where, const char *what)
{
	imp_lock();
	im->n.bad++;
	fprintf(stderr, "hd-import: %s: %s (bad record %llu%s)\n", where, what,
		(unsigned long long)im->n.bad,
		im->stop_on_bad ? ", stopping" : ", not imported");
	imp_unlock();
	return im->stop_on_bad;
}

int imp_unreadable(imp *im, int got, const char *err)
{
	if (got == -2)
		return IMP_EX_IOERR;
	return imp_bad(im, err, "skipped") ? IMP_EX_DATAERR : IMP_EX_OK;
}

static void eta(char *out, size_t cap, double secs)
{
	if (secs < 0 || secs > 1e7)
		snprintf(out, cap, "?");
	else if (secs >= 3600)
		snprintf(out, cap, "%dh%02dm", (int)(secs / 3600),
			 (int)(secs / 60) % 60);
	else if (secs >= 60)
		snprintf(out, cap, "%dm%02ds", (int)(secs / 60),
			 (int)secs % 60);
	else
		snprintf(out, cap, "%ds", (int)secs);
}

void imp_progress(imp *im, const char *phase, bool force)
{
	int64_t now = imp_now_ms();
	imp_lock();
	if (!force && now - im->last_report_ms < 1000) {
		imp_unlock();
		return;
	}
	im->last_report_ms = now;
	double secs = (double)(now - im->t0_ms) / 1000.0;
	uint64_t done = im->n.tickets + im->n.skipped + im->n.bad;
	double rate =
		secs > 0 ? (double)(im->n.tickets - im->tickets_at_start) / secs
			 : 0;
	char left[32] = "?", total[32] = "?";
	if (im->total) {
		snprintf(total, sizeof total, "%llu",
			 (unsigned long long)im->total);
		if (rate > 0)
			eta(left, sizeof left,
			    done >= im->total
				    ? 0
				    : (double)(im->total - done) / rate);
	}
	fprintf(stderr,
		"hd-import: %s: organizations %llu, users %llu, tickets "
		"%llu/%s, comments %llu (new %llu, already imported %llu, "
		"deleted skipped %llu, bad %llu), %.0f tickets/s, ETA %s\n",
		phase, (unsigned long long)im->n.orgs,
		(unsigned long long)im->n.users,
		(unsigned long long)im->n.tickets, total,
		(unsigned long long)im->n.comments,
		(unsigned long long)im->n.created,
		(unsigned long long)im->n.existing,
		(unsigned long long)im->n.skipped,
		(unsigned long long)im->n.bad, rate, left);
	imp_unlock();
}
