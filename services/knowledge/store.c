/* knowledge's store. Each module keeps its own key layout beside its
 * code: the help center in hc.h, the search index in kbsearch.h. */
#include "knowledge.h"

int kb_store_bind(kb *k)
{
	int rc = hc_bind(&k->hc, k->store);
	return rc ? rc : kb_members_bind(k->store);
}
