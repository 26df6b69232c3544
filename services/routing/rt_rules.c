/* The rules.* RPCs (triggers and automations; see rt_rules.h for the key
 * layout): save, get, delete, list (active, search), reorder. Staff read
 * rules; only admins change them. Writes go through the group commit. */
#include "rt_rules.h"
#include "hd/store_iter.h"

#include "hd/err.h"
#include "hd/req_decode.h"
#include "hd/rule_value.h"
#include "hd/store_upgrade.h"
#include "hd/pbwire.h"
#include "hd/store_pb.h"
#include "hd/tokenize.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REORDER 1000

const char *const rt_db_names[] = {"rt_rules",    "rt_times",   "rt_fired",
				   "rt_comments", "rt_locales", NULL};

/* Rules saved with value_json (JSON text) get typed values once. */
static int upgrade_rules(hd_txn *t, void *arg)
{
	const rt_dbs *db = arg;
	return hd_txn_upgrade_pb(t, db->rules, &hd__rule__descriptor,
				 hd_rule_upgrade, NULL);
}

int rt_bind(routing *r)
{
	const hd_dbi_ref dbs[] = {
		{"rt_rules", &r->rt.rules}, {"rt_comments", &r->rt.comments},
		{"rt_times", &r->rt.times}, {"rt_locales", &r->rt.locales},
		{"rt_fired", &r->rt.fired}, {NULL, NULL}};
	int rc = hd_store_dbis(r->store, dbs);
	return rc ? rc : hd_store_write(r->store, upgrade_rules, &r->rt);
}

static bool kind_ok(const char *k)
{
	return !strcmp(k, "trigger") || !strcmp(k, "automation");
}

static int deny(const hd_rpc_req *req, hd_rpc_rep *rep, bool write)
{
	Hd__UserRole role = req->principal.role;
	bool ok = hd_role_is_admin(role) ||
		  (!write && role == HD__USER_ROLE__ROLE_AGENT);
	return ok ? HD_OK
		  : hd_rpc_fail(rep, HD_E_FORBIDDEN, NULL,
				"triggers and automations are %s",
				write ? "changed by admins" : "for staff");
}

static int rule_get(hd_txn *t, const rt_dbs *db, uint64_t id, const char *kind,
		    Hd__Rule **out)
{
	int rc = hd_txn_get_pb_id(t, db->rules, id, &hd__rule__descriptor,
				  (void **)out);
	if (rc)
		return rc;
	if (strcmp((*out)->kind, kind) != 0) {
		hd__rule__free_unpacked(*out, NULL);
		*out = NULL;
		return HD_E_NOTFOUND;
	}
	return HD_OK;
}

static int rule_put(hd_txn *t, const rt_dbs *db, Hd__Rule *r)
{
	return hd_txn_put_pb_id(t, db->rules, r->id, r);
}

/* Triggers reach every intake shard as events (intake evaluates them inside
 * its ticket write; routing stays their one owner: it validates and orders
 * them). Automations run here and are not published. */
static int trig_emit(hd_txn *t, const char *type, const Hd__Rule *r)
{
	if (strcmp(r->kind, "trigger") != 0)
		return HD_OK;
	if (strcmp(type, "trigger.deleted") == 0) {
		Hd__RuleRef ref = HD__RULE_REF__INIT;
		ref.kind = r->kind;
		ref.id = r->id;
		return hd_txn_emit_pb(t, type, &ref, NULL);
	}
	return hd_txn_emit_pb(t, type, r, NULL);
}

typedef struct kind_filter {
	const char *kind;
	bool active_only;
	const char *query; /* case-folded, or NULL */
} kind_filter;

static bool keep_rule(const void *msg, const void *arg)
{
	const Hd__Rule *r = msg;
	const kind_filter *f = arg;
	if (strcmp(r->kind, f->kind) != 0 || (f->active_only && !r->active))
		return false;
	if (!f->query)
		return true;
	char *title = hd_text_fold(r->title, strlen(r->title));
	bool hit = title && strstr(title, f->query) != NULL;
	free(title);
	return hit;
}

