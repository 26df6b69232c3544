/* Support addresses (Zendesk's recipient_addresses) on the directory shard.
 * Key layout:
 *   recipient_addresses  u64 id → hd.RecipientAddress
 * A help desk has a handful, so lists, the one-address-per-e-mail check and
 * the token look-up scan them all (at most MAX_ADDRESSES). Admins only.
 * addresses.verify keeps a fresh random token, marks the address waiting
 * and publishes address.verify, which notifications mails to the address
 * with the token in its subject; when that mail comes back in through the
 * mail channel, addressed to the same address (it was forwarded to us),
 * intake_address_confirm marks the address verified. Tokens never leave
 * intake in a reply. */
#include "dir_common.h"

#include "address.pb-c.h"
#include "hd/clock.h"
#include "hd/err.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"
#include "hd/text.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ADDRESSES 200
#define MAX_NAME      255
#define MAX_EMAIL     254
#define TOKEN_HEX     32
#define TOKEN_OPEN    "[hd-verify:"
#define VERIFY_GAP_MS (60 * 1000) /* one verification mail a minute */

const char *const intake_addresses_dbs[] = {"recipient_addresses", NULL};

int intake_addresses_bind(intake *in)
{
	return hd_store_dbi(in->store, "recipient_addresses", &in->addresses);
}

typedef struct addr_set {
	Hd__RecipientAddress **v;
	size_t n;
} addr_set;

static void set_free(addr_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		hd__recipient_address__free_unpacked(s->v[i], NULL);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Every stored address, in id order. */
static int scan_all(hd_txn *t, MDB_dbi dbi, addr_set *s)
{
	return hd_txn_scan_pb(t, dbi, NULL, 0,
			      &hd__recipient_address__descriptor, NULL, NULL,
			      (void ***)&s->v, &s->n);
}

/* Tokens stay here: blank them in anything packed for a reply. */
static void hide_token(Hd__RecipientAddress *a)
{
	if (a)
		hd_pb_set_string(&a->verify_token, "");
}

static const intake_dir_rpc admin_rpc = {
	.gate = INTAKE_ADMIN,
	.denied = "support addresses are for admins",
	.msg = &hd__recipient_address_request__descriptor,
	.undecodable = "payload is not an hd.RecipientAddressRequest",
};

static int addresses_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__RecipientAddressRequest *q = NULL;
	addr_set s = {0};
	hd_txn t;
	int rc = intake_dir_open(in, req, rep, &admin_rpc, (void **)&q);
	if (!rc && !(rc = hd_store_read(in->store, &t))) {
		rc = scan_all(&t, in->addresses, &s);
		hd_txn_end(&t);
	}
	if (!rc) {
		Hd__RecipientAddressList l = HD__RECIPIENT_ADDRESS_LIST__INIT;
		for (size_t i = 0; i < s.n; i++)
			hide_token(s.v[i]);
		l.addresses = s.v;
		l.n_addresses = s.n;
		rc = hd_pb_pack(&rep->payload, &l);
	}
	set_free(&s);
	hd__recipient_address_request__free_unpacked(q, NULL);
	return rc;
}

static int not_found(hd_rpc_rep *rep)
{
	return hd_rpc_fail(rep, HD_E_NOTFOUND, "id", "no such support address");
}

static int addresses_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__RecipientAddressRequest *q = NULL;
	Hd__RecipientAddress *a = NULL;
	int rc = intake_dir_open(in, req, rep, &admin_rpc, (void **)&q);
	if (!rc)
		rc = intake_dir_read(in, in->addresses,
				     &hd__recipient_address__descriptor, q->id,
				     (void **)&a);
	if (rc == HD_E_NOTFOUND)
		rc = not_found(rep);
	if (!rc) {
		hide_token(a);
		rc = hd_pb_pack(&rep->payload, a);
	}
	hd__recipient_address__free_unpacked(a, NULL);
	hd__recipient_address_request__free_unpacked(q, NULL);
	return rc;
}

/* The address's e-mail lower-cased into out; 422 naming the field. */
static int check_input(const Hd__RecipientAddress *a, char *email, size_t cap,
		       hd_rpc_rep *rep)
{
	size_t n = strlen(a->name);
	if (n > MAX_NAME || !hd_utf8_valid(a->name, n))
		return hd_rpc_fail(rep, HD_E_INVALID, "name",
				   "name: must be UTF-8 of at most %d bytes",
				   MAX_NAME);
	const char *at = strchr(a->email, '@');
	n = strlen(a->email);
	if (!n)
		return hd_rpc_fail(rep, HD_E_INVALID, "email",
				   "email: is required");
	if (n > MAX_EMAIL || !at || at == a->email || !at[1] ||
	    strchr(at + 1, '@') || !strchr(at + 1, '.') ||
	    strcspn(a->email, " \t\r\n<>,;\"") != n ||
	    !hd_ascii_lower(a->email, email, cap))
		return hd_rpc_fail(rep, HD_E_INVALID, "email",
				   "email: is not an e-mail address");
	return HD_OK;
}

