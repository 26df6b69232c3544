/* The order of ticket statuses and priorities, shared by triggers (intake
 * and routing) and routing's views. */
#include "rt_cond.h"

#include <string.h>

static const char *const statuses[] = {"new",    "open",   "pending", "hold",
				       "solved", "closed", NULL};
static const char *const priorities[] = {"",     "low",    "normal",
					 "high", "urgent", NULL};

static int rank_in(const char *const *list, const char *s)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

int rules_status_rank(const char *s)
{
	return rank_in(statuses, s);
}

int rules_priority_rank(const char *s)
{
	return rank_in(priorities, s);
}