static int by_position(const void *a, const void *b)
{
	const Hd__Rule *x = *(Hd__Rule *const *)a, *y = *(Hd__Rule *const *)b;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int collect(hd_txn *t, const rt_dbs *db, const kind_filter *f,
		   Hd__Rule ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	int rc = hd_txn_scan_pb(t, db->rules, NULL, 0, &hd__rule__descriptor,
				keep_rule, f, (void ***)out, n);
	if (!rc && *n)
		qsort(*out, *n, sizeof **out, by_position);
	return rc;
}

static void free_rules(Hd__Rule **rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hd__rule__free_unpacked(rules[i], NULL);
	free(rules);
}

int rt_rules_active(hd_txn *t, const rt_dbs *db, const char *kind,
		    Hd__Rule ***out, size_t *n)
{
	kind_filter f = {kind, true, NULL};
	int rc = collect(t, db, &f, out, n);
	if (rc) {
		free_rules(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* A new rule goes last: one past the highest position of its kind. */
static int next_position(hd_txn *t, const rt_dbs *db, const char *kind,
			 uint32_t *pos)
{
	kind_filter f = {kind, false, NULL};
	Hd__Rule **rules = NULL;
	size_t n = 0;
	int rc = collect(t, db, &f, &rules, &n);
	*pos = n ? rules[n - 1]->position + 1 : 1;
	free_rules(rules, n);
	return rc;
}

typedef struct save_job {
	routing *r;
	const Hd__RuleSaveRequest *sr;
	hd_rpc_rep *rep;
	Hd__Rule *rule; /* the saved rule */
	int del;
} save_job;

static int save_write(hd_txn *t, void *arg)
{
	save_job *j = arg;
	const rt_dbs *db = &j->r->rt;
	const Hd__RuleSaveRequest *sr = j->sr;
	bool creating = sr->id == 0;
	int rc = HD_OK;
	if (creating) {
		if (!(j->rule = malloc(sizeof *j->rule)))
			return HD_E_NOMEM;
		hd__rule__init(j->rule);
		rc = hd_pb_set_string(&j->rule->kind, sr->kind);
		j->rule->active = true;
		if (!rc)
			rc = next_position(t, db, sr->kind, &j->rule->position);
	} else {
		rc = rule_get(t, db, sr->id, sr->kind, &j->rule);
	}
	if (!rc && j->del) {
		uint8_t key[8];
		hd_key_u64(key, sr->id);
		rc = hd_txn_del(t, db->rules, key, 8);
		return rc ? rc : trig_emit(t, "trigger.deleted", j->rule);
	}
	if (!rc)
		rc = rt_rule_apply(sr, j->rule, j->rep);
	if (!rc && creating)
		rc = routing_next_id(t, j->r, "next_rule", &j->rule->id);
	if (rc)
		return rc;
	j->rule->updated_at = hd_now_ms();
	if (creating)
		j->rule->created_at = j->rule->updated_at;
	rc = rule_put(t, db, j->rule);
	return rc ? rc
		  : trig_emit(t,
			      creating ? "trigger.created" : "trigger.updated",
			      j->rule);
}

static int rules_save(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	int rc = deny(req, rep, true);
	if (rc)
		return rc;
	Hd__RuleSaveRequest *sr =
		hd__rule_save_request__unpack(NULL, req->len, req->payload);
	if (!sr || !kind_ok(sr->kind)) {
		hd__rule_save_request__free_unpacked(sr, NULL);
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.RuleSaveRequest");
	}
	save_job j = {.r = r, .sr = sr, .rep = rep};
	rc = hd_store_write(r->store, save_write, &j);
	if (!rc)
		rc = hd_pb_pack(&rep->payload, j.rule);
	if (j.rule)
		hd__rule__free_unpacked(j.rule, NULL);
	hd__rule_save_request__free_unpacked(sr, NULL);
	return rc;
}

static int rules_delete(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	int rc = deny(req, rep, true);
	if (rc)
		return rc;
	Hd__RuleRef *ref = hd__rule_ref__unpack(NULL, req->len, req->payload);
	if (!ref || !kind_ok(ref->kind) || !ref->id) {
		hd__rule_ref__free_unpacked(ref, NULL);
		return hd_rpc_fail(rep, HD_E_NOTFOUND, NULL, "no such rule");
	}
	Hd__RuleSaveRequest sr = HD__RULE_SAVE_REQUEST__INIT;
	sr.kind = ref->kind;
	sr.id = ref->id;
	save_job j = {.r = r, .sr = &sr, .rep = rep, .del = 1};
	rc = hd_store_write(r->store, save_write, &j);
	if (j.rule)
		hd__rule__free_unpacked(j.rule, NULL);
	hd__rule_ref__free_unpacked(ref, NULL);
	return rc;
}

static int rules_get(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	int rc = deny(req, rep, false);
	if (rc)
		return rc;
	Hd__RuleRef *ref = NULL;
	if (hd_req_decode(req, rep, &hd__rule_ref__descriptor, (void **)&ref))
		return HD_E_DECODE;
	Hd__Rule *rule = NULL;
	hd_txn t;
	rc = hd_store_read(r->store, &t);
	if (!rc) {
		rc = rule_get(&t, &r->rt, ref->id, ref->kind, &rule);
		hd_txn_end(&t);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, rule);
	hd__rule__free_unpacked(rule, NULL);
	hd__rule_ref__free_unpacked(ref, NULL);
	return rc;
}

static int rules_list(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	int rc = deny(req, rep, false);
	if (rc)
		return rc;
	Hd__RuleListRequest *lr =
		hd__rule_list_request__unpack(NULL, req->len, req->payload);
	if (!lr || !kind_ok(lr->kind)) {
		hd__rule_list_request__free_unpacked(lr, NULL);
		return hd_rpc_fail(rep, HD_E_DECODE, NULL,
				   "payload is not an hd.RuleListRequest");
	}
	char *query = lr->query[0] ? hd_text_fold(lr->query, strlen(lr->query))
				   : NULL;
	kind_filter f = {lr->kind, lr->active_only, query};
	Hd__RuleList l = HD__RULE_LIST__INIT;
	hd_txn t;
	rc = hd_store_read(r->store, &t);
	if (!rc) {
		rc = collect(&t, &r->rt, &f, &l.rules, &l.n_rules);
		hd_txn_end(&t);
	}
	if (!rc)
		rc = hd_pb_pack(&rep->payload, &l);
	free_rules(l.rules, l.n_rules);
	free(query);
	hd__rule_list_request__free_unpacked(lr, NULL);
	return rc;
}

typedef struct reorder_job {
	const rt_dbs *db;
	const Hd__RuleReorder *ro;
	hd_rpc_rep *rep;
} reorder_job;

static long index_in(const Hd__RuleReorder *ro, uint64_t id)
{
	for (size_t i = 0; i < ro->n_ids; i++)
		if (ro->ids[i] == id)
			return (long)i;
	return -1;
}

static int reorder_write(hd_txn *t, void *arg)
{
	reorder_job *j = arg;
	kind_filter f = {j->ro->kind, false, NULL};
	Hd__Rule **rules = NULL;
	size_t n = 0, found = 0;
	int rc = collect(t, j->db, &f, &rules, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		long at = index_in(j->ro, rules[i]->id);
		found += at >= 0;
		/* listed ones first, in the given order; the rest keep theirs */
		rules[i]->position = at >= 0 ? (uint32_t)at + 1
					     : (uint32_t)(j->ro->n_ids + 1 + i);
	}
	if (!rc && found != j->ro->n_ids)
		rc = hd_rpc_fail(j->rep, HD_E_INVALID, "trigger_ids",
				 "trigger_ids: unknown or repeated id");
	for (size_t i = 0; i < n && !rc; i++)
		rc = rule_put(t, j->db, rules[i]);
	if (!rc && !strcmp(j->ro->kind, "trigger")) {
		Hd__RuleList l = HD__RULE_LIST__INIT;
		l.rules = rules;
		l.n_rules = n;
		rc = hd_txn_emit_pb(t, "trigger.reordered", &l, NULL);
	}
	free_rules(rules, n);
	return rc ? rc : t->rc;
}

static int rules_reorder(void *ctx, const hd_rpc_req *req, hd_rpc_rep *rep)
{
	routing *r = ctx;
	int rc = deny(req, rep, true);
	if (rc)
		return rc;
	Hd__RuleReorder *ro =
		hd__rule_reorder__unpack(NULL, req->len, req->payload);
	if (!ro || !kind_ok(ro->kind) || ro->n_ids > MAX_REORDER) {
		hd__rule_reorder__free_unpacked(ro, NULL);
		return hd_rpc_fail(rep, HD_E_INVALID, "trigger_ids",
				   "trigger_ids: at most %d ids", MAX_REORDER);
	}
	reorder_job j = {&r->rt, ro, rep};
	rc = hd_store_write(r->store, reorder_write, &j);
	hd__rule_reorder__free_unpacked(ro, NULL);
	return rc;
}

const hd_rpc_route rt_rule_routes[] = {
	{"rules.save", rules_save},       {"rules.get", rules_get},
	{"rules.delete", rules_delete},   {"rules.list", rules_list},
	{"rules.reorder", rules_reorder}, {"rules.definitions", rt_definitions},
	{"rules.preview", rt_preview},    {NULL, NULL},
};

/* Zendesk's out-of-the-box automation: close solved tickets after 4
 * days. Saved through rt_rule_apply like any other. */
static int save_default_close(hd_txn *t, save_job *j)
{
	static char *const fields[] = {"title", "all", "any", "actions"};
	Hd__RuleCondition solved = HD__RULE_CONDITION__INIT;
	Hd__RuleCondition after = HD__RULE_CONDITION__INIT;
	Hd__RuleCondition *all[] = {&solved, &after};
	Hd__RuleValue closed = HD__RULE_VALUE__INIT;
	Hd__RuleAction close = HD__RULE_ACTION__INIT, *actions[] = {&close};
	Hd__Rule in = HD__RULE__INIT;
	Hd__RuleSaveRequest sr = HD__RULE_SAVE_REQUEST__INIT;
	solved.field = "status";
	solved.operator_ = "is";
	solved.value = "solved";
	after.field = "SOLVED";
	after.operator_ = "greater_than";
	after.value = "96";
	closed.kind = HD__RULE_VALUE__KIND__VALUE_TEXT;
	closed.text = "closed";
	close.field = "status";
	close.value = &closed;
	in.title = "Close ticket 4 days after status is set to solved";
	in.all = all;
	in.n_all = 2;
	in.actions = actions;
	in.n_actions = 1;
	sr.kind = "automation";
	sr.rule = &in;
	sr.fields = (char **)fields;
	sr.n_fields = sizeof fields / sizeof fields[0];
	j->sr = &sr;
	int rc = save_write(t, j);
	j->sr = NULL;
	return rc;
}

static int defaults_write(hd_txn *t, void *arg)
{
	routing *r = arg;
	uint64_t n = 0;
	int rc = hd_txn_add_u64(t, r->meta, "rt_defaults", 1, &n);
	if (rc || n != 1)
		return rc; /* created on the first start only */
	hd_rpc_rep rep = {0};
	save_job j = {.r = r, .rep = &rep};
	rc = save_default_close(t, &j);
	if (!rc) {
		j.rule->default_ = true;
		rc = rule_put(t, &r->rt, j.rule);
	}
	if (j.rule)
		hd__rule__free_unpacked(j.rule, NULL);
	hd_buf_release(&rep.payload);
	return rc ? rc : t->rc;
}

/* Once per store: publish the triggers saved before they were published,
 * so intake's copies start complete (trigger.reordered carries them all). */
static int backfill_write(hd_txn *t, void *arg)
{
	routing *r = arg;
	uint64_t n = 0;
	int rc = hd_txn_add_u64(t, r->meta, "rt_trig_published", 1, &n);
	if (rc || n != 1)
		return rc;
	kind_filter f = {"trigger", false, NULL};
	Hd__RuleList l = HD__RULE_LIST__INIT;
	rc = collect(t, &r->rt, &f, &l.rules, &l.n_rules);
	if (!rc)
		rc = hd_txn_emit_pb(t, "trigger.reordered", &l, NULL);
	free_rules(l.rules, l.n_rules);
	return rc ? rc : t->rc;
}

int rt_defaults(routing *r)
{
	int rc = hd_store_write(r->store, defaults_write, r);
	return rc ? rc : hd_store_write(r->store, backfill_write, r);
}
