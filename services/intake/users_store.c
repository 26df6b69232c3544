/* The users module's store. Key layout (integers big-endian):
 *   users           u64 user id            → hd.User
 *   users_by_email  lower-cased e-mail     → u64 user id
 *   tokens          BLAKE2b-256(token)     → u64 id of the admin who made it
 * Tokens are kept only as hashes. */
#include "users.h"

#include "hd/err.h"

#include <sodium.h>
#include <string.h>

const char *const intake_users_dbs[] = {"users", "users_by_email", "tokens",
					NULL};

static struct {
	MDB_dbi users, by_email, tokens;
} db;

int intake_users_bind(intake *in)
{
	int rc = hd_store_dbi(in->store, "users", &db.users);
	if (!rc)
		rc = hd_store_dbi(in->store, "users_by_email", &db.by_email);
	if (!rc)
		rc = hd_store_dbi(in->store, "tokens", &db.tokens);
	if (!rc && sodium_init() < 0)
		rc = HD_E_INTERNAL;
	return rc;
}

int intake_user_put(hd_txn *t, const Hd__User *u)
{
	uint8_t id[8];
	hd_key_u64(id, u->id);
	intake_put_pb(t, db.users, u->id, u);
	return hd_txn_put(t, db.by_email, u->email, strlen(u->email), id, 8);
}

int intake_user_get(hd_txn *t, uint64_t id, Hd__User **out)
{
	return intake_get_pb(t, db.users, id, &hd__user__descriptor,
			     (void **)out);
}

int intake_user_by_email(hd_txn *t, const char *email_lower, uint64_t *id)
{
	MDB_val v;
	size_t n = strlen(email_lower);
	if (n == 0 || n > 254)
		return HD_E_NOTFOUND;
	int rc = hd_txn_get(t, db.by_email, email_lower, n, &v);
	if (rc)
		return rc;
	if (v.mv_size != 8)
		return HD_E_CORRUPT;
	*id = hd_key_get_u64(v.mv_data);
	return HD_OK;
}

static void token_hash(const char *token, uint8_t out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token),
			   NULL, 0);
}

int intake_token_put(hd_txn *t, const char *token, uint64_t creator)
{
	uint8_t h[32], v[8];
	token_hash(token, h);
	hd_key_u64(v, creator);
	return hd_txn_put(t, db.tokens, h, 32, v, 8);
}

int intake_token_known(hd_txn *t, const char *token)
{
	uint8_t h[32];
	MDB_val v;
	token_hash(token, h);
	return hd_txn_get(t, db.tokens, h, 32, &v);
}

bool intake_users_empty(hd_txn *t)
{
	MDB_stat st;
	return mdb_stat(t->txn, db.users, &st) == 0 && st.ms_entries == 0;
}

int intake_users_start(intake *in)
{
	(void)in;
	return HD_OK;
}

void intake_users_stop(intake *in)
{
	(void)in;
}
