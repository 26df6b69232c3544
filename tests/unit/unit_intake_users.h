/* intake's users tables on a scratch store, as main.c opens them: the
 * fixture of test_users_store, test_intake_user_fields and
 * test_groups_snapshot, and the base of unit_intake.h. Header-only, as
 * unit_svc.h. */
#ifndef HD_UNIT_INTAKE_USERS_H
#define HD_UNIT_INTAKE_USERS_H

#include "../../services/intake/intake.h"

#include "unit_svc.h"

static const char *const unit_intake_meta_dbs[] = {"meta", NULL};
static const char *const *const unit_intake_users_dbs[] = {
	unit_intake_meta_dbs, intake_users_dbs, NULL};

/* A fresh store in u holding "meta" and the users tables, in->meta bound;
 * the users module is left to the test, whose seed records its bind may
 * upgrade. Aborts the test on error. */
static inline void unit_intake_users_open(unit_store *u, intake *in)
{
	in->store = unit_store_open(u, unit_intake_users_dbs, "intake");
	assert_hd_ok(hd_store_dbi(in->store, "meta", &in->meta));
}

#endif
