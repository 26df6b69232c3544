/* Blocking send/receive on an nng context. nng 1.5.2 has no
 * nng_ctx_sendmsg/recvmsg, so these wrap one aio per call. Internal to
 * common/. Return nng error codes (0 on success). */
#ifndef HD_NNG_SYNC_H
#define HD_NNG_SYNC_H

#include <nng/nng.h>

/* On success the message belongs to nng; on failure it stays the caller's. */
int hd_nng_ctx_send(nng_ctx ctx, nng_msg *msg, nng_duration timeout);
/* On success *out is the caller's to free. */
int hd_nng_ctx_recv(nng_ctx ctx, nng_msg **out, nng_duration timeout);

/* nng_close() against a deadline: nng 1.5.2 was seen to hang in it (a
 * subscriber with a full queue; a req socket whose peer was killed while
 * aborted requests were in flight). The close runs on a helper thread; if
 * it is not done within ms, it is left behind with a warning — these
 * closes happen on the way out, and the kernel reclaims the socket. After
 * one close was stuck, later ones wait at most 100 ms. */
void hd_nng_close_by(nng_socket s, int ms);

/* nng_dial()/nng_listen() whose endpoint is exempt from the leak check.
 * nng 1.5.2's ipc and tcp transports leak an endpoint when it closes while
 * a connection has finished its SP handshake but not yet been handed to
 * the dialer or listener (the pipe sits in the endpoint's wait list, which
 * ipc_ep_close()/tcptran_ep_close() close but never reap, so the endpoint's
 * reference count never drops): a few KiB once per such race, at a dialer
 * renewal or a socket close. Seen as "Indirect leak" reports under load
 * (test_shutdown). The endpoint is allocated inside these calls; under
 * LeakSanitizer it is marked ignored, which also covers what it reaches
 * (that pipe), while messages and everything else stay checked. */
int hd_nng_dial(nng_socket s, const char *url, nng_dialer *d, int flags);
int hd_nng_listen(nng_socket s, const char *url, nng_listener *l, int flags);

#endif
