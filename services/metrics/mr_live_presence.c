/* The wallboard's agents per presence state: counts set from the applying
 * transaction's values (mr_presence.c), kept in memory under mu. */
#include "mr.h"

#include "hd/err.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void mr_live_presence(metrics *m, const char *state, uint64_t agents)
{
	mr_state *s = m->mr;
	size_t i;
	pthread_mutex_lock(&s->mu);
	/* Kept in name order, so the board reads the same after a replay. */
	for (i = 0; i < s->nstates && strcmp(s->states[i].name, state) < 0; i++)
		;
	if ((i == s->nstates || strcmp(s->states[i].name, state)) &&
	    s->nstates < MR_MAX_STATES) {
		char *name = strdup(state);
		if (!name) {
			pthread_mutex_unlock(&s->mu);
			return;
		}
		memmove(&s->states[i + 1], &s->states[i],
			(s->nstates - i) * sizeof s->states[0]);
		s->states[i].name = name;
		s->nstates++;
	}
	if (i < s->nstates && !strcmp(s->states[i].name, state))
		s->states[i].agents = agents;
	pthread_mutex_unlock(&s->mu);
}

int mr_live_presence_rows(const mr_state *s, Hd__LiveBoard *b)
{
	for (size_t i = 0; i < s->nstates; i++) {
		if (!s->states[i].agents)
			continue;
		Hd__StateCount *x = mr_push(&b->agents_by_state,
					    &b->n_agents_by_state, sizeof *x);
		if (x)
			hd__state_count__init(x);
		if (!x || !(x->state = mr_str(s->states[i].name)))
			return HD_E_NOMEM;
		x->agents = s->states[i].agents;
	}
	return HD_OK;
}
