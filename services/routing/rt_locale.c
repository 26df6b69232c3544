/* Each user's locale, kept from intake's user.created / user.updated, so the
 * locale_id condition (the requester's language) can be read inside the
 * group commit without asking intake. Key layout:
 *   rt_locales  u64 user id → locale code ("ko", "en-US") */
#include "rt_rules.h"

#include "hd/err.h"
#include "user.pb-c.h"

#include <string.h>

int rt_locale_event(routing *r, hd_txn *t, const Hd__Envelope *ev)
{
	if (strcmp(ev->type, "user.created") != 0 &&
	    strcmp(ev->type, "user.updated") != 0)
		return HD_OK;
	Hd__User *u = hd__user__unpack(NULL, ev->payload.len, ev->payload.data);
	if (!u)
		return HD_OK; /* intake's event stands; nothing to learn */
	uint8_t key[8];
	hd_key_u64(key, u->id);
	size_t n = strlen(u->locale);
	int rc = n && n < RT_LOCALE_MAX
			 ? hd_txn_put(t, r->rt.locales, key, 8, u->locale, n)
			 : hd_txn_del(t, r->rt.locales, key, 8);
	hd__user__free_unpacked(u, NULL);
	return rc == HD_E_NOTFOUND ? HD_OK : rc;
}

const char *rt_locale_of(hd_txn *t, const rt_dbs *db, uint64_t user,
			 char out[RT_LOCALE_MAX])
{
	uint8_t key[8];
	MDB_val v;
	hd_key_u64(key, user);
	if (!user || hd_txn_get(t, db->locales, key, 8, &v) != HD_OK ||
	    v.mv_size >= RT_LOCALE_MAX)
		return NULL;
	memcpy(out, v.mv_data, v.mv_size);
	out[v.mv_size] = 0;
	return out;
}
