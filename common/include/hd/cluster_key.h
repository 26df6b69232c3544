/* The suite's one shared secret: 32 random bytes in a file every process of
 * the suite reads (HD_CLUSTER_KEY_FILE, default $HD_DATA/cluster.key),
 * created with mode 0600 by the first process that finds none. Modules never
 * use the key itself: each derives its own subkey by a context name
 * (libsodium's crypto_kdf), so a MAC for one purpose cannot be replayed as
 * another. Loaded once in hd_svc_init() before any thread starts; read-only
 * afterwards (any thread may derive). */
#ifndef HD_CLUSTER_KEY_H
#define HD_CLUSTER_KEY_H

#include <stddef.h>
#include <stdint.h>

#define HD_CLUSTER_KEY_BYTES 32

/* Read the key from path; when the file does not exist and create is set,
 * write a new random key there first (atomically: two processes starting
 * together agree on one key). HD_E_INVALID (logged, naming the file) when the
 * file is unreadable, not exactly 32 bytes (raw) or 64 hex digits, or
 * readable by others; HD_E_IO when it cannot be created. */
int hd_cluster_key_load(const char *path, int create);
/* For tools outside hd_svc_init (they must speak RPC or publish like a
 * service): HD_CLUSTER_KEY_FILE, else $HD_DATA/cluster.key (HD_DATA
 * defaulting to ./var as for the services). Never creates a key: a tool
 * joins an existing suite. Errors as hd_cluster_key_load; when prog is
 * given, a failure is also told on stderr in a line naming prog. */
int hd_cluster_key_load_env(const char *prog);
/* 1 once a key is loaded. */
int hd_cluster_key_loaded(void);
/* Changes whenever the key does (0: none loaded yet), so a module may cache
 * its derived subkeys. */
uint64_t hd_cluster_key_generation(void);
/* Derive len (16..64) bytes for a purpose. context: exactly 8 characters
 * naming the purpose ("rpc_auth", "mail_mid"); id: a sub-purpose number.
 * HD_E_INVALID when no key is loaded or the arguments are out of range. */
int hd_cluster_key_derive(const char *context, uint64_t id, uint8_t *out,
			  size_t len);
/* Tests only: use these bytes as the key (no file). */
void hd_cluster_key_set(const uint8_t key[HD_CLUSTER_KEY_BYTES]);

#endif
