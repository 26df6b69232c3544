/* The ticket search query parser (intake/search_query.c) on arbitrary
 * queries, as an agent and as an end-user: it answers or refuses with a
 * reason, never crashes. */
#include "fuzz.h"
#include "hd/err.h"
#include "search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = malloc(size + 1);
	if (!q)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';
	static const char *const roles[] = {"agent", "end-user"};
	for (int i = 0; i < 2; i++) {
		hd_principal who = {.user_id = 7};
		who.role = hd_role_of(roles[i]);
		hd_rpc_rep rep = {0};
		sq_query sq = {0};
		int rc = sq_parse(q, &who, 1700000000000, &sq, &rep);
		if (rc != HD_OK && rc != HD_E_INVALID && rc != HD_E_NOMEM)
			abort();
		sq_release(&sq);
		hd_buf_release(&rep.payload);
	}
	free(q);
	return 0;
}
