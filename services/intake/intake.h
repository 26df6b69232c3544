/* intake: the owner of tickets and the people who file them. Its context is
 * built once in main() and read-only afterwards; handlers run on RPC worker
 * threads and write only through the store's group commit. */
#ifndef INTAKE_H
#define INTAKE_H

#include "hd/rpc.h"
#include "hd/store.h"
#include "hd/svc.h"
#include "ticket.pb-c.h"

#include <stddef.h>
#include <stdint.h>

/* A ticket or user id carries its intake shard in the low 8 bits, so any
 * component routes by id without a lookup. */
#define INTAKE_SHARD_BITS   8
#define INTAKE_ID(n, shard) (((uint64_t)(n) << INTAKE_SHARD_BITS) | (shard))
#define INTAKE_SHARD_OF(id) ((unsigned)((id) & ((1u << INTAKE_SHARD_BITS) - 1)))

/* Users, identities and tokens live on shard 0 (the directory shard). */
#define INTAKE_DIRECTORY_SHARD 0

typedef struct intake {
	hd_svc *svc;
	hd_store *store;
	unsigned shard;
	MDB_dbi tickets, users, users_by_email, tokens, meta;
} intake;

/* store.c */
int intake_store_bind(intake *in);
int intake_next_id(hd_txn *t, intake *in, const char *counter, uint64_t *id);
int intake_ticket_put(hd_txn *t, intake *in, const Hd__Ticket *tk);
/* Decode the ticket with id; *out is the caller's (hd__ticket__free_unpacked). */
int intake_ticket_get(hd_txn *t, intake *in, uint64_t id, Hd__Ticket **out);
int intake_user_put(hd_txn *t, intake *in, const Hd__User *u);
int intake_user_get(hd_txn *t, intake *in, uint64_t id, Hd__User **out);
int intake_user_by_email(hd_txn *t, intake *in, const char *email_lower,
			 uint64_t *id);
int intake_token_put(hd_txn *t, intake *in, const char *token,
		     uint64_t creator);
int intake_token_known(hd_txn *t, intake *in, const char *token);

/* handlers.c: tickets */
int intake_tickets_create(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_tickets_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
/* users.c: users and authentication (directory shard only) */
int intake_auth_token(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_users_ensure(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_users_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
/* bootstrap.c: the first admin on an empty directory */
int intake_bootstrap_admin(intake *in, const char *email, const char *token,
			   const char *data_dir);

/* routes.c */
extern const hd_rpc_route intake_routes[];

#endif
