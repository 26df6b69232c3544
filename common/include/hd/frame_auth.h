/* Cluster authentication of every RPC request, RPC reply and bus frame: a
 * 56-byte trailer appended to the nng message body, wall-clock ms (8, big
 * endian) + random nonce (16) + keyed BLAKE2b-256 tag (32) over the body,
 * the time and the nonce (a reply's tag also covers its request's nonce).
 * Keys are derived from the cluster key (hd/cluster_key.h): "rpc_auth" id 0
 * requests, id 1 replies, "bus_auth" id 0 frames. Requests older or newer
 * than HD_AUTH_WINDOW_MS by the receiver's clock, or whose nonce was seen
 * within the window, are refused. Any thread may call anything here. */
#ifndef HD_FRAME_AUTH_H
#define HD_FRAME_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define HD_AUTH_NONCE_BYTES   16
#define HD_AUTH_TAG_BYTES     32
#define HD_AUTH_TRAILER_BYTES (8 + HD_AUTH_NONCE_BYTES + HD_AUTH_TAG_BYTES)
#define HD_AUTH_WINDOW_MS     60000

typedef enum hd_auth_kind {
	HD_AUTH_RPC_REQUEST,
	HD_AUTH_RPC_REPLY,
	HD_AUTH_BUS,
} hd_auth_kind;

/* ---- bytes (what the nng hooks below use; unit tests call these) ---- */

/* Fill trailer for body[0..len) stamped now_ms, with a fresh random nonce
 * for a request (zeros otherwise); bind is the request's nonce for
 * HD_AUTH_RPC_REPLY, else NULL. HD_E_INVALID when no key can be derived. */
int hd_auth_seal(hd_auth_kind kind, const uint8_t *body, size_t len,
		 int64_t now_ms, const uint8_t *bind,
		 uint8_t trailer[HD_AUTH_TRAILER_BYTES]);
/* Check the trailer at the end of msg[0..len). HD_OK with *body_len,
 * *ts_ms and nonce (each optional) filled; HD_E_UNAUTHORIZED when the
 * message is too short or the tag does not match. No clock or replay check
 * here (see hd_replay). */
int hd_auth_verify(hd_auth_kind kind, const uint8_t *msg, size_t len,
		   const uint8_t *bind, size_t *body_len, int64_t *ts_ms,
		   uint8_t nonce[HD_AUTH_NONCE_BYTES]);

/* Nonces seen in the last window, for refusing a replayed request. Memory
 * grows with the request rate up to max_entries per generation (two
 * generations); past that the oldest generation is forgotten early and
 * every timestamp up to the newest forgotten one is refused from then on,
 * so a forgotten nonce can never be accepted again (fail closed). */
typedef struct hd_replay hd_replay;
int hd_replay_new(hd_replay **out, int64_t window_ms, size_t max_entries);
void hd_replay_free(hd_replay *r);
/* HD_OK (fresh; now remembered), HD_E_TIMEDOUT (ts outside now ± window
 * or at or below the forgotten floor), HD_E_CONFLICT (seen before). */
int hd_replay_check(hd_replay *r, int64_t ts_ms,
		    const uint8_t nonce[HD_AUTH_NONCE_BYTES], int64_t now_ms);

/* ---- nng messages: append or check-and-remove the trailer ---- */

struct nng_msg;

/* Client: seal a request; nonce receives what the reply must be bound to.
 * HD_E_NOMEM or HD_E_INVALID; the message is unchanged on failure. */
int hd_auth_rpc_seal_request(struct nng_msg *m,
			     uint8_t nonce[HD_AUTH_NONCE_BYTES]);
/* Server: verify a request (tag, window, replay) and strip the trailer.
 * nonce is always filled (zeros when absent) for sealing the reply. A
 * refusal is counted (hd_cluster_auth_rejected_total{kind="rpc"}) and
 * logged at most once a minute per peer; returns HD_E_UNAUTHORIZED. */
int hd_auth_rpc_open_request(struct nng_msg *m,
			     uint8_t nonce[HD_AUTH_NONCE_BYTES]);
/* Server: the reply to a refused request (status UNAUTHORIZED), or NULL. */
struct nng_msg *hd_auth_rpc_refusal(void);
int hd_auth_rpc_seal_reply(struct nng_msg *m,
			   const uint8_t nonce[HD_AUTH_NONCE_BYTES]);
/* Client: verify a reply bound to nonce and strip the trailer; a refusal
 * is counted and logged like a request's. HD_E_UNAUTHORIZED. */
int hd_auth_rpc_open_reply(struct nng_msg *m,
			   const uint8_t nonce[HD_AUTH_NONCE_BYTES]);
/* Publisher: seal a frame. Consumer: verify and strip (counted and logged
 * with kind="bus" on refusal, also for a timestamp ahead of the window;
 * HD_E_UNAUTHORIZED). A frame older than HD_AUTH_WINDOW_MS is dropped
 * (HD_E_TIMEDOUT, counted in hd_bus_stale_frames_total): a replayed
 * heartbeat of an earlier incarnation must not make consumers diverge.
 * Within the window there is no nonce check: consumers apply an event only
 * as the next of its source's sequence, so a replayed event is a duplicate
 * and dropped, and a heartbeat only says what the source has. */
int hd_auth_bus_seal(struct nng_msg *m);
int hd_auth_bus_open(struct nng_msg *m);

#endif
