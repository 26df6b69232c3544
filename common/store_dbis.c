/* Binding a module's sub-databases from one table. See hd/store.h. */
#include "hd/store.h"

#include "hd/err.h"

int hd_store_dbis(hd_store *s, const hd_dbi_ref *refs)
{
	int rc = HD_OK;
	for (; !rc && refs->name; refs++)
		rc = hd_store_dbi(s, refs->name, refs->dbi);
	return rc;
}
