/* One-line key=value logs to stderr: "ts=… level=… svc=… event=… k=v …".
 * The level is checked before anything is formatted. Thread-safe: each line
 * is written with a single write(2). */
#ifndef HD_LOG_H
#define HD_LOG_H

enum hd_log_level { HD_LOG_DEBUG, HD_LOG_INFO, HD_LOG_WARN, HD_LOG_ERROR };

extern int hd_log_min_level;

/* Name the service in every line and set the level from a name
 * ("debug", "info", "warn", "error"; anything else keeps "info"). */
void hd_log_init(const char *service, const char *level);

/* The trace id of the request this thread works on (NULL or "" clears it):
 * every line the thread writes meanwhile ends in trace=<id>. The RPC server
 * sets it around each handler; the string is borrowed until cleared. */
void hd_log_set_trace(const char *trace);

/* event: a stable dotted name; fmt: key=value fields (printf-style). */
void hd_log_write(int level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define HD_LOG(level, event, ...)                                              \
	do {                                                                   \
		if ((level) >= hd_log_min_level)                               \
			hd_log_write((level), (event), __VA_ARGS__);           \
	} while (0)

#define hd_debug(event, ...) HD_LOG(HD_LOG_DEBUG, event, __VA_ARGS__)
#define hd_info(event, ...)  HD_LOG(HD_LOG_INFO, event, __VA_ARGS__)
#define hd_warn(event, ...)  HD_LOG(HD_LOG_WARN, event, __VA_ARGS__)
#define hd_error(event, ...) HD_LOG(HD_LOG_ERROR, event, __VA_ARGS__)

#endif
