/* Offset and cursor pagination, and query parameters (API.md §1). */
#include "gateway.h"

#include "hd/cfg.h"
#include "hd/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGE_SIZE 100

const char *gw_query(gw_req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(
		r->conn, MHD_GET_ARGUMENT_KIND, name);
	if (!v || !strchr(v, '+'))
		return v;
	/* URLSearchParams-style clients send spaces as '+'. */
	if (r->nowned == (int)(sizeof r->owned / sizeof r->owned[0]))
		return v;
	char *copy = strdup(v);
	if (!copy)
		return v;
	for (char *p = copy; *p; p++)
		if (*p == '+')
			*p = ' ';
	r->owned[r->nowned++] = copy;
	return copy;
}

static int bad_param(gw_resp *out, const char *name, const char *why)
{
	char msg[200];
	snprintf(msg, sizeof msg, "Invalid %s: %s", name, why);
	return gw_error(out, 400, "InvalidPaginationParameter", msg);
}

static int read_size(gw_req *r, const char *name, unsigned def, unsigned *out,
		     gw_resp *resp)
{
	const char *v = gw_query(r, name);
	uint64_t n = def;
	if (v && (hd_parse_u64(v, &n) || n == 0))
		return bad_param(resp, name, "must be a positive integer");
	*out = n > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : (unsigned)n;
	return HD_OK;
}

int gw_page_parse(gw_req *r, gw_page *p, unsigned def_size,
		  uint64_t max_records, gw_resp *out)
{
	memset(p, 0, sizeof *p);
	p->page = 1;
	if (gw_query(r, "page[size]") || gw_query(r, "page[after]") ||
	    gw_query(r, "page[before]")) {
		p->cursor = 1;
		const char *a = gw_query(r, "page[after]");
		const char *b = gw_query(r, "page[before]");
		if ((a && strlen(a) >= sizeof p->after) ||
		    (b && strlen(b) >= sizeof p->before))
			return bad_param(out, "cursor", "too long");
		snprintf(p->after, sizeof p->after, "%s", a ? a : "");
		snprintf(p->before, sizeof p->before, "%s", b ? b : "");
		return read_size(r, "page[size]", def_size, &p->size, out);
	}
	int rc = read_size(r, "per_page", def_size, &p->size, out);
	const char *page = gw_query(r, "page");
	if (!rc && page && (hd_parse_u64(page, &p->page) || p->page == 0))
		rc = bad_param(out, "page", "must be a positive integer");
	if (!rc && (p->page - 1) * p->size >= max_records && p->page > 1)
		rc = gw_error(out, 400, "InvalidPaginationParameter",
			      "Offset pagination is limited to 10,000 records; "
			      "use cursor pagination (page[size])");
	return rc;
}

static int skip_param(const char *key)
{
	static const char *const ours[] = {"page",         "per_page",
					   "page[size]",   "page[after]",
					   "page[before]", NULL};
	for (size_t i = 0; ours[i]; i++)
		if (strcmp(key, ours[i]) == 0)
			return 1;
	return 0;
}

static void put_encoded(hd_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~,", *p)) {
			hd_buf_append(b, p, 1);
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			hd_buf_append(b, esc, 3);
		}
	}
}

static enum MHD_Result keep_param(void *cls, enum MHD_ValueKind kind,
				  const char *key, const char *value)
{
	(void)kind;
	hd_buf *b = cls;
	if (skip_param(key))
		return MHD_YES;
	put_encoded(b, key);
	hd_buf_puts(b, "=");
	put_encoded(b, value ? value : "");
	hd_buf_puts(b, "&");
	return MHD_YES;
}

/* base + original path + other params + the given page params. */
static json_t *page_link(gw_req *r, const char *k1, const char *v1,
			 const char *k2, const char *v2)
{
	hd_buf b;
	hd_buf_init(&b, 8192);
	hd_buf_printf(&b, "%s%s?", r->base_url, r->url);
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, keep_param,
				  &b);
	put_encoded(&b, k1);
	hd_buf_puts(&b, "=");
	put_encoded(&b, v1);
	hd_buf_puts(&b, "&");
	put_encoded(&b, k2);
	hd_buf_puts(&b, "=");
	put_encoded(&b, v2);
	json_t *s =
		b.data && !hd_buf_error(&b) ? json_string(b.data) : json_null();
	hd_buf_release(&b);
	return s;
}

void gw_page_links(gw_req *r, const gw_page *p, json_t *body, uint64_t count,
		   int has_more, const char *after_cursor,
		   const char *before_cursor)
{
	char size[16], page[24];
	snprintf(size, sizeof size, "%u", p->size);
	if (!p->cursor) {
		snprintf(page, sizeof page, "%llu",
			 (unsigned long long)p->page + 1);
		json_object_set_new(
			body, "next_page",
			count > p->page * p->size
				? page_link(r, "page", page, "per_page", size)
				: json_null());
		snprintf(page, sizeof page, "%llu",
			 (unsigned long long)p->page - 1);
		json_object_set_new(body, "previous_page",
				    p->page > 1 ? page_link(r, "page", page,
							    "per_page", size)
						: json_null());
		json_object_set_new(body, "count",
				    json_integer((json_int_t)count));
		return;
	}
	json_object_set_new(
		body, "meta",
		json_pack("{s:b, s:o, s:o}", "has_more", has_more,
			  "after_cursor", gw_str_or_null(after_cursor),
			  "before_cursor", gw_str_or_null(before_cursor)));
	json_object_set_new(
		body, "links",
		json_pack("{s:o, s:o}", "prev",
			  before_cursor && before_cursor[0]
				  ? page_link(r, "page[before]", before_cursor,
					      "page[size]", size)
				  : json_null(),
			  "next",
			  has_more && after_cursor && after_cursor[0]
				  ? page_link(r, "page[after]", after_cursor,
					      "page[size]", size)
				  : json_null()));
}

int gw_page_offset(const gw_page *p, uint64_t *offset, gw_resp *out)
{
	*offset = (p->page - 1) * p->size;
	if (p->cursor && p->after[0] && hd_parse_u64(p->after, offset))
		return gw_error(out, 400, "InvalidPaginationParameter",
				"Invalid cursor");
	return HD_OK;
}

void gw_page_offset_links(gw_req *r, const gw_page *p, json_t *body,
			  uint64_t end, uint64_t count)
{
	char next[24];
	snprintf(next, sizeof next, "%llu", (unsigned long long)end);
	gw_page_links(r, p, body, count, end < count, next, NULL);
}
