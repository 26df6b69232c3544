/* The password pool: every argon2id hash or verify in intake runs through
 * it, so at most HD_PW_WORKERS of them (19 MiB each) run at once and at most
 * HD_PW_QUEUE more wait; the rest are refused at once with HD_E_UNAVAILABLE,
 * so password guessing can neither exhaust memory nor take every RPC
 * worker. Thread-safe; configured once in intake_pw_pool_init. */
#ifndef INTAKE_PW_POOL_H
#define INTAKE_PW_POOL_H

#include "hd/cfg.h"

#include <sodium.h>
#include <stdbool.h>

/* Read HD_PW_WORKERS and HD_PW_QUEUE from cfg (HD_E_INVALID, logged, when
 * out of range). */
int intake_pw_pool_init(const hd_cfg *cfg);

/* Does password match hash? hash "" (an unknown account, or one without a
 * password) is checked against a dummy hash of the same cost, so the answer
 * takes as long either way. HD_OK with *match set; HD_E_UNAVAILABLE when
 * the pool is full or the wait ran out. */
int intake_pw_verify(const char *hash, const char *password, bool *match);

/* Hash password into out (argon2id, the suite's cost). HD_OK,
 * HD_E_UNAVAILABLE (pool full) or HD_E_NOMEM. */
int intake_pw_hash(char out[crypto_pwhash_STRBYTES], const char *password,
		   size_t len);

#endif
