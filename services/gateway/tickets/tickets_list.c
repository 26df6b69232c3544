/* Ticket lists: every intake shard returns its sorted part, the gateway
 * merges by (sort key, id) and cuts the page. A cursor is "<key>_<id>" of
 * the last ticket shown, so tickets created while a client pages never make
 * it skip or repeat one. */
#include "gw_tickets.h"

#include "hd/cfg.h"
#include "hd/store.h"
#include "hd/err.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OFFSET_RECORDS 10000

typedef struct merged {
	int64_t key;
	uint64_t id;
	Hd__Ticket *tk;
} merged;

typedef gw_ticket_list list_q;

static int cmp_asc(const void *a, const void *b)
{
	const merged *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_desc(const void *a, const void *b)
{
	return cmp_asc(b, a);
}

/* sort_by/sort_order (offset) or sort=-field (cursor) into the request. */
static int read_sort(gw_req *r, const gw_page *p, Hd__TicketListRequest *q,
		     gw_resp *out)
{
	static const char *const keys[] = {"created_at", "updated_at", "id",
					   "status",     "priority",   NULL};
	const char *by = gw_query(r, p->cursor ? "sort" : "sort_by");
	const char *order = gw_query(r, "sort_order");
	if (p->cursor && by && by[0] == '-') {
		q->desc = 1;
		by++;
	}
	if (!p->cursor && order)
		q->desc = strcmp(order, "desc") == 0;
	q->sort_by = (char *)"id";
	for (size_t i = 0; by && keys[i]; i++)
		if (strcmp(by, keys[i]) == 0)
			q->sort_by = (char *)keys[i];
	if (by && strcmp(by, q->sort_by) != 0)
		return gw_error(out, 400, "InvalidSortParameter",
				"sort must be one of created_at, updated_at, "
				"id, status, priority");
	if (!p->after[0])
		return HD_OK;
	long long k;
	unsigned long long id;
	char tail;
	if (sscanf(p->after, "%lld_%llu%c", &k, &id, &tail) != 2)
		return gw_error(out, 400, "InvalidPaginationParameter",
				"Invalid cursor");
	q->has_after = 1;
	q->after_key = k;
	q->after_id = id;
	return HD_OK;
}

/* Ask every shard; append what they return to *all. A shard that cannot
 * be reached is left out and listed in missing[]; only when none answers
 * is the list an error. */
static int gather(gw *g, gw_req *r, Hd__TicketListRequest *q, merged **all,
		  size_t *n, uint64_t *count, Hd__TicketListReply **reps,
		  unsigned *missing, size_t *nmissing, gw_resp *out)
{
	for (unsigned s = 0; s < g->shards; s++) {
		int rc = gw_call(g, g->intake[s], r, "tickets.list", q,
				 &hd__ticket_list_reply__descriptor,
				 (void **)&reps[s], out);
		if (gw_skip_shard(g, rc, s, missing, nmissing, out))
			continue;
		if (rc)
			return rc;
		*count += reps[s]->count;
		merged *grown = realloc(*all, (*n + reps[s]->n_tickets + 1) *
						      sizeof **all);
		if (!grown)
			return gw_from_err(out, HD_E_NOMEM, "out of memory");
		*all = grown;
		for (size_t i = 0; i < reps[s]->n_tickets; i++)
			(*all)[(*n)++] = (merged){reps[s]->keys[i],
						  reps[s]->tickets[i]->id,
						  reps[s]->tickets[i]};
	}
	return HD_OK;
}

static void render(gw *g, gw_req *r, const list_q *lq, const gw_page *p,
		   merged *all, size_t n, uint64_t count, gw_resp *out)
{
	size_t start = p->cursor ? 0 : (size_t)((p->page - 1) * p->size);
	size_t end = start + p->size < n ? start + p->size : n;
	if (start > n)
		start = end = n;
	json_t *arr = json_array();
	Hd__Ticket *shown[100];
	size_t nshown = 0;
	for (size_t i = start; i < end; i++) {
		json_array_append_new(
			arr, lq->item ? lq->item(r, all[i].tk, lq->item_arg)
				      : gw_ticket_json(r, all[i].tk));
		shown[nshown++] = all[i].tk;
	}
	out->status = 200;
	out->body = json_pack("{s:o}", lq->key ? lq->key : "tickets", arr);
	gw_tickets_sideload(g, r, out->body, shown, nshown);
	char after[64] = "", before[64] = "";
	if (end > start) {
		snprintf(after, sizeof after, "%" PRId64 "_%" PRIu64,
			 all[end - 1].key, all[end - 1].id);
		snprintf(before, sizeof before, "%" PRId64 "_%" PRIu64,
			 all[start].key, all[start].id);
	}
	(void)before;
	gw_page_links(r, p, out->body, count, n > end, after[0] ? after : NULL,
		      NULL);
}

int gw_tickets_run_list(gw *g, gw_req *r, const list_q *lq, gw_resp *out)
{
	gw_page p;
	int rc = gw_page_parse(r, &p, 100, MAX_OFFSET_RECORDS, out);
	if (rc)
		return rc;
	Hd__TicketListRequest q = HD__TICKET_LIST_REQUEST__INIT;
	q.filter = (char *)(lq->filter ? lq->filter : "");
	q.filter_id = lq->filter_id;
	q.deleted = lq->deleted;
	q.ids = (uint64_t *)lq->ids;
	q.n_ids = lq->nids;
	const char *ext = gw_query(r, "external_id");
	q.external_id = (char *)(ext ? ext : "");
	q.statuses = (char **)lq->statuses;
	q.n_statuses = lq->nstatuses;
	if ((rc = read_sort(r, &p, &q, out)))
		return rc;
	q.limit = p.cursor ? p.size + 1 : (uint32_t)(p.page * p.size);
	q.skip_count = p.cursor; /* cursor pages show no count */
	Hd__TicketListReply *reps[GW_MAX_SHARDS] = {0};
	merged *all = NULL;
	size_t n = 0;
	uint64_t count = 0;
	unsigned missing[GW_MAX_SHARDS];
	size_t nmissing = 0;
	rc = gather(g, r, &q, &all, &n, &count, reps, missing, &nmissing, out);
	if (!rc) {
		if (n)
			qsort(all, n, sizeof *all, q.desc ? cmp_desc : cmp_asc);
		render(g, r, lq, &p, all, n, count, out);
		gw_partial(out, missing, nmissing);
	}
	free(all);
	for (unsigned s = 0; s < g->shards; s++)
		hd__ticket_list_reply__free_unpacked(reps[s], NULL);
	return rc;
}

int gw_tickets_list(gw *g, gw_req *r, gw_resp *out)
{
	list_q lq = {0};
	return gw_tickets_run_list(g, r, &lq, out);
}

int gw_tickets_deleted(gw *g, gw_req *r, gw_resp *out)
{
	list_q lq = {.deleted = 1};
	int rc = gw_tickets_run_list(g, r, &lq, out);
	if (!rc) { /* Zendesk names the list deleted_tickets */
		json_t *t = json_incref(json_object_get(out->body, "tickets"));
		json_object_del(out->body, "tickets");
		json_object_set_new(out->body, "deleted_tickets", t);
	}
	return rc;
}

/* The tickets whose <filter> is {id}. */
static int list_by(gw *g, gw_req *r, const char *filter, gw_resp *out)
{
	list_q lq = {.filter = filter, .filter_id = r->id};
	return gw_tickets_run_list(g, r, &lq, out);
}

int gw_tickets_requested(gw *g, gw_req *r, gw_resp *out)
{
	return list_by(g, r, "requester", out);
}

int gw_tickets_assigned(gw *g, gw_req *r, gw_resp *out)
{
	return list_by(g, r, "assignee", out);
}

int gw_tickets_ccd(gw *g, gw_req *r, gw_resp *out)
{
	return list_by(g, r, "ccd", out);
}

int gw_tickets_of_org(gw *g, gw_req *r, gw_resp *out)
{
	return list_by(g, r, "organization", out);
}

int gw_ids_param(gw_req *r, uint64_t *ids, size_t *n, gw_resp *out)
{
	const char *v = gw_query(r, "ids");
	*n = 0;
	if (!v || !v[0])
		return gw_error(out, 400, "ParameterMissing",
				"param is missing or the value is empty: ids");
	for (const char *s = v; *s;) {
		char digits[24];
		size_t len = strcspn(s, ",");
		if (*n == GW_MAX_SHOW_MANY)
			return gw_too_many(out, "ids", GW_MAX_SHOW_MANY);
		if (len == 0 || len >= sizeof digits)
			return gw_error(out, 400, "InvalidValue",
					"ids must be comma-separated integers");
		memcpy(digits, s, len);
		digits[len] = '\0';
		if (hd_parse_u64(digits, &ids[(*n)++]))
			return gw_error(out, 400, "InvalidValue",
					"ids must be comma-separated integers");
		s += len + (s[len] == ',');
	}
	return HD_OK;
}

int gw_tickets_show_many(gw *g, gw_req *r, gw_resp *out)
{
	list_q lq = {0};
	int rc = gw_ids_param(r, lq.ids, &lq.nids, out);
	return rc ? rc : gw_tickets_run_list(g, r, &lq, out);
}

int gw_tickets_count(gw *g, gw_req *r, gw_resp *out)
{
	Hd__TicketListRequest q = HD__TICKET_LIST_REQUEST__INIT;
	q.limit = 1;
	q.sort_by = (char *)"id";
	uint64_t total = 0;
	unsigned missing[GW_MAX_SHARDS];
	size_t nmissing = 0;
	for (unsigned s = 0; s < g->shards; s++) {
		Hd__TicketListReply *rep = NULL;
		int rc = gw_call(g, g->intake[s], r, "tickets.list", &q,
				 &hd__ticket_list_reply__descriptor,
				 (void **)&rep, out);
		if (gw_skip_shard(g, rc, s, missing, &nmissing, out))
			continue;
		if (rc)
			return rc;
		total += rep->count;
		hd__ticket_list_reply__free_unpacked(rep, NULL);
	}
	out->status = 200;
	out->body =
		json_pack("{s:{s:I, s:o}}", "count", "value", (json_int_t)total,
			  "refreshed_at", gw_time_json(hd_now_ms()));
	gw_partial(out, missing, nmissing);
	return HD_OK;
}
