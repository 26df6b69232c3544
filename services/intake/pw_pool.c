/* The password pool (see pw_pool.h). A counter and a condition variable
 * rather than a semaphore, so the queue has a bound and a full queue
 * answers at once. The dummy hash is made on first use, with the same cost
 * as real ones, from a random password nobody knows. */
#include "pw_pool.h"

#include "hd/err.h"
#include "hd/log.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

/* argon2id at OWASP's recommended floor (t=2, m=19 MiB, p=1). */
#define PW_OPS  2
#define PW_MEM  ((size_t)19 << 20)
#define WAIT_MS 3000

/* Process-wide on purpose, not in the context: the pool bounds the memory
 * (19 MiB a hash) the whole process spends on argon2id, and the dummy is a
 * constant made once. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t freed;
	unsigned workers, queue; /* limits */
	unsigned running, waiting;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER,
	  .freed = PTHREAD_COND_INITIALIZER,
	  .workers = 2,
	  .queue = 4};

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy[crypto_pwhash_STRBYTES];

int intake_pw_pool_init(const hd_cfg *cfg)
{
	uint64_t workers = 0, queue = 0;
	int rc = hd_cfg_u64(cfg, "HD_PW_WORKERS", 1, 64, &workers);
	if (!rc)
		rc = hd_cfg_u64(cfg, "HD_PW_QUEUE", 0, 1024, &queue);
	if (rc)
		return rc;
	pthread_mutex_lock(&pool.mu);
	pool.workers = (unsigned)workers;
	pool.queue = (unsigned)queue;
	pthread_mutex_unlock(&pool.mu);
	return HD_OK;
}

static int enter(void)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_MS / 1000;
	int rc = HD_OK;
	pthread_mutex_lock(&pool.mu);
	if (pool.running >= pool.workers && pool.waiting >= pool.queue) {
		rc = HD_E_UNAVAILABLE;
		goto out;
	}
	pool.waiting++;
	while (pool.running >= pool.workers && rc == HD_OK)
		if (pthread_cond_timedwait(&pool.freed, &pool.mu, &until))
			rc = HD_E_UNAVAILABLE;
	pool.waiting--;
	if (rc == HD_OK)
		pool.running++;
out:
	pthread_mutex_unlock(&pool.mu);
	if (rc)
		hd_warn("password.busy", "workers=%u queue=%u", pool.workers,
			pool.queue);
	return rc;
}

static void leave(void)
{
	pthread_mutex_lock(&pool.mu);
	pool.running--;
	pthread_cond_signal(&pool.freed);
	pthread_mutex_unlock(&pool.mu);
}

static void make_dummy(void)
{
	char secret[33];
	uint8_t raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(secret, sizeof secret, raw, sizeof raw);
	if (crypto_pwhash_str(dummy, secret, strlen(secret), PW_OPS, PW_MEM))
		dummy[0] = '\0';
	sodium_memzero(secret, sizeof secret);
}

int intake_pw_verify(const char *hash, const char *password, bool *match)
{
	*match = false;
	int rc = enter();
	if (rc)
		return rc;
	pthread_once(&dummy_once, make_dummy);
	size_t n = strlen(password);
	/* The dummy never matches: nobody knows its password. */
	const char *against = hash && hash[0] ? hash : dummy;
	bool ok = against[0] &&
		  crypto_pwhash_str_verify(against, password, n) == 0;
	*match = ok && against != dummy;
	leave();
	return HD_OK;
}

int intake_pw_hash(char out[crypto_pwhash_STRBYTES], const char *password,
		   size_t len)
{
	int rc = enter();
	if (rc)
		return rc;
	if (crypto_pwhash_str(out, password, len, PW_OPS, PW_MEM) != 0)
		rc = HD_E_NOMEM;
	leave();
	return rc;
}
