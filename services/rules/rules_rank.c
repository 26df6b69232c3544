/* The order of ticket statuses and priorities, shared by triggers (intake
 * and routing) and routing's views: the vocabulary's (common/vocab.c). */
#include "rt_cond.h"

#include "hd/vocab.h"

int rules_status_rank(const char *s)
{
	return hd_status_rank(s);
}

int rules_priority_rank(const char *s)
{
	return hd_priority_rank(s);
}
