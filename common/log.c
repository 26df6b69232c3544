/* key=value logging; see hd/log.h. */
#include "hd/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int hd_log_min_level = HD_LOG_INFO;
static char service_name[32] = "hd";

static _Thread_local const char *thread_trace;

void hd_log_set_trace(const char *trace)
{
	thread_trace = trace && trace[0] ? trace : NULL;
}

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void hd_log_init(const char *service, const char *level)
{
	snprintf(service_name, sizeof service_name, "%s", service);
	for (int i = 0; level && i < 4; i++)
		if (strcmp(level, level_names[i]) == 0)
			hd_log_min_level = i;
}

void hd_log_write(int level, const char *event, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(
		line, sizeof line,
		"ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s svc=%s "
		"event=%s ",
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
		level_names[level & 3], service_name, event);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line / 2)
		n = (int)(sizeof line / 2); /* a huge event name: keep room */
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2)
		len = sizeof line - 2; /* truncated: still one line */
	if (thread_trace && len < sizeof line - 2) {
		int t = snprintf(line + len, sizeof line - len - 1,
				 " trace=%.64s", thread_trace);
		len += t > 0 ? (size_t)t : 0;
		if (len > sizeof line - 2)
			len = sizeof line - 2;
	}
	line[len++] = '\n';
	ssize_t ignored = write(STDERR_FILENO, line, len);
	(void)ignored;
}
