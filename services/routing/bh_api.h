/* Inside the bh.* RPCs (bh_api.c, bh_holidays.c): one job answers one
 * call. Write jobs run in a group commit, read jobs in a read transaction;
 * both leave the record in s (owned), and what to answer. */
#ifndef ROUTING_BH_API_H
#define ROUTING_BH_API_H

#include "sla.h"

typedef enum {
	BH_ANSWER_NONE,
	BH_ANSWER_SCHEDULE, /* s */
	BH_ANSWER_LIST,     /* all */
	BH_ANSWER_HOLIDAYS, /* s->holidays[h_from .. h_from + h_n) */
} bh_answer_kind;

typedef struct bh_job {
	routing *r;
	const Hd__BhCall *c;
	hd_rpc_rep *rep;
	const char *method;
	int (*fn)(struct bh_job *j, hd_txn *t);
	Hd__BhSchedule *s; /* the schedule read or built; freed by serve */
	Hd__BhAnswer all;  /* list: every schedule, owned */
	bh_answer_kind answer;
	size_t h_from, h_n;
	uint64_t id; /* the record created or changed */
} bh_job;
typedef int (*bh_job_fn)(bh_job *j, hd_txn *t);

/* bh_api.c: did the call give field? A name check (422 naming field).
 * load: the call's schedule into j->s (404 "no such schedule"); save:
 * stamp, store and emit j->s, j->id = its id. */
bool bh_has(const Hd__BhCall *c, const char *field);
int bh_name_ok(const char *s, hd_rpc_rep *rep, const char *field);
int bh_load(bh_job *j, hd_txn *t);
int bh_save(bh_job *j, hd_txn *t);

/* bh_holidays.c: the index of holiday j->c->sub in j->s (404 "no such
 * holiday"); the holiday writes and the import. */
int bh_find_holiday(bh_job *j, size_t *at);
int bh_hol_create(bh_job *j, hd_txn *t);
int bh_hol_update(bh_job *j, hd_txn *t);
int bh_hol_delete(bh_job *j, hd_txn *t);
int bh_hol_import(bh_job *j, hd_txn *t);

#endif
