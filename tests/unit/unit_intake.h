/* intake's ticket handlers on a scratch store, their modules bound as
 * main.c binds them: the fixture that test_intake_handlers,
 * test_gateway_handlers (behind an RPC server) and test_alloc_sweep share.
 * Links libintake.a. Header-only, as unit_svc.h. */
#ifndef HD_UNIT_INTAKE_H
#define HD_UNIT_INTAKE_H

#include "../../services/intake/intake.h"
#include "../../services/intake/tickets.h"
#include "../../services/intake/trig_copy.h"

#include "unit_intake_users.h"

/* Every sub-database the ticket handlers read or write. */
static const char *const *const unit_intake_dbs[] = {
	unit_intake_meta_dbs, intake_tickets_dbs,
	intake_users_dbs,     intake_fields_dbs,
	intake_search_dbs,    intake_tk_by_created_dbs,
	intake_trig_dbs,      NULL};

/* A fresh store in u, in (one shard) bound and its tickets started. Aborts
 * the test on error. */
static inline void unit_intake_open(unit_store *u, intake *in)
{
	in->shards = 1;
	in->store = unit_store_open(u, unit_intake_dbs, "intake");
	assert_hd_ok(hd_store_dbi(in->store, "meta", &in->meta));
	assert_hd_ok(intake_tickets_bind(in));
	assert_hd_ok(intake_users_bind(in));
	assert_hd_ok(intake_fields_bind(in));
	assert_hd_ok(intake_search_bind(in));
	assert_hd_ok(intake_trig_bind(in)); /* triggers run in the write */
	assert_hd_ok(intake_tickets_start(in));
}

static inline void unit_intake_close(unit_store *u, intake *in)
{
	intake_tickets_stop(in);
	unit_store_close(u);
	intake_search_release(in);
}

#endif
