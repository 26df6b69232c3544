/* knowledge's store. Key layout (integers big-endian):
 *   suggest_queue  u64 ticket id → subject "\n" description (UTF-8), the
 *                  text article suggestions will be computed from */
#include "knowledge.h"

int kb_store_bind(kb *k)
{
	return hd_store_dbi(k->store, "suggest_queue", &k->suggest_queue);
}
