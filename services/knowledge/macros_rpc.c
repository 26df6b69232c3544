/* knowledge's macros.* RPCs: save, get, list, delete and apply (which only
 * counts the application and returns the macro; the gateway renders it
 * against the ticket). */
#include "macros.h"

#include "cards.h"
#include "hd/err.h"
#include "hd/req_decode.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 1000 /* macros per list reply */

static Hd__MacroRequest *request(const hd_rpc_req *req, hd_rpc_rep *rep,
				 int *rc)
{
	*rc = kb_deny_unless_staff(req, rep);
	if (*rc)
		return NULL;
	Hd__MacroRequest *q = NULL;
	*rc = hd_req_decode(req, rep, &hd__macro_request__descriptor,
			    (void **)&q);
	return q;
}

typedef struct macro_job {
	kb_macros *m;
	const hd_rpc_req *req;
	hd_rpc_rep *rep;
	Hd__MacroRequest *q;
	Hd__Macro *out; /* owned by the job (NULL: q->macro went out) */
	bool del, apply;
} macro_job;

/* The stored macro id, if the caller may see it; NOTFOUND otherwise (a
 * personal macro of someone else does not exist for the caller). */
static int load(hd_txn *t, macro_job *j, uint64_t id, Hd__Macro **out)
{
	int rc = kb_macro_get(t, j->m, id, out);
	if (!rc && !kb_macro_visible(t, j->m, *out, &j->req->principal)) {
		hd__macro__free_unpacked(*out, NULL);
		*out = NULL;
		rc = HD_E_NOTFOUND;
	}
	return rc == HD_E_NOTFOUND
		       ? hd_rpc_fail(j->rep, rc, NULL, "no such macro")
		       : rc;
}

static int save_write(hd_txn *t, void *arg)
{
	macro_job *j = arg;
	Hd__Macro *in = j->q->macro, *old = NULL;
	int rc = in->id ? load(t, j, in->id, &old) : HD_OK;
	/* Any agent may propose an inactive macro for an admin's review
	 * (POST /api/v2/hd/macros/from_ticket); only admins change it. */
	bool proposal = !old && in->review && !in->active;
	if (!rc && old && !kb_macro_writable(old, &j->req->principal))
		rc = HD_E_FORBIDDEN;
	if (!rc && !proposal && !kb_macro_writable(in, &j->req->principal))
		rc = HD_E_FORBIDDEN;
	if (rc == HD_E_FORBIDDEN)
		hd_rpc_fail(j->rep, rc, NULL,
			    "agents may only write their personal macros");
	if (!rc && !in->id)
		rc = hd_txn_next_id(t, j->m->meta, "next_macro", &in->id);
	if (!rc) {
		in->updated_at = hd_now_ms();
		in->created_at = old ? old->created_at : in->updated_at;
		in->created_by =
			old ? old->created_by : j->req->principal.user_id;
		in->usage_1h = in->usage_24h = in->usage_7d = in->usage_30d = 0;
		rc = kb_macro_put(t, j->m, in);
	}
	hd__macro__free_unpacked(old, NULL);
	return rc ? rc : t->rc;
}

static int change_write(hd_txn *t, void *arg)
{
	macro_job *j = arg;
	Hd__Macro *macro = NULL;
	int rc = load(t, j, j->q->id, &macro);
	if (!rc && j->del && !kb_macro_writable(macro, &j->req->principal))
		rc = hd_rpc_fail(j->rep, HD_E_FORBIDDEN, NULL,
				 "agents may only delete their personal "
				 "macros");
	else if (!rc && j->del)
		rc = kb_macro_del(t, j->m, macro->id);
	else if (!rc && j->apply) {
		int64_t now = hd_now_ms();
		rc = kb_macro_count_use(t, j->m, macro->id, now);
		if (!rc)
			rc = kb_macro_usage(t, j->m, macro, now);
	}
	j->out = macro;
	return rc ? rc : t->rc;
}

