/* The gateway's directory lists (users, organizations, groups,
 * memberships): pagination, ?ids= for show_many, the list reply and the
 * plain delete, shared so each endpoint only names its RPC and its JSON. */
#include "gw_users.h"

#include "hd/err.h"
#include "hd/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gw_dir_page(gw_req *r, gw_page *p, Hd__DirListRequest *q, gw_resp *out)
{
	int rc = gw_page_parse(r, p, 100, 10000, out);
	if (rc)
		return rc;
	q->size = p->size;
	q->cursor = p->cursor;
	q->offset = (p->page - 1) * p->size;
	if ((p->after[0] && hd_parse_u64(p->after, &q->after_id)) ||
	    (p->before[0] && hd_parse_u64(p->before, &q->before_id)))
		return gw_error(out, 400, "InvalidPaginationParameter",
				"Invalid cursor");
	return HD_OK;
}

void gw_dir_links(gw_req *r, const gw_page *p, json_t *body, uint64_t count,
		  bool has_more, uint64_t first, uint64_t last)
{
	char after[24] = "", before[24] = "";
	if (last)
		snprintf(after, sizeof after, "%llu", (unsigned long long)last);
	/* A prev page exists when this one did not start at the beginning. */
	if (first && (p->after[0] || (p->before[0] && has_more)))
		snprintf(before, sizeof before, "%llu",
			 (unsigned long long)first);
	bool more = p->before[0] ? (last != 0) : has_more;
	gw_page_links(r, p, body, count, more, after[0] ? after : NULL,
		      before[0] ? before : NULL);
}

int gw_dir_ids(gw_req *r, Hd__DirListRequest *q, uint64_t **buf, gw_resp *out)
{
	const char *ids = gw_query(r, "ids");
	*buf = NULL;
	if (!ids || !ids[0])
		return gw_error(out, 400, "ParameterMissing",
				"param is missing or the value is empty: ids");
	*buf = calloc(101, sizeof(uint64_t));
	if (!*buf)
		return gw_from_err(out, HD_E_NOMEM, "out of memory");
	for (const char *p = ids; *p;) {
		char one[24];
		size_t n = strcspn(p, ",");
		if (q->n_ids == 100)
			return gw_error(out, 400, "TooManyValues",
					"Parameter ids cannot specify more "
					"than 100 values");
		if (n == 0 || n >= sizeof one)
			return gw_error(out, 400, "InvalidValue",
					"ids must be a comma-separated list");
		memcpy(one, p, n);
		one[n] = '\0';
		if (hd_parse_u64(one, &(*buf)[q->n_ids++]))
			return gw_error(out, 400, "InvalidValue",
					"ids must be a comma-separated list");
		p += n + (p[n] == ',');
	}
	q->ids = *buf;
	return HD_OK;
}

/* The record id of a list item: every directory object carries "id". */
static uint64_t item_id(json_t *arr, size_t i)
{
	return (uint64_t)json_integer_value(
		json_object_get(json_array_get(arr, i), "id"));
}

void gw_dir_reply(gw_req *r, const gw_page *p, gw_resp *out, const char *key,
		  json_t *arr, uint64_t count, bool has_more)
{
	size_t n = json_array_size(arr);
	out->status = 200;
	out->body = json_pack("{s:o}", key, arr);
	if (p)
		gw_dir_links(r, p, out->body, count, has_more,
			     n ? item_id(arr, 0) : 0,
			     n ? item_id(arr, n - 1) : 0);
	else
		json_object_set_new(out->body, "count",
				    json_integer((json_int_t)n));
}

int gw_dir_show_many(gw *g, gw_req *r, gw_resp *out, gw_dir_lister list)
{
	Hd__DirListRequest q = HD__DIR_LIST_REQUEST__INIT;
	uint64_t *ids = NULL;
	int rc = gw_dir_ids(r, &q, &ids, out);
	if (!rc)
		rc = list(g, r, &q, NULL, out);
	free(ids);
	return rc;
}

int gw_dir_delete(gw *g, gw_req *r, const char *method, const void *msg,
		  const ProtobufCMessageDescriptor *reply, gw_resp *out)
{
	Hd__IdRequest ir = HD__ID_REQUEST__INIT;
	ProtobufCMessage *rep = NULL;
	ir.id = r->id;
	int rc = gw_call(g, g->intake[0], r, method, msg ? msg : &ir, reply,
			 (void **)&rep, out);
	if (rc)
		return rc;
	protobuf_c_message_free_unpacked(rep, NULL);
	out->status = 204;
	return HD_OK;
}
