/* knowledge's store. Each module keeps its own key layout beside its
 * code: the help center in hc.h, the search index in kbsearch.h. */
#include "knowledge.h"

int kb_store_bind(kb *k)
{
	return hc_bind(&k->hc, k->store);
}
