/* The users module's store. Key layout (integers big-endian):
 *   users           u64 user id            → hd.User
 *   users_by_email  lower-cased e-mail     → u64 user id
 *   tokens          BLAKE2b-256(token)     → u64 token id
 *   token_recs      u64 token id           → hd.ApiToken (hash, no token)
 *   passwords       u64 user id            → argon2id string (crypto_pwhash_str)
 *   orgs            u64 organization id    → hd.Organization
 *   org_domains     lower-cased domain     → u64 organization id
 *   groups          u64 group id           → hd.Group
 *   memberships     u64 membership id      → hd.GroupMembership
 * Tokens are kept only as hashes; passwords only as argon2id hashes. */
#include "users.h"

#include "hd/err.h"
#include "hd/store_upgrade.h"
#include "hd/user_fields.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

const char *const intake_users_dbs[] = {
	"users", "users_by_email", "tokens", "token_recs",  "passwords",
	"orgs",  "org_domains",    "groups", "memberships", NULL};

/* Users an older build stored keep their custom field values as JSON
 * text (User 16): type them, once per store (meta "user_fields_typed"
 * says it was done; every later write is typed). */
#define FIELDS_TYPED "user_fields_typed"
static int upgrade_user_fields(hd_txn *t, void *arg)
{
	intake *in = arg;
	MDB_val v;
	if (hd_txn_get(t, in->meta, FIELDS_TYPED, strlen(FIELDS_TYPED), &v) ==
	    HD_OK)
		return HD_OK;
	int rc = hd_txn_upgrade_pb(t, in->dir.users, &hd__user__descriptor,
				   hd_user_fields_upgrade, NULL);
	return rc ? rc
		  : hd_txn_put(t, in->meta, FIELDS_TYPED, strlen(FIELDS_TYPED),
			       "1", 1);
}

int intake_users_bind(intake *in)
{
	struct {
		const char *name;
		MDB_dbi *dbi;
	} rows[] = {
		{"users", &in->dir.users},
		{"users_by_email", &in->dir.by_email},
		{"tokens", &in->dir.tokens},
		{"token_recs", &in->dir.token_recs},
		{"passwords", &in->dir.passwords},
		{"orgs", &in->dir.orgs},
		{"org_domains", &in->dir.org_domains},
		{"groups", &in->dir.groups},
		{"memberships", &in->dir.memberships},
	};
	int rc = HD_OK;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0] && !rc; i++)
		rc = hd_store_dbi(in->store, rows[i].name, rows[i].dbi);
	if (!rc && sodium_init() < 0)
		rc = HD_E_INTERNAL;
	if (!rc)
		rc = hd_store_write(in->store, upgrade_user_fields, in);
	return rc;
}

int intake_user_put(const intake *in, hd_txn *t, const Hd__User *u)
{
	uint8_t id[8];
	hd_key_u64(id, u->id);
	intake_put_pb(t, in->dir.users, u->id, u);
	if (!u->email || !u->email[0])
		return t->rc;
	return hd_txn_put(t, in->dir.by_email, u->email, strlen(u->email), id,
			  8);
}

int intake_user_get(const intake *in, hd_txn *t, uint64_t id, Hd__User **out)
{
	return hd_txn_get_pb_id(t, in->dir.users, id, &hd__user__descriptor,
				(void **)out);
}

int intake_user_by_email(const intake *in, hd_txn *t, const char *email_lower,
			 uint64_t *id)
{
	MDB_val v;
	size_t n = strlen(email_lower);
	if (n == 0 || n > 254)
		return HD_E_NOTFOUND;
	int rc = hd_txn_get(t, in->dir.by_email, email_lower, n, &v);
	if (rc)
		return rc;
	if (v.mv_size != 8)
		return HD_E_CORRUPT;
	*id = hd_key_get_u64(v.mv_data);
	return HD_OK;
}

void intake_token_hash(const char *token, uint8_t out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token),
			   NULL, 0);
}

int intake_token_put(hd_txn *t, intake *in, const char *token,
		     Hd__ApiToken *rec)
{
	uint8_t h[32], v[8];
	intake_token_hash(token, h);
	if (intake_next_id(t, in, "next_token", &rec->id))
		return t->rc;
	rec->hash.data = h;
	rec->hash.len = 32;
	hd_key_u64(v, rec->id);
	intake_put_pb(t, in->dir.token_recs, rec->id, rec);
	rec->hash.data = NULL;
	rec->hash.len = 0;
	return hd_txn_put(t, in->dir.tokens, h, 32, v, 8);
}

int intake_token_find(const intake *in, hd_txn *t, const char *token,
		      Hd__ApiToken **out)
{
	uint8_t h[32];
	MDB_val v;
	*out = NULL;
	intake_token_hash(token, h);
	int rc = hd_txn_get(t, in->dir.tokens, h, 32, &v);
	if (rc)
		return rc;
	if (v.mv_size != 8)
		return HD_E_CORRUPT;
	return hd_txn_get_pb_id(t, in->dir.token_recs,
				hd_key_get_u64(v.mv_data),
				&hd__api_token__descriptor, (void **)out);
}

int intake_token_known(const intake *in, hd_txn *t, const char *token)
{
	uint8_t h[32];
	MDB_val v;
	Hd__ApiToken *rec = NULL;
	intake_token_hash(token, h);
	if (hd_txn_get(t, in->dir.tokens, h, 32, &v) != HD_OK)
		return HD_E_NOTFOUND;
	int rc = intake_token_find(in, t, token, &rec);
	if (rc == HD_E_NOTFOUND)
		rc = HD_OK; /* a bootstrap token from before token records */
	else if (rc == HD_OK && rec->oauth)
		rc = HD_E_NOTFOUND; /* OAuth tokens are Bearer only */
	hd__api_token__free_unpacked(rec, NULL);
	return rc;
}

