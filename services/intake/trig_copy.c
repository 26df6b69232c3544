/* intake's event-sourced copy of routing's triggers (see trig_copy.h). */
#include "trig_copy.h"

#include "common.pb-c.h"
#include "hd/err.h"
#include "hd/log.h"
#include "hd/clock.h"
#include "hd/rule_value.h"
#include "hd/store_upgrade.h"
#include "../rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const intake_trig_dbs[] = {"tk_triggers", NULL};

/* Copies kept with value_json (JSON text) get typed values once. */
static int upgrade_copy(hd_txn *t, void *arg)
{
	const intake *in = arg;
	return hd_txn_upgrade_pb(t, in->triggers, &hd__rule__descriptor,
				 hd_rule_upgrade, NULL);
}

int intake_trig_bind(intake *in)
{
	int rc = hd_store_dbi(in->store, "tk_triggers", &in->triggers);
	return rc ? rc : hd_store_write(in->store, upgrade_copy, in);
}

/* r may come from an event routing wrote before hd.RuleValue. */
static int put_rule(hd_txn *t, MDB_dbi dbi, Hd__Rule *r)
{
	bool changed;
	if (strcmp(r->kind, "trigger") != 0)
		return HD_OK;
	int rc = hd_rule_upgrade(&r->base, &changed);
	return rc ? rc : hd_txn_put_pb_id(t, dbi, r->id, r);
}

static int clear(hd_txn *t, MDB_dbi dbi)
{
	return hd_err_from_mdb(mdb_drop(t->txn, dbi, 0));
}

int intake_trig_apply(void *ctx, hd_txn *t, const Hd__Envelope *ev)
{
	MDB_dbi dbi = ((const intake *)ctx)->triggers;
	const char *type = ev->type;
	if (strncmp(type, "trigger.", 8) != 0)
		return HD_OK;
	const uint8_t *p = ev->payload.data;
	size_t len = ev->payload.len;
	int rc = HD_OK;
	if (!strcmp(type, "trigger.deleted")) {
		Hd__RuleRef *ref = hd__rule_ref__unpack(NULL, len, p);
		if (!ref)
			return HD_E_DECODE;
		uint8_t key[8];
		hd_key_u64(key, ref->id);
		rc = hd_txn_del(t, dbi, key, 8);
		hd__rule_ref__free_unpacked(ref, NULL);
		return rc == HD_E_NOTFOUND ? HD_OK : rc;
	}
	if (!strcmp(type, "trigger.reordered")) {
		/* the whole list, in its new order: it replaces the copy */
		Hd__RuleList *l = hd__rule_list__unpack(NULL, len, p);
		if (!l)
			return HD_E_DECODE;
		rc = clear(t, dbi);
		for (size_t i = 0; i < l->n_rules && !rc; i++)
			rc = put_rule(t, dbi, l->rules[i]);
		hd__rule_list__free_unpacked(l, NULL);
		return rc;
	}
	if (strcmp(type, "trigger.created") && strcmp(type, "trigger.updated"))
		return HD_OK;
	Hd__Rule *r = hd__rule__unpack(NULL, len, p);
	if (!r)
		return HD_E_DECODE;
	rc = put_rule(t, dbi, r);
	hd__rule__free_unpacked(r, NULL);
	return rc;
}

static bool rule_active(const void *msg, const void *arg)
{
	return ((const Hd__Rule *)msg)->active;
}

int intake_trig_active(const intake *in, hd_txn *t, Hd__Rule ***out, size_t *n)
{
	int rc = hd_txn_scan_pb(t, in->triggers, NULL, 0, &hd__rule__descriptor,
				rule_active, NULL, (void ***)out, n);
	rt_rules_sort(*out, *n);
	return rc;
}

#define BEHIND_GRACE_MS 5000

int intake_trig_ready(void *arg, char *why, size_t cap)
{
	intake *in = arg;
	hd_cursor_status st[16];
	size_t n = hd_consumer_status(in->svc->consumer, st, 16);
	int64_t now = hd_now_ms();
	for (size_t i = 0; i < n && i < 16; i++) {
		if (strcmp(st[i].name, "routing") != 0)
			continue;
		bool behind = st[i].announced > st[i].applied;
		if (!st[i].failed && !behind) {
			in->trig_behind_since = 0;
			return HD_OK;
		}
		if (!in->trig_behind_since)
			in->trig_behind_since = now;
		if (!st[i].failed &&
		    now - in->trig_behind_since < BEHIND_GRACE_MS)
			return HD_OK;
		snprintf(why, cap,
			 "triggers copy behind: cursor routing/%u applied %llu "
			 "of %llu%s",
			 st[i].shard, (unsigned long long)st[i].applied,
			 (unsigned long long)st[i].announced,
			 st[i].failed ? " (failed)" : "");
		return HD_E_UNAVAILABLE;
	}
	return HD_OK;
}
