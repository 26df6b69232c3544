/* intake's store. Key layout (integers big-endian):
 *   tickets         u64 ticket id          → hd.Ticket
 *   users           u64 user id            → hd.User
 *   users_by_email  lower-cased e-mail     → u64 user id
 *   tokens          BLAKE2b-256(token)     → u64 id of the admin who made it
 *   meta            "next_ticket" | "next_user" → u64 next counter value
 * Ids are INTAKE_ID(counter, shard). Tokens are kept only as hashes. */
#include "intake.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int intake_store_bind(intake *in)
{
	int rc = hd_store_dbi(in->store, "tickets", &in->tickets);
	if (!rc)
		rc = hd_store_dbi(in->store, "users", &in->users);
	if (!rc)
		rc = hd_store_dbi(in->store, "users_by_email",
				  &in->users_by_email);
	if (!rc)
		rc = hd_store_dbi(in->store, "tokens", &in->tokens);
	if (!rc)
		rc = hd_store_dbi(in->store, "meta", &in->meta);
	return rc;
}

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

/* Pack msg and put it under an integer key. */
static int put_packed(hd_txn *t, MDB_dbi dbi, uint64_t id,
		      const ProtobufCMessage *msg)
{
	hd_buf b;
	hd_buf_init(&b, (size_t)64 << 20);
	uint8_t key[8];
	hd_key_u64(key, id);
	int rc = hd_pb_pack(&b, msg);
	if (rc)
		hd_txn_fail(t, rc);
	else
		rc = hd_txn_put(t, dbi, key, 8, b.data, b.len);
	hd_buf_release(&b);
	return rc;
}

static int get_unpacked(hd_txn *t, MDB_dbi dbi, uint64_t id,
			const ProtobufCMessageDescriptor *d,
			ProtobufCMessage **out)
{
	uint8_t key[8];
	MDB_val v;
	hd_key_u64(key, id);
	*out = NULL;
	int rc = hd_txn_get(t, dbi, key, 8, &v);
	if (rc)
		return rc;
	/* Decode now: LMDB's bytes are borrowed only until the txn ends. */
	*out = protobuf_c_message_unpack(d, NULL, v.mv_size, v.mv_data);
	return *out ? HD_OK : HD_E_CORRUPT;
}

int intake_ticket_put(hd_txn *t, intake *in, const Hd__Ticket *tk)
{
	return put_packed(t, in->tickets, tk->id, &tk->base);
}

int intake_ticket_get(hd_txn *t, intake *in, uint64_t id, Hd__Ticket **out)
{
	return get_unpacked(t, in->tickets, id, &hd__ticket__descriptor,
			    (ProtobufCMessage **)out);
}

int intake_user_put(hd_txn *t, intake *in, const Hd__User *u)
{
	uint8_t id[8];
	hd_key_u64(id, u->id);
	put_packed(t, in->users, u->id, &u->base);
	return hd_txn_put(t, in->users_by_email, u->email, strlen(u->email), id,
			  8);
}

int intake_user_get(hd_txn *t, intake *in, uint64_t id, Hd__User **out)
{
	return get_unpacked(t, in->users, id, &hd__user__descriptor,
			    (ProtobufCMessage **)out);
}

int intake_user_by_email(hd_txn *t, intake *in, const char *email_lower,
			 uint64_t *id)
{
	MDB_val v;
	size_t n = strlen(email_lower);
	if (n == 0 || n > 254)
		return HD_E_NOTFOUND;
	int rc = hd_txn_get(t, in->users_by_email, email_lower, n, &v);
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

int intake_token_put(hd_txn *t, intake *in, const char *token, uint64_t creator)
{
	uint8_t h[32], v[8];
	token_hash(token, h);
	hd_key_u64(v, creator);
	return hd_txn_put(t, in->tokens, h, 32, v, 8);
}

int intake_token_known(hd_txn *t, intake *in, const char *token)
{
	uint8_t h[32];
	MDB_val v;
	token_hash(token, h);
	return hd_txn_get(t, in->tokens, h, 32, &v);
}