typedef struct save_job {
	intake *in;
	hd_rpc_rep *rep;
	const Hd__RecipientAddress *in_addr; /* the request's */
	const char *email;                   /* lower-cased */
	hd_buf result;
} save_job;

static int save_write(hd_txn *t, void *arg)
{
	save_job *j = arg;
	addr_set s = {0};
	const Hd__RecipientAddress *in = j->in_addr, *old = NULL;
	/* Built on the stack from borrowed strings: never freed. */
	Hd__RecipientAddress a = HD__RECIPIENT_ADDRESS__INIT;
	MDB_dbi dbi = j->in->addresses;
	int rc = scan_all(t, dbi, &s);
	for (size_t i = 0; !rc && i < s.n; i++) {
		if (s.v[i]->id == in->id)
			old = s.v[i];
		else if (!strcmp(s.v[i]->email, j->email))
			rc = hd_rpc_fail(j->rep, HD_E_INVALID, "email",
					 "email: is already a support address");
	}
	if (!rc && in->id && !old)
		rc = not_found(j->rep);
	if (!rc && !old && s.n >= MAX_ADDRESSES)
		rc = hd_rpc_fail(j->rep, HD_E_INVALID, "email",
				 "email: at most %d support addresses",
				 MAX_ADDRESSES);
	int64_t now = hd_wall_ms();
	/* A changed e-mail must be verified again. */
	bool same = old && !strcmp(old->email, j->email);
	a.id = in->id;
	a.name = in->name;
	a.email = (char *)j->email;
	a.forwarding_status = same ? old->forwarding_status : "unknown";
	a.verify_token = same ? old->verify_token : "";
	a.verify_sent_at = same ? old->verify_sent_at : 0;
	a.verified_at = same ? old->verified_at : 0;
	a.created_at = old ? old->created_at : now;
	a.updated_at = now;
	/* The first address is the default; there is always one. */
	a.is_default = in->is_default || s.n == 0 || (old && old->is_default) ||
		       (old && s.n == 1);
	if (!rc && !a.id)
		rc = intake_next_id(t, j->in, "next_recipient_address", &a.id);
	for (size_t i = 0; !rc && a.is_default && i < s.n; i++)
		if (s.v[i] != old && s.v[i]->is_default) {
			s.v[i]->is_default = 0;
			s.v[i]->updated_at = now;
			hd_txn_put_pb_id(t, dbi, s.v[i]->id, s.v[i]);
		}
	if (!rc)
		hd_txn_put_pb_id(t, dbi, a.id, &a);
	if (!rc && !t->rc) {
		a.verify_token = "";
		rc = hd_pb_pack(&j->result, &a);
	}
	set_free(&s);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

static int addresses_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	intake *in = ctx;
	Hd__RecipientAddressRequest *q = NULL;
	char email[MAX_EMAIL + 1];
	int rc = intake_dir_open(in, req, rep, &admin_rpc, (void **)&q);
	if (!rc && !q->address)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "recipient_address",
				 "recipient_address: is required");
	if (!rc)
		rc = check_input(q->address, email, sizeof email, rep);
	save_job j = {in, rep, rc ? NULL : q->address, email, {0}};
	if (!rc)
		rc = intake_dir_run(in, rep, save_write, &j, &j.result);
	hd__recipient_address_request__free_unpacked(q, NULL);
	return rc;
}

typedef struct one_job {
	MDB_dbi dbi; /* in->addresses */
	hd_rpc_rep *rep;
	uint64_t id;
	hd_buf result;
} one_job;

