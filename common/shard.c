#include "hd/shard.h"

unsigned hd_shard_spread(uint64_t v, unsigned shards)
{
	uint64_t z = v + 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (unsigned)((z ^ (z >> 31)) % shards);
}
