/* A receive loop's wait for the next frame that another thread can end at
 * once. A blocking nng_recvmsg() can only be left by its timeout, so every
 * stop of a subscriber thread cost up to that timeout (200 ms per service
 * at each shutdown); this waits on an aio that hd_sub_recv_stop() cancels.
 * One thread receives; any thread stops. */
#ifndef HD_SUB_RECV_H
#define HD_SUB_RECV_H

#include <nng/nng.h>

typedef struct hd_sub_recv {
	nng_socket sock;
	nng_aio *aio;
} hd_sub_recv;

/* HD_OK or HD_E_NOMEM. Each wait ends after timeout_ms without a frame. */
int hd_sub_recv_open(hd_sub_recv *r, nng_socket sock, int timeout_ms);
/* The next frame (the caller's to free), or NULL on timeout, error or
 * after hd_sub_recv_stop. */
nng_msg *hd_sub_recv_next(hd_sub_recv *r);
/* Ends the wait in progress; every later wait returns NULL at once. Waits
 * for the receive to finish. Safe on an unopened one. */
void hd_sub_recv_stop(hd_sub_recv *r);
/* Frees it (after the receiving thread has ended). Safe twice. */
void hd_sub_recv_close(hd_sub_recv *r);

#endif
