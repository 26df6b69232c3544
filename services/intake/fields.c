/* intake's fields module. */
#include "intake.h"

#include "hd/err.h"

const char *const intake_fields_dbs[] = {NULL};

const hd_rpc_route intake_fields_routes[] = {
	{NULL, NULL},
};

int intake_fields_bind(intake *in)
{
	(void)in;
	return HD_OK;
}

int intake_fields_start(intake *in)
{
	(void)in;
	return HD_OK;
}

void intake_fields_stop(intake *in)
{
	(void)in;
}

int intake_fields_check(intake *in, hd_txn *t, Hd__Ticket *tk,
			const Hd__Ticket *before, const hd_principal *who,
			hd_rpc_rep *rep)
{
	(void)in, (void)t, (void)tk, (void)before, (void)who, (void)rep;
	return HD_OK;
}