/* Deleting the default makes the oldest remaining address the default. */
static int delete_write(hd_txn *t, void *arg)
{
	one_job *j = arg;
	addr_set s = {0};
	uint8_t k[8];
	bool was_default = false, found = false;
	int rc = scan_all(t, j->dbi, &s);
	for (size_t i = 0; !rc && i < s.n; i++)
		if (s.v[i]->id == j->id) {
			found = true;
			was_default = s.v[i]->is_default;
		}
	if (!rc && !found)
		rc = not_found(j->rep);
	hd_key_u64(k, j->id);
	if (!rc)
		rc = hd_txn_del(t, j->dbi, k, sizeof k);
	for (size_t i = 0; !rc && was_default && i < s.n; i++)
		if (s.v[i]->id != j->id) {
			s.v[i]->is_default = 1;
			s.v[i]->updated_at = hd_wall_ms();
			rc = hd_txn_put_pb_id(t, j->dbi, s.v[i]->id, s.v[i]);
			break;
		}
	set_free(&s);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

/* A fresh token and address.verify, unless a mail went out within the
 * last minute (then the same waiting address, no new mail). */
static int verify_write(hd_txn *t, void *arg)
{
	one_job *j = arg;
	Hd__RecipientAddress *a = NULL;
	char token[TOKEN_HEX + 1];
	uint8_t raw[TOKEN_HEX / 2];
	int rc = hd_txn_get_pb_id(t, j->dbi, j->id,
				  &hd__recipient_address__descriptor,
				  (void **)&a);
	if (rc == HD_E_NOTFOUND)
		return hd_txn_fail(t, not_found(j->rep));
	int64_t now = hd_wall_ms();
	bool recent = !rc && !strcmp(a->forwarding_status, "waiting") &&
		      a->verify_sent_at > now - VERIFY_GAP_MS;
	if (!rc && !recent) {
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(token, sizeof token, raw, sizeof raw);
		Hd__AddressVerifyMail m = HD__ADDRESS_VERIFY_MAIL__INIT;
		m.address_id = a->id;
		m.email = a->email;
		m.name = a->name;
		m.token = token;
		rc = hd_pb_set_string(&a->verify_token, token);
		rc = rc ? rc
			: hd_pb_set_string(&a->forwarding_status, "waiting");
		a->verify_sent_at = now;
		a->updated_at = now;
		if (!rc) {
			hd_txn_put_pb_id(t, j->dbi, a->id, a);
			hd_txn_emit_pb(t, "address.verify", &m, NULL);
		}
	}
	if (!rc && !t->rc) {
		hide_token(a);
		rc = hd_pb_pack(&j->result, a);
	}
	hd__recipient_address__free_unpacked(a, NULL);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

static int run_one(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		   hd_write_fn fn)
{
	intake *in = ctx;
	Hd__RecipientAddressRequest *q = NULL;
	int rc = intake_dir_open(in, req, rep, &admin_rpc, (void **)&q);
	one_job j = {in->addresses, rep, q ? q->id : 0, {0}};
	if (!rc)
		rc = intake_dir_run(in, rep, fn, &j, &j.result);
	hd__recipient_address_request__free_unpacked(q, NULL);
	return rc;
}

static int addresses_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return run_one(ctx, req, rep, delete_write);
}

static int addresses_verify(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return run_one(ctx, req, rep, verify_write);
}

typedef struct confirm_job {
	MDB_dbi dbi; /* in->addresses */
	const char *token, *to;
	char *reason;
	size_t cap;
	bool done;
} confirm_job;

static int confirm_write(hd_txn *t, void *arg)
{
	confirm_job *j = arg;
	addr_set s = {0};
	int rc = scan_all(t, j->dbi, &s);
	for (size_t i = 0; !rc && i < s.n; i++) {
		Hd__RecipientAddress *a = s.v[i];
		if (strcmp(a->forwarding_status, "waiting") != 0 ||
		    strlen(a->verify_token) != TOKEN_HEX ||
		    sodium_memcmp(a->verify_token, j->token, TOKEN_HEX) != 0 ||
		    strcasecmp(a->email, j->to) != 0)
			continue;
		rc = hd_pb_set_string(&a->forwarding_status, "verified");
		rc = rc ? rc : hd_pb_set_string(&a->verify_token, "");
		a->verified_at = a->updated_at = hd_wall_ms();
		if (!rc)
			rc = hd_txn_put_pb_id(t, j->dbi, a->id, a);
		snprintf(j->reason, j->cap,
			 "support address %s verified (forwarding works)",
			 a->email);
		j->done = !rc;
		break;
	}
	set_free(&s);
	return rc ? hd_txn_fail(t, rc) : t->rc;
}

bool intake_address_confirm(intake *in, const char *subject, const char *to,
			    char *reason, size_t cap)
{
	const char *p = subject ? strstr(subject, TOKEN_OPEN) : NULL;
	char token[TOKEN_HEX + 1];
	if (!p || !to || !to[0])
		return false;
	p += strlen(TOKEN_OPEN);
	if (strspn(p, "0123456789abcdef") != TOKEN_HEX || p[TOKEN_HEX] != ']')
		return false;
	memcpy(token, p, TOKEN_HEX);
	token[TOKEN_HEX] = '\0';
	confirm_job j = {in->addresses, token, to, reason, cap, false};
	return hd_store_write(in->store, confirm_write, &j) == HD_OK && j.done;
}

const hd_rpc_route intake_addresses_routes[] = {
	{"addresses.list", addresses_list},
	{"addresses.get", addresses_get},
	{"addresses.save", addresses_save},
	{"addresses.delete", addresses_delete},
	{"addresses.verify", addresses_verify},
	{NULL, NULL},
};
