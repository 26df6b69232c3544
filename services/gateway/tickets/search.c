/* The gateway's search endpoints (API.md §5): GET /api/v2/search and
 * /api/v2/search/count. Every intake shard searches its own tickets
 * (search.tickets, which also applies the caller's role); the gateway
 * merges the shards' ordered hits and pages through them by offset. */
#include "gw_search.h"

#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hit_cmp(const void *a, const void *b, void *arg)
{
	const Hd__SearchHit *x = *(Hd__SearchHit *const *)a;
	const Hd__SearchHit *y = *(Hd__SearchHit *const *)b;
	int c = (x->key > y->key) - (x->key < y->key);
	if (!c)
		c = (x->ticket->id > y->ticket->id) -
		    (x->ticket->id < y->ticket->id);
	return *(const int *)arg ? -c : c;
}

void gw_search_release(gw_search_result *res)
{
	for (unsigned i = 0; i < res->nreplies; i++)
		hd__search_reply__free_unpacked(res->replies[i], NULL);
	free(res->hits);
	memset(res, 0, sizeof *res);
}

/* Every shard answers in the same order (the same comparator as intake's),
 * so sorting the union is the merge. */
static int merge(gw_search_result *res, gw_resp *out)
{
	size_t total = 0;
	int desc = 1;
	for (unsigned i = 0; i < res->nreplies; i++) {
		total += res->replies[i]->n_hits;
		res->count += res->replies[i]->count;
		desc = res->replies[i]->descending;
	}
	res->hits = calloc(total + 1, sizeof *res->hits);
	if (!res->hits)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	for (unsigned i = 0; i < res->nreplies; i++)
		for (size_t j = 0; j < res->replies[i]->n_hits; j++)
			if (res->replies[i]->hits[j]->ticket)
				res->hits[res->n++] = res->replies[i]->hits[j];
	qsort_r(res->hits, res->n, sizeof *res->hits, hit_cmp, &desc);
	return HD_OK;
}

/* People named by e-mail (assignee:ann@example.com) and groups and
 * organizations named by name become ids on the directory shard first, so
 * every shard can match them. */
static int resolve(gw *g, gw_req *r, const Hd__SearchRequest *sr,
		   Hd__SearchRequest **resolved, gw_resp *out)
{
	*resolved = NULL;
	if (!strchr(sr->query, '@') && !strcasestr(sr->query, "group:") &&
	    !strcasestr(sr->query, "organization:"))
		return HD_OK;
	return gw_call(g, g->intake[0], r, "search.resolve", sr,
		       &hd__search_request__descriptor, (void **)resolved, out);
}

int gw_search_gather(gw *g, gw_req *r, const Hd__SearchRequest *sr,
		     gw_search_result *res, gw_resp *out)
{
	Hd__SearchRequest *resolved = NULL;
	memset(res, 0, sizeof *res);
	int rc = resolve(g, r, sr, &resolved, out);
	if (rc)
		return rc;
	if (resolved)
		sr = resolved;
	for (unsigned s = 0; s < g->shards && !rc; s++) {
		Hd__SearchReply *rep = NULL;
		rc = gw_call(g, g->intake[s], r, "search.tickets", sr,
			     &hd__search_reply__descriptor, (void **)&rep, out);
		if (gw_skip_shard(g, rc, s, res->missing, &res->nmissing, out))
			rc = HD_OK;
		else if (!rc)
			res->replies[res->nreplies++] = rep;
	}
	hd__search_request__free_unpacked(resolved, NULL);
	return rc ? rc : merge(res, out);
}

static void read_request(gw_req *r, Hd__SearchRequest *sr)
{
	const char *q = gw_query(r, "query");
	const char *sb = gw_query(r, "sort_by");
	const char *so = gw_query(r, "sort_order");
	sr->query = (char *)(q ? q : "");
	sr->sort_by = (char *)(sb ? sb : "");
	sr->sort_order = (char *)(so ? so : "");
}

static int page_params(gw_req *r, gw_page *p, gw_resp *out)
{
	int rc = gw_page_parse(r, p, 100, UINT64_MAX, out);
	if (rc)
		return rc;
	if (p->cursor) {
		out->status = 400;
		json_decref(out->body);
		out->body =
			json_pack("{s:{s:s, s:s}}", "error", "title",
				  "Invalid attribute", "message",
				  "page[size] is not supported by /search; "
				  "use page and per_page or /search/export");
		return HD_E_INVALID;
	}
	if ((p->page - 1) * p->size >= GW_SEARCH_MAX)
		return gw_error(out, 422, "invalid",
				"Search results are limited to 1000 per query; "
				"narrow the query");
	return HD_OK;
}

static json_t *results_json(gw_req *r, const gw_search_result *res, size_t from,
			    size_t n)
{
	json_t *a = json_array();
	for (size_t i = from; i < from + n && i < res->n; i++) {
		json_t *t = gw_ticket_json(r, res->hits[i]->ticket);
		json_object_set_new(t, "result_type", json_string("ticket"));
		json_array_append_new(a, t);
	}
	return a;
}

static int gw_search(gw *g, gw_req *r, gw_resp *out)
{
	gw_page p;
	int rc = page_params(r, &p, out);
	if (rc)
		return rc;
	Hd__SearchRequest sr = HD__SEARCH_REQUEST__INIT;
	read_request(r, &sr);
	uint64_t from = (p.page - 1) * p.size;
	uint64_t end = from + p.size;
	sr.limit = (uint32_t)(end > GW_SEARCH_MAX ? GW_SEARCH_MAX : end);
	gw_search_result res;
	rc = gw_search_gather(g, r, &sr, &res, out);
	if (!rc) {
		out->status = 200;
		out->body = json_pack("{s:o, s:n}", "results",
				      results_json(r, &res, from, end - from),
				      "facets");
		uint64_t listed =
			res.count > GW_SEARCH_MAX ? GW_SEARCH_MAX : res.count;
		gw_page_links(r, &p, out->body, listed, 0, NULL, NULL);
		json_object_set_new(out->body, "count",
				    json_integer((json_int_t)res.count));
		gw_partial(out, res.missing, res.nmissing);
	}
	gw_search_release(&res);
	return rc;
}

static int gw_search_count(gw *g, gw_req *r, gw_resp *out)
{
	Hd__SearchRequest sr = HD__SEARCH_REQUEST__INIT;
	read_request(r, &sr);
	sr.sort_by = sr.sort_order = ""; /* irrelevant to a count */
	sr.limit = 0;
	gw_search_result res;
	int rc = gw_search_gather(g, r, &sr, &res, out);
	if (!rc) {
		out->status = 200;
		out->body = json_pack("{s:I}", "count", (json_int_t)res.count);
		gw_partial(out, res.missing, res.nmissing);
	}
	gw_search_release(&res);
	return rc;
}

const gw_route gw_search_routes[] = {
	{"GET", "/api/v2/search", gw_search, GW_AUTH_USER},
	{"GET", "/api/v2/search/count", gw_search_count, GW_AUTH_USER},
	{NULL, NULL, NULL, 0},
};
