/* Cluster authentication trailers on RPC requests, replies and bus frames.
 * See hd/frame_auth.h; docs/security.md says why a MAC and not nng's TLS. */
#include "hd/cluster_key.h"
#include "hd/err.h"
#include "hd/frame_auth.h"
#include "hd/log.h"
#include "hd/prom.h"
#include "rpc.pb-c.h"

#include <nng/nng.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Up to 2 x 1M remembered nonces (16 MiB): ~8,700 requests a second for
 * two windows before the replay floor starts refusing slightly old ones. */
#define REPLAY_MAX_ENTRIES ((size_t)1 << 20)
#define LOG_EVERY_MS       60000
#define LOG_PEERS          32

HD_COUNTER_VEC(rejected, "hd_cluster_auth_rejected_total",
	       "RPC requests or replies (kind=rpc) and bus frames (kind=bus) "
	       "refused for a missing or wrong cluster authentication tag, "
	       "a timestamp outside the window, or a replayed nonce.",
	       "kind")

static int64_t real_ms(void)
{
	/* The real clock, never the business clock a test may shift: peers
	 * compare it against their own. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A process that never loaded the cluster key (a unit test, a tool that
 * forgot) gets a key of its own: it can talk to itself, and every peer
 * refuses it — never an unauthenticated fallback. */
static uint8_t local_key[crypto_kdf_KEYBYTES];
static pthread_once_t local_once = PTHREAD_ONCE_INIT;

static void local_init(void)
{
	crypto_kdf_keygen(local_key);
	hd_warn("cluster_auth.no_key",
		"msg=\"no cluster key loaded; using a process-local key, so "
		"every peer will refuse this process\"");
}

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_start(void)
{
	if (sodium_init() < 0)
		hd_error("cluster_auth.sodium_init_failed",
			 "msg=\"libsodium\"");
}

static int derive(hd_auth_kind kind, uint8_t key[32])
{
	const char *ctx = kind == HD_AUTH_BUS ? "bus_auth" : "rpc_auth";
	uint64_t id = kind == HD_AUTH_RPC_REPLY ? 1 : 0;
	if (hd_cluster_key_loaded())
		return hd_cluster_key_derive(ctx, id, key, 32);
	pthread_once(&local_once, local_init);
	return crypto_kdf_derive_from_key(key, 32, id, ctx, local_key)
		       ? HD_E_INTERNAL
		       : HD_OK;
}

/* The three subkeys, derived once per cluster key (a derivation is a
 * BLAKE2b of its own: four of them per RPC were measurable). */
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static uint8_t cached[3][32];
static _Atomic uint64_t cached_gen = UINT64_MAX;

/* Every RPC seals and opens twice and every bus frame once, on many
 * threads, while the key changes only at start (or in a unit test): read
 * without the lock when the cache is current, and re-check the generation
 * after the copy so a concurrent re-derivation is never used half-done. */
static int kind_key(hd_auth_kind kind, uint8_t key[32])
{
	pthread_once(&sodium_once, sodium_start);
	uint64_t gen = hd_cluster_key_generation();
	if (atomic_load_explicit(&cached_gen, memory_order_acquire) == gen) {
		memcpy(key, cached[kind], 32);
		if (atomic_load_explicit(&cached_gen, memory_order_acquire) ==
		    gen)
			return HD_OK;
	}
	int rc = HD_OK;
	pthread_mutex_lock(&cache_mu);
	if (atomic_load(&cached_gen) != gen) {
		atomic_store(&cached_gen, UINT64_MAX);
		for (int k = 0; k < 3 && rc == HD_OK; k++)
			rc = derive((hd_auth_kind)k, cached[k]);
		atomic_store_explicit(&cached_gen, rc ? UINT64_MAX : gen,
				      memory_order_release);
	}
	if (rc == HD_OK)
		memcpy(key, cached[kind], 32);
	pthread_mutex_unlock(&cache_mu);
	return rc;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* tag = BLAKE2b-256(key; body || ts || nonce [|| bind]) */
static int compute_tag(hd_auth_kind kind, const uint8_t *body, size_t len,
		       const uint8_t *ts_nonce, const uint8_t *bind,
		       uint8_t tag[HD_AUTH_TAG_BYTES])
{
	uint8_t key[32];
	if (kind_key(kind, key))
		return HD_E_INVALID;
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, sizeof key, HD_AUTH_TAG_BYTES);
	crypto_generichash_update(&st, body, len);
	crypto_generichash_update(&st, ts_nonce, 8 + HD_AUTH_NONCE_BYTES);
	if (kind == HD_AUTH_RPC_REPLY)
		crypto_generichash_update(&st, bind, HD_AUTH_NONCE_BYTES);
	crypto_generichash_final(&st, tag, HD_AUTH_TAG_BYTES);
	sodium_memzero(key, sizeof key);
	return HD_OK;
}

int hd_auth_seal(hd_auth_kind kind, const uint8_t *body, size_t len,
		 int64_t now_ms, const uint8_t *bind,
		 uint8_t trailer[HD_AUTH_TRAILER_BYTES])
{
	put_be64(trailer, (uint64_t)now_ms);
	/* Only requests need a nonce: a reply is bound to its request's, a
	 * frame's sequence numbers make a replay a duplicate; and getrandom()
	 * is a system call. */
	if (kind != HD_AUTH_RPC_REQUEST) /* a reply is bound to its request's */
		memset(trailer + 8, 0, HD_AUTH_NONCE_BYTES);
	else
		randombytes_buf(trailer + 8, HD_AUTH_NONCE_BYTES);
	return compute_tag(kind, body, len, trailer, bind,
			   trailer + 8 + HD_AUTH_NONCE_BYTES);
}

int hd_auth_verify(hd_auth_kind kind, const uint8_t *msg, size_t len,
		   const uint8_t *bind, size_t *body_len, int64_t *ts_ms,
		   uint8_t nonce[HD_AUTH_NONCE_BYTES])
{
	if (len < HD_AUTH_TRAILER_BYTES)
		return HD_E_UNAUTHORIZED;
	size_t blen = len - HD_AUTH_TRAILER_BYTES;
	const uint8_t *trailer = msg + blen;
	uint8_t tag[HD_AUTH_TAG_BYTES];
	if (compute_tag(kind, msg, blen, trailer, bind, tag) ||
	    sodium_memcmp(tag, trailer + 8 + HD_AUTH_NONCE_BYTES,
			  HD_AUTH_TAG_BYTES) != 0)
		return HD_E_UNAUTHORIZED;
	if (body_len)
		*body_len = blen;
	if (ts_ms)
		*ts_ms = (int64_t)get_be64(trailer);
	if (nonce)
		memcpy(nonce, trailer + 8, HD_AUTH_NONCE_BYTES);
	return HD_OK;
}

/* ---- refusals: counted always, logged once a minute per peer ---- */

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char peer[80];
	int64_t last_ms;
} logged[LOG_PEERS];

