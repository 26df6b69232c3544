/* Helpers every intake module shares. Key layout of what this file owns:
 *   meta  counter name ("next_ticket", "next_user", …) → u64 next value
 *         (the next one to give, not hd_txn_next_id's last one given:
 *         kept so stores already written keep their ids)
 * Ids are INTAKE_ID(counter, shard). Each module's own sub-databases are
 * described at the top of that module's store file. */
#include "intake.h"

#include "hd/err.h"

#include <string.h>

int intake_next_id(hd_txn *t, intake *in, const char *counter, uint64_t *id)
{
	MDB_val v;
	uint64_t n = 1;
	int rc = hd_txn_get(t, in->meta, counter, strlen(counter), &v);
	if (rc == HD_OK && v.mv_size == 8)
		n = hd_key_get_u64(v.mv_data);
	else if (rc != HD_E_NOTFOUND)
		return hd_txn_fail(t, rc ? rc : HD_E_CORRUPT);
	uint8_t next[8];
	hd_key_u64(next, n + 1);
	*id = INTAKE_ID(n, in->shard);
	return hd_txn_put(t, in->meta, counter, strlen(counter), next, 8);
}

int intake_put_pb(hd_txn *t, MDB_dbi dbi, uint64_t id, const void *msg)
{
	uint8_t key[8];
	hd_key_u64(key, id);
	return hd_txn_put_pb_max(t, dbi, key, sizeof key, msg,
				 INTAKE_MAX_RECORD);
}

bool intake_is_staff(const hd_principal *p)
{
	return p->role == HD__USER_ROLE__ROLE_AGENT || intake_is_admin(p);
}

bool intake_is_admin(const hd_principal *p)
{
	return hd_role_is_admin(p->role);
}
