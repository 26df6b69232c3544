/* Which intake shard a new ticket goes to: a stable spread of a number (the
 * requester's id) over the shards, so one requester's tickets live together
 * and a writer outside the gateway (hd-import) picks the shard the gateway
 * would. Pure; any thread. */
#ifndef HD_SHARD_H
#define HD_SHARD_H

#include <stdint.h>

/* v's shard among shards (≥ 1): splitmix64's finalizer, modulo shards. */
unsigned hd_shard_spread(uint64_t v, unsigned shards);

#endif
