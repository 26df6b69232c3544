/* intake's search module. */
#include "intake.h"

#include "hd/err.h"

const char *const intake_search_dbs[] = {NULL};

const hd_rpc_route intake_search_routes[] = {
	{NULL, NULL},
};

int intake_search_bind(intake *in)
{
	(void)in;
	return HD_OK;
}

int intake_search_start(intake *in)
{
	(void)in;
	return HD_OK;
}

void intake_search_stop(intake *in)
{
	(void)in;
}
