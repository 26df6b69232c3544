/* The user endpoint's JSON decoding (gateway gw_user_from_json): arbitrary
 * bytes as the "user" object. It fills the record or answers 422 naming
 * the key; it never crashes. */
#include "fuzz.h"
#include "gw_users.h"
#include "hd/user_fields.h"

#include <stdlib.h>

/* Defined by the gateway's main.c, which a fuzz target does not link. */
const char *const gw_peer_names[GW_PEERS] = {0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = json_loadb((const char *)data, size,
				 JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return 0;
	}
	Hd__User u = HD__USER__INIT;
	gw_keys k = {0};
	gw_resp out = {0};
	char **tags = NULL;
	int rc = gw_user_from_json(obj, &u, &k, &tags, &out);
	if (rc != 0 && out.status != 422 && out.status != 400)
		abort();
	free(tags);
	hd_user_fields_free(u.user_fields, u.n_user_fields);
	json_decref(out.body);
	json_decref(obj);
	return 0;
}
