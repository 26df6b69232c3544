/* intake's users module, internal interface (users.c, users_store.c,
 * users_write.c, tokens.c, orgs.c, groups.c, bootstrap.c). Everything here
 * lives on the directory shard (0). Reads run on RPC worker threads in their
 * own read transactions; writes only inside hd_store_write jobs. */
#ifndef INTAKE_USERS_H
#define INTAKE_USERS_H

#include "intake.h"

/* The module's tables are in->dir (intake_dbs.h), bound by
 * intake_users_bind. */
int intake_user_put(const intake *in, hd_txn *t, const Hd__User *u);
int intake_user_get(const intake *in, hd_txn *t, uint64_t id, Hd__User **out);
int intake_user_by_email(const intake *in, hd_txn *t, const char *email_lower,
			 uint64_t *id);
/* Store a token (kept only as its hash) and its record; rec->id is set. */
int intake_token_put(hd_txn *t, intake *in, const char *token,
		     Hd__ApiToken *rec);
/* The record of a live token by its clear value: HD_E_NOTFOUND otherwise.
 * *out is the caller's. */
int intake_token_find(const intake *in, hd_txn *t, const char *token,
		      Hd__ApiToken **out);
int intake_token_known(const intake *in, hd_txn *t, const char *token);
void intake_token_hash(const char *token, uint8_t out[32]);
/* True when the users table has no entry. */
bool intake_users_empty(const intake *in, hd_txn *t);

/* One page of a sub-database of protobuf records keyed by u64 id, as q asks
 * (show_many ids, offset or cursor). keep (may be NULL) filters records.
 * items[0..n) are the caller's (free each with
 * protobuf_c_message_free_unpacked, then the array with free). */
typedef bool (*intake_dir_keep)(const void *msg, void *arg);
typedef struct intake_dir_page {
	void **items;
	size_t n;
	uint64_t count; /* offset mode: every matching record */
	bool has_more;  /* cursor mode */
} intake_dir_page;
int intake_dir_scan(hd_txn *t, MDB_dbi dbi, const ProtobufCMessageDescriptor *d,
		    const Hd__DirListRequest *q, intake_dir_keep keep,
		    void *arg, intake_dir_page *out);
void intake_dir_page_free(intake_dir_page *p);
/* groups_snapshot.c: on the directory shard, once per store, emit every
 * membership as one "directory.memberships" event. */
int intake_groups_snapshot(intake *in);
/* The id of the group (group) or organization named name, compared without
 * ASCII case. HD_E_NOTFOUND. */
int intake_dir_id_by_name(const intake *in, hd_txn *t, bool group,
			  const char *name, uint64_t *id);

/* users_write.c / tokens.c / orgs.c / groups.c: RPC handlers. */
int intake_on_directory(intake *in, hd_rpc_rep *rep);
int intake_users_create(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_users_update(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_users_upsert(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_users_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_auth_password(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_auth_bearer(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_users_password(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_tokens_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_tokens_create(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_tokens_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_orgs_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_orgs_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_orgs_write(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_orgs_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_groups_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_groups_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_groups_write(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_groups_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_members_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_members_create(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);
int intake_members_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep);

/* users_email.c (module "email"): an end-user's own e-mail change, held
 * until the new address confirms it. In the update's write job: store the
 * pending address and publish email.verification (sticky on t). */
int intake_email_hold(const intake *in, hd_txn *t, const Hd__User *u,
		      const char *email);

/* orgs.c: the organization whose domain_names hold email's domain (0). */
uint64_t intake_org_for_email(const intake *in, hd_txn *t,
			      const char *email_lower);
/* True when fields (a write request's key list) holds name. */
bool intake_has_field(char **fields, size_t n, const char *name);

/* bootstrap.c: the first admin on an empty directory */
int intake_bootstrap_admin(intake *in, const char *email, const char *token,
			   const char *data_dir);

#endif
