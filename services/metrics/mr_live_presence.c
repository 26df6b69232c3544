/* The wallboard's agents per presence state: counts set from the applying
 * transaction's values (mr_presence.c), kept in memory under mu. */
#include "mr.h"

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

void mr_live_presence_format(const mr_state *s, hd_buf *b)
{
	hd_buf_puts(b, ",\"agents_by_state\":{");
	for (size_t i = 0, n = 0; i < s->nstates; i++) {
		if (!s->states[i].agents)
			continue;
		json_t *name = json_string(s->states[i].name);
		char *q = name ? json_dumps(name, JSON_ENCODE_ANY) : NULL;
		if (q)
			hd_buf_printf(b, "%s%s:%" PRIu64, n++ ? "," : "", q,
				      s->states[i].agents);
		free(q);
		json_decref(name);
	}
	hd_buf_puts(b, "}");
}