/* The peer's address without the TCP port (a new connection per attempt
 * must not get a new log line). */
static void peer_of(struct nng_msg *m, char *out, size_t cap)
{
	nng_sockaddr sa;
	nng_pipe p = nng_msg_get_pipe(m);
	snprintf(out, cap, "unknown");
	if (nng_pipe_id(p) <= 0 || nng_pipe_get_addr(p, NNG_OPT_REMADDR, &sa))
		return;
	if (sa.s_family == NNG_AF_INET) {
		const uint8_t *a = (const uint8_t *)&sa.s_in.sa_addr;
		snprintf(out, cap, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	} else if (sa.s_family == NNG_AF_INET6) {
		char hex[33];
		sodium_bin2hex(hex, sizeof hex, sa.s_in6.sa_addr, 16);
		snprintf(out, cap, "ipv6:%s", hex);
	} else if (sa.s_family == NNG_AF_IPC) {
		snprintf(out, cap, "ipc:%.70s", sa.s_ipc.sa_path);
	}
}

static int should_log(const char *peer, int64_t now)
{
	int yes = 0;
	size_t oldest = 0;
	pthread_mutex_lock(&log_mu);
	size_t i = 0;
	for (; i < LOG_PEERS && strcmp(logged[i].peer, peer) != 0; i++)
		if (logged[i].last_ms < logged[oldest].last_ms)
			oldest = i;
	if (i == LOG_PEERS) {
		i = oldest;
		snprintf(logged[i].peer, sizeof logged[i].peer, "%s", peer);
		logged[i].last_ms = 0; /* never */
	}
	if (!logged[i].last_ms || now - logged[i].last_ms >= LOG_EVERY_MS) {
		logged[i].last_ms = now;
		yes = 1;
	}
	pthread_mutex_unlock(&log_mu);
	return yes;
}

static int refuse(struct nng_msg *m, const char *kind, const char *what,
		  const char *why)
{
	const char *labels[] = {kind};
	hd_prom_observe(&rejected, labels, 1);
	char peer[80];
	peer_of(m, peer, sizeof peer);
	if (should_log(peer, real_ms()))
		hd_warn("cluster_auth.rejected",
			"kind=%s what=%s peer=%s reason=\"%s\" "
			"note=\"logged once a minute per peer; see "
			"hd_cluster_auth_rejected_total\"",
			kind, what, peer, why);
	return HD_E_UNAUTHORIZED;
}

/* ---- nng messages ---- */

static int seal_msg(struct nng_msg *m, hd_auth_kind kind, const uint8_t *bind,
		    uint8_t nonce[HD_AUTH_NONCE_BYTES])
{
	uint8_t trailer[HD_AUTH_TRAILER_BYTES];
	int rc = hd_auth_seal(kind, nng_msg_body(m), nng_msg_len(m), real_ms(),
			      bind, trailer);
	if (rc)
		return rc;
	if (nng_msg_append(m, trailer, sizeof trailer))
		return HD_E_NOMEM;
	if (nonce)
		memcpy(nonce, trailer + 8, HD_AUTH_NONCE_BYTES);
	return HD_OK;
}

static int open_msg(struct nng_msg *m, hd_auth_kind kind, const uint8_t *bind,
		    int64_t *ts, uint8_t nonce[HD_AUTH_NONCE_BYTES])
{
	size_t blen = 0;
	int rc = hd_auth_verify(kind, nng_msg_body(m), nng_msg_len(m), bind,
				&blen, ts, nonce);
	if (rc == HD_OK)
		nng_msg_chop(m, HD_AUTH_TRAILER_BYTES);
	return rc;
}

int hd_auth_rpc_seal_request(struct nng_msg *m,
			     uint8_t nonce[HD_AUTH_NONCE_BYTES])
{
	return seal_msg(m, HD_AUTH_RPC_REQUEST, NULL, nonce);
}

static hd_replay *replay;
static pthread_once_t replay_once = PTHREAD_ONCE_INIT;

static void replay_init(void)
{
	hd_replay_new(&replay, HD_AUTH_WINDOW_MS, REPLAY_MAX_ENTRIES);
}

int hd_auth_rpc_open_request(struct nng_msg *m,
			     uint8_t nonce[HD_AUTH_NONCE_BYTES])
{
	int64_t ts = 0;
	memset(nonce, 0, HD_AUTH_NONCE_BYTES);
	if (open_msg(m, HD_AUTH_RPC_REQUEST, NULL, &ts, nonce))
		return refuse(m, "rpc", "request",
			      "missing or wrong cluster authentication tag");
	pthread_once(&replay_once, replay_init);
	int rc = replay ? hd_replay_check(replay, ts, nonce, real_ms())
			: HD_E_NOMEM;
	if (rc == HD_E_TIMEDOUT)
		return refuse(m, "rpc", "request",
			      "timestamp outside the window; are the clocks "
			      "synchronized?");
	if (rc)
		return refuse(m, "rpc", "request",
			      rc == HD_E_CONFLICT ? "replayed nonce"
						  : hd_strerror(rc));
	return HD_OK;
}

struct nng_msg *hd_auth_rpc_refusal(void)
{
	Hd__RpcReply reply = HD__RPC_REPLY__INIT;
	reply.status = HD__STATUS__UNAUTHORIZED;
	reply.message = "cluster authentication failed (see "
			"hd_cluster_auth_rejected_total on the peer)";
	nng_msg *out = NULL;
	if (nng_msg_alloc(&out, hd__rpc_reply__get_packed_size(&reply)))
		return NULL;
	hd__rpc_reply__pack(&reply, nng_msg_body(out));
	return out;
}

int hd_auth_rpc_seal_reply(struct nng_msg *m,
			   const uint8_t nonce[HD_AUTH_NONCE_BYTES])
{
	return seal_msg(m, HD_AUTH_RPC_REPLY, nonce, NULL);
}

int hd_auth_rpc_open_reply(struct nng_msg *m,
			   const uint8_t nonce[HD_AUTH_NONCE_BYTES])
{
	if (open_msg(m, HD_AUTH_RPC_REPLY, nonce, NULL, NULL))
		return refuse(m, "rpc", "reply",
			      "missing or wrong cluster authentication tag");
	return HD_OK;
}

int hd_auth_bus_seal(struct nng_msg *m)
{
	return seal_msg(m, HD_AUTH_BUS, NULL, NULL);
}

HD_COUNTER(stale_frames, "hd_bus_stale_frames_total",
	   "Authentic bus frames older than the window, dropped: queued while "
	   "this consumer was stopped, or replayed (a pull fetches what they "
	   "carried).")

int hd_auth_bus_open(struct nng_msg *m)
{
	int64_t ts = 0;
	if (open_msg(m, HD_AUTH_BUS, NULL, &ts, NULL))
		return refuse(m, "bus", "frame",
			      "missing or wrong cluster authentication tag");
	int64_t now = real_ms();
	if (ts > now + HD_AUTH_WINDOW_MS)
		return refuse(m, "bus", "frame",
			      "timestamp ahead of this clock; are the clocks "
			      "synchronized?");
	/* An old authentic frame is not an attack by itself (a consumer
	 * stopped for a minute finds its queue full of them), but it must
	 * not act: a heartbeat recorded before a restore would make every
	 * consumer stop following the restored source. */
	if (ts < now - HD_AUTH_WINDOW_MS) {
		hd_counter_add(&stale_frames, 1);
		return HD_E_TIMEDOUT;
	}
	return HD_OK;
}
