/* Zendesk's trigger cycle (see rules.h): the active triggers are tried in
 * position order against the ticket; when one fires, its actions change the
 * working copy and the pass restarts from the first trigger. Each trigger
 * fires at most once per update, so the cycle ends after at most as many
 * firings as there are triggers. A loop — a fired trigger that still
 * matches the final ticket and would change it again (A adds x and removes
 * y, B adds y and removes x) — is reported in c->loop; the caller keeps the
 * cycle's result as is. */
#include "rules.h"

#include "hd/err.h"
#include "hd/pbwire.h"

#include <stdlib.h>
#include <string.h>

static int by_position(const void *a, const void *b)
{
	const Hd__Rule *x = *(Hd__Rule *const *)a, *y = *(Hd__Rule *const *)b;
	if (x->position != y->position)
		return x->position < y->position ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

void rt_rules_sort(Hd__Rule **rules, size_t n)
{
	if (n)
		qsort(rules, n, sizeof *rules, by_position);
}

/* Would rule change the final ticket again? */
static bool would_change(const Hd__Rule *rule, const rt_work *w)
{
	hd_buf a, b;
	hd_buf_init(&a, (size_t)16 << 20);
	hd_buf_init(&b, (size_t)16 << 20);
	Hd__Ticket *copy = rt_ticket_copy(w->tk);
	bool changed = false;
	if (copy && hd_pb_pack(&a, w->tk) == HD_OK) {
		rt_work dry = {copy, json_object(), NULL, w->f, NULL, NULL};
		rt_act_apply(rule, &dry);
		hd_pb_pack(&b, copy);
		changed = a.len != b.len || memcmp(a.data, b.data, a.len) != 0;
		json_decref(dry.cmd);
		json_decref(dry.comment);
	}
	hd__ticket__free_unpacked(copy, NULL);
	hd_buf_release(&a);
	hd_buf_release(&b);
	return changed;
}

int rt_trig_cycle(rt_cycle *c, rt_work *w, rt_facts *f)
{
	int rc = HD_OK;
	for (bool again = true; again && !rc;) {
		again = false;
		for (size_t i = 0; i < c->n && !again && !rc; i++) {
			if (c->fired[i] || !rt_conds_match(c->rules[i], f))
				continue;
			if (c->on_fire)
				rc = c->on_fire(c->arg, i, false, w);
			if (!rc)
				rc = rt_act_apply(c->rules[i], w);
			if (!rc && c->on_fire)
				rc = c->on_fire(c->arg, i, true, w);
			c->fired[i] = true;
			c->order[c->nfired++] = i;
			again = true; /* restart from the first trigger */
		}
	}
	for (size_t k = 0; k < c->nfired && !rc; k++) {
		const Hd__Rule *rule = c->rules[c->order[k]];
		if (rt_conds_match(rule, f) && would_change(rule, w)) {
			c->loop = true;
			c->loop_at = c->order[k];
			break;
		}
	}
	return rc;
}