bool intake_users_empty(const intake *in, hd_txn *t)
{
	MDB_stat st;
	return mdb_stat(t->txn, in->dir.users, &st) == 0 && st.ms_entries == 0;
}

static int take(intake_dir_page *p, size_t cap, void *msg)
{
	if (!p->items && !(p->items = calloc(cap ? cap : 1, sizeof(void *)))) {
		protobuf_c_message_free_unpacked(msg, NULL);
		return HD_E_NOMEM;
	}
	p->items[p->n++] = msg;
	return HD_OK;
}

static int scan_ids(hd_txn *t, MDB_dbi dbi, const ProtobufCMessageDescriptor *d,
		    const Hd__DirListRequest *q, intake_dir_keep keep,
		    void *arg, intake_dir_page *out)
{
	int rc = HD_OK;
	for (size_t i = 0; i < q->n_ids && !rc; i++) {
		void *m = NULL;
		if (hd_txn_get_pb_id(t, dbi, q->ids[i], d, &m) != HD_OK)
			continue;
		if (keep && !keep(m, arg)) {
			protobuf_c_message_free_unpacked(m, NULL);
			continue;
		}
		rc = take(out, q->n_ids, m);
		out->count++;
	}
	return rc;
}

static void reverse(intake_dir_page *p)
{
	for (size_t i = 0; i < p->n / 2; i++) {
		void *x = p->items[i];
		p->items[i] = p->items[p->n - 1 - i];
		p->items[p->n - 1 - i] = x;
	}
}

typedef struct dir_walk {
	const ProtobufCMessageDescriptor *d;
	const Hd__DirListRequest *q;
	intake_dir_keep keep;
	void *arg;
	intake_dir_page *out;
	size_t size;
} dir_walk;

static int dir_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	dir_walk *w = arg;
	const Hd__DirListRequest *q = w->q;
	intake_dir_page *out = w->out;
	void *m = protobuf_c_message_unpack(w->d, NULL, v->mv_size, v->mv_data);
	if (!m)
		return HD_E_CORRUPT;
	bool ok = !w->keep || w->keep(m, w->arg);
	uint64_t idx = out->count;
	if (ok)
		out->count++;
	if (ok && q->cursor && out->n == w->size) {
		out->has_more = true;
		protobuf_c_message_free_unpacked(m, NULL);
		return HD_STOP;
	}
	if (ok && !q->count_only &&
	    (q->cursor || (idx >= q->offset && idx < q->offset + w->size)))
		return take(out, w->size, m);
	protobuf_c_message_free_unpacked(m, NULL);
	return HD_OK;
}

/* Walk records in id order (backwards for page[before]) and keep a page. */
static int scan_walk(hd_txn *t, MDB_dbi dbi,
		     const ProtobufCMessageDescriptor *d,
		     const Hd__DirListRequest *q, intake_dir_keep keep,
		     void *arg, intake_dir_page *out)
{
	uint8_t start[8];
	size_t slen = 0;
	int back = q->cursor && q->before_id;
	if (q->cursor && (q->after_id || back)) {
		/* page[before]: strictly below before_id */
		hd_key_u64(start, back ? q->before_id - 1 : q->after_id + 1);
		slen = 8;
	}
	dir_walk w = {d, q, keep, arg, out, q->size ? q->size : 100};
	int rc = hd_txn_foreach_from(t, dbi, NULL, 0, slen ? start : NULL, slen,
				     back, dir_one, &w);
	if (back)
		reverse(out);
	return rc;
}

int intake_dir_scan(hd_txn *t, MDB_dbi dbi, const ProtobufCMessageDescriptor *d,
		    const Hd__DirListRequest *q, intake_dir_keep keep,
		    void *arg, intake_dir_page *out)
{
	memset(out, 0, sizeof *out);
	if (q->n_ids)
		return scan_ids(t, dbi, d, q, keep, arg, out);
	int rc = scan_walk(t, dbi, d, q, keep, arg, out);
	if (rc)
		intake_dir_page_free(out);
	return rc;
}

typedef struct name_find {
	bool group;
	const char *name;
	uint64_t *id;
} name_find;

static int name_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	name_find *f = arg;
	bool hit = false;
	if (f->group) {
		Hd__Group *g = hd__group__unpack(NULL, v->mv_size, v->mv_data);
		if (g && !g->deleted && strcasecmp(g->name, f->name) == 0) {
			*f->id = g->id;
			hit = true;
		}
		hd__group__free_unpacked(g, NULL);
	} else {
		Hd__Organization *o =
			hd__organization__unpack(NULL, v->mv_size, v->mv_data);
		if (o && !o->deleted && strcasecmp(o->name, f->name) == 0) {
			*f->id = o->id;
			hit = true;
		}
		hd__organization__free_unpacked(o, NULL);
	}
	return hit ? HD_STOP : HD_OK;
}

int intake_dir_id_by_name(const intake *in, hd_txn *t, bool group,
			  const char *name, uint64_t *id)
{
	/* Organizations and groups are few: a scan beats another index. */
	name_find f = {group, name, id};
	*id = 0;
	int rc = hd_txn_foreach(t, group ? in->dir.groups : in->dir.orgs, NULL,
				0, name_one, &f);
	return rc ? rc : *id ? HD_OK : HD_E_NOTFOUND;
}

void intake_dir_page_free(intake_dir_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		protobuf_c_message_free_unpacked(p->items[i], NULL);
	free(p->items);
	memset(p, 0, sizeof *p);
}

bool intake_has_field(char **fields, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(fields[i], name) == 0)
			return true;
	return false;
}
