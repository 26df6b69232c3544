/* Dials that stay dialled. nng 1.5.2's dialer gives up for good when a
 * connection is taken but its handshake fails with "object closed" — the
 * peer's process died between accept and handshake (a SIGTERM past its
 * deadline, a crash): dialer_connect_cb treats NNG_ECLOSED as "no further
 * action", and the socket never dials that URL again, so a restarted peer
 * stayed unreachable for good. A kept socket counts its pipes per URL from
 * nng's pipe events, and a tender thread replaces any dialer that has had
 * no pipe for HD_DIAL_KEEP_MS with a fresh one (a live dialer retrying a
 * down peer is replaced too — harmless, it only restarts the backoff).
 * Any thread. */
#ifndef HD_DIAL_KEEP_H
#define HD_DIAL_KEEP_H

#include <nng/nng.h>
#include <stddef.h>
#include <stdint.h>

/* A URL without a pipe this long gets a new dialer. */
#define HD_DIAL_KEEP_MS 1500

typedef struct hd_dial_keep hd_dial_keep;

/* Take over s's pipe notifications (ADD_POST, REM_POST), for up to
 * max_urls dials. HD_E_NOMEM. */
int hd_dial_keep_open(hd_dial_keep **out, nng_socket s, size_t max_urls);
/* Dial url in the background and keep it dialled. HD_E_INVALID when the
 * keeper has max_urls already or url is too long, else nng_dial's error. */
int hd_dial_keep_add(hd_dial_keep *k, const char *url);
/* Stop tending and release the notifications; before closing the socket.
 * A pipe callback already running finds the keeper gone and does nothing.
 * NULL is fine. */
void hd_dial_keep_close(hd_dial_keep *k);

/* Pipes connected now, connections made since open, when either last
 * changed (monotonic ms), and dialers replaced. */
typedef struct hd_dial_state {
	unsigned pipes;
	uint64_t connects;
	int64_t changed_ms;
	uint64_t redials;
} hd_dial_state;
void hd_dial_keep_state(hd_dial_keep *k, hd_dial_state *out);

#endif
