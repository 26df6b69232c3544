/* The header deadline. MHD's connection timeout counts idle time only, so a
 * client trickling one header line every few seconds keeps a connection (and
 * its memory) forever. Each connection is tracked from accept and from the
 * end of each response until its next request's headers are in; a watcher
 * thread shuts down the socket of any that took longer than the deadline,
 * and MHD then closes it as a peer that hung up. The fd is shut down only
 * under the lock and MHD tells us (NOTIFY_CLOSED) before it closes the fd,
 * so a reused descriptor is never touched. */
#include "gw_edge.h"

#include "hd/err.h"
#include "hd/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

typedef struct tracked {
	struct tracked *prev, *next;
	gw_conn_guard *cg;
	int fd;
	int64_t since_ms; /* 0: headers are in, not waiting */
	int shut;
} tracked;

struct gw_conn_guard {
	pthread_mutex_t mu;
	pthread_cond_t wake;
	pthread_t thread;
	int stopping;
	int64_t deadline_ms;
	tracked head; /* circular list sentinel */
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sweep(gw_conn_guard *cg)
{
	int64_t now = mono_ms();
	for (tracked *t = cg->head.next; t != &cg->head; t = t->next) {
		if (t->shut || !t->since_ms ||
		    now - t->since_ms < cg->deadline_ms)
			continue;
		t->shut = 1;
		shutdown(t->fd, SHUT_RDWR);
		hd_info("http.header_timeout", "fd=%d waited_ms=%lld", t->fd,
			(long long)(now - t->since_ms));
	}
}

static void *watch(void *arg)
{
	gw_conn_guard *cg = arg;
	pthread_mutex_lock(&cg->mu);
	while (!cg->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&cg->wake, &cg->mu, &until);
		sweep(cg);
	}
	pthread_mutex_unlock(&cg->mu);
	return NULL;
}

int gw_conn_guard_start(gw_conn_guard **out, unsigned timeout_s)
{
	gw_conn_guard *cg = calloc(1, sizeof *cg);
	pthread_condattr_t ca;
	if (!cg)
		return HD_E_NOMEM;
	cg->deadline_ms = (int64_t)timeout_s * 1000;
	cg->head.next = cg->head.prev = &cg->head;
	pthread_mutex_init(&cg->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cg->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&cg->thread, NULL, watch, cg) != 0) {
		pthread_cond_destroy(&cg->wake);
		pthread_mutex_destroy(&cg->mu);
		free(cg);
		return HD_E_NOMEM;
	}
	*out = cg;
	return HD_OK;
}

/* Call after MHD_stop_daemon: every connection has been closed by then. */
void gw_conn_guard_stop(gw_conn_guard *cg)
{
	if (!cg)
		return;
	pthread_mutex_lock(&cg->mu);
	cg->stopping = 1;
	pthread_cond_signal(&cg->wake);
	pthread_mutex_unlock(&cg->mu);
	pthread_join(cg->thread, NULL);
	while (cg->head.next != &cg->head) {
		tracked *t = cg->head.next;
		cg->head.next = t->next;
		free(t);
	}
	pthread_cond_destroy(&cg->wake);
	pthread_mutex_destroy(&cg->mu);
	free(cg);
}

void gw_conn_guard_notify(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	gw_conn_guard *cg = cls;
	tracked *t = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		t = ci ? calloc(1, sizeof *t) : NULL;
		if (!t)
			return; /* untracked: MHD's idle timeout still applies */
		t->cg = cg;
		t->fd = ci->connect_fd;
		pthread_mutex_lock(&cg->mu);
		t->since_ms = mono_ms();
		t->next = cg->head.next;
		t->prev = &cg->head;
		cg->head.next->prev = t;
		cg->head.next = t;
		pthread_mutex_unlock(&cg->mu);
		*socket_context = t;
		return;
	}
	if (!t)
		return;
	pthread_mutex_lock(&cg->mu);
	t->prev->next = t->next;
	t->next->prev = t->prev;
	pthread_mutex_unlock(&cg->mu);
	free(t);
	*socket_context = NULL;
}

static void set_since(struct MHD_Connection *conn, int waiting)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	tracked *t = ci ? ci->socket_context : NULL;
	if (!t)
		return;
	pthread_mutex_lock(&t->cg->mu);
	t->since_ms = waiting ? mono_ms() : 0;
	pthread_mutex_unlock(&t->cg->mu);
}

void gw_conn_guard_headers_in(struct MHD_Connection *conn)
{
	set_since(conn, 0);
}

void gw_conn_guard_request_done(struct MHD_Connection *conn)
{
	set_since(conn, 1);
}