static int run(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep, bool del,
	       bool apply)
{
	kb_macros *m = ((kb *)ctx)->macros;
	int rc;
	Hd__MacroRequest *q = request(req, rep, &rc);
	if (!q)
		return rc;
	macro_job j = {m, req, rep, q, NULL, del, apply};
	if (!del && !apply && !q->macro)
		rc = hd_rpc_fail(rep, HD_E_INVALID, "macro",
				 "macro: is required");
	else if (!del && !apply)
		rc = kb_macro_check(q->macro, rep);
	if (!rc)
		rc = hd_store_write(
			m->store, del || apply ? change_write : save_write, &j);
	if (!rc && !del)
		rc = hd_pb_pack(&rep->payload, j.out ? j.out : q->macro);
	hd__macro__free_unpacked(j.out, NULL);
	hd__macro_request__free_unpacked(q, NULL);
	return rc;
}

static int macros_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return run(ctx, req, rep, false, false);
}

static int macros_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return run(ctx, req, rep, true, false);
}

static int macros_apply(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return run(ctx, req, rep, false, true);
}

static int get_read(hd_txn *t, macro_job *j)
{
	int rc = load(t, j, j->q->id, &j->out);
	if (!rc && j->q->usage)
		rc = kb_macro_usage(t, j->m, j->out, hd_now_ms());
	if (!rc)
		rc = hd_pb_pack(&j->rep->payload, j->out);
	return rc;
}

/* Case-insensitive (ASCII) substring; UTF-8 bytes compare as they are. */
static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) ==
			       tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return n == 0;
}

static bool listed(hd_txn *t, const Hd__Macro *macro, const macro_job *j)
{
	const Hd__MacroRequest *q = j->q;
	return (!q->active_only || macro->active) &&
	       (!q->inactive_only || !macro->active) &&
	       contains(macro->title, q->title) &&
	       kb_macro_visible(t, j->m, macro, &j->req->principal);
}

typedef struct macro_scan {
	hd_txn *t;
	macro_job *j;
	Hd__MacroList *l;
	int64_t now;
} macro_scan;

static int macro_one(void *arg, const MDB_val *k, const MDB_val *v)
{
	macro_scan *s = arg;
	int rc = HD_OK;
	if (s->l->n_macros >= MAX_LIST)
		return HD_STOP;
	Hd__Macro *macro = hd__macro__unpack(NULL, v->mv_size, v->mv_data);
	if (!macro)
		return HD_E_CORRUPT;
	if (listed(s->t, macro, s->j)) {
		if (s->j->q->usage)
			rc = kb_macro_usage(s->t, s->j->m, macro, s->now);
		s->l->macros[s->l->n_macros++] = macro;
		macro = NULL;
	}
	hd__macro__free_unpacked(macro, NULL);
	return rc;
}

static int scan(hd_txn *t, macro_job *j, Hd__MacroList *l)
{
	if (!(l->macros = calloc(MAX_LIST, sizeof *l->macros)))
		return HD_E_NOMEM;
	macro_scan s = {t, j, l, hd_now_ms()};
	return hd_txn_foreach(t, j->m->macros, NULL, 0, macro_one, &s);
}

static int list_read(hd_txn *t, macro_job *j)
{
	Hd__MacroList l = HD__MACRO_LIST__INIT;
	int rc = scan(t, j, &l);
	if (!rc)
		rc = hd_pb_pack(&j->rep->payload, &l);
	hd_pb_free_repeated(&l.base);
	return rc;
}

/* macros.get and macros.list: the request, then body in a read transaction
 * (the reply is packed there, from decoded copies). */
static int read_run(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep,
		    int (*body)(hd_txn *t, macro_job *j))
{
	kb_macros *m = ((kb *)ctx)->macros;
	int rc;
	Hd__MacroRequest *q = request(req, rep, &rc);
	if (!q)
		return rc;
	macro_job j = {m, req, rep, q, NULL, false, false};
	hd_txn t;
	rc = hd_store_read(m->store, &t);
	if (!rc) {
		rc = body(&t, &j);
		hd_txn_end(&t);
	}
	hd__macro__free_unpacked(j.out, NULL);
	hd__macro_request__free_unpacked(q, NULL);
	return rc;
}

static int macros_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return read_run(ctx, req, rep, get_read);
}

static int macros_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	return read_run(ctx, req, rep, list_read);
}

const hd_rpc_route kb_macro_routes[] = {
	{"macros.save", macros_save},   {"macros.get", macros_get},
	{"macros.list", macros_list},   {"macros.delete", macros_delete},
	{"macros.apply", macros_apply}, {NULL, NULL},
};
